"""Manager-side tour UI: the cancel confirmation (cancelling a tour cancels its meals, with notices)."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.checks import require_manager
from bot.domain.errors import InvalidInput
from bot.domain.outbox import JobProgress, Kind
from bot.domain.tours import Tour
from bot.errors import run_safely
from bot.host import Interaction, services
from bot.ui.progress import in_reply, notices_line
from bot.ui.style import plural


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

    async def callback(self, interaction: Interaction) -> None:
        await run_safely(interaction, lambda: self._confirm(interaction), "cancel tour button")

    async def _confirm(self, interaction: Interaction) -> None:
        await require_manager(interaction)
        if interaction.guild is None:
            raise InvalidInput("Cancel tours from the server.")
        # One transaction cancels the tour, its meals and queues every notice; the outbox sends them.
        cancelled = await services(interaction).tours.cancel(interaction.guild.id, self.tour_id)
        meals = f" and its {plural(cancelled.meals, 'meal')}" if cancelled.meals else ""
        headline = f"Cancelled the tour **{cancelled.tour.name}**{meals}."
        await interaction.response.edit_message(content=headline, view=None)

        async def render(progress: JobProgress) -> str:
            return f"{headline} {notices_line(progress, Kind.MEAL_CANCELLED)}".rstrip()

        await services(interaction).delivery.follow(cancelled.job, in_reply(interaction, render))
