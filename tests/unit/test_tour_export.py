"""A manager hands the tour plan over as a file: Markdown that says exactly what /tour show says (local times with
their zone, attendance, drive legs, nights, notes, places left out, venues once published), and a PDF that is one
real page with the map, whatever the length of the tour."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zlib

import pytest

from bot.domain.cities import City, default_gazetteer
from bot.domain.errors import InvalidInput
from bot.domain.meals import Meal, MealPlace, MealSlot, MealStatus
from bot.domain.tour_planning import Itinerary, LeftOut, Leg, Night, PlannedMeal, Reason
from bot.domain.tours import Tour, TourStatus
from bot.ui.tour_export import ExportFormat, export_file, export_filename, tour_markdown, tour_pdf
from bot.ui.tour_views import route_map_png
from tests.bot.test_tour_views import long_itinerary

AS_OF = dt.datetime(2026, 1, 20, 9, 5, tzinfo=dt.UTC)


def city(name: str) -> City:
    found = default_gazetteer().resolve(name).city
    assert found is not None, name
    return found


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 2, 2 + day, hour, minute, tzinfo=dt.UTC)


TORONTO, DETROIT, CHICAGO, CLEVELAND = city("Toronto"), city("Detroit"), city("Chicago"), city("Cleveland")
# Three days: breakfast in Toronto and half of the long drive to Chicago (night on the road in Detroit), a day on
# the road with a note, lunch in Chicago; Cleveland left out.
SMALL = Itinerary(
    TORONTO, CHICAGO, dt.date(2026, 2, 2), 3, 5.0,
    meals=(
        PlannedMeal(TORONTO, MealSlot.BREAKFAST, 0, at(0, 12, 30), at(0, 13, 30), 6, requests=1),
        PlannedMeal(CHICAGO, MealSlot.LUNCH, 2, at(2, 18), at(2, 19, 15), 7),
    ),
    legs=(
        Leg(TORONTO, DETROIT, 400.0, 4.5, 0, at(0, 13, 30), at(0, 18), toward=CHICAGO, whole_km=860.0,
            whole_hours=9.75),
        Leg(DETROIT, CHICAGO, 460.0, 5.25, 1, at(1, 12), at(1, 17, 15), whole_km=860.0, whole_hours=9.75),
    ),
    left_out=(LeftOut(CLEVELAND, 4, Reason.DRIVING_LIMIT,
                      "wherever it goes in the route, a meal there breaks the 5 h-a-day driving limit"),),
    drive_by_day=(4.5, 5.25, 0.0),
    nights=(Night(0, DETROIT, at(0, 18), on_the_road=True), Night(1, CHICAGO, at(1, 17, 15), on_the_road=False)),
    day_notes=("", "On the road toward Chicago: a long transfer of 860 km (about 10 h), more than one day's 5 h "
               "of driving.", ""),
)  # fmt: skip


def tour(name: str = "Spring run", status: TourStatus = TourStatus.PLANNED, days: int = 3) -> Tour:
    first = dt.date(2026, 2, 2)
    return Tour(3, 1, name, TORONTO.geonameid, CHICAGO.geonameid, first, first + dt.timedelta(days=days - 1),
                "breakfast,lunch", 5.0, 3, None, status, None, None, 1)  # fmt: skip


def stored(planned: PlannedMeal, slot: int, **changes: object) -> Meal:
    """The meal /tour publish stored for a planned meal (keyed by its place in the plan)."""
    meal = Meal(100 + slot, 1, MealPlace.of(planned.city), planned.slot, planned.starts_at, planned.ends_at, 12,
                "What do you do?", 1, tour_id=3, tour_slot=slot)  # fmt: skip
    return dataclasses.replace(meal, **changes)  # type: ignore[arg-type]


# -------------------------------------------------------------------------------------------- Markdown


def test_the_markdown_reads_day_by_day_like_tour_show() -> None:
    text = tour_markdown(tour(), SMALL, as_of=AS_OF)

    assert text.splitlines() == [
        "# Spring run",
        "",
        "**Toronto → Chicago** · 3 days · 2 meals · about 13 customers and 1 stop request · 9.8 h of driving "
        "(limit 5 h a day)",
        "",
        "Mon 02 Feb – Wed 04 Feb 2026 · Proposed, not published yet: venues are set once the meals are published.",
        "",
        "![Route map of the tour](tour-map.png)",
        "",
        "## Day 1 · Mon 02 Feb · 4.5 h driving",
        "",
        "- 07:30–08:30 EST · **Breakfast in Toronto** · ~6 customers · 1 stop request",
        "- 08:30 EST · Drive Toronto → Detroit (toward Chicago) · 400 km · 4.5 h",
        "- Night in Detroit, MI · arrive 13:00 EST",
        "",
        "## Day 2 · Tue 03 Feb · 5.2 h driving",
        "",
        "*On the road toward Chicago: a long transfer of 860 km (about 10 h), more than one day's 5 h of driving.*",
        "",
        "- 07:00 EST · Drive Detroit → Chicago · 460 km · 5.2 h",
        "- Night in Chicago · arrive 11:15 CST",
        "",
        "## Day 3 · Wed 04 Feb · 0.0 h driving",
        "",
        "- 12:00–13:15 CST · **Lunch in Chicago** · ~7 customers",
        "",
        "## Big cities left out, and why",
        "",
        "- Cleveland (4 customers): wherever it goes in the route, a meal there breaks the 5 h-a-day driving limit",
        "",
        "---",
        "",
        "*Exported from Listening Tour on 20 Jan 2026 09:05 UTC. All times are the local time of the city they are "
        "in. The plan may change: /tour show has the latest.*",
    ]


def test_a_published_tour_shows_each_meals_venue_and_what_changed_since() -> None:
    breakfast, lunch = SMALL.meals
    meals = [
        stored(lunch, 1, starts_at=lunch.starts_at + dt.timedelta(minutes=30)),  # /meal edit moved it
        stored(breakfast, 0, venue="Joe's *Diner* [upstairs]"),
    ]

    lines = tour_markdown(tour(status=TourStatus.PUBLISHED), SMALL, meals, as_of=AS_OF).splitlines()

    assert "Mon 02 Feb – Wed 04 Feb 2026 · Published: each meal has its post and Discord event; venues as set with " \
        "/meal edit." in lines  # fmt: skip
    assert "- 07:30–08:30 EST · **Breakfast in Toronto** · ~6 customers · 1 stop request · at Joe's \\*Diner\\* " \
        "\\[upstairs\\]" in lines  # fmt: skip
    assert "- 12:00–13:15 CST · **Lunch in Chicago** · ~7 customers · venue to be announced · **moved to Wed 04 Feb " \
        "12:30 CST**" in lines  # fmt: skip

    cancelled = [stored(breakfast, 0, status=MealStatus.CANCELLED)]  # and the lunch was in the past: not published
    lines = tour_markdown(tour(status=TourStatus.PUBLISHED), SMALL, cancelled, as_of=AS_OF).splitlines()
    assert "- 07:30–08:30 EST · **Breakfast in Toronto** · ~6 customers · 1 stop request · venue to be announced · " \
        "**cancelled**" in lines  # fmt: skip
    assert "- 12:00–13:15 CST · **Lunch in Chicago** · ~7 customers · **not published**" in lines


def test_a_planned_tour_mentions_no_venue_per_meal() -> None:
    text = tour_markdown(tour(), SMALL, as_of=AS_OF)

    assert "venue" not in text.replace("venues are set once the meals are published", "")


def test_each_team_has_its_days_and_a_run_of_idle_days_is_told_once() -> None:
    meals = (
        PlannedMeal(TORONTO, MealSlot.BREAKFAST, 0, at(0, 12, 30), at(0, 13, 30), 6),
        PlannedMeal(CHICAGO, MealSlot.LUNCH, 3, at(3, 18), at(3, 19, 15), 7),
        PlannedMeal(CLEVELAND, MealSlot.DINNER, 0, at(0, 23, 30), at(1, 1), 4, team=1),
    )
    legs = (
        Leg(TORONTO, DETROIT, 370.0, 4.25, 0, at(0, 13, 30), at(0, 17, 45)),
        Leg(DETROIT, CHICAGO, 460.0, 5.25, 3, at(3, 12), at(3, 17, 15)),
        Leg(TORONTO, CLEVELAND, 480.0, 5.5, 0, at(0, 14), at(0, 19, 30), team=1),
    )
    nights = (*(Night(day, DETROIT, at(0, 17, 45), on_the_road=False) for day in range(3)),
              Night(0, CLEVELAND, at(0, 19, 30), on_the_road=False, team=1))  # fmt: skip
    free = "A free day in Detroit: no other place with customers fits a meal today."
    itinerary = Itinerary(
        TORONTO, CHICAGO, dt.date(2026, 2, 2), 4, 9.0, meals, legs, nights=nights, teams=2,
        drive_by_day=(4.25, 0.0, 0.0, 5.25, 5.5, 0.0, 0.0, 0.0), day_notes=("", free, free, "", "", "", "", ""),
    )  # fmt: skip

    lines = tour_markdown(tour(days=4), itinerary, as_of=AS_OF).splitlines()

    assert lines[2].startswith("**Toronto → Chicago** · 2 teams · 4 days · 3 meals · ")
    team_one, team_two = lines.index("## Team 1 · 2 meals · about 13 customers · 9.5 h of driving"), lines.index(
        "## Team 2 · 1 meal · about 4 customers · 5.5 h of driving"
    )  # fmt: skip
    assert lines[team_one + 1 : team_two] == [
        "",
        "### Day 1 · Mon 02 Feb · 4.2 h driving",
        "",
        "- 07:30–08:30 EST · **Breakfast in Toronto** · ~6 customers",
        "- 08:30 EST · Drive Toronto → Detroit · 370 km · 4.2 h",
        "- Night in Detroit · arrive 12:45 EST",
        "",
        "### Days 2–3 · Tue 03 Feb – Wed 04 Feb · no driving",
        "",
        f"*{free}*",
        "",
        "- Nights in Detroit",
        "",
        "### Day 4 · Thu 05 Feb · 5.2 h driving",
        "",
        "- 07:00 EST · Drive Detroit → Chicago · 460 km · 5.2 h",
        "- 12:00–13:15 CST · **Lunch in Chicago** · ~7 customers",
        "",
    ]
    assert "### Days 2–4 · Tue 03 Feb – Thu 05 Feb · no driving" in lines[team_two:]
    assert "*No meals and no driving.*" in lines[team_two:]
    text = page_text(tour_pdf(tour(days=4), itinerary, route_map_png(itinerary), as_of=AS_OF))
    assert "Team 1" in text and "Team 2 · 5.5 h driving" in text and "Days 2–3 · Tue 03 Feb – Wed 04 Feb" in text


def test_the_file_is_named_after_the_tour_safely() -> None:
    assert export_filename(tour("Winter listening tour"), ExportFormat.PDF) == "winter-listening-tour.pdf"
    assert export_filename(tour("Été à Montréal!"), ExportFormat.MARKDOWN) == "ete-a-montreal.md"
    assert export_filename(tour("../../etc/passwd"), ExportFormat.PDF) == "etc-passwd.pdf"
    assert export_filename(tour("東京ツアー"), ExportFormat.PDF) == "tour-3.pdf"
    assert len(export_filename(tour("a" * 80), ExportFormat.MARKDOWN)) <= 63


def test_an_unknown_format_is_told_not_guessed() -> None:
    assert ExportFormat.parse("PDF") is ExportFormat.PDF and ExportFormat.parse(".md") is ExportFormat.MARKDOWN
    with pytest.raises(InvalidInput, match=r"“docx” is not an export format: choose PDF or Markdown\.$"):
        ExportFormat.parse("docx")


# ------------------------------------------------------------------------------------------------- PDF


def pages(pdf: bytes) -> list[bytes]:
    """The page objects (not the /Pages tree)."""
    return re.findall(rb"/Type\s*/Page(?![a-z])", pdf)


def page_text(pdf: bytes) -> str:
    """The text drawn on the page, one piece of text a line: matplotlib writes each in a TJ array of UTF-16BE
    strings (TrueType fonts), in Flate-compressed content streams."""
    pieces = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            continue  # the map picture, fonts in other encodings
        for array in re.findall(rb"\[((?:\((?:\\.|[^\\)])*\)|[^\](])*)\]\s*TJ", content, re.S):
            strings = re.findall(rb"\(((?:\\.|[^\\)])*)\)", array, re.S)
            data = b"".join(re.sub(rb"\\(.)", _unescape, s, flags=re.S) for s in strings)
            pieces.append(data.decode("utf-16-be"))
    return "\n".join(pieces)


def _unescape(match: re.Match[bytes]) -> bytes:
    return {b"n": b"\n", b"r": b"\r"}.get(match[1], match[1])


def media_box(pdf: bytes) -> tuple[float, ...]:
    found = re.search(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", pdf)
    assert found is not None
    return tuple(float(x) for x in found[1].split())


def test_the_pdf_is_one_page_with_the_map_and_every_day() -> None:
    pdf = tour_pdf(tour(), SMALL, route_map_png(SMALL), as_of=AS_OF)

    assert pdf.startswith(b"%PDF-1.") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pages(pdf)) == 1
    assert media_box(pdf) == (0, 0, 612, 792)  # a North American tour prints on Letter
    assert re.search(rb"/Subtype\s*/Image", pdf) and re.search(rb"/Width\s+1200", pdf)  # the route map
    text = page_text(pdf)
    for expected in (
        "Spring run", "Day 1 · Mon 02 Feb", "Day 2 · Tue 03 Feb", "Day 3 · Wed 04 Feb", "07:30–08:30 EST",
        "Breakfast in Toronto", "Drive Toronto → Detroit (toward Chicago)", "Night in Detroit, MI",
        "arrive 13:00 EST", "On the road toward Chicago", "Lunch in Chicago", "Big cities left out, and why",
        "Cleveland (4 customers):",
    ):  # fmt: skip
        assert expected in text, expected


def test_a_european_tour_prints_on_a4() -> None:
    paris, lyon = city("Paris"), city("Lyon")
    meal = PlannedMeal(lyon, MealSlot.DINNER, 0, at(0, 17, 30), at(0, 19), 5)
    leg = Leg(paris, lyon, 465.0, 5.25, 0, at(0, 8), at(0, 13, 15))
    itinerary = Itinerary(paris, lyon, dt.date(2026, 2, 2), 1, 9.0, (meal,), (leg,), drive_by_day=(5.25,))

    pdf = tour_pdf(tour(days=1), itinerary, route_map_png(itinerary), as_of=AS_OF)

    assert media_box(pdf) == (0, 0, 595.28, 841.89)
    assert "18:30–20:00 CET" in page_text(pdf) and "Dinner in Lyon" in page_text(pdf)


def test_two_weeks_of_three_meals_a_day_still_fit_one_page_in_full() -> None:
    itinerary = long_itinerary(days=14)  # 42 meals, 42 legs, 8 places left out with long reasons
    meals = [stored(m, slot, venue="The Grand Riverside Steakhouse, 1234 North Michigan Avenue")
             for slot, m in enumerate(itinerary.meals)]  # fmt: skip

    name, pdf = export_file(
        ExportFormat.PDF, tour("Long haul", TourStatus.PUBLISHED, days=14), itinerary, route_map_png(itinerary),
        meals, as_of=AS_OF,
    )  # fmt: skip

    assert name == "long-haul.pdf"
    assert len(pages(pdf)) == 1
    text = page_text(pdf)
    assert all(f"Day {day} · " in text for day in range(1, 15))
    assert "Salt Lake City (99 customers):" in text  # the last place left out: nothing was cut
    assert "more lines" not in text
