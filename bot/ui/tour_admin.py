"""Manager-side tour UI: the cancel confirmation (cancelling a tour cancels its meals, with notices)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.checks import require_manager
from bot.domain.errors import InvalidInput
from bot.domain.tours import Tour
from bot.errors import run_safely
from bot.ui.style import plural

if TYPE_CHECKING:
    from bot.app import ListeningTourBot


def cancel_prompt(tour: Tour, meals: int) -> tuple[str, discord.ui.View]:
    consequence = (
        f" Its {plural(meals, 'published meal')} will be cancelled too, and everyone who answered will be told."
        if meals
        else ""
    )
    text = f"Cancel the tour **{tour.name}** (#{tour.id})?{consequence} This can't be undone."
    view = discord.ui.View(timeout=None)
    view.add_item(CancelTourButton(tour.id))
    return text, view


class CancelTourButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"lt:tour:cancel:(?P<tour>\d+)"):
    def __init__(self, tour_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Yes, cancel the tour", style=discord.ButtonStyle.danger, custom_id=f"lt:tour:cancel:{tour_id}"
            )
        )
        self.tour_id = tour_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CancelTourButton:
        return cls(int(match["tour"]))

    async def callback(self, interaction: discord.Interaction[ListeningTourBot]) -> None:  # type: ignore[override]
        await run_safely(interaction, lambda: self._confirm(interaction), "cancel tour button")

    async def _confirm(self, interaction: discord.Interaction[ListeningTourBot]) -> None:
        await require_manager(interaction)
        guild = interaction.guild
        if guild is None:
            raise InvalidInput("Cancel tours from the server.")
        bot = interaction.client
        tour, meal_ids = await bot.services.tours.cancel(guild.id, self.tour_id)  # the guild of the click
        await interaction.response.defer(ephemeral=True)
        told = 0
        for meal_id in meal_ids:
            if (await bot.services.meals.get(guild.id, meal_id)).cancelled:
                continue
            change = await bot.services.meals.cancel(guild.id, meal_id)
            await bot.meal_posts.announce_change(guild, change)
            told += len(change.notify)
        meals = f" and its {plural(len(meal_ids), 'meal')}; told {plural(told, 'person', 'people')}" if meal_ids else ""
        await interaction.edit_original_response(content=f"Cancelled the tour **{tour.name}**{meals}.", view=None)
