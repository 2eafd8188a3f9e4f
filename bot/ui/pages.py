"""Paginated embeds for long lists, shown to one person (ephemeral) with Previous/Next buttons."""

from __future__ import annotations

from typing import Any

import discord

from bot.domain.errors import NotAllowed
from bot.errors import run_safely
from bot.ui.style import BRAND

PAGE_TIMEOUT = 600.0
DESCRIPTION_LIMIT = 4000  # Discord allows 4096; leave room for the page marker


def paginate(
    title: str, lines: list[str], *, per_page: int = 15, colour: discord.Colour = BRAND
) -> list[discord.Embed]:
    """Split lines into embeds of at most ``per_page`` lines and DESCRIPTION_LIMIT characters each."""
    pages: list[list[str]] = [[]]
    for line in lines or ["(nobody yet)"]:
        current = pages[-1]
        if len(current) >= per_page or len("\n".join([*current, line])) > DESCRIPTION_LIMIT:
            pages.append(current := [])
        current.append(line[:DESCRIPTION_LIMIT])
    embeds = [discord.Embed(title=title, description="\n".join(page), colour=colour) for page in pages]
    if len(embeds) > 1:
        for number, embed in enumerate(embeds, start=1):
            embed.set_footer(text=f"Page {number} of {len(embeds)}")
    return embeds


class PageView(discord.ui.View):
    """Previous/Next over a list of embeds; only the person who asked can turn the pages."""

    def __init__(self, pages: list[discord.Embed], owner_id: int) -> None:
        super().__init__(timeout=PAGE_TIMEOUT)
        self.pages = pages
        self.owner_id = owner_id
        self.index = 0
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def _turn(self, interaction: discord.Interaction[Any], step: int) -> None:
        if interaction.user.id != self.owner_id:
            raise NotAllowed("These pages belong to someone else; run the command yourself.")
        self.index = max(0, min(len(self.pages) - 1, self.index + step))
        self._sync()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        await run_safely(interaction, lambda: self._turn(interaction, -1), "previous page")

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        await run_safely(interaction, lambda: self._turn(interaction, 1), "next page")


def page_view(pages: list[discord.Embed], owner_id: int) -> discord.ui.View | None:
    """The buttons, or None when everything fits on one page."""
    return PageView(pages, owner_id) if len(pages) > 1 else None
