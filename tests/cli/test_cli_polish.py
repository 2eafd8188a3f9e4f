"""The command line as an operator meets it on a bad day: help that tells every default, a missing file in one
line, output piped into `head`, a Python without the dependencies, a busy demo port — and dev.py installing
only what each command needs."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import pytest_asyncio
import simcord

from bot.__main__ import build_parser as bot_parser
from bot.__main__ import main, missing_dependency
from bot.app import ListeningTourBot
from bot.cli.city import build_parser as city_parser
from bot.cli.optw import build_parser as optw_parser
from bot.cli.plan import build_parser as plan_parser
from bot.config import Settings
from bot.demo.run import BOT_NAME, build_community, build_demo_bot, name_the_bot, seed
from bot.runtime import open_database

ROOT = Path(__file__).resolve().parents[2]
CSV = "name,city\nAna,Toronto\nBen,Detroit\nChen,Chicago\nDara,Chicago\nEli,Dallas\nGus,Austin\nHana,Austin\n"
PLAN = ("--from", "Toronto", "--to", "Austin", "--start", "2026-03-06", "--days", "4")


def clean_env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith(("LT_", "DATABASE_"))}
    return {**base, **extra}


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT, env=clean_env(**(env or {})), capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


# 1. --help tells every default and describes every option ------------------------------------------------------


def subcommand_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(commands.choices)


def all_parsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield "python -m bot", bot_parser()
    for name, parser in subcommand_parsers(bot_parser()).items():
        if name not in {"city", "optw", "plan"}:  # those three parse their own arguments (below)
            yield f"python -m bot {name}", parser
    yield "city", city_parser()
    yield "optw", optw_parser()
    yield "plan", plan_parser()


@pytest.mark.parametrize(("name", "parser"), list(all_parsers()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_option_is_described_with_its_default_or_as_required(name: str, parser: argparse.ArgumentParser) -> None:
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        label = "/".join(action.option_strings) or action.dest
        assert action.help, f"{name}: {label} has no help"
        assert "(default" in action.help or "required" in action.help, f"{name}: {label}: {action.help!r}"


def test_plan_help_shows_the_planners_defaults() -> None:
    result = run_cli("plan", "--help")

    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # argparse wraps lines
    for shown in (
        "--daily-drive-hours HOURS most hours of driving a day, 1 to 16 (default: 9)",
        "(default: 50)",
        "(default: 1.2)",
        "(default: 90)",
        "(default: 3)",
        "(default: breakfast,lunch,dinner)",
        "--seed SEED random seed; same seed, same plan (default: 0)",
    ):
        assert shown in text


def test_top_level_and_subcommand_help_tell_the_defaults() -> None:
    top = run_cli("--help")
    demo = run_cli("demo", "--help")
    backup = run_cli("backup", "--help")

    assert "python -m bot COMMAND --help" in " ".join(top.stdout.split())
    assert "(default: LT_DEMO_PORT, or 8765)" in " ".join(demo.stdout.split())
    assert "(default: <LT_DATA_DIR, or data>/backups/listening-tour-<UTC time>.db)" in " ".join(backup.stdout.split())


def test_a_demo_port_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--port", "70000"])

    assert exit_.value.code == 2
    assert "a port goes from 0 to 65535, got 70000" in capsys.readouterr().err


def test_the_demo_names_its_customers_when_asked_for_someone_else(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--dms", "zed"]) == 2
    assert "no demo customer called 'zed'; pick one of: ana, ben, chen, dara, eli, fatima, gus, hana." in (
        capsys.readouterr().out
    )


# 2. A file that can't be read or written: one line, exit status 2 -------------------------------------------------


def assert_one_clean_line(result: subprocess.CompletedProcess[str], line: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr == line + "\n"
    assert result.stdout == ""


def test_plan_with_a_missing_customer_file(tmp_path: Path) -> None:
    missing = tmp_path / "customers.csv"

    result = run_cli("plan", "--customers", str(missing), *PLAN)

    assert_one_clean_line(result, f"plan: cannot read {missing}: no such file")


def test_plan_with_a_folder_or_a_file_that_is_not_text(tmp_path: Path) -> None:
    binary = tmp_path / "customers.xlsx"
    binary.write_bytes(b"city\nToronto\n\xff\xfe\x00")

    folder = run_cli("plan", "--customers", str(tmp_path), *PLAN)
    not_text = run_cli("plan", "--customers", str(binary), *PLAN)

    assert_one_clean_line(folder, f"plan: cannot read {tmp_path}: it is a directory")
    assert_one_clean_line(not_text, f"plan: cannot read {binary}: not UTF-8 text (byte 14)")


def test_optw_with_a_missing_instance_file(tmp_path: Path) -> None:
    missing = tmp_path / "c101.txt"

    result = run_cli("optw", str(missing))

    assert_one_clean_line(result, f"optw: cannot read {missing}: no such file")


def test_backup_to_an_impossible_place_or_from_something_that_is_not_a_database(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "listening-tour.db") as db:
        db.execute("CREATE TABLE insight (text TEXT)")
    in_the_way = tmp_path / "notes.txt"
    in_the_way.write_text("a file, not a folder")
    (tmp_path / "junk.db").write_text("not a database")

    blocked = run_cli("backup", "--output", str(in_the_way / "copy.db"), env={"LT_DATA_DIR": str(tmp_path)})
    junk = run_cli(
        "backup", "--output", str(tmp_path / "copy.db"), env={"DATABASE_URL": f"sqlite:///{tmp_path}/junk.db"}
    )

    assert_one_clean_line(blocked, f"backup: cannot write {in_the_way}/copy.db: a part of the path is not a directory")
    assert_one_clean_line(junk, f"backup: cannot read {tmp_path / 'junk.db'}: file is not a database")
    assert not (tmp_path / "copy.db").exists()


# 3. Piping into head: no BrokenPipeError traceback ----------------------------------------------------------------


def piped_into_head(args: list[str], lines: int) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS | head -N` through a shell; the exit status is Python's (pipefail), stderr is its."""
    command = f"set -o pipefail; {shlex.quote(sys.executable)} -m bot {shlex.join(args)} | head -{lines}"
    return subprocess.run(
        ["bash", "-c", command], cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=120, check=False
    )


