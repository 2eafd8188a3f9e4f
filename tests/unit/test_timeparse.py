from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.timeparse import format_duration, format_offsets, parse_duration, parse_reminder_offsets

H = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30m", dt.timedelta(minutes=30)), ("2h", 2 * H), (" 1 day ", 24 * H), ("90 minutes", 1.5 * H), ("3 HRS", 3 * H)],
)
def test_durations_people_type(text: str, expected: dt.timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "2", "h", "-2h", "2.5h", "2h30", "99999h"])
def test_unclear_durations_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(InvalidInput, match="Write it like 30m, 2h or 1d"):
        parse_duration(text)


def test_reminder_offsets_are_distinct_and_largest_first() -> None:
    assert parse_reminder_offsets("2h, 24h 2h") == (24 * H, 2 * H)
    assert parse_reminder_offsets("1 day, 30m") == (24 * H, dt.timedelta(minutes=30))


@pytest.mark.parametrize(
    ("text", "message"),
    [(" , ", "at least one"), ("15d", "between 1 minute and 14 days"), ("1h 2h 3h 4h 5h 6h", "At most 5")],
)
def test_bad_reminder_offsets(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_reminder_offsets(text)


def test_durations_are_shown_the_way_people_write_them() -> None:
    assert [format_duration(d) for d in (24 * H, 48 * H, 2 * H, dt.timedelta(minutes=45), 1.5 * H)] == [
        "24h",
        "2d",
        "2h",
        "45m",
        "1h30m",
    ]
    assert format_offsets((24 * H, 2 * H)) == "24h, 2h"
