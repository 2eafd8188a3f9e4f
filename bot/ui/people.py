"""What to call people in lists and files: their name on file as a customer, else the name Discord knows."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord

from bot.domain.guild_settings import is_manager
from bot.host import Interaction, services

log = logging.getLogger(__name__)
MAX_LOOKUPS = 100  # one Discord call each (no members intent, so no cache to ask)


async def names_of(interaction: Interaction, user_ids: Sequence[int]) -> dict[int, str]:
    guild = interaction.guild
    if guild is None:
        return {}
    names = await services(interaction).customers.names_of(guild.id, list(user_ids))
    for user_id in [u for u in dict.fromkeys(user_ids) if u not in names][:MAX_LOOKUPS]:
        member = guild.get_member(user_id)
        if member is None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.NotFound:  # left the server
                continue
            except discord.HTTPException as error:
                log.info("could not look up member %s: %s", user_id, error)
                continue
        names[user_id] = member.display_name
    return names


def who(user_id: int, names: dict[int, str]) -> str:
    """ "Ana Costa (@Ana)": the name next to the mention, so a list reads even where mentions don't render."""
    name = names.get(user_id)
    return f"{discord.utils.escape_markdown(name)} (<@{user_id}>)" if name else f"<@{user_id}>"


async def members_gone(interaction: Interaction, user_ids: Sequence[int]) -> set[int]:
    """Who of these has left the server (Discord says "unknown member"). Without the members intent the bot
    hears nobody leave, so it asks; anyone it can't check counts as still here."""
    guild = interaction.guild
    if guild is None:
        return set()
    gone = set()
    for user_id in list(dict.fromkeys(user_ids))[:MAX_LOOKUPS]:
        if guild.get_member(user_id) is not None:
            continue
        try:
            await guild.fetch_member(user_id)
        except discord.NotFound:
            gone.add(user_id)
        except discord.HTTPException as error:
            log.info("could not look up member %s: %s", user_id, error)
    return gone


async def managers_among(interaction: Interaction, user_ids: Sequence[int]) -> set[int]:
    """Who of these people is on the company's side (a community manager): they host at the tables."""
    guild = interaction.guild
    if guild is None:
        return set()
    settings = await services(interaction).guild_setup.settings(guild.id)
    found = set()
    for user_id in list(dict.fromkeys(user_ids))[:MAX_LOOKUPS]:
        member = guild.get_member(user_id)
        if member is None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.HTTPException as error:  # left, or Discord is slow: seated as a guest would be
                log.info("could not look up member %s: %s", user_id, error)
                continue
        roles = (role.id for role in member.roles)
        if is_manager(settings, role_ids=roles, can_manage_server=member.guild_permissions.manage_guild):
            found.add(user_id)
    return found
