"""Per-guild settings rows."""

from __future__ import annotations

import datetime as dt

from bot.domain.guild_settings import GuildSettings
from storage.codecs import encode_datetime
from storage.database import Row, Transaction, row_lock


class GuildSettingsRepository:
    async def get(self, tx: Transaction, guild_id: int, *, lock: bool = False) -> GuildSettings | None:
        """``lock`` (in a write transaction): a server-wide round is decided next (is it due? run it), so another
        process deciding the same waits until this one has committed, then sees it ran (PostgreSQL)."""
        row = await tx.fetch_one(
            f"SELECT * FROM guild_settings WHERE guild_id = ? {row_lock(tx, lock)}", (guild_id,)  # noqa: S608
        )
        return None if row is None else _from_row(row)

    async def save(self, tx: Transaction, settings: GuildSettings, *, by: int, at: dt.datetime) -> None:
        offsets = ",".join(str(int(o.total_seconds() // 60)) for o in settings.reminder_offsets)
        await tx.execute(
            """
            INSERT INTO guild_settings (guild_id, manager_role_id, announce_channel_id,
                                        reminder_offsets, default_capacity, followup_days, city_threads,
                                        local_intro_weeks, feedback_hours, checkin_weeks, updated_at, updated_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (guild_id) DO UPDATE SET
                manager_role_id = excluded.manager_role_id,
                announce_channel_id = excluded.announce_channel_id,
                reminder_offsets = excluded.reminder_offsets,
                default_capacity = excluded.default_capacity,
                followup_days = excluded.followup_days,
                city_threads = excluded.city_threads,
                local_intro_weeks = excluded.local_intro_weeks,
                feedback_hours = excluded.feedback_hours,
                checkin_weeks = excluded.checkin_weeks,
                updated_at = excluded.updated_at,
                updated_by = excluded.updated_by
            """,
            (
                settings.guild_id,
                settings.manager_role_id,
                settings.announce_channel_id,
                offsets,
                settings.default_capacity,
                settings.followup_days,
                int(settings.city_threads),
                settings.local_intro_weeks,
                settings.feedback_hours,
                settings.checkin_weeks,
                encode_datetime(at),
                by,
            ),
        )


def _from_row(row: Row) -> GuildSettings:
    return GuildSettings(
        guild_id=row["guild_id"],
        manager_role_id=row["manager_role_id"],
        announce_channel_id=row["announce_channel_id"],
        reminder_offsets=tuple(dt.timedelta(minutes=int(m)) for m in str(row["reminder_offsets"]).split(",") if m),
        default_capacity=row["default_capacity"],
        followup_days=row["followup_days"],
        city_threads=bool(row["city_threads"]),
        local_intro_weeks=row["local_intro_weeks"],
        feedback_hours=row["feedback_hours"],
        checkin_weeks=row["checkin_weeks"],
    )


async def with_local_intros(tx: Transaction) -> list[GuildSettings]:
    """Every server that pairs its customers between tours."""
    rows = await tx.fetch_all("SELECT * FROM guild_settings WHERE local_intro_weeks > 0 ORDER BY guild_id")
    return [_from_row(row) for row in rows]


async def with_checkins(tx: Transaction) -> list[GuildSettings]:
    """Every server with scheduled check-ins."""
    rows = await tx.fetch_all("SELECT * FROM guild_settings WHERE checkin_weeks > 0 ORDER BY guild_id")
    return [_from_row(row) for row in rows]
