"""Demo data of customers by city: cities, profiles, opt-ins and stop requests, written through the services."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.customers import OptIn
from bot.services import Services
from bot.services.customers import Member

# username → (what I do, what I can offer, what I'm looking for, company)
PROFILES = {
    "ana": ("I run a bakery with 12 people", "Advice on opening a second shop", "A good accountant", "Costa Breads"),
    "ben": ("Logistics for small importers", "Cheap shipping to the US", "Food makers to ship for", "Okafor Freight"),
    "chen": ("Industrial design studio", "Product design reviews", "Manufacturers in the Midwest", "Wei Studio"),
    "dara": (
        "Accounting for small businesses",
        "A free first tax review",
        "Growing shops that need books",
        "Singh & Co",
    ),
    "eli": ("Craft brewery", "Event space for 40 people", "Distribution in Texas", "Brooks Brewing"),
    "fatima": ("Marketing agency", "Social media audits", "Local businesses to work with", "Haddad Media"),
    "gus": ("Coffee roaster", "Tasting sessions", "Cafés across Texas", "Larsen Roasters"),
    "hana": ("Software consultant", "Help automating spreadsheets", "Designers to partner with", None),
}
LISTED = {"ana", "ben", "dara", "gus", "eli"}
NO_DMS = {"hana"}
STOP_REQUESTS = (
    ("chen", "Cleveland, OH", "Half of our clients are there"),
    ("eli", "Kansas City, MO", None),
    ("dara", "Milwaukee", "Happy to host breakfast"),
    ("fatima", "Houston", None),
    ("gus", "Houston", "Come for the tacos"),
)


async def seed_customers(services: Services, guild_id: int, people: Iterable[tuple[int, str, str, str]]) -> None:
    """``people``: (user id, username, display name, city as typed). Everyone agreed to be stored."""
    ids = {}
    for user_id, username, display_name, city_text in people:
        member = Member(guild_id, user_id, username, display_name)
        ids[username] = user_id
        city = services.customers.resolve_one(city_text)
        await services.customers.set_city(member, city.geonameid, consenting=True)
        what_i_do, offer, seek, company = PROFILES.get(username, (None, None, None, None))
        await services.customers.save_profile(
            member, what_i_do=what_i_do, offer=offer, seek=seek, company=company, website=None
        )
        opt_ins = {OptIn.DMS} - ({OptIn.DMS} if username in NO_DMS else set())
        if username in LISTED:
            opt_ins |= {OptIn.LISTED, OptIn.INTRODUCTIONS}
        for opt_in in opt_ins:
            await services.customers.set_opt_in(member, opt_in, True)
    for username, city_text, note in STOP_REQUESTS:
        if username in ids:
            await services.customers.request_stop(guild_id, ids[username], city_text, note)
