"""Roads go around the Great Lakes (issue 10): no leg, night or driving time across the water."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import numpy as np

from bot.domain.cities import small_towns
from bot.domain.tour_planning import Demand, TourRequest, plan_tour
from bot.domain.tour_planning.candidates import distance_matrix
from bot.domain.tour_planning.towns import default_towns
from bot.domain.tour_planning.water import default_water, great_circle, project
from tests.unit.test_tour_planning import QUICK, city


def test_no_town_lies_in_the_water_polygons() -> None:
    towns = small_towns()
    xy, near = project(np.array([t.latitude for t in towns]), np.array([t.longitude for t in towns]))

    wet = [towns[i].name for i in np.flatnonzero(near & default_water()._inside(xy))]

    assert wet == []  # the polygons sit inside the shores: a city on the shore is never "in the lake"


def test_a_drive_across_a_great_lake_goes_around_it() -> None:
    water = default_water()
    muskegon, milwaukee, chicago = city("Muskegon"), city("Milwaukee"), city("Chicago")

    km = water.around([muskegon, milwaukee, chicago], distance_matrix([muskegon, milwaukee, chicago]))

    assert water.crosses((muskegon.latitude, muskegon.longitude), (milwaukee.latitude, milwaukee.longitude))
    assert km[0, 1] > 2.5 * distance_matrix([muskegon, milwaukee])[0, 1]  # 136 km across, ~365 around
    assert km[0, 1] >= km[0, 2] + 0.9 * km[2, 1]  # about the way through Chicago
    assert km[1, 2] == distance_matrix([milwaukee, chicago])[0, 1]  # on land, the straight line stays
    way = water.way(muskegon, milwaukee)
    assert len(way) > 2 and min(lat for lat, _ in way) < 42.0  # round the south end of the lake


def test_toronto_to_milwaukee_sleeps_on_the_land_route_not_across_lake_michigan() -> None:
    first = dt.date(2026, 2, 2)
    tour = TourRequest(city("Toronto"), city("Milwaukee"), first, first + dt.timedelta(days=1), settings=QUICK)
    customers = [Demand(city("Toronto"), 5), Demand(city("Milwaukee"), 5)]

    itinerary = plan_tour(dataclasses.replace(tour, settings=dataclasses.replace(QUICK, min_attendance=1)), customers)

    [night] = itinerary.nights
    assert night.on_the_road and night.city.name != "Grand Haven"
    assert night.city.latitude < 42.0  # round the south end of Lake Michigan (Indiana), not on its far shore
    first = itinerary.legs[0]  # Toronto → that town: no lake in the way
    ends = (first.origin.latitude, first.origin.longitude), (night.city.latitude, night.city.longitude)
    assert first.destination == night.city and not default_water().crosses(*ends)
    assert itinerary.drive_hours >= 800 * 1.2 / 90  # Toronto → Milwaukee around Lake Michigan: ~840 km


def test_a_night_town_is_never_across_the_water_from_where_the_drive_ends() -> None:
    on_the_shore = (43.10, -86.40)  # a point just off Grand Haven, Michigan, in Lake Michigan

    town = default_towns().near(*on_the_shore)

    assert town is not None and town.longitude > -86.5  # Michigan's shore, not Wisconsin's


def test_a_leg_is_found_crossing_water_exactly_when_the_full_test_says_so() -> None:
    water = default_water()
    rng = np.random.default_rng(3)  # legs around the lakes and the Gulf, and far from them
    ends = np.stack([rng.uniform(20, 55, (3000, 2)), rng.uniform(-125, -60, (3000, 2))], axis=-1)
    crossing = 0
    for a, b in ends:
        xy, near = project(np.array([a[0], b[0]]), np.array([a[1], b[1]]))
        full = bool(near.all() and water._blocked(xy[:1], xy[1:])[0])  # every edge and the middle, no shortcut
        assert water.crosses(tuple(a), tuple(b)) == full
        crossing += full
    assert 100 < crossing < 2900  # both kinds were tried


def test_the_towns_across_water_from_a_point_are_those_the_full_test_finds() -> None:
    water = default_water()
    rng = np.random.default_rng(5)
    lats, lons = rng.uniform(20, 55, 400), rng.uniform(-125, -60, 400)
    for point in zip(rng.uniform(25, 50, 30), rng.uniform(-100, -75, 30), strict=True):
        xy, near = project(np.append(lats, point[0]), np.append(lons, point[1]))
        assert near[-1]  # the points are all near the lakes
        full = near[:-1] & water._blocked(np.repeat(xy[-1:], len(lats), axis=0), xy[:-1])  # no shortcut
        assert (water.across(point, lats, lons) == full).all()


def test_the_ways_found_with_the_matrix_are_those_found_one_leg_at_a_time() -> None:
    towns = [t for t in small_towns() if 35 < t.latitude < 50 and -95 < t.longitude < -72 and t.population > 50_000]
    places = [towns[i] for i in np.random.default_rng(1).choice(len(towns), 40, replace=False)]
    places += places[:10]  # a city's meal nodes: the same place again
    water = default_water()

    km, ways = water.roads(places, distance_matrix(places))

    one_by_one = distance_matrix(places)
    for a, b in itertools.combinations(range(len(places)), 2):
        if water.crosses((places[a].latitude, places[a].longitude), (places[b].latitude, places[b].longitude)):
            one_by_one[a, b] = one_by_one[b, a] = max(_length(water.way(places[a], places[b])), one_by_one[a, b])
    for k in range(len(places)):  # made a metric, as the matrix is
        one_by_one = np.minimum(one_by_one, one_by_one[:, k : k + 1] + one_by_one[k : k + 1, :])
    assert np.allclose(km, one_by_one)
    pairs = [(a, b) for a in range(len(places)) for b in range(len(places)) if a != b]
    assert all(ways.way(a, b) == water.way(places[a], places[b]) for a, b in pairs)
    assert sum(len(ways.way(a, b)) > 2 for a, b in pairs) > 100  # many of them go round a lake


def _length(way: list[tuple[float, float]]) -> float:
    legs = [great_circle(np.array([p[0]]), np.array([p[1]]), np.array([q[0]]), np.array([q[1]])) for p, q in
            itertools.pairwise(way)]  # fmt: skip
    return float(sum(leg[0] for leg in legs))
