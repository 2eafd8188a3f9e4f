"""Opening the store and building a bot: shared by `run`, `demo` and the tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import discord

from bot.app import ListeningTourBot
from bot.config import Settings
from bot.domain.clock import Clock
from bot.domain.pacing import TokenBucket
from bot.services import Services
from storage.database import Database
from storage.migrate import migrate


async def open_database(path: Path | str) -> Database:
    """Open the SQLite store and bring its schema up to date."""
    db = await Database.open(path)
    try:
        await migrate(db)
    except BaseException:
        await db.close()
        raise
    return db


def build_bot(
    settings: Settings, db: Database, clock: Clock = discord.utils.utcnow, *, dm_pace: TokenBucket | None = None
) -> ListeningTourBot:
    return ListeningTourBot(settings=settings, services=Services.build(db, clock), clock=clock, dm_pace=dm_pace)


@asynccontextmanager
async def running_store(settings: Settings) -> AsyncIterator[Database]:
    db = await open_database(settings.database_path())
    try:
        yield db
    finally:
        await db.close()
