"""Reading the published OPTW/TOPTW text format."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.optw import OptwFormatError, parse_optw, read_optw

INSTANCES = Path(__file__).resolve().parents[2] / "benchmarks" / "optw_instances"

# Two customers; line 2 has both D and Q; a customer with a list of a=2 ignored numbers.
WITH_D = """\
4 2 2 1
500 200
 0 0.0 0.0 0 0 0 0 0 100
 1 3.0 4.0 5 10 1 2 7 8 10 50
 2 0.0 1.55 0 7 1 1 3 0 90
"""


def test_reads_vertices_windows_and_budget() -> None:
    instance = parse_optw(WITH_D)

    assert instance.size == 3
    assert (instance.start, instance.end, instance.budget, instance.routes) == (0, 0, 100.0, 1)
    first = instance.nodes[1]
    assert (first.score, first.service) == (10.0, 5.0)
    assert [(w.open, w.close) for w in first.windows] == [(10.0, 50.0)]
    assert instance.customers == (1, 2)


def test_travel_time_is_euclidean_truncated_to_the_requested_decimals() -> None:
    one = parse_optw(WITH_D)
    two = parse_optw(WITH_D, decimals=2)

    assert one.travel[0, 1] == 5.0  # exactly 5: truncation must not turn it into 4.9
    assert one.travel[1, 2] == pytest.approx(3.8)  # sqrt(9 + 2.45**2) = 3.873… -> 3.8
    assert two.travel[1, 2] == pytest.approx(3.87)
    assert one.travel[0, 2] == pytest.approx(1.5)  # 1.55 truncated, not rounded
    assert two.travel[0, 2] == pytest.approx(1.55)


def test_line_two_without_d_and_trailing_blank_lines() -> None:
    without_d = WITH_D.replace("500 200\n", "200\n") + "\n\n   \n"

    instance = parse_optw(without_d)

    assert instance.size == 3
    assert instance.nodes[2].score == 7.0


def test_routes_come_from_the_caller_not_the_file() -> None:
    assert parse_optw(WITH_D, routes=3).routes == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("4 2\n", "line 1"),
        (WITH_D.replace("4 2 2 1", "4 2 5 1"), "N=5"),
        (WITH_D.replace(" 2 0.0 1.55", " 7 0.0 1.55"), "expected vertex 2"),
        (WITH_D.replace("1 2 7 8 10 50", "1 3 7 8 10 50"), "list length"),
        (WITH_D.replace("3.0 4.0", "3.0 four"), "'four' is not a number"),
        (WITH_D.replace("10 50", "60 50"), "closes before it opens"),
        (WITH_D.replace(" 1 3.0 4.0 5 10 1 2 7 8 10 50\n", " 1 3.0\n"), "needs"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(OptwFormatError, match=message):
        parse_optw(text)


def test_unreadable_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(OptwFormatError, match="cannot read"):
        read_optw(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("name", "decimals", "size", "budget"),
    [("c101", 1, 101, 1236.0), ("r101", 1, 101, 230.0), ("rc101", 1, 101, 240.0), ("pr01", 2, 49, 1000.0)],
)
def test_published_instances_load(name: str, decimals: int, size: int, budget: float) -> None:
    instance = read_optw(INSTANCES / f"{name}.txt", decimals=decimals)

    assert (instance.size, instance.budget, instance.name) == (size, budget, name)
