"""The crash test: worker processes click RSVP buttons on one database while the outbox sends what that causes,
and are killed with SIGKILL at random moments, then restarted. Afterwards a clean process sends whatever is
still due, and the checks below must hold.

    .venv/bin/python -m tests.reliability.crash --kills 200      # the long run (docs/reliability.md)
    .venv/bin/python -m tests.reliability.crash --kills 8        # what CI runs (tests/reliability/test_crash.py)
    .venv/bin/python -m tests.reliability.crash --kills 50 --postgresql   # shards over PostgreSQL

On SQLite the workers share one server and both send its outbox. With --postgresql each worker is a shard
(its own --shard-ids, its own connections) with a server of its own whose outbox it sends, and every worker
clicks on every server's meals, so the seats of one meal are decided by several processes at once.

The checks: PRAGMA integrity_check is ok (SQLite); no meal is over capacity; the waitlist order holds (nobody offered a
seat behind someone still waiting); every acknowledged write is there (a person's last answer the worker saw
committed is what the database holds, allowing only what the rules do by themselves: waiting → offered →
lapsed); once settled, no seat is free while someone waits; no delivery is lost (every row due is finished,
and every row recorded as sent reached "Discord"); re-sends happen only in the window between Discord's
answer and our commit, so there are never more of them than kills.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain.clock import system_clock
from bot.domain.meals import MealPlace
from bot.domain.outbox import Status
from bot.domain.timeparse import LocalTime
from storage.database import Row
from tests.backends import postgres_schema_sync
from tests.reliability.crash_worker import FlakyDiscord, build, dispatcher_for, guild_of_shard, open_url

ROOT = Path(__file__).resolve().parents[2]
TORONTO = MealPlace(6167865, "Toronto", "Toronto, Ontario, CA", "America/Toronto", 43.7, -79.4)
MEALS, CAPACITY, USERS_PER_WORKER = 4, 6, 25
LATER = {  # what the rules may do to an answer without the person: promotion, then a lapsed offer
    "going": {"going"},
    "waitlisted": {"waitlisted", "offered", "expired"},
    "offered": {"offered", "expired"},
    "maybe": {"maybe"},
    "declined": {"declined"},
}


@dataclass
class Report:
    kills: int = 0
    workers: int = 0
    backend: str = "SQLite"
    seconds: float = 0.0
    ops_started: int = 0
    ops_acked: int = 0
    answers_checked: int = 0
    rsvps: int = 0
    outbox_rows: int = 0
    sent: int = 0
    resends: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"crash test on {self.backend}: {self.workers} worker processes, {self.kills} SIGKILLs in "
            f"{self.seconds:.0f} s",
            f"  clicks    {self.ops_started:,} started, {self.ops_acked:,} acknowledged; "
            f"{self.answers_checked:,} last answers checked against the database",
            f"  database  {self.rsvps:,} RSVPs, {self.outbox_rows:,} outbox rows; intact, "
            "no meal over capacity, waitlist order kept, no free seat while someone waits",
            f"  delivery  {self.sent:,} messages, posts and notes sent; none lost; {self.resends} sent again "
            f"after a kill between Discord's answer and the commit (≤ {self.kills} kills)",
            "  result    " + ("all checks hold" if not self.problems else f"{len(self.problems)} PROBLEMS"),
            *(f"    - {problem}" for problem in self.problems[:20]),
        ]


async def prepare(url: str, logs: Path, guilds: list[int]) -> None:
    db = await open_url(url)
    try:
        meals, _, _ = build(db, system_clock)
        start = system_clock().replace(microsecond=0) + dt.timedelta(days=30)
        ids = []
        for number in range(MEALS):
            guild = guilds[number % len(guilds)]
            meal = await meals.create(
                guild, host_id=1, place=TORONTO, start=LocalTime(start + dt.timedelta(days=number), TORONTO.timezone),
                duration=dt.timedelta(minutes=90), channel_id=10, capacity=CAPACITY,
            )  # fmt: skip
            ids.append(f"{guild}:{meal.id}")
    finally:
        await db.close()
    (logs / "meals").write_text(" ".join(ids))
    (logs / "users").write_text(str(USERS_PER_WORKER))


def spawn(url: str, logs: Path, index: int, generation: int, seed: int, shards: int) -> subprocess.Popen[bytes]:
    owner = f"w{index}g{generation:04d}"
    shard = [str(shards), str(index)] if shards > 1 else []
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.crash_worker", url, str(logs), owner, str(seed), *shard],
        cwd=ROOT,
        env={**os.environ, "LT_CRASH_USER_OFFSET": str(index * USERS_PER_WORKER)},
    )


def crash(url: str, logs: Path, kills: int, workers: int, rng: random.Random, shards: int) -> int:
    """Run the workers, killing one at a random moment until ``kills`` kills; then kill them all."""
    generation = 0
    running = []
    for index in range(workers):
        running.append(spawn(url, logs, index, generation, rng.randrange(2**31), shards))
    done = 0
    while done < kills:
        time.sleep(rng.uniform(0.5, 1.5))  # a worker starts in ~0.5 s, then clicks away
        index = rng.randrange(workers)
        running[index].send_signal(signal.SIGKILL)
        running[index].wait()
        done += 1
        generation += 1
        running[index] = spawn(url, logs, index, generation, rng.randrange(2**31), shards)
    time.sleep(1.0)
    for process in running:
        process.send_signal(signal.SIGKILL)
        process.wait()
    return done


class StepClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


async def settle(url: str, logs: Path) -> None:
    """A clean process, an hour later (every lease has run out): send what is due, and offer free seats."""
    db = await open_url(url)
    clock = StepClock(system_clock() + dt.timedelta(hours=1))
    try:
        meals, delivery, doorbell = build(db, clock)
        discord = FlakyDiscord(logs / "discord.log", failure_rate=0.0, rng=random.Random(0))
        dispatcher = await dispatcher_for(delivery, doorbell, discord, clock, "settler")
        await meals.settle_waitlists()
        for _ in range(10_000):
            await dispatcher.flush()
            due = await delivery.next_due()
            if due is None or due > clock.now:
                break
            clock.now += dt.timedelta(seconds=1)  # the DM pace refills
        dispatcher.stop()
    finally:
        await db.close()
    (logs / "settled_at").write_text(clock.now.isoformat())


async def check(url: str, logs: Path, report: Report) -> None:
    settled_at = dt.datetime.fromisoformat((logs / "settled_at").read_text())
    db = await open_url(url)
    try:
        async with db.read() as tx:
            sqlite = db.dialect.name == "sqlite"
            [integrity] = await tx.fetch_all("PRAGMA integrity_check") if sqlite else [("ok",)]
            meals = await tx.fetch_all("SELECT id, capacity FROM meals")
            rsvps = await tx.fetch_all("SELECT meal_id, user_id, status, guests, seq FROM rsvps")
            rows = await tx.fetch_all("SELECT id, kind, status, due_at, delivered_via FROM outbox")
    finally:
        await db.close()
    problems = report.problems
    if not rsvps or not rows:
        problems.append("the workers did nothing: no RSVPs or no outbox rows")
    if integrity[0] != "ok":
        problems.append(f"integrity_check: {integrity[0]}")
    report.rsvps, report.outbox_rows = len(rsvps), len(rows)
    by_meal: dict[int, list[tuple[str, int, int]]] = {meal["id"]: [] for meal in meals}
    for r in rsvps:
        by_meal[r["meal_id"]].append((r["status"], r["guests"], r["seq"]))
    for meal in meals:
        answers = by_meal[meal["id"]]
        seated = sum(1 + guests for status, guests, _ in answers if status in ("going", "offered"))
        if seated > meal["capacity"]:
            problems.append(f"meal {meal['id']}: {seated} seats taken of {meal['capacity']}")
        offered = [seq for status, _, seq in answers if status == "offered"]
        waiting = [(seq, guests) for status, guests, seq in answers if status == "waitlisted"]
        if offered and waiting and max(offered) > min(seq for seq, _ in waiting):
            problems.append(f"meal {meal['id']}: someone was offered a seat ahead of a person still waiting")
        if waiting and seated < meal["capacity"]:
            head_party = 1 + min(waiting)[1]
            if head_party <= meal["capacity"] - seated:
                problems.append(f"meal {meal['id']}: a seat is free while someone waits, after settling")
    check_answers(logs, {(r["meal_id"], r["user_id"]): r["status"] for r in rsvps}, report)
    check_deliveries(logs, rows, settled_at, report)


def check_answers(logs: Path, stored: dict[tuple[int, int], str], report: Report) -> None:
    """Every acknowledged answer is in the database, as the person last left it (modulo promotions)."""
    expected: dict[tuple[int, int], str | None] = {}
    by_worker: dict[str, list[Path]] = {}
    for path in logs.glob("ops-*.log"):
        by_worker.setdefault(path.name.split("g")[0], []).append(path)  # ops-w0g0007.log → ops-w0
    for paths in by_worker.values():  # one worker's people, their clicks in order across its restarts
        for path in sorted(paths):
            lines = path.read_text().splitlines()
            acked = {line.split()[1] for line in lines if line.startswith("ack ")}
            for line in lines:
                if len(line.split()) < 5:
                    # Torn by the kill. A torn start: the click had not begun. A torn ack: its start has no
                    # ack, so the click's outcome counts as unknown. Either way nothing is claimed of it.
                    continue
                word, op, meal, user, _action, *status = line.split()
                key = (int(meal), int(user))
                if word == "start":
                    report.ops_started += 1
                    if op not in acked:
                        expected[key] = None  # killed during this click: its outcome is unknown either way
                    continue
                report.ops_acked += 1
                if status[0] != "refused":
                    expected[key] = status[0]
    for key, status in expected.items():
        if status is None:
            continue
        report.answers_checked += 1
        now = stored.get(key)
        if now is None:
            report.problems.append(f"meal {key[0]}, person {key[1]}: acknowledged {status}, nothing stored")
        elif now not in LATER.get(status, {status}):
            report.problems.append(f"meal {key[0]}, person {key[1]}: acknowledged {status}, stored {now}")


def check_deliveries(logs: Path, rows: list[Row], settled_at: dt.datetime, report: Report) -> None:
    """Nothing due is left unsent, everything recorded as sent reached Discord, and re-sends stay in the window."""
    sends = Counter(line.split()[1] for line in (logs / "discord.log").read_text().splitlines() if line)
    rows_sent = {nonce: n for nonce, n in sends.items() if not nonce.startswith("lt-event")}  # events: no nonce
    report.sent = sum(rows_sent.values())
    report.resends = sum(n - 1 for n in rows_sent.values())
    for row in rows:
        due = dt.datetime.fromisoformat(row["due_at"].replace("Z", "+00:00"))
        status, what = Status(row["status"]), f"outbox row {row['id']} ({row['kind']})"
        if due <= settled_at and not status.finished:
            report.problems.append(f"{what} was due and is still {status.value}")
        if status is Status.SENT and row["delivered_via"] in ("dm", "post", "channel") and not sends[f"lt{row['id']}"]:
            report.problems.append(f"{what} is marked sent but never reached Discord")
    if report.resends > report.kills:
        report.problems.append(f"{report.resends} re-sends for {report.kills} kills")


def run_crash_test(
    kills: int, workers: int = 2, seed: int = 1, workdir: Path | None = None, database_url: str | None = None
) -> Report:
    """On SQLite in the work folder, or on ``database_url`` (PostgreSQL: one shard per worker)."""
    rng = random.Random(seed)
    report = Report(workers=workers)
    with tempfile.TemporaryDirectory(prefix="lt-crash-") as tmp:
        base = workdir or Path(tmp)
        url, logs = database_url or f"sqlite:///{base / 'crash.db'}", base / "logs"
        shards = workers if database_url else 1
        report.backend = "PostgreSQL" if database_url else "SQLite"
        logs.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        asyncio.run(prepare(url, logs, [guild_of_shard(shard, shards) for shard in range(shards)]))
        report.kills = crash(url, logs, kills, workers, rng, shards)
        report.seconds = time.perf_counter() - began
        asyncio.run(settle(url, logs))
        asyncio.run(check(url, logs, report))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgresql", action="store_true", help="on PostgreSQL (LT_TEST_POSTGRES, or the local server), shards"
    )
    args = parser.parse_args(argv)
    if args.postgresql:
        with postgres_schema_sync() as url:
            report = run_crash_test(args.kills, args.workers, args.seed, database_url=url)
    else:
        report = run_crash_test(args.kills, args.workers, args.seed)
    print("\n".join(report.lines()))
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
