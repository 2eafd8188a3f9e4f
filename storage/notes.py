"""Fallback notes: DMs that could not be delivered, readable only by the people they were for.

A note gathers the people of one bulk send whose DMs are closed (the same text to the same channel), up to
NOTE_RECIPIENTS, until the outbox posts it as one neutral mention with a Show button.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.domain.outbox import NOTE_RECIPIENTS, FallbackNote
from storage.codecs import encode_datetime
from storage.database import Row, Transaction


class FallbackNoteRepository:
    async def gather(
        self,
        tx: Transaction,
        *,
        guild_id: int,
        channel_id: int,
        meal_id: int | None,
        content: str,
        actions: Sequence[str],
        user_id: int,
        at: dt.datetime,
    ) -> tuple[int, bool]:
        """Add the person to a note with the same text for the same channel that is still open (not read for
        posting yet), or start one. Returns the note's id and whether it is new (a new note needs an outbox
        row)."""
        joined = ",".join(actions)
        row = await tx.fetch_one(
            """
            SELECT n.id FROM fallback_notes n
            WHERE n.guild_id = ? AND n.channel_id = ? AND n.meal_id IS NOT DISTINCT FROM ? AND n.content = ?
              AND n.actions = ?
              AND n.closed_at IS NULL
              AND (SELECT COUNT(*) FROM fallback_note_recipients r WHERE r.note_id = n.id) < ?
            ORDER BY n.id LIMIT 1
            """,
            (guild_id, channel_id, meal_id, content, joined, NOTE_RECIPIENTS),
        )
        new = row is None
        if row is None:
            note_id = await tx.insert(
                "INSERT INTO fallback_notes (guild_id, channel_id, meal_id, actions, content, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id, channel_id, meal_id, joined, content, encode_datetime(at)),
            )
        else:
            note_id = int(row["id"])
        await tx.execute(
            "INSERT INTO fallback_note_recipients (note_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (note_id, user_id),
        )
        return note_id, new

    async def get(self, tx: Transaction, guild_id: int, note_id: int) -> FallbackNote | None:
        row = await tx.fetch_one("SELECT * FROM fallback_notes WHERE id = ? AND guild_id = ?", (note_id, guild_id))
        if row is None:
            return None
        people = await tx.fetch_all(
            "SELECT user_id FROM fallback_note_recipients WHERE note_id = ? ORDER BY user_id", (note_id,)
        )
        return _note(row, tuple(int(p["user_id"]) for p in people))

    async def close(self, tx: Transaction, guild_id: int, note_id: int, at: dt.datetime) -> None:
        """The note is being posted: from now on nobody joins it (they start a new one)."""
        await tx.execute(
            "UPDATE fallback_notes SET closed_at = COALESCE(closed_at, ?) WHERE id = ? AND guild_id = ?",
            (encode_datetime(at), note_id, guild_id),
        )

    async def mark_posted(self, tx: Transaction, guild_id: int, note_id: int, at: dt.datetime) -> None:
        await tx.execute(
            "UPDATE fallback_notes SET posted_at = ?, closed_at = COALESCE(closed_at, ?) WHERE id = ? AND guild_id = ?",
            (encode_datetime(at), encode_datetime(at), note_id, guild_id),
        )

    async def for_reader(self, tx: Transaction, note_id: int, guild_id: int, user_id: int) -> FallbackNote | None:
        """The note, only for one of its recipients and only in its own guild."""
        row = await tx.fetch_one(
            """
            SELECT n.* FROM fallback_notes n JOIN fallback_note_recipients r ON r.note_id = n.id
            WHERE n.id = ? AND n.guild_id = ? AND r.user_id = ?
            """,
            (note_id, guild_id, user_id),
        )
        return None if row is None else _note(row, (user_id,))

    async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
        rows = await tx.fetch_all(
            """
            SELECT n.content, n.created_at FROM fallback_notes n JOIN fallback_note_recipients r ON r.note_id = n.id
            WHERE n.guild_id = ? AND r.user_id = ? ORDER BY n.id
            """,
            (guild_id, user_id),
        )
        return {"undelivered_messages": [dict(row) for row in rows]} if rows else {}

    async def forget_user(self, tx: Transaction, guild_id: int, user_id: int) -> None:
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


def _note(row: Row, recipients: tuple[int, ...]) -> FallbackNote:
    actions = tuple(a for a in str(row["actions"]).split(",") if a)
    return FallbackNote(
        row["id"], row["guild_id"], row["channel_id"], row["meal_id"], actions, row["content"], recipients
    )
