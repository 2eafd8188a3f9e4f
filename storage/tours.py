"""SQL for tours and their pinned/dropped stops. Methods take the open transaction (``tx``)."""

from __future__ import annotations

import datetime as dt

from bot.domain.meals import MealSlot
from bot.domain.tours import StopKind, Tour, TourStatus, TourStop
from storage.codecs import decode_optional_datetime, encode_datetime, encode_optional_datetime
from storage.database import Row, Transaction


class TourRepository:
    async def create(
        self,
        tx: Transaction,
        *,
        guild_id: int,
        name: str,
        start_city: int,
        end_city: int,
        first_day: dt.date,
        last_day: dt.date,
        meals: str,
        daily_drive_hours: float,
        min_attendance: int,
        arrive_by: dt.datetime | None,
        created_by: int,
        now: dt.datetime,
        teams: int = 1,
    ) -> int:
        return await tx.insert(
            """
            INSERT INTO tours (guild_id, name, start_city, end_city, first_day, last_day, meals, daily_drive_hours,
                               min_attendance, arrive_by, created_by, created_at, updated_at, teams)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                guild_id, name, start_city, end_city, first_day.isoformat(), last_day.isoformat(), meals,
                daily_drive_hours, min_attendance, encode_optional_datetime(arrive_by), created_by,
                encode_datetime(now), encode_datetime(now), teams,
            ),
        )  # fmt: skip

    async def name_taken(self, tx: Transaction, guild_id: int, name: str) -> bool:
        row = await tx.fetch_one(
            "SELECT 1 FROM tours WHERE guild_id = ? AND name = ? COLLATE NOCASE AND status != 'cancelled'",
            (guild_id, name),
        )
        return row is not None

    async def get(self, tx: Transaction, guild_id: int, tour_id: int) -> Tour | None:
        """A tour of this guild only: guilds never see each other's tours."""
        row = await tx.fetch_one("SELECT * FROM tours WHERE id = ? AND guild_id = ?", (tour_id, guild_id))
        if row is None:
            return None
        stops = await tx.fetch_all("SELECT * FROM tour_stops WHERE tour_id = ? ORDER BY geonameid", (tour_id,))
        return _tour(row, tuple(_stop(stop) for stop in stops))

    async def in_guild(self, tx: Transaction, guild_id: int, limit: int) -> list[Tour]:
        rows = await tx.fetch_all(
            "SELECT * FROM tours WHERE guild_id = ? ORDER BY status = 'cancelled', first_day DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [_tour(row, ()) for row in rows]

    async def touch_editable(self, tx: Transaction, guild_id: int, tour_id: int, now: dt.datetime) -> bool:
        """Claim a tour for a change of its plan: only while it is a draft or planned (compare-and-set, so a
        cancel or a publish that got there first is never undone)."""
        changed = await tx.execute(
            "UPDATE tours SET updated_at = ? WHERE id = ? AND guild_id = ? AND status IN ('draft', 'planned')",
            (encode_datetime(now), tour_id, guild_id),
        )
        return changed == 1

    async def set_stop(self, tx: Transaction, tour_id: int, stop: TourStop) -> None:
        """Call after :meth:`touch_editable` in the same transaction (it checked the guild and the status)."""
        await tx.execute(
            """
            INSERT INTO tour_stops (tour_id, geonameid, kind, day, slot) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (tour_id, geonameid) DO UPDATE SET kind = excluded.kind, day = excluded.day,
                                                          slot = excluded.slot
            """,
            (tour_id, stop.geonameid, stop.kind.value, stop.day, stop.slot.value if stop.slot else None),
        )

    async def save_plan(self, tx: Transaction, guild_id: int, tour_id: int, plan: str, now: dt.datetime) -> bool:
        """Store a plan unless the tour was cancelled or published meanwhile (planning takes seconds)."""
        changed = await tx.execute(
            """
            UPDATE tours SET plan = ?, planned_at = ?, status = 'planned', updated_at = ?
            WHERE id = ? AND guild_id = ? AND status IN ('draft', 'planned')
            """,
            (plan, encode_datetime(now), encode_datetime(now), tour_id, guild_id),
        )
        return changed == 1

    async def change_status(
        self,
        tx: Transaction,
        guild_id: int,
        tour_id: int,
        *,
        to: TourStatus,
        allowed_from: tuple[TourStatus, ...],
        now: dt.datetime,
    ) -> bool:
        """Compare-and-set: move the tour to ``to`` only from one of ``allowed_from``."""
        placeholders = ", ".join("?" for _ in allowed_from)
        changed = await tx.execute(
            f"UPDATE tours SET status = ?, updated_at = ? WHERE id = ? AND guild_id = ? "  # noqa: S608 - placeholders
            f"AND status IN ({placeholders})",
            (to.value, encode_datetime(now), tour_id, guild_id, *(s.value for s in allowed_from)),
        )
        return changed == 1

    async def finish_publishing(self, tx: Transaction, guild_id: int, meal_id: int, now: dt.datetime) -> bool:
        """Once every upcoming meal of a publishing tour has its post and its event, the tour is published. A
        post or event that failed for good keeps it publishing: running /tour publish again asks for it."""
        changed = await tx.execute(
            """
            UPDATE tours SET status = 'published', updated_at = :now
            WHERE guild_id = :guild AND status = 'publishing'
              AND id = (SELECT tour_id FROM meals WHERE id = :meal AND guild_id = :guild)
              AND NOT EXISTS (
                  SELECT 1 FROM meals m
                  WHERE m.tour_id = tours.id AND m.status != 'cancelled' AND m.starts_at > :now
                    AND (m.message_id IS NULL OR m.event_id IS NULL))
            """,
            {"now": encode_datetime(now), "guild": guild_id, "meal": meal_id},
        )
        return changed == 1

    async def meal_ids(self, tx: Transaction, guild_id: int, tour_id: int) -> list[int]:
        rows = await tx.fetch_all(
            "SELECT id FROM meals WHERE guild_id = ? AND tour_id = ? ORDER BY starts_at, id", (guild_id, tour_id)
        )
        return [int(row["id"]) for row in rows]

    async def meals_by_slot(self, tx: Transaction, guild_id: int, tour_id: int) -> dict[int, int]:
        """The tour's meals by their place in the itinerary: {tour_slot: meal id}."""
        rows = await tx.fetch_all(
            "SELECT id, tour_slot FROM meals WHERE guild_id = ? AND tour_id = ? AND tour_slot IS NOT NULL",
            (guild_id, tour_id),
        )
        return {int(row["tour_slot"]): int(row["id"]) for row in rows}


def _tour(row: Row, stops: tuple[TourStop, ...]) -> Tour:
    return Tour(
        id=row["id"],
        guild_id=row["guild_id"],
        name=row["name"],
        start_city=row["start_city"],
        end_city=row["end_city"],
        first_day=dt.date.fromisoformat(row["first_day"]),
        last_day=dt.date.fromisoformat(row["last_day"]),
        meals=row["meals"],
        daily_drive_hours=row["daily_drive_hours"],
        min_attendance=row["min_attendance"],
        arrive_by=decode_optional_datetime(row["arrive_by"]),
        teams=row["teams"],
        status=TourStatus(row["status"]),
        plan=row["plan"],
        planned_at=decode_optional_datetime(row["planned_at"]),
        created_by=row["created_by"],
        stops=stops,
    )


def _stop(row: Row) -> TourStop:
    return TourStop(row["geonameid"], StopKind(row["kind"]), row["day"], MealSlot(row["slot"]) if row["slot"] else None)
