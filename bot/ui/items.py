"""One policy for every persistent button and select, whose custom_id reads ``lt:<feature>:<action>:<id>…``:

* the guild is the interaction's, never the custom_id's; a button made for one person refuses anyone else;
  a manager's button checks the clicker every time (a role can be taken away);
* it answers Discord before it does any work — a deferred update of the message it sits on, or a deferred
  ephemeral reply — so a write waiting its turn behind a burst of clicks never misses Discord's 3-second
  limit;
* every error reaches the clicker as an ephemeral message (``bot.errors.run_safely``), and a number too large
  to be one of ours (a garbled or forged custom_id) is refused plainly instead of failing deep inside.

Subclasses set the class attributes and implement :meth:`act`.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, ClassVar, TypeVar

import discord

from bot.checks import require_manager
from bot.domain.errors import NotAllowed
from bot.errors import run_safely
from bot.host import Interaction

MAX_ID = 2**63 - 1  # Discord snowflakes and our row ids fit in a signed 64-bit integer
ItemT_co = TypeVar("ItemT_co", bound=discord.ui.Item[Any], covariant=True)


class Answer(Enum):
    UPDATE = "update"  # acknowledge now; act() edits the message with interaction.edit_original_response
    REPLY = "reply"  # acknowledge now with "thinking…"; act() answers with followup or edit_original_response
    SELF = "self"  # act() answers itself at once: a modal (nothing may be written before it) or a quick read


def safe_id(text: str | None) -> int:
    """A number from a custom_id, or 0 (never a real id) when it is missing or too large to be ours."""
    if not text:
        return 0
    number = int(text)
    return number if number <= MAX_ID else 0


class PersistentItem(discord.ui.DynamicItem[ItemT_co], template=r"(?!)"):
    where: str = "a button"  # for the error log (an instance may say more)
    answer: ClassVar[Answer] = Answer.UPDATE
    managers_only: ClassVar[bool] = False
    in_server_only: ClassVar[bool] = True
    not_yours: ClassVar[str] = "This button belongs to someone else; use your own."

    owner_id: int | None = None  # set by items that belong to one person

    async def callback(self, interaction: Interaction) -> None:
        await run_safely(interaction, lambda: self._answer(interaction), self.where)

    async def _answer(self, interaction: Interaction) -> None:
        if self.in_server_only and interaction.guild_id is None:
            raise NotAllowed("That only works inside a server, not in DMs.")
        if self.owner_id is not None and interaction.user.id != self.owner_id:
            raise NotAllowed(self.not_yours)
        if self.managers_only:
            await require_manager(interaction)
        if self.answer is Answer.UPDATE:
            await interaction.response.defer()
        elif self.answer is Answer.REPLY:
            await interaction.response.defer(ephemeral=True, thinking=True)
        await self.act(interaction)

    async def act(self, interaction: Interaction) -> None:
        raise NotImplementedError


def number(match: re.Match[str], name: str) -> int:
    """A named number of a custom_id's match, made safe (see :func:`safe_id`)."""
    return safe_id(match[name])
