"""Customers by city at the service layer, on both stores (SQLite and PostgreSQL): cities, consent, opt-ins,
imports, privacy."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from bot.domain.cities import default_gazetteer
from bot.domain.customers import OptIn
from bot.domain.errors import InvalidInput, NotAllowed
from bot.services import Services
from bot.services.customers import Member
from storage.database import Store, Transaction

GUILD, OTHER_GUILD = 1, 2
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


pytestmark = pytest.mark.backends("sqlite", "postgresql")  # part of the conformance suite


@pytest.fixture
def db(store: Store) -> Store:
    return store


@pytest.fixture
def services(db: Store) -> Services:
    return Services.build(db, lambda: NOW)


def member(user_id: int, username: str = "", guild_id: int = GUILD) -> Member:
    name = username or f"user{user_id}"
    return Member(guild_id, user_id, name, name.title())


def city_id(query: str) -> int:
    city = default_gazetteer().resolve(query).city
    assert city is not None
    return city.geonameid


async def test_city_is_stored_only_with_consent(services: Services) -> None:
    ana = member(10, "ana")

    with pytest.raises(NotAllowed):
        await services.customers.set_city(ana, city_id("Toronto"))
    assert await services.customers.customer(GUILD, 10) is None

    city = await services.customers.set_city(ana, city_id("Toronto"), consenting=True)
    again = await services.customers.set_city(ana, city_id("Austin, TX"))  # consent is remembered

    assert city.label == "Toronto, Ontario, CA"
    stored = await services.customers.customer(GUILD, 10)
    assert stored is not None and stored.consented and stored.city_id == again.geonameid
    assert stored.opt_ins == frozenset()  # every opt-in starts off


async def test_dm_invitees_are_opted_in_customers_in_or_near_the_city(services: Services) -> None:
    customers = services.customers
    people = {11: "Toronto", 12: "Mississauga", 13: "Toronto", 14: "Austin, TX", 15: "Hamilton, ON"}
    for user_id, town in people.items():
        await customers.set_city(member(user_id), city_id(town), consenting=True)
    for user_id in (11, 12, 14, 15):
        await customers.set_opt_in(member(user_id), OptIn.DMS, True)
    toronto = customers.city(city_id("Toronto"))

    assert await customers.dm_invitees(GUILD, toronto, 0) == [11]
    assert await customers.dm_invitees(GUILD, toronto, 40) == [11, 12]  # Mississauga ≈ 25 km away
    assert await customers.dm_invitees(GUILD, toronto, 80) == [11, 12, 15]  # Hamilton ≈ 62 km
    assert await customers.dm_invitees(OTHER_GUILD, toronto, 80) == []
    with pytest.raises(InvalidInput, match="radius"):
        await customers.dm_invitees(GUILD, toronto, 5000)


async def test_stop_requests_are_one_per_person_and_city(services: Services) -> None:
    first = await services.customers.request_stop(GUILD, 10, "Austin, TX", "BBQ on me")
    second = await services.customers.request_stop(GUILD, 11, "austin texas", None)
    repeat = await services.customers.request_stop(GUILD, 10, "Austin, TX", "Tacos instead")

    assert (first.asked, first.updated) == (1, False)
    assert (second.asked, repeat.asked, repeat.updated) == (2, 2, True)
    [request] = await services.customers.stop_requests(GUILD, 10)
    assert request.note == "Tacos instead"
    with pytest.raises(InvalidInput, match="300"):
        await services.customers.request_stop(GUILD, 10, "Austin, TX", "x" * 301)
    with pytest.raises(InvalidInput, match="Several places"):
        await services.customers.request_stop(GUILD, 10, "Springfield", None)


async def test_a_server_of_canadian_customers_reads_kingston_as_kingston_ontario(services: Services) -> None:
    for user_id, town in {11: "Toronto", 12: "Vancouver, BC", 13: "Calgary", 14: "Halifax, NS"}.items():
        await services.customers.set_city(member(user_id), city_id(town), consenting=True)

    here = await services.customers.resolve_in_guild("Kingston", GUILD)
    elsewhere = await services.customers.resolve_in_guild("Kingston", OTHER_GUILD)  # no customers yet

    assert here.city is not None and here.city.label == "Kingston, Ontario, CA"
    assert here.message == (
        "I read “Kingston” as Kingston, Ontario, CA (near this server's customers); "
        "for another one, write e.g. “Kingston, Jamaica”."
    )
    assert elsewhere == services.customers.resolve("Kingston")
    assert elsewhere.city is not None and elsewhere.city.country_code == "JM"
    picked = await services.customers.resolve_in_guild(str(city_id("Kingston, Jamaica")), GUILD)
    assert picked.city is not None and picked.city.country_code == "JM"  # a picked choice is never second-guessed


async def test_an_imported_kingston_among_toronto_montreal_and_ottawa_is_in_ontario(services: Services) -> None:
    sheet = (
        "email,name,city\n"
        "ana@example.com,Ana,Toronto\n"
        "ben@example.com,Ben,Montréal\n"
        "chen@example.com,Chen,Ottawa\n"
        "dara@example.com,Dara,Kingston\n"
    ).encode()

    dry = await services.customer_files.dry_run(GUILD, by=1, filename="c.csv", data=sheet)
    assert dry.import_id is not None and dry.plan.problems == () and dry.new == 4
    await services.customer_files.confirm(GUILD, dry.import_id)

    stored = {c.name: c.city_id for c in await services.customers.in_guild(GUILD)}
    assert services.customers.label(stored["Dara"]) == "Kingston, Ontario, CA"


async def test_import_then_member_joins_and_links_their_row(services: Services) -> None:
    csv_text = "discord_name,name,city,what_i_do\nana,Ana Costa,Toronto,Bakery\n"
    dry = await services.customer_files.dry_run(GUILD, by=1, filename="c.csv", data=csv_text.encode())
    assert dry.import_id is not None and (dry.new, dry.known) == (1, 0)

    await services.customer_files.confirm(GUILD, dry.import_id)
    await services.customers.set_opt_in(member(99, "ana"), OptIn.LISTED, True)

    stored = await services.customers.customer(GUILD, 99)
    assert stored is not None and stored.name == "Ana Costa" and stored.profile.what_i_do == "Bakery"
    assert stored.opted_in(OptIn.LISTED) and not stored.consented
    assert len(await services.customers.city_counts(GUILD)) == 1


async def test_privacy_forgets_everything_about_a_person(services: Services, db: Store) -> None:
    ana = member(10, "ana")
    await services.customers.set_city(ana, city_id("Toronto"), consenting=True)
    await services.customers.request_stop(GUILD, 10, "Austin, TX", "please")
    await services.customers.set_city(member(11), city_id("Toronto"), consenting=True)

    exported = await services.privacy.export(GUILD, 10)
    await services.privacy.forget(GUILD, 10)

    assert exported["customer"]["city_id"] == city_id("Toronto")  # type: ignore[index]
    assert exported["stop_requests"][0]["note"] == "please"  # type: ignore[index]
    assert await services.privacy.export(GUILD, 10) == {
        "guild_id": str(GUILD), "user_id": "10", "exported_at": NOW.isoformat()
    }
    assert await services.customers.customer(GUILD, 11) is not None  # others are untouched


async def test_guilds_never_see_each_others_customers(services: Services) -> None:
    await services.customers.set_city(member(10, guild_id=GUILD), city_id("Toronto"), consenting=True)
    await services.customers.request_stop(GUILD, 10, "Austin, TX", None)
    sheet = b"email,city\nx@example.com,Toronto\n"
    dry = await services.customer_files.dry_run(GUILD, by=1, filename="c.csv", data=sheet)
    assert dry.import_id is not None

    with pytest.raises(NotAllowed, match="another server"):
        await services.customer_files.confirm(OTHER_GUILD, dry.import_id)
    toronto = services.customers.city(city_id("Toronto"))
    assert await services.customers.city_counts(OTHER_GUILD) == []
    assert (await services.customers.customers_near(OTHER_GUILD, toronto, 50)).customers == ()
    exported, count = await services.customer_files.export_csv(OTHER_GUILD)
    assert count == 0 and exported.decode("utf-8-sig").count("\n") == 1  # the header only
    assert await services.privacy.export(OTHER_GUILD, 10) == {
        "guild_id": str(OTHER_GUILD), "user_id": "10", "exported_at": NOW.isoformat()
    }


async def test_a_registered_feature_is_exported_and_forgotten_too(services: Services) -> None:
    class Rsvps:
        def __init__(self) -> None:
            self.forgotten: list[tuple[int, int]] = []

        async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
            return {"rsvps": [{"meal": 7, "status": "going"}]}

        async def forget_user(self, tx: Transaction, guild_id: int, user_id: int) -> None:
            self.forgotten.append((guild_id, user_id))

    rsvps = Rsvps()
    services.privacy.register(rsvps)
    services.privacy.register(rsvps)  # registering twice does not double anything

    assert (await services.privacy.export(GUILD, 10))["rsvps"] == [{"meal": 7, "status": "going"}]
    await services.privacy.forget(GUILD, 10)
    assert rsvps.forgotten == [(GUILD, 10)]


async def test_an_unconfirmed_file_expires_after_a_day(db: Store) -> None:
    now = [NOW]
    services = Services.build(db, lambda: now[0])
    sheet = b"email,city\nx@example.com,Toronto\n"
    old = await services.customer_files.dry_run(GUILD, by=1, filename="c.csv", data=sheet)
    assert old.import_id is not None

    now[0] = NOW + dt.timedelta(days=1, minutes=1)
    with pytest.raises(InvalidInput, match="expired"):
        await services.customer_files.confirm(GUILD, old.import_id)
    fresh = await services.customer_files.dry_run(GUILD, by=1, filename="c.csv", data=sheet)  # empties the old file

    rows = await db.fetch_all("SELECT id, content FROM customer_imports ORDER BY id")
    assert [(row["id"], bool(row["content"])) for row in rows] == [(old.import_id, False), (fresh.import_id, True)]
    assert fresh.import_id != old.import_id  # an old Confirm button can never import a newer file
    with pytest.raises(InvalidInput, match="expired"):
        await services.customer_files.confirm(GUILD, old.import_id)
    assert await services.customers.city_counts(GUILD) == []


async def test_importing_the_same_list_twice_leaves_the_same_customers(services: Services, db: Store) -> None:
    rng = random.Random(7)
    towns = ["Toronto", "Austin, TX", "Chicago", "Detroit", "Dallas"]
    lines = ["discord_id,discord_name,email,name,city,what_i_do"]
    for i in range(300):
        kind = rng.randrange(3)
        discord_id = str(100_000_000_000_000_000 + i) if kind == 0 else ""
        name = f"user{i}" if kind == 1 else ""
        email = f"u{i}@example.com" if kind == 2 or rng.random() < 0.3 else ""
        what = rng.choice(["", "Bakery", "Design"])
        lines.append(f'{discord_id},{name},{email},Person {i},"{rng.choice(towns)}",{what}')
    data = "\n".join(lines).encode()

    async def snapshot() -> list[dict[str, object]]:
        rows = await db.fetch_all("SELECT * FROM customers ORDER BY id")
        return [{k: v for k, v in zip(row.keys(), row, strict=True) if k != "updated_at"} for row in rows]

    first = await services.customer_files.dry_run(GUILD, by=1, filename="c.csv", data=data)
    assert first.import_id is not None and first.new == 300
    await services.customer_files.confirm(GUILD, first.import_id)
    before = await snapshot()
    second = await services.customer_files.dry_run(GUILD, by=1, filename="c.csv", data=data)
    assert second.import_id is not None and (second.new, second.known) == (0, 300)
    await services.customer_files.confirm(GUILD, second.import_id)

    assert await snapshot() == before
    assert len(before) == 300 and {row["what_i_do"] for row in before} == {None, "Bakery", "Design"}


async def test_an_import_by_username_finds_a_member_who_signed_up_first(services: Services) -> None:
    ana = member(10, "ana")
    await services.customers.set_city(ana, city_id("Austin, TX"), consenting=True)
    sheet = b"discord_name,email,city,company\nAna,ana@example.com,Toronto,Costa Breads\n"

    dry = await services.customer_files.dry_run(GUILD, by=1, filename="c.csv", data=sheet)
    assert dry.import_id is not None and (dry.new, dry.known) == (0, 1)
    await services.customer_files.confirm(GUILD, dry.import_id)

    [only] = await services.customers.in_guild(GUILD)
    assert (only.user_id, only.email, only.profile.company) == (10, "ana@example.com", "Costa Breads")
    assert only.city_id == city_id("Austin, TX")  # her own answer wins
