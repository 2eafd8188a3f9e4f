"""Post-meal feedback and the referrals managers record (issue 12)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.domain.feedback import FeedbackAnswer, FeedbackSummary, Refer, summarise
from storage.codecs import encode_datetime
from storage.database import Transaction


class FeedbackRepository:
    async def answer(
        self,
        tx: Transaction,
        guild_id: int,
        meal_id: int,
        user_id: int,
        at: dt.datetime,
        *,
        score: int | None = None,
        refer: Refer | None = None,
        comment: str | None = None,
    ) -> None:
        """Record one part of someone's answer; the others stay as they were (each is a separate click)."""
        await tx.execute(
            "INSERT INTO meal_feedback (guild_id, meal_id, user_id, score, refer, comment, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (meal_id, user_id) DO UPDATE SET"
            " score = COALESCE(excluded.score, meal_feedback.score),"
            " refer = COALESCE(excluded.refer, meal_feedback.refer),"
            " comment = COALESCE(excluded.comment, meal_feedback.comment), updated_at = excluded.updated_at",
            (guild_id, meal_id, user_id, score, refer.value if refer else None, comment, encode_datetime(at)),
        )

    async def comment(self, tx: Transaction, guild_id: int, meal_id: int, user_id: int) -> str | None:
        row = await tx.fetch_one(
            "SELECT comment FROM meal_feedback WHERE guild_id = ? AND meal_id = ? AND user_id = ?",
            (guild_id, meal_id, user_id),
        )
        return None if row is None else row["comment"]

    async def answered(self, tx: Transaction, guild_id: int, meal_id: int, user_id: int) -> bool:
        row = await tx.fetch_one(
            "SELECT 1 FROM meal_feedback WHERE guild_id = ? AND meal_id = ? AND user_id = ? AND score IS NOT NULL",
            (guild_id, meal_id, user_id),
        )
        return row is not None

    async def answers(self, tx: Transaction, guild_id: int, meal_id: int) -> dict[int, FeedbackAnswer]:
        rows = await tx.fetch_all(
            "SELECT user_id, score, refer, comment FROM meal_feedback WHERE guild_id = ? AND meal_id = ?",
            (guild_id, meal_id),
        )
        return {
            row["user_id"]: FeedbackAnswer(row["score"], Refer(row["refer"]) if row["refer"] else None, row["comment"])
            for row in rows
        }

    async def summary(self, tx: Transaction, guild_id: int, meal_ids: Sequence[int]) -> FeedbackSummary:
        if not meal_ids:
            return FeedbackSummary()
        marks = ",".join("?" * len(meal_ids))
        rows = await tx.fetch_all(
            f"SELECT score, refer, comment FROM meal_feedback WHERE guild_id = ? AND meal_id IN ({marks})",  # noqa: S608
            (guild_id, *meal_ids),
        )
        comments = sum(1 for row in rows if row["comment"])
        return summarise((row["score"] for row in rows), (row["refer"] for row in rows), comments)

    async def add_referral(
        self,
        tx: Transaction,
        guild_id: int,
        *,
        referrer_id: int,
        referred_id: int | None,
        referred_name: str | None,
        tour_id: int | None,
        by: int,
        at: dt.datetime,
    ) -> int:
        return await tx.insert(
            "INSERT INTO referrals (guild_id, tour_id, referrer_id, referred_id, referred_name, recorded_by,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (guild_id, tour_id, referrer_id, referred_id, referred_name, by, encode_datetime(at)),
        )

    async def referrals(self, tx: Transaction, guild_id: int, tour_id: int) -> int:
        row = await tx.fetch_one(
            "SELECT COUNT(*) AS n FROM referrals WHERE guild_id = ? AND tour_id = ?", (guild_id, tour_id)
        )
        return 0 if row is None else int(row["n"])

    async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
        data: dict[str, object] = {}
        feedback = await tx.fetch_all(
            "SELECT meal_id, score, refer, comment, updated_at FROM meal_feedback WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        if feedback:
            data["meal_feedback"] = [dict(row) for row in feedback]
        referrals = await tx.fetch_all(
            "SELECT tour_id, referrer_id, referred_id, created_at FROM referrals"
            " WHERE guild_id = ? AND (referrer_id = ? OR referred_id = ?)",
            (guild_id, user_id, user_id),
        )
        if referrals:
            data["referrals"] = [dict(row) for row in referrals]
        return data

    async def forget_user(self, tx: Transaction, guild_id: int, user_id: int) -> None:
        await tx.execute("DELETE FROM meal_feedback WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
        await tx.execute(
            "DELETE FROM referrals WHERE guild_id = ? AND (referrer_id = ? OR referred_id = ?)",
            (guild_id, user_id, user_id),
        )
