"""/help shows each person what they may use; every cog in cogs/ is loaded."""

from __future__ import annotations

import dataclasses
import pkgutil

import cogs
from bot.app import COGS
from bot.ui.help import help_embed
from tests.conftest import World


def listed(result: object) -> dict[str, str]:
    embed = result.response.embeds[0]  # type: ignore[attr-defined]
    return {field.name: field.value for field in embed.fields}


async def test_a_customer_gets_a_short_task_flow_with_commands_to_click(configured: World) -> None:
    ana = configured.members[0]

    result = await ana.slash(configured.channel, "help")

    assert result.ephemeral
    sections = listed(result)
    assert list(sections) == ["Start here", "Any time"]
    city_set = configured.bot.command_ids["city"]
    assert sections["Start here"].splitlines()[0] == (
        f"1. </city set:{city_set}> — where you are, so we plan meals near you"
    )
    assert "</setup:" not in "".join(sections.values())
    assert result.response.embeds[0].footer.text == "Community managers see more here."


async def test_a_manager_also_gets_the_first_hour_and_the_day_to_day(configured: World) -> None:
    result = await configured.manager.slash(configured.channel, "help")

    sections = listed(result)
    assert list(sections) == [
        "Start here", "Any time", "Community managers: your first hour", "Meals", "Tours", "Customers", "Insights",
        "Health",
    ]  # fmt: skip
    assert sections["Insights"].startswith(f"</insight add:{configured.bot.command_ids['insight']}>")
    assert sections["Community managers: your first hour"].startswith(
        f"1. </setup:{configured.bot.command_ids['setup']}> — manager role"
    )


async def test_help_names_only_commands_that_exist(world: World) -> None:
    named: list[str] = []
    help_embed(lambda name: named.append(name) or name, manager=True)
    existing = {c.qualified_name for c in world.bot.tree.walk_commands()}

    assert set(named) <= existing, set(named) - existing
    assert len(named) >= 20


async def test_every_cog_module_is_loaded(world: World) -> None:
    modules = {f"cogs.{m.name}" for m in pkgutil.iter_modules(cogs.__path__)}

    assert modules == set(COGS)
    assert set(world.bot.extensions) == modules
    assert {c.qualified_name for c in world.bot.tree.get_commands()} >= {"setup", "help"}


async def test_commands_sync_instantly_to_a_development_guild(world: World) -> None:
    world.bot.settings = dataclasses.replace(world.bot.settings, dev_guild_id=world.guild.id)
    before = len(world.env.http_requests)

    await world.bot.sync_commands()

    [request] = world.env.http_requests[before:]
    assert (request.method, request.path) == (
        "PUT",
        f"/applications/{world.bot.application_id}/guilds/{world.guild.id}/commands",
    )
    assert {c["name"] for c in request.json} >= {"setup", "help"}  # the global commands, copied

