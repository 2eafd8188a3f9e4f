"""RSVP bursts with several bot processes: PostgreSQL with 1, 2 and 4 processes against SQLite with one.

    python benchmarks/rsvp_processes.py            # 4,000 clicks on 8 meals per configuration (about a minute)
    python benchmarks/rsvp_processes.py --quick    # 400 clicks, for CI

Each configuration is a fresh database (a new PostgreSQL schema, a new SQLite file) with a tour's 8 meals of
100 seats in 4 servers, one per shard. N worker processes (``python benchmarks/rsvp_processes.py --worker``,
each with its own connections and the real MealService, as ``python -m bot run --shard-ids i`` would) wait
for a common start time, then fire their share of the clicks all at once: every person clicks "Going" on
one of the 8 meals, whatever the server (a click in a DM reaches shard 0 for any server), so one meal's
seats are decided by several processes at once. Throughput: all clicks over the time from the start to
the last commit. Afterwards every meal must hold exactly its 100 seats, the rest waitlisted in click order.

PostgreSQL: LT_TEST_POSTGRES, or the local server (postgresql://postgres@127.0.0.1:5432/test). The baseline,
measured in the same run, is SQLite with one process; ratios are against it and against PostgreSQL with one.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from bot.config import Settings  # noqa: E402
from bot.domain.clock import system_clock  # noqa: E402
from bot.domain.meals import MealPlace  # noqa: E402
from bot.domain.timeparse import LocalTime  # noqa: E402
from bot.runtime import open_store  # noqa: E402
from bot.services import Services  # noqa: E402
from tests.backends import postgres_base_url, postgres_problem, postgres_schema_sync  # noqa: E402

PLACE = MealPlace(6167865, "Toronto", "Toronto, Ontario, CA", "America/Toronto", 43.7, -79.4)
MEALS, SEATS, SERVERS = 8, 100, 4
START_DELAY = 2.0  # seconds after spawning: every worker has opened its store and waits


def guild(server: int) -> int:
    return ((40 + server) << 22) + 1  # server i lives on shard i of 4


@dataclass
class Run:
    label: str
    processes: int
    clicks: int
    seconds: float
    p50_ms: float
    p99_ms: float
    exact: bool

    @property
    def per_second(self) -> float:
        return self.clicks / self.seconds


async def prepare(url: str) -> list[tuple[int, int]]:
    db = await open_store(Settings(database_url=url))
    try:
        meals = Services.build(db, system_clock).meals
        start = system_clock().replace(microsecond=0) + dt.timedelta(days=30)
        made = []
        for number in range(MEALS):
            server = guild(number % SERVERS)
            meal = await meals.create(
                server, host_id=1, place=PLACE, start=LocalTime(start + dt.timedelta(hours=number), PLACE.timezone),
                duration=dt.timedelta(minutes=90), channel_id=10, capacity=SEATS,
            )  # fmt: skip
            made.append((server, meal.id))
        return made
    finally:
        await db.close()


async def worker(url: str, meals: list[tuple[int, int]], users: list[int], start_at: float) -> dict[str, object]:
    db = await open_store(Settings(database_url=url))
    service = Services.build(db, system_clock).meals
    rng = random.Random(users[0])
    choices = [rng.choice(meals) for _ in users]
    await asyncio.sleep(max(0.0, start_at - time.time()))
    began = time.time()
    latencies: list[float] = []

    async def click(user: int, server: int, meal_id: int) -> None:
        await service.going(server, meal_id, user, "I run a bakery")
        latencies.append(time.time() - began)

    await asyncio.gather(*(click(user, *choice) for user, choice in zip(users, choices, strict=True)))
    finished = time.time()
    await db.close()
    return {"began": began, "finished": finished, "latencies": latencies}


async def seats_exact(url: str) -> bool:
    db = await open_store(Settings(database_url=url))
    try:
        async with db.read() as tx:
            rows = await tx.fetch_all("SELECT meal_id, status, guests, seq FROM rsvps ORDER BY meal_id, seq")
    finally:
        await db.close()
    by_meal: dict[int, list[tuple[str, int]]] = {}
    for row in rows:
        by_meal.setdefault(row["meal_id"], []).append((row["status"], row["seq"]))
    for answers in by_meal.values():
        going = [seq for status, seq in answers if status == "going"]
        waiting = [seq for status, seq in answers if status == "waitlisted"]
        if len(going) > SEATS or (waiting and len(going) < SEATS) or (waiting and max(going) > min(waiting)):
            return False
    return len(rows) > 0


def run(label: str, url: str, processes: int, clicks: int, folder: Path) -> Run:
    meals = asyncio.run(prepare(url))
    start_at = time.time() + START_DELAY + 0.5 * processes
    users = list(range(1_000, 1_000 + clicks))
    spawned = []
    for index in range(processes):
        out = folder / f"{label}-{processes}-{index}.json"
        mine = users[index::processes]
        spawned.append((out, subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, __file__, "--worker", url, json.dumps(meals), json.dumps(mine), str(start_at), str(out)],
            cwd=ROOT,
        )))  # fmt: skip
    for _, process in spawned:
        if process.wait() != 0:
            raise SystemExit(f"a worker of {label} failed")
    results = [json.loads(out.read_text()) for out, _ in spawned]
    began = min(r["began"] for r in results)
    seconds = max(r["finished"] for r in results) - began
    latencies = sorted(latency + r["began"] - began for r in results for latency in r["latencies"])
    return Run(
        label, processes, clicks, seconds,
        latencies[len(latencies) // 2] * 1e3, latencies[int(len(latencies) * 0.99)] * 1e3,
        asyncio.run(seats_exact(url)),
    )  # fmt: skip


def main(quick: bool) -> int:
    clicks = 400 if quick else 4_000
    runs: list[Run] = []
    problem = asyncio.run(postgres_problem())
    if problem is not None and os.environ.get("LT_REQUIRE_POSTGRES") != "1":
        print(f"RSVP bursts: no PostgreSQL at {postgres_base_url()} ({problem}); set LT_TEST_POSTGRES to measure")
        return 0
    with tempfile.TemporaryDirectory(prefix="lt-rsvp-processes-") as tmp:
        folder = Path(tmp)
        runs.append(run("SQLite", f"sqlite:///{folder / 'bench.db'}", 1, clicks, folder))
        for processes in (1, 2, 4):
            with postgres_schema_sync() as url:
                runs.append(run("PostgreSQL", url, processes, clicks, folder))
    sqlite, postgres_one = runs[0], runs[1]
    print(f"RSVP bursts: {clicks:,} Going clicks on {MEALS} meals of {SEATS} seats in {SERVERS} servers "
          f"({'quick' if quick else 'full'} run, {os.cpu_count()} cores)")  # fmt: skip
    for r in runs:
        print(
            f"  {r.label:<10} {r.processes} process{'es' if r.processes > 1 else '  '}  {r.per_second:7,.0f} RSVPs/s "
            f"({r.seconds:5.2f} s)  = {r.per_second / sqlite.per_second:4.2f}× SQLite, "
            f"{r.per_second / postgres_one.per_second:4.2f}× PostgreSQL ×1; p50 {r.p50_ms:5.0f} ms, "
            f"p99 {r.p99_ms:5.0f} ms; seats {'exact' if r.exact else 'WRONG'}"
        )
    return 0 if all(r.exact for r in runs) else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        url, meals_json, users_json, start_text, out_path = sys.argv[2:7]
        meals = [(int(a), int(b)) for a, b in json.loads(meals_json)]
        result = asyncio.run(worker(url, meals, json.loads(users_json), float(start_text)))
        Path(out_path).write_text(json.dumps(result))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short run for CI")
    sys.exit(main(parser.parse_args().quick))
