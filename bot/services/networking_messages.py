"""What the networking messages of the outbox say, read when each is sent (bot/services/delivery.py asks): the
people an introduction, a card swap or a follow-up is about *now*, someone's card, and a city thread's
newcomers — so a person who turned introductions off or asked to be forgotten is never named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.customers import Customer
from bot.domain.meals import Meal
from bot.domain.outbox import Kind, Later
from bot.services.networking import (
    CARD_SWAP_AFTER,
    DEFAULT_FOLLOWUP,
    MAX_FOLLOWUP_PEERS,
    wants_introductions,
)
from storage.customers import CustomerRepository
from storage.database import Transaction
from storage.guild_settings import GuildSettingsRepository
from storage.meals import RsvpRepository
from storage.networking import NetworkingRepository


@dataclass(frozen=True)
class Card:
    """Someone's business card as they chose to share it."""

    name: str
    company: str | None
    what_i_do: str | None
    website: str | None
    contact: str | None


@dataclass(frozen=True)
class PeerNote:
    """Someone a networking message is about: whom to meet (and why), whose card, whom to follow up on."""

    user_id: int
    name: str
    reason: str | None = None


@dataclass(frozen=True)
class CityThread:
    """A city's thread to open (or find) when a meal there is published, and who to add and introduce."""

    thread_id: int | None  # None: not opened yet
    newcomers: tuple[PeerNote, ...]  # reason: what they do and look for, in their words
    members: int  # added before


@dataclass(frozen=True)
class DmContext:
    peers: tuple[PeerNote, ...] = ()
    card: Card | None = None
    thread: CityThread | None = None


NETWORKING_KINDS = frozenset({Kind.INTRODUCTION, Kind.CARD_SWAP, Kind.CARD, Kind.CONNECTION_CHECK, Kind.CITY_THREAD})


