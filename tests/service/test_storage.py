"""The SQLite store: migrations, transactions under concurrency, UTC-only datetimes."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from storage.codecs import NaiveDatetimeError, decode_datetime, encode_datetime
from storage.database import Database
from storage.migrate import MIGRATIONS_DIR, MigrationError, load_migrations, migrate, schema_version, split_statements


@pytest.fixture
async def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = await Database.open(tmp_path / "store.db")
    yield database
    await database.close()


async def table_names(db: Database) -> set[str]:
    rows = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row["name"] for row in rows}


async def test_fresh_database_gets_every_migration(db: Database) -> None:
    applied = await migrate(db)

    assert applied == [m.version for m in load_migrations()]
    assert await schema_version(db) == len(applied)
    assert "guild_settings" in await table_names(db)


async def test_migrated_database_is_left_alone(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "store.db") as first:
        await migrate(first)
    async with await Database.open(tmp_path / "store.db") as again:  # the next start of the bot
        assert await migrate(again) == []
        assert await schema_version(again) == len(load_migrations())


async def test_only_new_migrations_run_each_in_one_transaction(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_people.sql").write_text("CREATE TABLE people (id INTEGER PRIMARY KEY);\n")
    assert await migrate(db, folder) == [1]
    (folder / "0002_broken.sql").write_text(
        "-- the second statement fails: the first must be rolled back with it\n"
        "CREATE TABLE pets (id INTEGER PRIMARY KEY);\nINSERT INTO nowhere VALUES (1);\n"
    )

    with pytest.raises(sqlite3.OperationalError, match="no such table: nowhere"):
        await migrate(db, folder)

    assert await schema_version(db) == 1
    assert "pets" not in await table_names(db)
    (folder / "0002_broken.sql").write_text("CREATE TABLE pets (id INTEGER PRIMARY KEY);\n")
    assert await migrate(db, folder) == [2]
    assert {"people", "pets"} <= await table_names(db)


async def test_a_database_newer_than_the_code_is_refused(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_a.sql").write_text("CREATE TABLE a (id INTEGER);")
    (folder / "0002_b.sql").write_text("CREATE TABLE b (id INTEGER);")
    await migrate(db, folder)
    (folder / "0002_b.sql").unlink()

    with pytest.raises(MigrationError, match="newer than this code"):
        await migrate(db, folder)


def test_migration_files_must_be_numbered_without_gaps(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "0003_c.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="without gaps"):
        load_migrations(tmp_path)
    (tmp_path / "3_bad.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=r"NNNN_name\.sql"):
        load_migrations(tmp_path)


def test_statements_are_split_whole_even_with_semicolons_in_text() -> None:
    script = "-- comment\nCREATE TABLE t (x TEXT DEFAULT 'a;b');\nINSERT INTO t VALUES ('c;d');\n-- end\n"

    assert split_statements(script) == (
        "-- comment\nCREATE TABLE t (x TEXT DEFAULT 'a;b');",
        "INSERT INTO t VALUES ('c;d');",
    )
    with pytest.raises(MigrationError, match="unterminated"):
        split_statements("CREATE TABLE t (x)")


def test_shipped_migrations_are_well_formed() -> None:
    migrations = load_migrations(MIGRATIONS_DIR)
    assert migrations and all(m.statements for m in migrations)


async def test_store_settings(db: Database) -> None:
    row = await db.fetch_one("PRAGMA journal_mode")
    assert row is not None and row[0] == "wal"
    row = await db.fetch_one("PRAGMA foreign_keys")
    assert row is not None and row[0] == 1
    row = await db.fetch_one("PRAGMA busy_timeout")
    assert row is not None and row[0] == 5000


async def test_a_failed_transaction_changes_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute("CREATE TABLE seats (n INTEGER)")

    async def insert_then_fail() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO seats VALUES (1)")
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        await insert_then_fail()

    assert await db.fetch_all("SELECT * FROM seats") == []


async def test_a_failing_commit_does_not_wedge_the_writer(db: Database) -> None:
    # A deferred foreign key fails at COMMIT, and SQLite then keeps the transaction open.
    async with db.transaction() as tx:
        await tx.execute("CREATE TABLE tables_ (id INTEGER PRIMARY KEY)")
        await tx.execute(
            "CREATE TABLE seats (n INTEGER REFERENCES tables_ (id) DEFERRABLE INITIALLY DEFERRED)"
        )

    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO seats VALUES (7)")  # no table 7: refused only at COMMIT

    async with db.transaction() as tx:  # the next use case still gets its own transaction
        await tx.execute("INSERT INTO tables_ VALUES (1)")
        await tx.execute("INSERT INTO seats VALUES (1)")
    assert [tuple(row) for row in await db.fetch_all("SELECT n FROM seats")] == [(1,)]


async def test_a_use_case_cancelled_mid_transaction_leaves_nothing_open(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute("CREATE TABLE seats (n INTEGER)")
    inside = asyncio.Event()

    async def slow_use_case() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO seats VALUES (1)")
            inside.set()
            await asyncio.sleep(3600)

    task = asyncio.create_task(slow_use_case())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    async with db.transaction() as tx:
        await tx.execute("INSERT INTO seats VALUES (2)")
    assert [tuple(row) for row in await db.fetch_all("SELECT n FROM seats")] == [(2,)]


async def test_transactions_are_serialised_across_coroutines(db: Database) -> None:
    # Read-then-write inside one transaction is exact only if coroutines cannot interleave.
    async with db.transaction() as tx:
        await tx.execute("CREATE TABLE counter (n INTEGER)")
        await tx.execute("INSERT INTO counter VALUES (0)")

    async def increment() -> None:
        async with db.transaction() as tx:
            row = await tx.fetch_one("SELECT n FROM counter")
            assert row is not None
            await asyncio.sleep(0)  # give other coroutines every chance to interleave
            await tx.execute("UPDATE counter SET n = ?", (row["n"] + 1,))

    await asyncio.gather(*(increment() for _ in range(200)))

    row = await db.fetch_one("SELECT n FROM counter")
    assert row is not None and row["n"] == 200


def test_datetimes_are_stored_as_utc_and_naive_ones_refused() -> None:
    toronto = dt.timezone(dt.timedelta(hours=-5))
    local = dt.datetime(2026, 3, 1, 7, 30, tzinfo=toronto)

    text = encode_datetime(local)

    assert text == "2026-03-01T12:30:00.000000Z"
    assert decode_datetime(text) == local and decode_datetime(text).tzinfo == dt.UTC
    with pytest.raises(NaiveDatetimeError, match="naive"):
        encode_datetime(dt.datetime(2026, 3, 1, 7, 30))  # noqa: DTZ001 - the point of the test
    assert encode_datetime(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) < encode_datetime(
        dt.datetime(2026, 1, 1, 0, 0, 1, tzinfo=dt.UTC)
    )  # the text sorts like time


async def test_nested_access_from_one_task_fails_loudly_instead_of_deadlocking(db: Database) -> None:
    async def nested() -> None:
        async with db.transaction():
            await db.fetch_one("SELECT 1")

    with pytest.raises(RuntimeError, match="nested database access"):
        await asyncio.wait_for(nested(), timeout=5)
    assert await db.fetch_one("SELECT 1") is not None  # the lock was released
