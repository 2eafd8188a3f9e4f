"""What /setup shows: the current settings and a persistent reset button."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.checks import require_manager
from bot.domain.errors import NotAllowed
from bot.domain.guild_settings import GuildSettings
from bot.domain.timeparse import format_offsets
from bot.errors import run_safely
from bot.host import Interaction, services
from bot.ui.style import BRAND


def settings_embed(settings: GuildSettings, *, title: str = "Listening Tour settings") -> discord.Embed:
    embed = discord.Embed(title=title, colour=BRAND)
    role = f"<@&{settings.manager_role_id}>" if settings.manager_role_id else "not set (Manage Server only)"
    channel = f"<#{settings.announce_channel_id}>" if settings.announce_channel_id else "not set"
    embed.add_field(name="Manager role", value=role, inline=True)
    embed.add_field(name="Announcement channel", value=channel, inline=True)
    embed.add_field(
        name="Reminders",
        value=f"{format_offsets(settings.reminder_offsets)} before each meal (city's local time)",
        inline=False,
    )
    embed.add_field(name="Default seats per meal", value=str(settings.default_capacity), inline=True)
    hint = "Change any value with /setup option:value."
    if not settings.configured:
        hint = "Set a manager role and an announcement channel to finish setting up. " + hint
    embed.set_footer(text=hint)
    return embed


def settings_view(guild_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ResetSettingsButton(guild_id))
    return view


class ResetSettingsButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"lt:setup:reset:(?P<guild_id>\d+)"):
    """Puts reminders and default capacity back to their defaults (managers only)."""

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
        return cls(int(match["guild_id"]))

    async def callback(self, interaction: Interaction) -> None:
        await run_safely(interaction, lambda: self._reset(interaction), "setup reset button")

    async def _reset(self, interaction: Interaction) -> None:
        # The guild comes from the interaction; the id in custom_id only detects a stray click.
        if interaction.guild_id is None or interaction.guild_id != self.guild_id:
            raise NotAllowed("This button belongs to another server's settings.")
        await require_manager(interaction)
        settings = await services(interaction).guild_setup.reset_defaults(
            interaction.guild_id, by=interaction.user.id
        )
        await interaction.response.edit_message(
            embed=settings_embed(settings, title="Settings reset to defaults"), view=settings_view(self.guild_id)
        )
