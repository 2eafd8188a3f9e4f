"""Manager-side tour UI: the cancel confirmation (cancelling a tour cancels its meals, with notices), and the
list of tours (pages that keep working after a restart)."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.domain.outbox import JobProgress, Kind
from bot.domain.tours import Tour
from bot.host import Interaction, services
from bot.ui.items import PersistentItem, number
from bot.ui.pages import ListPageButton
from bot.ui.progress import in_reply, notices_line
from bot.ui.style import plural
from bot.ui.tour_views import tour_line


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


class CancelTourButton(PersistentItem[discord.ui.Button[Any]], template=r"lt:tour:cancel:(?P<tour>\d+)"):
    where = "cancel tour button"
    managers_only = True

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
        return cls(number(match, "tour"))

    async def act(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None  # in_server_only
        # One transaction cancels the tour, its meals and queues every notice; the outbox sends them.
        cancelled = await services(interaction).tours.cancel(interaction.guild_id, self.tour_id)
        meals = f" and its {plural(cancelled.meals, 'meal')}" if cancelled.meals else ""
        headline = f"Cancelled the tour **{cancelled.tour.name}**{meals}."
        await interaction.edit_original_response(content=headline, view=None)

        async def render(progress: JobProgress) -> str:
            return f"{headline} {notices_line(progress, Kind.MEAL_CANCELLED)}".rstrip()

        await services(interaction).delivery.follow(cancelled.job, in_reply(interaction, render))


class ToursPageButton(ListPageButton, template=r"lt:tours:page:(?P<key>\d+):(?P<page>\d+)"):
    list_name = "tours"

    async def lines(self, interaction: Interaction) -> tuple[str, list[str]]:
        assert interaction.guild_id is not None  # in_server_only
        return "Tours", await tour_lines(interaction, interaction.guild_id)


async def tour_lines(interaction: Interaction, guild_id: int) -> list[str]:
    tours = await services(interaction).tours.in_guild(guild_id, limit=100)
    return [tour_line(tour) for tour in tours] or ["No tours yet: create one with `/tour new`."]
