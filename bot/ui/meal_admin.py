"""Manager-side meal UI: the cancel confirmation."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.checks import require_manager
from bot.domain.errors import InvalidInput
from bot.errors import run_safely
from bot.invitations import progress_of
from bot.services.meals import MealState
from bot.ui.style import plural

if TYPE_CHECKING:
    from bot.app import ListeningTourBot


def cancel_prompt(state: MealState) -> tuple[str, discord.ui.View]:
    answered = sum(1 for r in state.rsvps if r.status.value != "declined")
    text = (
        f"Cancel **{state.meal.title}** (meal #{state.meal.id})? The post and the Discord event will say so, "
        f"and {plural(answered, 'person', 'people')} who answered will be told. This can't be undone."
    )
    view = discord.ui.View(timeout=None)
    view.add_item(CancelMealButton(state.meal.id))
    return text, view


class CancelMealButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"lt:meal:cancel:(?P<meal>\d+)"):
    def __init__(self, meal_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Yes, cancel the meal", style=discord.ButtonStyle.danger, custom_id=f"lt:meal:cancel:{meal_id}"
            )
        )
        self.meal_id = meal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CancelMealButton:
        return cls(int(match["meal"]))

    async def callback(self, interaction: discord.Interaction[ListeningTourBot]) -> None:  # type: ignore[override]
        await run_safely(interaction, lambda: self._confirm(interaction), "cancel meal button")

    async def _confirm(self, interaction: discord.Interaction[ListeningTourBot]) -> None:
        await require_manager(interaction)
        if interaction.guild is None:
            raise InvalidInput("Cancel meals from the server.")
        change = await interaction.client.services.meals.cancel(interaction.guild.id, self.meal_id)
        headline = f"Cancelled **{change.meal.title}** (meal #{change.meal.id})."
        await interaction.response.edit_message(content=headline, view=None)
        interaction.client.run_in_background(
            interaction.client.meal_posts.announce_change(
                interaction.guild, change, progress_of(interaction, headline)
            ),
            name=f"cancellation of meal {change.meal.id}",
        )
