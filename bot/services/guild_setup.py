"""Use cases of /setup: read and change a guild's configuration."""

from __future__ import annotations

import dataclasses

from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.feedback import MAX_FEEDBACK_HOURS
from bot.domain.guild_settings import MAX_CAPACITY, MAX_FOLLOWUP_DAYS, GuildSettings
from bot.domain.networking.local import LOCAL_INTRO_CADENCES
from bot.domain.timeparse import parse_reminder_offsets
from storage.database import Store, Transaction
from storage.guild_settings import GuildSettingsRepository


class GuildSetupService:
    def __init__(self, db: Store, repository: GuildSettingsRepository, clock: Clock) -> None:
        self._db = db
        self._repository = repository
        self._clock = clock

    async def settings(self, guild_id: int) -> GuildSettings:
        """The stored settings, or the defaults for a guild that never ran /setup."""
        async with self._db.read() as tx:
            return await self._current(tx, guild_id)

    async def _current(self, tx: Transaction, guild_id: int) -> GuildSettings:
        return await self._repository.get(tx, guild_id) or GuildSettings(guild_id=guild_id)

    async def update(
        self,
        guild_id: int,
        *,
        by: int,
        by_can_manage_server: bool,
        manager_role_id: int | None = None,
        announce_channel_id: int | None = None,
        reminder_offsets: str | None = None,
        default_capacity: int | None = None,
        followup_days: int | None = None,
        city_threads: bool | None = None,
        local_intro_weeks: int | None = None,
        feedback_hours: int | None = None,
    ) -> GuildSettings:
        """Validate every given value first, then save them together (all or nothing, one transaction: a
        change made meanwhile by another manager is not overwritten with stale values)."""
        offsets = parse_reminder_offsets(reminder_offsets) if reminder_offsets is not None else None
        _check_numbers(default_capacity, followup_days, local_intro_weeks, feedback_hours)
        given = {
            "announce_channel_id": announce_channel_id,
            "reminder_offsets": offsets,
            "default_capacity": default_capacity,
            "followup_days": followup_days,
            "city_threads": city_threads,
            "local_intro_weeks": local_intro_weeks,
            "feedback_hours": feedback_hours,
        }
        changes: dict[str, object] = {name: value for name, value in given.items() if value is not None}
        async with self._db.transaction() as tx:
            current = await self._current(tx, guild_id)
            if manager_role_id is not None and manager_role_id != current.manager_role_id:
                # Whoever picks the manager role hands out manager rights: only server admins may.
                if not by_can_manage_server:
                    raise NotAllowed("Only members with the Manage Server permission can change the manager role.")
                changes["manager_role_id"] = manager_role_id
            updated = dataclasses.replace(current, **changes)  # type: ignore[arg-type]
            if changes:
                await self._repository.save(tx, updated, by=by, at=self._clock())
        return updated

    async def reset_defaults(self, guild_id: int, *, by: int) -> GuildSettings:
        """Reminders, capacity, the follow-up and the feedback request back to defaults; the role and channel
        stay (they need an admin)."""
        defaults = GuildSettings(guild_id=guild_id)
        async with self._db.transaction() as tx:
            current = await self._current(tx, guild_id)
            updated = dataclasses.replace(
                current,
                reminder_offsets=defaults.reminder_offsets,
                default_capacity=defaults.default_capacity,
                followup_days=defaults.followup_days,
                feedback_hours=defaults.feedback_hours,
            )
            await self._repository.save(tx, updated, by=by, at=self._clock())
        return updated


def _check_numbers(
    default_capacity: int | None, followup_days: int | None, local_intro_weeks: int | None, feedback_hours: int | None
) -> None:
    if default_capacity is not None and not 1 <= default_capacity <= MAX_CAPACITY:
        raise InvalidInput(f"Default capacity must be between 1 and {MAX_CAPACITY} seats.")
    if followup_days is not None and not 0 <= followup_days <= MAX_FOLLOWUP_DAYS:
        raise InvalidInput(f"The follow-up comes 0 (never) to {MAX_FOLLOWUP_DAYS} days after a meal.")
    if local_intro_weeks is not None and local_intro_weeks not in (0, *LOCAL_INTRO_CADENCES):
        raise InvalidInput("Local introductions run every 2 or 4 weeks, or not at all (0).")
    if feedback_hours is not None and not 0 <= feedback_hours <= MAX_FEEDBACK_HOURS:
        raise InvalidInput(f"Feedback is asked 0 (never) to {MAX_FEEDBACK_HOURS} hours after a meal.")
