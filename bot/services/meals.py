"""Use cases of meals and RSVPs. Every decision about seats is made inside one transaction, together with
what it makes the bot send: the post's refresh, seat offers, lapse notices, reminders, notices of a change
(rows of the outbox, sent by bot/delivery)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput
from bot.domain.feedback import DEFAULT_FEEDBACK_HOURS
from bot.domain.guild_settings import DEFAULT_CAPACITY, DEFAULT_REMINDER_OFFSETS, MAX_CAPACITY
from bot.domain.insights import InsightSource, Suggestion
from bot.domain.meals import (
    CHECKIN_EARLY,
    DEFAULT_QUESTION,
    MAX_GUESTS,
    GoingOutcome,
    Headcount,
    Meal,
    MealPlace,
    MealSlot,
    MealStatus,
    Rsvp,
    RsvpStatus,
    claim_window,
    reminder_times,
    seat_for_newcomer,
)
from bot.domain.outbox import Kind, NewDelivery
from bot.domain.timeparse import LocalTime
from bot.services.insights import log_heard, suggestion_for
from storage.database import Store, Transaction
from storage.guild_settings import GuildSettingsRepository
from storage.insights import InsightRepository
from storage.meals import MealRepository, RsvpRepository
from storage.outbox import OutboxRepository

MAX_VENUE = 200
MAX_QUESTION = 45  # it is the label of the RSVP form's field, which Discord caps at 45
MAX_ANSWER = 300


@dataclass(frozen=True)
class Offer:
    """A freed seat held for the next person on the waitlist until ``expires_at``."""

    meal: Meal
    user_id: int
    expires_at: dt.datetime


@dataclass(frozen=True)
class RsvpResult:
    meal: Meal
    outcome: GoingOutcome | None
    rsvp: Rsvp | None
    previous: RsvpStatus | None
    headcount: Headcount
    offers: tuple[Offer, ...] = ()
    waitlist_position: int | None = None


@dataclass(frozen=True)
class MealState:
    meal: Meal
    headcount: Headcount
    rsvps: tuple[Rsvp, ...]

    def with_status(self, *statuses: RsvpStatus) -> list[Rsvp]:
        return [r for r in self.rsvps if r.status in statuses]


@dataclass(frozen=True)
class MealChange:
    """What /meal edit or /meal cancel did; ``told`` people are being told (outbox rows of ``job``)."""

    meal: Meal
    before: Meal
    told: int
    job: str | None = None


class MealService:
    def __init__(self, db: Store, settings: GuildSettingsRepository, outbox: OutboxRepository, clock: Clock) -> None:
        self._db = db
        self._settings = settings
        self._outbox = outbox
        self._clock = clock
        self._meals = MealRepository()
        self._rsvps = RsvpRepository()
        self._insights = InsightRepository()

    # ------------------------------------------------------------------------------------ meals

    async def create(
        self,
        guild_id: int,
        *,
        host_id: int,
        place: MealPlace,
        start: LocalTime,
        duration: dt.timedelta,
        channel_id: int,
        capacity: int | None = None,
        venue: str | None = None,
        question: str | None = None,
        cutoff_before: dt.timedelta | None = None,
        slot: MealSlot | None = None,
        invite: Sequence[int] = (),
        job: str | None = None,
    ) -> Meal:
        """Store a meal with its post and Discord event to create and the invitations to send (one transaction;
        the outbox does the sending). The same meal added twice (a retried command) is refused, not doubled."""
        cutoff = None if cutoff_before is None else start.utc - cutoff_before
        if cutoff is not None and cutoff <= self._clock():
            raise InvalidInput("That RSVP cutoff has already passed; choose fewer hours before the meal.")
        async with self._db.transaction() as tx:
            settings = await self._settings.get(tx, guild_id)
            seats = capacity if capacity is not None else (settings.default_capacity if settings else DEFAULT_CAPACITY)
            new = new_meal(
                guild_id, host_id=host_id, place=place, start=start, duration=duration, channel_id=channel_id,
                capacity=seats, venue=venue, question=question, cutoff=cutoff, slot=slot,
            )  # fmt: skip
            twin = await self._meals.same_dinner(tx, new)
            if twin is not None:
                raise InvalidInput(
                    f"**{twin.title}** at that time is already meal #{twin.id}; I didn't add it twice. "
                    "Change it with `/meal edit`, or pick another time."
                )
            return await self.store(tx, new, invite=invite, job=job, now=self._clock())

    async def store(
        self, tx: Transaction, new: Meal, *, invite: Sequence[int], job: str | None, now: dt.datetime
    ) -> Meal:
        """Inside a use case's transaction (``create``, a tour's publish): the meal, its post and event, and
        one invitation per person (never a second one, whoever asks)."""
        meal_id = await self._meals.create(tx, new, now)
        meal = await self._meals.get(tx, meal_id, new.guild_id)
        assert meal is not None
        rows = [
            NewDelivery(Kind.MEAL_POST, meal.guild_id, now, meal_id=meal.id, job=job),
            NewDelivery(Kind.MEAL_EVENT, meal.guild_id, now, meal_id=meal.id, job=job),
            *(
                NewDelivery(
                    Kind.INVITATION,
                    meal.guild_id,
                    now,
                    meal_id=meal.id,
                    user_id=user_id,
                    job=job,
                    dedupe_key=f"invitation:{meal.id}:{user_id}",
                )
                for user_id in invite
            ),
        ]
        settings = await self._settings.get(tx, meal.guild_id)
        if settings is not None and settings.city_threads:  # after the post: the thread links to it
            rows.append(NewDelivery(Kind.CITY_THREAD, meal.guild_id, now, meal_id=meal.id, job=job))
        await self._outbox.add_many(tx, rows, now)
        return meal

    async def get(self, guild_id: int, meal_id: int) -> Meal:
        async with self._db.read() as tx:
            return await self._require(tx, guild_id, meal_id)

    async def state(self, guild_id: int, meal_id: int) -> MealState:
        async with self._db.read() as tx:
            meal = await self._require(tx, guild_id, meal_id)
            count, _ = await self._rsvps.headcount(tx, meal)
            return MealState(meal, count, tuple(await self._rsvps.all(tx, meal.id)))

    async def upcoming(self, guild_id: int, limit: int = 25) -> list[Meal]:
        async with self._db.read() as tx:
            return await self._meals.upcoming(tx, guild_id, self._clock(), limit)

    async def recent(self, guild_id: int, limit: int = 25) -> list[Meal]:
        async with self._db.read() as tx:
            return await self._meals.recent(tx, guild_id, limit)

    async def open_with_events(self) -> list[Meal]:
        """Meals still taking RSVPs that have a Discord event (every guild: for the interest sweep)."""
        now = self._clock()
        async with self._db.read() as tx:
            meals = await self._meals.with_events(tx, now)
        return [meal for meal in meals if meal.rsvp_open(now)]

    async def by_event(self, event_id: int) -> Meal | None:
        async with self._db.read() as tx:
            return await self._meals.by_event(tx, event_id)

    async def next_checkin_turn(self, now: dt.datetime) -> dt.datetime | None:
        """When the next posted meal's check-in opens or closes."""
        async with self._db.read() as tx:
            start = await self._meals.next_after(tx, "starts_at", now + CHECKIN_EARLY)
            end = await self._meals.next_after(tx, "ends_at", now)
        turns = [t for t in (start - CHECKIN_EARLY if start else None, end) if t is not None]
        return min(turns, default=None)

    async def guild_for_member(self, meal_id: int, user_id: int) -> int:
        """For buttons in DMs (no guild there): the meal's guild, if this person has answered it."""
        async with self._db.read() as tx:
            guild_id = await self._meals.guild_for_member(tx, meal_id, user_id)
        if guild_id is None:
            raise InvalidInput("Open the meal's post in the server to RSVP there.")  # no answer, no invitation
        return guild_id

    async def interested(self, guild_id: int, meal_id: int, user_id: int) -> bool:
        """Someone marked "Interested" on the Discord event: note them as a maybe (never downgrading an answer
        they already gave) and offer them a seat by DM. True if they had not answered before."""
        now = self._clock()
        async with self._db.transaction() as tx:
            meal = await self._require(tx, guild_id, meal_id)
            if not meal.rsvp_open(now) or await self._rsvps.get(tx, meal.id, user_id) is not None:
                return False
            seq = await self._rsvps.next_seq(tx, meal.id)
            await self._rsvps.put(tx, Rsvp(meal.id, user_id, RsvpStatus.MAYBE, 0, None, seq), now)
            await self._outbox.add(
                tx,
                NewDelivery(
                    Kind.EVENT_INTEREST,
                    meal.guild_id,
                    now,
                    meal_id=meal.id,
                    user_id=user_id,
                    dedupe_key=f"interest:{meal.id}:{user_id}",
                ),
                now,
            )
            await self._refresh_post(tx, meal, now)
        return True

    async def edit(
        self,
        guild_id: int,
        meal_id: int,
        *,
        start: LocalTime | None = None,
        venue: str | None = None,
        capacity: int | None = None,
        question: str | None = None,
        duration: dt.timedelta | None = None,
        cutoff_before: dt.timedelta | None = None,
        job: str | None = None,
    ) -> MealChange:
        """Change a meal; a new time moves reminders, and everyone who answered is told of a new time or place."""
        now = self._clock()
        async with self._db.transaction() as tx:
            before = await self._require(tx, guild_id, meal_id)
            if before.cancelled:
                raise InvalidInput("This meal was cancelled; create a new one with /meal add.")
            if before.ends_at <= now:
                raise InvalidInput("This meal is over; it can't be changed any more.")
            changes = _timing_changes(before, now, start=start, duration=duration, cutoff_before=cutoff_before)
            if venue is not None:
                changes["venue"] = _text(venue, MAX_VENUE, "venue")
            if question is not None:
                changes["question"] = _text(question, MAX_QUESTION, "question") or DEFAULT_QUESTION
            if capacity is not None:
                _check_capacity(capacity)
                count, _ = await self._rsvps.headcount(tx, before)
                if capacity < count.going + count.offered:
                    raise InvalidInput(
                        f"{count.going + count.offered} seats are already taken; capacity can't go below that "
                        "(nobody loses a seat they have)."
                    )
                changes["capacity"] = capacity
            if not changes:
                raise InvalidInput("Nothing to change: give a new date/time, venue, capacity or question.")
            meal = dataclasses.replace(before, **changes)  # type: ignore[arg-type]
            await self._meals.save(tx, meal, now)
            if meal.starts_at != before.starts_at:
                await self._reschedule_reminders(tx, meal, now, await self._offsets(tx, guild_id))
            await self._promote(tx, meal, now)
            told = 0
            if meal.starts_at != before.starts_at or meal.venue != before.venue:
                told = await self._tell_everyone(tx, meal, Kind.MEAL_CHANGED, now, job, _change_payload(before))
            await self._sync_post_and_event(tx, meal, now)
        return MealChange(meal, before, told, job)

    async def cancel(self, guild_id: int, meal_id: int, *, job: str | None = None) -> MealChange:
        now = self._clock()
        async with self._db.transaction() as tx:
            before = await self._require(tx, guild_id, meal_id)
            if before.cancelled:
                raise InvalidInput("This meal is already cancelled.")
            told = await self.cancel_in(tx, before, now, job)
        return MealChange(dataclasses.replace(before, status=MealStatus.CANCELLED), before, told, job)

    async def cancel_in(self, tx: Transaction, meal: Meal, now: dt.datetime, job: str | None) -> int:
        """Inside a use case's transaction (a meal's or a whole tour's cancel): the meal, its post and event,
        and a notice to everyone who answered. Returns how many people will be told."""
        cancelled = dataclasses.replace(meal, status=MealStatus.CANCELLED)
        await self._meals.save(tx, cancelled, now)
        await self._outbox.drop_pending(tx, meal.guild_id, meal.id, (Kind.REMINDER,))
        told = await self._tell_everyone(tx, cancelled, Kind.MEAL_CANCELLED, now, job, {})
        await self._sync_post_and_event(tx, cancelled, now)
        return told

    # ------------------------------------------------------------------------------------ RSVPs

    async def needs_answer(self, guild_id: int, meal_id: int, user_id: int) -> bool:
        """True when this person's "Going" should first ask the meal's question."""
        async with self._db.read() as tx:
            meal = await self._require(tx, guild_id, meal_id)
            rsvp = await self._rsvps.get(tx, meal.id, user_id)
        return (
            meal.rsvp_open(self._clock())
            and (rsvp is None or rsvp.answer is None)
            and not (rsvp is not None and rsvp.status.holds_seat)
        )

    async def going(self, guild_id: int, meal_id: int, user_id: int, answer: str | None = None) -> RsvpResult:
        now = self._clock()
        hint = await self._answer_hint(guild_id, meal_id, answer)
        async with self._db.transaction() as tx:
            meal = await self._require(tx, guild_id, meal_id)
            offers, count = await self._promote(tx, meal, now)  # settle lapsed offers first: the line is current
            current = await self._rsvps.get(tx, meal.id, user_id)
            previous = current.status if current else None
            outcome, rsvp = await self._decide_going(
                tx, meal=meal, current=current, count=count, user_id=user_id, answer=answer, now=now
            )
            if rsvp is not None and rsvp is not current:
                await self._rsvps.put(tx, rsvp, now)
                count = count.after(current, rsvp)
                if rsvp.status is RsvpStatus.GOING:
                    await self._schedule_reminders(tx, meal, user_id, now)
                    await self._schedule_feedback(tx, meal, user_id, now)
                await self._refresh_post(tx, meal, now)
                if _new_answer(meal, current, rsvp):  # the meal asked something of its own: what they said counts
                    await log_heard(
                        tx, self._insights, guild_id=guild_id, user_id=user_id, text=rsvp.answer or "",
                        source=InsightSource.RSVP, now=now, meal_id=meal.id, suggestion=hint,
                    )  # fmt: skip
            waiting = (GoingOutcome.WAITLISTED, GoingOutcome.ALREADY_WAITLISTED)
            position = await self._position(tx, meal, user_id) if outcome in waiting else None
        return RsvpResult(meal, outcome, rsvp, previous, count, tuple(offers), position)

    async def _answer_hint(self, guild_id: int, meal_id: int, answer: str | None) -> Suggestion | None:
        """An answer to a question of the meal's own becomes an insight: its suggested kind and tags are worked
        out here, on the reader, so RSVPs don't wait behind it for the writer."""
        if not answer:
            return None
        async with self._db.read() as tx:
            meal = await self._meals.get(tx, meal_id, guild_id)
            if meal is None or meal.question == DEFAULT_QUESTION:
                return None
            return await suggestion_for(tx, self._insights, guild_id, answer)

    async def _decide_going(
        self,
        tx: Transaction,
        *,
        meal: Meal,
        current: Rsvp | None,
        count: Headcount,
        user_id: int,
        answer: str | None,
        now: dt.datetime,
    ) -> tuple[GoingOutcome, Rsvp | None]:
        if meal.cancelled:
            return GoingOutcome.CANCELLED, current
        if current is not None and current.status is RsvpStatus.GOING:
            return GoingOutcome.ALREADY_GOING, current
        if current is not None and current.status is RsvpStatus.OFFERED:  # "Going" on the post claims it
            return GoingOutcome.CONFIRMED, dataclasses.replace(current, status=RsvpStatus.GOING, offer_expires_at=None)
        if current is not None and current.status is RsvpStatus.WAITLISTED:
            return GoingOutcome.ALREADY_WAITLISTED, current
        if not meal.rsvp_open(now):
            return GoingOutcome.CLOSED, current
        guests = current.guests if current else 0
        kept_answer = (
            _text(answer, MAX_ANSWER, "answer") if answer is not None else (current.answer if current else None)
        )
        seq = await self._rsvps.next_seq(tx, meal.id)
        status = RsvpStatus.GOING if seat_for_newcomer(count, 1 + guests) else RsvpStatus.WAITLISTED
        outcome = GoingOutcome.CONFIRMED if status is RsvpStatus.GOING else GoingOutcome.WAITLISTED
        return outcome, Rsvp(meal.id, user_id, status, guests, kept_answer, seq)

    async def not_going(self, guild_id: int, meal_id: int, user_id: int, status: RsvpStatus) -> RsvpResult:
        """ "Maybe" or "Can't go": frees any seat, which is offered to the next person waiting."""
        assert status in (RsvpStatus.MAYBE, RsvpStatus.DECLINED)
        now = self._clock()
        async with self._db.transaction() as tx:
            meal = await self._require(tx, guild_id, meal_id)
            current = await self._rsvps.get(tx, meal.id, user_id)
            previous = current.status if current else None
            if meal.cancelled:
                return RsvpResult(
                    meal, GoingOutcome.CANCELLED, current, previous, (await self._rsvps.headcount(tx, meal))[0]
                )
            seq = current.seq if current else await self._rsvps.next_seq(tx, meal.id)
            rsvp = Rsvp(
                meal.id, user_id, status, current.guests if current else 0, current.answer if current else None, seq
            )
            await self._rsvps.put(tx, rsvp, now)
            await self._outbox.drop_pending(tx, meal.guild_id, meal.id, (Kind.REMINDER,), user_id)
            offers, count = await self._promote(tx, meal, now)
            await self._refresh_post(tx, meal, now)
        return RsvpResult(meal, None, rsvp, previous, count, tuple(offers))

    async def toggle_guest(self, guild_id: int, meal_id: int, user_id: int) -> RsvpResult:
        """+1: add a guest if a seat is free (or while waiting), or take the guest off again."""
        now = self._clock()
        async with self._db.transaction() as tx:
            meal = await self._require(tx, guild_id, meal_id)
            current = await self._rsvps.get(tx, meal.id, user_id)
            if meal.cancelled:
                raise InvalidInput("This meal was cancelled.")
            if current is None or current.status not in (RsvpStatus.GOING, RsvpStatus.WAITLISTED, RsvpStatus.OFFERED):
                raise InvalidInput("Click **Going** first; then you can bring a guest with **+1**.")
            count, _ = await self._rsvps.headcount(tx, meal)
            if current.guests >= MAX_GUESTS:
                rsvp = dataclasses.replace(current, guests=0)
            elif current.status is RsvpStatus.WAITLISTED or (count.seats_left >= 1 and count.waitlisted == 0):
                if not meal.rsvp_open(now):
                    raise InvalidInput("RSVPs for this meal are closed, so guests can't be added any more.")
                rsvp = dataclasses.replace(current, guests=MAX_GUESTS)
            else:
                raise InvalidInput(
                    "There's no seat left for a guest (people waiting come first); you keep your own seat."
                )
            await self._rsvps.put(tx, rsvp, now)
            offers, count = await self._promote(tx, meal, now)
            await self._refresh_post(tx, meal, now)
        return RsvpResult(meal, None, rsvp, current.status, count, tuple(offers))

    async def claim(self, guild_id: int, meal_id: int, user_id: int) -> RsvpResult:
        now = self._clock()
        async with self._db.transaction() as tx:
            meal = await self._require(tx, guild_id, meal_id)
            offers, count = await self._promote(tx, meal, now)  # expires this offer first if its time is up
            current = await self._rsvps.get(tx, meal.id, user_id)
            if meal.cancelled:
                raise InvalidInput("This meal was cancelled.")
            if current is not None and current.status is RsvpStatus.GOING:
                raise InvalidInput("You already have your seat. See you there!")
            if current is not None and current.status is RsvpStatus.EXPIRED:
                raise InvalidInput(
                    "This seat offer has expired and the seat went to the next person. "
                    "Click **Going** on the meal post to join the waitlist again."
                )
            if current is None or current.status is not RsvpStatus.OFFERED:
                raise InvalidInput("There's no seat offer waiting for you at this meal.")
            rsvp = dataclasses.replace(current, status=RsvpStatus.GOING, offer_expires_at=None)
            await self._rsvps.put(tx, rsvp, now)
            await self._schedule_reminders(tx, meal, user_id, now)
            await self._schedule_feedback(tx, meal, user_id, now)
            await self._refresh_post(tx, meal, now)
        return RsvpResult(
            meal, GoingOutcome.CONFIRMED, rsvp, RsvpStatus.OFFERED, count.after(current, rsvp), tuple(offers)
        )

    async def settle_waitlists(self) -> int:
        """Pass lapsed offers on (their owners are told), and offer seats freed without a click (a person
        deleted their data: /privacy delete calls it at once) to the people waiting: the housekeeper's job.
        Returns the meals settled."""
        now = self._clock()
        async with self._db.transaction() as tx:
            meals = await self._meals.needing_promotion(tx, now)
            for found in meals:  # in id order: two processes settling at once lock meals in the same order
                meal = await self._require(tx, found.guild_id, found.id)  # locked, then its line is read again
                await self._promote(tx, meal, now)
                await self._refresh_post(tx, meal, now)
        return len(meals)

    async def next_offer_expiry(self) -> dt.datetime | None:
        async with self._db.read() as tx:
            return await self._meals.next_offer_expiry(tx)

    async def refresh_checkin_posts(self, after: dt.datetime, until: dt.datetime) -> int:
        """Posted meals whose check-in opened or closed in (after, until]: their "I'm here" button flips."""
        now = self._clock()
        async with self._db.transaction() as tx:
            opened = await self._meals.posted_between(tx, "starts_at", after + CHECKIN_EARLY, until + CHECKIN_EARLY)
            closed = await self._meals.posted_between(tx, "ends_at", after, until)
            turned = list({meal.id: meal for meal in [*opened, *closed]}.values())
            for meal in turned:
                await self._refresh_post(tx, meal, now)
        return len(turned)

    async def check_in(self, guild_id: int, meal_id: int, user_id: int, *, by_manager: bool) -> Rsvp:
        now = self._clock()
        async with self._db.transaction() as tx:
            meal = await self._require(tx, guild_id, meal_id)
            if meal.cancelled:
                raise InvalidInput("This meal was cancelled.")
            if not by_manager and not meal.checkin_open(now):
                raise InvalidInput("Check-in opens 30 minutes before the meal and closes when it ends.")
            current = await self._rsvps.get(tx, meal.id, user_id)
            if current is not None and current.checked_in_at is not None:
                raise InvalidInput("Already checked in. Enjoy the meal!")
            if current is None or not current.status.holds_seat:
                if not by_manager:
                    raise InvalidInput("You're not on the list for this meal; please see the host.")
                # A walk-in the host lets in: recorded as going, even beyond capacity (they are there).
                current = Rsvp(meal.id, user_id, RsvpStatus.GOING, 0, None, await self._rsvps.next_seq(tx, meal.id))
            rsvp = dataclasses.replace(current, status=RsvpStatus.GOING, offer_expires_at=None, checked_in_at=now)
            await self._rsvps.put(tx, rsvp, now)
            await self._schedule_feedback(tx, meal, user_id, now)  # a walk-in is asked too
            await self._refresh_post(tx, meal, now)
        return rsvp

    # ------------------------------------------------------------------------------------ internals

    async def _require(self, tx: Transaction, guild_id: int, meal_id: int) -> Meal:
        meal = await self._meals.get(tx, meal_id, guild_id, lock=True)  # seats are decided on it: one at a time
        if meal is None:
            raise InvalidInput(f"There is no meal #{meal_id} on this server. `/meal attendees` lists the meals.")
        return meal

    async def _promote(self, tx: Transaction, meal: Meal, now: dt.datetime) -> tuple[list[Offer], Headcount]:
        """Expire lapsed offers (their owners are told), then offer free seats to the head of the waitlist,
        strictly in order, each offer a DM in the outbox.

        Returns the offers made and the headcount afterwards (so callers need not count again).
        """
        count, lapsed = await self._rsvps.headcount(tx, meal, now)
        if lapsed:
            for offer in await self._rsvps.expired_offers(tx, now, meal.id):
                await self._rsvps.put(
                    tx, dataclasses.replace(offer, status=RsvpStatus.EXPIRED, offer_expires_at=None), now
                )
                await self._outbox.add(
                    tx, NewDelivery(Kind.OFFER_LAPSED, meal.guild_id, now, meal_id=meal.id, user_id=offer.user_id), now
                )
            count, _ = await self._rsvps.headcount(tx, meal)
        offers: list[Offer] = []
        if meal.cancelled or now >= meal.starts_at or count.seats_left == 0 or count.waitlisted == 0:
            return offers, count  # the common case in a burst: nothing to look at
        for waiting in await self._rsvps.waitlist(tx, meal.id, limit=count.seats_left):  # parties need ≥ 1 seat
            if waiting.party > count.seats_left:
                break  # first come, first served: nobody jumps the head of the line
            expires = now + claim_window(now, meal.starts_at)
            offered = dataclasses.replace(waiting, status=RsvpStatus.OFFERED, offer_expires_at=expires)
            await self._rsvps.put(tx, offered, now)
            await self._outbox.add(
                tx,
                NewDelivery(
                    Kind.SEAT_OFFER,
                    meal.guild_id,
                    now,
                    meal_id=meal.id,
                    user_id=waiting.user_id,
                    payload={"expires_at": expires.isoformat()},
                ),
                now,
            )
            offers.append(Offer(meal, waiting.user_id, expires))
            count = count.after(waiting, offered)
        return offers, count

    async def _refresh_post(self, tx: Transaction, meal: Meal, now: dt.datetime) -> None:
        """The post shows the counts: refresh it (one pending refresh per meal, however many clicks)."""
        await self._outbox.add(tx, NewDelivery(Kind.MEAL_POST, meal.guild_id, now, meal_id=meal.id), now)

    async def _sync_post_and_event(self, tx: Transaction, meal: Meal, now: dt.datetime) -> None:
        await self._refresh_post(tx, meal, now)
        await self._outbox.add(tx, NewDelivery(Kind.MEAL_EVENT, meal.guild_id, now, meal_id=meal.id), now)

    async def _tell_everyone(
        self, tx: Transaction, meal: Meal, kind: Kind, now: dt.datetime, job: str | None, payload: dict[str, object]
    ) -> int:
        """A notice to everyone who answered (but those who said they can't go)."""
        people = [r.user_id for r in await self._rsvps.all(tx, meal.id) if r.status is not RsvpStatus.DECLINED]
        once = f"{kind.value}:{meal.id}:{{}}" if kind is Kind.MEAL_CANCELLED else None  # cancelled once, ever
        rows = [
            NewDelivery(
                kind,
                meal.guild_id,
                now,
                meal_id=meal.id,
                user_id=user_id,
                payload=payload,
                job=job,
                dedupe_key=once.format(user_id) if once else None,
            )
            for user_id in people
        ]
        return await self._outbox.add_many(tx, rows, now)

    async def _schedule_reminders(self, tx: Transaction, meal: Meal, user_id: int, now: dt.datetime) -> None:
        """One reminder per offset still ahead. Never twice for the same time: a reminder sent already (Going →
        Maybe → Going) keeps its key; a meal moved to another time gets new ones."""
        rows = [
            NewDelivery(
                Kind.REMINDER,
                meal.guild_id,
                due,
                meal_id=meal.id,
                user_id=user_id,
                payload={"offset_minutes": int(offset.total_seconds() // 60), "starts_at": meal.starts_at.isoformat()},
                dedupe_key=f"reminder:{meal.id}:{user_id}:{int(offset.total_seconds() // 60)}:{due.isoformat()}",
            )
            for offset, due in reminder_times(meal, await self._offsets(tx, meal.guild_id), now)
        ]
        await self._outbox.add_many(tx, rows, now)

    async def _schedule_feedback(self, tx: Transaction, meal: Meal, user_id: int, now: dt.datetime) -> None:
        """"How likely are you to recommend us?" some hours after the meal, to each person going (checked again
        when it falls due: who came, and the meal's time then)."""
        settings = await self._settings.get(tx, meal.guild_id)
        hours = settings.feedback_hours if settings else DEFAULT_FEEDBACK_HOURS
        if hours:
            row = NewDelivery(
                Kind.FEEDBACK, meal.guild_id, meal.ends_at + dt.timedelta(hours=hours), meal_id=meal.id,
                user_id=user_id, dedupe_key=f"feedback:{meal.id}:{user_id}",
            )  # fmt: skip
            await self._outbox.add(tx, row, now)

    async def _position(self, tx: Transaction, meal: Meal, user_id: int) -> int:
        return await self._rsvps.waitlist_position(tx, meal.id, user_id)

    async def _offsets(self, tx: Transaction, guild_id: int) -> tuple[dt.timedelta, ...]:
        settings = await self._settings.get(tx, guild_id)
        return settings.reminder_offsets if settings else DEFAULT_REMINDER_OFFSETS

    async def _reschedule_reminders(
        self, tx: Transaction, meal: Meal, now: dt.datetime, offsets: tuple[dt.timedelta, ...]
    ) -> None:
        await self._outbox.drop_pending(tx, meal.guild_id, meal.id, (Kind.REMINDER,))
        for rsvp in await self._rsvps.all(tx, meal.id):
            if rsvp.status is RsvpStatus.GOING:
                await self._schedule_reminders(tx, meal, rsvp.user_id, now)


def new_meal(
    guild_id: int,
    *,
    host_id: int,
    place: MealPlace,
    start: LocalTime,
    duration: dt.timedelta,
    channel_id: int,
    capacity: int,
    venue: str | None = None,
    question: str | None = None,
    cutoff: dt.datetime | None = None,
    slot: MealSlot | None = None,
    tour_id: int | None = None,
    tour_slot: int | None = None,
) -> Meal:
    """A checked, unsaved meal (its id is given when stored)."""
    _check_capacity(capacity)
    _check_duration(duration)
    return Meal(
        id=0,
        guild_id=guild_id,
        place=place,
        slot=slot or MealSlot.for_local_time(start.local.time()),
        starts_at=start.utc,
        ends_at=start.utc + duration,
        capacity=capacity,
        question=_text(question, MAX_QUESTION, "question") or DEFAULT_QUESTION,
        host_id=host_id,
        venue=_text(venue, MAX_VENUE, "venue"),
        rsvp_cutoff=cutoff,
        channel_id=channel_id,
        tour_id=tour_id,
        tour_slot=tour_slot,
    )


def _new_answer(meal: Meal, before: Rsvp | None, after: Rsvp) -> bool:
    """An answer to a question of the meal's own (not the default "What do you do?") that wasn't logged yet."""
    return (
        after.answer is not None
        and meal.question != DEFAULT_QUESTION
        and (before is None or before.answer != after.answer)
    )


def _change_payload(before: Meal) -> dict[str, object]:
    """What the meal was, so the notice can say what changed."""
    return {"before_starts_at": before.starts_at.isoformat(), "before_venue": before.venue}


def _timing_changes(
    before: Meal,
    now: dt.datetime,
    *,
    start: LocalTime | None,
    duration: dt.timedelta | None,
    cutoff_before: dt.timedelta | None,
) -> dict[str, object]:
    """The start, end, slot and cutoff a meal gets from /meal edit's date, time, duration and cutoff."""
    changes: dict[str, object] = {}
    starts_at = before.starts_at
    if start is not None:
        starts_at = start.utc
        changes |= {"starts_at": starts_at, "ends_at": starts_at + (before.ends_at - before.starts_at)}
        if before.slot is MealSlot.for_local_time(before.local(before.starts_at).time()):
            changes["slot"] = MealSlot.for_local_time(start.local.time())  # lunch moved to 19:30 is dinner
        if before.rsvp_cutoff is not None:
            changes["rsvp_cutoff"] = starts_at - (before.starts_at - before.rsvp_cutoff)
    if duration is not None:
        _check_duration(duration)
        changes["ends_at"] = starts_at + duration
    if cutoff_before is not None:
        if starts_at - cutoff_before <= now:
            raise InvalidInput("That RSVP cutoff has already passed; choose fewer hours before the meal.")
        changes["rsvp_cutoff"] = starts_at - cutoff_before
    return changes


def _check_duration(duration: dt.timedelta) -> None:
    if not dt.timedelta(minutes=15) <= duration <= dt.timedelta(hours=6):
        raise InvalidInput("A meal lasts between 15 minutes and 6 hours.")


def _check_capacity(seats: int) -> None:
    if not 1 <= seats <= MAX_CAPACITY:
        raise InvalidInput(f"Capacity must be between 1 and {MAX_CAPACITY} seats.")


def _text(value: str | None, limit: int, what: str) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    if len(cleaned) > limit:
        raise InvalidInput(f"That {what} is too long ({len(cleaned)} characters); keep it under {limit}.")
    return cleaned or None
