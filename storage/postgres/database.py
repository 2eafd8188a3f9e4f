"""The PostgreSQL store: an asyncpg pool, the same ``transaction()`` / ``read()`` as SQLite's ``Database``.

Within one process, write transactions still take turns (one asyncio lock, as on SQLite), so every use case
keeps the in-process behaviour it was written and tested for; reads run side by side on the pool. Between
processes, what must be exact holds in the database itself (docs/postgresql.md): a meal's seats are
decided with its row locked (``Dialect.lock_row``), outbox rows are claimed with ``FOR UPDATE SKIP LOCKED``
and guarded by their lease, keys that must be used once are unique indexes, a tour moves by compare-and-set.

``DATABASE_URL=postgresql://user@host:5432/db?schema=name``: ``schema`` (optional, created if missing) keeps
the bot's tables apart from others in the database; the tests run each in a schema of their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any, Self, TypeAlias
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from storage.database import AfterCommit, Dialect, Params, Row, StoreShortcuts, WriterTurns
from storage.postgres.sql import POSTGRESQL, translate

log = logging.getLogger(__name__)
PooledConnection: TypeAlias = "asyncpg.pool.PoolConnectionProxy[asyncpg.Record]"
POOL_SIZE = 10


def split_url(url: str) -> tuple[str, str | None]:
    """The DSN for asyncpg and the ``schema`` query parameter (ours, not libpq's) taken out of it."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((value for key, value in query if key == "schema"), None)
    rest = urlencode([(key, value) for key, value in query if key != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema or None


def _numeric(text: str) -> int | float:
    """SUM over integers is NUMERIC in PostgreSQL; the repositories expect SQLite's int (or float)."""
    return int(text) if text.lstrip("-").isdigit() else float(text)


async def _setup_connection(connection: asyncpg.Connection) -> None:
    await connection.set_type_codec("numeric", encoder=str, decoder=_numeric, schema="pg_catalog", format="text")


async def _reset(connection: asyncpg.Connection) -> None:
    """Before a connection goes back to its pool. asyncpg's default reset is a round trip on every release
    (RESET ALL, UNLISTEN …), for session state this store never sets; a transaction left open is the one thing
    to undo."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


class PostgresDatabase(StoreShortcuts):
    def __init__(self, writer: asyncpg.Pool, readers: asyncpg.Pool, url: str, schema: str | None) -> None:
        self._writer = writer  # one connection: write transactions take turns anyway (the lock)
        self._pool = readers
        self._turns = WriterTurns()
        self.url = url
        self.schema = schema
        self._listener: asyncpg.Connection | None = None
        self._notifying: set[asyncio.Task[None]] = set()

    @classmethod
    async def open(cls, url: str, *, pool_size: int = POOL_SIZE) -> Self:
        dsn, schema = split_url(url)
        if schema is not None:
            connection = await asyncpg.connect(dsn)
            try:
                await connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{_identifier(schema)}"')
            finally:
                await connection.close()
        options: dict[str, Any] = {
            "init": _setup_connection,
            "reset": _reset,
            # Connections stay open: asyncpg's idle timer would close and reopen them whenever the bot waits
            # (under the tests' virtual clock, at every step); the pools are small and the server keeps them.
            "max_inactive_connection_lifetime": 0,
            "server_settings": {"search_path": _identifier(schema)} if schema else {},
        }
        # The writer has a connection of its own (a pool of one, which reconnects after a failure): in a burst,
        # a transaction holding the lock must not queue for a connection behind hundreds of reads.
        writer = await asyncpg.create_pool(dsn, min_size=1, max_size=1, **options)
        try:
            readers = await asyncpg.create_pool(dsn, min_size=1, max_size=pool_size, **options)
        except BaseException:
            await writer.close()
            raise
        return cls(writer, readers, url, schema)

    @property
    def backend(self) -> str:
        return "PostgreSQL"

    @property
    def dialect(self) -> Dialect:
        return POSTGRESQL

    async def close(self) -> None:
        if self._notifying:
            await asyncio.gather(*self._notifying, return_exceptions=True)
        if self._listener is not None:
            await self._listener.close()
        async with self._turns.turn():
            await self._writer.close()
            await self._pool.close()

    async def listen(self, channel: str, callback: Callable[[], None]) -> None:
        """LISTEN on a connection of its own (a pooled one would be handed to others)."""
        if self._listener is None:
            dsn, _ = split_url(self.url)
            self._listener = await asyncpg.connect(dsn)
        await self._listener.add_listener(channel, lambda *_: callback())

    def notify_soon(self, channel: str) -> None:
        task = asyncio.get_running_loop().create_task(self._notify(channel), name=f"notify {channel}")
        self._notifying.add(task)
        task.add_done_callback(self._notifying.discard)

    async def _notify(self, channel: str) -> None:
        try:
            async with self._pool.acquire() as connection:
                await connection.execute("SELECT pg_notify($1, '')", channel)
        except (OSError, asyncpg.PostgresError) as error:  # the others wake on their own timer at the latest
            log.warning("could not notify the other processes (%s): %s", channel, error)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresTransaction]:
        """A write transaction (READ COMMITTED, with the row locks the repositories ask for): commits on
        success, rolls back on anything else; ``after_commit`` callbacks run once it has committed."""
        async with self._turns.turn(), self._writer.acquire() as connection:
            tx = PostgresTransaction(connection, writable=True)
            async with connection.transaction():
                yield tx
        for callback in tx.committed_callbacks:
            callback()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[PostgresTransaction]:
        """A consistent snapshot of committed data (REPEATABLE READ), without waiting for writers."""
        self._turns.refuse_nested_read()
        async with self._pool.acquire() as connection, connection.transaction(isolation="repeatable_read"):
            yield PostgresTransaction(connection)

    @asynccontextmanager
    async def raw_transaction(self) -> AsyncIterator[PooledConnection]:
        """A write transaction on the asyncpg connection itself, for bulk tools (COPY in migrate-to-postgres)."""
        async with self._turns.turn(), self._writer.acquire() as connection, connection.transaction():
            yield connection

    async def size_bytes(self) -> int:
        """Tables, indexes and TOAST of the bot's schema."""
        async with self.read() as tx:
            row = await tx.fetch_one(
                "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS n FROM pg_class c "
                "JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = current_schema() AND c.relkind = 'r'"
            )
        return int(row["n"]) if row is not None else 0


def _identifier(name: str) -> str:
    if not name.replace("_", "").isalnum() or name[0].isdigit():
        raise ValueError(f"schema: expected letters, digits and _ (not starting with a digit), got {name[:40]!r}")
    return name.lower()


class PostgresTransaction(AfterCommit):
    """``Transaction`` on one pooled connection; the SQL is translated once per text (``translate``)."""

    def __init__(self, connection: Any, *, writable: bool = False) -> None:
        super().__init__()
        self._connection = connection
        self.dialect = POSTGRESQL
        self.writable = writable

    async def execute(self, sql: str, params: Params = ()) -> int:
        statement = translate(sql)
        status: str = await self._connection.execute(statement.sql, *statement.args(params))
        count = status.rpartition(" ")[2]  # "UPDATE 3", "INSERT 0 1", "DELETE 0", "CREATE TABLE"
        return int(count) if count.isdigit() else 0

    async def insert(self, sql: str, params: Params = ()) -> int:
        statement = translate(sql if "RETURNING" in sql.upper() else f"{sql.rstrip()} RETURNING id")
        value = await self._connection.fetchval(statement.sql, *statement.args(params))
        if value is None:
            raise RuntimeError("INSERT produced no row id")
        return int(value)

    async def execute_many(self, sql: str, rows: Iterable[Params]) -> None:
        statement = translate(sql)
        await self._connection.executemany(statement.sql, [statement.args(row) for row in rows])

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        statement = translate(sql)
        return list(await self._connection.fetch(statement.sql, *statement.args(params)))

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        statement = translate(sql)
        row: Row | None = await self._connection.fetchrow(statement.sql, *statement.args(params))
        return row
