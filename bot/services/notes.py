"""Messages that could not be delivered by DM, kept for their recipients to read privately."""

from __future__ import annotations

from bot.domain.clock import Clock
from bot.domain.errors import NotAllowed
from bot.domain.outbox import FallbackNote
from storage.database import Store
from storage.notes import FallbackNoteRepository


class NoteService:
    def __init__(self, db: Store, notes: FallbackNoteRepository, clock: Clock) -> None:
        self._db = db
        self._notes = notes
        self._clock = clock

    async def read(self, note_id: int, guild_id: int, user_id: int) -> FallbackNote:
        async with self._db.read() as tx:
            note = await self._notes.for_reader(tx, note_id, guild_id, user_id)
        if note is None:
            raise NotAllowed("This message is for someone else (or was deleted with their data).")
        return note
