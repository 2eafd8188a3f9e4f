"""The two pictures a manager sees — the route map of a proposed tour and the customers-per-city chart — are
real PNGs of the promised size, with something on them: a map with land and sea under the route (short,
long, and outside North America; a plain drawing when basemap is missing), labels that don't overlap, and
bars with their values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import struct

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from bot.domain.cities import City, default_gazetteer
from bot.domain.meals import MealSlot
from bot.domain.tour_planning import Demand, Itinerary, PlannedMeal, PlanSettings, TourRequest, plan_tour
from bot.domain.tour_planning.water import default_water
from bot.services.customers import CityCount
from bot.ui import charts, maps, route_map
from bot.ui.labels import Label, Obstacles, place_labels
from bot.ui.tour_views import route_map_png

QUICK = PlanSettings(solve_seconds=0.3, repair_seconds=0.1, min_attendance=1)
MAP_SIZE = (1200, 800)


def city(name: str) -> City:
    found = default_gazetteer().resolve(name).city
    assert found is not None, name
    return found


def planned(start: str, end: str, days: int, customers: dict[str, int]) -> Itinerary:
    first = dt.date(2026, 3, 9)
    request = TourRequest(city(start), city(end), first, first + dt.timedelta(days=days - 1), settings=QUICK)
    itinerary = plan_tour(request, [Demand(city(name), count) for name, count in customers.items()])
    assert itinerary.meals, "the planner found meals to draw"
    return itinerary


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG signature and its IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def colours(data: bytes) -> dict[tuple[int, int, int], int]:
    """Pixels per colour."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    found = image.getcolors(maxcolors=image.width * image.height)
    assert found is not None
    return {rgb: count for count, rgb in found}


def share(data: bytes, hex_colour: str) -> float:
    rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return colours(data).get(rgb, 0) / (png_size(data)[0] * png_size(data)[1])  # type: ignore[call-overload]


def assert_real_map(png: bytes) -> None:
    assert png_size(png) == MAP_SIZE
    assert len(colours(png)) > 500  # route, markers, labels, anti-aliased coastlines: not a blank canvas
    assert share(png, maps.LAND) > 0.05 and share(png, maps.SEA) > 0.02  # the backdrop is a map


# ------------------------------------------------------------------------------------------------ map


def test_the_demo_tour_toronto_to_austin_is_drawn_on_a_map() -> None:
    itinerary = planned(
        "Toronto",
        "Austin",
        4,
        {"Toronto": 6, "Detroit": 4, "Chicago": 7, "Indianapolis": 3, "St. Louis, MO": 5, "Memphis": 3,
         "Dallas": 6, "Austin": 4, "Milwaukee": 3, "New York City": 12},
    )  # fmt: skip

    assert_real_map(route_map_png(itinerary))


def test_nights_on_the_road_are_marked_and_named_on_the_map() -> None:
    itinerary = planned("Chicago", "Denver", 3, {"Chicago": 8, "Denver": 8})  # ~20 h apart: two nights on the road
    assert [n.day for n in itinerary.nights if n.on_the_road] == [0, 1]
    without = dataclasses.replace(itinerary, nights=())

    with_nights, plain = route_map_png(itinerary), route_map_png(without)

    assert share(with_nights, "#c9cdfb") > share(plain, "#c9cdfb") + 0.0002  # the ☾s and their labels
    assert png_size(with_nights) == MAP_SIZE


def test_the_map_draws_a_drive_round_the_great_lakes_where_the_straight_line_crosses_them() -> None:
    toronto, chicago, detroit = city("Toronto"), city("Chicago"), city("Detroit")
    water = default_water()
    assert water.crosses((toronto.latitude, toronto.longitude), (chicago.latitude, chicago.longitude))

    route = [toronto, detroit, chicago, toronto]

    road = route_map._road(route)

    assert road[0] == road[-1] == (toronto.latitude, toronto.longitude)
    assert len(road) > len(route)  # corners round the water, not three straight lines
    for origin, target in itertools.pairwise(route):  # through the corners of the roads the planner drives
        way = water.way(origin, target)
        assert road[road.index(way[0]) : road.index(way[0]) + len(way)] == way


def test_a_short_tour_toronto_to_montreal_gets_a_close_up_map() -> None:
    itinerary = planned("Toronto", "Montréal", 2, {"Toronto": 8, "Kingston, ON": 4, "Ottawa": 9, "Montréal": 10})
    route = [itinerary.start, *(m.city for m in itinerary.meals), itinerary.end]

    view = maps.view_for([c.longitude for c in route], [c.latitude for c in route], aspect=1.7)

    assert view.width < 1_000_000 and view.resolution == "i"  # a region, with detailed shores
    assert_real_map(route_map_png(itinerary))


