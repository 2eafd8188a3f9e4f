"""Work that falls due by itself: seat offers that lapse, seats freed without a click, check-in buttons that
open and close, people marking "Interested" on a meal's Discord event, local introductions between tours
and quarterly check-ins (each server's cadence), and old outbox rows to forget.

It changes state only through services, which put whatever must be sent into the outbox in the same
transaction; the dispatcher sends it. Like the dispatcher it sleeps until the next thing is due (at most an
hour) instead of ticking on a fixed beat.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import discord
from discord.ext import tasks

from bot.domain.clock import Clock
from bot.services.checkins import CheckinService
from bot.services.delivery import DeliveryService
from bot.services.meals import MealService
from bot.services.networking import NetworkingService

log = logging.getLogger(__name__)
MAX_SLEEP = dt.timedelta(hours=1)
HOURLY = dt.timedelta(hours=1)
MIN_SLEEP = dt.timedelta(seconds=1)


@asynccontextmanager
async def contained(what: str) -> AsyncIterator[None]:
    """One failed chore is logged with its traceback and the others carry on (a dying loop would take every
    server's lapsed offers with it)."""
    try:
        yield
    except Exception:
        log.exception("%s failed", what)


class Housekeeper:
    def __init__(
        self,
        meals: MealService,
        delivery: DeliveryService,
        networking: NetworkingService,
        checkins: CheckinService,
        client: discord.Client,
        clock: Clock,
        *,
        ready: Callable[[], Awaitable[object]],
    ) -> None:
        self._meals = meals
        self._delivery = delivery
        self._networking = networking
        self._checkins = checkins
        self._client = client
        self._clock = clock
        self._ready = ready
        self._run_started: dt.datetime | None = None
        self._previous_run: dt.datetime | None = None
        self._last_hourly: dt.datetime | None = None
        self._planning: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._beat.start()

    def stop(self) -> None:
        self._beat.cancel()

    @tasks.loop(seconds=MAX_SLEEP.total_seconds())
    async def _beat(self) -> None:
        await asyncio.create_task(self.run())  # a child task: see the dispatcher's loop

    @_beat.before_loop
    async def _before(self) -> None:
        await self._ready()

    async def run(self) -> None:
        self._previous_run, self._run_started = self._run_started, self._clock()
        if self._previous_run is not None:
            async with contained("flipping check-in buttons"):
                await self._meals.refresh_checkin_posts(self._previous_run, self._run_started)
        async with contained("settling waitlists"):
            await self._meals.settle_waitlists()
        if self._last_hourly is None or self._run_started - self._last_hourly >= HOURLY:
            self._last_hourly = self._run_started
            async with contained("the interest sweep"):
                await self.sweep_interest()
            async with contained("local introductions between tours"):
                await self._networking.local_rounds()
            async with contained("check-ins"):
                await self._checkins.rounds_due()
            async with contained("forgetting old outbox rows"):
                await self._delivery.prune()
        await self._plan()

    async def _plan(self, *, earlier_only: bool = False) -> None:
        assert self._run_started is not None
        now = self._clock()
        due = [
            await self._meals.next_offer_expiry(),
            await self._meals.next_checkin_turn(now),
            now + MAX_SLEEP,
        ]
        target = min(t for t in due if t is not None)
        scheduled = self._beat.next_iteration
        if earlier_only and scheduled is not None and scheduled <= target:
            return
        # tasks.Loop counts the interval from the start of the last run.
        self._beat.change_interval(seconds=max(MIN_SLEEP, target - self._run_started).total_seconds())

    def poke(self) -> None:
        """Something was scheduled (a seat offer with a deadline): wake earlier if it is due sooner."""
        if not self._beat.is_running() or self._run_started is None:
            return
        if self._planning is None or self._planning.done():
            self._planning = asyncio.create_task(self._replan(), name="housekeeper plan")

    async def _replan(self) -> None:
        async with contained("planning the housekeeper's next run"):
            await self._plan(earlier_only=True)

    async def sweep_interest(self) -> None:
        """Offer an RSVP to everyone marked "Interested" on a meal's Discord event who hasn't answered.

        discord.py only dispatches the live "interested" event for users it has cached, and without the
        privileged members intent most are not; the event's subscriber list is the reliable source.
        """
        for meal in await self._meals.open_with_events():
            guild = self._client.get_guild(meal.guild_id)
            event = guild.get_scheduled_event(meal.event_id or 0) if guild else None
            if event is None:
                continue
            async with contained(f"offering meal {meal.id} to the people interested"):
                async for user in event.users():
                    await self._meals.interested(meal.guild_id, meal.id, user.id)
