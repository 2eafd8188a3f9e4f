"""Use cases of insights (issue 12): log one, suggest its kind and tags, search, and move it to planned, shipped
or won't do — telling the customers it came from, once, through the outbox. One transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.clock import Clock
from bot.domain.customers import Customer, OptIn
from bot.domain.errors import InvalidInput
from bot.domain.feedback import FeedbackSummary
from bot.domain.insights import (
    Insight,
    InsightKind,
    InsightReport,
    InsightSource,
    InsightStatus,
    NewInsight,
    SearchPage,
    SearchQuery,
    Suggestion,
    TagUse,
    suggest,
)
from bot.domain.meals import Meal
from bot.domain.outbox import Kind, NewDelivery
from storage.customers import CustomerRepository
from storage.database import Store, Transaction
from storage.feedback import FeedbackRepository
from storage.insights import InsightRepository
from storage.meals import MealRepository
from storage.outbox import OutboxRepository

MAX_REPORT_MEALS = 200  # the newest meals a report looks at for their feedback


@dataclass(frozen=True)
class StatusChange:
    insight: Insight
    told: int  # customers who will get a "here is what we did" DM


@dataclass(frozen=True)
class ReportData:
    """Everything /insight report and /insight export show for a scope (tour, city, since)."""

    report: InsightReport
    rows: list[Insight]  # oldest first, for the exports
    customers: dict[int, Customer]  # the people the rows are about, by user id (their consent to be quoted)
    feedback: FeedbackSummary  # post-meal feedback of the scope's meals
    meal_scores: list[tuple[str, int | None, int]]  # (meal title, recommend score, answers), newest meal first


@dataclass(frozen=True)
class LoopClosed:
    """What a close-the-loop DM says: the insight as it is now, and the meal it was heard at."""

    insight: Insight
    meal: Meal | None


class InsightService:
    def __init__(
        self,
        db: Store,
        insights: InsightRepository,
        customers: CustomerRepository,
        outbox: OutboxRepository,
        clock: Clock,
    ) -> None:
        self._db = db
        self._insights = insights
        self._customers = customers
        self._outbox = outbox
        self._clock = clock
        self._meals = MealRepository()
        self._feedback = FeedbackRepository()

    async def add(self, insight: NewInsight) -> Insight:
        async with self._db.transaction() as tx:
            if insight.meal_id is not None and await self._meals.get(tx, insight.meal_id, insight.guild_id) is None:
                raise InvalidInput(f"There is no meal #{insight.meal_id} in this server; pick one from the list.")
            insight_id = await self._insights.add(tx, insight, self._clock())
            saved = await self._insights.get(tx, insight.guild_id, insight_id)
        assert saved is not None
        return saved

    async def suggest(self, guild_id: int, text: str) -> Suggestion:
        async with self._db.read() as tx:
            return await suggestion_for(tx, self._insights, guild_id, text)

    async def search(self, guild_id: int, query: SearchQuery) -> SearchPage:
        async with self._db.read() as tx:
            return await self._insights.search(tx, guild_id, query)

    async def tags(self, guild_id: int, prefix: str) -> list[TagUse]:
        async with self._db.read() as tx:
            return await self._insights.tags_in_use(tx, guild_id, prefix)

    async def report(
        self, guild_id: int, *, tour_id: int | None = None, city_id: int | None = None, since: dt.datetime | None = None
    ) -> ReportData:
        filters = SearchQuery.create(tour_id=tour_id, city_id=city_id, since=since)
        async with self._db.read() as tx:
            report = await self._insights.report(tx, guild_id, tour_id=tour_id, city_id=city_id, since=since)
            rows = await self._insights.export_rows(tx, guild_id, filters)
            people = [row.customer_user_id for row in rows if row.customer_user_id is not None]
            customers = await self._customers.by_users(tx, guild_id, list(dict.fromkeys(people)))
            meals = await self._meals_in_scope(tx, guild_id, tour_id, city_id, since)
            scores = []
            for meal in meals:
                summary = await self._feedback.summary(tx, guild_id, [meal.id])
                if summary.answers:
                    scores.append((meal.title, summary.recommend_score, summary.answers))
            feedback = await self._feedback.summary(tx, guild_id, [meal.id for meal in meals])
        return ReportData(report, rows, customers, feedback, scores)

    async def _meals_in_scope(
        self, tx: Transaction, guild_id: int, tour_id: int | None, city_id: int | None, since: dt.datetime | None
    ) -> list[Meal]:
        meals = await self._meals.recent(tx, guild_id, limit=MAX_REPORT_MEALS)
        return [
            meal
            for meal in meals
            if (tour_id is None or meal.tour_id == tour_id)
            and (city_id is None or meal.place.geonameid == city_id)
            and (since is None or meal.starts_at >= since)
            and not meal.cancelled
        ]

    async def set_status(
        self, guild_id: int, insight_id: int, status: InsightStatus, note: str | None
    ) -> StatusChange:
        """The new status with what we did; the customer it came from gets a DM once per status, if they
        accept DMs (a corrected note does not tell them again)."""
        now = self._clock()
        async with self._db.transaction() as tx:
            insight = await self._insights.set_status(tx, guild_id, insight_id, status, note, now)
            if insight is None:
                raise InvalidInput(f"There is no insight #{insight_id} in this server; `/insight search` finds it.")
            told = 0
            if status is not InsightStatus.NEW:
                for user_id in await self._insights.linked_customers(tx, guild_id, insight_id):
                    customer = await self._customers.get(tx, guild_id, user_id)
                    if customer is None or not customer.opted_in(OptIn.DMS):
                        continue
                    told += await self._outbox.add_many(tx, [_loop_row(insight, user_id, now)], now)
        return StatusChange(insight, told)


class InsightMessages:
    """Whether a close-the-loop DM of the outbox still applies when it is sent (bot/services/delivery.py)."""

    def __init__(self, insights: InsightRepository) -> None:
        self._insights = insights
        self._meals = MealRepository()

    async def loop_closed(self, tx: Transaction, guild_id: int, payload: Mapping[str, object]) -> LoopClosed | str:
        """The insight as it is now (and the meal it was heard at), or why the message no longer applies."""
        insight = await self._insights.get(tx, guild_id, int(str(payload["insight_id"])))
        if insight is None:
            return "the insight was deleted"
        if insight.status.value != payload.get("status"):
            return "its status changed again before the message went out"
        meal = None if insight.meal_id is None else await self._meals.get(tx, insight.meal_id, guild_id)
        return LoopClosed(insight, meal)


async def log_heard(
    tx: Transaction,
    insights: InsightRepository,
    *,
    guild_id: int,
    user_id: int,
    text: str,
    source: InsightSource,
    now: dt.datetime,
    meal_id: int | None = None,
    suggestion: Suggestion | None = None,
) -> int:
    """What a customer said without a manager present (an answer to a meal's question, a feedback comment, a
    check-in reply), logged as an insight of theirs (and of the meal); its kind and tags suggested from the
    server's own insights (the team can change them later). Pass ``suggestion`` when it was worked out before
    the transaction, to keep the writer's lock short."""
    if suggestion is None:
        suggestion = await suggestion_for(tx, insights, guild_id, text)
    insight = NewInsight.create(
        guild_id=guild_id, text=text, kind=suggestion.kind or InsightKind.OTHER, logged_by=user_id,
        source=source, tags=suggestion.tags, customer_user_id=user_id, meal_id=meal_id,
    )  # fmt: skip
    return await insights.add(tx, insight, now)


async def suggestion_for(tx: Transaction, insights: InsightRepository, guild_id: int, text: str) -> Suggestion:
    """The kind and tags the server's own labelled insights suggest for a text (docs/insights.md)."""
    return suggest(text, await insights.labelled(tx, guild_id))


def _loop_row(insight: Insight, user_id: int, now: dt.datetime) -> NewDelivery:
    return NewDelivery(
        Kind.INSIGHT_UPDATE,
        insight.guild_id,
        now,
        user_id=user_id,
        payload={"insight_id": insight.id, "status": insight.status.value},
        dedupe_key=f"loop:{insight.id}:{insight.status.value}:{user_id}",
    )
