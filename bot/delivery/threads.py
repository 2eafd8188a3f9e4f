"""A city's thread (/setup city_threads): opened in the meal's channel when a meal there is published, found
again for the next one; customers of the city who turned introductions on are added and introduced."""

from __future__ import annotations

import logging

import discord

from bot.delivery.errors import Refused
from bot.domain.meals import Meal
from bot.services.networking_messages import CityThread
from bot.ui.messages import city_thread_text

log = logging.getLogger(__name__)

NO_THREADS = (
    "I can't open the city thread in <#{channel}>: give me Create Public Threads and Send Messages in Threads "
    "there, or turn city threads off in /setup."
)


class CityThreads:
    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def sync(self, meal: Meal, city: CityThread, *, nonce: str) -> tuple[int, list[int]]:
        """Open or find the thread, add the newcomers, post the meal's note. Returns the thread's id and the
        people added (someone who left the server meanwhile is not)."""
        if meal.channel_id is None:
            raise Refused("This meal has no channel for its city thread.")
        try:
            thread = await self._find(city.thread_id) or await self._open(meal)
            added = [note.user_id for note in city.newcomers if await _add(thread, note.user_id)]
            await thread.send(
                city_thread_text(meal, city, added), allowed_mentions=discord.AllowedMentions.none(), nonce=nonce
            )
        except discord.Forbidden as error:
            raise Refused(NO_THREADS.format(channel=meal.channel_id)) from error
        return thread.id, added

    async def _find(self, thread_id: int | None) -> discord.Thread | None:
        if thread_id is None:
            return None
        try:
            channel = self._client.get_channel(thread_id) or await self._client.fetch_channel(thread_id)
        except discord.NotFound:
            log.info("city thread %s is gone; opening a new one", thread_id)
            return None
        if not isinstance(channel, discord.Thread):
            return None
        if channel.archived:
            await channel.edit(archived=False)
        return channel

    async def _open(self, meal: Meal) -> discord.Thread:
        assert meal.channel_id is not None
        parent = self._client.get_channel(meal.channel_id) or await self._client.fetch_channel(meal.channel_id)
        if not isinstance(parent, discord.TextChannel):
            raise Refused(f"<#{meal.channel_id}> can't hold threads; choose a text channel in /setup.")
        return await parent.create_thread(
            name=f"📍 {meal.place.city}",
            type=discord.ChannelType.public_thread,
            auto_archive_duration=10080,  # a week, the longest Discord offers; a new meal's note brings it back
        )


async def _add(thread: discord.Thread, user_id: int) -> bool:
    try:
        await thread.add_user(discord.Object(id=user_id))
    except discord.NotFound:  # left the server
        return False
    return True
