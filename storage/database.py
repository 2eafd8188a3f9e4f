"""The SQLite store: one writer connection behind a lock, and one reader connection beside it.

SQLite transactions belong to a connection, not to a coroutine, so every write goes through one asyncio
lock: ``transaction()`` (``BEGIN IMMEDIATE`` … ``COMMIT``). That makes check-then-write rules (seats,
"send once") exact. Reads use a second connection (``read()``, a snapshot of committed data under its
own lock), so a burst of writes never makes a read wait: WAL lets one writer and readers work at once.

Durability: WAL with ``synchronous=NORMAL``. A committed row survives a crash of the process (SIGKILL);
on power loss the last few commits may be lost. ``FULL`` was ~15× slower on these machines
(../shared/PITFALLS.md), and a lost RSVP on power failure is recoverable, a slow bot is not.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Self

import aiosqlite

Params = Sequence[Any] | dict[str, Any]

BUSY_TIMEOUT_MS = 5_000
READER_CACHE_KB = 65_536  # insight search with filters: CPU p99 7.2 → 6.0 ms over 100,000 (benchmarks/insights.py)


class Row(Protocol):
    """A result row of either backend (``sqlite3.Row``, ``asyncpg.Record``): by column name or position."""

    def __getitem__(self, key: str | int, /) -> Any: ...

    def keys(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


@dataclass(frozen=True)
class Dialect:
    """The few places where one SQL text can't serve both backends; repositories splice these in."""

    name: str  # "sqlite" or "postgresql"
    lock_row: str  # appended to a SELECT of the row a decision is about (a meal's seats)
    skip_locked: str  # appended to the SELECT of rows a worker claims
    json_int: str  # "{column}", "{key}": a JSON object's integer field
    exclusive: str  # a statement making this transaction the only one of its kind (migrations) until it ends

    def json_field(self, column: str, key: str) -> str:
        return self.json_int.format(column=column, key=key)


SQLITE = Dialect(
    "sqlite",
    lock_row="",  # one writer at a time: every write transaction already holds the whole database
    skip_locked="",
    json_int="json_extract({column}, '$.{key}')",
    exclusive="",  # BEGIN IMMEDIATE already holds the whole database
)


class Transaction(Protocol):
    """What code inside ``transaction()`` or ``read()`` may do with the store, whichever the backend.

    SQL is written for SQLite with ``?`` or ``:name`` parameters; the PostgreSQL backend translates the
    placeholders (storage/postgres/sql.py), and ``dialect`` holds what can't be translated."""

    dialect: Dialect
    writable: bool  # inside transaction(), not read()
    committed_callbacks: list[Callable[[], None]]

    def after_commit(self, callback: Callable[[], None]) -> None: ...

    async def execute(self, sql: str, params: Params = ()) -> int: ...

    async def insert(self, sql: str, params: Params = ()) -> int: ...

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None: ...

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None: ...


def row_lock(tx: Transaction, lock: bool) -> str:
    """What to append to the SELECT of the row a decision is about: its lock, asked for (``lock``) in a write
    transaction only (a snapshot read locks nothing)."""
    return tx.dialect.lock_row if lock and tx.writable else ""


