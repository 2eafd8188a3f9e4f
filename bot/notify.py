"""Direct messages with a fallback: a closed inbox (50007) is recorded and the person is reached in the
meal's channel instead, with a mention that pings only them."""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from bot.app import ListeningTourBot

log = logging.getLogger(__name__)

CANNOT_DM = 50007


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
        view: discord.ui.View | None = None,
        fallback_channel_id: int | None = None,
    ) -> Delivery:
        """DM someone; other HTTP errors propagate so callers that retry (reminders) can."""
        channel = await self._bot.create_dm(discord.Object(id=user_id))
        try:
            await channel.send(content, view=view or discord.ui.View())
        except discord.Forbidden as error:
            if error.code != CANNOT_DM:
                raise
            log.info("DM to %s refused (%s) for %s", user_id, error.code, purpose)
            await self._bot.services.reminders.record_dm_failure(guild_id, user_id, error.code, purpose)
            if fallback_channel_id is None:
                return Delivery.FAILED
            fallback = self._bot.get_partial_messageable(fallback_channel_id, guild_id=guild_id)
            await fallback.send(
                f"<@{user_id}> {content}",
                allowed_mentions=discord.AllowedMentions(users=[discord.Object(id=user_id)]),
                view=view or discord.ui.View(),
            )
            return Delivery.CHANNEL
        return Delivery.DM
