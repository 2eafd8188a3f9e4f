"""Messages that could not be delivered by DM, kept for their recipients to read privately."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.clock import Clock
from bot.domain.errors import NotAllowed
from storage.notes import FallbackNote, FallbackNoteRepository


class NoteService:
    def __init__(self, notes: FallbackNoteRepository, clock: Clock) -> None:
        self._notes = notes
        self._clock = clock

    async def leave(
        self, guild_id: int, recipients: Sequence[int], content: str, *, meal_id: int | None, actions: Sequence[str]
    ) -> int:
        return await self._notes.add(
            guild_id=guild_id,
            recipients=recipients,
            content=content,
            meal_id=meal_id,
            actions=actions,
            at=self._clock(),
        )

    async def read(self, note_id: int, guild_id: int, user_id: int) -> FallbackNote:
        note = await self._notes.for_reader(note_id, guild_id, user_id)
        if note is None:
            raise NotAllowed("This message is for someone else (or was deleted with their data).")
        return note
