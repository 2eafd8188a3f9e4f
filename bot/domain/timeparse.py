"""Parsing of times and durations people type. All such parsing lives here.

We parse structured input only and never guess (python-dateutil's ``fuzzy`` silently drops words).
"""

from __future__ import annotations

import datetime as dt
import re

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
    return ", ".join(format_duration(offset) for offset in offsets)
