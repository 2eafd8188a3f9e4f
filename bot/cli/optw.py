"""``python -m bot optw FILE``: solve a published-format OPTW/TOPTW instance and print the routes as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import NoReturn

from bot.cli import cannot
from bot.domain.optw import DEFAULT_TIME_LIMIT, OptwFormatError, check_solution, read_optw, solve

USAGE_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad arguments with exit code 2 without printing usage noise twice."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, f"optw: error: {message}\n")


def _number(text: str, kind: type[int] | type[float]) -> float:
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a {'whole ' if kind is int else ''}number, got {text!r}") from None


def _positive_int(text: str) -> int:
    value = int(_number(text, int))
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = _number(text, float)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def _decimals(text: str) -> int:
    value = int(_number(text, int))
    if not 0 <= value <= 6:
        raise argparse.ArgumentTypeError(f"must be between 0 and 6, got {value}")
    return value


def _seed(text: str) -> int:
    return int(_number(text, int))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m bot optw",
        description="Solve an orienteering problem with time windows given in the OPTW/TOPTW benchmark "
        'format; prints {"routes": [[node ids], ...], "score": S} as JSON.',
        epilog="Exit status: 0 solved, 1 internal error, 2 usage error or a file that can't be read or parsed.",
    )
    parser.add_argument("file", help="required: the instance file (Righini-Salani / Montemanni-Gambardella format)")
    parser.add_argument("--m", type=_positive_int, default=1, help="number of routes (default: %(default)s)")
    parser.add_argument(
        "--time-limit",
        type=_positive_float,
        default=DEFAULT_TIME_LIMIT,
        metavar="SECONDS",
        help="seconds the search may take at most (default: %(default)g)",
    )
    parser.add_argument(
        "--decimals",
        type=_decimals,
        default=1,
        metavar="N",
        help="travel times are distances truncated to this many decimals, 0 to 6: 1 for Solomon-based sets, "
        "2 for Cordeau's pr01-pr20 (default: %(default)s)",
    )
    parser.add_argument(
        "--seed", type=_seed, default=0, help="random seed; same seed, same routes (default: %(default)s)"
    )
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
        if isinstance(error.__cause__, (OSError, UnicodeDecodeError)):  # one plain line, no [Errno 2]
            print(cannot("optw", "read", args.file, error.__cause__), file=sys.stderr)
        else:
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
