"""Opening the store and building a bot: shared by `run`, `demo` and the tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import discord

from bot.app import ListeningTourBot, bot_class
from bot.config import Settings
from bot.domain.clock import Clock
from bot.domain.pacing import TokenBucket
from bot.domain.shards import ONE_PROCESS, Shards
from bot.services import Services
from storage.database import Database, Store
from storage.migrate import migrate
from storage.postgres.database import PostgresDatabase


async def open_database(path: Path | str) -> Store:
    """Open the SQLite store and bring its schema up to date."""
    return await _migrated(await Database.open(path))


async def open_store(settings: Settings) -> Store:
    """The store DATABASE_URL names (SQLite by default, or PostgreSQL), its schema brought up to date."""
    if settings.uses_postgres:
        return await _migrated(await PostgresDatabase.open(settings.database_url))
    return await open_database(settings.database_path())


async def _migrated(db: Store) -> Store:
    try:
        await migrate(db)
    except BaseException:
        await db.close()
        raise
    return db


def build_bot(
    settings: Settings,
    db: Store,
    clock: Clock = discord.utils.utcnow,
    *,
    dm_pace: TokenBucket | None = None,
    shards: Shards = ONE_PROCESS,
) -> ListeningTourBot:
    services = Services.build(db, clock, shards)
    return bot_class(shards)(settings=settings, services=services, clock=clock, dm_pace=dm_pace)


@asynccontextmanager
async def running_store(settings: Settings) -> AsyncIterator[Store]:
    db = await open_store(settings)
    try:
        yield db
    finally:
        await db.close()
