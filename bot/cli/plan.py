"""``python -m bot plan``: plan a tour from a customer CSV, without Discord.

    python -m bot plan --customers customers.csv --from Toronto --to Austin --start 2026-03-06 --days 4

The CSV needs a header row with a ``city`` column (typed as people write it: "Portland, OR" works);
optional columns: ``count`` (customers in that row, default 1) and ``name`` (ignored: one row per person is
fine). Rows whose city is unknown or ambiguous are reported on stderr with their line number and skipped.

The same planner as ``/tour plan``: prints the day-by-day itinerary, or with ``--json`` one JSON document.
Exit status: 0 planned, 1 the input can't be planned (the message says why), 2 usage error or a file that
can't be read (one line, e.g. ``plan: cannot read customers.csv: no such file``).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli import EXIT_FILE_ERROR, cannot
from bot.domain.cities import City, Gazetteer, default_gazetteer
from bot.domain.errors import InvalidInput
from bot.domain.timeparse import local_to_utc, parse_date, parse_time_of_day
from bot.domain.tour_planning import (
    MAX_DAYS,
    Demand,
    Itinerary,
    Leg,
    Night,
    Pin,
    PlannedMeal,
    PlanSettings,
    TourRequest,
    meal_windows,
    plan_tour,
)
from bot.domain.tour_planning.model import MAX_DRIVE_HOURS, MAX_TEAMS, MIN_DRIVE_HOURS
from bot.domain.words import plural

EXIT_PLANNED, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
DEFAULTS = PlanSettings()


def build_parser() -> argparse.ArgumentParser:
    d = DEFAULTS
    parser = argparse.ArgumentParser(
        prog="python -m bot plan",
        description="Plan a listening tour from a customer CSV (columns: city, optional count and name).",
        epilog="Exit status: 0 planned, 1 the input can't be planned (the message says why), 2 usage error or "
        "a file that can't be read.",
    )
    add = parser.add_argument
    add("--customers", required=True, type=Path, metavar="FILE.csv",
        help="required: the customer list, a CSV whose first row names its columns: `city`, optionally `count` "
        "(customers in the row, default 1) and `name` (ignored)")  # fmt: skip
    add("--from", dest="start", required=True, metavar="CITY", help="required: where the tour starts, e.g. Toronto")
    add("--to", dest="end", required=True, metavar="CITY", help="required: where it ends, e.g. Austin")
    add("--start", dest="first_day", required=True, metavar="DATE", help="required: first day, e.g. 2026-03-06")
    length = parser.add_mutually_exclusive_group(required=True)
    length.add_argument("--days", type=int, metavar="N", help=f"number of days, 1 to {MAX_DAYS} (required, or --end)")
    length.add_argument(
        "--end", dest="last_day", metavar="DATE", help="last day, e.g. 2026-03-09 (required, or --days)"
    )
    add("--meals", default="breakfast,lunch,dinner",
        help="meals per day: breakfast, lunch and/or dinner, comma-separated (default: %(default)s)")  # fmt: skip
    add("--arrive-by", nargs=2, metavar=("DATE", "TIME"),
        help="a fixed arrival at the end city in its local time, e.g. 2026-03-09 17:00 "
        f"(default: none, arrive by {d.arrival:%H:%M} on the last day)")  # fmt: skip
    add("--daily-drive-hours", type=float, default=d.daily_drive_hours, metavar="HOURS",
        help=f"most hours of driving a day, {MIN_DRIVE_HOURS:g} to {MAX_DRIVE_HOURS:g} "
        "(default: %(default)g)")  # fmt: skip
    add("--radius-km", type=float, default=d.radius_km, metavar="KM",
        help="customers this close to a meal's city are counted for it (default: %(default)g)")  # fmt: skip
    add("--road-factor", type=float, default=d.road_factor, metavar="FACTOR",
        help="road km per straight-line km, 1 to 3 (default: %(default)g)")  # fmt: skip
    add("--speed-kmh", type=float, default=d.speed_kmh, metavar="KMH",
        help="average driving speed in km/h, 10 to 200 (default: %(default)g)")  # fmt: skip
    add("--min-attendance", type=int, default=d.min_attendance, metavar="N",
        help="fewest expected customers for a meal; pinned stops excepted (default: %(default)s)")  # fmt: skip
    add("--teams", type=int, default=1, metavar="N",
        help=f"hosts travelling in parallel from the start, each with its own route and meals, 1 to {MAX_TEAMS} "
        "(default: %(default)s)")  # fmt: skip
    add("--pin", action="append", default=[], metavar="CITY",
        help="a city the tour must visit; repeat for more (default: none)")  # fmt: skip
    add("--drop", action="append", default=[], metavar="CITY",
        help="a city to leave out; repeat for more (default: none)")  # fmt: skip
    add("--seed", type=int, default=d.seed, help="random seed; same seed, same plan (default: %(default)s)")
    add("--json", action="store_true", help="print the plan as one JSON document (default: day-by-day text)")
    return parser


def main(argv: Sequence[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # argparse exits on --help (0) and on usage errors (2)
        return int(exit_.code or 0)
    try:  # the file first: a missing or unreadable one is reported before any planning
        text = read_text(args.customers)
    except (OSError, UnicodeDecodeError) as error:
        print(cannot("plan", "read", args.customers, error), file=sys.stderr)
        return EXIT_FILE_ERROR
    gazetteer = default_gazetteer()
    try:
        request = _request(args, gazetteer)
        demand = customers_from_csv(text, args.customers.name, gazetteer)
        itinerary = plan_tour(request, demand)
    except InvalidInput as error:
        print(str(error), file=sys.stderr)
        return EXIT_INVALID
    if args.json:
        print(json.dumps(itinerary_json(itinerary, sum(d.customers for d in demand)), ensure_ascii=False))
    else:
        print("\n".join(itinerary_text(itinerary)))
    return EXIT_PLANNED


def _city(gazetteer: Gazetteer, text: str) -> City:
    resolution = gazetteer.resolve(text)
    if resolution.city is None or not resolution.resolved:
        raise InvalidInput(resolution.message or f"I couldn't find “{text}”.")
    return resolution.city


def _request(args: argparse.Namespace, gazetteer: Gazetteer) -> TourRequest:
    start, end = _city(gazetteer, args.start), _city(gazetteer, args.end)
    first_day = parse_date(args.first_day)
    if args.days is not None and not 1 <= args.days <= 14:
        raise InvalidInput("A tour lasts 1 to 14 days.")
    last_day = parse_date(args.last_day) if args.last_day else first_day + dt.timedelta(days=args.days - 1)
    arrive_by = None
    if args.arrive_by:
        arrive_by = local_to_utc(parse_date(args.arrive_by[0]), parse_time_of_day(args.arrive_by[1]), end.timezone).utc
    settings = PlanSettings(
        daily_drive_hours=args.daily_drive_hours, radius_km=args.radius_km, road_factor=args.road_factor,
        speed_kmh=args.speed_kmh, min_attendance=args.min_attendance, seed=args.seed,
    )  # fmt: skip
    return TourRequest(
        start,
        end,
        first_day,
        last_day,
        meal_windows(args.meals),
        settings,
        tuple(Pin(_city(gazetteer, text)) for text in args.pin),
        frozenset(_city(gazetteer, text).geonameid for text in args.drop),
        arrive_by,
        args.teams,
    )


def read_text(path: Path) -> str:
    """The CSV's text (UTF-8, with or without a byte-order mark); OSError or UnicodeDecodeError if it can't be."""
    with path.open(newline="", encoding="utf-8-sig") as file:
        return file.read()


def read_customers(path: Path, gazetteer: Gazetteer) -> list[Demand]:
    """Customers per city from the CSV file; unreadable rows are reported on stderr and skipped."""
    return customers_from_csv(read_text(path), path.name, gazetteer)


def customers_from_csv(text: str, name: str, gazetteer: Gazetteer) -> list[Demand]:
    """Customers per city from the CSV's text; unreadable rows are reported on stderr and skipped."""
    counts: Counter[int] = Counter()
    cities: dict[int, City] = {}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        if "city" not in (reader.fieldnames or []):
            raise InvalidInput(f"{name}: the first row must name the columns, with at least `city`.")
        rows = list(enumerate(reader, start=2))
        # The rows are context for each other: "Kingston" among Toronto and Montréal is Kingston, Ontario.
        resolutions = gazetteer.resolve_together([(row.get("city") or "").strip() for _, row in rows], "the other rows")
        for (line, row), resolution in zip(rows, resolutions, strict=True):
            count = _count(row.get("count"))
            if resolution.city is None or not resolution.resolved or count is None:
                reason = (resolution.message or "no city") if count is not None else "count is not a whole number"
                print(f"line {line}: skipped ({reason})", file=sys.stderr)
                continue
            cities[resolution.city.geonameid] = resolution.city
            counts[resolution.city.geonameid] += count
    except csv.Error as error:
        raise InvalidInput(f"{name}, line {reader.line_num}: not a readable CSV ({error}).") from error
    return [Demand(cities[geonameid], count) for geonameid, count in counts.items()]


