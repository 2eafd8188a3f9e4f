"""Paginated embeds for long lists, shown to one person (ephemeral) with Previous/Next buttons.

Two kinds: :class:`PageView` keeps its pages in memory (for a one-off answer such as an itinerary with its
map; it stops after ten minutes), and :class:`ListPageButton` subclasses rebuild their list on each click
from what the custom_id names (``lt:<list>:page:<key>:<page>``), so they keep working after a restart and
after any time — the lists managers come back to (/meal attendees, /tour list).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import discord

from bot.domain.errors import NotAllowed
from bot.errors import run_safely
from bot.host import Interaction
from bot.ui.items import PersistentItem, number
from bot.ui.style import BRAND

PAGE_TIMEOUT = 600.0
DESCRIPTION_LIMIT = 4000  # Discord allows 4096; leave room for the page marker
MAX_PAGE = 10_000


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
        for number_, embed in enumerate(embeds, start=1):
            embed.set_footer(text=f"Page {number_} of {len(embeds)}")
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


class ListPageButton(PersistentItem[discord.ui.Button[Any]], template=r"(?!)"):
    """Previous or Next of a list that is rebuilt on every click. Subclasses set ``list_name`` and a template
    ``lt:<list_name>:page:(?P<key>\\d+):(?P<page>\\d+)``, and build the list in :meth:`lines`."""

    list_name: ClassVar[str] = ""
    managers_only = True

    def __init__(self, key: int, page: int, *, label: str = "Page", disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"lt:{self.list_name}:page:{key}:{page}",
                disabled=disabled,
            )
        )
        self.key, self.page = key, page
        self.where = f"{self.list_name} page"

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ListPageButton:
        return cls(number(match, "key"), min(number(match, "page"), MAX_PAGE))

    async def lines(self, interaction: Interaction) -> tuple[str, list[str]]:
        """The list's title and lines, read afresh (for the clicking guild)."""
        raise NotImplementedError

    async def act(self, interaction: Interaction) -> None:
        title, lines = await self.lines(interaction)
        pages = paginate(title, lines)
        page = min(self.page, len(pages) - 1)
        view = list_view(type(self), self.key, page, len(pages))
        await interaction.edit_original_response(embed=pages[page], view=view)


def list_view(button: type[ListPageButton], key: int, page: int, pages: int) -> discord.ui.View | None:
    """Previous/Next for page ``page`` (0-based) of ``pages``; None when it all fits on one."""
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(button(key, max(page - 1, 0), label="Previous", disabled=page <= 0))
    view.add_item(button(key, min(page + 1, pages - 1), label="Next", disabled=page >= pages - 1))
    return view
