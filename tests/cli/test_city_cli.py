"""`python -m bot city`: an operator checks how the bot reads city names, by hand or from a script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.city import main

ROOT = Path(__file__).resolve().parents[2]
CITY_KEYS = ["geonameid", "name", "region", "country_code", "latitude", "longitude", "timezone", "population"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "city", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )


def test_json_gives_one_object_per_query_in_order_and_exit_1_when_some_are_not_resolved() -> None:
    result = run_cli("--json", "Torono", "Springfield", "Xyzzy", "Portland, OR")

    assert result.returncode == 1, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["Torono", "Springfield", "Xyzzy", "Portland, OR"]
    assert [line["status"] for line in lines] == ["resolved", "ambiguous", "unknown", "resolved"]
    toronto = lines[0]["city"]
    assert list(toronto) == CITY_KEYS
    assert toronto["name"] == "Toronto" and toronto["region"] == "Ontario" and toronto["country_code"] == "CA"
    assert toronto["timezone"] == "America/Toronto" and toronto["geonameid"] == 6167865
    assert lines[0]["message"] == "I read “Torono” as Toronto, Ontario, CA."
    assert lines[1]["city"] is None
    assert [c["region"] for c in lines[1]["choices"]][:3] == ["Missouri", "Massachusetts", "Illinois"]
    assert all(list(c) == CITY_KEYS for c in lines[1]["choices"])
    assert lines[2]["city"] is None and lines[2]["choices"] == []
    assert lines[2]["message"].startswith("I couldn't find “Xyzzy”.")
    assert lines[3]["city"]["region"] == "Oregon" and lines[3]["message"] is None


def test_queries_after_double_dash_are_literal_even_with_a_leading_dash() -> None:
    result = run_cli("--json", "--", "-Toronto", "--json")

    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["-Toronto", "--json"]
    assert lines[0]["status"] == "resolved" and lines[0]["city"]["name"] == "Toronto"
    assert lines[1]["status"] == "unknown"
    assert result.returncode == 1


def test_all_resolved_exits_0_with_a_readable_line_per_query(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["  MONTRÉAL ", "London, ON"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "MONTRÉAL → resolved: Montréal, Quebec, CA (45.5088, -73.5878; America/Toronto; population 1,762,949)",
        "London, ON → resolved: London, Ontario, CA (42.9834, -81.2330; America/Toronto; population 422,324)",
    ]


def test_readable_lines_for_ambiguous_and_unknown_queries(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["Hamilton", "<@123>", "London"]) == 1

    hamilton, mention, london = capsys.readouterr().out.splitlines()
    assert hamilton.startswith("Hamilton → ambiguous: Hamilton, Ontario, CA; Hamilton, NZ; Hamilton, Ohio, US;")
    assert mention == (
        "<@123> → unknown: That looks like a Discord mention or emoji, not a city. "
        "Type the city's name, e.g. “Toronto” or “Portland, OR”."
    )
    assert london.startswith("London → resolved: London, England, GB (51.5085, -0.1257; Europe/London;")
    assert london.endswith("for another one, add its state or country, e.g. “London, ON”.")


@pytest.mark.parametrize("argv", [[], ["--json"], ["--bogus", "Toronto"], ["-x"]])
def test_usage_errors_exit_2_with_usage_on_stderr(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)

    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("usage: python -m bot city [-h] [--json] [--] QUERY [QUERY …]")


def test_help_documents_the_exit_status_and_double_dash() -> None:
    result = run_cli("--help")

    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "Queries after `--` are taken literally" in text
    assert "0 if every query resolved to one city, 1 if any was ambiguous or unknown, 2 for a usage error" in text
