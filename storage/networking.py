"""Introductions, seating plans, card swaps and connection outcomes (issue 11).

Every query is scoped to a guild; /privacy (``export_user`` / ``forget_user``) covers a person on either
side of a pair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.networking.outcomes import NetworkingCounts, Outcome
from storage.codecs import decode_datetime, encode_datetime
from storage.database import Transaction


@dataclass(frozen=True, slots=True)
class StoredIntroduction:
    meal_id: int
    user_id: int
    peer_id: int
    reason: str
    mutual: bool


class NetworkingRepository:
    # ------------------------------------------------------------------------------- introductions

    async def introduced_pairs(self, tx: Transaction, guild_id: int) -> set[frozenset[int]]:
        """Every pair introduced in the server, at a meal or between tours (either direction)."""
        rows = await tx.fetch_all(
            "SELECT user_id, peer_id FROM introductions WHERE guild_id = ?"
            " UNION SELECT user_id, peer_id FROM local_introductions WHERE guild_id = ?",
            (guild_id, guild_id),
        )
        return {frozenset((row["user_id"], row["peer_id"])) for row in rows}

    # ------------------------------------------------------------------------------- between tours

    async def last_local_round(self, tx: Transaction, guild_id: int) -> dt.datetime | None:
        row = await tx.fetch_one("SELECT ran_at FROM local_intro_rounds WHERE guild_id = ?", (guild_id,))
        return None if row is None else decode_datetime(row["ran_at"])

    async def add_local_round(
        self, tx: Transaction, guild_id: int, rows: Iterable[tuple[int, int, str]], at: dt.datetime
    ) -> None:
        stamp = encode_datetime(at)
        await tx.execute_many(
            "INSERT INTO local_introductions (guild_id, round_at, user_id, peer_id, reason, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(guild_id, stamp, user_id, peer_id, reason, stamp) for user_id, peer_id, reason in rows],
        )
        await tx.execute(
            "INSERT INTO local_intro_rounds (guild_id, ran_at) VALUES (?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET ran_at = excluded.ran_at",
            (guild_id, stamp),
        )

    async def local_introduction(self, tx: Transaction, guild_id: int, user_id: int, peer_id: int) -> str | None:
        """The reason this person was given for meeting that one between tours (None: gone, or forgotten)."""
        row = await tx.fetch_one(
            "SELECT reason FROM local_introductions WHERE guild_id = ? AND user_id = ? AND peer_id = ?",
            (guild_id, user_id, peer_id),
        )
        return None if row is None else row["reason"]

    async def add_introductions(
        self,
        tx: Transaction,
        guild_id: int,
        meal_id: int,
        rows: Iterable[tuple[int, int, str, float, bool]],
        at: dt.datetime,
    ) -> None:
        await tx.execute_many(
            "INSERT INTO introductions (guild_id, meal_id, user_id, peer_id, reason, score, mutual,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                (guild_id, meal_id, u, p, reason, score, int(mutual), encode_datetime(at))
                for u, p, reason, score, mutual in rows
            ],
        )

    async def introductions(self, tx: Transaction, guild_id: int, meal_id: int) -> list[StoredIntroduction]:
        rows = await tx.fetch_all(
            "SELECT meal_id, user_id, peer_id, reason, mutual FROM introductions WHERE guild_id = ? AND meal_id = ?"
            " ORDER BY user_id, mutual DESC, score DESC, id",
            (guild_id, meal_id),
        )
        return [
            StoredIntroduction(r["meal_id"], r["user_id"], r["peer_id"], r["reason"], bool(r["mutual"])) for r in rows
        ]

    # ------------------------------------------------------------------------------- seating

    async def save_seating(self, tx: Transaction, meal_id: int, tables: Sequence[Sequence[int]]) -> None:
        await tx.execute("DELETE FROM seats WHERE meal_id = ?", (meal_id,))
        await tx.execute_many(
            "INSERT INTO seats (meal_id, user_id, table_no) VALUES (?, ?, ?)",
            [(meal_id, user_id, number) for number, table in enumerate(tables, start=1) for user_id in table],
        )

    async def peers(self, tx: Transaction, guild_id: int, meal_id: int, user_id: int) -> list[int]:
        """The people this person was introduced to (either way) or sat with at the meal, who still have
        introductions turned on: introduced first, then tablemates, each once."""
        rows = await tx.fetch_all(
            """
            SELECT other FROM (
                SELECT peer_id AS other, 0 AS rank FROM introductions
                 WHERE guild_id = ? AND meal_id = ? AND user_id = ?
                UNION SELECT user_id, 0 FROM introductions WHERE guild_id = ? AND meal_id = ? AND peer_id = ?
                UNION SELECT b.user_id, 1 FROM seats a JOIN seats b ON b.meal_id = a.meal_id AND b.table_no = a.table_no
                 WHERE a.meal_id = ? AND a.user_id = ? AND b.user_id != a.user_id
            ) AS others JOIN customers c ON c.guild_id = ? AND c.user_id = other AND c.introductions = 1
            GROUP BY other ORDER BY MIN(rank), other
            """,
            (guild_id, meal_id, user_id, guild_id, meal_id, user_id, meal_id, user_id, guild_id),
        )
        return [row["other"] for row in rows]

    async def introductions_for(
        self, tx: Transaction, guild_id: int, meal_id: int, user_id: int
    ) -> list[StoredIntroduction]:
        return [i for i in await self.introductions(tx, guild_id, meal_id) if i.user_id == user_id]

    async def swapped_with(self, tx: Transaction, guild_id: int, meal_id: int, user_id: int) -> list[int]:
        rows = await tx.fetch_all(
            "SELECT a.peer_id FROM card_offers a JOIN card_offers b"
            " ON b.meal_id = a.meal_id AND b.user_id = a.peer_id AND b.peer_id = a.user_id"
            " WHERE a.guild_id = ? AND a.meal_id = ? AND a.user_id = ? ORDER BY a.created_at, a.peer_id",
            (guild_id, meal_id, user_id),
        )
        return [row["peer_id"] for row in rows]

    async def answered(self, tx: Transaction, guild_id: int, meal_id: int, user_id: int) -> set[int]:
        """Whom this person said whether they connected with."""
        return await _peers_in(tx, "connections", guild_id, meal_id, user_id)

    async def offer_card(
        self,
        tx: Transaction,
        guild_id: int,
        meal_id: int,
        user_id: int,
        peer_id: int,
        contact: str | None,
        at: dt.datetime,
    ) -> bool:
        """Record one side's consent; True if it is new."""
        changed = await tx.execute(
            "INSERT INTO card_offers (guild_id, meal_id, user_id, peer_id, contact, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, meal_id, user_id, peer_id, contact, encode_datetime(at)),
        )
        if not changed:  # offered before: the newest contact is the one to show
            await tx.execute(
                "UPDATE card_offers SET contact = ? WHERE meal_id = ? AND user_id = ? AND peer_id = ? AND guild_id = ?",
                (contact, meal_id, user_id, peer_id, guild_id),
            )
        return bool(changed)

    async def offered_to(self, tx: Transaction, guild_id: int, meal_id: int, user_id: int) -> set[int]:
        """Whom this person offered their card to."""
        return await _peers_in(tx, "card_offers", guild_id, meal_id, user_id)

    async def card_contact(
        self, tx: Transaction, guild_id: int, meal_id: int, user_id: int, peer_id: int
    ) -> str | None:
        row = await tx.fetch_one(
            "SELECT contact FROM card_offers WHERE guild_id = ? AND meal_id = ? AND user_id = ? AND peer_id = ?",
            (guild_id, meal_id, user_id, peer_id),
        )
        return None if row is None else row["contact"]

    async def agreed(self, tx: Transaction, guild_id: int, meal_id: int, user_id: int, peer_id: int) -> bool:
        """Both sides offered their cards to each other."""
        row = await tx.fetch_one(
            "SELECT COUNT(*) AS n FROM card_offers WHERE guild_id = ? AND meal_id = ?"
            " AND ((user_id = ? AND peer_id = ?) OR (user_id = ? AND peer_id = ?))",
            (guild_id, meal_id, user_id, peer_id, peer_id, user_id),
        )
        return row is not None and row["n"] == 2

    async def last_contact(self, tx: Transaction, guild_id: int, user_id: int) -> str | None:
        """What this person last chose to put on their card (to prefill the next swap)."""
        row = await tx.fetch_one(
            "SELECT contact FROM card_offers WHERE guild_id = ? AND user_id = ? AND contact IS NOT NULL"
            " ORDER BY created_at DESC LIMIT 1",
            (guild_id, user_id),
        )
        return None if row is None else row["contact"]

    # ------------------------------------------------------------------------------- follow-up

    async def record_connection(
        self,
        tx: Transaction,
        guild_id: int,
        meal_id: int,
        user_id: int,
        peer_id: int,
        outcome: Outcome,
        at: dt.datetime,
    ) -> None:
        await tx.execute(
            "INSERT INTO connections (guild_id, meal_id, user_id, peer_id, outcome, answered_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (meal_id, user_id, peer_id)"
            " DO UPDATE SET outcome = excluded.outcome, answered_at = excluded.answered_at",
            (guild_id, meal_id, user_id, peer_id, outcome.value, encode_datetime(at)),
        )

    # ------------------------------------------------------------------------------- city threads

    async def city_thread(self, tx: Transaction, guild_id: int, geonameid: int) -> int | None:
        row = await tx.fetch_one(
            "SELECT thread_id FROM city_threads WHERE guild_id = ? AND geonameid = ?", (guild_id, geonameid)
        )
        return None if row is None else row["thread_id"]

    async def thread_newcomers(self, tx: Transaction, guild_id: int, geonameid: int) -> list[int]:
        """Customers of the city who turned introductions on and are not in its thread yet."""
        rows = await tx.fetch_all(
            "SELECT c.user_id FROM customers c WHERE c.guild_id = ? AND c.city_id = ? AND c.introductions = 1"
            " AND c.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM city_thread_members m"
            " WHERE m.guild_id = c.guild_id AND m.geonameid = c.city_id AND m.user_id = c.user_id)"
            " ORDER BY c.user_id",
            (guild_id, geonameid),
        )
        return [row["user_id"] for row in rows]

    async def thread_members(self, tx: Transaction, guild_id: int, geonameid: int) -> int:
        row = await tx.fetch_one(
            "SELECT COUNT(*) AS n FROM city_thread_members WHERE guild_id = ? AND geonameid = ?", (guild_id, geonameid)
        )
        return 0 if row is None else int(row["n"])

    async def save_thread(
        self, tx: Transaction, guild_id: int, geonameid: int, thread_id: int, added: Sequence[int], at: dt.datetime
    ) -> None:
        """The city's thread (a new one replaces one that was deleted: then everyone is added again)."""
        previous = await self.city_thread(tx, guild_id, geonameid)
        if previous != thread_id:
            await tx.execute(
                "DELETE FROM city_thread_members WHERE guild_id = ? AND geonameid = ?", (guild_id, geonameid)
            )
            await tx.execute(
                "INSERT INTO city_threads (guild_id, geonameid, thread_id, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (guild_id, geonameid) DO UPDATE SET thread_id = excluded.thread_id",
                (guild_id, geonameid, thread_id, encode_datetime(at)),
            )
        await tx.execute_many(
            "INSERT INTO city_thread_members (guild_id, geonameid, user_id, added_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [(guild_id, geonameid, user_id, encode_datetime(at)) for user_id in added],
        )

    # ------------------------------------------------------------------------------- reports

    async def counts(self, tx: Transaction, guild_id: int, meal_ids: Sequence[int]) -> NetworkingCounts:
        if not meal_ids:
            return NetworkingCounts()
        marks = ",".join("?" * len(meal_ids))
        scope = (guild_id, *meal_ids)
        row = await tx.fetch_one(
            f"""
            SELECT
              (SELECT COUNT(*) FROM introductions WHERE guild_id = ? AND meal_id IN ({marks})) AS introductions,
              (SELECT COUNT(*) FROM introductions i JOIN card_offers c
                 ON c.meal_id = i.meal_id AND c.user_id = i.user_id AND c.peer_id = i.peer_id
               WHERE i.guild_id = ? AND i.meal_id IN ({marks})) AS accepted,
              (SELECT COUNT(*) FROM card_offers a JOIN card_offers b
                 ON b.meal_id = a.meal_id AND b.user_id = a.peer_id AND b.peer_id = a.user_id
               WHERE a.guild_id = ? AND a.meal_id IN ({marks}) AND a.user_id < a.peer_id) AS swapped,
              (SELECT COUNT(DISTINCT meal_id || ':' || CASE WHEN user_id < peer_id THEN user_id || ':' || peer_id
                                                              ELSE peer_id || ':' || user_id END)
               FROM connections WHERE guild_id = ? AND meal_id IN ({marks}) AND outcome = 'yes') AS connected
            """,  # noqa: S608 - only placeholders are interpolated
            (*scope, *scope, *scope, *scope),
        )
        assert row is not None
        return NetworkingCounts(row["introductions"], row["accepted"], row["swapped"], row["connected"])

    # ------------------------------------------------------------------------------- privacy

    async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
        """What this person was told, offered and answered. Rows where they are the other side stay out: an
        offer they never returned must not reveal itself, and what others answered about them is theirs."""
        data: dict[str, object] = {}
        for table, columns in _PERSONAL.items():
            rows = await tx.fetch_all(
                f"SELECT {columns} FROM {table} WHERE guild_id = ? AND user_id = ?",  # noqa: S608 - fixed names
                (guild_id, user_id),
            )
            if rows:
                data[table] = [dict(row) for row in rows]
        seats = await tx.fetch_all(
            "SELECT s.meal_id, s.table_no FROM seats s JOIN meals m ON m.id = s.meal_id"
            " WHERE m.guild_id = ? AND s.user_id = ?",
            (guild_id, user_id),
        )
        if seats:
            data["seats"] = [dict(row) for row in seats]
        threads = await tx.fetch_all(
            "SELECT t.thread_id, m.added_at FROM city_thread_members m JOIN city_threads t"
            " ON t.guild_id = m.guild_id AND t.geonameid = m.geonameid WHERE m.guild_id = ? AND m.user_id = ?",
            (guild_id, user_id),
        )
        if threads:
            data["city_threads"] = [dict(row) for row in threads]
        return data

    async def forget_user(self, tx: Transaction, guild_id: int, user_id: int) -> None:
        for table in _PERSONAL:
            await tx.execute(
                f"DELETE FROM {table} WHERE guild_id = ? AND (user_id = ? OR peer_id = ?)",  # noqa: S608 - fixed names
                (guild_id, user_id, user_id),
            )
        await tx.execute(
            "DELETE FROM seats WHERE user_id = ? AND meal_id IN (SELECT id FROM meals WHERE guild_id = ?)",
            (user_id, guild_id),
        )
        await tx.execute("DELETE FROM city_thread_members WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))


async def _peers_in(tx: Transaction, table: str, guild_id: int, meal_id: int, user_id: int) -> set[int]:
    """The other side of this person's rows of a meal in a table of pairs (``table`` is one of ours)."""
    rows = await tx.fetch_all(
        f"SELECT peer_id FROM {table} WHERE guild_id = ? AND meal_id = ? AND user_id = ?",  # noqa: S608
        (guild_id, meal_id, user_id),
    )
    return {row["peer_id"] for row in rows}


# Tables holding pairs of people, with the columns a person's export shows.
_PERSONAL = {
    "introductions": "meal_id, user_id, peer_id, reason, created_at",
    "local_introductions": "user_id, peer_id, reason, created_at",
    "card_offers": "meal_id, user_id, peer_id, contact, created_at",
    "connections": "meal_id, user_id, peer_id, outcome, answered_at",
}
