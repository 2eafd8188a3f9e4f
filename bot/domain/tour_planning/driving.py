"""When the driving of a route happens, day by day, and whether every day stays within the limit.

A leg may be driven any time between the end of one meal and the start of the next, but only in daytime
(06:00–23:00 in the start city, see ``tourclock``) and at most ``limit`` minutes per tour
day. Legs are sequential, so filling each day as early as possible is optimal: capacity left on a day can
only help the legs after it. Whatever does not fit is the leg's overflow: the route breaks the limit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Drive:
    """One leg to place: its driving minutes and the tour-clock interval it must fit in."""

    minutes: float
    earliest: float  # the previous meal ends (or the tour leaves)
    latest: float  # the next meal starts (or the arrival deadline)
    daylight: Callable[[int], tuple[float, float]]  # tour day → when driving is allowed that day
    day_of: Callable[[float], int]  # tour-clock minute → tour day


@dataclass(frozen=True, slots=True)
class Placement:
    per_leg: tuple[dict[int, float], ...]  # day → minutes driven, per leg
    overflow: tuple[float, ...]  # minutes of each leg that fit nowhere
    starts: tuple[float, ...]  # when each leg's driving begins (tour-clock minute)

    def per_day(self, days: int) -> list[float]:
        totals = [0.0] * days
        for parts in self.per_leg:
            for day, minutes in parts.items():
                if 0 <= day < days:
                    totals[day] += minutes
        return totals

    @property
    def fits(self) -> bool:
        return all(left < 1.0 for left in self.overflow)


def place(drives: Sequence[Drive], limit: float) -> Placement:
    """Put each leg's driving into the earliest daylight it can use, at most ``limit`` minutes per day."""
    used: dict[int, float] = {}
    per_leg, overflow, starts = [], [], []
    for drive in drives:
        parts: dict[int, float] = {}
        left, now = drive.minutes, drive.earliest
        begins = None
        while left > 1e-6 and now < drive.latest - 1e-6:
            day = drive.day_of(now)
            opens, closes = drive.daylight(day)
            start, stop = max(now, opens), min(drive.latest, closes)
            take = min(left, max(0.0, stop - start), limit - used.get(day, 0.0))
            if take > 1e-6:
                begins = start if begins is None else begins
                parts[day] = parts.get(day, 0.0) + take
                used[day] = used.get(day, 0.0) + take
                left -= take
            now = drive.daylight(day + 1)[0]  # this day is spent (full, dark or over): next morning
        per_leg.append(parts)
        overflow.append(max(0.0, left))
        starts.append(drive.earliest if begins is None else begins)
    return Placement(tuple(per_leg), tuple(overflow), tuple(starts))
