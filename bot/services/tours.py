"""Use cases of tours: /tour new · plan · stop pin|drop|move · show · list · cancel · publish.

Planning is CPU-bound (candidate building + the OPTW search, about a second or two): it runs in a worker
thread (``asyncio.to_thread``) so the bot keeps answering everyone else meanwhile.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json

from bot.domain.cities import City
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput
from bot.domain.meals import MealSlot
from bot.domain.timeparse import local_to_utc, parse_date, parse_date_and_time
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
from storage.database import Database
from storage.tours import TourRepository


class TourService:
    def __init__(self, db: Database, customers: CustomerService, clock: Clock) -> None:
        self._db = db
        self._customers = customers
        self._clock = clock
        self._tours = TourRepository()

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
        )  # validates the dates, meals and limits
        check_reachable(request)  # an impossible driving limit is told now, not at the first /tour plan
        slots = ",".join(window.slot.value for window in chosen)
        async with self._db.transaction() as tx:
            if await self._tours.name_taken(tx, guild_id, name):
                raise InvalidInput(f"There is already a tour called “{name}”. Pick another name.")
            tour_id = await self._tours.create(
                tx, guild_id=guild_id, name=name, start_city=request.start.geonameid,
                end_city=request.end.geonameid, first_day=first_day, last_day=last_day, meals=slots,
                daily_drive_hours=hours, min_attendance=least, arrive_by=request.arrive_by, created_by=by,
                now=self._clock(),
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
        last_day = parse_date(end_date) if end_date is not None else first_day + dt.timedelta(days=(days or 1) - 1)
        if first_day < self._clock().date():
            raise InvalidInput(f"{first_day:%Y-%m-%d} has already passed. Pick a start date from today on.")
        return first_day, last_day

    async def get(self, guild_id: int, tour_id: int) -> Tour:
        async with self._db.read() as tx:
            tour = await self._tours.get(tx, guild_id, tour_id)
        if tour is None:
            raise InvalidInput("I can't find that tour here. Pick one from the list (`/tour list`).")
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
        )

    def itinerary(self, tour: Tour) -> Itinerary | None:
        return None if tour.plan is None else Itinerary.from_dict(json.loads(tour.plan), self.city)

    async def demand(self, guild_id: int) -> list[Demand]:
        return [Demand(c.city, c.customers, c.requests) for c in await self._customers.city_counts(guild_id)]

    async def plan(self, guild_id: int, tour_id: int, *, demand: list[Demand] | None = None) -> tuple[Tour, Itinerary]:
        """Plan (or re-plan) and store the itinerary; ``demand`` as read by :meth:`demand` (read again if None)."""
        tour = await self._editable(guild_id, tour_id)
        request = self.request(tour)
        if demand is None:
            demand = await self.demand(guild_id)
        itinerary = await asyncio.to_thread(plan_tour, request, demand)
        async with self._db.transaction() as tx:
            await self._tours.save_plan(tx, tour.id, json.dumps(itinerary.to_dict()), self._clock())
            saved = await self._tours.get(tx, guild_id, tour.id)
        assert saved is not None
        return saved, itinerary

    async def pin(
        self, guild_id: int, tour_id: int, city: str, *, day: int | None = None, slot: MealSlot | None = None
    ) -> City:
        """A must-visit stop; with a day (1 = the first) and/or a meal, only that meal of that day."""
        tour = await self._editable(guild_id, tour_id)
        place = self._customers.resolve_one(city)
        if day is not None and not 1 <= day <= tour.days:
            raise InvalidInput(f"This tour has days 1 to {tour.days}.")
        if slot is not None and slot.value not in tour.meals.split(","):
            raise InvalidInput(f"This tour has no {slot.value}s; it plans {tour.meals.replace(',', ', ')}.")
        stop = TourStop(place.geonameid, StopKind.PIN, None if day is None else day - 1, slot)
        await self._set_stop(tour, stop)
        return place

    async def drop(self, guild_id: int, tour_id: int, city: str) -> City:
        tour = await self._editable(guild_id, tour_id)
        place = self._customers.resolve_one(city)
        if place.geonameid in (tour.start_city, tour.end_city):
            raise InvalidInput("That is where the tour starts or ends; it can't be dropped.")
        await self._set_stop(tour, TourStop(place.geonameid, StopKind.DROP))
        return place

    async def _set_stop(self, tour: Tour, stop: TourStop) -> None:
        async with self._db.transaction() as tx:
            await self._tours.set_stop(tx, tour.id, stop)

    async def mark_published(self, guild_id: int, tour_id: int) -> None:
        tour = await self.get(guild_id, tour_id)
        async with self._db.transaction() as tx:
            await self._tours.set_status(tx, tour.id, TourStatus.PUBLISHED, self._clock())

    async def cancel(self, guild_id: int, tour_id: int) -> tuple[Tour, list[int]]:
        """Mark the tour cancelled; returns it and the ids of its meals (the caller cancels those with notices)."""
        async with self._db.transaction() as tx:
            tour = await self._tours.get(tx, guild_id, tour_id)
            if tour is None:
                raise InvalidInput("I can't find that tour here. Pick one from the list (`/tour list`).")
            if tour.cancelled:
                raise InvalidInput("This tour is already cancelled.")
            await self._tours.set_status(tx, tour.id, TourStatus.CANCELLED, self._clock())
            meal_ids = await self._tours.meal_ids(tx, guild_id, tour.id)
        return tour, meal_ids

    async def meal_ids(self, guild_id: int, tour_id: int) -> list[int]:
        async with self._db.read() as tx:
            return await self._tours.meal_ids(tx, guild_id, tour_id)

    async def _editable(self, guild_id: int, tour_id: int) -> Tour:
        tour = await self.get(guild_id, tour_id)
        if tour.cancelled:
            raise InvalidInput("This tour was cancelled; create a new one with `/tour new`.")
        if tour.status is TourStatus.PUBLISHED:
            raise InvalidInput("This tour's meals are already published; change them with `/meal edit`.")
        return tour


def _arrival(text: str, zone: str, last_day: dt.date) -> dt.datetime:
    """A fixed arrival typed in the end city's local time; it must fall on the tour's last day or before."""
    day, time_of_day = parse_date_and_time(text)
    if day > last_day:
        raise InvalidInput(f"The fixed arrival is after the tour's last day ({last_day:%Y-%m-%d}).")
    return local_to_utc(day, time_of_day, zone).utc
