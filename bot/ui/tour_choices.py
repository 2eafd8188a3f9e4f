"""Autocomplete of a server's tours, for managers only (discord.py runs no checks before autocomplete)."""

from __future__ import annotations

from discord import app_commands

from bot.checks import member_is_manager
from bot.host import Interaction, services


async def tour_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
    if interaction.guild_id is None or not await member_is_manager(interaction):
        return []  # tour names are the managers' to list
    typed = current.casefold().strip().lstrip("#")
    tours = await services(interaction).tours.in_guild(interaction.guild_id, limit=100)
    choices = []
    for tour in tours:
        label = f"#{tour.id} {tour.name} · {tour.first_day:%d %b %Y} · {tour.status.value}"
        if typed in label.casefold():
            choices.append(app_commands.Choice(name=label[:100], value=tour.id))
    return choices[:25]