class NetworkingMessages:
    """What a networking DM of the outbox says, read when it is sent (bot/services/delivery.py asks): whom it
    is about *now*, so a person who turned introductions off or asked to be forgotten is never named."""

    def __init__(
        self, networking: NetworkingRepository, customers: CustomerRepository, settings: GuildSettingsRepository
    ) -> None:
        self._networking = networking
        self._customers = customers
        self._settings = settings
        self._rsvps = RsvpRepository()

    async def context(
        self,
        tx: Transaction,
        kind: Kind,
        meal: Meal,
        user_id: int | None,
        payload: Mapping[str, object],
        now: dt.datetime,
    ) -> DmContext | Later | str:
        """The message's people, a later time to send it, or why it no longer applies."""
        if meal.cancelled:
            return "the meal was cancelled"
        if kind is Kind.CITY_THREAD:
            return await self._city_thread(tx, meal)
        assert user_id is not None, "a networking DM has a recipient"
        if not wants_introductions(await self._customers.get(tx, meal.guild_id, user_id)):
            return "they turned introductions off"
        peers = await self._networking.peers(tx, meal.guild_id, meal.id, user_id)
        if kind is Kind.INTRODUCTION:
            if now >= meal.starts_at:
                return "the meal has started"
            intros = await self._networking.introductions_for(tx, meal.guild_id, meal.id, user_id)
            return await self._notes(tx, meal, [(i.peer_id, i.reason) for i in intros if i.peer_id in peers])
        if kind is Kind.CARD_SWAP:
            if now < meal.ends_at + CARD_SWAP_AFTER - dt.timedelta(minutes=1):
                return Later(meal.ends_at + CARD_SWAP_AFTER)
            if not await self._rsvps.came(tx, meal.id, user_id):
                return "they didn't come"
            return await self._notes(tx, meal, [(peer, None) for peer in peers])
        if kind is Kind.CARD:
            peer = int(str(payload["peer_id"]))
            if not await self._networking.agreed(tx, meal.guild_id, meal.id, user_id, peer):
                return "the swap was withdrawn"
            return await self._card(tx, meal, peer, user_id)
        return await self._follow_up(tx, meal, user_id, peers, now)

    async def local(
        self, tx: Transaction, guild_id: int, user_id: int, payload: Mapping[str, object]
    ) -> DmContext | str:
        """A local introduction between tours: both still want introductions, and the pair is still on file."""
        peer = int(str(payload["peer_id"]))
        reason = await self._networking.local_introduction(tx, guild_id, user_id, peer)
        people = await self._customers.by_users(tx, guild_id, [user_id, peer])
        if reason is None or not all(wants_introductions(people.get(u)) for u in (user_id, peer)):
            return "one of them turned introductions off or asked to be forgotten"
        customer = people[peer]
        name = customer.name or customer.discord_name or "a neighbour"
        return DmContext((PeerNote(peer, name, reason),))

    async def _city_thread(self, tx: Transaction, meal: Meal) -> DmContext | str:
        settings = await self._settings.get(tx, meal.guild_id)
        if settings is None or not settings.city_threads:
            return "city threads are turned off in /setup"
        geonameid = meal.place.geonameid
        newcomers = await self._networking.thread_newcomers(tx, meal.guild_id, geonameid)
        customers = await self._customers.by_users(tx, meal.guild_id, newcomers)
        notes = tuple(
            PeerNote(user_id, customer.name or customer.discord_name or "a neighbour", _introduce(customer))
            for user_id, customer in customers.items()
        )
        thread = CityThread(
            await self._networking.city_thread(tx, meal.guild_id, geonameid),
            tuple(sorted(notes, key=lambda note: note.name.casefold())),
            await self._networking.thread_members(tx, meal.guild_id, geonameid),
        )
        return DmContext(thread=thread)

    async def _follow_up(
        self, tx: Transaction, meal: Meal, user_id: int, peers: Sequence[int], now: dt.datetime
    ) -> DmContext | Later | str:
        """Asked about the people they were introduced to or swapped cards with, and haven't answered for."""
        followup = await self._followup(tx, meal.guild_id)
        if not followup:
            return "follow-ups are turned off in /setup"
        if now < meal.ends_at:
            return Later(meal.ends_at + followup)
        met = {i.peer_id for i in await self._networking.introductions_for(tx, meal.guild_id, meal.id, user_id)}
        met.update(await self._networking.swapped_with(tx, meal.guild_id, meal.id, user_id))
        met -= await self._networking.answered(tx, meal.guild_id, meal.id, user_id)
        asked = [peer for peer in peers if peer in met][:MAX_FOLLOWUP_PEERS]
        return await self._notes(tx, meal, [(peer, None) for peer in asked])

    async def _notes(self, tx: Transaction, meal: Meal, people: Sequence[tuple[int, str | None]]) -> DmContext | str:
        if not people:
            return "nobody to tell them about"
        names = await self._customers.names_of(tx, meal.guild_id, [user_id for user_id, _ in people])
        return DmContext(tuple(PeerNote(u, names.get(u, "someone from the meal"), reason) for u, reason in people))

    async def _followup(self, tx: Transaction, guild_id: int) -> dt.timedelta:
        settings = await self._settings.get(tx, guild_id)
        return dt.timedelta(days=settings.followup_days) if settings else DEFAULT_FOLLOWUP

    async def _card(self, tx: Transaction, meal: Meal, peer: int, to: int) -> DmContext | str:
        """``peer``'s card for ``to``, with the contact ``peer`` chose to share with them."""
        customer = await self._customers.get(tx, meal.guild_id, peer)
        if customer is None:
            return "they are no longer a customer"
        contact = await self._networking.card_contact(tx, meal.guild_id, meal.id, peer, to)
        profile = customer.profile
        name = customer.name or customer.discord_name or "someone from the meal"
        card = Card(name, profile.company, profile.what_i_do, profile.website, contact)
        return DmContext((PeerNote(peer, name),), card)


def _introduce(customer: Customer) -> str | None:
    """ "runs a bakery · looking for an accountant": what someone said about themselves, for their neighbours."""
    profile = customer.profile
    parts = [profile.what_i_do, f"looking for {profile.seek}" if profile.seek else None]
    return " · ".join(part for part in parts if part) or None
