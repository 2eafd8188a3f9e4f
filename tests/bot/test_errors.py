"""When something breaks, the user gets a short ephemeral note with an error id; the log gets the traceback."""

from __future__ import annotations

import logging
import re

import pytest
import simcord
from discord import app_commands

from tests.conftest import World

ERROR_ID = re.compile(r"error id `([0-9a-f]{8})`")


def boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("database on fire")


async def test_a_failing_command_shows_an_error_id_and_logs_the_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(world.bot.services.guild_setup, "update", boom)

    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        result = await world.admin.slash(world.channel, "setup", default_capacity=5)

    assert result.ephemeral
    assert result.response.content.startswith("Something went wrong on our side")
    match = ERROR_ID.search(result.response.content)
    assert match is not None
    [record] = caplog.records
    assert record.getMessage() == f"error {match[1]} in /setup"
    assert record.exc_info is not None and "database on fire" in str(record.exc_info[1].__cause__)
    assert "database on fire" not in result.response.content  # internals stay in the log
    simcord.assert_error(world.env, app_commands.CommandInvokeError)


async def test_a_failing_button_answers_like_a_command(
    configured: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shown = await configured.manager.slash(configured.channel, "setup")
    monkeypatch.setattr(configured.bot.services.guild_setup, "reset_defaults", boom)

    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        result = await configured.manager.click(shown.response, label="Reset reminders & seats to defaults")

    [told] = result.followups  # the click was acknowledged first; the error follows, to the clicker only
    assert told.ephemeral
    match = ERROR_ID.search(told.content)
    assert match is not None
    assert [r.getMessage() for r in caplog.records] == [f"error {match[1]} in setup reset button"]
