"""Processes doing RSVPs, cancellations and promotions are killed with SIGKILL at random moments; afterwards
nothing committed is lost, no seat is double-booked, the waitlist order holds, no delivery is lost or sent
more often than kills allow, and the database is intact; on SQLite, and on PostgreSQL with two shards.
(tests/reliability/crash.py has the checks.)"""

from __future__ import annotations

import pytest

from tests.backends import postgres_schema_sync
from tests.reliability.crash import run_crash_test


def test_a_short_crash_run_keeps_every_promise() -> None:
    report = run_crash_test(kills=8, workers=2, seed=7)

    assert report.problems == []
    assert report.kills == 8 and report.ops_acked > 500 and report.answers_checked > 50
    assert report.sent > 50  # the outbox really sent things while processes died


def test_two_shards_on_postgresql_killed_at_random_keep_every_promise() -> None:
    """Two bot processes, each a shard with its own connections, both clicking on both servers' meals (seats
    decided by two processes at once) while each sends its own server's outbox, killed and restarted."""
    with postgres_schema_sync() as url:
        report = run_crash_test(kills=8, workers=2, seed=11, database_url=url)

    assert report.problems == []
    assert report.backend == "PostgreSQL" and report.kills == 8 and report.ops_acked > 150
    assert report.answers_checked > 50 and report.sent > 50


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_two_hundred_kills_keep_every_promise() -> None:
    report = run_crash_test(kills=200, workers=2, seed=1)

    assert report.problems == []
    assert report.kills == 200
