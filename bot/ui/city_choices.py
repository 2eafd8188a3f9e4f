"""Autocomplete for every ``city`` option: ≤ 25 cities labelled "Portland, Oregon, US", valued by geonames id.

Pair it with ``CustomerService.resolve`` (or ``Gazetteer.resolve_option``), which accepts both a picked
choice and whatever the user typed without picking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.app import ListeningTourBot


async def city_choices(
    interaction: discord.Interaction[ListeningTourBot], current: str
) -> list[app_commands.Choice[str]]:
    cities = interaction.client.services.customers.autocomplete(current)
    return [app_commands.Choice(name=city.label, value=city.option_value) for city in cities]
