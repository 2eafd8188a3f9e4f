"""What a manager asks for (a tour request and its settings) and what the planner answers (an itinerary).

Everything here is pure data with documented defaults; ``planner.py`` turns a request into an OPTW
instance and the solution back into an :class:`Itinerary`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.cities import City
from bot.domain.errors import InvalidInput
from bot.domain.meals import MealSlot
from bot.domain.words import plural

MAX_DAYS = 14
MAX_TEAMS = 4
MIN_DRIVE_HOURS, MAX_DRIVE_HOURS = 1.0, 16.0


@dataclass(frozen=True, slots=True)
class MealWindow:
    """A meal slot in each city's own local time: it may start from ``opens`` to ``closes``."""

    slot: MealSlot
    opens: dt.time
    closes: dt.time
    duration: dt.timedelta


DEFAULT_WINDOWS: Mapping[MealSlot, MealWindow] = {
    MealSlot.BREAKFAST: MealWindow(MealSlot.BREAKFAST, dt.time(7, 30), dt.time(9, 0), dt.timedelta(minutes=60)),
    MealSlot.LUNCH: MealWindow(MealSlot.LUNCH, dt.time(12, 0), dt.time(13, 30), dt.timedelta(minutes=75)),
    MealSlot.DINNER: MealWindow(MealSlot.DINNER, dt.time(18, 30), dt.time(20, 0), dt.timedelta(minutes=90)),
}
ALL_SLOTS = (MealSlot.BREAKFAST, MealSlot.LUNCH, MealSlot.DINNER)


def meal_windows(slots: str | None) -> tuple[MealWindow, ...]:
    """ "breakfast,dinner" / "lunch dinner" / "all" → the default windows of those slots, in day order."""
    text = (slots or "all").casefold().replace(",", " ").replace("+", " ").split()
    if text in (["all"], ["bld"]):
        return tuple(DEFAULT_WINDOWS[slot] for slot in ALL_SLOTS)
    chosen = set()
    for word in text:
        matches = [slot for slot in ALL_SLOTS if slot.value.startswith(word)]
        if not matches:
            raise InvalidInput(f"“{word[:20]}” is not a meal: choose from breakfast, lunch and dinner.")
        chosen.add(matches[0])
    return tuple(DEFAULT_WINDOWS[slot] for slot in ALL_SLOTS if slot in chosen)


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """Knobs of the planner with their defaults (README and docs explain them to managers).

    Driving time is great-circle distance × ``road_factor`` ÷ ``speed_kmh``, rounded up to 15 minutes per
    leg (roads are ~20 % longer than the straight line between North American cities; 90 km/h is an
    average over highways and towns).
    """

    daily_drive_hours: float = 9.0
    radius_km: float = 50.0  # customers this close to a meal's city are counted for it
    road_factor: float = 1.2
    speed_kmh: float = 90.0
    min_attendance: int = 3  # a meal needs at least this many expected customers (pinned stops excepted)
    seats_per_meal: int = 12  # a city with at least twice this many customers may get a second meal, …
    max_meals_per_city: int = 3
    request_weight: float = 2.0  # a stop request counts like this many customers in the score
    pin_bonus: float = 100_000.0  # a pinned stop outweighs any number of customers
    max_candidates: int = 100  # the best places near the route that the solver considers
    departure: dt.time = dt.time(7, 0)  # leave the start city on the first day (its local time)
    arrival: dt.time = dt.time(22, 0)  # reach the end city by then on the last day (its local time)
    solve_seconds: float = 0.5
    repair_seconds: float = 0.2
    seed: int = 0

    def __post_init__(self) -> None:
        if not MIN_DRIVE_HOURS <= self.daily_drive_hours <= MAX_DRIVE_HOURS:
            raise InvalidInput(f"The daily driving limit goes from {MIN_DRIVE_HOURS:g} to {MAX_DRIVE_HOURS:g} hours.")
        if not 0 <= self.radius_km <= 500:
            raise InvalidInput("The radius for counting nearby customers goes from 0 to 500 km.")
        if not (1.0 <= self.road_factor <= 3.0 and 10 <= self.speed_kmh <= 200):
            raise InvalidInput("The road factor goes from 1 to 3 and the average speed from 10 to 200 km/h.")
        if self.min_attendance < 0 or self.seats_per_meal < 1 or self.max_meals_per_city < 1:
            raise InvalidInput("Minimum attendance, seats and meals per city must be positive.")

    def drive_minutes(self, great_circle_km: float) -> float:
        return great_circle_km * self.road_factor / self.speed_kmh * 60


