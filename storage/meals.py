"""SQL for meals, RSVPs, reminders and DM failures. Methods take the open transaction (``tx``) so a
service can make one decision over several reads and writes atomically."""

from __future__ import annotations

import datetime as dt

from bot.domain.meals import Headcount, Meal, MealPlace, MealSlot, MealStatus, Rsvp, RsvpStatus
from storage.codecs import (
    decode_datetime,
    decode_optional_datetime,
    encode_datetime,
    encode_optional_datetime,
)
from storage.database import Row, Transaction, row_lock


class MealRepository:
    async def create(self, tx: Transaction, meal: Meal, now: dt.datetime) -> int:
        """Store a new meal (its ``id`` is ignored: the database assigns one) and return its id."""
        place = meal.place
        return await tx.insert(
            """
            INSERT INTO meals (guild_id, tour_id, tour_slot, geonameid, city, city_label, timezone, latitude,
                               longitude, slot, venue, starts_at, ends_at, capacity, question, rsvp_cutoff, host_id,
                               channel_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                meal.guild_id, meal.tour_id, meal.tour_slot, place.geonameid, place.city, place.label,
                place.timezone, place.latitude, place.longitude, meal.slot.value, meal.venue,
                encode_datetime(meal.starts_at), encode_datetime(meal.ends_at), meal.capacity, meal.question,
                encode_optional_datetime(meal.rsvp_cutoff), meal.host_id, meal.channel_id, encode_datetime(now),
                encode_datetime(now),
            ),
        )  # fmt: skip

    async def get(self, tx: Transaction, meal_id: int, guild_id: int, *, lock: bool = False) -> Meal | None:
        """A meal of this guild only: guilds never see each other's meals. ``lock`` (in a write transaction):
        a decision about its seats follows, so another process deciding about them waits until this commits
        (PostgreSQL; SQLite has one writer at a time anyway)."""
        row = await tx.fetch_one(
            f"SELECT * FROM meals WHERE id = ? AND guild_id = ? {row_lock(tx, lock)}", (meal_id, guild_id)  # noqa: S608
        )
        return None if row is None else _meal(row)

    async def guild_for_member(self, tx: Transaction, meal_id: int, user_id: int) -> int | None:
        """The guild of a meal, only if this person answered or was invited (how DM buttons find it)."""
        row = await tx.fetch_one(
            """
            SELECT m.guild_id FROM meals m WHERE m.id = ? AND (
                EXISTS (SELECT 1 FROM rsvps r WHERE r.meal_id = m.id AND r.user_id = ?)
                OR EXISTS (SELECT 1 FROM outbox o WHERE o.meal_id = m.id AND o.user_id = ? AND o.kind = 'invitation'
                           AND o.status = 'sent'))
            """,
            (meal_id, user_id, user_id),
        )
        return None if row is None else int(row["guild_id"])

    async def same_dinner(self, tx: Transaction, meal: Meal) -> Meal | None:
        """A meal still on at the same place and time (a retried /meal add must not make a second one)."""
        row = await tx.fetch_one(
            "SELECT * FROM meals WHERE guild_id = ? AND geonameid = ? AND starts_at = ? AND status = 'scheduled' "
            "ORDER BY id LIMIT 1",
            (meal.guild_id, meal.place.geonameid, encode_datetime(meal.starts_at)),
        )
        return None if row is None else _meal(row)

    async def by_event(self, tx: Transaction, event_id: int) -> Meal | None:
        row = await tx.fetch_one("SELECT * FROM meals WHERE event_id = ?", (event_id,))
        return None if row is None else _meal(row)

    async def with_events(self, tx: Transaction, now: dt.datetime) -> list[Meal]:
        rows = await tx.fetch_all(
            "SELECT * FROM meals WHERE event_id IS NOT NULL AND status = 'scheduled' AND starts_at > ? ORDER BY id",
            (encode_datetime(now),),
        )
        return [_meal(row) for row in rows]

    async def needing_promotion(self, tx: Transaction, now: dt.datetime) -> list[Meal]:
        """Meals with a lapsed seat offer, or with free seats while people wait."""
        rows = await tx.fetch_all(
            """
            SELECT m.* FROM meals m
            WHERE EXISTS (SELECT 1 FROM rsvps r WHERE r.meal_id = m.id AND r.status = 'offered'
                                                  AND r.offer_expires_at <= :now)
               OR (m.status = 'scheduled' AND m.starts_at > :now
                   AND EXISTS (SELECT 1 FROM rsvps r WHERE r.meal_id = m.id AND r.status = 'waitlisted')
                   AND m.capacity > (SELECT COALESCE(SUM(1 + r.guests), 0) FROM rsvps r
                                     WHERE r.meal_id = m.id AND r.status IN ('going', 'offered')))
            ORDER BY m.id
            """,
            {"now": encode_datetime(now)},
        )
        return [_meal(row) for row in rows]

    async def posted_between(self, tx: Transaction, column: str, after: dt.datetime, until: dt.datetime) -> list[Meal]:
        """Posted, scheduled meals whose ``starts_at`` or ``ends_at`` lies in (after, until]."""
        assert column in ("starts_at", "ends_at")
        rows = await tx.fetch_all(
            f"SELECT * FROM meals WHERE status = 'scheduled' AND message_id IS NOT NULL "  # noqa: S608 - fixed names
            f"AND {column} > ? AND {column} <= ? ORDER BY id",
            (encode_datetime(after), encode_datetime(until)),
        )
        return [_meal(row) for row in rows]

    async def next_after(self, tx: Transaction, column: str, after: dt.datetime) -> dt.datetime | None:
        """The first posted, scheduled meal's ``starts_at`` or ``ends_at`` after ``after``."""
        assert column in ("starts_at", "ends_at")
        row = await tx.fetch_one(
            f"SELECT MIN({column}) AS t FROM meals WHERE status = 'scheduled' AND message_id IS NOT NULL "  # noqa: S608
            f"AND {column} > ?",
            (encode_datetime(after),),
        )
        return None if row is None else decode_optional_datetime(row["t"])

    async def upcoming(self, tx: Transaction, guild_id: int, now: dt.datetime, limit: int) -> list[Meal]:
        rows = await tx.fetch_all(
            "SELECT * FROM meals WHERE guild_id = ? AND ends_at > ? ORDER BY starts_at, id LIMIT ?",
            (guild_id, encode_datetime(now), limit),
        )
        return [_meal(row) for row in rows]

    async def recent(self, tx: Transaction, guild_id: int, limit: int) -> list[Meal]:
        rows = await tx.fetch_all(
            "SELECT * FROM meals WHERE guild_id = ? ORDER BY starts_at DESC, id DESC LIMIT ?", (guild_id, limit)
        )
        return [_meal(row) for row in rows]

    async def set_post(self, tx: Transaction, guild_id: int, meal_id: int, channel_id: int, message_id: int) -> None:
        await tx.execute(
            "UPDATE meals SET channel_id = ?, message_id = ? WHERE id = ? AND guild_id = ?",
            (channel_id, message_id, meal_id, guild_id),
        )

    async def set_event(self, tx: Transaction, guild_id: int, meal_id: int, event_id: int | None) -> None:
        await tx.execute("UPDATE meals SET event_id = ? WHERE id = ? AND guild_id = ?", (event_id, meal_id, guild_id))

    async def next_offer_expiry(self, tx: Transaction) -> dt.datetime | None:
        row = await tx.fetch_one("SELECT MIN(offer_expires_at) AS t FROM rsvps WHERE status = 'offered'")
        return None if row is None else decode_optional_datetime(row["t"])

    async def save(self, tx: Transaction, meal: Meal, now: dt.datetime) -> None:
        """Write back the fields /meal edit and /meal cancel may change."""
        await tx.execute(
            """
            UPDATE meals SET venue = ?, starts_at = ?, ends_at = ?, capacity = ?, question = ?, rsvp_cutoff = ?,
                             slot = ?, status = ?, updated_at = ?
            WHERE id = ? AND guild_id = ?
            """,
            (
                meal.venue, encode_datetime(meal.starts_at), encode_datetime(meal.ends_at), meal.capacity,
                meal.question, encode_optional_datetime(meal.rsvp_cutoff), meal.slot.value, meal.status.value,
                encode_datetime(now), meal.id, meal.guild_id,
            ),
        )  # fmt: skip


class RsvpRepository:
    async def get(self, tx: Transaction, meal_id: int, user_id: int) -> Rsvp | None:
        row = await tx.fetch_one("SELECT * FROM rsvps WHERE meal_id = ? AND user_id = ?", (meal_id, user_id))
        return None if row is None else _rsvp(row)

    async def all(self, tx: Transaction, meal_id: int) -> list[Rsvp]:
        rows = await tx.fetch_all("SELECT * FROM rsvps WHERE meal_id = ? ORDER BY seq", (meal_id,))
        return [_rsvp(row) for row in rows]

    async def headcount(self, tx: Transaction, meal: Meal, now: dt.datetime | None = None) -> tuple[Headcount, int]:
        """People per answer, and how many seat offers have lapsed by ``now`` (one query for both)."""
        rows = await tx.fetch_all(
            """
            SELECT status, SUM(1 + guests) AS people,
                   COUNT(*) FILTER (WHERE status = 'offered' AND offer_expires_at <= ?) AS lapsed
            FROM rsvps WHERE meal_id = ? GROUP BY status
            """,
            (encode_optional_datetime(now), meal.id),  # without ``now`` the comparison is NULL: none lapsed
        )
        people = {row["status"]: int(row["people"]) for row in rows}
        count = Headcount(
            capacity=meal.capacity,
            going=people.get(RsvpStatus.GOING, 0),
            offered=people.get(RsvpStatus.OFFERED, 0),
            maybe=people.get(RsvpStatus.MAYBE, 0),
            waitlisted=people.get(RsvpStatus.WAITLISTED, 0),
        )
        return count, sum(int(row["lapsed"] or 0) for row in rows)

    async def next_seq(self, tx: Transaction, meal_id: int) -> int:
        row = await tx.fetch_one("SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM rsvps WHERE meal_id = ?", (meal_id,))
        assert row is not None
        return int(row["seq"])

    async def put(
        self,
        tx: Transaction,
        rsvp: Rsvp,
        now: dt.datetime,
    ) -> None:
        await tx.execute(
            """
            INSERT INTO rsvps (meal_id, user_id, status, guests, answer, seq, offer_expires_at, checked_in_at,
                               created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (meal_id, user_id) DO UPDATE SET
                status = excluded.status, guests = excluded.guests, answer = excluded.answer, seq = excluded.seq,
                offer_expires_at = excluded.offer_expires_at, checked_in_at = excluded.checked_in_at,
                updated_at = excluded.updated_at
            """,
            (
                rsvp.meal_id, rsvp.user_id, rsvp.status.value, rsvp.guests, rsvp.answer, rsvp.seq,
                encode_optional_datetime(rsvp.offer_expires_at), encode_optional_datetime(rsvp.checked_in_at),
                encode_datetime(now), encode_datetime(now),
            ),
        )  # fmt: skip

    async def came(self, tx: Transaction, meal_id: int, user_id: int) -> bool:
        """Whether someone came to a meal: checked in; or, where nobody was checked in, going."""
        row = await tx.fetch_one(
            "SELECT r.status, r.checked_in_at, EXISTS (SELECT 1 FROM rsvps o WHERE o.meal_id = r.meal_id"
            " AND o.checked_in_at IS NOT NULL) AS anyone FROM rsvps r WHERE r.meal_id = ? AND r.user_id = ?",
            (meal_id, user_id),
        )
        if row is None or row["status"] != RsvpStatus.GOING.value:
            return False
        return row["checked_in_at"] is not None or not row["anyone"]

    async def waitlist(self, tx: Transaction, meal_id: int, limit: int | None = None) -> list[Rsvp]:
        """The waitlist in order of arrival (the first ``limit`` people; None for everyone)."""
        rows = await tx.fetch_all(
            f"SELECT * FROM rsvps WHERE meal_id = ? AND status = ? ORDER BY seq {'' if limit is None else 'LIMIT ?'}",  # noqa: S608
            (meal_id, RsvpStatus.WAITLISTED.value, *(() if limit is None else (limit,))),
        )
        return [_rsvp(row) for row in rows]

    async def waitlist_position(self, tx: Transaction, meal_id: int, user_id: int) -> int:
        row = await tx.fetch_one(
            """
            SELECT COUNT(*) AS ahead FROM rsvps
            WHERE meal_id = ? AND status = ? AND seq <= (SELECT seq FROM rsvps WHERE meal_id = ? AND user_id = ?)
            """,
            (meal_id, RsvpStatus.WAITLISTED.value, meal_id, user_id),
        )
        assert row is not None
        return int(row["ahead"])

    async def expired_offers(self, tx: Transaction, now: dt.datetime, meal_id: int) -> list[Rsvp]:
        rows = await tx.fetch_all(
            "SELECT * FROM rsvps WHERE meal_id = ? AND status = ? AND offer_expires_at <= ? ORDER BY seq",
            (meal_id, RsvpStatus.OFFERED.value, encode_datetime(now)),
        )
        return [_rsvp(row) for row in rows]

def _meal(row: Row) -> Meal:
    return Meal(
        id=row["id"],
        guild_id=row["guild_id"],
        place=MealPlace(
            geonameid=row["geonameid"],
            city=row["city"],
            label=row["city_label"],
            timezone=row["timezone"],
            latitude=row["latitude"],
            longitude=row["longitude"],
        ),
        slot=MealSlot(row["slot"]),
        starts_at=decode_datetime(row["starts_at"]),
        ends_at=decode_datetime(row["ends_at"]),
        capacity=row["capacity"],
        question=row["question"],
        host_id=row["host_id"],
        venue=row["venue"],
        rsvp_cutoff=decode_optional_datetime(row["rsvp_cutoff"]),
        status=MealStatus(row["status"]),
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        event_id=row["event_id"],
        tour_id=row["tour_id"],
        tour_slot=row["tour_slot"],
    )


def _rsvp(row: Row) -> Rsvp:
    return Rsvp(
        meal_id=row["meal_id"],
        user_id=row["user_id"],
        status=RsvpStatus(row["status"]),
        guests=row["guests"],
        answer=row["answer"],
        seq=row["seq"],
        offer_expires_at=decode_optional_datetime(row["offer_expires_at"]),
        checked_in_at=decode_optional_datetime(row["checked_in_at"]),
        updated_at=decode_optional_datetime(row["updated_at"]),
    )


class MealPersonalData:
    """A person's RSVPs, for /privacy show and /privacy delete (their messages are the outbox's)."""

    async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
        rsvps = await tx.fetch_all(
            """
            SELECT m.id AS meal_id, m.city, m.slot, m.starts_at, r.status, r.guests, r.answer, r.checked_in_at,
                   r.updated_at
            FROM rsvps r JOIN meals m ON m.id = r.meal_id
            WHERE m.guild_id = ? AND r.user_id = ? ORDER BY m.starts_at
            """,
            (guild_id, user_id),
        )
        return {"rsvps": [dict(row) for row in rsvps]} if rsvps else {}

    async def forget_user(self, tx: Transaction, guild_id: int, user_id: int) -> None:
        await tx.execute(
            "DELETE FROM rsvps WHERE user_id = ? AND meal_id IN (SELECT id FROM meals WHERE guild_id = ?)",
            (user_id, guild_id),
        )
