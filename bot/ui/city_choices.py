"""Autocomplete for every ``city`` option: ≤ 25 cities labelled "Portland, Oregon, US", valued by geonames id.

Pair it with ``CustomerService.resolve`` (or ``Gazetteer.resolve_option``), which accepts both a picked
choice and whatever the user typed without picking.
"""

from __future__ import annotations

from discord import app_commands

from bot.host import Interaction, services


async def city_choices(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    cities = services(interaction).customers.autocomplete(current)
    return [app_commands.Choice(name=city.label, value=city.option_value) for city in cities]
