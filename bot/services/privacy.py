"""/privacy show and /privacy delete across every feature.

Every repository that stores something about a person implements :class:`PersonalData` and is registered
here (in ``Services.build``), so "show me my data" and "forget me" reach all of it. A feature that keeps
text after deletion (insights) must anonymise it in its own ``forget_user``: drop the user id and any
name, keep the words.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol

from bot.domain.clock import Clock
from storage.customers import CustomerRepository
from storage.database import Store, Transaction


class PersonalData(Protocol):
    async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
        """Everything stored about the person in this guild, JSON-ready, keyed by a section name
        (e.g. ``{"rsvps": [...]}``); an empty dict when there is nothing."""
        ...

    async def forget_user(self, tx: Transaction, guild_id: int, user_id: int) -> None:
        """Delete (or anonymise) everything stored about the person in this guild."""
        ...


class PrivacyService:
    """Reads every source in one snapshot and forgets in one transaction: a crash half-way through
    "forget me" leaves everything, never a half-deleted person."""

    def __init__(
        self,
        db: Store,
        sources: Iterable[PersonalData],
        clock: Clock,
        customers: CustomerRepository,
        *,
        settle_seats: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self._db = db
        self._sources = list(sources)
        self._clock = clock
        self._customers = customers
        self._settle_seats = settle_seats  # a seat the person held goes to the next in line now, not at the next chore

    def register(self, source: PersonalData) -> None:
        if source not in self._sources:
            self._sources.append(source)

    async def export(self, guild_id: int, user_id: int) -> dict[str, object]:
        """All of a person's data in a guild, as one JSON-ready document."""
        document: dict[str, object] = {
            "guild_id": str(guild_id),
            "user_id": str(user_id),
            "exported_at": self._clock().isoformat(),
        }
        async with self._db.read() as tx:
            for source in self._sources:
                for section, value in (await source.export_user(tx, guild_id, user_id)).items():
                    document[section] = value
        return document

    async def forget(self, guild_id: int, user_id: int, *, username: str | None = None) -> None:
        """Forget the person; with their ``username``, also the row a manager imported under it (it is theirs)."""
        async with self._db.transaction() as tx:
            if username is not None:
                await self._customers.link_imported(tx, guild_id, user_id, username=username, at=self._clock())
            for source in self._sources:
                await source.forget_user(tx, guild_id, user_id)
        if self._settle_seats is not None:
            await self._settle_seats()
