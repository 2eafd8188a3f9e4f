"""Outbox rows across an upgrade, two processes and time: a reminder scheduled before the outbox existed is
still sent, a closed-DM note never records someone it will not mention, and pruning keeps what buttons need."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.outbox import KEEP_FINISHED, Kind, NewDelivery, Via
from bot.services.delivery import DeliveryService
from storage.database import Database
from storage.migrate import MIGRATIONS_DIR, migrate
from storage.notes import FallbackNoteRepository
from storage.outbox import DmFailureRepository, OutboxRepository

GUILD = 7
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
MEAL_ROW = (
    "INSERT INTO meals (id, guild_id, geonameid, city, city_label, timezone, latitude, longitude, slot, starts_at, "
    "ends_at, capacity, question, host_id, channel_id, created_at, updated_at) VALUES (1, ?, 1, 'T', 'T', 'UTC', 0, "
    "0, 'lunch', '2026-02-01T12:00:00.000000Z', '2026-02-01T13:00:00.000000Z', 10, 'q', 1, 55, "
    "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')"
)  # a lunch on 1 February, as storage writes it
INVITATION = "You're invited: **Lunch in T** …", ("going", "no", "ics")


class Clock:
    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def service(db: Database, clock: Clock) -> DeliveryService:
    return DeliveryService(db, OutboxRepository(), FallbackNoteRepository(), DmFailureRepository(), clock)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "lt.db")
    await migrate(database)
    async with database.transaction() as tx:
        await tx.execute(MEAL_ROW, (GUILD,))
    yield database
    await database.close()


async def test_a_reminder_scheduled_before_the_upgrade_to_the_outbox_is_still_sent(tmp_path: Path) -> None:
    before_outbox = tmp_path / "migrations-0001-0006"
    before_outbox.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql"))[:6]:
        shutil.copy(path, before_outbox / path.name)
    db = await Database.open(tmp_path / "lt.db")
    try:
        await migrate(db, before_outbox)  # the release before the outbox, with Ana going and her 24 h reminder due
        async with db.transaction() as tx:
            await tx.execute(MEAL_ROW, (GUILD,))
            await tx.execute(
                "INSERT INTO rsvps (meal_id, user_id, status, guests, seq, created_at, updated_at) "
                "VALUES (1, 42, 'going', 0, 1, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')"
            )
            await tx.execute(
                "INSERT INTO reminders (meal_id, user_id, offset_minutes, due_at, next_attempt_at) "
                "VALUES (1, 42, 1440, '2026-01-31T12:00:00.000000Z', '2026-01-31T12:00:00.000000Z')"
            )
        await migrate(db)  # the upgrade

        delivery = service(db, Clock(dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.UTC)))
        [row] = await delivery.claim("upgraded-bot", 10, dms=True)
        assert (row.kind, row.user_id) == (Kind.REMINDER, 42)
        outgoing = await delivery.prepare(row, "upgraded-bot")

        [after] = await delivery.for_meal(GUILD, 1, Kind.REMINDER)
        assert outgoing is not None, f"the reminder was dropped: {after.status.value} ({after.last_error})"
    finally:
        await db.close()


async def test_someone_whose_dm_fails_while_a_note_is_being_posted_gets_a_note_of_their_own(db: Database) -> None:
    other_process = await Database.open(db.path)
    clock = Clock()
    a, b = service(db, clock), service(other_process, clock)
    try:
        async with db.transaction() as tx:
            repo = OutboxRepository()
            await repo.add(tx, NewDelivery(Kind.INVITATION, GUILD, T0, meal_id=1, user_id=1), T0)
            # the second invitation met a 503 first and is due again a minute later
            await repo.add(tx, NewDelivery(Kind.INVITATION, GUILD, T0 + dt.timedelta(minutes=1), meal_id=1,
                                           user_id=2), T0)  # fmt: skip
        [dm1] = await a.claim("process-a", 10, dms=True)
        out1 = await a.prepare(dm1, "process-a")
        assert out1 is not None
        assert await a.fall_back(out1, "process-a", content=INVITATION[0], actions=INVITATION[1], error="50007",
                                 closed_dms=True)  # fmt: skip
        clock.now = T0 + dt.timedelta(seconds=30)
        [note_row] = await a.claim("process-a", 10, dms=True)  # process A posts the note for user 1…
        note_out = await a.prepare(note_row, "process-a")
        assert note_out is not None and note_out.note is not None and note_out.note.recipients == (1,)

        clock.now = T0 + dt.timedelta(minutes=1)  # …while process B finds user 2's DMs closed too
        [dm2] = await b.claim("process-b", 10, dms=True)
        out2 = await b.prepare(dm2, "process-b")
        assert out2 is not None
        await b.fall_back(out2, "process-b", content=INVITATION[0], actions=INVITATION[1], error="50007",
                          closed_dms=True)  # fmt: skip
        assert await a.delivered(note_row, "process-a", Via.CHANNEL)

        clock.now = T0 + dt.timedelta(minutes=2)
        [second_note] = await b.claim("process-b", 10, dms=True)
        second_out = await b.prepare(second_note, "process-b")
        assert second_out is not None and second_out.note is not None
        assert second_out.note.recipients == (2,)
    finally:
        await other_process.close()


async def test_old_deliveries_are_pruned_but_not_those_of_meals_still_to_come(db: Database) -> None:
    clock = Clock()
    delivery = service(db, clock)
    async with db.transaction() as tx:
        await tx.execute(  # meal 2: the same lunch, a week later
            "INSERT INTO meals (id, guild_id, geonameid, city, city_label, timezone, latitude, longitude, slot, "
            "starts_at, ends_at, capacity, question, host_id, channel_id, created_at, updated_at) "
            "SELECT 2, guild_id, geonameid, city, city_label, timezone, latitude, longitude, slot, "
            "'2026-02-08T12:00:00.000000Z', '2026-02-08T13:00:00.000000Z', capacity, question, host_id, channel_id, "
            "created_at, updated_at FROM meals WHERE id = 1"
        )
        repo = OutboxRepository()
        await repo.add(tx, NewDelivery(Kind.INVITATION, GUILD, T0, meal_id=1, user_id=1), T0)
        await repo.add(tx, NewDelivery(Kind.INVITATION, GUILD, T0, meal_id=2, user_id=2), T0)
        await tx.execute(
            "UPDATE meals SET starts_at = '2026-06-20T12:00:00.000000Z', ends_at = '2026-06-20T13:00:00.000000Z' "
            "WHERE id = 1"
        )  # meal 1 moved to June
    for row in await delivery.claim("bot", 10, dms=True):
        assert await delivery.delivered(row, "bot", Via.DM)

    clock.now = T0 + KEEP_FINISHED + dt.timedelta(days=1)  # 91 days on: meal 2 is long over, meal 1 to come
    assert await delivery.prune() == 1
    assert await delivery.for_meal(GUILD, 2, Kind.INVITATION) == []
    assert [row.user_id for row in await delivery.for_meal(GUILD, 1, Kind.INVITATION)] == [1]

    clock.now = dt.datetime(2026, 6, 21, tzinfo=dt.UTC)  # the meal is over
    assert await delivery.prune() == 1
    assert await delivery.for_meal(GUILD, 1, Kind.INVITATION) == []
