"""One process of the crash test: customers click Going, Can't go, Maybe, +1 and Claim on a few meals, as fast
as they can, while the real outbox dispatcher sends what that causes to a stand-in for Discord.

    python -m tests.reliability.crash_worker DATABASE_URL LOG_DIR OWNER SEED [SHARD_COUNT SHARD_ID]

With a shard (PostgreSQL runs), the process sends the outbox rows of its own shard's server only, and hears
the other processes' commits (LISTEN/NOTIFY) — as ``python -m bot run --shard-count N --shard-ids …`` does.
It still clicks on every server's meals: a click in a DM reaches shard 0 whatever the server.

It runs until it is killed (SIGKILL, by tests/reliability/crash.py). What it logs survives the kill: each
line is one ``write`` to a file opened for appending, which the kernel holds as soon as the call returns.

* ``ops-OWNER.log``: ``start <op> <meal> <user> <action>`` before a use case, ``ack <op> <meal> <user> <action>
  <status>`` once it returned (committed): the acknowledged writes the checks look for afterwards.
* ``discord.log``: ``<kind> <nonce> <user>`` for every message Discord "accepted" — before the dispatcher
  records it as sent, exactly the window in which a kill can make it send again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import sys
from pathlib import Path

from bot.config import Settings
from bot.delivery.dispatcher import Dispatcher
from bot.domain.clock import Clock, system_clock
from bot.domain.errors import UserFacingError
from bot.domain.meals import Meal, RsvpStatus
from bot.domain.outbox import FallbackNote, Via
from bot.domain.shards import ONE_PROCESS, Shards
from bot.runtime import open_store
from bot.services import OUTBOX_CHANNEL
from bot.services.delivery import DeliveryService, Doorbell
from bot.services.meals import MealService, MealState
from bot.ui.messages import DirectMessage
from storage.database import Store
from storage.guild_settings import GuildSettingsRepository
from storage.notes import FallbackNoteRepository
from storage.outbox import DmFailureRepository, OutboxRepository

LEASE = dt.timedelta(seconds=1)  # the real lease is 2 minutes; a dead worker's rows come back fast here
ACTIONS = ("going", "going", "going", "declined", "maybe", "guest", "claim")


class FlakyDiscord:
    """Accepts messages, posts and events, logging each; sometimes answers 503 like a real outage."""

    def __init__(self, log: Path, failure_rate: float, rng: random.Random) -> None:
        self._fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._failure_rate = failure_rate
        self._rng = rng

    def _maybe_fail(self) -> None:
        if self._rng.random() < self._failure_rate:
            raise TimeoutError("Discord did not answer in time (simulated)")

    def _log(self, line: str) -> None:
        os.write(self._fd, f"{line}\n".encode())

    async def dm(self, user_id: int, message: DirectMessage, *, nonce: str) -> None:
        self._maybe_fail()
        await asyncio.sleep(0)
        self._log(f"dm {nonce} {user_id}")

    async def post_note(self, note: FallbackNote, *, nonce: str) -> None:
        self._log(f"note {nonce} 0")

    async def sync_post(self, state: MealState, *, nonce: str) -> tuple[Via, tuple[int, int] | None]:
        self._maybe_fail()
        self._log(f"post {nonce} 0")
        return Via.POST, (10, 1000 + state.meal.id) if state.meal.message_id is None else None

    async def sync_event(self, meal: Meal) -> tuple[Via, int | None]:
        self._log(f"event lt-event-{meal.id} 0")
        return Via.EVENT, None if meal.event_id else 2000 + meal.id


def build(db: Store, clock: Clock, shards: Shards = ONE_PROCESS) -> tuple[MealService, DeliveryService, Doorbell]:
    doorbell = Doorbell()
    if not shards.everything:
        doorbell.subscribe(lambda: db.notify_soon(OUTBOX_CHANNEL))
    outbox = OutboxRepository(on_added=doorbell.ring)
    meals = MealService(db, GuildSettingsRepository(), outbox, clock)
    delivery = DeliveryService(
        db, outbox, FallbackNoteRepository(), DmFailureRepository(), clock, lease=LEASE, shards=shards
    )
    return meals, delivery, doorbell


async def open_url(url: str) -> Store:
    """The store at DATABASE_URL, as the bot opens it (migrated)."""
    return await open_store(Settings(database_url=url))


def guild_of_shard(shard: int, count: int) -> int:
    """A server id that Discord puts on ``shard`` of ``count``."""
    return ((count * 10 + shard) << 22) + 1


async def dispatcher_for(
    delivery: DeliveryService, doorbell: Doorbell, discord: FlakyDiscord, clock: Clock, owner: str
) -> Dispatcher:
    async def ready() -> None:
        return None

    dispatcher = Dispatcher(delivery, discord, discord, clock, ready=ready, owner=owner)  # type: ignore[arg-type]
    doorbell.subscribe(dispatcher.kick)
    dispatcher.start()
    await asyncio.sleep(0)
    return dispatcher


async def act(meals: MealService, guild: int, meal_id: int, user: int, action: str) -> str:
    """One click; returns the person's status afterwards (or why it was refused)."""
    try:
        if action == "going":
            result = await meals.going(guild, meal_id, user, "What I do")
        elif action in ("declined", "maybe"):
            result = await meals.not_going(guild, meal_id, user, RsvpStatus(action))
        elif action == "guest":
            result = await meals.toggle_guest(guild, meal_id, user)
        else:
            result = await meals.claim(guild, meal_id, user)
    except UserFacingError:
        return "refused"
    return result.rsvp.status.value if result.rsvp else "none"


async def run(url: str, log_dir: Path, owner: str, seed: int, shards: Shards) -> None:
    rng = random.Random(seed)
    db = await open_url(url)
    meals, delivery, doorbell = build(db, system_clock, shards)
    discord = FlakyDiscord(log_dir / "discord.log", failure_rate=0.03, rng=rng)
    dispatcher = await dispatcher_for(delivery, doorbell, discord, system_clock, owner)
    if not shards.everything:
        await db.listen(OUTBOX_CHANNEL, dispatcher.kick)
    ops = os.open(log_dir / f"ops-{owner}.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    guild_of = {
        int(meal): int(guild) for guild, meal in (x.split(":") for x in (log_dir / "meals").read_text().split())
    }
    meal_ids = sorted(guild_of)
    users = int((log_dir / "users").read_text())
    first_user = int(os.environ.get("LT_CRASH_USER_OFFSET", "0"))  # each worker clicks for its own people
    number = 0
    while True:
        number += 1
        op, meal_id, user = f"{owner}/{number}", rng.choice(meal_ids), first_user + rng.randrange(users)
        action = rng.choice(ACTIONS)
        os.write(ops, f"start {op} {meal_id} {user} {action}\n".encode())
        status = await act(meals, guild_of[meal_id], meal_id, user, action)
        os.write(ops, f"ack {op} {meal_id} {user} {action} {status}\n".encode())
        await asyncio.sleep(rng.uniform(0, 0.002))


if __name__ == "__main__":
    database, logs, who, seed_text, *shard = sys.argv[1:]
    chosen = Shards(int(shard[0]), (int(shard[1]),)) if shard else ONE_PROCESS
    asyncio.run(run(database, Path(logs), who, int(seed_text), chosen))
