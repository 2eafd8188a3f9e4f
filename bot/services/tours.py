"""Use cases of tours: /tour new · plan · stop pin|drop|move · show · list · cancel · publish.

Planning is CPU-bound (candidate building + the OPTW search, about a second or two): it runs in a worker
thread (``asyncio.to_thread``) so the bot keeps answering everyone else meanwhile.

A tour's status only moves by compare-and-set (draft → planned → publishing → published, and any of them →
cancelled): a cancel that lands while a plan is being computed is never undone by the plan's save.
Publishing stores every meal in one transaction, keyed by its place in the itinerary, and leaves the posts
and events to the outbox; cancelling cancels the tour and all its meals, with their notices, in one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.domain.cities import City
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput
from bot.domain.guild_settings import DEFAULT_CAPACITY
from bot.domain.meals import MealPlace, MealSlot
from bot.domain.outbox import Kind, NewDelivery, new_job
from bot.domain.timeparse import (
    MAX_AHEAD,
    LocalTime,
    check_within_reach,
    local_to_utc,
    parse_date,
    parse_date_and_time,
)
from bot.domain.tour_planning import (
    MAX_DAYS,
    Demand,
    Itinerary,
    Pin,
    PlanSettings,
    TourRequest,
    check_reachable,
    meal_windows,
    plan_tour,
)
from bot.domain.tours import MAX_NAME, StopKind, Tour, TourStatus, TourStop
from bot.services.customers import CustomerService
from bot.services.meals import MealService, new_meal
from storage.database import Store, Transaction
from storage.guild_settings import GuildSettingsRepository
from storage.meals import MealRepository
from storage.outbox import OutboxRepository
from storage.tours import TourRepository

Planner = Callable[[TourRequest, list[Demand]], Itinerary]
GONE = "I can't find that tour here. Pick one from the list (`/tour list`)."


@dataclass(frozen=True)
class Publishing:
    """What /tour publish did: meals stored now, meals of an earlier attempt still missing their post or event
    (asked for again), meals in the past (skipped), and the upcoming meals the tour has in all."""

    tour: Tour
    new_meals: int
    resumed: int
    past: int
    job: str
    meals: int


@dataclass(frozen=True)
class TourCancelled:
    tour: Tour
    meals: int  # meals cancelled with it
    told: int  # people being told
    job: str


class TourService:
    def __init__(
        self,
        db: Store,
        customers: CustomerService,
        meals: MealService,
        settings: GuildSettingsRepository,
        outbox: OutboxRepository,
        clock: Clock,
        planner: Planner = plan_tour,
    ) -> None:
        self._db = db
        self._customers = customers
        self._meal_service = meals
        self._settings = settings
        self._outbox = outbox
        self._clock = clock
        self._planner = planner
        self._tours = TourRepository()
        self._meals = MealRepository()

    async def create(
        self,
        guild_id: int,
        *,
        by: int,
        name: str,
        start: str,
        end: str,
        start_date: str,
        end_date: str | None = None,
        days: int | None = None,
        meals: str | None = None,
        daily_drive_hours: float | None = None,
        min_attendance: int | None = None,
        arrive_by: str | None = None,
        teams: int = 1,
    ) -> Tour:
        """Validate everything first (cities, dates, meals, limits); nothing is stored on a bad input."""
        name = " ".join(name.split())
        if not 0 < len(name) <= MAX_NAME:
            raise InvalidInput(f"Give the tour a name of 1 to {MAX_NAME} characters.")
        first_day, last_day = self._dates(start_date, end_date, days)
        chosen = meal_windows(meals)
        defaults = PlanSettings()
        hours = defaults.daily_drive_hours if daily_drive_hours is None else daily_drive_hours
        least = defaults.min_attendance if min_attendance is None else min_attendance
        start_city, end_city = self._customers.resolve_one(start), self._customers.resolve_one(end)
        request = TourRequest(
            start_city,
            end_city,
            first_day,
            last_day,
            chosen,
            PlanSettings(daily_drive_hours=hours, min_attendance=least),
            arrive_by=None if arrive_by is None else _arrival(arrive_by, end_city.timezone, last_day),
            teams=teams,
        )  # validates the dates, meals, limits and teams
        check_reachable(request)  # an impossible driving limit is told now, not at the first /tour plan
        slots = ",".join(window.slot.value for window in chosen)
        async with self._db.transaction() as tx:
            if await self._tours.name_taken(tx, guild_id, name):
                raise InvalidInput(f"There is already a tour called “{name}”. Pick another name.")
            tour_id = await self._tours.create(
                tx, guild_id=guild_id, name=name, start_city=request.start.geonameid,
                end_city=request.end.geonameid, first_day=first_day, last_day=last_day, meals=slots,
                daily_drive_hours=hours, min_attendance=least, arrive_by=request.arrive_by, created_by=by,
                now=self._clock(), teams=teams,
            )  # fmt: skip
            tour = await self._tours.get(tx, guild_id, tour_id)
        assert tour is not None
        return tour

    def _dates(self, start_date: str, end_date: str | None, days: int | None) -> tuple[dt.date, dt.date]:
        first_day = parse_date(start_date)
        if (end_date is None) == (days is None):
            raise InvalidInput("Give either an end date or a number of days (not both).")
        if days is not None and not 1 <= days <= MAX_DAYS:
            raise InvalidInput(f"A tour lasts 1 to {MAX_DAYS} days.")
        today = self._clock().date()
        if first_day < today:
            raise InvalidInput(f"{first_day.isoformat()} has already passed. Pick a start date from today on.")
        check_within_reach(first_day, today)  # the rule meals follow (and no date arithmetic past year 9999)
        last_day = parse_date(end_date) if end_date is not None else first_day + dt.timedelta(days=(days or 1) - 1)
        check_within_reach(last_day, today, MAX_AHEAD + dt.timedelta(days=MAX_DAYS))
        return first_day, last_day

    async def get(self, guild_id: int, tour_id: int) -> Tour:
        async with self._db.read() as tx:
            tour = await self._tours.get(tx, guild_id, tour_id)
        if tour is None:
            raise InvalidInput(GONE)
        return tour

    async def in_guild(self, guild_id: int, limit: int = 25) -> list[Tour]:
        async with self._db.read() as tx:
            return await self._tours.in_guild(tx, guild_id, limit)

    def city(self, geonameid: int) -> City:
        return self._customers.city(geonameid)

    def request(self, tour: Tour, settings: PlanSettings | None = None) -> TourRequest:
        pins = tuple(Pin(self.city(s.geonameid), s.day, s.slot) for s in tour.stops if s.kind is StopKind.PIN)
        dropped = frozenset(s.geonameid for s in tour.stops if s.kind is StopKind.DROP)
        return TourRequest(
            self.city(tour.start_city),
            self.city(tour.end_city),
            tour.first_day,
            tour.last_day,
            meal_windows(tour.meals),
            settings or PlanSettings(daily_drive_hours=tour.daily_drive_hours, min_attendance=tour.min_attendance),
            pins,
            dropped,
            tour.arrive_by,
            tour.teams,
        )

    def itinerary(self, tour: Tour) -> Itinerary | None:
        return None if tour.plan is None else Itinerary.from_dict(json.loads(tour.plan), self.city)

    async def demand(self, guild_id: int) -> list[Demand]:
        return [Demand(c.city, c.customers, c.requests) for c in await self._customers.city_counts(guild_id)]

    async def plan(self, guild_id: int, tour_id: int, *, demand: list[Demand] | None = None) -> tuple[Tour, Itinerary]:
        """Plan (or re-plan) and store the itinerary; ``demand`` as read by :meth:`demand` (read again if None).

        The plan is saved only if the tour is still a draft or planned: a cancel (or publish) that happened
        during the seconds of planning wins, and the manager is told."""
        tour = self._editable(await self.get(guild_id, tour_id))
        request = self.request(tour)
        if demand is None:
            demand = await self.demand(guild_id)
        itinerary = await asyncio.to_thread(self._planner, request, demand)
        async with self._db.transaction() as tx:
            if not await self._tours.save_plan(tx, guild_id, tour.id, json.dumps(itinerary.to_dict()), self._clock()):
                now = await self._tours.get(tx, guild_id, tour.id)
                status = now.status.value if now else "deleted"
                raise InvalidInput(f"**{tour.name}** was {status} while I was planning, so I didn't save the new plan.")
            saved = await self._tours.get(tx, guild_id, tour.id)
        assert saved is not None
        return saved, itinerary

    async def pin(
        self, guild_id: int, tour_id: int, city: str, *, day: int | None = None, slot: MealSlot | None = None
    ) -> City:
        """A must-visit stop; with a day (1 = the first) and/or a meal, only that meal of that day."""
        tour = self._editable(await self.get(guild_id, tour_id))
        place = self._customers.resolve_one(city)
        if day is not None and not 1 <= day <= tour.days:
            raise InvalidInput(f"This tour has days 1 to {tour.days}.")
        if slot is not None and slot.value not in tour.meals.split(","):
            raise InvalidInput(f"This tour has no {slot.value}s; it plans {tour.meals.replace(',', ', ')}.")
        stop = TourStop(place.geonameid, StopKind.PIN, None if day is None else day - 1, slot)
        await self._set_stop(tour, stop)
        return place

    async def drop(self, guild_id: int, tour_id: int, city: str) -> City:
        tour = self._editable(await self.get(guild_id, tour_id))
        place = self._customers.resolve_one(city)
        if place.geonameid in (tour.start_city, tour.end_city):
            raise InvalidInput("That is where the tour starts or ends; it can't be dropped.")
        await self._set_stop(tour, TourStop(place.geonameid, StopKind.DROP))
        return place

    async def _set_stop(self, tour: Tour, stop: TourStop) -> None:
        async with self._db.transaction() as tx:
            if not await self._tours.touch_editable(tx, tour.guild_id, tour.id, self._clock()):
                raise InvalidInput(f"**{tour.name}** was published or cancelled meanwhile; its stops can't change.")
            await self._tours.set_stop(tx, tour.id, stop)

    async def publish(
        self,
        guild_id: int,
        tour_id: int,
        *,
        host_id: int,
        channel_id: int,
        invite_radius_km: float = 0,
        team_hosts: Sequence[int | None] = (),
    ) -> Publishing:
        """Store every upcoming meal of the plan, each with its post, its Discord event and its invitations to
        send, in one transaction; the tour is then 'publishing' until the outbox has posted them all.

        A meal's host is its team's (``team_hosts[team]``), else ``host_id``.

        Safe to run again: meals are keyed by their place in the itinerary, so a second run (after a crash, or
        with posts still failing) stores nothing twice and only asks again for the posts and events missing.
        """
        tour = await self.get(guild_id, tour_id)
        itinerary = self._publishable(tour)
        now = self._clock()
        upcoming = [(slot, planned) for slot, planned in enumerate(itinerary.meals) if planned.starts_at > now]
        if not upcoming:
            raise InvalidInput("Every meal of this plan is in the past. Re-plan with later dates.")
        invitees = {
            slot: await self._customers.dm_invitees(guild_id, planned.city, invite_radius_km)
            if invite_radius_km
            else []
            for slot, planned in upcoming
        }
        job = new_job(f"tour-publish:{tour.id}")
        async with self._db.transaction() as tx:
            moved = await self._tours.change_status(
                tx, guild_id, tour.id, to=TourStatus.PUBLISHING,
                allowed_from=(TourStatus.PLANNED, TourStatus.PUBLISHING), now=now,
            )  # fmt: skip
            if not moved:
                raise InvalidInput(self._not_publishable(await self._tours.get(tx, guild_id, tour.id)))
            stored = await self._tours.meals_by_slot(tx, guild_id, tour.id)
            settings = await self._settings.get(tx, guild_id)
            capacity = settings.default_capacity if settings else None
            new_meals = resumed = 0
            for slot, planned in upcoming:
                if slot in stored:
                    resumed += await self._resume(tx, guild_id, stored[slot], job, now)
                    continue
                team_host = team_hosts[planned.team] if planned.team < len(team_hosts) else None
                meal = new_meal(
                    guild_id, host_id=team_host or host_id, place=MealPlace.of(planned.city),
                    start=LocalTime(planned.starts_at, planned.city.timezone),
                    duration=planned.ends_at - planned.starts_at, channel_id=channel_id,
                    capacity=capacity or DEFAULT_CAPACITY, slot=planned.slot, tour_id=tour.id, tour_slot=slot,
                )  # fmt: skip
                await self._meal_service.store(tx, meal, invite=invitees[slot], job=job, now=now)
                new_meals += 1
            published = await self._tours.get(tx, guild_id, tour.id)
        assert published is not None
        return Publishing(published, new_meals, resumed, len(itinerary.meals) - len(upcoming), job, len(upcoming))

    async def _resume(self, tx: Transaction, guild_id: int, meal_id: int, job: str, now: dt.datetime) -> int:
        """Ask again for the post and the event of a meal an earlier publish stored, if they are missing."""
        meal = await self._meals.get(tx, meal_id, guild_id)
        if meal is None or meal.cancelled:
            return 0
        missing = [
            kind for kind, done in ((Kind.MEAL_POST, meal.message_id), (Kind.MEAL_EVENT, meal.event_id)) if done is None
        ]
        for kind in missing:
            if await self._outbox.add(tx, NewDelivery(kind, guild_id, now, meal_id=meal.id, job=job), now) is None:
                await self._outbox.hurry(tx, kind, meal.id, job=job, now=now)  # one waits for its retry: now
        return 1 if missing else 0

    def _publishable(self, tour: Tour) -> Itinerary:
        if tour.status not in (TourStatus.PLANNED, TourStatus.PUBLISHING):
            raise InvalidInput(self._not_publishable(tour))
        itinerary = self.itinerary(tour)
        if itinerary is None or not itinerary.meals:
            raise InvalidInput(f"**{tour.name}** has no planned meals yet. Run `/tour plan` first.")
        return itinerary

    @staticmethod
    def _not_publishable(tour: Tour | None) -> str:
        if tour is None:
            return GONE
        if tour.cancelled:
            return "This tour was cancelled."
        if tour.status is TourStatus.PUBLISHED:
            return "This tour is already published. Change single meals with `/meal edit`."
        return f"**{tour.name}** has no plan yet. Run `/tour plan` first."

    async def cancel(self, guild_id: int, tour_id: int) -> TourCancelled:
        """Cancel the tour and every meal of it, with a notice to everyone who answered, in one transaction (the
        outbox sends the notices and updates the posts and events, also after a crash)."""
        now = self._clock()
        job = new_job(f"tour-cancel:{tour_id}")
        async with self._db.transaction() as tx:
            tour = await self._tours.get(tx, guild_id, tour_id)
            if tour is None:
                raise InvalidInput(GONE)
            live = tuple(s for s in TourStatus if s is not TourStatus.CANCELLED)
            if not await self._tours.change_status(
                tx, guild_id, tour.id, to=TourStatus.CANCELLED, allowed_from=live, now=now
            ):
                raise InvalidInput("This tour is already cancelled.")
            meals = told = 0
            for meal_id in await self._tours.meal_ids(tx, guild_id, tour.id):
                meal = await self._meals.get(tx, meal_id, guild_id)
                if meal is None or meal.cancelled:
                    continue
                told += await self._meal_service.cancel_in(tx, meal, now, job)
                meals += 1
            cancelled = await self._tours.get(tx, guild_id, tour.id)
        assert cancelled is not None
        return TourCancelled(cancelled, meals, told, job)

    async def meal_ids(self, guild_id: int, tour_id: int) -> list[int]:
        async with self._db.read() as tx:
            return await self._tours.meal_ids(tx, guild_id, tour_id)

    @staticmethod
    def _editable(tour: Tour) -> Tour:
        if tour.cancelled:
            raise InvalidInput("This tour was cancelled; create a new one with `/tour new`.")
        if not tour.editable:
            raise InvalidInput("This tour's meals are already published; change them with `/meal edit`.")
        return tour


def _arrival(text: str, zone: str, last_day: dt.date) -> dt.datetime:
    """A fixed arrival typed in the end city's local time; it must fall on the tour's last day or before."""
    day, time_of_day = parse_date_and_time(text)
    if day > last_day:
        raise InvalidInput(f"The fixed arrival is after the tour's last day ({last_day:%Y-%m-%d}).")
    return local_to_utc(day, time_of_day, zone).utc