def test_city_piped_into_head_stops_quietly() -> None:
    queries = ["Toronto", "Paris", "London"] * 60  # far more than head reads: later lines meet a closed pipe

    result = piped_into_head(["city", "--json", *queries], 1)

    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr
    assert result.stderr == ""
    assert result.returncode in {0, 141}  # 141 = 128 + SIGPIPE, like `yes | head -1`
    [line] = result.stdout.splitlines()
    assert json.loads(line)["city"]["name"] == "Toronto"


def test_plan_piped_into_head_stops_quietly(tmp_path: Path) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text(CSV, encoding="utf-8")

    result = piped_into_head(["plan", "--customers", str(customers), *PLAN], 3)

    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr
    assert result.returncode in {0, 141}
    assert len(result.stdout.splitlines()) == 3
    assert result.stdout.startswith("Toronto, Ontario, CA → Austin, Texas, US: 4 days")


# 4. A Python without the dependencies says how to run the tools ---------------------------------------------------


def system_python() -> tuple[str | None, str]:
    """A python3.11 outside this virtual environment that lacks discord, and the PATH without the venv;
    or None and why not."""
    venv_bin = (Path(sys.prefix) / "bin").resolve()
    entries = os.environ.get("PATH", "").split(os.pathsep)
    path = os.pathsep.join(entry for entry in entries if entry and Path(entry).resolve() != venv_bin)
    python = shutil.which("python3.11", path=path)
    if python is None:
        return None, "there is no python3.11 on PATH outside .venv"
    probe = subprocess.run(
        [python, "-c", "import discord"], env=bare_env(path), capture_output=True, timeout=60, check=False
    )
    if probe.returncode == 0:
        return None, f"{python} has discord installed, so it can't show the missing-dependencies message"
    return python, path


def bare_env(path: str) -> dict[str, str]:
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "DISCORD_TOKEN"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(("LT_", "DATABASE_"))}
    return {**env, "PATH": path, "PYTHONDONTWRITEBYTECODE": "1"}  # leave the venv's bytecode alone


@pytest.fixture(scope="module")
def python_without_dependencies() -> tuple[str, dict[str, str]]:
    python, path_or_why_not = system_python()
    if python is None:
        pytest.skip(f"needs a python3.11 without the project's dependencies: {path_or_why_not}")
    return python, bare_env(path_or_why_not)


