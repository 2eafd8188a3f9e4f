"""Several teams as hosts would read the plan: never two teams at one meal, a team that is not needed stays
home, and meals go to the team where they cost the least driving (issue 10)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from bot.domain.tour_planning import TourRequest, build_instance, group_into_hubs, plan_tour, solve_within_limit
from bot.domain.tour_planning.planner import _free_nodes, plan, regroup
from bot.domain.tour_planning.polish import Key, moves, polish
from tests.unit.test_tour_planning import QUICK, city, demand, request

BIG_CITIES = {"New York City": 60, "Philadelphia": 40, "Boston": 40, "Washington, DC": 40, "Baltimore, MD": 30,
              "Providence, RI": 25, "New Haven, CT": 14, "Hartford, CT": 12}  # fmt: skip


def boston_to_washington(teams: int = 2, days: int = 2) -> TourRequest:
    first = dt.date(2026, 3, 2)
    tour = TourRequest(city("Boston"), city("Washington, DC"), first, first + dt.timedelta(days=days - 1))
    return dataclasses.replace(tour, settings=QUICK, teams=teams)


def shared_meals(itinerary: object) -> list[tuple[str, int, str]]:
    seen: dict[tuple[str, int, str], set[int]] = {}
    for meal in itinerary.meals:  # type: ignore[attr-defined]
        seen.setdefault((meal.city.name, meal.day, meal.slot.value), set()).add(meal.team)
    return [where for where, teams in seen.items() if len(teams) > 1]


def test_two_teams_never_hold_a_meal_in_the_same_city_at_the_same_meal() -> None:
    for days in (2, 3):
        itinerary = plan_tour(boston_to_washington(days=days), demand(BIG_CITIES))

        assert {meal.team for meal in itinerary.meals} == {0, 1}
        assert shared_meals(itinerary) == []  # it would read as one meal held twice


def test_a_later_team_finds_a_places_meal_taken_and_eats_there_at_another_meal() -> None:
    tour = boston_to_washington()
    built = build_instance(tour, group_into_hubs(demand({"New York City": 30}), tour).hubs)
    first, second = built.real.customers  # two tables' worth: two meal nodes of one place

    one, two = built.simulations(((first,), (second,)))

    assert one is not None and two is not None and one.feasible and two.feasible
    assert built.occupied(one).isdisjoint(built.occupied(two))


def test_a_team_that_is_not_needed_stays_home_and_drives_nothing() -> None:
    itinerary = plan_tour(dataclasses.replace(request(), teams=2), demand({"Chicago": 5}))

    assert [m.team for m in itinerary.meals] == [0]
    assert not [leg for leg in itinerary.legs if leg.team == 1]
    assert not [night for night in itinerary.nights if night.team == 1]
    assert itinerary.team_drive_hours(1) == 0 and sum(itinerary.drive_by_day[itinerary.days :]) == 0
    assert itinerary.drive_hours == itinerary.team_drive_hours(0)
    assert itinerary.idle(1) and not itinerary.idle(0)
    assert "Team 2 would have no meals" in itinerary.warnings[0]


def test_the_polish_hands_a_meal_to_the_team_where_it_costs_the_least_driving() -> None:
    tour = boston_to_washington(days=3)
    customers = demand({"New York City": 10, "Philadelphia": 10})
    built = build_instance(tour, group_into_hubs(customers, tour).hubs)
    new_york, philadelphia = sorted(built.real.customers, key=lambda n: -built.cities[n].latitude)
    split = ((new_york,), (philadelphia,))  # both teams drive Boston → Washington for one meal each

    polished = polish(built.judge, split)

    before, after = built.key(split), built.key(polished)
    assert before is not None and after is not None
    assert after[0] == before[0]  # the same people…
    assert sorted(map(len, polished)) == [0, 2]  # …met by one team, the other one not needed
    assert after[1] <= before[1] / 2 + 1e-6  # so half the driving: one Boston → Washington instead of two


def test_a_team_planned_after_another_may_use_only_the_slots_its_meals_left() -> None:
    tour = boston_to_washington()
    built = build_instance(tour, group_into_hubs(demand({"New York City": 30, "Philadelphia": 20}), tour).hubs)
    new_york = [n for n in built.real.customers if built.cities[n].name == "New York City"]
    first = (new_york[0],)  # team 1 lunches in New York on day 1
    held = built.occupied(built.simulate(first))

    nodes, ids = _free_nodes(built, set(first), held)

    assert new_york[0] not in ids  # its table is team 1's…
    for node, free in zip(ids[2:], nodes[2:], strict=True):  # …and so is its slot, for New York's other table
        slots = [s for s in built.slots[node] if (built.cities[node].geonameid, s.day, s.slot) not in held]
        assert [(w.open, w.close) for w in free.windows] == [(s.opens, s.closes) for s in slots]
    other = nodes[ids.index(new_york[1])]
    assert len(other.windows) == len(built.slots[new_york[1]]) - 1
    routes = solve_within_limit(built, (first,))
    assert set(first) <= set(routes[0])  # kept (the fill may add to it)
    one, two = built.simulations(routes)
    assert one is not None and one.feasible and two is not None and two.feasible
    assert built.occupied(one).isdisjoint(built.occupied(two))


def test_a_team_left_with_little_is_planned_again_around_the_other_teams_meals() -> None:
    tour = boston_to_washington()
    planned = plan(tour, demand(BIG_CITIES))
    built = planned.built
    damaged = (planned.routes[0], ())  # as if team 2's route had slipped a slot and been trimmed away
    built.clashed = True  # (the solver's routes wanted one slot for two teams)

    regrouped = regroup(built, damaged)

    before, after = built.key(damaged), built.key(regrouped)
    assert before is not None and after is not None
    assert after[0] < before[0]  # more people met…
    assert all(regrouped)  # …by both teams…
    simulations = built.simulations(regrouped)
    held = [built.occupied(s) for s in simulations if s is not None]
    assert held[0].isdisjoint(held[1])  # …never at one meal


def test_a_plans_bound_is_its_people_and_driving_known_without_simulating() -> None:
    tour = boston_to_washington(days=3)
    built = build_instance(tour, group_into_hubs(demand(BIG_CITIES), tour).hubs)
    planned = plan(tour, demand(BIG_CITIES))
    nodes = built.real.customers
    for routes in (planned.routes, (planned.routes[0], ()), ((), planned.routes[0]), ((), ()), ((nodes[0],), ())):
        key = planned.built.key(routes)
        assert key is not None
        assert planned.built.bound(routes)[:2] == key[:2] and planned.built.bound(routes) <= key


def test_the_polish_simulates_only_moves_that_could_meet_more_or_drive_less() -> None:
    tour = boston_to_washington(days=3)
    planned = plan(tour, demand(BIG_CITIES))
    built = planned.built
    start = (planned.routes[1], planned.routes[0])  # a plan to polish: the teams' order matters for the slots
    simulated = []

    def key(routes: tuple[tuple[int, ...], ...]) -> Key | None:
        simulated.append(routes)
        return built.key(routes)

    counting = dataclasses.replace(built.judge, key=key)
    blind = dataclasses.replace(built.judge, bound=lambda routes: (-math.inf, -math.inf, -math.inf))

    assert polish(counting, start, seconds=60) == polish(blind, start, seconds=60)  # the same plan…
    looked_at = sum(1 for _ in moves(built.judge, start))
    assert len(simulated) < looked_at / 2  # …simulating a fraction of the moves
