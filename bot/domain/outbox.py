"""The outbox: everything the bot sends on its own, as rows written with the change that causes them.

A row says *what* to deliver (its kind), to whom (a DM's recipient) or about what (a meal's post or
Discord event), and *when* (``due_at``). The dispatcher (bot/delivery) claims due rows with a lease,
sends them paced, and records the outcome. These are the rules it follows; they know nothing of Discord.

Guarantees (docs/reliability.md): a row is sent at least once across crashes and restarts (a claim is a
lease: if its process dies, the row is claimed again once the lease runs out), and at most once except
in the window between Discord accepting a message and our commit of "sent". Messages carry the row id
as Discord's ``nonce`` with ``enforce_nonce``, so a re-send inside Discord's de-duplication window (a
few minutes; our lease is shorter) returns the first message instead of posting a second one.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

LEASE = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 6  # failures that count (5xx, timeouts); a 429 is waited out and does not count
MAX_RATE_LIMITED = 20  # … but a row that keeps meeting 429s gives up eventually
FIRST_RETRY = dt.timedelta(seconds=30)
MAX_RETRY = dt.timedelta(minutes=30)
NOTE_GATHER = dt.timedelta(seconds=5)  # closed-DM notes wait this long to gather the people of a bulk send
NOTE_GATHER_MAX = dt.timedelta(minutes=15)
NOTE_RECIPIENTS = 50  # mentions per channel note: well under Discord's 100 allowed mentions and 2,000 characters
KEEP_FINISHED = dt.timedelta(days=90)  # sent and skipped rows are kept this long (/status, privacy export)


class Kind(StrEnum):
    # Direct messages to one person.
    INVITATION = "invitation"
    SEAT_OFFER = "seat_offer"
    OFFER_LAPSED = "offer_lapsed"
    MEAL_CHANGED = "meal_changed"
    MEAL_CANCELLED = "meal_cancelled"
    REMINDER = "reminder"
    EVENT_INTEREST = "event_interest"
    INTRODUCTION = "introduction"  # people to meet at a meal, with the reasons
    CARD_SWAP = "card_swap"  # after a meal: share your card with the people you met?
    CARD = "card"  # someone's card, once both sides agreed to swap
    CONNECTION_CHECK = "connection_check"  # some days later: did you connect with …?
    LOCAL_INTRO = "local_intro"  # between tours: meet someone of your city
    FEEDBACK = "feedback"  # some hours after a meal: how likely are you to recommend us?
    INSIGHT_UPDATE = "insight_update"  # "you told us this; here is what we did"
    CHECKIN = "checkin"  # every quarter: how are things going?
    # Work in a server: a meal's post and its Discord event follow the meal; notes for closed DMs.
    MEAL_POST = "meal_post"
    MEAL_EVENT = "meal_event"
    FALLBACK_NOTE = "fallback_note"
    CITY_THREAD = "city_thread"  # a city's thread: opened (or found), newcomers added and introduced

    @property
    def is_dm(self) -> bool:
        return self not in (Kind.MEAL_POST, Kind.MEAL_EVENT, Kind.FALLBACK_NOTE, Kind.CITY_THREAD)

    @property
    def coalesces(self) -> bool:
        """At most one pending row per meal: a thousand RSVPs make one post edit, not a thousand."""
        return self in (Kind.MEAL_POST, Kind.MEAL_EVENT)

    @property
    def urgent(self) -> bool:
        """A seat offer's claim window is ticking: its channel note (closed DMs) goes out at once, not gathered."""
        return self is Kind.SEAT_OFFER

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Kind.INVITATION: "invitation",
    Kind.SEAT_OFFER: "seat offer",
    Kind.OFFER_LAPSED: "lapsed-offer notice",
    Kind.MEAL_CHANGED: "change notice",
    Kind.MEAL_CANCELLED: "cancellation notice",
    Kind.REMINDER: "reminder",
    Kind.EVENT_INTEREST: "seat offer to someone interested",
    Kind.INTRODUCTION: "introduction",
    Kind.CARD_SWAP: "card-swap invitation",
    Kind.CARD: "business card",
    Kind.CONNECTION_CHECK: "“did you connect?” follow-up",
    Kind.LOCAL_INTRO: "local introduction",
    Kind.FEEDBACK: "feedback request",
    Kind.INSIGHT_UPDATE: "“here is what we did” message",
    Kind.CHECKIN: "check-in",
    Kind.MEAL_POST: "meal post",
    Kind.MEAL_EVENT: "Discord event",
    Kind.FALLBACK_NOTE: "channel note for closed DMs",
    Kind.CITY_THREAD: "city thread",
}


class Status(StrEnum):
    PENDING = "pending"  # waiting for due_at
    SENDING = "sending"  # claimed by a process until lease_until
    SENT = "sent"
    FAILED = "failed"  # gave up after the bounded retries (shown to managers in /status, retryable)
    SKIPPED = "skipped"  # no longer applies (the meal was cancelled, the person left the waitlist, …)

    @property
    def finished(self) -> bool:
        return self in (Status.SENT, Status.FAILED, Status.SKIPPED)


