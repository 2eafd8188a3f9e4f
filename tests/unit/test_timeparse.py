from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.timeparse import (
    MAX_AHEAD,
    check_within_reach,
    format_duration,
    format_offsets,
    local_to_utc,
    parse_date,
    parse_duration,
    parse_local_datetime,
    parse_reminder_offsets,
    parse_time_of_day,
)

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


@pytest.mark.parametrize("text", ["2026-03-14", "14 Mar 2026", "14 March 2026", "Mar 14 2026", "March 14, 2026"])
def test_dates_people_type(text: str) -> None:
    assert parse_date(text) == dt.date(2026, 3, 14)


@pytest.mark.parametrize("text", ["next friday", "14/03/2026", "03/14/2026", "2026-13-01", ""])
def test_ambiguous_or_unreadable_dates_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="Write it like 2026-03-14"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12:30", dt.time(12, 30)), ("7pm", dt.time(19)), ("7:30 am", dt.time(7, 30)), ("12am", dt.time(0)),
     ("12pm", dt.time(12)), ("0:05", dt.time(0, 5))],
)  # fmt: skip
def test_times_of_day(text: str, expected: dt.time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["25:00", "13pm", "noon", "12:60", "7.30.1"])
def test_bad_times_of_day(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_time_of_day(text)


def test_a_local_time_skipped_by_the_clocks_is_refused_with_a_suggestion() -> None:
    with pytest.raises(InvalidInput, match=r"02:30 does not exist on 2026-03-08 in America/Toronto.*Try 03:30"):
        local_to_utc(dt.date(2026, 3, 8), dt.time(2, 30), "America/Toronto")


def test_a_local_time_that_happens_twice_takes_the_first_and_says_so() -> None:
    result = local_to_utc(dt.date(2026, 11, 1), dt.time(1, 30), "America/Toronto")

    assert result.utc == dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC)  # 01:30 EDT, the first one
    assert result.note is not None and "happens twice" in result.note and "EDT" in result.note


def test_meal_times_must_be_in_the_future_and_within_two_years() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    assert parse_local_datetime("2026-01-10", "12:30", "America/Toronto", now=now).utc == dt.datetime(
        2026, 1, 10, 17, 30, tzinfo=dt.UTC
    )
    with pytest.raises(InvalidInput, match="already passed"):
        parse_local_datetime("2025-12-31", "12:30", "America/Toronto", now=now)
    with pytest.raises(InvalidInput, match="more than two years away"):
        parse_local_datetime("2028-06-01", "12:30", "America/Toronto", now=now)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-30", "“2026-02-30” doesn't exist: February 2026 has 28 days."),
        ("2028-02-30", "“2028-02-30” doesn't exist: February 2028 has 29 days."),
        ("2026-04-31", "“2026-04-31” doesn't exist: April 2026 has 30 days."),
    ],
)
def test_a_date_that_does_not_exist_says_why(text: str, expected: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_date(text)
    assert str(refused.value) == expected


def test_meal_days_follow_one_rule_from_today_to_two_years_ahead() -> None:
    today = dt.date(2026, 1, 1)
    check_within_reach(dt.date(2025, 12, 31), today)  # yesterday somewhere: still today in some timezone
    check_within_reach(today + MAX_AHEAD, today)
    for day, message in [(dt.date(1, 1, 1), "0001-01-01 has already passed"), (dt.date(9999, 12, 31), "two years")]:
        with pytest.raises(InvalidInput, match=message):
            check_within_reach(day, today)
