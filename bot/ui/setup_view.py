"""What /setup shows: the current settings and a persistent reset button."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.checks import MANAGER_COMMANDS
from bot.domain.errors import NotAllowed
from bot.domain.guild_settings import GuildSettings
from bot.domain.timeparse import spoken_offsets
from bot.host import Interaction, services
from bot.ui.items import PersistentItem, number
from bot.ui.style import BRAND


def settings_embed(settings: GuildSettings, *, title: str = "Listening Tour settings") -> discord.Embed:
    embed = discord.Embed(title=title, colour=BRAND)
    role = f"<@&{settings.manager_role_id}>" if settings.manager_role_id else "not set (Manage Server only)"
    channel = f"<#{settings.announce_channel_id}>" if settings.announce_channel_id else "not set"
    embed.add_field(name="Manager role", value=role, inline=True)
    embed.add_field(name="Announcement channel", value=channel, inline=True)
    embed.add_field(
        name="Reminders",
        value=f"{spoken_offsets(settings.reminder_offsets)} before each meal (city's local time)",
        inline=False,
    )
    embed.add_field(name="Default seats per meal", value=str(settings.default_capacity), inline=True)
    if settings.manager_role_id:
        embed.add_field(name="One step only a server admin can do", value=integrations_hint(settings), inline=False)
    hint = "Change any value with /setup option:value."
    if not settings.configured:
        hint = "Set a manager role and an announcement channel to finish setting up. " + hint
    embed.set_footer(text=hint)
    return embed


def integrations_hint(settings: GuildSettings) -> str:
    """Discord shows the managers' commands only to members who may Manage Server until an admin lets the manager
    role use them; the bot can't do that for them."""
    commands = ", ".join(f"/{name}" for name in MANAGER_COMMANDS)
    return (
        f"Server Settings → Integrations → Listening Tour: add <@&{settings.manager_role_id}> to {commands}, so the "
        "team sees them (Discord shows them to members with Manage Server only, until then)."
    )


def settings_view(guild_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ResetSettingsButton(guild_id))
    return view


class ResetSettingsButton(PersistentItem[discord.ui.Button[Any]], template=r"lt:setup:reset:(?P<guild_id>\d+)"):
    """Puts reminders and default capacity back to their defaults (managers only)."""

    where = "setup reset button"
    managers_only = True

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Reset reminders & seats to defaults",
                style=discord.ButtonStyle.secondary,
                custom_id=f"lt:setup:reset:{guild_id}",
            )
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ResetSettingsButton:
        return cls(number(match, "guild_id"))

    async def act(self, interaction: Interaction) -> None:
        # The guild comes from the interaction; the id in custom_id only detects a stray click.
        if interaction.guild_id != self.guild_id:
            raise NotAllowed("This button belongs to another server's settings.")
        settings = await services(interaction).guild_setup.reset_defaults(interaction.guild_id, by=interaction.user.id)
        await interaction.edit_original_response(
            embed=settings_embed(settings, title="Settings reset to defaults"), view=settings_view(self.guild_id)
        )
