"""Seats under concurrency: simcord runs one interaction at a time, so the race is tested here."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.meals import GoingOutcome, MealPlace, RsvpStatus
from bot.domain.timeparse import LocalTime
from bot.services.meals import MealService
from storage.database import Database
from storage.guild_settings import GuildSettingsRepository
from storage.migrate import migrate
from storage.outbox import OutboxRepository

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TORONTO = MealPlace(6167865, "Toronto", "Toronto, Ontario, CA", "America/Toronto", 43.7, -79.4)
GUILD = 42


@pytest.fixture
async def meals(tmp_path: Path) -> AsyncIterator[MealService]:
    db = await Database.open(tmp_path / "burst.db")
    await migrate(db)
    yield MealService(db, GuildSettingsRepository(), OutboxRepository(), lambda: NOW)
    await db.close()


async def new_meal(meals: MealService, capacity: int) -> int:
    start = LocalTime(dt.datetime(2026, 1, 10, 17, 30, tzinfo=dt.UTC), "America/Toronto")
    meal = await meals.create(
        GUILD, host_id=1, place=TORONTO, start=start, duration=dt.timedelta(minutes=90), channel_id=5,
        capacity=capacity,
    )  # fmt: skip
    return meal.id


async def test_a_thousand_simultaneous_goings_fill_fifty_seats_exactly(meals: MealService) -> None:
    meal_id = await new_meal(meals, capacity=50)
    users = list(range(1000, 2000))

    results = await asyncio.gather(*(meals.going(GUILD, meal_id, user, "hi") for user in users))

    outcomes = [r.outcome for r in results]
    assert outcomes.count(GoingOutcome.CONFIRMED) == 50
    assert outcomes.count(GoingOutcome.WAITLISTED) == 950
    state = await meals.state(GUILD, meal_id)
    assert len(state.rsvps) == 1000 and len({r.user_id for r in state.rsvps}) == 1000  # no duplicates
    going = [r.user_id for r in state.rsvps if r.status is RsvpStatus.GOING]
    waiting = sorted(state.with_status(RsvpStatus.WAITLISTED), key=lambda r: r.seq)
    assert going == users[:50]  # first come, first served: the lock is fair
    assert [r.user_id for r in waiting] == users[50:]
    assert [r.waitlist_position for r in results[50:53]] == [1, 2, 3]
    assert state.headcount.seats_left == 0


async def test_concurrent_cancellations_promote_exactly_as_many_as_freed(meals: MealService) -> None:
    meal_id = await new_meal(meals, capacity=10)
    for user in range(30):
        await meals.going(GUILD, meal_id, user)

    leaving = await asyncio.gather(*(meals.not_going(GUILD, meal_id, user, RsvpStatus.DECLINED) for user in range(5)))

    offered = [offer.user_id for result in leaving for offer in result.offers]
    assert offered == list(range(10, 15))  # the next five in line, each once
    state = await meals.state(GUILD, meal_id)
    assert state.headcount.going + state.headcount.offered == 10


async def test_repeated_clicks_by_one_person_never_take_two_seats(meals: MealService) -> None:
    meal_id = await new_meal(meals, capacity=3)

    results = await asyncio.gather(*(meals.going(GUILD, meal_id, 7) for _ in range(20)))

    assert [r.outcome for r in results].count(GoingOutcome.CONFIRMED) == 1
    assert {r.outcome for r in results[1:]} == {GoingOutcome.ALREADY_GOING}
    assert (await meals.state(GUILD, meal_id)).headcount.going == 1
