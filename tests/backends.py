"""Both stores for the tests: SQLite in a temporary file, PostgreSQL in a schema of its own per test.

PostgreSQL comes from LT_TEST_POSTGRES (default: the local server this machine kind runs,
postgresql://postgres@127.0.0.1:5432/test). Each test gets a fresh schema ``lt_t<random>``, dropped
afterwards, so runs never see each other's rows. Without a server the PostgreSQL tests skip, saying why,
unless LT_REQUIRE_POSTGRES=1 (set by .ci/run): then they fail, so CI can't pass by skipping them.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import asyncpg
import pytest

from storage.postgres.database import split_url

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")


def postgres_base_url() -> str:
    return os.environ.get("LT_TEST_POSTGRES", "").strip() or DEFAULT_POSTGRES


_reachable: dict[str, str | None] = {}


async def _problem(url: str) -> str | None:
    """Why the server can't be used (None: it can)."""
    if url not in _reachable:
        try:
            connection = await asyncio.wait_for(asyncpg.connect(split_url(url)[0]), timeout=5)
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            _reachable[url] = f"{type(error).__name__}: {error}"
        else:
            await connection.close()
            _reachable[url] = None
    return _reachable[url]


async def postgres_problem() -> str | None:
    """Why the test server can't be used, or None."""
    return await _problem(postgres_base_url())


async def require_postgres() -> str:
    url = postgres_base_url()
    problem = await _problem(url)
    if problem is not None:
        message = f"no PostgreSQL at {url} ({problem}); set LT_TEST_POSTGRES to a server to run these tests"
        if os.environ.get("LT_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (LT_REQUIRE_POSTGRES=1: CI must not skip them)")
        pytest.skip(message)
    return url


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A DATABASE_URL for a new, empty schema, dropped with everything in it afterwards."""
    base = await require_postgres()
    schema = f"lt_t{secrets.token_hex(6)}"
    try:
        yield _in_schema(base, schema)
    finally:
        await _drop(base, schema)


@contextmanager
def postgres_schema_sync() -> Iterator[str]:
    """``postgres_schema`` for tests that run the command line (which starts its own event loop)."""
    base = asyncio.run(require_postgres())
    schema = f"lt_t{secrets.token_hex(6)}"
    try:
        yield _in_schema(base, schema)
    finally:
        asyncio.run(_drop(base, schema))


def _in_schema(base: str, schema: str) -> str:
    return f"{base}{'&' if '?' in base else '?'}schema={schema}"


async def _drop(base: str, schema: str) -> None:
    connection = await asyncpg.connect(split_url(base)[0])
    try:
        await connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    finally:
        await connection.close()


@asynccontextmanager
async def database_url(backend: str, folder: Path) -> AsyncIterator[str]:
    if backend == "postgresql":
        async with postgres_schema() as url:
            yield url
    else:
        yield f"sqlite:///{folder / 'listening-tour.db'}"
