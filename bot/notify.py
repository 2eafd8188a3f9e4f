"""Direct messages with a private fallback.

When a DM cannot be delivered (closed DMs, 50007 — recorded — or, for time-critical messages, any
error), the person is mentioned in the meal's channel with a neutral line and a **Show** button that
reveals the message to them alone: the channel never learns that someone is going, waiting or was
invited because they live nearby.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

import discord

from bot.ui.notes import note_view
from bot.ui.rsvp import MealButtons, dm_view

if TYPE_CHECKING:
    from bot.app import ListeningTourBot

log = logging.getLogger(__name__)

CANNOT_DM = 50007
MENTIONS_PER_MESSAGE = 50  # well under Discord's 100 allowed mentions and 2,000 characters


class Delivery(StrEnum):
    DM = "dm"
    CHANNEL = "channel"
    FAILED = "failed"


class Messenger:
    def __init__(self, bot: ListeningTourBot) -> None:
        self._bot = bot

    async def dm(
        self,
        *,
        guild_id: int,
        user_id: int,
        purpose: str,
        content: str,
        buttons: MealButtons | None = None,
        fallback_channel_id: int | None = None,
        fallback_on_any_error: bool = False,
    ) -> Delivery:
        """DM someone. Closed DMs fall back to the channel (if given); other HTTP errors propagate so
        callers that retry (reminders) can, unless ``fallback_on_any_error`` (seat offers can't wait)."""
        view = dm_view(buttons.meal_id, buttons.actions, for_user=user_id) if buttons else None
        try:
            channel = await self._bot.create_dm(discord.Object(id=user_id))
            await channel.send(content, view=view or discord.ui.View())
        except discord.HTTPException as error:
            closed = isinstance(error, discord.Forbidden) and error.code == CANNOT_DM
            if not (closed or fallback_on_any_error):
                raise
            log.info("DM to %s for %s failed (%s %s)", user_id, purpose, error.status, error.code)
            if closed:
                await self._bot.services.reminders.record_dm_failure(guild_id, user_id, error.code, purpose)
            if fallback_channel_id is None:
                return Delivery.FAILED
            await self.leave_notes(guild_id, fallback_channel_id, [user_id], content, buttons)
            return Delivery.CHANNEL
        return Delivery.DM

    async def leave_notes(
        self,
        guild_id: int,
        channel_id: int,
        user_ids: Sequence[int],
        content: str,
        buttons: MealButtons | None = None,
    ) -> None:
        """Mention people (in groups) with a Show button that reveals ``content`` only to them."""
        channel = self._bot.get_partial_messageable(channel_id, guild_id=guild_id)
        for start in range(0, len(user_ids), MENTIONS_PER_MESSAGE):
            group = list(user_ids[start : start + MENTIONS_PER_MESSAGE])
            note_id = await self._bot.services.notes.leave(
                guild_id,
                group,
                content,
                meal_id=buttons.meal_id if buttons else None,
                actions=buttons.actions if buttons else (),
            )
            mentions = " ".join(f"<@{user_id}>" for user_id in group)
            await channel.send(
                f"{mentions} I couldn't send you a direct message. "
                "Press **Show** to read it here; only you will see it.",
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(id=u) for u in group]),
                view=note_view(note_id),
            )
