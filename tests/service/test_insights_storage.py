"""Insights on a real SQLite file: the migration, full-text search, filters, pages, reports and privacy."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.insights import (
    InsightKind,
    InsightSource,
    InsightStatus,
    NewInsight,
    SearchPage,
    SearchQuery,
    TagUse,
)
from storage.database import Database, Transaction
from storage.insights import InsightRepository
from storage.migrate import MIGRATIONS_DIR, load_migrations, migrate, schema_version

GUILD, OTHER_GUILD = 1, 2
MANAGER = 900
ANA, BEN = 10, 11
TORONTO, AUSTIN, DETROIT = 6167865, 4671654, 4990729
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
insights = InsightRepository()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "store.db")
    await migrate(database)
    yield database
    await database.close()


async def log(
    db: Database,
    text: str,
    kind: InsightKind | str = InsightKind.OTHER,
    *,
    at: dt.datetime = NOW,
    guild_id: int = GUILD,
    **fields: object,
) -> int:
    new = NewInsight.create(guild_id=guild_id, text=text, kind=kind, logged_by=MANAGER, **fields)  # type: ignore[arg-type]
    async with db.transaction() as tx:
        return await insights.add(tx, new, at)


async def search(db: Database, *, guild_id: int = GUILD, **query: object) -> SearchPage:
    async with db.read() as tx:
        return await insights.search(tx, guild_id, SearchQuery.create(**query))  # type: ignore[arg-type]


async def fts_is_in_sync(tx: Transaction) -> None:
    # FTS5 compares its index with the content table; raises "database disk image is malformed" if not.
    await tx.execute("INSERT INTO insights_fts (insights_fts, rank) VALUES ('integrity-check', 1)")


async def add_meal(db: Database, guild_id: int, geonameid: int, tour_id: int | None) -> int:
    async with db.transaction() as tx:
        return await tx.insert(
            "INSERT INTO meals (guild_id, tour_id, geonameid, city, city_label, timezone, latitude, longitude, slot,"
            " starts_at, ends_at, capacity, question, host_id, created_at, updated_at) VALUES (?, ?, ?, 'Austin',"
            " 'Austin, TX', 'America/Chicago', 30.3, -97.7, 'lunch', '2026-02-01T18:00:00.000000Z',"
            " '2026-02-01T19:30:00.000000Z', 20, 'What do you do?', ?, 'x', 'x')",
            (guild_id, tour_id, geonameid, MANAGER),
        )


async def add_tour(db: Database) -> int:
    async with db.transaction() as tx:
        return await tx.insert(
            "INSERT INTO tours (guild_id, name, start_city, end_city, first_day, last_day, meals, daily_drive_hours,"
            " created_by, created_at, updated_at) VALUES (?, 'Spring', 1, 2, '2026-02-01', '2026-02-05', 'lunch',"
            " 6, ?, 'x', 'x')",
            (GUILD, MANAGER),
        )


# ----------------------------------------------------------------------------------- the migration


def test_the_migration_keeps_each_trigger_whole() -> None:
    [insights_migration] = [m for m in load_migrations() if m.name == "insights"]
    triggers = [s for s in insights_migration.statements if s.startswith("CREATE TRIGGER")]

    assert len(triggers) == 3
    assert all(t.endswith("END;") and t.count("INSERT INTO insights_fts") in {1, 2} for t in triggers)


async def test_the_migration_applies_to_a_database_of_the_previous_release(tmp_path: Path) -> None:
    previous = tmp_path / "previous"
    previous.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql"))[:13]:
        shutil.copy(path, previous / path.name)
    async with await Database.open(tmp_path / "old.db") as db:
        assert await migrate(db, previous) == list(range(1, 14))
        meal = await add_meal(db, GUILD, AUSTIN, None)  # a server that already has meals

        assert (await migrate(db))[0] == 14  # and any later ones

        assert await schema_version(db) == len(load_migrations())
        insight = await log(db, "Lunch was loud", meal_id=meal)
        async with db.transaction() as tx:
            await tx.execute("DELETE FROM meals WHERE id = ?", (meal,))  # the insight outlives its meal
            stored = await insights.get(tx, GUILD, insight)
            await fts_is_in_sync(tx)
        assert stored is not None and stored.meal_id is None and stored.city_id == AUSTIN


async def test_a_fresh_database_has_the_search_index(db: Database) -> None:
    rows = await db.fetch_all("SELECT name FROM sqlite_master WHERE name LIKE 'insight%'")
    names = {row["name"] for row in rows}
    assert {"insights", "insight_tags", "insights_fts", "insights_fts_insert", "insights_fts_update"} <= names


# ----------------------------------------------------------------------------------- capture


async def test_an_insight_is_stored_with_its_links(db: Database) -> None:
    tour = await add_tour(db)
    meal = await add_meal(db, GUILD, AUSTIN, tour)
    insight_id = await log(
        db,
        "The **export** button is hidden",
        "pain point",
        tags="UX, export",
        customer_user_id=ANA,
        meal_id=meal,
        source=InsightSource.MESSAGE,
        message_url="https://discord.com/channels/1/2/3",
    )

    async with db.read() as tx:
        stored = await insights.get(tx, GUILD, insight_id)
        assert await insights.get(tx, OTHER_GUILD, insight_id) is None
    assert stored is not None
    assert (stored.kind, stored.status, stored.tags, stored.source) == (
        InsightKind.PAIN_POINT,
        InsightStatus.NEW,
        ("export", "ux"),
        InsightSource.MESSAGE,
    )
    assert (stored.city_id, stored.tour_id, stored.customer_user_id) == (AUSTIN, tour, ANA)  # from the meal
    assert stored.created_at == NOW and stored.logged_by == MANAGER


async def test_a_meal_of_another_server_is_refused(db: Database) -> None:
    meal = await add_meal(db, OTHER_GUILD, AUSTIN, None)
    with pytest.raises(LookupError):
        await log(db, "Sneaky", meal_id=meal)
    assert (await search(db)).total == 0


async def test_status_changes_are_recorded_once(db: Database) -> None:
    insight_id = await log(db, "Add dark mode", "feature request", customer_user_id=ANA)
    later = NOW + dt.timedelta(days=30)

    async with db.transaction() as tx:
        planned = await insights.set_status(tx, GUILD, insight_id, InsightStatus.PLANNED, "Q2", later)
        again = await insights.set_status(
            tx, GUILD, insight_id, InsightStatus.PLANNED, "Q3 now", later + later.resolution
        )
        elsewhere = await insights.set_status(tx, OTHER_GUILD, insight_id, InsightStatus.SHIPPED, None, later)
        linked = await insights.linked_customers(tx, GUILD, insight_id)

    assert planned is not None and planned.status is InsightStatus.PLANNED and planned.status_changed_at == later
    assert again is not None and again.status_note == "Q3 now" and again.status_changed_at == later
    assert elsewhere is None
    assert linked == [ANA]


# ----------------------------------------------------------------------------------- search


async def test_search_ranks_the_best_match_first_and_highlights_it(db: Database) -> None:
    await log(db, "Onboarding was fine but the invoices page is slow", at=NOW)
    best = await log(
        db, "Invoices: exporting invoices crashes; invoices are our lifeline", at=NOW - dt.timedelta(days=9)
    )
    await log(db, "Nothing to do with it", at=NOW)
    await log(db, "Invoices crash", guild_id=OTHER_GUILD)

    page = await search(db, text="invoice")

    assert page.total == 2 and page.pages == 1
    assert page.hits[0].insight.id == best  # more occurrences in a short text, although older
    assert page.hits[0].snippet.startswith("**Invoices**: exporting **invoices** crashes")
    assert "the **invoices** page is slow" in page.hits[1].snippet


async def test_words_phrases_and_prefixes(db: Database) -> None:
    slow = await log(db, "The bulk export is slow for big lists")
    await log(db, "Export in bulk would help")
    await log(db, "Exporting customers is broken")

    assert [h.insight.id for h in (await search(db, text='"bulk export"')).hits] == [slow]
    assert (await search(db, text="bulk export")).total == 2
    assert (await search(db, text="export")).total == 3  # porter: "exporting" is "export"
    assert (await search(db, text="expo*")).total == 3
    assert (await search(db, text="broken OR slow")).total == 2
    assert (await search(db, text="problems with the export")).total == 0  # "problems" is required


@pytest.mark.parametrize(
    "typed",
    ['"', "NEAR(", "OR", "-", "*", 'a "b', "text:x", "^x", "x" * 500, "🔥", "'; DROP TABLE insights; --", "(x OR"],
)
async def test_hostile_searches_answer_without_errors(db: Database, typed: str) -> None:
    await log(db, "We were near the door, OR so I thought; text is x")

    page = await search(db, text=typed)

    assert page.total in {0, 1} and len(page.hits) == page.total
    assert (await search(db)).total == 1  # the table is intact


async def test_filters_combine_with_words(db: Database) -> None:
    tour = await add_tour(db)
    since = NOW - dt.timedelta(days=10)
    match = await log(
        db, "Pricing is confusing", "pain point", tags="pricing", city_id=TORONTO, tour_id=tour, customer_user_id=ANA
    )
    await log(db, "Pricing is confusing", "pain point", tags="pricing", city_id=AUSTIN, tour_id=tour)
    await log(db, "Pricing is confusing", "praise", tags="pricing", city_id=TORONTO, tour_id=tour)
    await log(db, "Pricing is confusing", "pain point", tags="billing", city_id=TORONTO, tour_id=tour)
    await log(db, "Pricing is confusing", "pain point", tags="pricing", city_id=TORONTO, at=NOW - dt.timedelta(days=30))

    for words in ("pricing", ""):
        page = await search(
            db, text=words, kind="pain point", tag="pricing", city_id=TORONTO, tour_id=tour, since=since, status="new"
        )
        assert [h.insight.id for h in page.hits] == [match]
    assert (await search(db, customer_user_id=ANA)).total == 1
    assert (await search(db, until=since)).total == 1
    assert (await search(db, status="shipped")).total == 0


async def test_pages_without_words_are_newest_first(db: Database) -> None:
    ids = [await log(db, f"Note number {n}", at=NOW + dt.timedelta(minutes=n)) for n in range(23)]

    first = await search(db, page_size=10)
    third = await search(db, page_size=10, page=3)
    beyond = await search(db, page_size=10, page=4)

    assert (first.total, first.pages) == (23, 3)
    assert [h.insight.id for h in first.hits] == ids[::-1][:10]
    assert [h.insight.id for h in third.hits] == ids[2::-1]
    assert beyond.hits == [] and beyond.total == 23 and beyond.pages == 3
    assert first.hits[0].snippet == "Note number 22"
    assert (await search(db, text="number", page=4, page_size=10)).total == 23


async def test_tags_in_use_are_offered_by_use(db: Database) -> None:
    await log(db, "a", tags="pricing, onboarding")
    await log(db, "b", tags="pricing, payments")
    await log(db, "c", tags="pricing")
    await log(db, "d", tags="secret", guild_id=OTHER_GUILD)

    async with db.read() as tx:
        everything = await insights.tags_in_use(tx, GUILD, "")
        with_p = await insights.tags_in_use(tx, GUILD, " P")
        wildcard = await insights.tags_in_use(tx, GUILD, "%")

    assert everything == [TagUse("pricing", 3), TagUse("onboarding", 1), TagUse("payments", 1)]
    assert [t.tag for t in with_p] == ["pricing", "payments"]
    assert wildcard == []


# ----------------------------------------------------------------------------------- reports and export


async def test_the_report_counts_by_kind_city_status_month_and_tag(db: Database) -> None:
    tour = await add_tour(db)
    january, march = dt.datetime(2026, 1, 15, tzinfo=dt.UTC), dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    for _ in range(3):
        await log(db, "slow", "pain point", tags="speed, ux", city_id=TORONTO, tour_id=tour, at=january)
    await log(db, "love it", "praise", tags="ux", city_id=AUSTIN, tour_id=tour, at=march)
    shipped = await log(db, "dark mode", "feature request", city_id=AUSTIN, at=march)
    await log(db, "elsewhere", "praise", tags="ux", city_id=AUSTIN, guild_id=OTHER_GUILD)
    async with db.transaction() as tx:
        await insights.set_status(tx, GUILD, shipped, InsightStatus.SHIPPED, "done", march)
        report = await insights.report(tx, GUILD)
        toronto = await insights.report(tx, GUILD, city_id=TORONTO)
        of_tour = await insights.report(tx, GUILD, tour_id=tour, since=march)

    assert report.total == 5
    assert report.by_kind[InsightKind.PAIN_POINT] == 3 and report.by_kind[InsightKind.IDEA] == 0
    assert list(report.by_kind) == list(InsightKind)
    assert report.by_status == {
        InsightStatus.NEW: 4,
        InsightStatus.PLANNED: 0,
        InsightStatus.SHIPPED: 1,
        InsightStatus.WONT_DO: 0,
    }
    assert list(report.by_city) == [TORONTO, AUSTIN]
    assert report.by_city[AUSTIN][InsightKind.PRAISE] == 1 and report.by_city[AUSTIN][InsightKind.FEATURE_REQUEST] == 1
    assert [(m.month, m.total) for m in report.by_month] == [("2026-01", 3), ("2026-02", 0), ("2026-03", 2)]
    assert report.top_tags == [("ux", 4), ("speed", 3)]
    assert report.untagged == 1
    assert toronto.total == 3 and list(toronto.by_city) == [TORONTO]
    assert of_tour.total == 1 and of_tour.top_tags == [("ux", 1)]


async def test_an_empty_report(db: Database) -> None:
    async with db.read() as tx:
        report = await insights.report(tx, GUILD)
    assert report.total == 0 and report.by_month == [] and report.top_tags == [] and report.by_city == {}


async def test_export_takes_every_match_oldest_first(db: Database) -> None:
    ids = [await log(db, f"Invoices {n}", at=NOW + dt.timedelta(hours=n)) for n in range(30)]
    await log(db, "Something else")

    async with db.read() as tx:
        rows = await insights.export_rows(tx, GUILD, SearchQuery.create(text="invoices"))
        everything = await insights.export_rows(tx, GUILD, SearchQuery())

    assert [i.id for i in rows] == ids
    assert len(everything) == 31


# ----------------------------------------------------------------------------------- privacy


async def add_customer(db: Database, user_id: int, name: str, username: str) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "INSERT INTO customers (guild_id, user_id, discord_name, name, source, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'discord', 'x', 'x')",
            (GUILD, user_id, username, name),
        )


async def test_forgetting_a_customer_keeps_only_words_that_name_nobody(db: Database) -> None:
    await add_customer(db, ANA, "Ana Costa", "anac")
    anonymous = await log(
        db, "Onboarding took two weeks", customer_user_id=ANA, message_url="https://discord.com/channels/1/2/3"
    )
    by_name = await log(db, "Costa says onboarding is slow", customer_user_id=ANA)
    by_username = await log(db, "per anac: onboarding docs are stale", customer_user_id=ANA)
    by_mention = await log(db, "<@10> wants onboarding calls", customer_user_id=ANA)
    about_ben = await log(db, "Ben met <@!10> and <@10> at lunch", customer_user_id=BEN)
    near_name = await log(db, "Anaconda onboarding is fine", customer_user_id=ANA)  # "Ana" inside a word
    other_guild = await log(db, "Ana Costa is happy", customer_user_id=ANA, guild_id=OTHER_GUILD)
    async with db.transaction() as tx:
        logged_by_ana = await insights.add(
            tx, NewInsight.create(guild_id=GUILD, text="Ben likes pizza", kind="other", logged_by=ANA), NOW
        )
        before = await insights.export_user(tx, GUILD, ANA)
        about_ana = before["insights"]
        assert isinstance(about_ana, list)
        assert [row["id"] for row in about_ana] == [anonymous, by_name, by_username, by_mention, near_name]
        assert before["insights_logged"] == [{"id": logged_by_ana, "created_at": "2026-03-01T12:00:00.000000Z"}]

        await insights.forget_user(tx, GUILD, ANA)

        left = {i: await insights.get(tx, GUILD, i) for i in (anonymous, by_name, by_username, by_mention, near_name)}
        ben = await insights.get(tx, GUILD, about_ben)
        logged = await insights.get(tx, GUILD, logged_by_ana)
        kept_elsewhere = await insights.get(tx, OTHER_GUILD, other_guild)
        exported = await insights.export_user(tx, GUILD, ANA)
        await fts_is_in_sync(tx)

    assert left[by_name] is None and left[by_username] is None and left[by_mention] is None
    for kept in (left[anonymous], left[near_name]):
        assert kept is not None and kept.customer_user_id is None and kept.message_url is None
    assert ben is not None and ben.text == "Ben met a customer and a customer at lunch" and ben.customer_user_id == BEN
    assert logged is not None and logged.logged_by is None
    assert kept_elsewhere is not None and kept_elsewhere.customer_user_id == ANA  # another server's data
    assert exported == {}
    assert (await search(db, text="costa")).total == 0
    assert (await search(db, text="customer")).total == 1  # the index follows the rewritten words
    assert (await search(db, text="onboarding")).total == 2


async def test_forgetting_uses_the_names_the_caller_knows(db: Database) -> None:
    # No customer row (already deleted, or never one): the name comes from the caller or the insight itself.
    from_caller = await log(db, "Zed from Detroit: the app is slow", customer_user_id=BEN)
    kept = await log(db, "The app is slow", customer_user_id=BEN)

    async with db.transaction() as tx:
        await insights.forget_user(tx, GUILD, BEN, names=["Zed"])
        assert await insights.get(tx, GUILD, from_caller) is None
        assert await insights.get(tx, GUILD, kept) is not None


async def test_totals_of_common_words_are_capped(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storage.insights.COUNT_CAP", 5)
    async with db.transaction() as tx:
        for n in range(8):
            await insights.add(
                tx, NewInsight.create(guild_id=GUILD, text=f"Slow sync {n}", kind="idea", logged_by=1), NOW
            )

    page = await search(db, text="sync", page_size=2)
    exact = await search(db, text="sync 3", page_size=2)

    assert (page.total, page.more, page.pages, len(page.hits)) == (5, True, 3, 2)
    assert (exact.total, exact.more) == (1, False)


# ----------------------------------------------------------------------------------- search plans (0017)


async def test_the_filter_index_migration_applies_to_a_database_with_insights(tmp_path: Path) -> None:
    previous = tmp_path / "previous"
    previous.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql"))[:16]:
        shutil.copy(path, previous / path.name)
    async with await Database.open(tmp_path / "old.db") as db:
        assert (await migrate(db, previous))[-1] == 16
        old = await log(db, "Invoices crash on export", "pain point", city_id=TORONTO)
        await log(db, "Invoices are great", "praise", city_id=TORONTO)

        assert 17 in await migrate(db)

        index = await db.fetch_one("SELECT name FROM sqlite_master WHERE name = 'insights_search_filters'")
        assert index is not None
        page = await search(db, text="invoices", kind="pain point", city_id=TORONTO)
        assert [h.insight.id for h in page.hits] == [old] and page.total == 1
        async with db.transaction() as tx:
            await fts_is_in_sync(tx)


async def ranking(db: Database, guild_id: int = GUILD, **query: object) -> list[int]:
    """Every page of a search, concatenated: the whole ranking, as a manager paging through it sees it."""
    ids: list[int] = []
    for number in range(1, 100):
        page = await search(db, guild_id=guild_id, page=number, page_size=2, **query)
        ids += [h.insight.id for h in page.hits]
        if number >= page.pages:
            return ids
    raise AssertionError("too many pages")


async def test_a_filtered_ranking_is_the_full_ranking_restricted_to_the_filters(db: Database) -> None:
    texts = [
        "Invoice export is slow",
        "Invoices, invoices, invoices: the invoice screen is our whole day",
        "We export invoices every Friday and the invoice totals are wrong sometimes, which costs us hours",
        "Invoice",
        "The invoice page looks great on mobile",
        "Invoice export is slow",  # the same words as the first: a tie, newest id first
    ]
    ids = [
        await log(db, text, "pain point" if n % 2 else "praise", city_id=TORONTO if n < 4 else AUSTIN)
        for n, text in enumerate(texts)
    ]

    everything = await ranking(db, text="invoice")  # the lone server's plan: no server check

    assert sorted(everything) == sorted(ids)
    assert everything.index(ids[5]) == everything.index(ids[0]) - 1  # ties: newest id first
    last = await search(db, text="invoice", kind="pain point", page=2, page_size=2)  # 3 pain points: 2 + 1
    assert (len(last.hits), last.total, last.pages) == (1, 3, 2)
    for filters in ({"kind": "pain point"}, {"city_id": TORONTO}, {"kind": "praise", "city_id": AUSTIN}):
        kept = {h.insight.id for h in (await search(db, page_size=25, **filters)).hits}
        assert await ranking(db, text="invoice", **filters) == [i for i in everything if i in kept]


async def test_other_servers_change_neither_the_hits_nor_their_order(db: Database) -> None:
    texts = ["Sync fails", "Sync fails again and again, sync is broken", "Calendar sync is slow on Mondays", "Sync"]
    ids = [await log(db, text) for text in texts]
    alone = await ranking(db, text="sync")

    theirs = [await log(db, text, guild_id=OTHER_GUILD) for text in ("Sync sync sync", "Sync")]

    assert sorted(alone) == sorted(ids)
    assert await ranking(db, text="sync") == alone  # now through the filter index, same order
    assert await ranking(db, OTHER_GUILD, text="sync") == theirs
    assert (await search(db, text="sync", page_size=2)).total == 4


async def test_a_typed_filter_is_only_words(db: Database) -> None:
    praise = await log(db, "Love the dashboard", "praise")
    words = await log(db, "Such kind praise for the team", "question")  # the words, as a phrase

    page = await search(db, text="kind:praise")

    assert [h.insight.id for h in page.hits] == [words] and praise != words
    assert (await search(db, text="kind:praise", kind="praise")).total == 0


async def test_capped_totals_with_filters_rank_like_without(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storage.insights.COUNT_CAP", 3)
    ids = [await log(db, "Sync " + "slow " * n, "idea") for n in range(6)]  # longer text, lower bm25
    await log(db, "Sync", "praise", guild_id=OTHER_GUILD)

    few = await search(db, text="sync", kind="idea", page_size=2)  # 6 pass: more than the cap
    second = await search(db, text="sync", kind="idea", page_size=2, page=2)

    assert (few.total, few.more) == (3, True)
    assert [h.insight.id for h in few.hits + second.hits] == ids[:4]


# ----------------------------------------------------------------------------------- slices of very common words


async def log_syncs(db: Database, extra_words: list[int], kind: str = "idea", **fields: object) -> list[int]:
    """Insights that all match "sync", oldest first; the more extra words, the longer, the lower their bm25."""
    return [await log(db, "Sync " + "slow " * n, kind, **fields) for n in extra_words]


async def test_a_very_common_word_is_ranked_by_relevance_within_slices_of_the_newest(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await log_syncs(db, [1, 6, 0, 5, 2, 4, 3])
    exact = await ranking(db, text="sync")
    monkeypatch.setattr("storage.insights.RANK_WINDOW", 3)

    sliced = await ranking(db, text="sync")  # pages of 2: pages 2 and 4 straddle two slices

    assert exact == [ids[n] for n in (2, 0, 4, 6, 5, 3, 1)]  # shortest first, whatever its age
    newest, middle, oldest = [ids[n] for n in (4, 6, 5)], [ids[n] for n in (2, 3, 1)], [ids[0]]
    assert sliced == newest + middle + oldest  # the newest 3 by relevance, then the next 3, then the rest
    page = await search(db, text="sync", page=2, page_size=2)
    assert (page.total, page.pages, page.more) == (7, 4, False)
    beyond = await search(db, text="sync", page=5, page_size=2)
    assert (beyond.hits, beyond.total) == ([], 7)


async def test_slices_hold_the_search_s_own_matches(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storage.insights.RANK_WINDOW", 2)
    monkeypatch.setattr("storage.insights.COUNT_CAP", 2)  # the filtered walk gives up: the sliced plan ranks
    ideas = await log_syncs(db, [3, 0, 2, 1], city_id=TORONTO)
    await log_syncs(db, [0, 0], "praise", city_id=TORONTO)  # newer, shorter, outside the filter
    await log(db, "Sync", "idea", guild_id=OTHER_GUILD)  # another server: the plan with a server check

    pages = [await search(db, text="sync", kind="idea", page=n, page_size=1) for n in range(1, 6)]

    assert [h.insight.id for p in pages for h in p.hits] == [ideas[n] for n in (3, 2, 1, 0)]
    assert (pages[0].total, pages[0].more) == (2, True)  # "2+": the cap


async def test_a_search_with_fewer_matches_than_a_slice_ranks_them_all(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.insights.RANK_WINDOW", 4)
    ids = await log_syncs(db, [2, 0, 3, 1])

    assert await ranking(db, text="sync") == [ids[n] for n in (1, 3, 0, 2)]  # bm25 alone, as without slices


async def test_filtered_pages_past_the_kept_matches_and_past_the_end(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("storage.insights.COUNT_CAP", 3)
    ideas = await log_syncs(db, [5, 0, 4, 1, 3, 2])
    await log(db, "Sync", "praise")

    pages = [await search(db, text="sync", kind="idea", page=n, page_size=2) for n in (1, 2, 3, 4)]

    assert [[h.insight.id for h in p.hits] for p in pages] == [
        [ideas[1], ideas[3]], [ideas[5], ideas[4]], [ideas[2], ideas[0]], []
    ]  # fmt: skip
    monkeypatch.setattr("storage.insights.COUNT_CAP", 1000)
    past = await search(db, text="sync", kind="idea", page=5, page_size=2)
    assert (past.hits, past.total, past.pages) == ([], 6, 3)


# ----------------------------------------------------------------------------------- filters without words (0018)


async def test_a_customer_s_or_a_status_s_insights_come_newest_first(db: Database) -> None:
    anas = [await log(db, f"Ana said {n}", customer_user_id=ANA, at=NOW + dt.timedelta(hours=n)) for n in range(3)]
    await log(db, "Ben said", customer_user_id=BEN, at=NOW + dt.timedelta(days=1))
    planned = anas[0], await log(db, "Planned one", at=NOW - dt.timedelta(days=3))
    async with db.transaction() as tx:
        for insight in planned:
            await insights.set_status(tx, GUILD, insight, InsightStatus.PLANNED, "next quarter", NOW)

    by_ana = await search(db, customer_user_id=ANA, page_size=2)
    by_status = await search(db, status="planned")
    new_and_ana = await search(db, status="new", customer_user_id=ANA)

    assert [h.insight.id for h in by_ana.hits] == anas[:0:-1] and (by_ana.total, by_ana.pages) == (3, 2)
    assert [h.insight.id for h in by_status.hits] == list(planned) and by_status.total == 2
    assert [h.insight.id for h in new_and_ana.hits] == anas[:0:-1]


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"customer_user_id": ANA}, "insights_by_customer"),
        ({"customer_user_id": ANA, "city_id": TORONTO}, "insights_by_customer"),
        ({"status": "shipped", "city_id": TORONTO}, "insights_by_status"),
        ({"status": "new", "city_id": TORONTO}, "insights_by_city"),  # new is most insights: the city drives
    ],
)
async def test_the_rarest_filter_drives_a_search_without_words(
    db: Database, filters: dict[str, object], index: str
) -> None:
    async with db.read() as tx:
        spy = StatementSpy(tx)
        await insights.search(spy, GUILD, SearchQuery.create(**filters))  # type: ignore[arg-type]
        [(statement, params)] = spy.statements
        plan = await tx.fetch_all(f"EXPLAIN QUERY PLAN {statement}", params)

    assert any(f"INDEX {index} " in row["detail"] for row in plan)


class StatementSpy:
    """A transaction that notes each query it runs."""

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx
        self.statements: list[tuple[str, object]] = []

    async def fetch_all(self, sql: str, params: object = ()) -> object:
        self.statements.append((sql, params))
        return await self.tx.fetch_all(sql, params)  # type: ignore[arg-type]


async def test_the_status_index_migration_applies_to_a_database_with_insights(tmp_path: Path) -> None:
    previous = tmp_path / "previous"
    previous.mkdir()
    for path in sorted(MIGRATIONS_DIR.glob("*.sql"))[:17]:
        shutil.copy(path, previous / path.name)
    async with await Database.open(tmp_path / "old.db") as db:
        assert (await migrate(db, previous))[-1] == 17
        shipped = await log(db, "Invoices crash on export", "pain point")
        async with db.transaction() as tx:
            await insights.set_status(tx, GUILD, shipped, InsightStatus.SHIPPED, "fixed", NOW)

        assert 18 in await migrate(db)

        assert [h.insight.id for h in (await search(db, status="shipped")).hits] == [shipped]
