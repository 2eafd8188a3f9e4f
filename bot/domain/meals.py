"""Meals and RSVPs: the rules, without storage or Discord.

Seats: everyone *going* holds 1 + their guests; someone *offered* a freed seat holds it until the
offer expires. The waitlist is strictly first come, first served: a newcomer waits while anyone is
waiting, and a freed seat is offered to the head of the line only if their whole party fits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.cities import City

MAX_GUESTS = 1  # a "+1": one guest per customer keeps tables about customers
DEFAULT_QUESTION = "What do you do?"
DEFAULT_DURATION = dt.timedelta(minutes=90)
CHECKIN_EARLY = dt.timedelta(minutes=30)
MIN_CLAIM_WINDOW = dt.timedelta(minutes=15)
MAX_CLAIM_WINDOW = dt.timedelta(hours=12)


class MealSlot(StrEnum):
    BREAKFAST = "breakfast"
    LUNCH = "lunch"
    DINNER = "dinner"
    MEAL = "meal"

    @classmethod
    def for_local_time(cls, local: dt.time) -> MealSlot:
        if local < dt.time(11):
            return cls.BREAKFAST
        if local < dt.time(16):
            return cls.LUNCH
        return cls.DINNER


class MealStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RsvpStatus(StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    DECLINED = "declined"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a freed seat is held for them until offer_expires_at
    EXPIRED = "expired"  # they did not claim an offered seat in time

    @property
    def holds_seat(self) -> bool:
        return self in (RsvpStatus.GOING, RsvpStatus.OFFERED)


@dataclass(frozen=True)
class MealPlace:
    """Where a meal happens: a resolved city (copied, so a meal never changes if the data set does)."""

    geonameid: int
    city: str
    label: str
    timezone: str
    latitude: float
    longitude: float

    @classmethod
    def of(cls, city: City) -> MealPlace:
        return cls(city.geonameid, city.name, city.label, city.timezone, city.latitude, city.longitude)


@dataclass(frozen=True)
class Meal:
    id: int
    guild_id: int
    place: MealPlace
    slot: MealSlot
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    question: str
    host_id: int
    venue: str | None = None
    rsvp_cutoff: dt.datetime | None = None
    status: MealStatus = MealStatus.SCHEDULED
    channel_id: int | None = None
    message_id: int | None = None
    event_id: int | None = None
    tour_id: int | None = None
    tour_slot: int | None = None  # its place in the tour's itinerary: one meal per slot, however often published

    @property
    def title(self) -> str:
        return f"{self.slot.value.capitalize()} in {self.place.city}"

    @property
    def cancelled(self) -> bool:
        return self.status is MealStatus.CANCELLED

    def local(self, instant: dt.datetime) -> dt.datetime:
        return instant.astimezone(ZoneInfo(self.place.timezone))

    def rsvp_open(self, now: dt.datetime) -> bool:
        closes = self.rsvp_cutoff or self.starts_at
        return not self.cancelled and now < closes

    def checkin_open(self, now: dt.datetime) -> bool:
        return not self.cancelled and self.starts_at - CHECKIN_EARLY <= now < self.ends_at


@dataclass(frozen=True)
class Rsvp:
    meal_id: int
    user_id: int
    status: RsvpStatus
    guests: int
    answer: str | None
    seq: int  # order of arrival on the waitlist
    offer_expires_at: dt.datetime | None = None
    checked_in_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def party(self) -> int:
        return 1 + self.guests


@dataclass(frozen=True)
class Headcount:
    capacity: int
    going: int  # people (with guests) going
    offered: int  # seats held for people promoted from the waitlist
    maybe: int
    waitlisted: int  # people (with guests) waiting

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.going - self.offered)

    def after(self, before: Rsvp | None, now: Rsvp) -> Headcount:
        """The headcount once one person's answer changed from ``before`` to ``now``."""
        people = {"going": self.going, "offered": self.offered, "maybe": self.maybe, "waitlisted": self.waitlisted}
        if before is not None and before.status.value in people:
            people[before.status.value] -= before.party
        if now.status.value in people:
            people[now.status.value] += now.party
        return Headcount(capacity=self.capacity, **people)


class GoingOutcome(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    ALREADY_GOING = "already_going"
    ALREADY_WAITLISTED = "already_waitlisted"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def seat_for_newcomer(count: Headcount, party: int) -> bool:
    """A newcomer gets a seat only if the party fits and nobody is waiting ahead of them."""
    return count.waitlisted == 0 and party <= count.seats_left


def claim_window(now: dt.datetime, starts_at: dt.datetime) -> dt.timedelta:
    """How long a promoted person has to claim: a quarter of the time left, 15 min to 12 h, never past start."""
    left = starts_at - now
    window = min(MAX_CLAIM_WINDOW, max(MIN_CLAIM_WINDOW, left / 4))
    return max(dt.timedelta(0), min(window, left))


def reminder_times(
    meal: Meal, offsets: tuple[dt.timedelta, ...], now: dt.datetime
) -> list[tuple[dt.timedelta, dt.datetime]]:
    """(offset, due) for every reminder still ahead; a reminder whose time has passed is skipped.

    Offsets count in the city's wall-clock time: "24h before" a Sunday 12:30 lunch is Saturday 12:30
    local, even when the clocks change overnight (then it is 23 or 25 real hours before).
    """
    local_start = meal.local(meal.starts_at)
    times = [(offset, (local_start - offset).astimezone(dt.UTC)) for offset in offsets]
    return [(offset, due) for offset, due in times if now < due < meal.starts_at]
