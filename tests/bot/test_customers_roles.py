"""A manager gives a city's listed customers a 📍 role; customers lose it when they stop being listed."""

from __future__ import annotations

import simcord

from bot.errors import NOT_MANAGER, NotManager
from tests.conftest import World, run_as_member


async def set_city(world: World, member: simcord.MemberActor, city: str, *, listed: bool) -> None:
    asked = await member.slash(world.channel, "city set", city=city)
    await member.click(asked.response, label="I agree, save my city")
    if listed:
        shown = await member.slash(world.channel, "privacy settings")
        await member.click(shown.response, label="Listed to peers: off")


def reply(result: simcord.InteractionResult) -> simcord.ResponseMessage:
    message = result.followups[-1] if result.followups else result.response
    assert message is not None
    return message


def city_role_names(world: World) -> list[str]:
    guild = world.bot.get_guild(world.guild.id)
    assert guild is not None
    return [role.name for role in guild.roles if role.name.startswith("📍")]


def role_changes(world: World, method: str, role_id: int) -> set[int]:
    """User ids whose role ``role_id`` the bot added (PUT) or removed (DELETE)."""
    changed = set()
    for request in world.env.http_requests:
        parts = request.path.strip("/").split("/")
        if request.method == method and parts[-2:] == ["roles", str(role_id)] and "members" in parts:
            changed.add(int(parts[parts.index("members") + 1]))
    return changed


async def test_listed_customers_of_the_area_get_the_city_role_and_lose_it_when_unlisted(configured: World) -> None:
    ana, ben, chen = configured.members
    await set_city(configured, ana, "Toronto", listed=True)
    await set_city(configured, ben, "Toronto", listed=False)
    await set_city(configured, chen, "Mississauga", listed=True)

    result = await configured.manager.slash(configured.channel, "customers roles", city="Toronto", radius_km=40)

    role = configured.role("📍 Toronto, ON")
    message = reply(result)
    assert message.ephemeral
    assert message.content.splitlines()[:2] == [
        f"Created <@&{role.id}>: given to 2 customers.",
        "1 other customer of the area didn't choose to be listed (or aren't on the server), so they don't get it.",
    ]
    assert not role.mentionable
    assert role_changes(configured, "PUT", role.id) == {ana.id, chen.id}

    again = await configured.manager.slash(configured.channel, "customers roles", city="Toronto", radius_km=40)
    assert reply(again).content.startswith(f"Updated <@&{role.id}>: given to 2 customers.")
    assert city_role_names(configured) == ["📍 Toronto, ON"]  # reused, not duplicated

    shown = await ana.slash(configured.channel, "privacy settings")
    await ana.click(shown.response, label="Listed to peers: on")
    assert role_changes(configured, "DELETE", role.id) == {ana.id}

    asked = await chen.slash(configured.channel, "privacy delete")
    await chen.click(asked.response, label="Yes, delete my data")
    assert role_changes(configured, "DELETE", role.id) == {ana.id, chen.id}


async def test_customers_cannot_hand_out_city_roles(configured: World) -> None:
    refused = await run_as_member(configured, configured.members[0], "customers roles", city="Toronto")

    assert refused.ephemeral and refused.response.content == NOT_MANAGER
    simcord.assert_error(configured.env, NotManager)
    assert city_role_names(configured) == []
