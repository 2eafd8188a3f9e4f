"""RSVP burst: 1,000 simultaneous "Going" clicks on a 50-seat meal, through the real MealService.

    python benchmarks/rsvp_burst.py            # 1,000 clicks, 50 seats (about 5 s)
    python benchmarks/rsvp_burst.py --quick    # 200 clicks, 10 seats, for CI

Measures, on a fresh SQLite file each time:
1. baseline: the raw cost of one committed SQLite write (an INSERT in its own BEGIN IMMEDIATE … COMMIT)
   through the same Database wrapper — the floor a serialised RSVP cannot go under;
2. the burst: every click started at once with asyncio.gather; per-click latency from the start of the
   burst to its decision being committed (p50, p99, max), throughput, and the exact-seat check;
3. post-edit coalescing: the real outbox dispatcher runs during the burst against a stand-in for Discord
   whose post edit takes 50 ms (a round trip); how many edits it actually sends for the whole burst.
Figures are printed as ratios against the baseline; the last results go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from bot.delivery.dispatcher import Dispatcher
from bot.domain.meals import GoingOutcome, Meal, MealPlace, RsvpStatus
from bot.domain.outbox import Via
from bot.domain.timeparse import LocalTime
from bot.services import Services
from bot.services.meals import MealService, MealState
from storage.database import Database
from storage.migrate import migrate

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
GUILD = 1
DISCORD_ANSWER_LIMIT = 3.0
PLACE = MealPlace(6167865, "Toronto", "Toronto, Ontario, CA", "America/Toronto", 43.7, -79.4)


async def raw_write_seconds(db: Database, count: int) -> float:
    async with db.transaction() as tx:
        await tx.execute("CREATE TABLE bench (id INTEGER PRIMARY KEY, user_id INTEGER, at TEXT)")
    start = time.perf_counter()
    for i in range(count):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO bench (user_id, at) VALUES (?, ?)", (i, "2026-01-01T00:00:00Z"))
    return (time.perf_counter() - start) / count


class SlowDiscord:
    """Stands in for the meal post and its event: every call is a 50 ms round trip."""

    def __init__(self) -> None:
        self.edits = 0

    async def sync_post(self, state: MealState, *, nonce: str) -> tuple[Via, tuple[int, int] | None]:
        await asyncio.sleep(0.05)
        if state.meal.message_id is None:
            return Via.POST, (1, 2)
        self.edits += 1
        return Via.POST, None

    async def sync_event(self, meal: Meal) -> tuple[Via, int | None]:
        await asyncio.sleep(0.05)
        return Via.EVENT, None if meal.event_id else 3


async def burst(
    services: Services, discord: SlowDiscord, clicks: int, seats: int
) -> tuple[int, list[float], float, dict[str, int]]:
    meals: MealService = services.meals
    start_at = LocalTime(dt.datetime(2026, 1, 10, 17, 30, tzinfo=dt.UTC), "America/Toronto")
    meal = await meals.create(
        GUILD, host_id=1, place=PLACE, start=start_at, duration=dt.timedelta(minutes=90), channel_id=1,
        capacity=seats,
    )  # fmt: skip
    latencies: list[float] = []
    began = time.perf_counter()

    async def click(user_id: int) -> GoingOutcome | None:
        result = await meals.going(GUILD, meal.id, user_id, "What I do")
        latencies.append(time.perf_counter() - began)
        return result.outcome

    outcomes = await asyncio.gather(*(click(1000 + i) for i in range(clicks)))
    total = time.perf_counter() - began
    state = await meals.state(GUILD, meal.id)
    going = [r.user_id for r in state.rsvps if r.status is RsvpStatus.GOING]
    assert going == [1000 + i for i in range(seats)], "seats must go first come, first served"
    assert len({r.user_id for r in state.rsvps}) == clicks, "no duplicates"
    counts = {o.value: outcomes.count(o) for o in set(outcomes) if o is not None}
    return meal.id, latencies, total, counts


async def with_dispatcher(services: Services, discord: SlowDiscord) -> Dispatcher:
    """The real dispatcher, woken by the doorbell as in the bot (no DMs in this burst: no messenger)."""

    async def ready() -> None:
        return None

    dispatcher = Dispatcher(services.delivery, None, discord, lambda: NOW, ready=ready)  # type: ignore[arg-type]
    services.doorbell.subscribe(dispatcher.kick)
    dispatcher.start()
    await asyncio.sleep(0.01)  # its first pass
    return dispatcher


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1] if len(values) > 1 else values[0]


async def main(quick: bool) -> None:
    clicks, seats = (200, 10) if quick else (1000, 50)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database.open(Path(tmp) / "bench.db")
        await migrate(db)
        try:
            raw = await raw_write_seconds(db, 200 if quick else 2000)
            services, discord = Services.build(db, lambda: NOW), SlowDiscord()
            dispatcher = await with_dispatcher(services, discord)
            _, latencies, total, counts = await burst(services, discord, clicks, seats)
            await dispatcher.flush()  # the last edit, with the final counts
            dispatcher.stop()
            edits = discord.edits
        finally:
            await db.close()
    per_click = total / clicks
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    print(f"RSVP burst: {clicks} simultaneous Going clicks on {seats} seats ({'quick' if quick else 'full'} run)")
    print(f"  baseline  one committed SQLite write: {raw * 1e3:.3f} ms")
    print(f"  outcomes  {counts}  (exactly {seats} seats, the rest waitlisted in order, no duplicates)")
    print(
        f"  burst     {total:.2f} s in all, {clicks / total:,.0f} RSVPs/s; "
        f"{per_click * 1e3:.3f} ms per RSVP = {per_click / raw:.1f}× one raw write"
    )
    print(
        f"  latency   p50 {p50 * 1e3:.0f} ms, p99 {p99 * 1e3:.0f} ms, max {max(latencies) * 1e3:.0f} ms "
        f"(p99 = {p99 / DISCORD_ANSWER_LIMIT:.2f}× Discord's 3 s answer limit; buttons defer first anyway)"
    )
    print(f"  post      {clicks} changes at once → {edits} post edits by the outbox (edit round trip 50 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short run for CI")
    asyncio.run(main(parser.parse_args().quick))
