"""/status: what the bot is doing for this server — uptime, deliveries, failures (retryable), the next
reminder, the database's size."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import ListeningTourBot
from bot.checks import manager_only
from bot.ui.status import STATUS_ITEMS, status_embed, status_view


class StatusCog(commands.Cog):
    def __init__(self, bot: ListeningTourBot) -> None:
        self.bot = bot

    @manager_only
    @app_commands.default_permissions(manage_guild=True)  # a default only: manager_only decides
    @app_commands.command(name="status", description="What Listening Tour is sending, what failed, and its health")
    @app_commands.guild_only()
    async def status(self, interaction: discord.Interaction[ListeningTourBot]) -> None:
        assert interaction.guild_id is not None  # guild_only
        status = await self.bot.services.delivery.status(interaction.guild_id)
        embed = status_embed(status, started_at=self.bot.started_at, now=self.bot.clock())
        view = status_view(interaction.guild_id, status.summary.failed)
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


async def setup(bot: ListeningTourBot) -> None:
    bot.add_dynamic_items(*STATUS_ITEMS)
    await bot.add_cog(StatusCog(bot))


async def teardown(bot: ListeningTourBot) -> None:
    bot.remove_dynamic_items(*STATUS_ITEMS)
