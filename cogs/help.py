"""/help: what the caller may use here."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import ListeningTourBot
from bot.checks import MANAGER_EXTRA, member_is_manager
from bot.ui.help import help_embed


class HelpCog(commands.Cog):
    def __init__(self, bot: ListeningTourBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What you can do with Listening Tour here")
    async def help_command(self, interaction: discord.Interaction[ListeningTourBot]) -> None:
        manager = await member_is_manager(interaction)
        entries = [
            (f"/{command.qualified_name}", command.description, bool(_is_manager_only(command)))
            for command in _walk(self.bot.tree.get_commands())
        ]
        await interaction.response.send_message(embed=help_embed(entries, manager=manager), ephemeral=True)


def _walk(
    items: list[app_commands.Command | app_commands.Group | app_commands.ContextMenu],  # type: ignore[type-arg]
) -> list[app_commands.Command]:  # type: ignore[type-arg]
    found = []
    for item in items:
        if isinstance(item, app_commands.Group):
            found.extend(_walk(list(item.commands)))
        elif isinstance(item, app_commands.Command):
            found.append(item)
    return sorted(found, key=lambda c: c.qualified_name)


def _is_manager_only(command: app_commands.Command) -> bool:  # type: ignore[type-arg]
    # A group marked manager-only makes all its subcommands manager-only.
    node: app_commands.Command | app_commands.Group | None = command  # type: ignore[type-arg]
    while node is not None:
        if node.extras.get(MANAGER_EXTRA):
            return True
        node = node.parent
    return False


async def setup(bot: ListeningTourBot) -> None:
    await bot.add_cog(HelpCog(bot))
