"""Use cases of the outbox, for the dispatcher (bot/delivery) and for managers (/status).

The dispatcher claims rows, asks :meth:`DeliveryService.prepare` whether each still applies (a reminder
for a cancelled meal does not) and what it is about, sends it, and records the outcome with one call:
:meth:`delivered`, :meth:`fall_back` or :meth:`failed_attempt` — each one transaction, guarded by the
lease, so a row another process took over is never recorded twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.clock import Clock
from bot.domain.meals import Meal, RsvpStatus
from bot.domain.outbox import (
    KEEP_FINISHED,
    LEASE,
    NOTE_GATHER,
    NOTE_GATHER_MAX,
    Delivery,
    DmFailure,
    FallbackNote,
    JobProgress,
    Kind,
    Later,
    NewDelivery,
    OutboxSummary,
    Status,
    Via,
    next_attempt,
)
from bot.domain.shards import ONE_PROCESS, Shards
from bot.services.checkins import CheckinMessages
from bot.services.feedback import FeedbackMessages
from bot.services.insights import InsightMessages, LoopClosed
from bot.services.meals import MealState
from bot.services.networking_messages import NETWORKING_KINDS, DmContext, NetworkingMessages
from storage.checkins import CheckinRepository
from storage.customers import CustomerRepository
from storage.database import Store, Transaction
from storage.feedback import FeedbackRepository
from storage.guild_settings import GuildSettingsRepository
from storage.insights import InsightRepository
from storage.meals import MealRepository, RsvpRepository
from storage.networking import NetworkingRepository
from storage.notes import FallbackNoteRepository
from storage.outbox import DmFailureRepository, OutboxRepository
from storage.tours import TourRepository

log = logging.getLogger(__name__)

CANNOT_DM = 50007
FOLLOW_FOR = dt.timedelta(minutes=15)  # an interaction's reply can be edited for 15 minutes

ProgressCallback = Callable[[JobProgress], Awaitable[None]]


class Doorbell:
    """Rung after a transaction that added outbox rows commits: the dispatcher wakes up at once."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def ring(self) -> None:
        for listener in list(self._listeners):
            listener()


@dataclass(frozen=True)
class Outgoing:
    """A claimed row with what it is about, read in one snapshot."""

    delivery: Delivery
    meal: Meal | None = None
    state: MealState | None = None  # for a meal's post: counts and answers
    note: FallbackNote | None = None  # for a channel note
    about: DmContext | None = None  # for a networking DM: the people it is about, or a card
    loop: LoopClosed | None = None  # for a close-the-loop DM: the insight and where it was heard

    @property
    def kind(self) -> Kind:
        return self.delivery.kind


@dataclass(frozen=True)
class DeliveryStatus:
    """What /status shows: the outbox of this server, its latest failures, and the store's size."""

    summary: OutboxSummary
    failed: tuple[Delivery, ...]
    database_bytes: int
    backend: str  # "SQLite" or "PostgreSQL"
    shards: str  # which Discord shards this process serves ("shard 1 of 4")


class Attempt(StrEnum):
    RETRYING = "retrying"
    FELL_BACK = "fell back"  # gave up on the DM; the person got a private note in the channel
    GAVE_UP = "gave up"
    LOST = "lost"  # the lease ran out and another process has the row now


@dataclass(frozen=True)
class _Follower:
    callback: ProgressCallback
    until: dt.datetime


