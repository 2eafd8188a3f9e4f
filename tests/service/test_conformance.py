"""The store contract on both backends: the same migrations and schema, exact seats when two processes take
RSVPs for one meal at once, outbox rows claimed by the process serving their server's shard, and insight
search with the same meaning (ranked, highlighted, filtered, counted)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random

import pytest

from bot.config import Settings
from bot.domain.clock import system_clock
from bot.domain.errors import UserFacingError
from bot.domain.insights import InsightKind, NewInsight, SearchQuery
from bot.domain.meals import MealPlace, RsvpStatus
from bot.domain.outbox import Kind, NewDelivery
from bot.domain.shards import Shards
from bot.domain.timeparse import LocalTime
from bot.runtime import open_store
from bot.services import Services
from storage.database import Database, Store
from storage.migrate import MIGRATIONS_DIR, POSTGRES_MIGRATIONS_DIR, load_migrations, migrate, schema_version
from storage.outbox import OutboxRepository
from storage.postgres.database import PostgresDatabase

pytestmark = pytest.mark.backends("sqlite", "postgresql")

GUILD = 1 << 22  # on shard 1 of 2 ((guild_id >> 22) % 2)
OTHER_GUILD = 2 << 22  # on shard 0 of 2
TORONTO = MealPlace(6167865, "Toronto", "Toronto, Ontario, CA", "America/Toronto", 43.7, -79.4)


async def columns(db: Store) -> dict[str, set[str]]:
    async with db.read() as tx:
        if db.dialect.name == "postgresql":
            rows = await tx.fetch_all(
                "SELECT table_name AS t, column_name AS c FROM information_schema.columns"
                " WHERE table_schema = current_schema()"
            )
            return _grouped((row["t"], row["c"]) for row in rows)
        tables = await tx.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
        pairs = []
        for table in tables:
            if table["name"].startswith(("insights_fts", "sqlite_")):
                continue  # FTS5's own tables: PostgreSQL keeps its index in a column instead
            pairs += [(table["name"], c["name"]) for c in await tx.fetch_all(f"PRAGMA table_info({table['name']})")]
        return _grouped(pairs)


def _grouped(pairs: object) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for table, column in pairs:  # type: ignore[attr-defined]
        found.setdefault(table, set()).add(column)
    return found


def test_both_stores_have_the_same_migrations() -> None:
    sqlite, postgres = load_migrations(MIGRATIONS_DIR), load_migrations(POSTGRES_MIGRATIONS_DIR)
    assert [(m.version, m.name) for m in postgres] == [(m.version, m.name) for m in sqlite]


async def test_the_schema_is_the_same_on_both_stores(store: Store, tmp_path: object) -> None:
    found = await columns(store)
    sqlite = await _sqlite_reference(tmp_path)
    reference = await columns(sqlite)
    await sqlite.close()
    if store.dialect.name == "postgresql":
        assert found.pop("insights") - reference["insights"] == {"search_vector"}  # the text search index
        reference.pop("insights")
    assert found == reference


async def _sqlite_reference(folder: object) -> Store:
    from pathlib import Path

    return await open_store(Settings(database_url=f"sqlite:///{Path(str(folder)) / 'reference.db'}"))


async def test_processes_starting_at_once_on_a_new_database_migrate_it_once(settings: Settings) -> None:
    async def unmigrated() -> Store:
        if settings.uses_postgres:
            return await PostgresDatabase.open(settings.database_url)
        return await Database.open(settings.database_path())

    first, second = await unmigrated(), await unmigrated()
    try:
        applied = await asyncio.gather(migrate(first), migrate(second))
        version = await schema_version(first)
    finally:
        await first.close()
        await second.close()
    latest = len(load_migrations())
    assert sorted(applied[0] + applied[1]) == list(range(1, latest + 1))  # each applied once, by one of them
    assert version == latest


async def test_processes_taking_rsvps_for_one_meal_at_once_never_give_away_more_seats(settings: Settings) -> None:
    stores = [await open_store(settings) for _ in range(4)]
    first = stores[0]
    try:
        processes = [Services.build(db, system_clock).meals for db in stores]
        start = system_clock().replace(microsecond=0) + dt.timedelta(days=30)
        meal = await processes[0].create(
            GUILD, host_id=1, place=TORONTO, start=LocalTime(start, TORONTO.timezone),
            duration=dt.timedelta(minutes=90), channel_id=10, capacity=10,
        )  # fmt: skip
        rng = random.Random(3)

        async def click(user: int) -> None:
            meals = processes[user % len(processes)]
            await meals.going(GUILD, meal.id, user, "I sell bread")
            with contextlib.suppress(UserFacingError):  # no seat left for a guest: refused, as a person is told
                if rng.random() < 0.3:
                    await meals.toggle_guest(GUILD, meal.id, user)
            if rng.random() < 0.2:
                await meals.not_going(GUILD, meal.id, user, RsvpStatus.DECLINED)

        await asyncio.gather(*(click(user) for user in range(100, 200)))
        await processes[1].settle_waitlists()

        async with first.read() as tx:
            rows = await tx.fetch_all("SELECT status, guests, seq FROM rsvps WHERE meal_id = ?", (meal.id,))
    finally:
        for db in stores:
            await db.close()
    seated = sum(1 + r["guests"] for r in rows if r["status"] in ("going", "offered"))
    waiting = sorted(r["seq"] for r in rows if r["status"] == "waitlisted")
    offered = [r["seq"] for r in rows if r["status"] == "offered"]
    assert len(rows) == 100
    assert seated <= 10
    assert waiting, "more people than seats: some must wait"
    assert not offered or max(offered) < min(waiting)  # nobody offered a seat ahead of someone still waiting
    assert seated >= 9  # a seat stays free only if the next party (with a guest) needs two


async def test_a_process_claims_only_the_outbox_rows_of_its_own_shards(settings: Settings) -> None:
    db = await open_store(settings)
    try:
        now = system_clock().replace(microsecond=0)
        earlier = now - dt.timedelta(hours=1)
        for shard, guild, due in ((1, GUILD, now), (0, OTHER_GUILD, earlier)):
            services = Services.build(db, system_clock, Shards(2, (shard,)))
            async with db.transaction() as tx:
                await services.delivery._outbox.add(tx, NewDelivery(Kind.CHECKIN, guild, due, user_id=5), now)
        shard_one = Services.build(db, system_clock, Shards(2, (1,))).delivery
        everything = Services.build(db, system_clock).delivery
        assert await everything.next_due() == earlier
        assert await shard_one.next_due() == now  # it doesn't wake for another shard's row
        claimed = await shard_one.claim("shard-1", 10, dms=True)
        rest = await everything.claim("all", 10, dms=True)
    finally:
        await db.close()
    assert [row.guild_id for row in claimed] == [GUILD]
    assert [row.guild_id for row in rest] == [OTHER_GUILD]


async def test_a_server_belongs_to_discords_shard_for_its_id(settings: Settings) -> None:
    guild = 81384788765712384  # (id >> 22) % 4 == 2: Discord sends its events to shard 2 of 4
    db = await open_store(settings)
    try:
        now = system_clock()
        async with db.transaction() as tx:
            await OutboxRepository().add(tx, NewDelivery(Kind.CHECKIN, guild, now, user_id=5), now)
        others = await Services.build(db, system_clock, Shards(4, (0, 1, 3))).delivery.claim("0,1,3", 10, dms=True)
        mine = await Services.build(db, system_clock, Shards(4, (0, 2))).delivery.claim("0,2", 10, dms=True)
    finally:
        await db.close()
    assert others == []
    assert [row.guild_id for row in mine] == [guild]


async def test_insight_search_means_the_same_on_both_stores(store: Store) -> None:
    insights = Services.build(store, system_clock).insights
    repository = insights._insights  # the store's own (FTS5 or PostgreSQL's)
    now = system_clock()
    texts = [
        ("The onboarding emails confused our new bookkeepers", InsightKind.PAIN_POINT, ("email",)),
        ("Loved the lunch in Austin", InsightKind.PRAISE, ("onboarding",)),  # the word only in its tags
        ("Invoices crash when a client has two addresses", InsightKind.PAIN_POINT, ("invoicing",)),
        ("Please add an onboarding checklist for accountants", InsightKind.FEATURE_REQUEST, ()),
    ]
    async with store.transaction() as tx:
        for number, (text, kind, tags) in enumerate(texts):
            new = NewInsight.create(guild_id=GUILD, text=text, kind=kind, tags=tags, logged_by=9)
            await repository.add(tx, new, now + dt.timedelta(minutes=number))
        await repository.add(
            tx, NewInsight.create(guild_id=OTHER_GUILD, text="onboarding", kind="other", logged_by=9), now
        )

    async with store.read() as tx:
        words = await repository.search(tx, GUILD, SearchQuery.create(text="onboarding"))
        crash = await repository.search(tx, GUILD, SearchQuery.create(text="crashes"))
        prefix = await repository.search(tx, GUILD, SearchQuery.create(text="invoic*"))
        phrase = await repository.search(tx, GUILD, SearchQuery.create(text='"onboarding checklist"'))
        either = await repository.search(tx, GUILD, SearchQuery.create(text="austin OR addresses"))
        kind = await repository.search(
            tx, GUILD, SearchQuery.create(text="onboarding", kind=InsightKind.FEATURE_REQUEST)
        )
        paged = await repository.search(tx, GUILD, SearchQuery.create(text="onboarding", page=2, page_size=2))
        newest = await repository.search(tx, GUILD, SearchQuery.create())
        exported = await repository.export_rows(tx, GUILD, SearchQuery.create(text="onboarding"))

    assert words.total == 3  # the other server's insight is never found
    ranked = [hit.insight.text for hit in words.hits]
    assert ranked[-1] == "Loved the lunch in Austin"  # a word in the tags counts less than one in the text
    assert ranked[0] == "Please add an onboarding checklist for accountants"  # equal rank: the newer first
    assert "**onboarding**" in words.hits[0].snippet  # highlighted
    assert [hit.insight.text for hit in crash.hits] == ["Invoices crash when a client has two addresses"]  # stems
    assert prefix.total == 1 and phrase.total == 1 and either.total == 2
    assert [hit.insight.kind for hit in kind.hits] == [InsightKind.FEATURE_REQUEST]
    assert (paged.total, paged.pages, len(paged.hits)) == (3, 2, 1)
    assert newest.hits[0].insight.text == "Please add an onboarding checklist for accountants"
    assert [insight.text for insight in exported] == [
        "The onboarding emails confused our new bookkeepers",
        "Loved the lunch in Austin",
        "Please add an onboarding checklist for accountants",
    ]
