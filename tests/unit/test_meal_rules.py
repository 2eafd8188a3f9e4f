"""The rules of meals: slots, seats, the waitlist, claim windows, reminders and check-in."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.meals import (
    Headcount,
    Meal,
    MealPlace,
    MealSlot,
    MealStatus,
    Rsvp,
    RsvpStatus,
    claim_window,
    reminder_times,
    seat_for_newcomer,
)

UTC = dt.UTC
H = dt.timedelta(hours=1)
TORONTO = MealPlace(6167865, "Toronto", "Toronto, Ontario, CA", "America/Toronto", 43.7, -79.4)


def meal(starts_at: dt.datetime, *, minutes: int = 90, status: MealStatus = MealStatus.SCHEDULED) -> Meal:
    return Meal(1, 1, TORONTO, MealSlot.LUNCH, starts_at, starts_at + dt.timedelta(minutes=minutes), 10, "?", 1,
                status=status)  # fmt: skip


@pytest.mark.parametrize(
    ("local", "slot"),
    [(dt.time(7, 30), MealSlot.BREAKFAST), (dt.time(10, 59), MealSlot.BREAKFAST), (dt.time(11), MealSlot.LUNCH),
     (dt.time(15, 59), MealSlot.LUNCH), (dt.time(16), MealSlot.DINNER), (dt.time(19, 30), MealSlot.DINNER)],
)  # fmt: skip
def test_the_slot_follows_the_local_time(local: dt.time, slot: MealSlot) -> None:
    assert MealSlot.for_local_time(local) is slot


def test_a_newcomer_waits_while_anyone_waits_or_the_party_does_not_fit() -> None:
    free = Headcount(capacity=10, going=8, offered=0, maybe=3, waitlisted=0)
    assert seat_for_newcomer(free, 2)
    assert not seat_for_newcomer(free, 3)
    assert not seat_for_newcomer(Headcount(10, 5, 0, 0, waitlisted=1), 1)  # first come, first served
    assert Headcount(10, 6, 4, 0, 0).seats_left == 0  # held offers count as taken


def test_headcount_follows_one_change_of_answer() -> None:
    count = Headcount(capacity=10, going=3, offered=1, maybe=2, waitlisted=4)
    before = Rsvp(1, 7, RsvpStatus.WAITLISTED, 1, None, 5)
    after = Rsvp(1, 7, RsvpStatus.OFFERED, 1, None, 5)

    assert count.after(before, after) == Headcount(10, 3, 3, 2, 2)
    assert count.after(None, Rsvp(1, 8, RsvpStatus.MAYBE, 0, None, 6)) == Headcount(10, 3, 1, 3, 4)


@given(st.integers(min_value=0, max_value=60 * 24 * 30))
def test_a_claim_window_is_fair_and_never_runs_past_the_start(minutes_left: int) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    window = claim_window(now, now + dt.timedelta(minutes=minutes_left))

    assert window <= dt.timedelta(minutes=minutes_left)  # never past the start
    assert window <= dt.timedelta(hours=12)
    if minutes_left >= 15:
        assert window >= dt.timedelta(minutes=15)


def test_claim_windows_by_how_far_away_the_meal_is() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert claim_window(now, now + 10 * 24 * H) == 12 * H
    assert claim_window(now, now + 8 * H) == 2 * H
    assert claim_window(now, now + 30 * dt.timedelta(minutes=1)) == dt.timedelta(minutes=15)
    assert claim_window(now, now + dt.timedelta(minutes=5)) == dt.timedelta(minutes=5)


def test_reminders_count_in_the_citys_wall_clock_across_a_dst_change() -> None:
    # Toronto springs forward on Sunday 2026-03-08 at 02:00; lunch that day is at 12:30 EDT (16:30 UTC).
    lunch = meal(dt.datetime(2026, 3, 8, 16, 30, tzinfo=UTC))
    now = dt.datetime(2026, 3, 1, tzinfo=UTC)

    [(day_before, due_24), (_, due_2)] = reminder_times(lunch, (24 * H, 2 * H), now)

    assert day_before == 24 * H
    assert due_24 == dt.datetime(2026, 3, 7, 17, 30, tzinfo=UTC)  # Saturday 12:30 EST: 23 real hours before
    assert due_2 == dt.datetime(2026, 3, 8, 14, 30, tzinfo=UTC)


def test_reminders_whose_time_has_passed_are_skipped() -> None:
    lunch = meal(dt.datetime(2026, 1, 10, 17, 30, tzinfo=UTC))

    times = reminder_times(lunch, (24 * H, 2 * H), dt.datetime(2026, 1, 10, 0, 0, tzinfo=UTC))

    assert [offset for offset, _ in times] == [2 * H]


def test_check_in_opens_half_an_hour_before_and_closes_at_the_end() -> None:
    start = dt.datetime(2026, 1, 10, 17, 30, tzinfo=UTC)
    lunch = meal(start)

    assert not lunch.checkin_open(start - dt.timedelta(minutes=31))
    assert lunch.checkin_open(start - dt.timedelta(minutes=30))
    assert lunch.checkin_open(start + dt.timedelta(minutes=89))
    assert not lunch.checkin_open(start + dt.timedelta(minutes=90))
    assert not meal(start, status=MealStatus.CANCELLED).checkin_open(start)


def test_rsvps_close_at_the_cutoff_or_the_start() -> None:
    start = dt.datetime(2026, 1, 10, 17, 30, tzinfo=UTC)
    lunch = meal(start)

    assert lunch.rsvp_open(start - H)
    assert not lunch.rsvp_open(start)
    with_cutoff = dataclasses.replace(lunch, rsvp_cutoff=start - 24 * H)
    assert not with_cutoff.rsvp_open(start - 2 * H)
