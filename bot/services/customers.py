"""Use cases of customers by city: /city, /profile, /tour request, /privacy settings, /customers cities|list.

Also what later features ask of customers: :meth:`CustomerService.dm_invitees` (meals invite the people
in and near a city who accepted DMs).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.domain.cities import City, Gazetteer, Resolution, ResolutionStatus
from bot.domain.clock import Clock
from bot.domain.customers import Customer, OptIn, Profile, StopRequest, clean_note, clean_profile
from bot.domain.errors import InvalidInput, NotAllowed
from storage.customers import CustomerRepository, StopRequestRepository
from storage.database import Store, Transaction

MAX_RADIUS_KM = 500.0


@dataclass(frozen=True, slots=True)
class Member:
    """Who is asking: enough to link a row a manager imported under their username."""

    guild_id: int
    user_id: int
    username: str
    display_name: str


@dataclass(frozen=True, slots=True)
class CityCount:
    city: City
    customers: int
    requests: int


@dataclass(frozen=True, slots=True)
class CustomersNear:
    """Who lives in or near a city; ``towns`` counts customers per place, nearest first."""

    city: City
    radius_km: float
    customers: tuple[tuple[Customer, City], ...]
    towns: tuple[tuple[City, float, int], ...]


@dataclass(frozen=True, slots=True)
class StopRequestSaved:
    city: City
    asked: int  # how many people asked for this city, this one included
    updated: bool


@dataclass(frozen=True, slots=True)
class CityRoleMembers:
    user_ids: tuple[int, ...]
    not_listed: int  # customers of the area left out because they did not opt in (or are not on the server)


class CustomerService:
    def __init__(
        self,
        db: Store,
        customers: CustomerRepository,
        stop_requests: StopRequestRepository,
        gazetteer: Gazetteer,
        clock: Clock,
    ) -> None:
        self._db = db
        self._customers = customers
        self._stop_requests = stop_requests
        self._gazetteer = gazetteer
        self._clock = clock

    # ------------------------------------------------------------------------------------------ cities

    def autocomplete(self, typed: str) -> list[City]:
        return self._gazetteer.autocomplete(typed)

    def resolve(self, typed: str) -> Resolution:
        """Free text, or the geonames id an autocomplete choice sends as its value."""
        return self._gazetteer.resolve_option(typed)

    async def resolve_in_guild(self, typed: str, guild_id: int, *, for_user: int | None = None) -> Resolution:
        """:meth:`resolve`, with the guild's customers as context (the context rule of
        :mod:`bot.domain.cities`): a name several places share prefers the one near them, or in their
        country, so "Kingston" on a server of Canadian customers is Kingston, Ontario. For /city set, where
        the person's own current city is left out (they may be moving away from it)."""
        async with self._db.read() as tx:
            counts = await self._customers.counts_by_city(tx, guild_id)
            own = None if for_user is None else await self._customers.get(tx, guild_id, for_user)
        if own is not None and own.city_id in counts:
            counts[own.city_id] -= 1
            counts = {city: n for city, n in counts.items() if n > 0}
        near = self._gazetteer.vicinity(counts, about="this server's customers") if counts else None
        return self._gazetteer.resolve_option(typed, near)

    def resolve_one(self, typed: str) -> City:
        """A city, or a message saying what to type instead (ambiguous input lists the options)."""
        resolution = self.resolve(typed)
        if resolution.city is not None and resolution.resolved:
            return resolution.city
        if resolution.status is ResolutionStatus.AMBIGUOUS:
            options = "\n".join(f"• {choice.label}" for choice in resolution.choices)
            raise InvalidInput(f"{resolution.message}\n{options}")
        raise InvalidInput(resolution.message or f"I couldn't find “{typed.strip()}”.")

    def city(self, geonameid: int) -> City:
        city = self._gazetteer.get(geonameid)
        if city is None:
            raise InvalidInput("That city is no longer in my list; please type it again.")
        return city

    def label(self, geonameid: int | None) -> str:
        city = None if geonameid is None else self._gazetteer.get(geonameid)
        return city.label if city else "not set"

    # ------------------------------------------------------------------------------------- the customer

    async def customer(self, guild_id: int, user_id: int) -> Customer | None:
        async with self._db.read() as tx:
            return await self._customers.get(tx, guild_id, user_id)

    async def for_form(self, member: Member) -> Customer | None:
        """What the profile form is pre-filled with: the member's row, or the one a manager imported under their
        username (it becomes theirs when they save). A read: the form must be Discord's first answer."""
        async with self._db.read() as tx:
            customer = await self._customers.get(tx, member.guild_id, member.user_id)
            return customer or await self._customers.imported_as(tx, member.guild_id, member.username)

    async def names_of(self, guild_id: int, user_ids: list[int]) -> dict[int, str]:
        """What to call people in lists and files (attendees): the customers we know, by user id."""
        async with self._db.read() as tx:
            return await self._customers.names_of(tx, guild_id, user_ids)

    async def in_guild(self, guild_id: int) -> list[Customer]:
        """Every customer of the guild, oldest first."""
        async with self._db.read() as tx:
            return await self._customers.all_in_guild(tx, guild_id)

    async def claim_imported(self, member: Member) -> None:
        """Before showing someone's data: the row a manager imported under their username is theirs (so
        /privacy show reaches it too)."""
        async with self._db.transaction() as tx:
            await self.link_imported(tx, member)

    async def link_imported(self, tx: Transaction, member: Member) -> None:
        """Inside a use case's transaction: see :meth:`claim_imported` (and /privacy delete)."""
        await self._customers.link_imported(
            tx, member.guild_id, member.user_id, username=member.username, at=self._clock()
        )

    async def needs_consent(self, member: Member) -> bool:
        async with self._db.read() as tx:
            customer = await self._customers.get(tx, member.guild_id, member.user_id)
        return customer is None or not customer.consented

    async def set_city(self, member: Member, geonameid: int, *, consenting: bool = False) -> City:
        """Store the member's city; the first time only with their consent (the button they pressed)."""
        city = self.city(geonameid)
        now = self._clock()
        async with self._db.transaction() as tx:
            customer = await self._customers.get(tx, member.guild_id, member.user_id)
            if not consenting and (customer is None or not customer.consented):
                raise NotAllowed("I need your OK before storing your city: run /city set again and press “I agree”.")
            await self._ensure(tx, member)
            if consenting:
                await self._customers.record_consent(tx, member.guild_id, member.user_id, at=now)
            await self._customers.set_city(tx, member.guild_id, member.user_id, city.geonameid, at=now)
        return city

    async def save_profile(
        self,
        member: Member,
        *,
        what_i_do: str | None,
        offer: str | None,
        seek: str | None,
        company: str | None,
        website: str | None,
    ) -> Customer:
        """Validate everything first; submitting the form is the member's consent to store it."""
        profile = clean_profile(what_i_do=what_i_do, offer=offer, seek=seek, company=company, website=website)
        now = self._clock()
        async with self._db.transaction() as tx:
            await self._ensure(tx, member)
            await self._customers.record_consent(tx, member.guild_id, member.user_id, at=now)
            await self._customers.save_profile(tx, member.guild_id, member.user_id, profile, at=now)
            return await self._get(tx, member)

    async def set_opt_in(self, member: Member, opt_in: OptIn, value: bool) -> Customer:
        async with self._db.transaction() as tx:
            return await self._set_opt_in(tx, member, opt_in, value)

    async def toggle_opt_in(self, member: Member, opt_in: OptIn) -> Customer:
        """Read and switch in one transaction: two quick clicks switch twice, never both to the same value."""
        async with self._db.transaction() as tx:
            customer = await self._customers.get(tx, member.guild_id, member.user_id)
            current = customer is not None and customer.opted_in(opt_in)
            return await self._set_opt_in(tx, member, opt_in, not current)

    async def _set_opt_in(self, tx: Transaction, member: Member, opt_in: OptIn, value: bool) -> Customer:
        await self._ensure(tx, member)
        await self._customers.set_opt_in(tx, member.guild_id, member.user_id, opt_in, value, at=self._clock())
        return await self._get(tx, member)

    async def visible_profile(self, guild_id: int, *, viewer_id: int, subject_id: int) -> Customer:
        """A profile as ``viewer_id`` may see it: their own, or someone who agreed to be listed."""
        customer = await self.customer(guild_id, subject_id)
        if viewer_id != subject_id and (customer is None or not customer.opted_in(OptIn.LISTED)):
            raise NotAllowed("That member hasn't chosen to be listed, so their profile stays private.")
        if customer is None or (customer.city_id is None and customer.profile.empty):
            if viewer_id == subject_id:
                raise InvalidInput("You have no profile yet: set your city with /city set and fill /profile edit.")
            raise InvalidInput("That member hasn't filled in a profile yet.")
        return customer

    async def request_stop(self, guild_id: int, user_id: int, typed_city: str, note: str | None) -> StopRequestSaved:
        """One request per person and city: asking again only updates the note."""
        cleaned = clean_note(note)
        city = self.resolve_one(typed_city)
        async with self._db.transaction() as tx:
            earlier = {r.city_id for r in await self._stop_requests.for_user(tx, guild_id, user_id)}
            asked = await self._stop_requests.upsert(
                tx, StopRequest(guild_id, user_id, city.geonameid, cleaned), at=self._clock()
            )
        return StopRequestSaved(city, asked, updated=city.geonameid in earlier)

    async def stop_requests(self, guild_id: int, user_id: int) -> list[StopRequest]:
        async with self._db.read() as tx:
            return await self._stop_requests.for_user(tx, guild_id, user_id)

    # --------------------------------------------------------------------------------------- managers

    async def city_counts(self, guild_id: int) -> list[CityCount]:
        """Customers and stop requests per city, biggest first."""
        async with self._db.read() as tx:
            customers = await self._customers.counts_by_city(tx, guild_id)
            requests = await self._stop_requests.counts_by_city(tx, guild_id)
        counts = []
        for city_id in customers.keys() | requests.keys():
            city = self._gazetteer.get(city_id)
            if city is not None:
                counts.append(CityCount(city, customers.get(city_id, 0), requests.get(city_id, 0)))
        counts.sort(key=lambda c: (-(c.customers + c.requests), -c.customers, c.city.label))
        return counts

    async def customers_near(self, guild_id: int, city: City, radius_km: float) -> CustomersNear:
        places = self._places_within(city, radius_km)
        async with self._db.read() as tx:
            found = await self._customers.in_cities(tx, guild_id, list(places))
        per_town = Counter(customer.city_id for customer in found if customer.city_id is not None)
        towns = tuple(
            (places[city_id][0], places[city_id][1], count)
            for city_id, count in sorted(per_town.items(), key=lambda item: (places[item[0]][1], item[0]))
        )
        pairs = tuple((customer, places[city_id][0]) for customer in found if (city_id := customer.city_id))
        return CustomersNear(city, radius_km, pairs, towns)

    async def dm_invitees(self, guild_id: int, city: City, radius_km: float) -> list[int]:
        """User ids of customers who live in ``city`` or within ``radius_km`` of it and opted into DMs.

        For the meals feature's invitations. Imported people who never joined the server have no user id
        and are left out. Sorted by user id; an empty list when nobody qualifies.
        """
        places = list(self._places_within(city, radius_km))
        async with self._db.read() as tx:
            return await self._customers.opted_in_user_ids(tx, guild_id, places, OptIn.DMS)

    async def city_role_members(self, guild_id: int, city: City, radius_km: float) -> CityRoleMembers:
        """Who may get a city's role: customers in or near it who chose to be listed (a role is visible to
        everyone on the server, so it tells where they live)."""
        places = list(self._places_within(city, radius_km))
        async with self._db.read() as tx:
            listed = await self._customers.opted_in_user_ids(tx, guild_id, places, OptIn.LISTED)
            everyone = await self._customers.in_cities(tx, guild_id, places)
        return CityRoleMembers(tuple(listed), len(everyone) - len(listed))

    def _places_within(self, city: City, radius_km: float) -> dict[int, tuple[City, float]]:
        if not 0 <= radius_km <= MAX_RADIUS_KM:
            raise InvalidInput(f"The radius goes from 0 to {MAX_RADIUS_KM:.0f} km.")
        places = {other.geonameid: (other, distance) for other, distance in self._gazetteer.nearby(city, radius_km)}
        places.setdefault(city.geonameid, (city, 0.0))
        return places

    # ---------------------------------------------------------------------------------------- helpers

    async def _ensure(self, tx: Transaction, member: Member) -> None:
        await self._customers.ensure(
            tx, member.guild_id, member.user_id, username=member.username, name=member.display_name, at=self._clock()
        )

    async def _get(self, tx: Transaction, member: Member) -> Customer:
        customer = await self._customers.get(tx, member.guild_id, member.user_id)
        assert customer is not None, "ensured above"
        return customer


def profile_fields(profile: Profile) -> list[tuple[str, str]]:
    """The filled-in parts of a profile, labelled for people."""
    fields = [
        ("What I do", profile.what_i_do),
        ("What I can offer", profile.offer),
        ("What I'm looking for", profile.seek),
        ("Company", profile.company),
        ("Website", profile.website),
    ]
    return [(label, value) for label, value in fields if value]
