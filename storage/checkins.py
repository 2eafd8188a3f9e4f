"""Quarterly check-ins: who was asked in which round, who answered (issue 12)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from storage.codecs import decode_datetime, encode_datetime
from storage.database import Transaction


@dataclass(frozen=True, slots=True)
class CheckinRound:
    round_at: dt.datetime
    asked: int
    skipped: int  # met at a meal in the last month
    answered: int

    @property
    def unanswered(self) -> int:
        return self.asked - self.answered


class CheckinRepository:
    async def to_ask(self, tx: Transaction, guild_id: int, met_since: dt.datetime) -> tuple[list[int], int]:
        """Customers who accept DMs, minus those who came to (or are going to) a meal since ``met_since``:
        (whom to ask, how many were skipped)."""
        rows = await tx.fetch_all(
            """
            SELECT c.user_id, EXISTS (
                SELECT 1 FROM rsvps r JOIN meals m ON m.id = r.meal_id
                WHERE m.guild_id = c.guild_id AND r.user_id = c.user_id AND r.status = 'going'
                  AND m.status = 'scheduled' AND m.starts_at >= ?
            ) AS met
            FROM customers c WHERE c.guild_id = ? AND c.allow_dms = 1 AND c.user_id IS NOT NULL ORDER BY c.user_id
            """,
            (encode_datetime(met_since), guild_id),
        )
        return [row["user_id"] for row in rows if not row["met"]], sum(1 for row in rows if row["met"])

    async def add_round(
        self, tx: Transaction, guild_id: int, round_at: dt.datetime, asked: Sequence[int], skipped: int
    ) -> dict[int, int]:
        """The round and one check-in per person; returns each person's check-in id."""
        stamp = encode_datetime(round_at)
        await tx.execute(
            "INSERT INTO checkin_rounds (guild_id, round_at, asked, skipped) VALUES (?, ?, ?, ?)",
            (guild_id, stamp, len(asked), skipped),
        )
        await tx.execute_many(
            "INSERT INTO checkins (guild_id, round_at, user_id) VALUES (?, ?, ?)",
            [(guild_id, stamp, user_id) for user_id in asked],
        )
        rows = await tx.fetch_all(
            "SELECT user_id, id FROM checkins WHERE guild_id = ? AND round_at = ?", (guild_id, stamp)
        )
        return {row["user_id"]: row["id"] for row in rows}

    async def last_round(self, tx: Transaction, guild_id: int) -> CheckinRound | None:
        row = await tx.fetch_one(
            "SELECT r.round_at, r.asked, r.skipped, (SELECT COUNT(*) FROM checkins c WHERE c.guild_id = r.guild_id"
            " AND c.round_at = r.round_at AND c.answered_at IS NOT NULL) AS answered"
            " FROM checkin_rounds r WHERE r.guild_id = ? ORDER BY r.round_at DESC LIMIT 1",
            (guild_id,),
        )
        if row is None:
            return None
        return CheckinRound(decode_datetime(row["round_at"]), row["asked"], row["skipped"], row["answered"])

    async def open_checkin(self, tx: Transaction, guild_id: int, checkin_id: int, user_id: int) -> bool:
        row = await tx.fetch_one(
            "SELECT 1 FROM checkins WHERE id = ? AND guild_id = ? AND user_id = ? AND answered_at IS NULL",
            (checkin_id, guild_id, user_id),
        )
        return row is not None

    async def answered(self, tx: Transaction, guild_id: int, checkin_id: int, insight_id: int, at: dt.datetime) -> None:
        await tx.execute(
            "UPDATE checkins SET answered_at = ?, insight_id = ? WHERE id = ? AND guild_id = ?",
            (encode_datetime(at), insight_id, checkin_id, guild_id),
        )

    async def guild_of(self, tx: Transaction, checkin_id: int, user_id: int) -> int | None:
        """For the reply button in a DM (no guild there): the check-in's server, if it was sent to this person."""
        row = await tx.fetch_one("SELECT guild_id FROM checkins WHERE id = ? AND user_id = ?", (checkin_id, user_id))
        return None if row is None else row["guild_id"]

    async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
        rows = await tx.fetch_all(
            "SELECT round_at, answered_at FROM checkins WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return {"checkins": [dict(row) for row in rows]} if rows else {}

    async def forget_user(self, tx: Transaction, guild_id: int, user_id: int) -> None:
        await tx.execute("DELETE FROM checkins WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
