"""The tour's clock: minutes since midnight of the first day in the start city, and an *awake* clock
that skips the nights (what the solver sees; the driving simulation uses each city's own daylight).

Nobody drives at night, so the solver works on awake time: only ``DRIVE_FROM``–``DRIVE_UNTIL`` of each
day (in the start city's timezone) passes on it. A leg that does not fit before 23:00 simply continues
the next morning, and a night is waiting at the last stop. Meals all fall inside awake hours.
"""

from __future__ import annotations

import bisect
import datetime as dt
from zoneinfo import ZoneInfo

DRIVE_FROM = dt.time(6, 0)
DRIVE_UNTIL = dt.time(23, 0)
AWAKE_MINUTES = 17 * 60.0


class TourClock:
    def __init__(self, first_day: dt.date, days: int, timezone: str) -> None:
        zone = ZoneInfo(timezone)
        self.first_day = first_day
        self.zone = zone
        self.origin = dt.datetime.combine(first_day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
        # Daylight of each day from the day before the tour to two days after (real tour minutes).
        self._first = -1
        self._days: list[tuple[float, float]] = []
        for day in range(-1, days + 2):
            date = first_day + dt.timedelta(days=day)
            opens = dt.datetime.combine(date, DRIVE_FROM, tzinfo=zone).astimezone(dt.UTC)
            closes = dt.datetime.combine(date, DRIVE_UNTIL, tzinfo=zone).astimezone(dt.UTC)
            self._days.append((self.minute(opens), self.minute(closes)))
        self._awake_before = [index * AWAKE_MINUTES for index in range(len(self._days))]
        self._elsewhere: dict[tuple[str, int], tuple[float, float]] = {}

    def minute(self, when: dt.datetime) -> float:
        return (when - self.origin).total_seconds() / 60

    def instant(self, minute: float) -> dt.datetime:
        return self.origin + dt.timedelta(minutes=minute)

    def day_of(self, minute: float) -> int:
        """The tour day (0 = the first) of a real tour minute, by the start city's calendar."""
        return (self.instant(minute).astimezone(self.zone).date() - self.first_day).days

    def daylight(self, day: int) -> tuple[float, float]:
        """When driving is allowed on a tour day (any day, also before or after the tour)."""
        index = day - self._first
        if 0 <= index < len(self._days):
            return self._days[index]
        date = self.first_day + dt.timedelta(days=day)
        opens = dt.datetime.combine(date, DRIVE_FROM, tzinfo=self.zone).astimezone(dt.UTC)
        closes = dt.datetime.combine(date, DRIVE_UNTIL, tzinfo=self.zone).astimezone(dt.UTC)
        return self.minute(opens), self.minute(closes)

    def day_in(self, zone: str, minute: float) -> int:
        """The tour day of a real tour minute by the calendar of another timezone (a city on the way)."""
        return (self.instant(minute).astimezone(ZoneInfo(zone)).date() - self.first_day).days

    def daylight_in(self, zone: str, day: int) -> tuple[float, float]:
        """06:00–23:00 of a tour day in another timezone, as real tour minutes (cached)."""
        key = (zone, day)
        if key not in self._elsewhere:
            date = self.first_day + dt.timedelta(days=day)
            local = ZoneInfo(zone)
            opens = dt.datetime.combine(date, DRIVE_FROM, tzinfo=local).astimezone(dt.UTC)
            closes = dt.datetime.combine(date, DRIVE_UNTIL, tzinfo=local).astimezone(dt.UTC)
            self._elsewhere[key] = (self.minute(opens), self.minute(closes))
        return self._elsewhere[key]

    def awake(self, minute: float) -> float:
        """Real minute → awake minute (a night minute counts as the end of that evening)."""
        index = max(0, bisect.bisect_right([opens for opens, _ in self._days], minute) - 1)
        opens, closes = self._days[index]
        return self._awake_before[index] + min(max(minute - opens, 0.0), closes - opens)

    def real(self, awake: float) -> float:
        """Awake minute → real minute (the end of an evening is 23:00, not the next morning)."""
        index = min(max(0, int(awake // AWAKE_MINUTES)), len(self._days) - 1)
        opens, _ = self._days[index]
        offset = awake - self._awake_before[index]
        if offset < 1e-9 and index > 0:  # exactly at a day boundary: the evening before, not the morning
            return self._days[index - 1][1]
        return opens + offset
