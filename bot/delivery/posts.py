"""Each meal's post and native Discord event, kept in step with the database by the outbox.

A sync is idempotent: it creates what is missing (the post, the event) and otherwise edits it to show the
meal as it is now, so running it twice (a retry, a restart) changes nothing more. Syncs of one meal are
coalesced in the outbox: a burst of a thousand RSVPs makes a handful of post edits.
"""

from __future__ import annotations

import logging

import discord

from bot.delivery.errors import MISSING_PERMISSIONS, Refused
from bot.domain.clock import Clock
from bot.domain.meals import Meal
from bot.domain.outbox import Via
from bot.services.meals import MealState
from bot.ui.meal_post import event_description, event_location, meal_embed
from bot.ui.rsvp import meal_view

log = logging.getLogger(__name__)

NO_EVENTS = "I couldn't create the Discord event: give me the Manage Events permission."
NO_POSTING = "I can't post in <#{channel}>: give me View Channel, Send Messages and Embed Links there."


class MealPosts:
    def __init__(self, client: discord.Client, clock: Clock) -> None:
        self._client = client
        self._clock = clock
        self.edits = 0  # post edits made (the burst benchmark counts them)
        self._names: dict[tuple[int, int], str | None] = {}  # (guild, member) → display name, looked up once

    async def sync_post(self, state: MealState, *, nonce: str) -> tuple[Via, tuple[int, int] | None]:
        """Create the meal's post, or edit it to the current counts. Returns how, and the new post's
        (channel id, message id) when it was created."""
        meal = state.meal
        if meal.channel_id is None:
            raise Refused("This meal has no channel to be posted in.")
        channel = self._client.get_partial_messageable(meal.channel_id, guild_id=meal.guild_id)
        embed = meal_embed(state, host_name=await self._name(meal.guild_id, meal.host_id))
        view = meal_view(meal, self._clock(), full=state.headcount.seats_left == 0)
        try:
            if meal.message_id is None:
                message = await channel.send(embed=embed, view=view, nonce=nonce)
                return Via.POST, (message.channel.id, message.id)
            await channel.get_partial_message(meal.message_id).edit(embed=embed, view=view)
        except discord.Forbidden as error:
            raise Refused(NO_POSTING.format(channel=meal.channel_id)) from error
        except discord.NotFound:
            log.warning("the post of meal %s (or its channel) is gone; RSVPs keep working from DMs", meal.id)
            return Via.NONE, None
        self.edits += 1
        return Via.POST, None

    async def _name(self, guild_id: int, user_id: int) -> str | None:
        """The host's name for the post, asked of Discord once per process (no members intent, so no cache)."""
        key = (guild_id, user_id)
        if key not in self._names:
            guild = self._client.get_guild(guild_id)
            member = guild.get_member(user_id) if guild else None
            if member is None and guild is not None:
                try:
                    member = await guild.fetch_member(user_id)
                except discord.HTTPException as error:  # left the server, or Discord is slow: the mention will do
                    log.info("no name for host %s: %s", user_id, error)
            self._names[key] = member.display_name if member else None
        return self._names[key]

    async def sync_event(self, meal: Meal) -> tuple[Via, int | None]:
        """Create the meal's Discord event, or make it follow the meal: cancelled → cancel it (or end it, if it
        is already running); otherwise its name, times and place (a running event's start can't move).
        Returns how, and the new event's id when it was created."""
        guild = self._client.get_guild(meal.guild_id)
        if guild is None:
            raise Refused("I'm no longer on that server.")
        try:
            if meal.event_id is None:
                event = await guild.create_scheduled_event(
                    name=meal.title,
                    start_time=meal.starts_at,
                    end_time=meal.ends_at,
                    entity_type=discord.EntityType.external,
                    privacy_level=discord.PrivacyLevel.guild_only,
                    location=event_location(meal),
                    description=event_description(meal),
                )
                return Via.EVENT, event.id
            await self._follow(meal, guild)
        except discord.Forbidden as error:
            if error.code in (0, MISSING_PERMISSIONS):
                raise Refused(NO_EVENTS) from error
            raise
        return Via.EVENT, None

    async def _follow(self, meal: Meal, guild: discord.Guild) -> None:
        assert meal.event_id is not None
        try:
            event = guild.get_scheduled_event(meal.event_id) or await guild.fetch_scheduled_event(meal.event_id)
        except discord.NotFound:
            log.warning("the Discord event of meal %s was deleted", meal.id)
            return
        running = event.status is discord.EventStatus.active
        if meal.cancelled:
            if event.status in (discord.EventStatus.scheduled, discord.EventStatus.active):
                await (event.end() if running else event.cancel())
        elif running:
            await event.edit(name=meal.title, end_time=meal.ends_at, location=event_location(meal))
        elif event.status is discord.EventStatus.scheduled:
            await event.edit(
                name=meal.title, start_time=meal.starts_at, end_time=meal.ends_at, location=event_location(meal)
            )
