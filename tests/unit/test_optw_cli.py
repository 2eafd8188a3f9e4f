"""`python -m bot optw FILE`: JSON routes on stdout, clear errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.optw import main
from bot.domain.optw import check_solution, read_optw

INSTANCES = Path(__file__).resolve().parents[2] / "benchmarks" / "optw_instances"

SMALL = """\
4 2 4 1
0 200
 0 0.0 0.0 0 0 0 0 0 100
 1 10.0 0.0 5 10 1 1 1 0 100
 2 20.0 0.0 5 20 1 1 1 0 100
 3 0.0 30.0 5 15 1 1 1 20 40
 4 0.0 -40.0 5 30 1 1 1 0 100


"""


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_prints_routes_and_score_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "small.txt"
    path.write_text(SMALL)

    code, out, err = run([str(path), "--m", "2"], capsys)

    assert (code, err) == (0, "")
    result = json.loads(out)
    assert set(result) == {"routes", "score"}
    assert all(isinstance(node, int) and node != 0 for route in result["routes"] for node in route)
    check = check_solution(read_optw(path, routes=2), result["routes"])
    assert check.feasible
    # Best: 0-4-0 (back at 85) and 0-3-2-0 (back at 96); node 1 fits in neither, so 30 + 15 + 20.
    assert result["score"] == check.score == 65
    assert sorted(map(sorted, result["routes"])) == [[2, 3], [4]]


def test_solves_a_published_instance_within_its_time_limit(capsys: pytest.CaptureFixture[str]) -> None:
    path = INSTANCES / "pr01.txt"

    code, out, _ = run([str(path), "--decimals", "2", "--m", "2", "--time-limit", "1", "--seed", "3"], capsys)

    assert code == 0
    result = json.loads(out)
    assert len(result["routes"]) == 2
    check = check_solution(read_optw(path, decimals=2, routes=2), result["routes"])
    assert check.feasible
    assert result["score"] == check.score > 400  # best known 502; greedy finds 437


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.txt"], "cannot read"),
        (["FILE", "--m", "0"], "--m: must be at least 1"),
        (["FILE", "--time-limit", "-1"], "--time-limit: must be more than 0"),
        (["FILE", "--decimals", "x"], "--decimals"),
        ([], "the following arguments are required: file"),
    ],
)
def test_bad_arguments_exit_with_2_and_say_why(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "small.txt"
    path.write_text(SMALL)
    argv = [str(path) if arg == "FILE" else str(tmp_path / arg) if arg == "missing.txt" else arg for arg in argv]

    code, out, err = run(argv, capsys)

    assert (code, out) == (2, "")
    assert message in err


def test_malformed_file_exits_with_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(SMALL.replace(" 3 0.0 30.0", " 9 0.0 30.0"))

    code, out, err = run([str(path)], capsys)

    assert (code, out) == (2, "")
    assert "line 6: expected vertex 3, found 9" in err


def test_help_exits_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)

    assert code == 0
    assert "--time-limit" in out
