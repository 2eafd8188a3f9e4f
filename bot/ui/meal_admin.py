"""Manager-side meal UI: the cancel confirmation, and the reply that follows a change's notices."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.checks import require_manager
from bot.domain.errors import InvalidInput
from bot.domain.outbox import JobProgress, Kind
from bot.errors import run_safely
from bot.host import Interaction, services
from bot.services.meals import MealState
from bot.ui.progress import Render, in_reply, notices_line
from bot.ui.style import plural


def cancel_prompt(state: MealState) -> tuple[str, discord.ui.View]:
    answered = sum(1 for r in state.rsvps if r.status.value != "declined")
    text = (
        f"Cancel **{state.meal.title}** (meal #{state.meal.id})? The post and the Discord event will say so, "
        f"and {plural(answered, 'person', 'people')} who answered will be told. This can't be undone."
    )
    view = discord.ui.View(timeout=None)
    view.add_item(CancelMealButton(state.meal.id))
    return text, view


def change_reply(headline: str) -> Render:
    """The reply to /meal edit or a cancel: the headline, then how the telling goes."""

    async def render(progress: JobProgress) -> str:
        line = notices_line(progress, Kind.MEAL_CHANGED) or notices_line(progress, Kind.MEAL_CANCELLED)
        return f"{headline} {line}".rstrip()

    return render


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

    async def callback(self, interaction: Interaction) -> None:
        await run_safely(interaction, lambda: self._confirm(interaction), "cancel meal button")

    async def _confirm(self, interaction: Interaction) -> None:
        await require_manager(interaction)
        if interaction.guild is None:
            raise InvalidInput("Cancel meals from the server.")
        delivery = services(interaction).delivery
        change = await services(interaction).meals.cancel(
            interaction.guild.id, self.meal_id, job=delivery.new_job("meal-cancel")
        )
        headline = f"Cancelled **{change.meal.title}** (meal #{change.meal.id})."
        await interaction.response.edit_message(content=headline, view=None)
        if change.job is not None:
            await delivery.follow(change.job, in_reply(interaction, change_reply(headline)))