@dataclass(frozen=True, slots=True)
class Pin:
    """A must-visit stop; with ``day``/``slot`` (set by /tour stop move) only that meal of that day."""

    city: City
    day: int | None = None  # 0-based tour day
    slot: MealSlot | None = None


@dataclass(frozen=True, slots=True)
class Demand:
    """Customers and stop requests in one city."""

    city: City
    customers: int
    requests: int = 0

    @property
    def people(self) -> int:
        return self.customers + self.requests


@dataclass(frozen=True)
class TourRequest:
    start: City
    end: City
    first_day: dt.date
    last_day: dt.date
    meals: tuple[MealWindow, ...] = tuple(DEFAULT_WINDOWS.values())
    settings: PlanSettings = field(default_factory=PlanSettings)
    pins: tuple[Pin, ...] = ()
    dropped: frozenset[int] = frozenset()
    arrive_by: dt.datetime | None = None  # a fixed arrival at the end (a conference), aware UTC
    teams: int = 1  # hosts travelling in parallel from the start, each with its own route and meals

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise InvalidInput("The tour ends before it starts: the end date must be on or after the start date.")
        if self.days > MAX_DAYS:
            raise InvalidInput(f"A tour lasts at most {MAX_DAYS} days; plan longer journeys as several tours.")
        if not self.meals:
            raise InvalidInput("Choose at least one meal per day: breakfast, lunch or dinner.")
        if self.arrive_by is not None and self.arrive_by <= self.departs_at:
            raise InvalidInput("The fixed arrival is before the tour even leaves. Check the dates.")
        if not 1 <= self.teams <= MAX_TEAMS:
            raise InvalidInput(f"A tour has 1 to {MAX_TEAMS} teams travelling in parallel.")

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def origin(self) -> dt.datetime:
        """Minute 0 of the tour clock: midnight of the first day in the start city (aware UTC)."""
        local = dt.datetime.combine(self.first_day, dt.time(0), tzinfo=ZoneInfo(self.start.timezone))
        return local.astimezone(dt.UTC)

    @property
    def departs_at(self) -> dt.datetime:
        local = dt.datetime.combine(self.first_day, self.settings.departure, tzinfo=ZoneInfo(self.start.timezone))
        return local.astimezone(dt.UTC)

    @property
    def arrives_by(self) -> dt.datetime:
        if self.arrive_by is not None:
            return self.arrive_by
        local = dt.datetime.combine(self.last_day, self.settings.arrival, tzinfo=ZoneInfo(self.end.timezone))
        return local.astimezone(dt.UTC)

    def window(self, slot: MealSlot) -> MealWindow:
        return next((w for w in self.meals if w.slot is slot), DEFAULT_WINDOWS.get(slot, self.meals[0]))


# ------------------------------------------------------------------------------------------- the answer


class Reason(StrEnum):
    """Why a big city got no meal."""

    DROPPED = "dropped"
    OFF_ROUTE = "off route"
    NOT_SHORTLISTED = "not shortlisted"
    BELOW_MINIMUM = "below minimum"
    NO_SLOT = "no slot"
    NOT_CHOSEN = "not chosen"  # plans stored before reasons were verified
    DRIVING_LIMIT = "driving limit"
    MEAL_SLOTS = "meal slots"
    DEADLINE = "deadline"
    COMBINED = "several rules"  # the driving limit, the meal slots and the deadline together
    NO_ROOM = "no room"  # not even then (driving only in daylight, one meal per place and slot)
    FITS_INSTEAD = "fits instead"  # it fits only in place of a meal that meets at least as many


def who_comes(customers: int, requests: int) -> str:
    parts = [f"~{plural(customers, 'customer')}"] if customers else []
    if requests:
        parts.append(plural(requests, "stop request"))
    return " · ".join(parts) or "a pinned stop"


