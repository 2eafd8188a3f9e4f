"""The outbox's rules: when to retry, when to give up, how fast to send, and how a failure is judged."""

from __future__ import annotations

import datetime as dt

import discord
import pytest

from bot.delivery.errors import DEFAULT_RETRY_AFTER, Refused, judge
from bot.domain.outbox import (
    MAX_ATTEMPTS,
    MAX_RATE_LIMITED,
    Delivery,
    Kind,
    Outcome,
    Status,
    Via,
    next_attempt,
    outcome_of,
    retry_delay,
)
from bot.domain.pacing import TokenBucket

NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


def row(*, attempts: int = 1, rate_limited: int = 0, kind: Kind = Kind.REMINDER) -> Delivery:
    return Delivery(
        id=1, guild_id=1, kind=kind, meal_id=1, user_id=2, payload={}, due_at=NOW, status=Status.SENDING,
        attempts=attempts, rate_limited=rate_limited, job=None, created_at=NOW,
    )  # fmt: skip


def test_failures_back_off_exponentially_up_to_half_an_hour() -> None:
    assert [retry_delay(n).total_seconds() for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1800, 1800]


def test_a_row_gives_up_after_its_attempts_and_never_retries_past_its_deadline() -> None:
    assert next_attempt(row(attempts=1), NOW) == NOW + dt.timedelta(seconds=30)
    assert next_attempt(row(attempts=MAX_ATTEMPTS - 1), NOW) is not None
    assert next_attempt(row(attempts=MAX_ATTEMPTS), NOW) is None
    assert next_attempt(row(attempts=1), NOW, deadline=NOW + dt.timedelta(seconds=29)) is None
    assert next_attempt(row(attempts=1), NOW, deadline=NOW + dt.timedelta(seconds=31)) is not None


def test_a_rate_limit_waits_exactly_what_discord_asked_and_uses_up_no_attempt() -> None:
    limited = row(attempts=MAX_ATTEMPTS + 3, rate_limited=4)  # seven claims, four of them answered with 429
    assert limited.failures == MAX_ATTEMPTS - 1
    assert next_attempt(limited, NOW, rate_limited_for=7.5) == NOW + dt.timedelta(seconds=7.5)
    assert next_attempt(row(attempts=30, rate_limited=MAX_RATE_LIMITED - 1), NOW, rate_limited_for=1) is None


def test_the_pace_allows_a_burst_then_one_message_a_second() -> None:
    pace = TokenBucket()
    assert pace.available(NOW) == 5
    for _ in range(5):
        pace.take(NOW)
    assert pace.available(NOW) == 0
    assert pace.ready_at(NOW) == NOW + dt.timedelta(seconds=1)
    later = NOW + dt.timedelta(seconds=2.5)
    assert pace.available(later) == 2
    assert pace.available(NOW + dt.timedelta(hours=1)) == 5  # never more than the burst


@pytest.mark.parametrize(
    ("status", "via", "attempts", "outcome"),
    [
        (Status.PENDING, None, 0, Outcome.WAITING),
        (Status.PENDING, None, 2, Outcome.RETRYING),
        (Status.SENDING, None, 1, Outcome.SENDING),
        (Status.SENT, Via.DM, 1, Outcome.BY_DM),
        (Status.SENT, Via.CHANNEL, 1, Outcome.BY_NOTE),
        (Status.FAILED, Via.CHANNEL, 6, Outcome.BY_NOTE),  # kept failing, but the person got the note
        (Status.FAILED, Via.NONE, 6, Outcome.FAILED),
        (Status.SENT, Via.POST, 1, Outcome.DONE),
        (Status.SKIPPED, Via.NONE, 1, Outcome.SKIPPED),
    ],
)
def test_each_row_tells_its_outcome(status: Status, via: Via | None, attempts: int, outcome: Outcome) -> None:
    assert outcome_of(status, via, attempts) is outcome


class _Response:
    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.status, self.reason, self.headers = status, "", headers or {}


def test_failures_are_judged_by_what_retrying_could_change() -> None:
    limited = judge(discord.HTTPException(_Response(429, {"Retry-After": "12.5"}), {"message": "slow down"}))
    assert (limited.retry_after, limited.permanent) == (12.5, False)
    assert judge(discord.HTTPException(_Response(429), "slow")).retry_after == DEFAULT_RETRY_AFTER
    outage = judge(discord.HTTPException(_Response(503), {"message": "unavailable", "code": 0}))
    assert (outage.retry_after, outage.permanent) == (None, False) and outage.text.startswith("Discord 503")
    refused = judge(discord.Forbidden(_Response(403), {"message": "Missing Access", "code": 50001}))
    assert refused.permanent and "code 50001" in refused.text
    assert judge(TimeoutError()).permanent is False
    assert judge(Refused("I can't post in #x.")).text == "I can't post in #x."