def test_a_coast_to_coast_tour_fits_on_one_map() -> None:
    itinerary = planned(
        "Seattle",
        "Miami",
        10,
        {"Seattle": 8, "Boise": 3, "Salt Lake City": 7, "Denver": 9, "Kansas City, MO": 5, "Nashville": 6,
         "Atlanta": 9, "Orlando": 5, "Miami": 8},
    )  # fmt: skip
    route = [itinerary.start, *(m.city for m in itinerary.meals), itinerary.end]

    view = maps.view_for([c.longitude for c in route], [c.latitude for c in route], aspect=1.7)
    xs, ys = view.project([c.longitude for c in route], [c.latitude for c in route])

    assert view.width > 3_500_000 and view.resolution in {"l", "c"}
    assert (xs > 0).all() and (xs < view.width).all() and (ys > 0).all() and (ys < view.height).all()
    assert_real_map(route_map_png(itinerary))


def test_a_european_tour_berlin_to_paris_is_drawn_on_a_map_of_europe() -> None:
    itinerary = planned(
        "Berlin", "Paris", 3, {"Berlin": 8, "Hamburg": 7, "Cologne": 6, "Amsterdam": 9, "Brussels": 6, "Frankfurt": 7}
    )

    assert_real_map(route_map_png(itinerary))


def test_the_map_of_a_tour_is_built_once_then_reused() -> None:
    itinerary = planned("Toronto", "Montréal", 2, {"Toronto": 8, "Ottawa": 9, "Montréal": 10})
    route_map_png(itinerary)
    before = maps._geography.cache_info()

    again = route_map_png(itinerary)

    after = maps._geography.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses  # the slow part is not redone
    assert again == route_map_png(itinerary)  # and the picture is the same each time


def test_without_basemap_the_route_is_still_drawn_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(maps, "_basemap_class", lambda: None)
    monkeypatch.setattr(maps, "_has_pyproj", lambda: False)
    itinerary = planned("Toronto", "Montréal", 2, {"Toronto": 8, "Ottawa": 9, "Montréal": 10})

    png = route_map_png(itinerary)

    assert png_size(png) == MAP_SIZE and len(colours(png)) > 200
    assert share(png, maps.LAND) == 0  # no land: a graticule on the sea colour


def test_a_tour_that_stays_in_one_city_still_gets_a_map() -> None:
    toronto = city("Toronto")
    at = dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC)
    meal = PlannedMeal(toronto, MealSlot.LUNCH, 0, at, at + dt.timedelta(hours=1), 9)
    itinerary = Itinerary(toronto, toronto, dt.date(2026, 3, 9), 1, 9.0, (meal,), ())

    assert_real_map(route_map_png(itinerary))
    assert_real_map(route_map_png(dataclasses.replace(itinerary, meals=())))


def test_labels_of_a_crowded_cluster_do_not_overlap() -> None:
    figure = Figure(figsize=(8, 16 / 3), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, 100)
    axes.set_ylim(0, 100)
    points = [(50 + 3 * (i % 3), 50 + 3 * (i // 3)) for i in range(9)]  # nine stops within ~60 px
    labels = [Label(p, (f"{i + 1}. Springfield", f"day {i // 3 + 1} lunch")) for i, p in enumerate(points)]
    obstacles = Obstacles.of(axes, markers=[(x, y, 8.0) for x, y in points], lines=[points])

    placed = place_labels(axes, labels, obstacles)

    figure.canvas.draw()
    boxes = [label.patch.get_window_extent() for label in placed]
    assert len(boxes) == len(labels)
    overlapping = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.overlaps(b)]
    assert not overlapping
    assert all(axes.bbox.contains(box.x0, box.y0) and axes.bbox.contains(box.x1, box.y1) for box in boxes)


# ---------------------------------------------------------------------------------------------- chart


def test_the_city_chart_shows_customers_and_requests_as_bars_with_values() -> None:
    counts = [
        CityCount(city("Toronto"), 1_234, 300),
        CityCount(city("Chicago"), 800, 0),
        CityCount(city("Austin"), 200, 650),
    ]

    png = charts.city_chart_png(counts)

    assert png_size(png) == (1200, round(150 * charts.chart_height_inches(3)))
    assert len(colours(png)) > 100  # text and bars on the dark background
    assert share(png, "#2b2d31") > 0.5  # Discord's dark theme
    assert share(png, "#5865f2") > 0.01 and share(png, "#f0b232") > 0.005  # both kinds of bar are drawn


def test_a_long_city_list_is_cut_to_the_biggest_cities() -> None:
    names = ["New York City", "Los Angeles", "Chicago", "Toronto", "Houston", "Phoenix", "Philadelphia",
             "San Antonio", "San Diego", "Dallas", "Montréal", "Austin", "Jacksonville", "Columbus, OH",
             "Charlotte", "Indianapolis", "Seattle", "Denver"]  # fmt: skip
    counts = [CityCount(city(name), 20_000 - 1_000 * i, 3 * i) for i, name in enumerate(names)]

    png = charts.city_chart_png(counts)

    assert png_size(png) == (1200, round(150 * charts.chart_height_inches(charts.MAX_BARS)))
    assert len(colours(png)) > 100
