"""Durable reminders: rows written when someone is going, sent by a background loop.

Each row is sent at most once (``mark_sent`` only succeeds for an unsent row) and keeps being tried
after a crash or restart until it is sent or given up. The one window for a duplicate is a crash
between Discord accepting the DM and our commit (milliseconds); we accept that over losing reminders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.clock import Clock
from bot.domain.meals import Meal, RsvpStatus
from storage.database import Database
from storage.meals import DmFailureRepository, MealRepository, Reminder, ReminderRepository, RsvpRepository

MAX_ATTEMPTS = 6
FIRST_RETRY = dt.timedelta(minutes=1)
MAX_RETRY = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class DueReminder:
    reminder: Reminder
    meal: Meal


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff: 1, 2, 4, 8, 16, then 30 minutes."""
    factor: int = 2 ** min(attempts, 10)
    return min(MAX_RETRY, FIRST_RETRY * factor)


class ReminderService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._reminders = ReminderRepository()
        self._meals = MealRepository()
        self._rsvps = RsvpRepository()
        self._failures = DmFailureRepository()

    async def due(self, limit: int = 50) -> list[DueReminder]:
        """Reminders to send now. Ones that no longer apply (cancelled, not going, started) are closed."""
        now = self._clock()
        ready = []
        async with self._db.transaction() as tx:
            for reminder in await self._reminders.due(tx, now, limit):
                row = await tx.fetch_one("SELECT guild_id FROM meals WHERE id = ?", (reminder.meal_id,))
                meal = None if row is None else await self._meals.get(tx, reminder.meal_id, row["guild_id"])
                rsvp = await self._rsvps.get(tx, reminder.meal_id, reminder.user_id)
                applies = (
                    meal is not None
                    and not meal.cancelled
                    and now < meal.starts_at
                    and rsvp is not None
                    and rsvp.status is RsvpStatus.GOING
                )
                if applies and meal is not None:
                    ready.append(DueReminder(reminder, meal))
                else:
                    await self._reminders.mark_sent(tx, reminder.id, now, via="skipped")
        return ready

    async def next_due(self) -> dt.datetime | None:
        """When the next reminder or seat offer falls due (for the housekeeping loop's sleep)."""
        async with self._db.read() as tx:
            return await self._reminders.next_due(tx)

    async def sent(self, reminder_id: int, via: str) -> bool:
        async with self._db.transaction() as tx:
            return await self._reminders.mark_sent(tx, reminder_id, self._clock(), via)

    async def failed(self, due: DueReminder, error: str) -> dt.datetime | None:
        """Schedule a retry with backoff; give up after MAX_ATTEMPTS or once the meal has started."""
        now = self._clock()
        attempts = due.reminder.attempts + 1
        retry_at: dt.datetime | None = now + retry_delay(attempts - 1)
        if attempts >= MAX_ATTEMPTS or (retry_at is not None and retry_at >= due.meal.starts_at):
            retry_at = None
        async with self._db.transaction() as tx:
            await self._reminders.mark_failed(tx, due.reminder.id, error, retry_at)
        return retry_at

    async def record_dm_failure(self, guild_id: int, user_id: int, code: int, purpose: str) -> None:
        async with self._db.transaction() as tx:
            await self._failures.record(
                tx, guild_id=guild_id, user_id=user_id, code=code, purpose=purpose, at=self._clock()
            )

    async def for_meal(self, meal_id: int) -> list[dict[str, object]]:
        async with self._db.read() as tx:
            return [dict(row) for row in await self._reminders.for_meal(tx, meal_id)]

    async def dm_failures(self, guild_id: int) -> list[dict[str, object]]:
        async with self._db.read() as tx:
            return [dict(row) for row in await self._failures.for_guild(tx, guild_id)]
