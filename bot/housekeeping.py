"""Work that falls due by itself: reminders to send, seat offers that lapse, seats freed without a click.

The loop does not tick on a fixed beat: after each run it sleeps until the next thing is due (at most
an hour), and anything that schedules earlier work pokes it. So a reminder goes out on its minute,
and an idle bot (or a test advancing virtual time by days) wakes a handful of times, not every minute.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import tasks

from bot.errors import contained
from bot.notify import Delivery
from bot.services.reminders import DueReminder
from bot.ui.rsvp import MealButtons, offer_rsvp, send_offers, when_line

if TYPE_CHECKING:
    from bot.app import ListeningTourBot

log = logging.getLogger(__name__)
MAX_SLEEP = dt.timedelta(hours=1)
INTEREST_SWEEP_EVERY = dt.timedelta(hours=1)
MIN_SLEEP = dt.timedelta(seconds=1)


class Housekeeper:
    def __init__(self, bot: ListeningTourBot) -> None:
        self._bot = bot
        self._run_started: dt.datetime | None = None
        self._previous_run: dt.datetime | None = None
        self._last_sweep: dt.datetime | None = None

    def start(self) -> None:
        self.beat.start()

    def stop(self) -> None:
        self.beat.cancel()

    @tasks.loop(seconds=MAX_SLEEP.total_seconds())
    async def beat(self) -> None:
        # A child task, not a plain await: simcord settles by waiting for tasks to finish (see
        # ../shared/testing/README.md, pitfall 1); in production it makes no difference.
        await asyncio.create_task(self.run())

    @beat.before_loop
    async def _wait_until_ready(self) -> None:
        await self._bot.wait_until_ready()

    async def run(self) -> None:
        self._previous_run, self._run_started = self._run_started, self._bot.clock()
        if self._previous_run is not None:
            async with contained("flipping check-in buttons"):
                for meal in await self._bot.services.meals.checkin_turned(self._previous_run, self._run_started):
                    await self._bot.meal_posts.refresh(meal.guild_id, meal.id)
        async with contained("settling waitlists"):
            for meal, offers in await self._bot.services.meals.settle_waitlists():
                await send_offers(self._bot, offers)
                async with contained(f"refreshing the post of meal {meal.id}"):
                    await self._bot.meal_posts.changed(meal.guild_id, meal.id)
        async with contained("telling people their seat offer lapsed"):
            for meal, user_id in await self._bot.services.meals.lapsed_offers():
                async with contained(f"lapse notice to {user_id}"):
                    await self._bot.messenger.dm(
                        guild_id=meal.guild_id,
                        user_id=user_id,
                        purpose="offer lapsed",
                        content=f"Your seat offer for **{meal.title}** lapsed, so it went to the next person waiting. "
                        "Still want to come? Click **Going** to join the waitlist again.",
                        buttons=MealButtons(meal.id, ("going",)),
                    )
        async with contained("sending reminders"):
            for due in await self._bot.services.reminders.due():
                async with contained(f"reminder {due.reminder.id}"):
                    await self.send_reminder(due)
        if self._last_sweep is None or self._run_started - self._last_sweep >= INTEREST_SWEEP_EVERY:
            self._last_sweep = self._run_started
            async with contained("the interest sweep"):
                await self.sweep_interest()
        await self._plan()

    async def poke(self) -> None:
        """Something was scheduled: wake earlier if it is due before the planned wake-up."""
        if self.beat.is_running() and self._run_started is not None:
            await self._plan()

    async def _plan(self) -> None:
        assert self._run_started is not None
        now = self._bot.clock()
        due = [
            await self._bot.services.reminders.next_due(),
            await self._bot.services.meals.next_checkin_turn(now),
            now + MAX_SLEEP,
        ]
        target = min(t for t in due if t is not None)
        # tasks.Loop counts the interval from the start of the last run.
        self.beat.change_interval(seconds=max(MIN_SLEEP, target - self._run_started).total_seconds())

    async def sweep_interest(self) -> None:
        """Offer an RSVP to everyone marked "Interested" on a meal's Discord event who hasn't answered.

        discord.py only dispatches the live "interested" event for users it has cached, and without the
        privileged members intent most are not; the event's subscriber list is the reliable source.
        """
        for meal in await self._bot.services.meals.open_with_events():
            guild = self._bot.get_guild(meal.guild_id)
            event = guild.get_scheduled_event(meal.event_id or 0) if guild else None
            if event is None:
                continue
            async with contained(f"offering meal {meal.id} to the people interested"):
                async for user in event.users():
                    await offer_rsvp(self._bot, meal, user.id)

    async def send_reminder(self, due: DueReminder) -> None:
        meal = due.meal
        where = f" at {meal.venue}" if meal.venue else ""
        text = (
            f"Reminder: **{meal.title}** starts {discord.utils.format_dt(meal.starts_at, 'R')}, "
            f"{when_line(meal).removeprefix('on ')}{where}. See you there!"
        )
        try:
            delivery = await self._bot.messenger.dm(
                guild_id=meal.guild_id,
                user_id=due.reminder.user_id,
                purpose="reminder",
                content=text,
                buttons=MealButtons(meal.id, ("cant", "ics")),
                fallback_channel_id=meal.channel_id,
            )
        except discord.HTTPException as error:
            retry = await self._bot.services.reminders.failed(due, f"{error.status} {error.code}: {error.text}")
            log.warning("reminder %s failed (%s); retry at %s", due.reminder.id, error.status, retry)
            return
        await self._bot.services.reminders.sent(due.reminder.id, via=delivery.value)
        if delivery is Delivery.FAILED:
            log.info("reminder %s: DMs closed and the meal has no post to fall back to", due.reminder.id)
