"""Tours at the service layer, on both stores (SQLite and PostgreSQL): guilds never see each other's tours, a
published or cancelled tour can't be changed, and pins, drops and moves are stored and used by the next plan."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.meals import MealSlot
from bot.domain.tours import StopKind, TourStatus
from bot.services import Services
from bot.services.customers import Member
from storage.database import Store

GUILD, OTHER_GUILD = 1, 2
NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


pytestmark = pytest.mark.backends("sqlite", "postgresql")  # part of the conformance suite


@pytest.fixture
def db(store: Store) -> Store:
    return store


@pytest.fixture
def services(db: Store) -> Services:
    return Services.build(db, lambda: NOW)


async def new_tour(services: Services, guild_id: int = GUILD, name: str = "Spring") -> int:
    tour = await services.tours.create(
        guild_id, by=7, name=name, start="Toronto", end="Austin", start_date="2026-01-12", days=4
    )
    return tour.id


async def test_guilds_never_see_each_others_tours(services: Services) -> None:
    tour_id = await new_tour(services)

    with pytest.raises(InvalidInput, match="can't find that tour"):
        await services.tours.get(OTHER_GUILD, tour_id)
    with pytest.raises(InvalidInput, match="can't find that tour"):
        await services.tours.pin(OTHER_GUILD, tour_id, "Chicago")
    assert await services.tours.in_guild(OTHER_GUILD) == []
    assert [t.name for t in await services.tours.in_guild(GUILD)] == ["Spring"]


async def test_stops_are_stored_and_a_later_pin_replaces_a_drop(services: Services) -> None:
    tour_id = await new_tour(services)

    await services.tours.drop(GUILD, tour_id, "Chicago")
    await services.tours.pin(GUILD, tour_id, "Dallas", day=4, slot=MealSlot.LUNCH)
    await services.tours.pin(GUILD, tour_id, "Chicago")

    tour = await services.tours.get(GUILD, tour_id)
    stops = {(s.kind, s.day, s.slot) for s in tour.stops}
    assert stops == {(StopKind.PIN, 3, MealSlot.LUNCH), (StopKind.PIN, None, None)}
    request = services.tours.request(tour)
    assert {pin.city.name for pin in request.pins} == {"Dallas", "Chicago"} and not request.dropped
    with pytest.raises(InvalidInput, match="This tour has days 1 to 4"):
        await services.tours.pin(GUILD, tour_id, "Dallas", day=5)
    with pytest.raises(InvalidInput, match="where the tour starts or ends"):
        await services.tours.drop(GUILD, tour_id, "Austin")


async def test_a_published_or_cancelled_tour_cannot_be_changed(services: Services) -> None:
    city = services.customers.resolve_one("Chicago")
    for user_id in range(5):
        await services.customers.set_city(
            Member(GUILD, 100 + user_id, f"u{user_id}", "U"), city.geonameid, consenting=True
        )
    tour_id = await new_tour(services)
    tour, itinerary = await services.tours.plan(GUILD, tour_id)
    assert tour.status is TourStatus.PLANNED and [m.city.name for m in itinerary.meals] == ["Chicago"]

    publishing = await services.tours.publish(GUILD, tour_id, host_id=7, channel_id=5)
    assert publishing.tour.status is TourStatus.PUBLISHING and publishing.new_meals == 1
    with pytest.raises(InvalidInput, match="already published"):
        await services.tours.pin(GUILD, tour_id, "Detroit")
    cancelled = await services.tours.cancel(GUILD, tour_id)
    assert (cancelled.tour.name, cancelled.meals, cancelled.told) == ("Spring", 1, 0)
    with pytest.raises(InvalidInput, match="was cancelled"):
        await services.tours.plan(GUILD, tour_id)
    with pytest.raises(InvalidInput, match="already cancelled"):
        await services.tours.cancel(GUILD, tour_id)


async def test_a_fixed_arrival_is_read_in_the_end_citys_time_and_kept_by_the_plan(services: Services) -> None:
    city = services.customers.resolve_one("Dallas")
    for user_id in range(5):
        await services.customers.set_city(
            Member(GUILD, 200 + user_id, f"d{user_id}", "D"), city.geonameid, consenting=True
        )
    tour = await services.tours.create(
        GUILD, by=7, name="Conference", start="Toronto", end="Austin", start_date="2026-01-12", days=4,
        arrive_by="2026-01-15 9:00",
    )  # fmt: skip
    assert tour.arrive_by == dt.datetime(2026, 1, 15, 15, 0, tzinfo=dt.UTC)  # 09:00 in Austin (CST)

    _, itinerary = await services.tours.plan(GUILD, tour.id)

    assert itinerary.meals and all(meal.ends_at <= tour.arrive_by for meal in itinerary.meals)


async def test_a_tour_of_two_teams_is_stored_planned_and_published_with_each_teams_host(services: Services) -> None:
    user = 100
    spread = {"Chicago": 7, "Detroit": 4, "Dallas": 6, "Memphis": 3, "Indianapolis": 3, "Toronto": 6, "Austin": 4,
              "Milwaukee": 3, "St. Louis, MO": 5}  # fmt: skip
    for city_text, count in spread.items():
        city = services.customers.resolve_one(city_text)
        for _ in range(count):
            user += 1
            await services.customers.set_city(Member(GUILD, user, f"u{user}", "U"), city.geonameid, consenting=True)
    tour = await services.tours.create(
        GUILD, by=7, name="Relay", start="Toronto", end="Austin", start_date="2026-01-12", days=4, teams=2
    )
    assert (await services.tours.get(GUILD, tour.id)).teams == 2

    _, itinerary = await services.tours.plan(GUILD, tour.id)
    assert itinerary.teams == 2 and {meal.team for meal in itinerary.meals} == {0, 1}
    publishing = await services.tours.publish(GUILD, tour.id, host_id=7, channel_id=5, team_hosts=(None, 8))

    hosts = {}
    for meal_id in await services.tours.meal_ids(GUILD, tour.id):
        meal = await services.meals.get(GUILD, meal_id)
        hosts[meal.tour_slot] = meal.host_id
    assert publishing.new_meals == len(itinerary.meals)
    assert hosts == {slot: 8 if meal.team == 1 else 7 for slot, meal in enumerate(itinerary.meals)}
    assert not itinerary.warnings
    with pytest.raises(InvalidInput, match="1 to 4 teams"):
        await services.tours.create(
            GUILD, by=7, name="Too many", start="Toronto", end="Austin", start_date="2026-01-12", days=4, teams=5
        )