def _count(text: str | None) -> int | None:
    if text is None or not text.strip():
        return 1
    return int(text) if text.strip().isdigit() else None


def itinerary_text(itinerary: Itinerary) -> list[str]:
    lines = [
        f"{itinerary.start.label} → {itinerary.end.label}: "
        + (f"{itinerary.teams} teams, " if itinerary.teams > 1 else "")
        + f"{itinerary.days} days, {len(itinerary.meals)} meals, "
        f"about {plural(itinerary.expected, 'customer')}"
        + (f" and {plural(itinerary.requests, 'stop request')}" if itinerary.requests else "")
        + f", {itinerary.drive_hours:.1f} h of driving",
    ]
    for team in range(itinerary.teams):
        if itinerary.idle(team):
            lines.append(f"\nTeam {team + 1}: not needed, the other teams meet every customer within reach")
            continue
        if itinerary.teams > 1:
            meals, hours = itinerary.team_meals(team), itinerary.team_drive_hours(team)
            met = plural(sum(m.expected for m in meals), "customer")
            lines.append(f"\nTeam {team + 1}: {plural(len(meals), 'meal')}, about {met}, {hours:.1f} h of driving")
        for day in itinerary.by_day(team):
            lines.append(f"\nDay {day.day + 1} ({day.date:%a %d %b %Y}), {day.drive_hours:.1f} h driving")
            if day.note:
                lines.append(f"  {day.note}")
            lines += [f"  {_event_text(item)}" for item in day.events()]
    lines += [f"\nWarning: {text}" for text in itinerary.warnings]
    if itinerary.left_out:
        lines.append("\nPlaces left out, and why:")
        lines += [f"  {x.city.label} ({plural(x.customers, 'customer')}): {x.detail}" for x in itinerary.left_out]
    return lines


