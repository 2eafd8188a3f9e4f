"""One interaction policy: answer Discord before working, refuse members the managers' commands (hidden by
default, checked anyway), and never let a garbled button fall through to an internal error."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest
import simcord
from discord import app_commands

from bot.errors import NOT_MANAGER, NotManager
from bot.ui.meal_admin import CancelMealButton
from tests.bot.meal_story import publish, said
from tests.bot.test_tours import new_tour
from tests.conftest import World, allow_manager_commands


async def test_a_slow_write_still_answers_within_discords_three_seconds(
    configured: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ana = configured.members[0]
    customers = configured.bot.services.customers
    set_city = customers.set_city

    async def behind_a_burst(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(3.5)  # waiting its turn behind other writers, longer than Discord allows
        return await set_city(*args, **kwargs)

    first = await ana.slash(configured.channel, "city set", city="Toronto")
    await ana.click(first.response, label="I agree, save my city")
    monkeypatch.setattr(customers, "set_city", behind_a_burst)

    moved = await ana.slash(configured.channel, "city set", city="Chicago")

    assert moved.acknowledged  # answered at once ("thinking…"), so Discord kept the interaction open
    assert said(moved) == "Your city is now **Chicago, Illinois, US**."
    simcord.assert_no_errors(configured.env)


async def test_members_neither_see_nor_autocomplete_the_managers_commands(configured: World) -> None:
    ana = configured.members[0]
    await new_tour(configured)
    await publish(configured)

    for command in ("tour list", "meal attendees", "customers cities", "setup", "status"):
        with pytest.raises(simcord.SetupError, match="not visible to this user"):
            await ana.slash(configured.channel, command)
    await allow_manager_commands(configured, configured.guild.default_role)  # an admin opens them to everyone

    assert await ana.autocomplete(configured.channel, "tour plan", "tour", "") == []  # no tour names for members
    assert await ana.autocomplete(configured.channel, "meal attendees", "meal", "") == []
    manager_sees = await configured.manager.autocomplete(configured.channel, "tour plan", "tour", "")
    assert [c["name"] for c in manager_sees] == ["#1 Spring · 12 Jan 2026 · draft"]
    refused = await ana.slash(configured.channel, "tour list")
    assert refused.response.content == NOT_MANAGER  # still checked when it runs
    simcord.assert_error(configured.env, NotManager)
    asked = await ana.slash(configured.channel, "request stop", city="Austin, TX")  # customers' own command
    assert said(asked).startswith("Thanks! You asked for a stop in **Austin, Texas, US**.")


async def test_a_button_with_a_number_too_large_to_be_ours_is_refused_plainly(configured: World) -> None:
    await publish(configured)
    channel = configured.bot.get_channel(configured.channel.id)
    assert isinstance(channel, discord.TextChannel)
    view = discord.ui.View(timeout=None)
    view.add_item(CancelMealButton(2**64 + 1))  # a garbled or forged custom_id
    garbled = await channel.send("Cancel?", view=view)

    result = await configured.manager.click(garbled, label="Yes, cancel the meal")

    assert said(result) == "There is no meal #0 on this server. `/meal attendees` lists the meals."
    assert not (await configured.bot.services.meals.get(configured.guild.id, 1)).cancelled


async def test_paged_lists_keep_working_after_a_restart(configured: World, make_bot: Any) -> None:
    for number in range(20):
        await new_tour(configured, name=f"Tour {number:02d}")
    listed = await configured.manager.slash(configured.channel, "tour list")
    assert listed.response.embeds[0].footer.text == "Page 1 of 2"

    await configured.env.restart_bot(await make_bot())
    await configured.env.advance_time(3600)  # long after an in-memory view would have timed out
    await configured.manager.click(listed.response, label="Next")

    [shown] = [m for m in configured.channel.history(viewer=configured.manager) if m.id == listed.response.id]
    page = shown.embeds[0]
    assert page.footer.text == "Page 2 of 2"
    assert "Tour 04" in (page.description or "")  # the list is newest first: the oldest on page 2
    simcord.assert_no_errors(configured.env)


async def test_a_discord_refusal_says_what_to_fix(configured: World) -> None:
    configured.env.inject_error(
        "POST", f"/guilds/{configured.guild.id}/roles", status=403, code=50013, message="Missing Permissions"
    )

    result = await configured.manager.slash(configured.channel, "customers roles", city="Toronto")

    assert said(result).startswith("Discord says I'm missing a permission for that here (error 50013).")
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)
