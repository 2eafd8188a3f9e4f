"""A stored tour: what the manager asked for with /tour new, the stops pinned or dropped, the last plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.meals import MealSlot

MAX_NAME = 80


class TourStatus(StrEnum):
    DRAFT = "draft"  # created, never planned
    PLANNED = "planned"
    PUBLISHING = "publishing"  # its meals are stored; their posts and events are on their way (the outbox)
    PUBLISHED = "published"  # every meal is posted, with its event
    CANCELLED = "cancelled"


class StopKind(StrEnum):
    PIN = "pin"
    DROP = "drop"


@dataclass(frozen=True, slots=True)
class TourStop:
    geonameid: int
    kind: StopKind
    day: int | None = None  # 0-based tour day (a moved stop)
    slot: MealSlot | None = None


@dataclass(frozen=True, slots=True)
class Tour:
    id: int
    guild_id: int
    name: str
    start_city: int
    end_city: int
    first_day: dt.date
    last_day: dt.date
    meals: str  # "breakfast,lunch,dinner"
    daily_drive_hours: float
    min_attendance: int
    arrive_by: dt.datetime | None  # a fixed arrival at the end city (a conference), aware UTC
    status: TourStatus
    plan: str | None  # the itinerary as JSON
    planned_at: dt.datetime | None
    created_by: int
    stops: tuple[TourStop, ...] = ()
    teams: int = 1  # hosts travelling in parallel, each with its own route and meals

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def cancelled(self) -> bool:
        return self.status is TourStatus.CANCELLED

    @property
    def editable(self) -> bool:
        """Its plan can still change (pins, drops, re-planning)."""
        return self.status in (TourStatus.DRAFT, TourStatus.PLANNED)
