"""Autocomplete of a server's meals, for managers only (discord.py runs no checks before autocomplete)."""

from __future__ import annotations

from discord import app_commands

from bot.checks import member_is_manager
from bot.domain.meals import Meal
from bot.host import Interaction, services


def meal_choice_list(meals: list[Meal], current: str) -> list[app_commands.Choice[int]]:
    """ "#4 Lunch in Toronto · Fri 02 Jan 12:00" for each meal whose label holds what was typed (25 at most)."""
    typed = current.casefold().strip().lstrip("#")
    choices = []
    for meal in meals:
        label = f"#{meal.id} {meal.title} · {meal.local(meal.starts_at):%a %d %b %H:%M}" + (
            " (cancelled)" if meal.cancelled else ""
        )
        if typed in label.casefold():
            choices.append(app_commands.Choice(name=label[:100], value=meal.id))
    return choices[:25]


async def recent_meal_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
    """The last 100 meals, newest first: where an insight may have been heard."""
    if interaction.guild_id is None or not await member_is_manager(interaction):
        return []
    return meal_choice_list(await services(interaction).meals.recent(interaction.guild_id, limit=100), current)
