"""Fallback notes: DMs that could not be delivered, readable only by the people they were for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from storage.codecs import encode_datetime
from storage.database import Database


@dataclass(frozen=True)
class FallbackNote:
    id: int
    guild_id: int
    meal_id: int | None
    actions: tuple[str, ...]
    content: str


class FallbackNoteRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        *,
        guild_id: int,
        recipients: Sequence[int],
        content: str,
        meal_id: int | None,
        actions: Sequence[str],
        at: dt.datetime,
    ) -> int:
        async with self._db.transaction() as tx:
            note_id = await tx.insert(
                "INSERT INTO fallback_notes (guild_id, meal_id, actions, content, created_at) VALUES (?, ?, ?, ?, ?)",
                (guild_id, meal_id, ",".join(actions), content, encode_datetime(at)),
            )
            await tx.execute_many(
                "INSERT INTO fallback_note_recipients (note_id, user_id) VALUES (?, ?)",
                [(note_id, user_id) for user_id in recipients],
            )
        return note_id

    async def for_reader(self, note_id: int, guild_id: int, user_id: int) -> FallbackNote | None:
        """The note, only for one of its recipients and only in its own guild."""
        row = await self._db.fetch_one(
            """
            SELECT n.* FROM fallback_notes n JOIN fallback_note_recipients r ON r.note_id = n.id
            WHERE n.id = ? AND n.guild_id = ? AND r.user_id = ?
            """,
            (note_id, guild_id, user_id),
        )
        if row is None:
            return None
        actions = tuple(a for a in str(row["actions"]).split(",") if a)
        return FallbackNote(row["id"], row["guild_id"], row["meal_id"], actions, row["content"])

    async def export_user(self, guild_id: int, user_id: int) -> dict[str, object]:
        rows = await self._db.fetch_all(
            """
            SELECT n.content, n.created_at FROM fallback_notes n JOIN fallback_note_recipients r ON r.note_id = n.id
            WHERE n.guild_id = ? AND r.user_id = ? ORDER BY n.id
            """,
            (guild_id, user_id),
        )
        return {"undelivered_messages": [dict(row) for row in rows]} if rows else {}

    async def forget_user(self, guild_id: int, user_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                """
                DELETE FROM fallback_note_recipients
                WHERE user_id = ? AND note_id IN (SELECT id FROM fallback_notes WHERE guild_id = ?)
                """,
                (user_id, guild_id),
            )
            await tx.execute(
                """
                DELETE FROM fallback_notes WHERE guild_id = ?
                AND NOT EXISTS (SELECT 1 FROM fallback_note_recipients r WHERE r.note_id = fallback_notes.id)
                """,
                (guild_id,),
            )
