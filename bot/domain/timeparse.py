"""Parsing of times and durations people type. All such parsing lives here.

We parse structured input only and never guess (python-dateutil's ``fuzzy`` silently drops words).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput

_DURATION = re.compile(r"^(\d{1,4})\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)$")
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 1440}
MAX_REMINDER = dt.timedelta(days=14)
MAX_REMINDERS = 5


def parse_duration(text: str) -> dt.timedelta:
    """``"90m"``, ``"2h"``, ``"1 day"`` → timedelta. Raises InvalidInput with an example on bad input."""
    match = _DURATION.match(text.strip().casefold())
    if match is None:
        raise InvalidInput(f"“{text.strip()[:40]}” is not a duration. Write it like 30m, 2h or 1d.")
    return dt.timedelta(minutes=int(match[1]) * _UNIT_MINUTES[match[2][0]])


def parse_reminder_offsets(text: str) -> tuple[dt.timedelta, ...]:
    """``"24h, 2h"`` → (24 h, 2 h): distinct, largest first, each between 1 minute and 14 days."""
    parts = [part.strip(" ,") for part in re.split(r"[,\s]+(?=\d)", text.strip()) if part.strip(" ,")]
    if not parts:
        raise InvalidInput("Give at least one reminder time before the meal, e.g. `24h, 2h`.")
    if len(parts) > MAX_REMINDERS:
        raise InvalidInput(f"At most {MAX_REMINDERS} reminders per meal, e.g. `24h, 2h`.")
    offsets = {parse_duration(part) for part in parts}
    for offset in offsets:
        if not dt.timedelta(minutes=1) <= offset <= MAX_REMINDER:
            raise InvalidInput(
                f"Reminders go between 1 minute and 14 days before a meal; {format_duration(offset)} is not."
            )
    return tuple(sorted(offsets, reverse=True))


def format_duration(value: dt.timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    if minutes % 1440 == 0 and minutes >= 2 * 1440:  # "24h" reads better than "1d"
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


def format_offsets(offsets: tuple[dt.timedelta, ...]) -> str:
    """As /setup takes them: "24h, 2h"."""
    return ", ".join(format_duration(offset) for offset in offsets)


def spoken_offsets(offsets: tuple[dt.timedelta, ...]) -> str:
    """As a sentence says them: "24h and 2h", "1d, 24h and 2h"."""
    words = [format_duration(offset) for offset in offsets]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


# ------------------------------------------------------------------------------------ local date and time

_DATE_FORMATS = ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y")
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
MAX_AHEAD = dt.timedelta(days=2 * 366)


@dataclass(frozen=True)
class LocalTime:
    """A wall time in a city, resolved to an aware UTC instant; ``note`` explains any rule applied."""

    utc: dt.datetime
    zone: str
    note: str | None = None

    @property
    def local(self) -> dt.datetime:
        return self.utc.astimezone(ZoneInfo(self.zone))


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(text: str) -> dt.date:
    cleaned = " ".join(text.replace(",", " ").split())
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    iso = _ISO_DATE.match(cleaned)
    if iso:  # the right shape, but no such day: say why
        year, month, _ = (int(part) for part in iso.groups())
        if not 1 <= month <= 12:
            raise InvalidInput(f"“{cleaned}”: there is no month {month}. Write it like 2026-03-14.")
        if year >= 1:
            days = calendar.monthrange(year, month)[1]
            raise InvalidInput(f"“{cleaned}” doesn't exist: {calendar.month_name[month]} {year} has {days} days.")
    raise InvalidInput(f"“{text.strip()[:40]}” is not a date I can read. Write it like 2026-03-14.")


def check_within_reach(day: dt.date, today: dt.date, max_ahead: dt.timedelta = MAX_AHEAD) -> None:
    """The one rule for the days of meals and tours: from today (in any timezone) to two years ahead."""
    if day < today - dt.timedelta(days=1):
        raise InvalidInput(f"{day.isoformat()} has already passed. Pick a date from today on.")
    if day > today + max_ahead:
        raise InvalidInput("That is more than two years away. Pick a date within the next two years.")


def parse_time_of_day(text: str) -> dt.time:
    match = _TIME.match(text.strip().casefold().replace(".", ""))
    if match is None:
        raise InvalidInput(f"“{text.strip()[:40]}” is not a time I can read. Write it like 12:30 or 7:30pm.")
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half is not None:
        if not 1 <= hour <= 12:
            raise InvalidInput(f"“{text.strip()}”: with am/pm the hour goes from 1 to 12.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise InvalidInput(f"“{text.strip()}” is not a time of day. Write it like 12:30 or 7:30pm.")
    return dt.time(hour, minute)


def parse_date_and_time(text: str) -> tuple[dt.date, dt.time]:
    """ "2026-03-09 17:00" or "14 Mar 2026 5pm" → (date, time of day): the last word is the time."""
    date_text, _, time_text = text.strip().rpartition(" ")
    if not date_text:
        raise InvalidInput(f"“{text.strip()[:40]}” needs a date and a time. Write it like 2026-03-09 17:00.")
    return parse_date(date_text), parse_time_of_day(time_text)


def local_to_utc(day: dt.date, time_of_day: dt.time, zone: str) -> LocalTime:
    """A wall time in ``zone`` → UTC, handling daylight-saving transitions.

    A time that does not exist (the spring-forward gap) is refused with the first valid time after it.
    A time that happens twice (the fall-back hour) is resolved by a fixed rule: the **first**
    occurrence (still on daylight time), and the note says so.
    """
    tz = ZoneInfo(zone)
    naive = dt.datetime.combine(day, time_of_day)
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    utc = first.astimezone(dt.UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != naive:  # skipped by the clock change
        after = utc.astimezone(tz)  # the same instant on the new clock: 02:30 → 03:30
        raise InvalidInput(
            f"{naive:%H:%M} does not exist on {day:%Y-%m-%d} in {zone}: the clocks jump forward. "
            f"Try {after:%H:%M} instead."
        )
    note = None
    if first.utcoffset() != second.utcoffset():
        note = (
            f"{naive:%H:%M} happens twice on {day:%Y-%m-%d} in {zone} (clocks go back); "
            f"I used the first one ({first:%Z})."
        )
    return LocalTime(utc, zone, note)


def parse_local_datetime(
    date_text: str, time_text: str, zone: str, *, now: dt.datetime, max_ahead: dt.timedelta = MAX_AHEAD
) -> LocalTime:
    """What a manager types for a meal ("2026-03-14", "12:30") in the city's zone → a future UTC instant."""
    return meal_start(parse_date(date_text), parse_time_of_day(time_text), zone, now=now, max_ahead=max_ahead)


def meal_start(
    day: dt.date, time_of_day: dt.time, zone: str, *, now: dt.datetime, max_ahead: dt.timedelta = MAX_AHEAD
) -> LocalTime:
    """A meal's start, the same rules for /meal add and /meal edit: a real local time, in the future, within
    two years (checked on the day first, so the calendar's edges — year 1, year 9999 — are refused plainly)."""
    check_within_reach(day, now.date(), max_ahead)
    result = local_to_utc(day, time_of_day, zone)
    if result.utc <= now:
        raise InvalidInput(f"{result.local:%Y-%m-%d %H:%M} in {zone} has already passed. Pick a future time.")
    if result.utc > now + max_ahead:
        raise InvalidInput("That is more than two years away. Pick a date within the next two years.")
    return result
