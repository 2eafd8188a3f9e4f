"""``python -m bot optw FILE``: solve a published-format OPTW/TOPTW instance and print the routes as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import NoReturn

from bot.domain.optw import DEFAULT_TIME_LIMIT, OptwFormatError, check_solution, read_optw, solve

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad arguments with exit code 2 without printing usage noise twice."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, f"optw: error: {message}\n")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def _decimals(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 6:
        raise argparse.ArgumentTypeError(f"must be between 0 and 6, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m bot optw",
        description="Solve an orienteering problem with time windows given in the OPTW/TOPTW benchmark "
        'format; prints {"routes": [[node ids], ...], "score": S} as JSON.',
    )
    parser.add_argument("file", help="instance file (Righini-Salani / Montemanni-Gambardella format)")
    parser.add_argument("--m", type=_positive_int, default=1, help="number of routes (default 1)")
    parser.add_argument(
        "--time-limit",
        type=_positive_float,
        default=DEFAULT_TIME_LIMIT,
        help=f"seconds the search may take at most (default {DEFAULT_TIME_LIMIT:g})",
    )
    parser.add_argument(
        "--decimals",
        type=_decimals,
        default=1,
        help="travel times are distances truncated to this many decimals (1 for Solomon-based sets, "
        "2 for Cordeau's pr01-pr20; default 1)",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed; same seed, same routes (default 0)")
    return parser


def main(argv: Sequence[str]) -> int:
    """Run the command; returns the process exit code (0 ok, 2 bad file or arguments)."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as stop:  # argparse exits on bad arguments and on --help
        return int(stop.code or 0)
    try:
        instance = read_optw(args.file, decimals=args.decimals, routes=args.m)
    except OptwFormatError as error:
        print(f"optw: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    solution = solve(instance, seed=args.seed, time_limit=args.time_limit)
    # The validator recomputes the score so what we print is what the routes are worth.
    check = check_solution(instance, solution.routes)
    if not check.feasible:  # a solver bug; never print routes that break the rules
        print(f"optw: internal error: infeasible routes: {'; '.join(check.problems)}", file=sys.stderr)
        return 1
    score: float | int = int(check.score) if check.score == int(check.score) else check.score
    print(json.dumps({"routes": [list(route) for route in solution.routes], "score": score}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
