"""RSVP bursts with several bot processes: PostgreSQL with 1, 2 and 4 processes against SQLite with one.

    python benchmarks/rsvp_processes.py              # 4,000 clicks on 8 meals per configuration (about a minute)
    python benchmarks/rsvp_processes.py --rtt-ms 1   # PostgreSQL on another machine: 1 ms there and back
    python benchmarks/rsvp_processes.py --quick      # 400 clicks, for CI

Each configuration is a fresh database (a new PostgreSQL schema, a new SQLite file) with a tour's 8 meals of
100 seats in 4 servers, one per shard, and the same clicks (each person "Going" on one of the 8 meals, drawn
with a fixed seed). N worker processes (``python benchmarks/rsvp_processes.py --worker``, each with its own
connections and the real MealService, as ``python -m bot run --shard-ids i`` would) wait for a common start
time, then fire their share of the clicks all at once. Two ways to share them:

* by shard: a click goes to the process serving its meal's server, as Discord routes a server's
  interactions to its shard;
* to any process (round robin): as clicks in DMs do (they all reach shard 0, whatever the server), so one
  meal's seats are decided by several processes at once — the hard case for exact seats.

Throughput: all clicks over the time from the start to the last commit. Afterwards every meal must hold
exactly its 100 seats, the rest waitlisted in click order.

PostgreSQL: LT_TEST_POSTGRES, or the local server (postgresql://postgres@127.0.0.1:5432/test). The baseline,
measured in the same run, is SQLite with one process; ratios are against it and against PostgreSQL with one.

On one machine the processes, the server and this script share its cores, so the processes can't do more
than the cores allow. ``--rtt-ms`` puts a relay in front of the server that holds every packet for half the
round trip each way — a database server on another machine of the network, as in production — so that the
time a process waits for its answers shows.
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
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import asyncpg  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.domain.clock import system_clock  # noqa: E402
from bot.domain.meals import MealPlace  # noqa: E402
from bot.domain.timeparse import LocalTime  # noqa: E402
from bot.runtime import open_store  # noqa: E402
from bot.services import Services  # noqa: E402
from storage.postgres.database import split_url  # noqa: E402
from tests.backends import postgres_base_url, postgres_problem, postgres_schema_sync  # noqa: E402

PLACE = MealPlace(6167865, "Toronto", "Toronto, Ontario, CA", "America/Toronto", 43.7, -79.4)
MEALS, SEATS, SERVERS = 8, 100, 4
START_DELAY = 2.0  # seconds after spawning: every worker has opened its store and waits


class Relay:
    """A TCP relay to PostgreSQL that delays each chunk by half the round trip in each direction, in a thread
    of its own (this script's main thread only waits for its workers)."""

    def __init__(self, host: str, port: int, rtt_ms: float) -> None:
        self._target, self._delay = (host, port), rtt_ms / 2000
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.port = 0
        threading.Thread(target=self._run, daemon=True).start()
        self._ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self._target)
        await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer), return_exceptions=True)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:  # in order, each chunk when its delay is over
            while True:
                due, chunk = await queue.get()
                await asyncio.sleep(max(0.0, due - self._loop.time()))
                if not chunk:
                    writer.close()
                    return
                writer.write(chunk)
                await writer.drain()

        sender = asyncio.create_task(deliver())
        while chunk := await reader.read(65536):
            queue.put_nowait((self._loop.time() + self._delay, chunk))
        queue.put_nowait((self._loop.time() + self._delay, b""))
        await sender

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        user = f"{parts.username}@" if parts.username else ""
        return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{self.port}"))