class DeliveryService:
    def __init__(
        self,
        db: Store,
        outbox: OutboxRepository,
        notes: FallbackNoteRepository,
        failures: DmFailureRepository,
        clock: Clock,
        *,
        lease: dt.timedelta = LEASE,
        shards: Shards = ONE_PROCESS,
    ) -> None:
        self._db = db
        self._lease = lease
        self.shards = shards
        self._outbox = outbox
        self._notes = notes
        self._failures = failures
        self._clock = clock
        self._feedback = FeedbackMessages(FeedbackRepository(), GuildSettingsRepository())
        self._insight_messages = InsightMessages(InsightRepository())
        self._checkins = CheckinMessages(CheckinRepository(), CustomerRepository())
        self._threads = NetworkingRepository()
        self._networking = NetworkingMessages(self._threads, CustomerRepository(), GuildSettingsRepository())
        self._meals = MealRepository()
        self._rsvps = RsvpRepository()
        self._tours = TourRepository()
        self._followers: dict[str, list[_Follower]] = {}

    # ------------------------------------------------------------------------------- the dispatcher

    async def claim(self, owner: str, limit: int, *, dms: bool) -> list[Delivery]:
        now = self._clock()
        async with self._db.transaction() as tx:
            return await self._outbox.claim(
                tx, owner=owner, now=now, lease=self._lease, limit=limit, dms=dms, shards=self.shards
            )

    async def prepare(self, delivery: Delivery, owner: str) -> Outgoing | None:
        """What a claimed row is about, or None if it no longer applies (then it is finished as skipped)."""
        now = self._clock()
        async with self._db.transaction() as tx:
            outgoing, why_not = await self._outgoing(tx, delivery, now)
            if isinstance(why_not, Later):  # the meal moved: the message waits for its new time
                await self._outbox.postpone(tx, delivery, owner=owner, at=why_not.at)
                return None
            if outgoing is None:
                await self._outbox.finish(
                    tx, delivery, owner=owner, status=Status.SKIPPED, via=Via.NONE, now=now, error=why_not
                )
                if delivery.kind in (Kind.MEAL_POST, Kind.MEAL_EVENT) and delivery.meal_id is not None:
                    await self._tours.finish_publishing(tx, delivery.guild_id, delivery.meal_id, now)
            elif delivery.kind is Kind.FALLBACK_NOTE and outgoing.note is not None:
                if await self._postponed_note(tx, delivery, owner, now):
                    return None
                await self._notes.close(tx, delivery.guild_id, outgoing.note.id, now)  # read once: what is posted
        return outgoing

    async def _outgoing(
        self, tx: Transaction, delivery: Delivery, now: dt.datetime
    ) -> tuple[Outgoing | None, str | Later]:
        if delivery.kind is Kind.FALLBACK_NOTE:
            note = await self._notes.get(tx, delivery.guild_id, int(str(delivery.payload["note_id"])))
            if note is None or not note.recipients or note.channel_id is None:
                return None, "nobody left to tell"
            return Outgoing(delivery, note=note), ""
        if delivery.kind is Kind.CHECKIN:  # about nothing but them
            assert delivery.user_id is not None
            why = await self._checkins.why_not(tx, delivery.guild_id, delivery.user_id, delivery.payload)
            return (None, why) if why else (Outgoing(delivery), "")
        if delivery.kind is Kind.INSIGHT_UPDATE:  # about an insight, not a meal
            loop = await self._insight_messages.loop_closed(tx, delivery.guild_id, delivery.payload)
            return (Outgoing(delivery, loop=loop), "") if isinstance(loop, LoopClosed) else (None, loop)
        if delivery.kind is Kind.LOCAL_INTRO:  # between tours: about no meal
            assert delivery.user_id is not None
            local = await self._networking.local(tx, delivery.guild_id, delivery.user_id, delivery.payload)
            return (Outgoing(delivery, about=local), "") if isinstance(local, DmContext) else (None, local)
        meal = None if delivery.meal_id is None else await self._meals.get(tx, delivery.meal_id, delivery.guild_id)
        if meal is None:
            return None, "the meal is gone"
        if delivery.kind is Kind.MEAL_POST:
            if meal.message_id is None and meal.cancelled:
                return None, "cancelled before it was posted"
            count, _ = await self._rsvps.headcount(tx, meal)
            return Outgoing(delivery, meal, MealState(meal, count, tuple(await self._rsvps.all(tx, meal.id)))), ""
        if delivery.kind is Kind.MEAL_EVENT:
            if meal.event_id is None and meal.cancelled:
                return None, "cancelled before its event was created"
            return Outgoing(delivery, meal), ""
        if delivery.kind in NETWORKING_KINDS:
            about = await self._networking.context(tx, delivery.kind, meal, delivery.user_id, delivery.payload, now)
            return (Outgoing(delivery, meal, about=about), "") if isinstance(about, DmContext) else (None, about)
        if delivery.kind is Kind.FEEDBACK:
            assert delivery.user_id is not None
            asked = await self._feedback.why_not(tx, meal, delivery.user_id, now)
            return (None, asked) if asked else (Outgoing(delivery, meal), "")
        reason = await self._why_not(tx, delivery, meal, now)
        return (None, reason) if reason else (Outgoing(delivery, meal), "")

    async def _why_not(self, tx: Transaction, delivery: Delivery, meal: Meal, now: dt.datetime) -> str:
        """Why a DM no longer applies, or "" if it does."""
        kind = delivery.kind
        if kind is Kind.MEAL_CANCELLED:
            return ""
        if meal.cancelled:
            return "the meal was cancelled"
        assert delivery.user_id is not None
        rsvp = await self._rsvps.get(tx, meal.id, delivery.user_id)
        status = rsvp.status if rsvp else None
        if kind is Kind.INVITATION:
            if not meal.rsvp_open(now):
                return "RSVPs closed before the invitation went out"
            return "they answered on the post already" if rsvp is not None else ""
        if kind is Kind.REMINDER:
            if now >= meal.starts_at:
                return "the meal has started"
            if not _same_instant(delivery.payload.get("starts_at"), meal.starts_at):
                return "the meal moved; its new reminders replace this one"
            return "" if status is RsvpStatus.GOING else "no longer going"
        if kind is Kind.SEAT_OFFER:
            held = status is RsvpStatus.OFFERED and rsvp is not None and rsvp.offer_expires_at is not None
            if not held or rsvp is None or rsvp.offer_expires_at is None or rsvp.offer_expires_at <= now:
                return "the offer is no longer open"
            return ""
        if kind is Kind.OFFER_LAPSED:
            return "" if status is RsvpStatus.EXPIRED else "they answered again meanwhile"
        if kind is Kind.EVENT_INTEREST:
            return "" if meal.rsvp_open(now) and status is RsvpStatus.MAYBE else "they answered meanwhile"
        if kind is Kind.MEAL_CHANGED:
            unchanged = _same_instant(delivery.payload.get("before_starts_at"), meal.starts_at) and (
                delivery.payload.get("before_venue") == meal.venue
            )
            return "changed back before the notice went out" if unchanged else ""
        return ""

    async def put_back(self, delivery: Delivery, owner: str, at: dt.datetime) -> bool:
        """A claimed row goes back untried, due at ``at`` (Discord asked us to pause before it was sent)."""
        async with self._db.transaction() as tx:
            return await self._outbox.postpone(tx, delivery, owner=owner, at=at)

    async def _postponed_note(self, tx: Transaction, delivery: Delivery, owner: str, now: dt.datetime) -> bool:
        """A note waits (a little, up to NOTE_GATHER_MAX) while DMs of the same bulk send are still going out,
        so everyone whose DMs are closed is mentioned in one message instead of one each."""
        source = Kind(str(delivery.payload.get("source", Kind.INVITATION.value)))
        young = now - delivery.created_at < NOTE_GATHER_MAX
        if young and delivery.meal_id is not None and await self._outbox.busy(tx, delivery.meal_id, source, now):
            await self._outbox.postpone(tx, delivery, owner=owner, at=now + NOTE_GATHER)
            return True
        return False

    async def delivered(
        self,
        delivery: Delivery,
        owner: str,
        via: Via,
        *,
        post: tuple[int, int] | None = None,
        event_id: int | None = None,
        thread: tuple[int, Sequence[int]] | None = None,
        note: str | None = None,
    ) -> bool:
        """Sent: record it, with the post's (channel, message) or the event's id it created, or the city thread's
        id and who was added to it. False if the lease was lost (another process took the row over after ours
        ran out)."""
        now = self._clock()
        async with self._db.transaction() as tx:
            done = await self._outbox.finish(
                tx, delivery, owner=owner, status=Status.SENT, via=via, now=now, error=note
            )
            if not done:
                return False
            if post is not None and delivery.meal_id is not None:
                await self._meals.set_post(tx, delivery.guild_id, delivery.meal_id, *post)
            if event_id is not None and delivery.meal_id is not None:
                await self._meals.set_event(tx, delivery.guild_id, delivery.meal_id, event_id)
            if thread is not None and delivery.meal_id is not None:
                await self._record_thread(tx, delivery, *thread, now)
            if delivery.kind is Kind.FALLBACK_NOTE:
                await self._notes.mark_posted(tx, delivery.guild_id, int(str(delivery.payload["note_id"])), now)
            if delivery.kind in (Kind.MEAL_POST, Kind.MEAL_EVENT) and delivery.meal_id is not None:
                await self._tours.finish_publishing(tx, delivery.guild_id, delivery.meal_id, now)
        return True

    async def _record_thread(
        self, tx: Transaction, delivery: Delivery, thread_id: int, added: Sequence[int], now: dt.datetime
    ) -> None:
        """The city's thread as it now is: its id (a new one if the old was deleted) and who was added."""
        assert delivery.meal_id is not None
        meal = await self._meals.get(tx, delivery.meal_id, delivery.guild_id)
        if meal is not None:
            await self._threads.save_thread(tx, delivery.guild_id, meal.place.geonameid, thread_id, added, now)

    async def fall_back(
        self,
        outgoing: Outgoing,
        owner: str,
        *,
        content: str,
        actions: Sequence[str],
        error: str,
        closed_dms: bool,
    ) -> Via:
        """The DM can't be delivered: closed DMs (recorded), or it kept failing. The person is mentioned in the
        meal's channel with a private Show button (gathered with others of the same bulk send). A DM that kept
        failing is also marked failed, so managers see it in /status."""
        delivery, meal = outgoing.delivery, outgoing.meal
        assert delivery.user_id is not None
        now = self._clock()
        status = Status.SENT if closed_dms else Status.FAILED
        async with self._db.transaction() as tx:
            if closed_dms:
                await self._failures.record(
                    tx, guild_id=delivery.guild_id, user_id=delivery.user_id, code=CANNOT_DM,
                    purpose=delivery.kind.label, at=now,
                )  # fmt: skip
            channel_id = meal.channel_id if meal is not None else None
            via = Via.NONE if channel_id is None else Via.CHANNEL
            if not await self._outbox.finish(tx, delivery, owner=owner, status=status, via=via, now=now, error=error):
                return via
            if channel_id is not None:
                await self._leave_note(tx, delivery, channel_id, content, actions, now)
        return via

    async def _leave_note(
        self,
        tx: Transaction,
        delivery: Delivery,
        channel_id: int,
        content: str,
        actions: Sequence[str],
        now: dt.datetime,
    ) -> None:
        assert delivery.user_id is not None
        note_id, new = await self._notes.gather(
            tx, guild_id=delivery.guild_id, channel_id=channel_id, meal_id=delivery.meal_id, content=content,
            actions=actions, user_id=delivery.user_id, at=now,
        )  # fmt: skip
        if new:
            note = NewDelivery(
                Kind.FALLBACK_NOTE,
                delivery.guild_id,
                now + NOTE_GATHER if delivery.kind.is_dm and not delivery.kind.urgent else now,
                meal_id=delivery.meal_id,
                payload={"note_id": note_id, "source": delivery.kind.value},
                job=delivery.job,
            )
            await self._outbox.add(tx, note, now)

    async def failed_attempt(
        self,
        outgoing: Outgoing,
        owner: str,
        *,
        error: str,
        rate_limited_for: float | None = None,
        permanent: bool = False,
        fallback: tuple[str, Sequence[str]] | None = None,
    ) -> tuple[Attempt, dt.datetime | None]:
        """A send failed: try again later (a 429 after exactly ``retry_after``), or give up — a DM then takes
        the private fallback (``fallback``: its text and buttons) and shows as failed in /status."""
        delivery = outgoing.delivery
        now = self._clock()
        retry = None
        if not permanent:
            retry = next_attempt(delivery, now, rate_limited_for=rate_limited_for, deadline=_deadline(outgoing))
        if retry is not None:
            async with self._db.transaction() as tx:
                kept = await self._outbox.retry(
                    tx, delivery, owner=owner, at=retry, error=error, rate_limited=rate_limited_for is not None
                )
            return (Attempt.RETRYING if kept else Attempt.LOST), retry
        if fallback is not None and delivery.kind.is_dm:
            content, actions = fallback
            await self.fall_back(outgoing, owner, content=content, actions=actions, error=error, closed_dms=False)
            return Attempt.FELL_BACK, None
        async with self._db.transaction() as tx:
            done = await self._outbox.finish(
                tx, delivery, owner=owner, status=Status.FAILED, via=Via.NONE, now=now, error=error
            )
        return (Attempt.GAVE_UP if done else Attempt.LOST), None

    async def next_due(self) -> dt.datetime | None:
        async with self._db.read() as tx:
            return await self._outbox.next_due(tx, self.shards)

    async def prune(self) -> int:
        async with self._db.transaction() as tx:
            now = self._clock()
            return await self._outbox.prune(tx, now - KEEP_FINISHED, now)

    # ------------------------------------------------------------------------------- progress

    async def follow(self, job: str, callback: ProgressCallback) -> None:
        """Call ``callback`` with the job's progress now and after each of its rows is attempted, until every
        row is finished (or the interaction's reply can no longer be edited)."""
        self._followers.setdefault(job, []).append(_Follower(callback, self._clock() + FOLLOW_FOR))
        await self.report(job)

    def following(self, job: str | None) -> bool:
        return job is not None and job in self._followers

    async def report(self, job: str) -> None:
        followers = self._followers.get(job)
        if not followers:
            return
        async with self._db.read() as tx:
            progress = await self._outbox.job_progress(tx, job)
        now = self._clock()
        alive = [f for f in followers if f.until > now and not progress.finished]
        if alive:
            self._followers[job] = alive
        else:
            self._followers.pop(job, None)
        for follower in followers:
            if follower.until > now:
                await follower.callback(progress)

    async def job_progress(self, job: str) -> JobProgress:
        async with self._db.read() as tx:
            return await self._outbox.job_progress(tx, job)

    # ------------------------------------------------------------------------------- managers

    async def summary(self, guild_id: int) -> OutboxSummary:
        now = self._clock()
        async with self._db.read() as tx:
            return await self._outbox.summary(tx, guild_id, now, now - dt.timedelta(days=1))

    async def status(self, guild_id: int) -> DeliveryStatus:
        return DeliveryStatus(
            await self.summary(guild_id),
            tuple(await self.failed(guild_id)),
            await self._db.size_bytes(),
            self._db.backend,
            self.shards.label,
        )

    async def failed(self, guild_id: int, limit: int = 10) -> list[Delivery]:
        async with self._db.read() as tx:
            return await self._outbox.failed(tx, guild_id, limit)

    async def retry_failed(self, guild_id: int) -> int:
        async with self._db.transaction() as tx:
            return await self._outbox.retry_failed(tx, guild_id, self._clock())

    async def for_meal(self, guild_id: int, meal_id: int, kind: Kind) -> list[Delivery]:
        async with self._db.read() as tx:
            return await self._outbox.for_meal(tx, guild_id, meal_id, kind)

    async def dm_failures(self, guild_id: int) -> list[DmFailure]:
        async with self._db.read() as tx:
            return await self._failures.for_guild(tx, guild_id)


def _deadline(outgoing: Outgoing) -> dt.datetime | None:
    """After this a DM is pointless (a reminder once the meal starts, a seat offer once it expires): give up on
    retrying before it, and take the private fallback while it can still help."""
    meal = outgoing.meal
    if meal is None:
        return None
    if outgoing.kind in (Kind.REMINDER, Kind.EVENT_INTEREST):
        return meal.starts_at
    if outgoing.kind is Kind.INVITATION:
        return meal.rsvp_cutoff or meal.starts_at
    if outgoing.kind is Kind.SEAT_OFFER:
        return dt.datetime.fromisoformat(str(outgoing.delivery.payload["expires_at"]))
    return None


def _same_instant(stored: object, when: dt.datetime) -> bool:
    """Whether a payload's timestamp names `when`. Payloads written by different releases spell instants
    differently ('…+00:00' from the services, '…000000Z' from migration 0007), so they are compared as times."""
    if not isinstance(stored, str):
        return False
    try:
        return dt.datetime.fromisoformat(stored) == when
    except ValueError:
        return False
