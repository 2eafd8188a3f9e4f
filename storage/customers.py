"""Customers, their opt-ins and stop requests, and pending CSV imports.

Each repository that holds personal data implements ``export_user`` and ``forget_user`` (the
``PersonalData`` protocol of bot/services/privacy.py) so /privacy can show and delete everything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.domain.customer_import import ImportRow
from bot.domain.customers import Customer, OptIn, Profile, StopRequest
from storage.codecs import decode_datetime, encode_datetime
from storage.database import Row, Transaction

Progress = Callable[[int, int], Awaitable[None]]
IMPORT_CHUNK = 5_000

_PROFILE_FIELDS = ("what_i_do", "offer", "seek", "company", "website")


def _customer(row: Row) -> Customer:
    return Customer(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        discord_name=row["discord_name"],
        name=row["name"],
        email=row["email"],
        city_id=row["city_id"],
        profile=Profile(**{name: row[name] for name in _PROFILE_FIELDS}),
        source=row["source"],
        consented=row["consented_at"] is not None,
        opt_ins=frozenset(opt_in for opt_in in OptIn if row[opt_in.value]),
    )


@dataclass(frozen=True, slots=True)
class ImportCounts:
    added: int
    updated: int


class CustomerRepository:
    async def get(self, tx: Transaction, guild_id: int, user_id: int) -> Customer | None:
        row = await tx.fetch_one("SELECT * FROM customers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
        return None if row is None else _customer(row)

    async def imported_as(self, tx: Transaction, guild_id: int, username: str) -> Customer | None:
        """The row a manager imported under this Discord username, not yet linked to a member."""
        row = await tx.fetch_one(
            "SELECT * FROM customers WHERE guild_id = ? AND discord_name = ? AND user_id IS NULL",
            (guild_id, username.lower()),
        )
        return None if row is None else _customer(row)

    async def ensure(
        self, tx: Transaction, guild_id: int, user_id: int, *, username: str, name: str, at: dt.datetime
    ) -> None:
        """Make sure the member has a row: link the one a manager imported under their username, or add one."""
        when = encode_datetime(at)
        if await tx.fetch_one("SELECT 1 FROM customers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)):
            return
        linked = await tx.execute(
            "UPDATE customers SET user_id = ?, name = COALESCE(name, ?), updated_at = ? "
            "WHERE guild_id = ? AND discord_name = ? AND user_id IS NULL",
            (user_id, name, when, guild_id, username.lower()),
        )
        if not linked:  # keep the username too, so a later import by discord_name finds this row
            await tx.insert(
                "INSERT INTO customers (guild_id, user_id, discord_name, name, source, created_at, updated_at) "
                "VALUES (?, ?, (SELECT CASE WHEN EXISTS (SELECT 1 FROM customers WHERE guild_id = ? "
                "AND discord_name = ?) THEN NULL ELSE ? END), ?, 'discord', ?, ?)",
                (guild_id, user_id, guild_id, username.lower(), username.lower(), name, when, when),
            )

    async def link_imported(
        self, tx: Transaction, guild_id: int, user_id: int, *, username: str, at: dt.datetime
    ) -> bool:
        """Give the member the row a manager imported under their username, if they have none yet."""
        return bool(
            await tx.execute(
                "UPDATE customers SET user_id = ?, updated_at = ? "
                "WHERE guild_id = ? AND discord_name = ? AND user_id IS NULL AND NOT EXISTS "
                "(SELECT 1 FROM customers WHERE guild_id = ? AND user_id = ?)",
                (user_id, encode_datetime(at), guild_id, username.lower(), guild_id, user_id),
            )
        )

    async def set_city(self, tx: Transaction, guild_id: int, user_id: int, city_id: int, *, at: dt.datetime) -> None:
        await self._update(tx, guild_id, user_id, "city_id = ?", (city_id,), at)

    async def record_consent(self, tx: Transaction, guild_id: int, user_id: int, *, at: dt.datetime) -> None:
        await self._update(
            tx, guild_id, user_id, "consented_at = COALESCE(consented_at, ?)", (encode_datetime(at),), at
        )

    async def save_profile(
        self, tx: Transaction, guild_id: int, user_id: int, profile: Profile, *, at: dt.datetime
    ) -> None:
        assignments = ", ".join(f"{name} = ?" for name in _PROFILE_FIELDS)
        values = tuple(getattr(profile, name) for name in _PROFILE_FIELDS)
        await self._update(tx, guild_id, user_id, assignments, values, at)

    async def set_opt_in(
        self, tx: Transaction, guild_id: int, user_id: int, opt_in: OptIn, value: bool, *, at: dt.datetime
    ) -> None:
        await self._update(tx, guild_id, user_id, f"{OptIn(opt_in).value} = ?", (int(value),), at)

    async def _update(
        self,
        tx: Transaction,
        guild_id: int,
        user_id: int,
        assignments: str,
        values: tuple[object, ...],
        at: dt.datetime,
    ) -> None:
        changed = await tx.execute(
            f"UPDATE customers SET {assignments}, updated_at = ? WHERE guild_id = ? AND user_id = ?",  # noqa: S608 - column names are ours
            (*values, encode_datetime(at), guild_id, user_id),
        )
        if changed != 1:
            raise LookupError(f"no customer row for user {user_id} in guild {guild_id}")

    async def counts_by_city(self, tx: Transaction, guild_id: int) -> dict[int, int]:
        rows = await tx.fetch_all(
            "SELECT city_id, COUNT(*) AS n FROM customers WHERE guild_id = ? AND city_id IS NOT NULL GROUP BY city_id",
            (guild_id,),
        )
        return {row["city_id"]: row["n"] for row in rows}

    async def in_cities(self, tx: Transaction, guild_id: int, city_ids: Sequence[int]) -> list[Customer]:
        """Customers living in any of the cities, in a stable order (by name, then id)."""
        if not city_ids:
            return []
        await _load_ids(tx, city_ids)
        rows = await tx.fetch_all(
            "SELECT * FROM customers WHERE guild_id = ? AND city_id IN (SELECT id FROM temp.wanted_ids) "
            "ORDER BY COALESCE(name, discord_name, email) COLLATE NOCASE, id",
            (guild_id,),
        )
        return [_customer(row) for row in rows]

    async def opted_in_user_ids(
        self, tx: Transaction, guild_id: int, city_ids: Sequence[int], opt_in: OptIn
    ) -> list[int]:
        """Members (with a user id) living in any of the cities who turned ``opt_in`` on, by user id."""
        if not city_ids:
            return []
        await _load_ids(tx, city_ids)
        rows = await tx.fetch_all(
            f"SELECT user_id FROM customers WHERE guild_id = ? AND {OptIn(opt_in).value} = 1 "  # noqa: S608 - our column
            "AND user_id IS NOT NULL AND city_id IN (SELECT id FROM temp.wanted_ids) ORDER BY user_id",
            (guild_id,),
        )
        return [row["user_id"] for row in rows]

    async def names_of(self, tx: Transaction, guild_id: int, user_ids: Sequence[int]) -> dict[int, str]:
        """The names customers go by (their name, else their Discord username), for the ids we know."""
        if not user_ids:
            return {}
        await _load_ids(tx, user_ids)
        rows = await tx.fetch_all(
            "SELECT user_id, COALESCE(name, discord_name) AS shown FROM customers WHERE guild_id = ? "
            "AND user_id IN (SELECT id FROM temp.wanted_ids) AND COALESCE(name, discord_name) IS NOT NULL",
            (guild_id,),
        )
        return {row["user_id"]: row["shown"] for row in rows}

    async def by_users(self, tx: Transaction, guild_id: int, user_ids: Sequence[int]) -> dict[int, Customer]:
        """The customers among these members, by user id."""
        if not user_ids:
            return {}
        await _load_ids(tx, user_ids)
        rows = await tx.fetch_all(
            "SELECT * FROM customers WHERE guild_id = ? AND user_id IN (SELECT id FROM temp.wanted_ids)", (guild_id,)
        )
        return {row["user_id"]: _customer(row) for row in rows}

    async def all_in_guild(self, tx: Transaction, guild_id: int) -> list[Customer]:
        rows = await tx.fetch_all("SELECT * FROM customers WHERE guild_id = ? ORDER BY id", (guild_id,))
        return [_customer(row) for row in rows]

    async def known_identities(self, tx: Transaction, guild_id: int) -> set[tuple[str, str]]:
        """("discord_id", "123"), ("discord_name", "ana"), ("email", "a@b.c") of every customer of the guild."""
        rows = await tx.fetch_all("SELECT user_id, discord_name, email FROM customers WHERE guild_id = ?", (guild_id,))
        known: set[tuple[str, str]] = set()
        for row in rows:
            for kind, value in zip(("discord_id", "discord_name", "email"), row, strict=True):
                if value is not None:
                    known.add((kind, str(value)))
        return known

    async def apply_import(
        self,
        tx: Transaction,
        guild_id: int,
        rows: Sequence[ImportRow],
        *,
        at: dt.datetime,
        progress: Progress | None = None,
    ) -> ImportCounts:
        """Write checked rows (all or nothing: the caller's transaction), matching existing customers by
        discord_id, then discord_name, then email. Empty cells keep what is stored; what a customer
        entered themselves (after consenting) is never overwritten by a spreadsheet."""
        when = encode_datetime(at)
        added = updated = 0
        index = await _IdentityIndex.load(tx, guild_id)
        for start in range(0, len(rows), IMPORT_CHUNK):
            inserts, updates = index.split(rows[start : start + IMPORT_CHUNK], guild_id, when)
            await tx.execute_many(_INSERT_IMPORTED, inserts)
            await tx.execute_many(_UPDATE_IMPORTED, updates)
            added, updated = added + len(inserts), updated + len(updates)
            if progress is not None:
                await progress(start + len(inserts) + len(updates), len(rows))
        return ImportCounts(added, updated)

    async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
        row = await tx.fetch_one("SELECT * FROM customers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
        if row is None:
            return {}
        stored = dict(zip(row.keys(), row, strict=True))
        return {"customer": {key: value for key, value in stored.items() if key not in {"id", "guild_id"}}}

    async def forget_user(self, tx: Transaction, guild_id: int, user_id: int) -> None:
        await tx.execute("DELETE FROM customers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))


_IMPORT_COLUMNS = ("user_id", "discord_name", "email", "name", "city_id", *_PROFILE_FIELDS)
_INSERT_IMPORTED = (
    f"INSERT INTO customers (guild_id, {', '.join(_IMPORT_COLUMNS)}, source, created_at, updated_at) "  # noqa: S608
    f"VALUES (?, {', '.join('?' for _ in _IMPORT_COLUMNS)}, 'import', ?, ?)"
)
# Spreadsheet values fill the gaps of what a consenting customer wrote; otherwise non-empty cells win.
_UPDATE_IMPORTED = (
    "UPDATE customers SET user_id = COALESCE(user_id, ?), discord_name = COALESCE(discord_name, ?), "  # noqa: S608
    "email = COALESCE(email, ?), "
    + ", ".join(
        f"{name} = CASE WHEN consented_at IS NULL THEN COALESCE(?, {name}) ELSE COALESCE({name}, ?) END"
        for name in ("name", "city_id", *_PROFILE_FIELDS)
    )
    + ", updated_at = ? WHERE id = ? AND guild_id = ?"
)


async def _load_ids(tx: Transaction, ids: Iterable[int]) -> None:
    """A temp table of ids to filter by (a city radius can cover hundreds of towns)."""
    await tx.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_ids (id BIGINT PRIMARY KEY)")
    await tx.execute("DELETE FROM temp.wanted_ids")
    await tx.execute_many("INSERT INTO temp.wanted_ids (id) VALUES (?) ON CONFLICT DO NOTHING", [(i,) for i in ids])


class _IdentityIndex:
    """Which customer row each discord_id / discord_name / email already belongs to."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, object], int] = {}

    @classmethod
    async def load(cls, tx: Transaction, guild_id: int) -> _IdentityIndex:
        index = cls()
        rows = await tx.fetch_all(
            "SELECT id, user_id, discord_name, email FROM customers WHERE guild_id = ?", (guild_id,)
        )
        for row in rows:
            for kind in ("user_id", "discord_name", "email"):
                if row[kind] is not None:
                    index.by_key[(kind, row[kind])] = row["id"]
        return index

    def split(
        self, rows: Sequence[ImportRow], guild_id: int, when: str
    ) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        inserts: list[tuple[object, ...]] = []
        updates: list[tuple[object, ...]] = []
        for row in rows:
            keys = (("user_id", row.user_id), ("discord_name", row.discord_name), ("email", row.email))
            owner = next((self.by_key[key] for key in keys if key in self.by_key), None)
            # A key that already belongs to another customer stays there (moving it would break uniqueness).
            user_id, discord_name, email = (
                None if key in self.by_key and self.by_key[key] != owner else key[1] for key in keys
            )
            profile = tuple(getattr(row.profile, name) for name in _PROFILE_FIELDS)
            if owner is None:
                inserts.append(
                    (guild_id, user_id, discord_name, email, row.name, row.city.geonameid, *profile, when, when)
                )
            else:
                pairs = [value for value in (row.name, row.city.geonameid, *profile) for _ in range(2)]
                updates.append((user_id, discord_name, email, *pairs, when, owner, guild_id))
        return inserts, updates


class StopRequestRepository:
    async def upsert(self, tx: Transaction, request: StopRequest, *, at: dt.datetime) -> int:
        """Save (or update the note of) a request; returns how many people asked for that city."""
        when = encode_datetime(at)
        await tx.execute(
            "INSERT INTO stop_requests (guild_id, user_id, city_id, note, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, city_id, user_id) DO UPDATE SET note = excluded.note, "
            "updated_at = excluded.updated_at",
            (request.guild_id, request.user_id, request.city_id, request.note, when, when),
        )
        row = await tx.fetch_one(
            "SELECT COUNT(*) AS n FROM stop_requests WHERE guild_id = ? AND city_id = ?",
            (request.guild_id, request.city_id),
        )
        assert row is not None
        return int(row["n"])

    async def counts_by_city(self, tx: Transaction, guild_id: int) -> dict[int, int]:
        rows = await tx.fetch_all(
            "SELECT city_id, COUNT(*) AS n FROM stop_requests WHERE guild_id = ? GROUP BY city_id", (guild_id,)
        )
        return {row["city_id"]: row["n"] for row in rows}

    async def for_user(self, tx: Transaction, guild_id: int, user_id: int) -> list[StopRequest]:
        rows = await tx.fetch_all(
            "SELECT * FROM stop_requests WHERE guild_id = ? AND user_id = ? ORDER BY created_at, city_id",
            (guild_id, user_id),
        )
        return [StopRequest(r["guild_id"], r["user_id"], r["city_id"], r["note"]) for r in rows]

    async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
        rows = await tx.fetch_all(
            "SELECT city_id, note, created_at, updated_at FROM stop_requests WHERE guild_id = ? AND user_id = ? "
            "ORDER BY created_at, city_id",
            (guild_id, user_id),
        )
        return {"stop_requests": [dict(zip(row.keys(), row, strict=True)) for row in rows]} if rows else {}

    async def forget_user(self, tx: Transaction, guild_id: int, user_id: int) -> None:
        await tx.execute("DELETE FROM stop_requests WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))


@dataclass(frozen=True, slots=True)
class PendingImport:
    id: int
    guild_id: int
    created_by: int
    filename: str
    content: str
    done: bool
    created_at: dt.datetime


class CustomerImportRepository:
    """CSV files between the dry run and the Confirm button."""

    async def add(
        self, tx: Transaction, guild_id: int, created_by: int, filename: str, content: str, *, at: dt.datetime
    ) -> int:
        return await tx.insert(
            "INSERT INTO customer_imports (guild_id, created_by, filename, content, created_at) VALUES (?, ?, ?, ?, ?)",
            (guild_id, created_by, filename, content, encode_datetime(at)),
        )

    async def get(self, tx: Transaction, import_id: int) -> PendingImport | None:
        row = await tx.fetch_one("SELECT * FROM customer_imports WHERE id = ?", (import_id,))
        if row is None:
            return None
        return PendingImport(
            row["id"],
            row["guild_id"],
            row["created_by"],
            row["filename"],
            row["content"],
            row["status"] == "done",
            decode_datetime(row["created_at"]),
        )

    async def drop_stale(self, tx: Transaction, *, before: dt.datetime) -> int:
        """Empty files whose dry run nobody confirmed in time (they hold other people's data). The rows stay,
        so an import id is never reused and an old Confirm button can't import a newer file."""
        return await tx.execute(
            "UPDATE customer_imports SET content = '' WHERE status = 'pending' AND created_at < ? AND content != ''",
            (encode_datetime(before),),
        )

    async def claim(self, tx: Transaction, guild_id: int, import_id: int, *, at: dt.datetime) -> bool:
        """Mark a pending import done and drop its file (it holds other people's data); False if it was done
        (compare-and-set: two managers pressing Confirm at once import it once)."""
        changed = await tx.execute(
            "UPDATE customer_imports SET status = 'done', content = '', finished_at = ? "
            "WHERE id = ? AND guild_id = ? AND status = 'pending'",
            (encode_datetime(at), import_id, guild_id),
        )
        return changed == 1

    async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
        rows = await tx.fetch_all(
            "SELECT filename, status, created_at, finished_at FROM customer_imports "
            "WHERE guild_id = ? AND created_by = ? ORDER BY id",
            (guild_id, user_id),
        )
        return {"customer_imports": [dict(zip(row.keys(), row, strict=True)) for row in rows]} if rows else {}

    async def forget_user(self, tx: Transaction, guild_id: int, user_id: int) -> None:
        # Anonymised rather than deleted, so import ids are never reused (see drop_stale).
        await tx.execute(
            "UPDATE customer_imports SET created_by = 0, filename = '', content = '', status = 'done' "
            "WHERE guild_id = ? AND created_by = ?",
            (guild_id, user_id),
        )
