"""Use cases of peer networking (issue 11): who's coming, introductions, seating, the card swap and the
"did you connect?" follow-up. Each is one transaction; whatever it makes the bot send is written to the
outbox in that transaction (bot/delivery sends it).

Consent (DESIGN §4): only people who chose to be listed appear by name to other customers; only people who
turned introductions on are suggested, told about others, asked to swap cards or followed up with. A card
reaches the other side only when both chose to share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from bot.domain.clock import Clock, round_due
from bot.domain.customers import Customer, OptIn, clean_text
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.guild_settings import DEFAULT_FOLLOWUP_DAYS
from bot.domain.meals import Meal, Rsvp, RsvpStatus
from bot.domain.networking.local import pair_up
from bot.domain.networking.matching import Introduction, suggest_introductions
from bot.domain.networking.outcomes import NetworkingCounts, Outcome
from bot.domain.networking.people import Attendee
from bot.domain.networking.seating import SeatingPlan, plan_seating
from bot.domain.outbox import Kind, NewDelivery
from storage.customers import CustomerRepository
from storage.database import Store, Transaction
from storage.guild_settings import GuildSettingsRepository, with_local_intros
from storage.meals import MealRepository, RsvpRepository
from storage.networking import NetworkingRepository, StoredIntroduction
from storage.outbox import OutboxRepository

CARD_SWAP_AFTER = dt.timedelta(minutes=30)  # the card-swap DM goes out this long after the meal ends
DEFAULT_FOLLOWUP = dt.timedelta(days=DEFAULT_FOLLOWUP_DAYS)
MAX_CONTACT = 200
MAX_CARD_PEERS = 25  # a select lists at most 25 people
MAX_FOLLOWUP_PEERS = 5  # one row of buttons each, and a message has five


@dataclass(frozen=True)
class Person:
    """Someone coming to a meal, as another attendee or a manager sees them."""

    user_id: int
    name: str
    customer: Customer | None
    guests: int

    @property
    def listed(self) -> bool:
        return self.customer is not None and self.customer.opted_in(OptIn.LISTED)


@dataclass(frozen=True)
class WhosComing:
    meal: Meal
    shown: tuple[Person, ...]  # everyone for a manager; for a customer, the people who chose to be listed
    hidden: int  # seats (people and their guests) of those not shown by name
    seats_taken: int
    waiting: int = 0  # people on the waitlist


@dataclass(frozen=True)
class IntroductionPlan:
    meal: Meal
    sent: tuple[StoredIntroduction, ...]  # told already (before this call)
    new: Mapping[int, tuple[Introduction, ...]]  # suggestions not sent yet, by the person they are for
    opted_in: int  # attendees who turned introductions on
    attendees: int
    counts: NetworkingCounts

    @property
    def new_count(self) -> int:
        return sum(len(suggestions) for suggestions in self.new.values())


@dataclass(frozen=True)
class Seating:
    meal: Meal
    plan: SeatingPlan
    names: Mapping[int, str]
    guests: Mapping[int, int]
    hosts: frozenset[int] = frozenset()


@dataclass(frozen=True)
class CardChoices:
    """Whom someone can share their card with after a meal: people they sat with or were introduced to."""

    meal: Meal
    peers: tuple[tuple[int, str], ...]  # (user id, name)
    shared_with: frozenset[int]
    contact: str | None  # what they put on their card last time


@dataclass(frozen=True)
class Shared:
    meal: Meal
    shared_with: tuple[int, ...]  # newly
    swapped_with: tuple[int, ...]  # both sides agreed now: their cards are on their way


class NetworkingService:
    def __init__(
        self,
        db: Store,
        networking: NetworkingRepository,
        customers: CustomerRepository,
        settings: GuildSettingsRepository,
        outbox: OutboxRepository,
        clock: Clock,
    ) -> None:
        self._db = db
        self._networking = networking
        self._customers = customers
        self._settings = settings
        self._rsvps = RsvpRepository()
        self._outbox = outbox
        self._clock = clock
        self._meals = MealRepository()
        self._rsvps = RsvpRepository()

    # ------------------------------------------------------------------------------- who's coming

    async def whos_coming(self, guild_id: int, meal_id: int, names: Mapping[int, str], *, manager: bool) -> WhosComing:
        async with self._db.read() as tx:
            meal, going = await self._going(tx, guild_id, meal_id)
            customers = await self._customers.by_users(tx, guild_id, [r.user_id for r in going])
            waiting = len(await self._rsvps.waitlist(tx, meal_id))
        people = [_person(r, customers.get(r.user_id), names) for r in going]
        shown = tuple(p for p in people if manager or p.listed)
        hidden = sum(1 + p.guests for p in people if p not in shown)
        return WhosComing(meal, shown, hidden, sum(1 + p.guests for p in people), waiting)

    # ------------------------------------------------------------------------------- introductions

    async def introductions(
        self, guild_id: int, meal_id: int, names: Mapping[int, str], *, gone: Collection[int] = ()
    ) -> IntroductionPlan:
        """What /meal intros shows: the introductions sent for this meal, and new ones for people who have
        none yet (late RSVPs), never a pair introduced at an earlier meal, nor anyone who left the server."""
        async with self._db.read() as tx:
            return await self._plan_introductions(tx, guild_id, meal_id, names, gone)

    async def send_introductions(
        self,
        guild_id: int,
        meal_id: int,
        names: Mapping[int, str],
        *,
        gone: Collection[int] = (),
        job: str | None = None,
    ) -> IntroductionPlan:
        """Record the new introductions and put one DM per person in the outbox; the card swap after the meal
        and the follow-up some days later are scheduled with them."""
        now = self._clock()
        async with self._db.transaction() as tx:
            plan = await self._plan_introductions(tx, guild_id, meal_id, names, gone)
            if plan.meal.ends_at <= now:
                raise InvalidInput("This meal is over; introductions go out before a meal.")
            if plan.meal.cancelled:
                raise InvalidInput("This meal was cancelled.")
            rows = [
                (intro.user_id, intro.peer_id, intro.reason, intro.score, intro.mutual)
                for suggestions in plan.new.values()
                for intro in suggestions
            ]
            await self._networking.add_introductions(tx, guild_id, meal_id, rows, now)
            told = sorted(plan.new)
            await self._outbox.add_many(tx, _each(Kind.INTRODUCTION, plan.meal, now, told, "intro", job=job), now)
            await self._after_meal(tx, plan.meal, told, now)
        return plan

    async def _plan_introductions(
        self, tx: Transaction, guild_id: int, meal_id: int, names: Mapping[int, str], gone: Collection[int]
    ) -> IntroductionPlan:
        meal, going = await self._going(tx, guild_id, meal_id)
        customers = await self._customers.by_users(tx, guild_id, [r.user_id for r in going])
        sent = tuple(await self._networking.introductions(tx, guild_id, meal_id))
        told = {intro.user_id for intro in sent}
        earlier = await self._networking.introduced_pairs(tx, guild_id)
        wanting = [r for r in going if wants_introductions(customers.get(r.user_id)) and r.user_id not in gone]
        attendees = [_attendee(r, customers[r.user_id], names, meal) for r in wanting]
        suggestions = suggest_introductions(attendees, already_introduced=earlier)
        new = {user: tuple(intros) for user, intros in suggestions.items() if intros and user not in told}
        counts = await self._networking.counts(tx, guild_id, [meal_id])
        return IntroductionPlan(meal, sent, new, len(wanting), len(going), counts)

    # ------------------------------------------------------------------------------- seating

    async def seating(
        self,
        guild_id: int,
        meal_id: int,
        table_size: int,
        names: Mapping[int, str],
        *,
        hosts: Collection[int] = (),
    ) -> Seating:
        """Tables for everyone going (guests with the person who brought them; the meal's host and ``hosts``,
        the company's people, spread across tables), saved as the meal's seating: the card swap offers each
        person their table."""
        now = self._clock()
        async with self._db.transaction() as tx:
            meal, going = await self._going(tx, guild_id, meal_id)
            if not going:
                raise InvalidInput("Nobody is going to this meal yet, so there is nobody to seat.")
            customers = await self._customers.by_users(tx, guild_id, [r.user_id for r in going])
            attendees = [_attendee(r, customers.get(r.user_id), names, meal, hosts) for r in going]
            plan = plan_seating(attendees, table_size=table_size)
            await self._networking.save_seating(tx, meal_id, [table.user_ids for table in plan.tables])
            networking = [r.user_id for r in going if wants_introductions(customers.get(r.user_id))]
            if meal.ends_at > now and not meal.cancelled:
                await self._after_meal(tx, meal, networking, now)
        names_used = {a.user_id: a.name for a in attendees}
        seated_hosts = frozenset(a.user_id for a in attendees if a.host)
        return Seating(meal, plan, names_used, {r.user_id: r.guests for r in going}, seated_hosts)

    # ------------------------------------------------------------------------------- card swap

    async def card_choices(self, guild_id: int, meal_id: int, user_id: int) -> CardChoices:
        async with self._db.read() as tx:
            meal = await self._require(tx, guild_id, meal_id)
            peers = await self._peers(tx, meal, user_id)
            names = await self._customers.names_of(tx, guild_id, peers)
            shared = await self._networking.offered_to(tx, guild_id, meal_id, user_id)
            contact = await self._networking.last_contact(tx, guild_id, user_id)
        listed = tuple((peer, names.get(peer, "someone from the meal")) for peer in peers[:MAX_CARD_PEERS])
        return CardChoices(meal, listed, frozenset(shared), contact)

    async def share_card(
        self, guild_id: int, meal_id: int, user_id: int, peer_ids: Sequence[int], contact: str | None
    ) -> Shared:
        """Record "share my card with these people"; where the other side agreed already, both cards go out."""
        contact = _clean_contact(contact)
        now = self._clock()
        async with self._db.transaction() as tx:
            meal = await self._require(tx, guild_id, meal_id)
            allowed = set(await self._peers(tx, meal, user_id))
            if not set(peer_ids) <= allowed:
                raise NotAllowed("You can share your card only with people you sat with or were introduced to.")
            shared, swapped = [], []
            for peer in dict.fromkeys(peer_ids):
                if await self._networking.offer_card(tx, guild_id, meal_id, user_id, peer, contact, now):
                    shared.append(peer)
                    if await self._networking.agreed(tx, guild_id, meal_id, user_id, peer):
                        swapped.append(peer)
            cards = [
                NewDelivery(
                    Kind.CARD,
                    guild_id,
                    now,
                    meal_id=meal_id,
                    user_id=to,
                    payload={"peer_id": of},
                    dedupe_key=f"card:{meal_id}:{to}:{of}",
                )
                for peer in swapped
                for to, of in ((user_id, peer), (peer, user_id))
            ]
            await self._outbox.add_many(tx, cards, now)
        return Shared(meal, tuple(shared), tuple(swapped))

    # ------------------------------------------------------------------------------- follow-up

    async def record_connection(
        self, guild_id: int, meal_id: int, user_id: int, peer_id: int, outcome: Outcome
    ) -> Meal:
        async with self._db.transaction() as tx:
            meal = await self._require(tx, guild_id, meal_id)
            if peer_id not in await self._peers(tx, meal, user_id):
                raise NotAllowed("That follow-up no longer applies.")
            await self._networking.record_connection(tx, guild_id, meal_id, user_id, peer_id, outcome, self._clock())
        return meal

    # ------------------------------------------------------------------------------- between tours

    async def local_rounds(self) -> int:
        """Pair up each city's customers in every server whose cadence has come round; returns the DMs queued.
        One transaction per server: its introductions, their DMs and the round's date together."""
        now = self._clock()
        async with self._db.read() as tx:
            due = [
                settings.guild_id
                for settings in await with_local_intros(tx)
                if round_due(
                    await self._networking.last_local_round(tx, settings.guild_id), settings.local_intro_weeks, now
                )
            ]
        queued = 0
        for guild_id in due:
            async with self._db.transaction() as tx:
                queued += await self._local_round(tx, guild_id, now)
        return queued

    async def _local_round(self, tx: Transaction, guild_id: int, now: dt.datetime) -> int:
        settings = await self._settings.get(tx, guild_id, lock=True)  # one round at a time, across processes
        last = await self._networking.last_local_round(tx, guild_id)
        if settings is None or not round_due(last, settings.local_intro_weeks, now):  # another process ran it meanwhile
            return 0
        earlier = await self._networking.introduced_pairs(tx, guild_id)
        by_city: dict[int, list[Attendee]] = {}
        for customer in await self._customers.all_in_guild(tx, guild_id):
            if wants_introductions(customer) and customer.city_id is not None:
                by_city.setdefault(customer.city_id, []).append(_neighbour(customer))
        told = [intro for people in by_city.values() for pair in pair_up(people, already_introduced=earlier)
                for intro in pair]  # fmt: skip
        await self._networking.add_local_round(tx, guild_id, [(i.user_id, i.peer_id, i.reason) for i in told], now)
        stamp = now.isoformat()
        rows = [
            NewDelivery(
                Kind.LOCAL_INTRO, guild_id, now, user_id=intro.user_id, payload={"peer_id": intro.peer_id},
                dedupe_key=f"local:{stamp}:{intro.user_id}",
            )
            for intro in told
        ]  # fmt: skip
        return await self._outbox.add_many(tx, rows, now)

    async def counts(self, guild_id: int, meal_ids: Sequence[int]) -> NetworkingCounts:
        async with self._db.read() as tx:
            return await self._networking.counts(tx, guild_id, meal_ids)

    # ------------------------------------------------------------------------------- helpers

    async def _after_meal(self, tx: Transaction, meal: Meal, user_ids: Sequence[int], now: dt.datetime) -> None:
        """The card swap (half an hour after the meal) and the "did you connect?" (some days later) for these
        people. Each row is checked again when it falls due: who to ask about is read then."""
        settings = await self._settings.get(tx, meal.guild_id)
        followup = dt.timedelta(days=settings.followup_days if settings else DEFAULT_FOLLOWUP_DAYS)
        rows = _each(Kind.CARD_SWAP, meal, meal.ends_at + CARD_SWAP_AFTER, user_ids, "cards")
        if followup:
            rows += _each(Kind.CONNECTION_CHECK, meal, meal.ends_at + followup, user_ids, "connected")
        await self._outbox.add_many(tx, rows, now)

    async def _peers(self, tx: Transaction, meal: Meal, user_id: int) -> list[int]:
        return await self._networking.peers(tx, meal.guild_id, meal.id, user_id)

    async def _going(self, tx: Transaction, guild_id: int, meal_id: int) -> tuple[Meal, list[Rsvp]]:
        meal = await self._require(tx, guild_id, meal_id)
        going = [r for r in await self._rsvps.all(tx, meal_id) if r.status is RsvpStatus.GOING]
        return meal, going

    async def _require(self, tx: Transaction, guild_id: int, meal_id: int) -> Meal:
        meal = await self._meals.get(tx, meal_id, guild_id)
        if meal is None:
            raise InvalidInput(f"There is no meal #{meal_id} in this server. Pick one from the list.")
        return meal


def _each(
    kind: Kind, meal: Meal, due: dt.datetime, user_ids: Sequence[int], key: str, *, job: str | None = None
) -> list[NewDelivery]:
    """One row per person about the meal, never a second one for the same person."""
    return [
        NewDelivery(
            kind, meal.guild_id, due, meal_id=meal.id, user_id=user_id, job=job, dedupe_key=f"{key}:{meal.id}:{user_id}"
        )
        for user_id in user_ids
    ]


def wants_introductions(customer: Customer | None) -> bool:
    return customer is not None and customer.user_id is not None and customer.opted_in(OptIn.INTRODUCTIONS)


def _person(rsvp: Rsvp, customer: Customer | None, names: Mapping[int, str]) -> Person:
    return Person(rsvp.user_id, names.get(rsvp.user_id, "A guest"), customer, rsvp.guests)


def _attendee(
    rsvp: Rsvp, customer: Customer | None, names: Mapping[int, str], meal: Meal, hosts: Collection[int] = ()
) -> Attendee:
    profile = customer.profile if customer else None
    return Attendee(
        user_id=rsvp.user_id,
        name=names.get(rsvp.user_id) or (customer.name if customer else None) or "A guest",
        what_i_do=profile.what_i_do if profile else None,
        offer=profile.offer if profile else None,
        seek=profile.seek if profile else None,
        company=profile.company if profile else None,
        answer=rsvp.answer,
        party=1 + rsvp.guests,
        host=rsvp.user_id == meal.host_id or rsvp.user_id in hosts,
    )


def _neighbour(customer: Customer) -> Attendee:
    assert customer.user_id is not None
    profile = customer.profile
    return Attendee(
        user_id=customer.user_id,
        name=customer.name or customer.discord_name or "a neighbour",
        what_i_do=profile.what_i_do,
        offer=profile.offer,
        seek=profile.seek,
        company=profile.company,
    )


def _clean_contact(contact: str | None) -> str | None:
    text = clean_text(contact, field="Your contact", limit=MAX_CONTACT)
    if text is not None and ("@everyone" in text or "@here" in text):
        raise InvalidInput("Your contact can't mention @everyone or @here; write an email, phone or link.")
    return text
