"""The Show button on a channel fallback: reveals an undelivered DM to its recipients only."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.host import Interaction, services
from bot.ui.dm_buttons import dm_view
from bot.ui.items import Answer, PersistentItem, number


def note_view(note_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ShowNoteButton(note_id))
    return view


class ShowNoteButton(PersistentItem[discord.ui.Button[Any]], template=r"lt:note:show:(?P<note>\d+)"):
    """Reveals an undelivered DM to its recipients only (a quick read: it answers at once)."""

    where = "show note button"
    answer = Answer.SELF

    def __init__(self, note_id: int) -> None:
        super().__init__(
            discord.ui.Button(label="Show", style=discord.ButtonStyle.primary, custom_id=f"lt:note:show:{note_id}")
        )
        self.note_id = note_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ShowNoteButton:
        return cls(number(match, "note"))

    async def act(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None  # in_server_only
        note = await services(interaction).notes.read(self.note_id, interaction.guild_id, interaction.user.id)
        if note.meal_id is not None and note.actions:
            view = dm_view(note.meal_id, note.actions, for_user=interaction.user.id)
            await interaction.response.send_message(note.content, view=view, ephemeral=True)
        else:
            await interaction.response.send_message(note.content, ephemeral=True)
