"""The rules of the road, simulated exactly: the judge of every route the solver proposes.

Driving happens only in daylight (06:00–23:00 where the team is when it sets off: the leg's start, or the
town where a long leg stopped for the night) and at most the daily limit per tour day (by that place's
calendar). Each leg starts right after a meal and is driven as early
as the rules allow (earliest arrival is never worse: waiting is allowed), then the next meal starts in the
first of its windows still open (and not already used for a meal of the same place) and lasts as long as
that meal does. A route passes if every meal finds a window and the end is reached by the deadline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

EPS = 1e-6
MIN_STRETCH = 30.0  # minutes: less than this left in a day is not worth setting off for (unless it arrives)


@dataclass(frozen=True, slots=True)
class Window:
    opens: float  # real tour minutes
    closes: float


@dataclass(frozen=True, slots=True)
class Road:
    """What the simulation needs to know about the tour (all times in real tour minutes)."""

    depart: float
    deadline: float
    limit: float  # minutes of driving per day
    service: Callable[[int, int], float]  # (meal node, window index) → minutes that meal takes
    minutes: Callable[[int, int], float]  # driving minutes between two nodes
    windows: Callable[[int], Sequence[Window]]  # a meal node's windows, in order
    daylight: Callable[[str, int], tuple[float, float]]  # (timezone, tour day) → when driving is allowed
    day_of: Callable[[str, float], int]  # (timezone, minute) → tour day by that zone's calendar
    zone: Callable[[int], str]  # a node's timezone
    # (origin, target, share of the leg driven) → the timezone where a long leg stops for the night
    zone_along: Callable[[int, int, float], str]
    end: int
    # (meal node, window index) → the place, day and meal it uses: one place never has two meals in one slot
    occupies: Callable[[int, int], Hashable] = lambda node, window: (node, window)
    # (meal node, window index) → the team's day and meal it is: a team eats one lunch a day, also when a
    # timezone line makes two lunches fit (12:00 Eastern, then 13:30 Central after a 75-minute drive west)
    sitting: Callable[[int, int], Hashable] = lambda node, window: (node, window)  # (no such rule)


@dataclass(frozen=True, slots=True)
class Stretch:
    """What is driven of a leg in one go: on one tour day, from ``begins`` for ``minutes``."""

    day: int
    begins: float
    minutes: float

    @property
    def ends(self) -> float:
        return self.begins + self.minutes


@dataclass(frozen=True, slots=True)
class Drive:
    origin: int
    target: int
    minutes: float
    begins: float
    parts: dict[int, float]  # tour day → minutes driven that day
    stretches: tuple[Stretch, ...] = ()  # the leg as driven, a night (or a wait for daylight) between each


@dataclass(frozen=True, slots=True)
class Visit:
    node: int
    arrival: float
    start: float
    window: int  # index into the node's windows (-1 for the end)


@dataclass
class Simulation:
    visits: list[Visit] = field(default_factory=list)
    drives: list[Drive] = field(default_factory=list)
    failed: tuple[int, int] | None = None  # the leg after which the route breaks a rule

    @property
    def feasible(self) -> bool:
        return self.failed is None

    def per_day(self, days: int) -> list[float]:
        totals = [0.0] * days
        for drive in self.drives:
            for day, minutes in drive.parts.items():
                if 0 <= day < days:
                    totals[day] += minutes
        return totals


def simulate(road: Road, route: Sequence[int], start: int = 0, taken: Iterable[Hashable] = ()) -> Simulation:
    """The route driven by the rules. ``taken``: slots already used by another team (a place, day and meal
    held by one team is not another's: two teams never eat in the same place at the same meal)."""
    result = Simulation()
    used: dict[int, float] = {}
    held: set[Hashable] = set(taken)  # slots of places that have their meal
    had: set[Hashable] = set()  # the team's own meals by day and slot
    now, previous = road.depart, start
    for node in [*route, road.end]:
        minutes = road.minutes(previous, node)
        arrival, drive = _drive(road, previous, node, now, minutes, used)
        result.drives.append(drive)
        if node == road.end:
            result.visits.append(Visit(node, arrival, arrival, -1))
            if arrival > road.deadline + EPS:
                result.failed = (previous, node)
            return result
        index = next(
            (
                i for i, w in enumerate(road.windows(node))
                if w.closes >= arrival - EPS and road.occupies(node, i) not in held and road.sitting(node, i) not in had
            ),
            None,
        )  # fmt: skip
        if index is None:
            result.failed = (previous, node)
            return result
        held.add(road.occupies(node, index))
        had.add(road.sitting(node, index))
        begins = max(arrival, road.windows(node)[index].opens)
        result.visits.append(Visit(node, arrival, begins, index))
        now, previous = begins + road.service(node, index), node
    return result


def _drive(
    road: Road, origin: int, target: int, now: float, minutes: float, used: dict[int, float]
) -> tuple[float, Drive]:
    """Drive ``minutes`` from ``now``: daylight only, each day up to the limit. Returns the arrival."""
    left, begins = minutes, None
    parts: dict[int, float] = {}
    stretches: list[Stretch] = []
    zone = road.zone(origin)
    horizon = now + 60 * 24 * 60  # a leg never takes two months: stop a runaway loop
    while left > EPS and now < horizon:
        day = road.day_of(zone, now)
        opens, closes = road.daylight(zone, day)
        begin = max(now, opens)
        room = min(closes - begin, road.limit - used.get(day, 0.0))
        if room > EPS and (room >= MIN_STRETCH - EPS or left <= room + EPS):  # no 10-minute drive then a night
            take = min(left, room)
            begins = begin if begins is None else begins
            parts[day] = parts.get(day, 0.0) + take
            stretches.append(Stretch(day, begin, take))
            used[day] = used.get(day, 0.0) + take
            left -= take
            now = begin + take
        if left > EPS:
            if stretches:  # the night is spent where this day's driving ended
                zone = road.zone_along(origin, target, (minutes - left) / minutes)
            now = max(now + EPS, road.daylight(zone, road.day_of(zone, now) + 1)[0])
    arrival = now if left <= EPS else math.inf
    return arrival, Drive(origin, target, minutes, now if begins is None else begins, parts, tuple(stretches))
