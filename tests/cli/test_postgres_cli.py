"""Operating the bot on PostgreSQL from the command line: shards, backup, and moving the data over."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Settings
from bot.domain.clock import system_clock
from bot.domain.insights import NewInsight, SearchPage, SearchQuery
from bot.domain.meals import MealPlace
from bot.domain.timeparse import LocalTime
from bot.runtime import open_store
from bot.services import Services
from bot.services.meals import MealState
from tests.backends import postgres_schema_sync
from tests.cli.test_cli import run_cli

TORONTO = MealPlace(6167865, "Toronto", "Toronto, Ontario, CA", "America/Toronto", 43.7, -79.4)
GUILD = 42


def test_shards_need_a_count_and_a_shared_postgresql_database(tmp_path: Path) -> None:
    alone = run_cli("run", "--shard-ids", "1", env={"DISCORD_TOKEN": "x", "LT_DATA_DIR": str(tmp_path)})
    assert alone.returncode == 2 and "--shard-ids needs --shard-count" in alone.stderr
    on_sqlite = run_cli(
        "run", "--shard-count", "2", "--shard-ids", "1", env={"DISCORD_TOKEN": "x", "LT_DATA_DIR": str(tmp_path)}
    )
    assert on_sqlite.returncode == 2 and "set DATABASE_URL=postgresql://" in on_sqlite.stderr


def test_backup_of_a_postgresql_database_explains_pg_dump(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://lt:secret@db.internal:5432/lt?schema=tour")
    assert main(["backup"]) == 2
    said = capsys.readouterr().err
    assert "pg_dump --format=custom" in said and "--schema=tour" in said and "pg_restore" in said
    assert "secret" not in said


async def seed(url: str) -> int:
    db = await open_store(Settings(database_url=url))
    services = Services.build(db, system_clock)
    start = system_clock().replace(microsecond=0) + dt.timedelta(days=10)
    meal = await services.meals.create(
        GUILD, host_id=1, place=TORONTO, start=LocalTime(start, TORONTO.timezone),
        duration=dt.timedelta(minutes=90), channel_id=10, capacity=2,
    )  # fmt: skip
    for user in (7, 8, 9):
        await services.meals.going(GUILD, meal.id, user, "I run a bakery in Toronto")
    async with db.transaction() as tx:
        crash = NewInsight.create(
            guild_id=GUILD, text="Invoices crash on two addresses", kind="pain_point", logged_by=1
        )
        await services.insights._insights.add(tx, crash, start)
    await db.close()
    return meal.id


async def on_the_copy(url: str, meal_id: int) -> tuple[MealState, SearchPage, int]:
    """The bot, started on the copy: the meal's seats, a search, and a new meal's id."""
    db = await open_store(Settings(database_url=url))
    services = Services.build(db, system_clock)
    state = await services.meals.state(GUILD, meal_id)
    found = await services.insights.search(GUILD, SearchQuery.create(text="crashes"))
    later = await services.meals.create(
        GUILD, host_id=1, place=TORONTO, start=LocalTime(system_clock() + dt.timedelta(days=20), TORONTO.timezone),
        duration=dt.timedelta(minutes=90), channel_id=10, capacity=2,
    )  # fmt: skip
    await db.close()
    return state, found, later.id


def test_migrate_to_postgres_copies_everything_checks_it_and_never_overwrites_by_accident(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite = tmp_path / "listening-tour.db"
    meal_id = asyncio.run(seed(f"sqlite:///{sqlite}"))
    with postgres_schema_sync() as url:
        assert main(["migrate-to-postgres", "--sqlite", str(sqlite), "--to", url]) == 0
        said = capsys.readouterr().out
        assert "row counts and the sums of" in said and "match" in said

        state, found, later_id = asyncio.run(on_the_copy(url, meal_id))
        assert (state.headcount.going, state.headcount.waitlisted) == (2, 1)
        assert [hit.insight.text for hit in found.hits] == ["Invoices crash on two addresses"]
        assert later_id == meal_id + 1  # new rows continue after the copied ids

        assert main(["migrate-to-postgres", "--sqlite", str(sqlite), "--to", url]) == 2
        assert "already holds data" in capsys.readouterr().err
        assert main(["migrate-to-postgres", "--sqlite", str(sqlite), "--to", url, "--overwrite"]) == 0


def test_migrate_to_postgres_needs_a_postgresql_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate-to-postgres", "--sqlite", str(tmp_path / "x.db"), "--to", "sqlite:///x.db"]) == 2
    assert "--to postgresql://" in capsys.readouterr().err
