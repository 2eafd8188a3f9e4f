"""/help: a short task flow of what the caller may use here, with commands to click."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import ListeningTourBot
from bot.checks import member_is_manager
from bot.host import command
from bot.ui.help import help_embed


class HelpCog(commands.Cog):
    def __init__(self, bot: ListeningTourBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What you can do with Listening Tour here")
    async def help_command(self, interaction: discord.Interaction[ListeningTourBot]) -> None:
        manager = await member_is_manager(interaction)
        embed = help_embed(lambda name: command(interaction, name), manager=manager)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: ListeningTourBot) -> None:
    await bot.add_cog(HelpCog(bot))