async def round_trip_ms(url: str) -> float:
    """The median time of ``SELECT 1`` on one connection: what a statement's round trip really costs."""
    connection = await asyncpg.connect(split_url(url)[0])
    times = []
    for _ in range(50):
        began = time.perf_counter()
        await connection.fetchval("SELECT 1")
        times.append(time.perf_counter() - began)
    await connection.close()
    return sorted(times)[len(times) // 2] * 1e3


def guild(server: int) -> int:
    return ((40 + server) << 22) + 1  # server i lives on shard i of 4


@dataclass
class Run:
    label: str
    processes: int
    by_shard: bool
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


async def worker(url: str, clicks: list[tuple[int, int, int]], start_at: float) -> dict[str, object]:
    db = await open_store(Settings(database_url=url))
    service = Services.build(db, system_clock).meals
    await asyncio.sleep(max(0.0, start_at - time.time()))
    began = time.time()
    latencies: list[float] = []

    async def click(user: int, server: int, meal_id: int) -> None:
        await service.going(server, meal_id, user, "I run a bakery")
        latencies.append(time.time() - began)

    await asyncio.gather(*(click(*one) for one in clicks))
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


def run(label: str, url: str, processes: int, clicks: int, folder: Path, *, by_shard: bool) -> Run:
    meals = asyncio.run(prepare(url))
    start_at = time.time() + START_DELAY + 0.5 * processes
    rng = random.Random(7)  # the same clicks in every configuration
    chosen = [(1_000 + n, *meals[rng.randrange(len(meals))]) for n in range(clicks)]
    servers = sorted({server for server, _ in meals})
    shares: list[list[tuple[int, int, int]]] = [[] for _ in range(processes)]
    for number, click in enumerate(chosen):
        shares[servers.index(click[1]) % processes if by_shard else number % processes].append(click)
    spawned = []
    for index, share in enumerate(shares):
        out = folder / f"{label}-{processes}-{index}-{by_shard}.json"
        spawned.append((out, subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, __file__, "--worker", url, json.dumps(share), str(start_at), str(out)], cwd=ROOT,
        )))  # fmt: skip
    for _, process in spawned:
        if process.wait() != 0:
            raise SystemExit(f"a worker of {label} failed")
    results = [json.loads(out.read_text()) for out, _ in spawned]
    began = min(r["began"] for r in results)
    seconds = max(r["finished"] for r in results) - began
    latencies = sorted(latency + r["began"] - began for r in results for latency in r["latencies"])
    return Run(
        label, processes, by_shard, clicks, seconds,
        latencies[len(latencies) // 2] * 1e3, latencies[int(len(latencies) * 0.99)] * 1e3,
        asyncio.run(seats_exact(url)),
    )  # fmt: skip


def main(quick: bool, rtt_ms: float) -> int:
    clicks = 400 if quick else 4_000
    runs: list[Run] = []
    problem = asyncio.run(postgres_problem())
    if problem is not None and os.environ.get("LT_REQUIRE_POSTGRES") != "1":
        print(f"RSVP bursts: no PostgreSQL at {postgres_base_url()} ({problem}); set LT_TEST_POSTGRES to measure")
        return 0
    with tempfile.TemporaryDirectory(prefix="lt-rsvp-processes-") as tmp:
        folder = Path(tmp)
        runs.append(run("SQLite", f"sqlite:///{folder / 'bench.db'}", 1, clicks, folder, by_shard=True))
        relay = None
        if rtt_ms:
            base = urlsplit(postgres_base_url())
            relay = Relay(base.hostname or "127.0.0.1", base.port or 5432, rtt_ms)
        for processes, by_shard in ((1, True), (2, True), (4, True), (2, False), (4, False)):
            with postgres_schema_sync() as url:
                target = relay.url(url) if relay else url
                rtt = asyncio.run(round_trip_ms(target))
                runs.append(run("PostgreSQL", target, processes, clicks, folder, by_shard=by_shard))
    sqlite, postgres_one = runs[0], runs[1]
    where = f"PostgreSQL behind a {rtt_ms:g} ms relay" if rtt_ms else "PostgreSQL on this machine"
    where += f", a statement's round trip {rtt:.2f} ms"
    print(f"RSVP bursts: {clicks:,} Going clicks on {MEALS} meals of {SEATS} seats in {SERVERS} servers "
          f"({'quick' if quick else 'full'} run, {os.cpu_count()} cores, {where})")  # fmt: skip
    for r in runs:
        routed = "by shard" if r.by_shard or r.processes == 1 else "to any  "
        print(
            f"  {r.label:<10} {r.processes} process{'es' if r.processes > 1 else '  '} {routed}"
            f"  {r.per_second:7,.0f} RSVPs/s "
            f"({r.seconds:5.2f} s)  = {r.per_second / sqlite.per_second:4.2f}× SQLite, "
            f"{r.per_second / postgres_one.per_second:4.2f}× PostgreSQL ×1; p50 {r.p50_ms:5.0f} ms, "
            f"p99 {r.p99_ms:5.0f} ms; seats {'exact' if r.exact else 'WRONG'}"
        )
    return 0 if all(r.exact for r in runs) else 1


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        url, clicks_json, start_text, out_path = sys.argv[2:6]
        given = [(int(user), int(server), int(meal)) for user, server, meal in json.loads(clicks_json)]
        result = asyncio.run(worker(url, given, float(start_text)))
        Path(out_path).write_text(json.dumps(result))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short run for CI")
    parser.add_argument(
        "--rtt-ms", type=float, default=0.0, help="PostgreSQL's round trip, as if on another machine (default: 0)"
    )
    arguments = parser.parse_args()
    sys.exit(main(arguments.quick, arguments.rtt_ms))
