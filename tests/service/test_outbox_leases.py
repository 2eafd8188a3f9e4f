"""Outbox rows are claimed with a lease: two processes on one database never get the same row, and a row
whose process died is taken over once its lease runs out — and only the new owner can record it."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.domain.outbox import LEASE, Kind, NewDelivery, Status, Via
from bot.runtime import open_store
from bot.services.delivery import DeliveryService
from storage.notes import FallbackNoteRepository
from storage.outbox import DmFailureRepository, OutboxRepository

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
GUILD = 7


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> dt.datetime:
        return self.now


pytestmark = pytest.mark.backends("sqlite", "postgresql")  # the conformance suite: both stores


@pytest.fixture
async def two_processes(settings: Settings) -> AsyncIterator[tuple[DeliveryService, DeliveryService, Clock]]:
    """Two delivery services, each with its own connections to one database (as two processes would)."""
    clock = Clock()
    first = await open_store(settings)
    second = await open_store(settings)
    services = [
        DeliveryService(db, OutboxRepository(), FallbackNoteRepository(), DmFailureRepository(), clock)
        for db in (first, second)
    ]
    async with first.transaction() as tx:
        await tx.execute(
            "INSERT INTO meals (id, guild_id, geonameid, city, city_label, timezone, latitude, longitude, slot, "
            "starts_at, ends_at, capacity, question, host_id, created_at, updated_at) VALUES (1, ?, 1, 'T', 'T', "
            "'UTC', 0, 0, 'lunch', '2026-02-01T12:00:00.000000Z', '2026-02-01T13:00:00.000000Z', 10, 'q', 1, "
            "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')",
            (GUILD,),
        )
        outbox = OutboxRepository()
        for user in range(300):
            await outbox.add(tx, NewDelivery(Kind.INVITATION, GUILD, NOW, meal_id=1, user_id=user), NOW)
    yield services[0], services[1], clock
    await first.close()
    await second.close()


async def test_two_processes_never_claim_the_same_row(
    two_processes: tuple[DeliveryService, DeliveryService, Clock],
) -> None:
    first, second, _ = two_processes

    async def drain(service: DeliveryService, owner: str) -> list[int]:
        got: list[int] = []
        while batch := await service.claim(owner, 7, dms=True):
            got += [row.id for row in batch]
            await asyncio.sleep(0.005)  # sending them
        return got

    a, b = await asyncio.gather(drain(first, "process-a"), drain(second, "process-b"))

    assert not set(a) & set(b)
    assert sorted(a + b) == list(range(1, 301))
    assert a and b  # both really took part


async def test_a_dead_processs_rows_are_taken_over_after_the_lease(
    two_processes: tuple[DeliveryService, DeliveryService, Clock],
) -> None:
    first, second, clock = two_processes
    [row] = await first.claim("dies", 1, dms=True)

    clock.now = NOW + LEASE - dt.timedelta(seconds=1)
    assert row.id not in [r.id for r in await second.claim("survivor", 400, dms=True)]  # still leased
    clock.now = NOW + LEASE
    [taken] = await second.claim("survivor", 1, dms=True)

    assert taken.id == row.id and taken.attempts == 2
    assert await first.delivered(row, "dies", Via.DM) is False  # the dead owner can't record it any more
    assert await second.delivered(taken, "survivor", Via.DM) is True
    [stored] = [r for r in await second.for_meal(GUILD, 1, Kind.INVITATION) if r.id == row.id]
    assert (stored.status, stored.delivered_via) == (Status.SENT, Via.DM)