class Via(StrEnum):
    """How a row reached its audience."""

    DM = "dm"
    CHANNEL = "channel"  # a private fallback note in the meal's channel (closed DMs, or DMs that kept failing)
    POST = "post"  # a meal post created or edited
    EVENT = "event"  # a Discord scheduled event created, edited, ended or cancelled
    NONE = "none"


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """A row to add in the transaction of the change that causes it."""

    kind: Kind
    guild_id: int
    due_at: dt.datetime
    meal_id: int | None = None
    user_id: int | None = None
    payload: Mapping[str, object] = field(default_factory=dict)
    dedupe_key: str | None = None  # a second row with this key is never added (a reminder, an invitation)
    job: str | None = None  # the command that caused it, to report progress in that command's reply


@dataclass(frozen=True, slots=True)
class Later:
    """A claimed row that is not due yet after all (its meal moved): it goes back to wait until ``at``."""

    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    guild_id: int
    kind: Kind
    meal_id: int | None
    user_id: int | None
    payload: Mapping[str, object]
    due_at: dt.datetime
    status: Status
    attempts: int  # claims so far (a process that died mid-send counts too)
    rate_limited: int  # of those, how many Discord answered with 429
    job: str | None
    created_at: dt.datetime
    delivered_via: Via | None = None
    last_error: str | None = None
    finished_at: dt.datetime | None = None

    @property
    def failures(self) -> int:
        return self.attempts - self.rate_limited


@dataclass(frozen=True, slots=True)
class FallbackNote:
    """A DM that could not be delivered, kept for its recipients to read privately from a channel note."""

    id: int
    guild_id: int
    channel_id: int | None
    meal_id: int | None
    actions: tuple[str, ...]  # RSVP buttons to show with it
    content: str
    recipients: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class DmFailure:
    """Someone the bot could not DM (50007: their DMs are closed to this server or to the bot)."""

    user_id: int
    code: int
    purpose: str
    at: dt.datetime


def retry_delay(failures: int) -> dt.timedelta:
    """Exponential backoff after the n-th failure (1-based): 30 s, 1, 2, 4, 8, 16, then 30 min."""
    factor: int = 2 ** min(max(failures - 1, 0), 10)
    return min(MAX_RETRY, FIRST_RETRY * factor)


def next_attempt(
    delivery: Delivery,
    now: dt.datetime,
    *,
    rate_limited_for: float | None = None,
    deadline: dt.datetime | None = None,
) -> dt.datetime | None:
    """When to try a failed row again, or None to give up.

    A 429 waits exactly what Discord asked (``retry_after``) and does not use up an attempt; other failures
    back off exponentially, at most MAX_ATTEMPTS times. Nothing is retried at or after ``deadline`` (a
    reminder is worthless once the meal has started).
    """
    if rate_limited_for is not None:
        if delivery.rate_limited + 1 >= MAX_RATE_LIMITED:
            return None
        retry = now + dt.timedelta(seconds=max(rate_limited_for, 0.5))
    else:
        failures = delivery.failures  # the claim of the attempt that just failed is counted already
        if failures >= MAX_ATTEMPTS:
            return None
        retry = now + retry_delay(failures)
    if deadline is not None and retry >= deadline:
        return None
    return retry


class Outcome(StrEnum):
    """Where one row of a command stands, as its reply tells it."""

    WAITING = "waiting"  # not tried yet (or paced)
    SENDING = "sending"
    RETRYING = "retrying"  # failed at least once, will be tried again
    BY_DM = "by DM"
    BY_NOTE = "by note"  # the person got a private note in the channel (closed DMs, or DMs that kept failing)
    DONE = "done"  # a post or an event created or updated
    FAILED = "failed"  # given up, nothing delivered
    SKIPPED = "skipped"  # no longer applied

    @property
    def finished(self) -> bool:
        return self not in (Outcome.WAITING, Outcome.SENDING, Outcome.RETRYING)


def outcome_of(status: Status, via: Via | None, attempts: int) -> Outcome:
    if status is Status.PENDING:
        return Outcome.RETRYING if attempts > 0 else Outcome.WAITING
    if status is Status.SENDING:
        return Outcome.SENDING
    if status is Status.SKIPPED:
        return Outcome.SKIPPED
    if via is Via.CHANNEL:
        return Outcome.BY_NOTE
    if status is Status.FAILED:
        return Outcome.FAILED
    return Outcome.BY_DM if via is Via.DM else Outcome.DONE


@dataclass(frozen=True, slots=True)
class JobProgress:
    """Where the rows of one command stand: for the progress line in that command's reply."""

    job: str
    outcomes: Mapping[tuple[Kind, Outcome], int]
    errors: Mapping[Kind, str] = field(default_factory=dict)  # the last error of a failed or retrying row

    def count(self, kind: Kind, *outcomes: Outcome) -> int:
        wanted = outcomes or tuple(Outcome)
        return sum(n for (k, outcome), n in self.outcomes.items() if k is kind and outcome in wanted)

    def finished_count(self, kind: Kind) -> int:
        return self.count(kind, *(o for o in Outcome if o.finished))

    @property
    def finished(self) -> bool:
        return all(outcome.finished for (_, outcome), n in self.outcomes.items() if n)


@dataclass(frozen=True, slots=True)
class OutboxSummary:
    """What /status shows about deliveries."""

    pending: int
    due_now: int
    sending: int
    failed: int
    sent_today: int
    by_note_today: int
    next_reminder: dt.datetime | None


def new_job(what: str) -> str:
    """A name for the rows one command adds, so its reply can show their progress (unique: two runs of a
    command in the same second must not count each other's rows)."""
    return f"{what}:{secrets.token_hex(4)}"