@dataclass(frozen=True, slots=True)
class PlannedMeal:
    city: City
    slot: MealSlot
    day: int  # 0-based tour day
    starts_at: dt.datetime  # aware UTC
    ends_at: dt.datetime
    expected: int  # customers expected (within the radius, shared between a city's meals)
    pinned: bool = False
    requests: int = 0  # stop requests for the place (people who asked; they may be customers too)
    team: int = 0  # which team holds it (0-based)

    @property
    def local_start(self) -> dt.datetime:
        return self.starts_at.astimezone(ZoneInfo(self.city.timezone))

    @property
    def who_comes(self) -> str:
        """ "~12 customers", "~3 customers · 1 stop request", "1 stop request" (a request is no customer)."""
        return who_comes(self.expected, self.requests)

    @property
    def local_end(self) -> dt.datetime:
        return self.ends_at.astimezone(ZoneInfo(self.city.timezone))


@dataclass(frozen=True, slots=True)
class Leg:
    """Driving in one go, on one day. A leg longer than a day's driving is split at each night: its parts
    end in the town where the team sleeps, ``toward`` the place the whole leg goes to."""

    origin: City
    destination: City
    road_km: float
    hours: float
    day: int  # the tour day it is driven on
    departs_at: dt.datetime
    arrives_at: dt.datetime | None = None  # None in plans stored before legs were split
    toward: City | None = None  # set on every part but the last of a leg split over several days
    whole_km: float = 0.0  # the whole leg's road km and hours (= this part's when it is not split)
    whole_hours: float = 0.0
    team: int = 0


@dataclass(frozen=True, slots=True)
class Night:
    """Where the team sleeps after a tour day, and when it gets there."""

    day: int  # the tour day the night follows
    city: City
    arrives_at: dt.datetime
    on_the_road: bool  # a town on a long leg, not a stop of the plan
    team: int = 0


@dataclass(frozen=True, slots=True)
class LeftOut:
    city: City
    customers: int
    reason: Reason
    detail: str
    instead_of: City | None = None  # FITS_INSTEAD: where the meal it could replace is


@dataclass(frozen=True, slots=True)
class DayPlan:
    day: int
    date: dt.date
    meals: tuple[PlannedMeal, ...]
    legs: tuple[Leg, ...]  # the driving of this day
    drive_hours: float  # driving this day (the sum of its legs)
    night: Night | None = None  # where the day ends (None on the last day)
    note: str = ""  # why a day has no meals

    def events(self) -> list[PlannedMeal | Leg | Night]:
        """The day in the order it is lived: meals and drives by time, then the night."""
        timed: list[tuple[dt.datetime, int, PlannedMeal | Leg]] = [(m.starts_at, 1, m) for m in self.meals]
        timed += [(leg.departs_at, 0, leg) for leg in self.legs]
        ordered: list[PlannedMeal | Leg | Night] = [item for *_, item in sorted(timed, key=lambda t: (t[0], t[1]))]
        return ordered + ([self.night] if self.night is not None else [])


