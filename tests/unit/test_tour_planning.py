"""The tour model's rules: hubs, the ellipse, DST-aware windows, the daily driving limit, pins and drops,
and the explanations for big cities left out."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.domain.cities import City, default_gazetteer
from bot.domain.errors import InvalidInput
from bot.domain.meals import MealSlot
from bot.domain.tour_planning import (
    Demand,
    Itinerary,
    Pin,
    PlanSettings,
    Reason,
    TourRequest,
    build_instance,
    check_reachable,
    group_into_hubs,
    in_ellipse,
    meal_windows,
    plan_tour,
    shortlist,
)
from bot.domain.tour_planning.candidates import Hub

QUICK = PlanSettings(solve_seconds=0.3, repair_seconds=0.1)
ALONG_THE_WAY = {
    "Toronto": 6,
    "Detroit": 4,
    "Chicago": 7,
    "Indianapolis": 3,
    "St. Louis, MO": 5,
    "Memphis": 3,
    "Dallas": 6,
    "Austin": 4,
    "Milwaukee": 3,
    "New York City": 12,
}


def city(name: str) -> City:
    found = default_gazetteer().resolve(name).city
    assert found is not None, name
    return found


def demand(counts: dict[str, int] = ALONG_THE_WAY) -> list[Demand]:
    return [Demand(city(name), count) for name, count in counts.items()]


def request(first: dt.date = dt.date(2026, 1, 12), days: int = 4, **changes: object) -> TourRequest:
    base = TourRequest(city("Toronto"), city("Austin"), first, first + dt.timedelta(days=days - 1), settings=QUICK)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def meals_in(itinerary: Itinerary) -> list[str]:
    return [meal.city.name for meal in itinerary.meals]


# ------------------------------------------------------------------------------------------- candidates


def test_customers_near_a_big_city_count_once_for_its_hub() -> None:
    hubs = group_into_hubs(demand({"Toronto": 10, "Mississauga": 4, "Hamilton, ON": 2, "Detroit": 3}), request())

    by_city = {hub.city.name: hub for hub in hubs.hubs}
    assert by_city["Toronto"].customers == 14  # Mississauga is 25 km away: its customers join Toronto's
    assert by_city["Hamilton"].customers == 2  # 60 km: a hub of its own
    assert sum(hub.customers for hub in hubs.hubs) == 19


def test_a_big_city_gets_a_meal_per_full_table_up_to_three() -> None:
    settings = PlanSettings(seats_per_meal=12)
    assert Hub(city("Chicago"), customers=11).meals(settings) == [11]
    assert Hub(city("Chicago"), customers=30).meals(settings) == [15, 15]
    assert Hub(city("Chicago"), customers=500).meals(settings) == [167, 167, 166]


def test_only_cities_inside_the_reachable_ellipse_are_candidates() -> None:
    tour = request()
    hubs = group_into_hubs(demand(), tour).hubs
    inside = {hub.city.name: ok for hub, ok in zip(hubs, in_ellipse(tour, hubs), strict=True)}

    assert inside["Indianapolis"] and inside["Memphis"]
    assert not inside["New York City"]  # 785 km off the way: more than 4 days of driving allow
    short = shortlist(dataclasses.replace(tour, settings=dataclasses.replace(QUICK, max_candidates=3)), hubs)
    assert sorted(h.city.name for h in short.chosen) == ["Chicago", "Dallas", "Toronto"]  # the 3 biggest
    assert "Detroit" in [h.city.name for h in short.not_shortlisted]
    assert "New York City" in [h.city.name for h in short.off_route]


# -------------------------------------------------------------------------------------------- windows


def test_meal_windows_are_local_in_each_city_across_a_dst_change() -> None:
    # The US springs forward on Sun 8 Mar 2026: Chicago's lunch is 12:00 local on both sides of it.
    tour = request(first=dt.date(2026, 3, 6))
    built = build_instance(tour, group_into_hubs(demand({"Chicago": 5, "Denver": 5}), tour).hubs)
    for name, zone in (("Chicago", "America/Chicago"), ("Denver", "America/Denver")):
        node = built.cities.index(city(name))
        lunches = [s for s in built.slots[node] if s.slot is MealSlot.LUNCH]
        starts = [built.clock.instant(s.window.opens) for s in lunches]
        assert [s.astimezone(ZoneInfo(zone)).time() for s in starts] == [dt.time(12)] * 4
        assert starts[3] - starts[0] == dt.timedelta(days=3, hours=-1)  # the clocks went forward an hour


def test_meals_chosen_parse_and_unknown_ones_are_refused() -> None:
    assert [w.slot for w in meal_windows("lunch dinner")] == [MealSlot.LUNCH, MealSlot.DINNER]
    assert [w.slot for w in meal_windows(None)] == [MealSlot.BREAKFAST, MealSlot.LUNCH, MealSlot.DINNER]
    with pytest.raises(InvalidInput, match="is not a meal"):
        meal_windows("brunch")


# -------------------------------------------------------------------------------------- driving limit


@pytest.mark.parametrize("limit", [6.0, 9.0])
def test_no_day_drives_more_than_the_limit_and_only_in_daylight(limit: float) -> None:
    days = 6 if limit < 8 else 4
    tour = request(days=days, settings=dataclasses.replace(QUICK, daily_drive_hours=limit))

    itinerary = plan_tour(tour, demand())

    assert itinerary.meals and not itinerary.warnings
    assert max(itinerary.drive_by_day) <= limit + 1e-6
    assert sum(itinerary.drive_by_day) == pytest.approx(itinerary.drive_hours)
    for leg in itinerary.legs:
        local = leg.departs_at.astimezone(ZoneInfo(leg.origin.timezone))
        assert dt.time(6) <= local.time() <= dt.time(23)


def test_a_leg_too_long_for_the_day_fails_the_simulation() -> None:
    tour = request()
    built = build_instance(tour, group_into_hubs(demand({"Toronto": 5, "Dallas": 5}), tour).hubs)
    toronto, dallas = built.cities.index(city("Toronto"), 2), built.cities.index(city("Dallas"))

    there = built.simulate((toronto, dallas))  # breakfast in Toronto, then ~26 h to Dallas: lunch on day 3
    assert there.feasible
    per_day = there.per_day(4)
    assert per_day[:3] == [9 * 60.0] * 3  # the limit, three days running
    assert sum(per_day) == sum(drive.minutes for drive in there.drives)
    assert there.visits[1].start - there.visits[0].start > 2 * 24 * 60  # Dallas two days after Toronto
    back = built.simulate((dallas, toronto))  # to Dallas and back to Toronto does not fit in 4 days
    assert back.failed == (dallas, toronto)


def test_a_team_eats_one_lunch_a_day_even_across_a_timezone_line() -> None:
    # Mishawaka keeps Eastern time, Valparaiso 85 km west keeps Central: lunch at 12:00 in Mishawaka, 75 minutes
    # at the table and 75 on the road reach Valparaiso at 13:30 Central, still in its window, but it would be
    # the team's second lunch of the day.
    tour = request(start=city("Mishawaka"), end=city("Valparaiso, IN"), days=1, meals=meal_windows("lunch"))
    built = build_instance(tour, group_into_hubs(demand({"Mishawaka": 8, "Valparaiso, IN": 6}), tour).hubs)
    # (nodes 0 and 1 are the tour's start and end)
    mishawaka, valparaiso = built.cities.index(city("Mishawaka"), 2), built.cities.index(city("Valparaiso, IN"), 2)
    assert built.cities[mishawaka].timezone != built.cities[valparaiso].timezone
    assert built.minutes[mishawaka, valparaiso] == 75

    assert not built.simulate((mishawaka, valparaiso)).feasible  # the second lunch has no other day to go to
    assert built.simulate((mishawaka,)).feasible and built.simulate((valparaiso,)).feasible
    itinerary = plan_tour(tour, demand({"Mishawaka": 8, "Valparaiso, IN": 6}))
    assert [(meal.city.name, meal.day, meal.slot) for meal in itinerary.meals] == [("Mishawaka", 0, MealSlot.LUNCH)]


def test_impossible_limits_are_refused_before_planning() -> None:
    with pytest.raises(InvalidInput, match="Add days or raise the daily driving limit"):
        check_reachable(request(days=2, settings=dataclasses.replace(QUICK, daily_drive_hours=4.0)))
    with pytest.raises(InvalidInput, match="ends before it starts"):
        TourRequest(city("Toronto"), city("Austin"), dt.date(2026, 1, 12), dt.date(2026, 1, 10))
    with pytest.raises(InvalidInput, match="daily driving limit goes from"):
        PlanSettings(daily_drive_hours=30)


# ------------------------------------------------------------------------------------- pins and drops


def test_the_plan_visits_the_cities_along_the_way() -> None:
    itinerary = plan_tour(request(), demand())

    assert {"Detroit", "Chicago", "Dallas"} <= set(meals_in(itinerary))
    assert itinerary.meals == tuple(sorted(itinerary.meals, key=lambda m: m.starts_at))
    assert all(m.local_start.time() >= dt.time(7, 30) for m in itinerary.meals)


def test_a_pinned_city_is_visited_and_a_dropped_one_is_not() -> None:
    tour = request(pins=(Pin(city("Milwaukee")),), dropped=frozenset({city("Chicago").geonameid}))

    itinerary = plan_tour(tour, demand())

    assert "Milwaukee" in meals_in(itinerary) and "Chicago" not in meals_in(itinerary)
    assert [m.pinned for m in itinerary.meals if m.city.name == "Milwaukee"] == [True]
    [chicago] = [x for x in itinerary.left_out if x.city.name == "Chicago"]
    assert (chicago.reason, chicago.detail) == (Reason.DROPPED, "dropped by a manager")


def test_a_moved_stop_gets_its_day_and_meal() -> None:
    tour = request(pins=(Pin(city("Dallas"), day=3, slot=MealSlot.LUNCH),))

    itinerary = plan_tour(tour, demand())

    [dallas] = [m for m in itinerary.meals if m.city.name == "Dallas"]
    assert (dallas.day, dallas.slot, dallas.local_start.date()) == (3, MealSlot.LUNCH, dt.date(2026, 1, 15))


# ------------------------------------------------------------------------------------- explanations


def test_big_cities_left_out_are_explained() -> None:
    counts = {**ALONG_THE_WAY, "Springfield, IL": 2, "Los Angeles": 9}
    itinerary = plan_tour(request(), demand(counts))

    reasons = {x.city.name: x for x in itinerary.left_out}
    assert reasons["New York City"].reason is Reason.OFF_ROUTE
    assert reasons["New York City"].detail.startswith("too far off the route: a 785 km detour")
    assert reasons["Los Angeles"].reason is Reason.OFF_ROUTE
    assert reasons["Springfield"].reason is Reason.BELOW_MINIMUM
    assert reasons["Springfield"].detail == "only 2 customers within 50 km, below the minimum of 3 per meal"
    assert [x.customers for x in itinerary.left_out] == sorted((x.customers for x in itinerary.left_out), reverse=True)


def test_no_customers_is_explained() -> None:
    with pytest.raises(InvalidInput, match="no customers with a city yet"):
        plan_tour(request(), [])


def test_an_itinerary_survives_storage() -> None:
    itinerary = plan_tour(request(), demand())

    again = Itinerary.from_dict(itinerary.to_dict(), lambda geonameid: default_gazetteer().get(geonameid))  # type: ignore[arg-type, return-value]

    assert again == itinerary


def test_a_fixed_arrival_at_the_end_is_kept() -> None:
    # A conference in Austin at 14:00 on the last day: nothing may be planned after arriving for it.
    deadline = dt.datetime(2026, 1, 15, 14, 0, tzinfo=ZoneInfo("America/Chicago")).astimezone(dt.UTC)
    tour = request(arrive_by=deadline)

    itinerary = plan_tour(tour, demand())

    assert itinerary.meals and itinerary.legs[-1].destination.name == "Austin"
    arrival = itinerary.legs[-1].departs_at + dt.timedelta(hours=itinerary.legs[-1].hours)
    assert arrival <= deadline
    assert all(meal.ends_at <= deadline for meal in itinerary.meals)
    with pytest.raises(InvalidInput, match="fixed arrival is before the tour even leaves"):
        request(arrive_by=dt.datetime(2026, 1, 11, tzinfo=dt.UTC))
