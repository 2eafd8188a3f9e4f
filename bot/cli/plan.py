"""``python -m bot plan``: plan a tour from a customer CSV, without Discord.

    python -m bot plan --customers customers.csv --from Toronto --to Austin --start 2026-03-06 --days 4

The CSV needs a header row with a ``city`` column (typed as people write it: "Portland, OR" works);
optional columns: ``count`` (customers in that row, default 1) and ``name`` (ignored: one row per person is
fine). Rows whose city is unknown or ambiguous are reported on stderr with their line number and skipped.

The same planner as ``/tour plan``: prints the day-by-day itinerary, or with ``--json`` one JSON document.
Exit status: 0 planned, 1 the input can't be planned (the message says why), 2 usage error.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.domain.cities import City, Gazetteer, default_gazetteer
from bot.domain.errors import InvalidInput
from bot.domain.timeparse import local_to_utc, parse_date, parse_time_of_day
from bot.domain.tour_planning import Demand, Itinerary, Pin, PlanSettings, TourRequest, meal_windows, plan_tour

EXIT_PLANNED, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
DEFAULTS = PlanSettings()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot plan",
        description="Plan a listening tour from a customer CSV (columns: city, optional count and name).",
        epilog="Exit status: 0 planned, 1 the input can't be planned (the message says why), 2 usage error.",
    )
    parser.add_argument("--customers", required=True, type=Path, metavar="FILE.csv", help="customer list")
    parser.add_argument("--from", dest="start", required=True, metavar="CITY", help="where the tour starts")
    parser.add_argument("--to", dest="end", required=True, metavar="CITY", help="where it ends")
    parser.add_argument("--start", dest="first_day", required=True, metavar="DATE", help="first day, 2026-03-06")
    length = parser.add_mutually_exclusive_group(required=True)
    length.add_argument("--days", type=int, help="number of days")
    length.add_argument("--end", dest="last_day", metavar="DATE", help="last day")
    parser.add_argument("--meals", default="breakfast,lunch,dinner", help="meals per day (default: all three)")
    parser.add_argument("--arrive-by", nargs=2, metavar=("DATE", "TIME"), help="fixed arrival at the end city")
    parser.add_argument("--daily-drive-hours", type=float, default=DEFAULTS.daily_drive_hours)
    parser.add_argument("--radius-km", type=float, default=DEFAULTS.radius_km, help="customers counted per meal")
    parser.add_argument("--road-factor", type=float, default=DEFAULTS.road_factor, help="road km per straight km")
    parser.add_argument("--speed-kmh", type=float, default=DEFAULTS.speed_kmh, help="average driving speed")
    parser.add_argument("--min-attendance", type=int, default=DEFAULTS.min_attendance)
    parser.add_argument("--pin", action="append", default=[], metavar="CITY", help="must-visit city (repeatable)")
    parser.add_argument("--drop", action="append", default=[], metavar="CITY", help="city to avoid (repeatable)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print the plan as one JSON document")
    return parser


def main(argv: Sequence[str]) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # argparse exits on --help (0) and on usage errors (2)
        return int(exit_.code or 0)
    gazetteer = default_gazetteer()
    try:
        request = _request(args, gazetteer)
        demand = read_customers(args.customers, gazetteer)
        itinerary = plan_tour(request, demand)
    except (InvalidInput, OSError) as error:
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
    )


def read_customers(path: Path, gazetteer: Gazetteer) -> list[Demand]:
    """Customers per city from the CSV; unreadable rows are reported on stderr and skipped."""
    counts: Counter[int] = Counter()
    cities: dict[int, City] = {}
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        if "city" not in (reader.fieldnames or []):
            raise InvalidInput(f"{path.name}: the first row must name the columns, with at least `city`.")
        for line, row in enumerate(reader, start=2):
            resolution = gazetteer.resolve((row.get("city") or "").strip())
            count = _count(row.get("count"))
            if resolution.city is None or not resolution.resolved or count is None:
                reason = (resolution.message or "no city") if count is not None else "count is not a whole number"
                print(f"line {line}: skipped ({reason})", file=sys.stderr)
                continue
            cities[resolution.city.geonameid] = resolution.city
            counts[resolution.city.geonameid] += count
    return [Demand(cities[geonameid], count) for geonameid, count in counts.items()]


def _count(text: str | None) -> int | None:
    if text is None or not text.strip():
        return 1
    return int(text) if text.strip().isdigit() else None


def itinerary_text(itinerary: Itinerary) -> list[str]:
    lines = [
        f"{itinerary.start.label} → {itinerary.end.label}: {itinerary.days} days, {len(itinerary.meals)} meals, "
        f"about {itinerary.expected} customers, {itinerary.drive_hours:.1f} h of driving",
    ]
    for day in itinerary.by_day():
        lines.append(f"\nDay {day.day + 1} ({day.date:%a %d %b %Y}), {day.drive_hours:.1f} h driving")
        events = [
            (m.starts_at, f"  {m.local_start:%H:%M %Z} {m.slot.value} in {m.city.label}, ~{m.expected} customers")
            for m in day.meals
        ]
        events += [
            (
                leg.departs_at,
                f"  drive {leg.origin.name} → {leg.destination.name}: {leg.road_km:,.0f} km, {leg.hours:.1f} h",
            )
            for leg in day.legs
        ]
        lines += [text for _, text in sorted(events)]
    lines += [f"\nWarning: {text}" for text in itinerary.warnings]
    if itinerary.left_out:
        lines.append("\nBig cities left out:")
        lines += [f"  {x.city.label} ({x.customers} customers): {x.detail}" for x in itinerary.left_out]
    return lines


def itinerary_json(itinerary: Itinerary, customers: int) -> dict[str, Any]:
    return {
        "from": itinerary.start.label,
        "to": itinerary.end.label,
        "first_day": itinerary.first_day.isoformat(),
        "days": itinerary.days,
        "customers": customers,
        "expected": itinerary.expected,
        "drive_hours_by_day": [round(hours, 2) for hours in itinerary.drive_by_day],
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
                "pinned": meal.pinned,
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
            }
            for leg in itinerary.legs
        ],
        "left_out": [
            {"city": x.city.label, "customers": x.customers, "reason": x.reason.value, "detail": x.detail}
            for x in itinerary.left_out
        ],
        "warnings": list(itinerary.warnings),
    }
