"""Use cases of post-meal feedback and referrals (issue 12): the answers people click in their feedback DM,
what managers see of them per meal and tour, and the referrals they record. One transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.feedback import (
    DEFAULT_FEEDBACK_HOURS,
    FEEDBACK_WINDOW,
    FeedbackAnswer,
    FeedbackSummary,
    Refer,
    check_score,
    clean_comment,
)
from bot.domain.insights import InsightSource
from bot.domain.meals import Meal, RsvpStatus
from bot.domain.outbox import Later
from bot.services.insights import log_heard
from storage.database import Store, Transaction
from storage.feedback import FeedbackRepository
from storage.guild_settings import GuildSettingsRepository
from storage.insights import InsightRepository
from storage.meals import MealRepository, RsvpRepository

MAX_REFERRED_NAME = 100


@dataclass(frozen=True)
class MealFeedback:
    summary: FeedbackSummary
    answers: Mapping[int, FeedbackAnswer]  # by user id


@dataclass(frozen=True)
class TourFeedback:
    summary: FeedbackSummary
    referrals: int
    attendees: int  # people who came to the tour's meals (going or checked in), each counted once

    @property
    def referral_rate(self) -> float | None:
        return None if not self.attendees else self.referrals / self.attendees


class FeedbackService:
    def __init__(self, db: Store, feedback: FeedbackRepository, insights: InsightRepository, clock: Clock) -> None:
        self._db = db
        self._feedback = feedback
        self._insights = insights
        self._clock = clock
        self._meals = MealRepository()
        self._rsvps = RsvpRepository()

    async def answer(
        self,
        guild_id: int,
        meal_id: int,
        user_id: int,
        *,
        score: int | None = None,
        refer: Refer | None = None,
        comment: str | None = None,
    ) -> Meal:
        """One click (or the comment) of someone who came to the meal."""
        if score is not None:
            check_score(score)
        comment = clean_comment(comment)
        now = self._clock()
        async with self._db.transaction() as tx:
            meal = await self._meals.get(tx, meal_id, guild_id)
            if meal is None or meal.cancelled:
                raise InvalidInput("That meal is gone, so there's nothing to give feedback on.")
            if not await self._rsvps.came(tx, meal.id, user_id):
                raise NotAllowed("Only people who came to this meal can give feedback on it.")
            if now > meal.ends_at + FEEDBACK_WINDOW:
                raise InvalidInput("Feedback on this meal has closed; thank you all the same!")
            before = await self._feedback.comment(tx, guild_id, meal_id, user_id)
            await self._feedback.answer(tx, guild_id, meal_id, user_id, now, score=score, refer=refer, comment=comment)
            if comment is not None and comment != before:  # each new comment is an insight (the last one shows)
                await log_heard(
                    tx, self._insights, guild_id=guild_id, user_id=user_id, text=comment,
                    source=InsightSource.FEEDBACK, now=now, meal_id=meal_id,
                )  # fmt: skip
        return meal

    async def for_meal(self, guild_id: int, meal_id: int) -> MealFeedback:
        async with self._db.read() as tx:
            return MealFeedback(
                await self._feedback.summary(tx, guild_id, [meal_id]),
                await self._feedback.answers(tx, guild_id, meal_id),
            )

    async def for_tour(self, guild_id: int, tour_id: int, meal_ids: list[int]) -> TourFeedback:
        async with self._db.read() as tx:
            summary = await self._feedback.summary(tx, guild_id, meal_ids)
            referrals = await self._feedback.referrals(tx, guild_id, tour_id)
            people: set[int] = set()
            for meal_id in meal_ids:
                people.update(r.user_id for r in await self._rsvps.all(tx, meal_id) if r.status is RsvpStatus.GOING)
        return TourFeedback(summary, referrals, len(people))

    async def record_referral(
        self,
        guild_id: int,
        *,
        referrer_id: int,
        referred_id: int | None,
        referred_name: str | None,
        tour_id: int | None,
        by: int,
    ) -> int:
        name = (referred_name or "").strip() or None
        if referred_id is None and name is None:
            raise InvalidInput("Say who was referred: pick the member, or type their name if they aren't here.")
        if name is not None and len(name) > MAX_REFERRED_NAME:
            raise InvalidInput(f"That name is {len(name)} characters long; keep it to {MAX_REFERRED_NAME}.")
        if referred_id == referrer_id:
            raise InvalidInput("Someone can't refer themselves; pick who they brought to us.")
        async with self._db.transaction() as tx:
            return await self._feedback.add_referral(
                tx, guild_id, referrer_id=referrer_id, referred_id=referred_id, referred_name=name,
                tour_id=tour_id, by=by, at=self._clock(),
            )  # fmt: skip


class FeedbackMessages:
    """Whether a feedback request of the outbox still applies when it falls due (bot/services/delivery.py)."""

    def __init__(self, feedback: FeedbackRepository, settings: GuildSettingsRepository) -> None:
        self._feedback = feedback
        self._settings = settings
        self._rsvps = RsvpRepository()

    async def why_not(self, tx: Transaction, meal: Meal, user_id: int, now: dt.datetime) -> Later | str:
        """"" if it applies now, a later time (the meal moved), or why it no longer does."""
        if meal.cancelled:
            return "the meal was cancelled"
        settings = await self._settings.get(tx, meal.guild_id)
        hours = settings.feedback_hours if settings else DEFAULT_FEEDBACK_HOURS
        if hours == 0:
            return "feedback requests are turned off in /setup"
        due = meal.ends_at + dt.timedelta(hours=hours)
        if now < due - dt.timedelta(minutes=1):
            return Later(due)
        if not await self._rsvps.came(tx, meal.id, user_id):
            return "they didn't come"
        if await self._feedback.answered(tx, meal.guild_id, meal.id, user_id):
            return "they answered already"
        return ""