@pytest.mark.parametrize("args", [["city", "Toronto"], ["plan", "--help"], ["demo"]], ids=" ".join)
def test_without_the_dependencies_the_tools_say_how_to_run_them(
    args: list[str], python_without_dependencies: tuple[str, dict[str, str]]
) -> None:
    python, env = python_without_dependencies

    result = subprocess.run(
        [python, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "ModuleNotFoundError" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("Listening Tour's dependencies are not installed here (no module named ")
    assert "run `python3.11 dev.py start` (or use .venv/bin/python -m bot …)" in line


def test_without_the_dependencies_the_top_level_help_still_works(
    python_without_dependencies: tuple[str, dict[str, str]],
) -> None:
    python, env = python_without_dependencies

    result = subprocess.run(
        [python, "-m", "bot", "--help"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0, result.stderr
    assert "plan a tour from a customer CSV" in result.stdout


def test_only_a_missing_third_party_module_is_called_a_missing_dependency() -> None:
    def missing(name: str) -> str | None:
        return missing_dependency(ModuleNotFoundError(f"No module named {name!r}", name=name))

    assert missing("discord.ext") == "discord"
    assert missing("rapidfuzz") == "rapidfuzz"
    assert missing("bot.cli.nope") is None  # our own bug: keep its traceback
    assert missing("cogs.meals") is None
    assert missing("_sqlite3") is None  # a Python built without sqlite: a different problem


# 5. The demo: a busy port is replaced by a free one; the bot is called Listening Tour -----------------------------


def test_demo_on_a_busy_port_says_so_and_uses_a_free_one(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        demo = subprocess.Popen(
            [sys.executable, "-m", "bot", "demo", "--port", str(busy)],
            cwd=ROOT, env=clean_env(LT_DATA_DIR=str(tmp_path)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        try:
            assert demo.stdout is not None
            lines: list[str] = []
            deadline = time.monotonic() + 60
            while not any(line.startswith("Demo running") for line in lines) and time.monotonic() < deadline:
                line = demo.stdout.readline()
                assert line or demo.poll() is None, demo.stderr.read() if demo.stderr else ""
                lines.append(line.strip())
            demo.send_signal(signal.SIGTERM)
            out, err = demo.communicate(timeout=30)
        finally:
            if demo.poll() is None:
                demo.kill()
                demo.communicate()

    first, running = lines[0], lines[1]
    assert first.startswith(f"Port {busy} is busy; using ") and first.endswith(" instead."), lines
    free = int(first.removeprefix(f"Port {busy} is busy; using ").removesuffix(" instead."))
    assert free != busy
    assert running.startswith(f"Demo running: open http://127.0.0.1:{free}/#")
    assert demo.returncode == 0, err
    assert "Demo stopped." in out
    assert "Traceback" not in err


@pytest_asyncio.fixture
async def simcord_bot(tmp_path: Path):  # type: ignore[no-untyped-def]
    """The demo's own bot, as `python -m bot demo` builds it."""
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'listening-tour.db'}")
    db = await open_database(settings.database_path())
    bot = build_demo_bot(settings, db)
    yield bot
    await bot.close()
    await db.close()


async def test_the_demo_bot_is_called_listening_tour(simcord_env: simcord.Env) -> None:
    bot = simcord_env.bot
    assert isinstance(bot, ListeningTourBot)

    await name_the_bot(bot)
    community = build_community(simcord_env)
    await seed(bot, community)

    assert BOT_NAME == "Listening Tour"
    assert bot.user is not None and bot.user.name == "Listening Tour"
    posts = list(community.channel.history())
    assert posts and {post.author.name for post in posts} == {"Listening Tour"}


# 6. dev.py: `start` installs what running needs, `test` also the test tools ------------------------------------


def load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("listening_tour_dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("command", "stamps", "expected"),
    [
        ("start", {}, True),
        ("test", {}, True),
        ("start", {"start": "new"}, False),
        ("test", {"start": "new"}, True),  # running's install lacks the test tools
        ("start", {"test": "new"}, False),  # the full install covers running
        ("test", {"test": "new"}, False),
        ("start", {"start": "old", "test": "old"}, True),  # pyproject.toml changed since
        ("test", {"start": "new", "test": "old"}, True),
    ],
)
def test_dev_py_decides_what_to_install(command: str, stamps: dict[str, str], expected: bool) -> None:
    assert load_dev().needs_install(command, "new", stamps) is expected


def test_dev_py_start_installs_the_project_and_test_adds_the_test_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev = load_dev()
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()  # an existing venv: nothing is created
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    monkeypatch.setattr(dev, "ROOT", tmp_path)
    monkeypatch.setattr(dev, "PYTHON", venv / "bin" / "python")
    monkeypatch.setattr(dev, "STAMPS", {"start": venv / "start.stamp", "test": venv / "test.stamp"})
    installs: list[str] = []
    monkeypatch.setattr(dev, "pip_install", installs.append)

    def after(*commands: str) -> list[str]:
        installs.clear()
        for command in commands:
            dev.ensure_environment(command)
        return list(installs)

    start, test = dev.TARGETS["start"], dev.TARGETS["test"]
    assert start == str(ROOT) and test == f"{ROOT}[test]"
    assert after("start", "start") == [start]
    assert after("test", "test", "start") == [test]  # a later start needs nothing
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\nversion = '2'\n")
    assert after("start", "test", "start", "test") == [start, test]  # test still installs its extra


def test_ci_still_runs_the_readmes_test_command() -> None:
    assert (ROOT / ".ci" / "run").read_text().splitlines()[-1] == "exec python3.11 dev.py test"