@dataclass(frozen=True)
class Itinerary:
    start: City
    end: City
    first_day: dt.date
    days: int
    daily_drive_hours: float
    meals: tuple[PlannedMeal, ...]
    legs: tuple[Leg, ...]
    left_out: tuple[LeftOut, ...] = ()
    warnings: tuple[str, ...] = ()
    candidates: int = 0  # places the solver chose from
    drive_by_day: tuple[float, ...] = ()  # hours of driving on each tour day, team after team
    nights: tuple[Night, ...] = ()
    day_notes: tuple[str, ...] = ()  # per tour day (team after team), why it has no meals ("" when it has)
    teams: int = 1  # teams travelling in parallel from the start, each with its own meals

    @property
    def expected(self) -> int:
        return sum(meal.expected for meal in self.meals)

    @property
    def requests(self) -> int:
        return sum(meal.requests for meal in self.meals)

    @property
    def drive_hours(self) -> float:
        return sum(leg.hours for leg in self.legs)

    def by_day(self, team: int = 0) -> list[DayPlan]:
        """One team's days."""
        first = team * self.days
        hours = [*self.drive_by_day[first:], *[0.0] * self.days][: self.days]
        notes = [*self.day_notes[first:], *[""] * self.days][: self.days]
        nights = {night.day: night for night in self.nights if night.team == team}
        return [
            DayPlan(
                day,
                self.first_day + dt.timedelta(days=day),
                tuple(m for m in self.meals if m.day == day and m.team == team),
                tuple(leg for leg in self.legs if leg.day == day and leg.team == team),
                hours[day],
                nights.get(day),
                notes[day],
            )
            for day in range(self.days)
        ]

    def team_meals(self, team: int) -> tuple[PlannedMeal, ...]:
        return tuple(meal for meal in self.meals if meal.team == team)

    def team_drive_hours(self, team: int) -> float:
        return sum(leg.hours for leg in self.legs if leg.team == team)

    def idle(self, team: int) -> bool:
        """A team of several with no meals and no driving: not needed, it stays home."""
        return self.teams > 1 and not self.team_meals(team) and not any(leg.team == team for leg in self.legs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (cities by geonameid), for storing the current plan."""
        return {
            "start": self.start.geonameid,
            "end": self.end.geonameid,
            "first_day": self.first_day.isoformat(),
            "days": self.days,
            "daily_drive_hours": self.daily_drive_hours,
            "candidates": self.candidates,
            "meals": [_meal_row(m) for m in self.meals],
            "legs": [_leg_row(leg) for leg in self.legs],
            "left_out": [
                [x.city.geonameid, x.customers, x.reason.value, x.detail]
                + ([x.instead_of.geonameid] if x.instead_of is not None else [])
                for x in self.left_out
            ],
            "warnings": list(self.warnings),
            "drive_by_day": list(self.drive_by_day),
            "nights": [
                [n.day, _place(n.city), n.arrives_at.isoformat(), n.on_the_road, n.team] for n in self.nights
            ],
            "day_notes": list(self.day_notes),
            "teams": self.teams,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], city: Callable[[int], City]) -> Itinerary:
        """``city`` finds a city by geonameid; places stored whole (a night's town) need no lookup."""
        when = dt.datetime.fromisoformat
        place = _place_reader(city)
        return cls(
            start=city(data["start"]),
            end=city(data["end"]),
            first_day=dt.date.fromisoformat(data["first_day"]),
            days=data["days"],
            daily_drive_hours=data["daily_drive_hours"],
            candidates=data["candidates"],
            meals=tuple(
                PlannedMeal(city(c), MealSlot(s), d, when(a), when(b), e, p, *rest)
                for c, s, d, a, b, e, p, *rest in data["meals"]
            ),
            legs=tuple(_leg(row, place) for row in data["legs"]),
            left_out=tuple(
                LeftOut(city(c), n, Reason(r), text, *(city(i) for i in instead))
                for c, n, r, text, *instead in data["left_out"]
            ),
            warnings=tuple(data["warnings"]),
            drive_by_day=tuple(data["drive_by_day"]),
            nights=tuple(Night(d, place(c), when(at), road, *team) for d, c, at, road, *team in data.get("nights", [])),
            day_notes=tuple(data.get("day_notes", [])),
            teams=data.get("teams", 1),
        )


def _meal_row(m: PlannedMeal) -> list[Any]:
    start, end = m.starts_at.isoformat(), m.ends_at.isoformat()
    return [m.city.geonameid, m.slot.value, m.day, start, end, m.expected, m.pinned, m.requests, m.team]


def _place(city: City) -> list[Any]:
    """A city stored whole: a town where a team sleeps may be too small for the gazetteer to find again."""
    return list(dataclasses.astuple(city))


def _place_reader(city: Callable[[int], City]) -> Callable[[int | list[Any]], City]:
    def read(stored: int | list[Any]) -> City:
        return City(*stored) if isinstance(stored, list) else city(stored)

    return read


def _leg_row(leg: Leg) -> list[Any]:
    return [
        _place(leg.origin),
        _place(leg.destination),
        leg.road_km,
        leg.hours,
        leg.day,
        leg.departs_at.isoformat(),
        None if leg.arrives_at is None else leg.arrives_at.isoformat(),
        None if leg.toward is None else _place(leg.toward),
        leg.whole_km,
        leg.whole_hours,
        leg.team,
    ]


def _leg(row: list[Any], city: Callable[[Any], City]) -> Leg:
    """A stored leg; plans stored before legs were split have only the first six fields."""
    origin, target, km, hours, day, departs, *rest = row
    arrives, toward, whole_km, whole_hours, team = [*rest, 0] if len(rest) == 4 else rest or (None, None, km, hours, 0)
    return Leg(
        city(origin), city(target), km, hours, day, dt.datetime.fromisoformat(departs),
        None if arrives is None else dt.datetime.fromisoformat(arrives),
        None if toward is None else city(toward), whole_km, whole_hours, team,
    )  # fmt: skip
