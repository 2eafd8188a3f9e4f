"""City roles ("📍 Toronto, ON"): managers address the customers of a city by mentioning its role.

A role is visible to everyone on the server, so only customers who chose to be listed get one, and a
member loses every city role as soon as they stop being listed, move, or delete their data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import discord

from bot.domain.customers import CITY_ROLE_PREFIX
from bot.domain.errors import InvalidInput
from bot.host import Interaction

log = logging.getLogger(__name__)

NO_PERMISSION = (
    "I can't manage city roles here: give me the Manage Roles permission, and put my role above the "
    "📍 city roles in Server Settings → Roles."
)


@dataclass(frozen=True, slots=True)
class RoleHandout:
    role: discord.Role
    created: bool
    given: int
    left_server: int


async def hand_out_city_role(interaction: Interaction, name: str, user_ids: tuple[int, ...]) -> RoleHandout:
    """Find or create the role, then give it to each member (those who left the server are skipped)."""
    guild = interaction.guild
    assert guild is not None
    if not guild.me.guild_permissions.manage_roles:
        raise InvalidInput(NO_PERMISSION)
    role = discord.utils.get(guild.roles, name=name)
    created = role is None
    if role is None:
        role = await guild.create_role(name=name, mentionable=False, reason="Listening Tour city role")
    elif role >= guild.me.top_role:
        raise InvalidInput(NO_PERMISSION)
    given = left = 0
    for user_id in user_ids:
        try:
            await interaction.client.http.add_role(guild.id, user_id, role.id, reason="Listening Tour city role")
        except discord.NotFound:  # 10007 Unknown Member: no longer on the server
            left += 1
        except discord.Forbidden:
            raise InvalidInput(NO_PERMISSION) from None
        else:
            given += 1
    return RoleHandout(role, created, given, left)


async def drop_city_roles(interaction: discord.Interaction[Any]) -> None:
    """Take every city role off the member who clicked or ran the command (best effort: logged if refused)."""
    member = interaction.user
    if not isinstance(member, discord.Member):
        return
    roles = [role for role in member.roles if role.name.startswith(CITY_ROLE_PREFIX)]
    if not roles:
        return
    try:
        await member.remove_roles(*roles, reason="Listening Tour: no longer listed in this city")
    except discord.HTTPException as failure:
        log.warning("could not remove city roles from %s: %s", member.id, failure)