def _event_text(item: PlannedMeal | Leg | Night) -> str:
    if isinstance(item, PlannedMeal):
        who = item.who_comes.replace(" · ", ", ")
        return f"{item.local_start:%H:%M %Z} {item.slot.value} in {item.city.label}, {who}"
    if isinstance(item, Leg):
        toward = f" (toward {item.toward.name})" if item.toward is not None else ""
        return f"drive {item.origin.name} → {item.destination.name}{toward}: {item.road_km:,.0f} km, {item.hours:.1f} h"
    local = item.arrives_at.astimezone(ZoneInfo(item.city.timezone))
    return f"night in {item.city.hint if item.on_the_road else item.city.name} (arrive {local:%H:%M %Z})"


def itinerary_json(itinerary: Itinerary, customers: int) -> dict[str, Any]:
    return {
        "from": itinerary.start.label,
        "to": itinerary.end.label,
        "first_day": itinerary.first_day.isoformat(),
        "days": itinerary.days,
        "customers": customers,
        "expected": itinerary.expected,
        "stop_requests": itinerary.requests,
        "teams": itinerary.teams,
        "drive_hours_by_day": [round(hours, 2) for hours in itinerary.drive_by_day],  # team after team
        "meals": [
            {
                "day": meal.day + 1,
                "slot": meal.slot.value,
                "city": meal.city.label,
                "geonameid": meal.city.geonameid,
                "timezone": meal.city.timezone,
                "local_start": meal.local_start.isoformat(),
                "starts_at": meal.starts_at.isoformat(),
                "ends_at": meal.ends_at.isoformat(),
                "expected": meal.expected,
                "stop_requests": meal.requests,
                "pinned": meal.pinned,
                "team": meal.team + 1,
            }
            for meal in itinerary.meals
        ],
        "legs": [
            {
                "from": leg.origin.label,
                "to": leg.destination.label,
                "road_km": leg.road_km,
                "hours": round(leg.hours, 2),
                "day": leg.day + 1,
                "departs_at": leg.departs_at.isoformat(),
                "arrives_at": None if leg.arrives_at is None else leg.arrives_at.isoformat(),
                "toward": None if leg.toward is None else leg.toward.label,
                "team": leg.team + 1,
            }
            for leg in itinerary.legs
        ],
        "nights": [
            {
                "day": night.day + 1,
                "city": night.city.label,
                "arrives_at": night.arrives_at.isoformat(),
                "on_the_road": night.on_the_road,
                "team": night.team + 1,
            }
            for night in itinerary.nights
        ],
        "left_out": [
            {"city": x.city.label, "customers": x.customers, "reason": x.reason.value, "detail": x.detail}
            for x in itinerary.left_out
        ],
        "warnings": list(itinerary.warnings),
    }
