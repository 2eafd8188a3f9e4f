"""The one SQLite connection the bot writes through.

SQLite transactions belong to a connection, not to a coroutine, so every use of the connection goes
through one asyncio lock: ``transaction()`` for writes (``BEGIN IMMEDIATE`` … ``COMMIT``) and ``read()``
for reads. That keeps a reader from seeing another coroutine's uncommitted rows and makes
check-then-write rules (seats, "send once") exact.

Durability: WAL with ``synchronous=NORMAL``. A committed row survives a crash of the process (SIGKILL);
on power loss the last few commits may be lost. ``FULL`` was ~15× slower on these machines
(../shared/PITFALLS.md), and a lost RSVP on power failure is recoverable, a slow bot is not.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Self

import aiosqlite

Params = Sequence[Any] | dict[str, Any]

BUSY_TIMEOUT_MS = 5_000


class Database:
    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self._holder: asyncio.Task[object] | None = None
        self.path = path

    @classmethod
    async def open(cls, path: str | Path) -> Self:
        path = str(path)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, sqlite3 must not open implicit ones.
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = sqlite3.Row
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
            f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
        ):
            await connection.execute(pragma)
        return cls(connection, path)

    async def close(self) -> None:
        async with self._locked():
            await self._connection.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def _locked(self) -> AsyncIterator[None]:
        # The lock is not re-entrant: a nested use from the same task would wait for itself forever.
        # Fail loudly instead, so the bug shows up in the first test that takes that path.
        current = asyncio.current_task()
        if current is not None and current is self._holder:
            raise RuntimeError("nested database access: pass the open transaction down instead")
        async with self._lock:
            self._holder = current
            try:
                yield
            finally:
                self._holder = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """Serialised write transaction: commits on success, rolls back on any exception."""
        async with self._locked():
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield Transaction(self._connection)
            except BaseException:
                await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Transaction]:
        """Serialised reads outside any write transaction (a consistent view under the lock)."""
        async with self._locked():
            yield Transaction(self._connection)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self.read() as tx:
            return await tx.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self.read() as tx:
            return await tx.fetch_one(sql, params)


class Transaction:
    """What code inside ``transaction()`` or ``read()`` may do with the connection."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; returns how many rows it changed."""
        cursor = await self._connection.execute(sql, params)
        await cursor.close()
        return cursor.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row's id."""
        cursor = await self._connection.execute(sql, params)
        await cursor.close()
        if cursor.lastrowid is None:
            raise RuntimeError("INSERT produced no row id")
        return cursor.lastrowid

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        await self._connection.executemany(sql, rows)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._connection.execute(sql, params) as cursor:
            row: sqlite3.Row | None = await cursor.fetchone()
            return row
