"""A guild's configuration (/setup) and who counts as a community manager."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.feedback import DEFAULT_FEEDBACK_HOURS

DEFAULT_REMINDER_OFFSETS = (dt.timedelta(hours=24), dt.timedelta(hours=2))
DEFAULT_CAPACITY = 12
MAX_CAPACITY = 1000
DEFAULT_FOLLOWUP_DAYS = 7  # "did you connect?" this many days after a meal
MAX_FOLLOWUP_DAYS = 60


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    manager_role_id: int | None = None
    announce_channel_id: int | None = None
    reminder_offsets: tuple[dt.timedelta, ...] = DEFAULT_REMINDER_OFFSETS
    default_capacity: int = DEFAULT_CAPACITY
    followup_days: int = DEFAULT_FOLLOWUP_DAYS  # 0: never ask
    city_threads: bool = False  # a thread per city, opened when a meal there is published
    local_intro_weeks: int = 0  # between tours, pair customers of a city every 2 or 4 weeks (0: never)
    feedback_hours: int = DEFAULT_FEEDBACK_HOURS  # "how likely are you to recommend us?" after a meal (0: never)
    checkin_weeks: int = 0  # "how are things going?" every this many weeks (0: only with /checkin send)

    @property
    def configured(self) -> bool:
        return self.manager_role_id is not None and self.announce_channel_id is not None


def is_manager(settings: GuildSettings, *, role_ids: Iterable[int], can_manage_server: bool) -> bool:
    """Managers hold the configured manager role, or the Manage Server permission (server admins)."""
    return can_manage_server or (settings.manager_role_id is not None and settings.manager_role_id in set(role_ids))
