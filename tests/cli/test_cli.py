"""The command line as an operator uses it: python -m bot …"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith(("LT_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_help_lists_every_subcommand() -> None:
    result = run_cli("--help")

    assert result.returncode == 0
    for command in ("run", "demo", "backup", "city", "optw"):
        assert f"    {command} " in result.stdout or f"    {command}\n" in result.stdout


def test_run_without_a_token_explains_and_exits_2(tmp_path: Path) -> None:
    result = run_cli("run", env={"LT_DATA_DIR": str(tmp_path)})

    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert "python -m bot demo" in result.stderr
    assert not (tmp_path / "listening-tour.db").exists()  # nothing was created


def test_bad_configuration_names_the_variable(tmp_path: Path) -> None:
    result = run_cli("run", env={"DISCORD_TOKEN": "x", "LT_DEV_GUILD_ID": "nope"})

    assert result.returncode == 2
    assert result.stderr.startswith("Configuration error: LT_DEV_GUILD_ID: expected a Discord server id")


def test_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["fly"])
    assert exit_.value.code == 2
    assert "invalid choice: 'fly'" in capsys.readouterr().err


def test_backup_copies_the_database(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "listening-tour.db") as db:
        db.execute("CREATE TABLE insight (text TEXT)")
        db.execute("INSERT INTO insight VALUES ('wants Sunday brunch')")
    target = tmp_path / "copy.db"

    result = run_cli("backup", "--output", str(target), env={"LT_DATA_DIR": str(tmp_path)})

    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT text FROM insight").fetchall() == [("wants Sunday brunch",)]
    again = run_cli("backup", "--output", str(target), env={"LT_DATA_DIR": str(tmp_path)})
    assert again.returncode == 2 and "already exists" in again.stderr


def test_backup_without_a_database_says_so(tmp_path: Path) -> None:
    result = run_cli("backup", env={"LT_DATA_DIR": str(tmp_path)})

    assert result.returncode == 2
    assert "nothing to back up" in result.stderr


@pytest.mark.parametrize("shown", [(), ("--dms", "ana")], ids=["channel", "a customer's DMs"])
def test_demo_serves_its_page_on_loopback_and_stops_cleanly(tmp_path: Path, shown: tuple[str, ...]) -> None:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    demo = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--port", "0", *shown],
        cwd=ROOT,
        env={**base, "LT_DATA_DIR": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert demo.stdout is not None
        deadline = time.monotonic() + 60
        line = ""
        while "Demo running: open " not in line and time.monotonic() < deadline:
            line = demo.stdout.readline()
            assert line or demo.poll() is None, demo.stderr.read() if demo.stderr else ""
        url = line.split("open ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:")
        shows = "Showing ana's direct messages with the bot." if shown else "Switch between Maria (manager)"
        assert demo.stdout.readline().startswith(shows)
        assert "#" in url  # the access key

        with urllib.request.urlopen(url.split("#")[0], timeout=10) as page:
            assert page.status == 200
            assert page.headers["Content-Type"].startswith("text/html")
            assert "SimCord Preview" in page.read().decode()

        demo.send_signal(signal.SIGTERM)
        out, err = demo.communicate(timeout=30)
        assert demo.returncode == 0, err
        assert "Demo stopped." in out
        assert "Traceback" not in err
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.communicate()
