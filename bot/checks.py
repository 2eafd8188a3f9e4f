"""Run-time permission checks. ``default_member_permissions`` is only a default admins can change."""

from __future__ import annotations

from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.domain.errors import InvalidInput
from bot.domain.guild_settings import is_manager
from bot.errors import DEFERS, NotManager
from bot.host import Interaction, services

CommandT = TypeVar("CommandT", bound=app_commands.Command[Any, Any, Any])

# What Discord shows by default: manager commands only to members who may Manage Server, until a server admin
# lets the manager role use them (Server Settings → Integrations → Listening Tour). Only a default: the
# run-time check (manager_only) decides.
MANAGERS_BY_DEFAULT = discord.Permissions(manage_guild=True)
MANAGER_COMMANDS = ("meal", "tour", "customers", "setup", "status", "insight", "checkin")
MANAGER_MENUS = ("Log as insight",)  # message menu commands, hidden the same way


async def member_is_manager(interaction: Interaction) -> bool:
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return False
    settings = await services(interaction).guild_setup.settings(interaction.guild_id)
    return is_manager(
        settings,
        role_ids=(role.id for role in member.roles),
        can_manage_server=member.guild_permissions.manage_guild,
    )


async def require_manager(interaction: Interaction) -> None:
    """For buttons and selects: raise NotManager unless the clicker is a manager of this guild."""
    if not await member_is_manager(interaction):
        raise NotManager


async def _manager_predicate(interaction: Interaction) -> bool:
    await require_manager(interaction)
    return True


def manager_only(command: CommandT) -> CommandT:
    """Marks a slash command as manager-only: checked on every call (default permissions only hide it).

    Put it above ``@app_commands.command``: it needs the Command object to record the marker.
    """
    if not isinstance(command, app_commands.Command):
        raise TypeError("@manager_only goes above @app_commands.command(...)")
    command.add_check(_manager_predicate)
    return command


def answers_first(command: CommandT) -> CommandT:
    """Marks a slash command that writes or calls Discord: the tree acknowledges it before it runs (a deferred,
    ephemeral "thinking…"), and the command replies with a follow-up (``bot.ui.respond.respond``).

    Put it above ``@app_commands.command`` (like ``@manager_only``)."""
    if not isinstance(command, app_commands.Command):
        raise TypeError("@answers_first goes above @app_commands.command(...)")
    command.extras[DEFERS] = True
    return command


def require_can_post(channel: discord.TextChannel) -> None:
    """Refuse up front, with the fix, rather than fail half-way (a meal stored but never posted)."""
    permissions = channel.permissions_for(channel.guild.me)
    if not (permissions.view_channel and permissions.send_messages and permissions.embed_links):
        raise InvalidInput(
            f"I can't post in {channel.mention}: give me View Channel, Send Messages and Embed Links there, "
            "then try again."
        )


async def posting_channel(
    interaction: Interaction, channel: discord.TextChannel | None
) -> discord.TextChannel:
    """Where meals go: the channel given, else the announcement channel from /setup — one the bot can
    post in (checked before anything is stored)."""
    target = channel
    if target is None and interaction.guild is not None:
        settings = await services(interaction).guild_setup.settings(interaction.guild.id)
        found = interaction.guild.get_channel(settings.announce_channel_id or 0)
        target = found if isinstance(found, discord.TextChannel) else None
    if target is None:
        raise InvalidInput("Where should I post? Give a `channel`, or set an announcement channel with `/setup`.")
    require_can_post(target)
    return target
