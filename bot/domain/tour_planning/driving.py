"""The rules of the road, simulated exactly: the judge of every route the solver proposes.

Driving happens only in daylight (06:00–23:00 where the leg starts) and at most the daily limit per tour
day (by the calendar of where the leg starts). Each leg starts right after a meal and is driven as early
as the rules allow (earliest arrival is never worse: waiting is allowed), then the next meal starts in the
first of its windows still open. A route passes if every meal finds a window and the end is reached by
the deadline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

EPS = 1e-6


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
    service: float  # minutes a meal stop takes
    minutes: Callable[[int, int], float]  # driving minutes between two nodes
    windows: Callable[[int], Sequence[Window]]  # a meal node's windows, in order
    daylight: Callable[[int, int], tuple[float, float]]  # (node the leg leaves, tour day) → when driving is allowed
    day_of: Callable[[int, float], int]  # (node the leg leaves, minute) → tour day
    end: int


@dataclass(frozen=True, slots=True)
class Drive:
    origin: int
    target: int
    minutes: float
    begins: float
    parts: dict[int, float]  # tour day → minutes driven that day


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


def simulate(road: Road, route: Sequence[int], start: int = 0) -> Simulation:
    result = Simulation()
    used: dict[int, float] = {}
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
        index = next((i for i, w in enumerate(road.windows(node)) if w.closes >= arrival - EPS), None)
        if index is None:
            result.failed = (previous, node)
            return result
        begins = max(arrival, road.windows(node)[index].opens)
        result.visits.append(Visit(node, arrival, begins, index))
        now, previous = begins + road.service, node
    return result


def _drive(
    road: Road, origin: int, target: int, now: float, minutes: float, used: dict[int, float]
) -> tuple[float, Drive]:
    """Drive ``minutes`` from ``now``: daylight only, each day up to the limit. Returns the arrival."""
    left, begins = minutes, None
    parts: dict[int, float] = {}
    horizon = now + 60 * 24 * 60  # a leg never takes two months: stop a runaway loop
    while left > EPS and now < horizon:
        day = road.day_of(origin, now)
        opens, closes = road.daylight(origin, day)
        begin = max(now, opens)
        room = min(closes - begin, road.limit - used.get(day, 0.0))
        if room > EPS:
            take = min(left, room)
            begins = begin if begins is None else begins
            parts[day] = parts.get(day, 0.0) + take
            used[day] = used.get(day, 0.0) + take
            left -= take
            now = begin + take
        if left > EPS:
            now = max(now + EPS, road.daylight(origin, day + 1)[0])
    arrival = now if left <= EPS else math.inf
    return arrival, Drive(origin, target, minutes, now if begins is None else begins, parts)
