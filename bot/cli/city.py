"""``python -m bot city [--json] QUERY [QUERY …]``: resolve city names from the command line.

For scripts and for checking the resolver by hand. Each query is resolved in order and printed on its own
line: a readable summary, or with ``--json`` one JSON object per line::

    {"query": "Torono", "status": "resolved", "city": {...}, "choices": [...], "message": "..."}

Exit status: 0 when every query resolved to one city, 1 when at least one was ambiguous or unknown (all
queries are still answered), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from bot.domain.cities import City, Resolution, clean, default_gazetteer

EXIT_ALL_RESOLVED = 0
EXIT_SOME_UNRESOLVED = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot city",
        usage="%(prog)s [-h] [--json] [--] QUERY [QUERY …]",
        description="Resolve free-text city names to canonical cities (geonames places over 15,000 people).",
        epilog=(
            "Queries after `--` are taken literally, even if they start with '-'. Quote queries that contain "
            "spaces or commas, e.g. \"Portland, OR\". Exit status: 0 if every query resolved to one city, "
            "1 if any was ambiguous or unknown, 2 for a usage error."
        ),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per query, one per line (default: one readable line per query)",
    )
    parser.add_argument(
        "queries", nargs="*", metavar="QUERY", help="required, one or more: a city, e.g. Toronto or 'Paris, TX'"
    )
    return parser


def city_to_json(city: City) -> dict[str, object]:
    return {
        "geonameid": city.geonameid,
        "name": city.name,
        "region": city.region,
        "country_code": city.country_code,
        "latitude": city.latitude,
        "longitude": city.longitude,
        "timezone": city.timezone,
        "population": city.population,
    }


def resolution_to_json(resolution: Resolution) -> dict[str, object]:
    return {
        "query": resolution.query,
        "status": resolution.status.value,
        "city": None if resolution.city is None else city_to_json(resolution.city),
        "choices": [city_to_json(choice) for choice in resolution.choices],
        "message": resolution.message,
    }


def format_line(resolution: Resolution) -> str:
    """One readable line: `Torono → resolved: Toronto, Ontario, CA (…) — note`."""
    shown = clean(resolution.query)[:120] or '""'
    city = resolution.city
    if city is not None:
        where = (f"{city.label} ({city.latitude:.4f}, {city.longitude:.4f}; {city.timezone}; "
                 f"population {city.population:,})")
        note = f" — {resolution.message}" if resolution.message else ""
        return f"{shown} → resolved: {where}{note}"
    if resolution.choices and resolution.status.value == "ambiguous":
        return f"{shown} → ambiguous: " + "; ".join(choice.label for choice in resolution.choices)
    return f"{shown} → {resolution.status.value}: {resolution.message}"


def _split_literal(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """Everything after the first `--` is a query, whatever it looks like."""
    if "--" not in argv:
        return list(argv), []
    cut = list(argv).index("--")
    return list(argv[:cut]), list(argv[cut + 1:])


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    options, literal = _split_literal(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(options)  # exits with status 2 on a usage error
    queries: list[str] = [*args.queries, *literal]
    if not queries:
        parser.error("give at least one QUERY, e.g. python -m bot city Toronto 'Portland, OR'")
    gazetteer = default_gazetteer()
    all_resolved = True
    for resolution in gazetteer.resolve_many(queries):
        all_resolved = all_resolved and resolution.resolved
        line = json.dumps(resolution_to_json(resolution)) if args.json else format_line(resolution)
        print(line, flush=True)
    return EXIT_ALL_RESOLVED if all_resolved else EXIT_SOME_UNRESOLVED
