"""`python -m bot plan`: a manager (or a script) plans a tour from a customer CSV without Discord."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.plan import main

ROOT = Path(__file__).resolve().parents[2]
CSV = """name,city,count
Ana,Toronto,6
Ben,Detroit,4
Chen,Chicago,7
Eli,"St. Louis, MO",5
Fatima,Dallas,6
Gus,Austin,4
Nobody,Xyzzyq,1
Big,New York City,12
"""


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "plan", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_json_plan_from_a_csv_with_meals_legs_and_explanations(tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(CSV, encoding="utf-8")

    result = run_cli(
        "--customers", str(customers), "--from", "Toronto", "--to", "Austin", "--start", "2026-03-06", "--days", "4",
        "--json",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().startswith("line 8: skipped (I couldn't find “Xyzzyq”.")
    plan = json.loads(result.stdout)
    assert (plan["from"], plan["to"], plan["days"], plan["customers"]) == (
        "Toronto, Ontario, CA", "Austin, Texas, US", 4, 44,
    )  # fmt: skip
    cities = [meal["city"] for meal in plan["meals"]]
    assert {"Detroit, Michigan, US", "Chicago, Illinois, US", "Dallas, Texas, US"} <= set(cities)
    assert plan["expected"] == sum(meal["expected"] for meal in plan["meals"])
    assert max(plan["drive_hours_by_day"]) <= 9.0
    assert [m["starts_at"] for m in plan["meals"]] == sorted(m["starts_at"] for m in plan["meals"])
    chicago = next(meal for meal in plan["meals"] if meal["city"].startswith("Chicago"))
    assert chicago["timezone"] == "America/Chicago" and chicago["local_start"].endswith("-06:00")
    assert plan["legs"][0]["from"] == "Toronto, Ontario, CA"
    [new_york] = plan["left_out"]
    assert (new_york["city"], new_york["reason"]) == ("New York City, New York, US", "off route")


def test_text_plan_and_clear_errors(tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(CSV, encoding="utf-8")

    text = run_cli("--customers", str(customers), "--from", "Toronto", "--to", "Austin", "--start", "2026-03-06",
                   "--end", "2026-03-04")  # fmt: skip
    assert text.returncode == 1
    assert text.stderr.strip() == "The tour ends before it starts: the end date must be on or after the start date."

    usage = run_cli("--customers", str(customers), "--from", "Toronto")
    assert usage.returncode == 2 and "required" in usage.stderr


def test_text_plan_reads_day_by_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(CSV, encoding="utf-8")

    code = main(["--customers", str(customers), "--from", "Toronto", "--to", "Austin", "--start", "2026-03-06",
                 "--days", "4", "--meals", "lunch,dinner", "--pin", "Memphis", "--drop", "Chicago"])  # fmt: skip

    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Toronto, Ontario, CA → Austin, Texas, US: 4 days,")
    assert "\nDay 1 (Fri 06 Mar 2026)" in out and "\nDay 4 (Mon 09 Mar 2026)" in out
    assert "in Memphis, Tennessee, US" in out and "in Chicago" not in out
    assert "breakfast" not in out
    assert "Chicago, Illinois, US (7 customers): dropped by a manager" in out


MORE_CITIES = """Cy,"Cleveland, OH",5
Ida,Indianapolis,5
Mo,Memphis,5
Kay,"Kansas City, MO",5
Ok,Oklahoma City,5
Hu,Houston,6
Na,Nashville,5
"""  # more than one team meets in 4 days: both are needed


def test_two_teams_each_get_their_days_and_nights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(CSV + MORE_CITIES, encoding="utf-8")
    args = ["--customers", str(customers), "--from", "Toronto", "--to", "Austin", "--start", "2026-03-06",
            "--days", "4", "--teams", "2"]  # fmt: skip

    code = main(args)
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Toronto, Ontario, CA → Austin, Texas, US: 2 teams, 4 days,")
    assert out.count("\nTeam 1: ") == 1 and out.count("\nTeam 2: ") == 1
    assert out.count("\nDay 1 (Fri 06 Mar 2026)") == 2  # each team's own days
    assert out.count("  night in ") == 2 * 3  # every evening but the last, for each team

    assert main([*args, "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["teams"] == 2 and {meal["team"] for meal in plan["meals"]} == {1, 2}
    assert len(plan["drive_hours_by_day"]) == 2 * 4
    cities = [meal["city"] for meal in plan["meals"]]
    assert len(set(cities)) == len(cities)  # each place here fills one table: one meal, by one team
    assert main([*args[:-1], "5"]) == 1
    assert capsys.readouterr().err.strip() == "A tour has 1 to 4 teams travelling in parallel."


def test_a_second_team_that_is_not_needed_stays_home(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(CSV, encoding="utf-8")  # one team meets every customer within reach in 4 days

    code = main(["--customers", str(customers), "--from", "Toronto", "--to", "Austin", "--start", "2026-03-06",
                 "--days", "4", "--teams", "2"])  # fmt: skip

    out = capsys.readouterr().out
    assert code == 0
    assert "\nTeam 2: not needed, the other teams meet every customer within reach\n" in out
    assert out.count("\nDay 1 (Fri 06 Mar 2026)") == 1  # only team 1 has days: team 2 drives nothing
    team_1 = out.split("\nTeam 1: ")[1].split(" h of driving")[0].rsplit(", ", 1)[1]
    assert out.startswith("Toronto, Ontario, CA → Austin, Texas, US: 2 teams, 4 days,")
    assert out.split("\n")[0].endswith(f", {team_1} h of driving")  # the tour drives what team 1 drives


def test_a_shared_city_name_is_read_near_the_other_rows() -> None:
    from bot.cli.plan import customers_from_csv
    from bot.domain.cities import default_gazetteer

    sheet = "city,count\nToronto,5\nMontréal,4\nOttawa,3\nKingston,4\n"

    demand = customers_from_csv(sheet, "customers.csv", default_gazetteer())

    assert {d.city.label: d.customers for d in demand}["Kingston, Ontario, CA"] == 4  # not Kingston, Jamaica
