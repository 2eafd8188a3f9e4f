"""A long itinerary is split into pages that each fit Discord's embed limits; the map is a PNG."""

from __future__ import annotations

import datetime as dt

from bot.domain.cities import default_gazetteer
from bot.domain.meals import MealSlot
from bot.domain.tour_planning import Itinerary, LeftOut, Leg, PlannedMeal, Reason
from bot.domain.tours import Tour, TourStatus
from bot.ui.tour_views import itinerary_pages, route_map_png

CITIES = ["Toronto", "Detroit", "Chicago", "Milwaukee", "Minneapolis", "Omaha", "Denver", "Salt Lake City"]


def long_itinerary(days: int = 14) -> Itinerary:
    gazetteer = default_gazetteer()
    cities = [gazetteer.resolve(name).city for name in CITIES]
    assert all(cities)
    start = dt.datetime(2026, 5, 4, 11, 30, tzinfo=dt.UTC)
    meals, legs = [], []
    for day in range(days):
        for number, slot in enumerate((MealSlot.BREAKFAST, MealSlot.LUNCH, MealSlot.DINNER)):
            city = cities[(3 * day + number) % len(cities)]
            when = start + dt.timedelta(days=day, hours=5 * number)
            meals.append(PlannedMeal(city, slot, day, when, when + dt.timedelta(hours=1), 1234, pinned=number == 1))  # type: ignore[arg-type]
            legs.append(Leg(city, city, 321.0, 3.5, day, when + dt.timedelta(hours=2)))  # type: ignore[arg-type]
    left = tuple(LeftOut(c, 99, Reason.OFF_ROUTE, "too far off the route: " + "x" * 150) for c in cities)  # type: ignore[arg-type]
    return Itinerary(cities[0], cities[-1], dt.date(2026, 5, 4), days, 9.0, tuple(meals), tuple(legs), left,  # type: ignore[arg-type]
                     ("a warning",), 100, tuple(7.0 for _ in range(days)))  # fmt: skip


def test_a_two_week_itinerary_is_paged_within_discords_limits() -> None:
    tour = Tour(1, 1, "Long haul", 1, 1, dt.date(2026, 5, 4), dt.date(2026, 5, 17), "breakfast,lunch,dinner",
                9.0, 3, None, TourStatus.PLANNED, None, None, 1)  # fmt: skip

    pages = itinerary_pages(tour, long_itinerary(), with_map=True)

    assert len(pages) > 1
    assert all(len(page) <= 6000 and len(page.description or "") <= 4096 for page in pages)
    assert pages[0].image.url == "attachment://tour-map.png" and pages[1].image.url is None
    text = "\n".join(page.description or "" for page in pages)
    assert "Day 14 · Sun 17 May" in text and "**⚠️ Needs attention**" in text and "~1,234 customers" in text
    assert pages[-1].footer.text == f"Page {len(pages)} of {len(pages)}"


def test_the_route_map_is_a_png() -> None:
    assert route_map_png(long_itinerary(days=2)).startswith(b"\x89PNG")


def test_one_customer_towns_are_not_called_big_cities() -> None:
    import dataclasses

    from bot.ui.tour_views import itinerary_lines

    tour = Tour(1, 1, "Short", 1, 1, dt.date(2026, 5, 4), dt.date(2026, 5, 5), "lunch", 9.0, 1, None,
                TourStatus.PLANNED, None, None, 1)  # fmt: skip
    itinerary = long_itinerary(days=2)
    [first, *rest] = itinerary.left_out
    small = dataclasses.replace(itinerary, left_out=(dataclasses.replace(first, customers=1), *rest))

    assert "**Big cities left out, and why**" in itinerary_lines(tour, itinerary)
    lines = itinerary_lines(tour, small)
    assert "**Places left out, and why**" in lines
    assert f"• {first.city.name} (1 customer): {first.detail}" in lines