class Store(Protocol):
    """A database the services use: SQLite (``Database``, the default) or PostgreSQL (``PostgresDatabase``)."""

    @property
    def backend(self) -> str: ...  # what /status shows: "SQLite" or "PostgreSQL"

    @property
    def dialect(self) -> Dialect: ...

    def transaction(self) -> AbstractAsyncContextManager[Transaction]: ...

    def read(self) -> AbstractAsyncContextManager[Transaction]: ...

    async def size_bytes(self) -> int: ...

    async def close(self) -> None: ...

    async def listen(self, channel: str, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever any process calls ``notify_soon(channel)`` (PostgreSQL's LISTEN)."""

    def notify_soon(self, channel: str) -> None:
        """Tell every process listening on ``channel``, in the background (after the change committed)."""


class WriterTurns:
    """Write transactions of one process take turns (both stores). The lock is not re-entrant: a nested use
    from the same task would wait for itself forever; it fails loudly instead, so the bug shows up in the
    first test that takes that path."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[object] | None = None

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        current = asyncio.current_task()
        if current is not None and current is self._holder:
            raise RuntimeError("nested database access: pass the open transaction down instead")
        async with self._lock:
            self._holder = current
            try:
                yield
            finally:
                self._holder = None

    def refuse_nested_read(self) -> None:
        """A read inside this task's open write transaction would not see that transaction's own rows."""
        if asyncio.current_task() is self._holder:
            raise RuntimeError("nested database access: pass the open transaction down instead")


class AfterCommit:
    """``after_commit`` of both stores' transactions: the callbacks the store runs once it has committed."""

    def __init__(self) -> None:
        self.committed_callbacks: list[Callable[[], None]] = []

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once this transaction has committed (never if it rolls back); at most once."""
        if callback not in self.committed_callbacks:
            self.committed_callbacks.append(callback)


class StoreShortcuts:
    """What both stores offer on top of ``read()`` and ``close()``: ``async with`` and one-query reads."""

    def read(self) -> AbstractAsyncContextManager[Transaction]:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self.read() as tx:
            return await tx.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        async with self.read() as tx:
            return await tx.fetch_one(sql, params)


class Database(StoreShortcuts):
    """The SQLite store (module docstring)."""

    def __init__(self, writer: aiosqlite.Connection, reader: aiosqlite.Connection | None, path: str) -> None:
        self._connection = writer
        self._reader = reader  # None for ":memory:", where a second connection would see another database
        self._turns = WriterTurns()
        self._read_lock = asyncio.Lock()
        self.path = path

    @property
    def backend(self) -> str:
        return "SQLite"

    @property
    def dialect(self) -> Dialect:
        return SQLITE

    async def listen(self, channel: str, callback: Callable[[], None]) -> None:
        """One process per SQLite file: nobody else to hear from."""

    def notify_soon(self, channel: str) -> None:
        """One process per SQLite file: its own doorbell already rang."""

    @classmethod
    async def open(cls, path: str | Path) -> Self:
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        writer = await _connect(path)
        await (await writer.execute("PRAGMA journal_mode = WAL")).close()  # persistent: set by the writer
        reader = None if path == ":memory:" else await _connect(path)
        if reader is not None:  # searches and reports read wide: 64 MB of pages instead of 2 (PRAGMA default)
            await (await reader.execute(f"PRAGMA cache_size = -{READER_CACHE_KB}")).close()
        return cls(writer, reader, path)

    async def close(self) -> None:
        async with self._turns.turn():
            if self._reader is not None:
                async with self._read_lock:
                    await self._reader.close()
            await self._connection.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqliteTransaction]:
        """Serialised write transaction: commits on success, rolls back on anything else.

        "Anything else" includes a COMMIT that fails (a deferred constraint, disk full, busy) and a task
        cancelled while BEGIN was still running in aiosqlite's thread: SQLite then keeps the transaction
        open, and without the rollback every later BEGIN on this one writer would fail until a restart.
        """
        async with self._turns.turn():
            committed = False
            tx = SqliteTransaction(self._connection, writable=True)
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
                yield tx
                await self._connection.execute("COMMIT")
                committed = True
            finally:
                if not committed:
                    await _rollback(self._connection)
        for callback in tx.committed_callbacks:
            callback()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqliteTransaction]:
        """A consistent snapshot of committed data, without waiting for writers."""
        if self._reader is None:
            async with self._turns.turn():
                yield SqliteTransaction(self._connection)
            return
        self._turns.refuse_nested_read()
        async with self._read_lock:
            try:
                await self._reader.execute("BEGIN")
                yield SqliteTransaction(self._reader)
            finally:
                await _rollback(self._reader)  # a read-only snapshot: nothing to keep

    async def size_bytes(self) -> int:
        """The database file's size as SQLite counts it (pages in use plus free pages)."""
        async with self.read() as tx:
            pages = await tx.fetch_one("PRAGMA page_count")
            size = await tx.fetch_one("PRAGMA page_size")
        return int(pages[0] if pages else 0) * int(size[0] if size else 0)


async def _rollback(connection: aiosqlite.Connection) -> None:
    """End whatever transaction is open; aiosqlite runs calls in order, so this also follows a BEGIN
    still queued when its task was cancelled."""
    try:
        await connection.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if "no transaction is active" not in str(error):
            raise


async def _connect(path: str) -> aiosqlite.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, sqlite3 must not open implicit ones.
    connection = await aiosqlite.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    for pragma in (
        f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
        "PRAGMA synchronous = NORMAL",
        "PRAGMA foreign_keys = ON",
    ):
        await (await connection.execute(pragma)).close()
    return connection


class SqliteTransaction(AfterCommit):
    """``Transaction`` on one SQLite connection.

    Each method is one hop to aiosqlite's worker thread (~20 µs each, PITFALLS.md): a plain
    ``async with connection.execute(...)`` costs three (execute, fetch, close), which tripled the cost
    of an RSVP in a burst.
    """

    def __init__(self, connection: aiosqlite.Connection, *, writable: bool = False) -> None:
        super().__init__()
        self._connection = connection
        self.dialect = SQLITE
        self.writable = writable

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns how many rows it changed."""
        cursor = await self._connection.execute(sql, params)
        return cursor.rowcount  # a finished DML statement holds nothing open; the cursor is freed with it

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row's id."""
        row = await self._connection.execute_insert(sql, params)
        if row is None or row[0] is None:
            raise RuntimeError("INSERT produced no row id")
        return int(row[0])

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        await self._connection.executemany(sql, rows)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._connection.execute_fetchall(sql, params))

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self._connection.execute_fetchall(sql, params)
        return next(iter(rows), None)
