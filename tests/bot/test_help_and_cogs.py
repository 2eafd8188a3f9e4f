"""/help shows each person what they may use; every cog in cogs/ is loaded."""

from __future__ import annotations

import dataclasses
import pkgutil

import cogs
from bot.app import COGS
from tests.conftest import World


def listed(result: object) -> dict[str, str]:
    embed = result.response.embeds[0]  # type: ignore[attr-defined]
    return {field.name: field.value for field in embed.fields}


async def test_customer_sees_only_what_customers_can_use(configured: World) -> None:
    ana = configured.members[0]

    result = await ana.slash(configured.channel, "help")

    assert result.ephemeral
    sections = listed(result)
    assert "/help" in sections["Everyone"]
    assert "Community managers" not in sections
    assert "/setup" not in "".join(sections.values())
    assert result.response.embeds[0].footer.text == "Community managers see more commands here."


async def test_manager_also_sees_manager_commands(configured: World) -> None:
    result = await configured.manager.slash(configured.channel, "help")

    sections = listed(result)
    assert "/setup" in sections["Community managers"]
    assert "/help" in sections["Everyone"]


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
