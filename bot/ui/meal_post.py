"""How a meal looks in Discord (the post's embed and buttons) and keeping the post and the native
scheduled event in step with the database."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.domain.meals import Meal
from bot.errors import contained
from bot.invitations import Progress, send_paced
from bot.services.meals import MealChange, MealState
from bot.ui.rsvp import MealButtons, meal_view, send_offers, when_line
from bot.ui.style import BRAND, plural

if TYPE_CHECKING:
    from bot.app import ListeningTourBot

log = logging.getLogger(__name__)

CANCELLED_COLOUR = discord.Colour.dark_grey()


def when_text(meal: Meal) -> str:
    """Discord timestamps (shown in each reader's own timezone) plus the city's wall time."""
    start, end = meal.local(meal.starts_at), meal.local(meal.ends_at)
    return (
        f"{discord.utils.format_dt(meal.starts_at, 'F')} ({discord.utils.format_dt(meal.starts_at, 'R')})\n"
        f"Local time in {meal.place.city}: {start:%a %d %b, %H:%M}–{end:%H:%M} {start:%Z}"
    )


def seats_text(state: MealState) -> str:
    count = state.headcount
    if state.meal.cancelled:
        return "—"
    waiting = f" · {count.waitlisted} waiting" if count.waitlisted else ""
    if count.seats_left == 0:
        return f"Full ({count.capacity} seats){waiting}"
    return f"{count.seats_left} of {count.capacity} left{waiting}"


def meal_embed(state: MealState) -> discord.Embed:
    meal, count = state.meal, state.headcount
    title = meal.title + (" — cancelled" if meal.cancelled else "")
    embed = discord.Embed(title=title, colour=CANCELLED_COLOUR if meal.cancelled else BRAND)
    embed.description = when_text(meal)
    embed.add_field(name="Where", value=f"{meal.venue or 'Venue to be announced'}\n{meal.place.label}", inline=True)
    embed.add_field(name="Seats", value=seats_text(state), inline=True)
    embed.add_field(name="Host", value=f"<@{meal.host_id}>", inline=True)
    embed.add_field(name="Going (with guests)", value=str(count.going + count.offered), inline=True)
    embed.add_field(name="Maybe", value=str(count.maybe), inline=True)
    if meal.rsvp_cutoff is not None and not meal.cancelled:
        embed.add_field(name="RSVP by", value=discord.utils.format_dt(meal.rsvp_cutoff, "f"), inline=True)
    if meal.cancelled:
        embed.set_footer(text=f"Meal #{meal.id} · This meal was cancelled.")
    else:
        embed.set_footer(text=f"Meal #{meal.id} · We'll ask: “{meal.question}” · Change your answer any time.")
    return embed


class MealPosts:
    """Keeps each meal's post and Discord event in step with the database.

    Post edits are coalesced per meal: while one edit is in flight, further changes only mark the meal
    dirty, and the in-flight editor makes one more edit with the latest counts when it is done. A burst of
    a thousand clicks therefore costs a handful of edits, paced by Discord's own answers (discord.py waits
    out the rate limit), instead of a thousand.
    """

    def __init__(self, bot: ListeningTourBot) -> None:
        self._bot = bot
        self._editing: set[int] = set()
        self._dirty: set[int] = set()
        self.edits = 0  # post edits made, for the burst benchmark

    async def publish(self, meal: Meal, channel: discord.abc.Messageable) -> discord.Message:
        state = await self._bot.services.meals.state(meal.guild_id, meal.id)
        message = await channel.send(embed=meal_embed(state), view=meal_view(meal, self._bot.clock()))
        await self._bot.services.meals.attach_post(meal.id, message.channel.id, message.id)
        return message

    async def changed(self, guild_id: int, meal_id: int) -> None:
        """A meal's RSVPs changed: update its post (coalesced) and let reminders and offers be planned."""
        await self._bot.housekeeper.poke()
        if meal_id in self._editing:
            self._dirty.add(meal_id)  # the editor in flight will pick the latest state up
            return
        self._editing.add(meal_id)
        try:
            while True:
                self._dirty.discard(meal_id)
                await self.refresh(guild_id, meal_id)
                if meal_id not in self._dirty:
                    break
        finally:
            self._editing.discard(meal_id)

    async def refresh(self, guild_id: int, meal_id: int) -> None:
        state = await self._bot.services.meals.state(guild_id, meal_id)
        meal = state.meal
        if meal.channel_id is None or meal.message_id is None:
            return
        message = self._bot.get_partial_messageable(meal.channel_id, guild_id=guild_id).get_partial_message(
            meal.message_id
        )
        try:
            await message.edit(embed=meal_embed(state), view=meal_view(meal, self._bot.clock()))
            self.edits += 1
        except discord.NotFound:
            log.warning("the post of meal %s was deleted; RSVPs keep working from DMs and the event", meal_id)

    async def announce_change(self, guild: discord.Guild, change: MealChange, report: Progress | None = None) -> None:
        """After /meal edit or cancel: post, event and freed seats at once, then everyone who answered is
        told, paced (``report`` receives progress lines for the manager's reply)."""
        meal = change.meal
        await self.apply_change(guild, change)
        text = change_notice(change)
        if text is None or not change.notify:
            return
        total = len(change.notify)

        async def progress(done: int) -> None:
            if report is not None:
                await report(f"Telling the people who answered… {done}/{total}")

        async with contained(f"notices for meal {meal.id}"):
            sent = await send_paced(
                self._bot, meal, change.notify, content=text, purpose="meal change", progress=progress,
                buttons=None if meal.cancelled else MealButtons(meal.id, ("ics",)),
            )  # fmt: skip
            if report is not None:
                told = plural(sent.by_dm + sent.by_note, "person", "people")
                unreached = f" ({sent.failed} could not be reached)" if sent.failed else ""
                await report(f"Told {told} who answered{unreached}.")

    async def apply_change(self, guild: discord.Guild, change: MealChange) -> None:
        """After /meal edit or cancel: the post, the Discord event and any freed seats (each best effort)."""
        meal = change.meal
        await self._bot.housekeeper.poke()
        async with contained(f"refreshing the post of meal {meal.id}"):
            await self.refresh(guild.id, meal.id)
        async with contained(f"updating the event of meal {meal.id}"):
            await self.update_event(meal, guild)
        await send_offers(self._bot, change.offers)

    # ------------------------------------------------------------------------------ scheduled events

    async def create_event(self, meal: Meal, guild: discord.Guild) -> str | None:
        """Create the native Discord event; returns a note for the manager if it could not be done."""
        try:
            event = await guild.create_scheduled_event(
                name=meal.title,
                start_time=meal.starts_at,
                end_time=meal.ends_at,
                entity_type=discord.EntityType.external,
                privacy_level=discord.PrivacyLevel.guild_only,
                location=_location(meal),
                description=f"Listening Tour {meal.slot.value} with customers in {meal.place.city}. "
                "RSVP with the buttons on the meal post.",
            )
        except discord.Forbidden:
            return "I couldn't create the Discord event: give me the Manage Events permission."
        await self._bot.services.meals.attach_event(meal.id, event.id)
        return None

    async def update_event(self, meal: Meal, guild: discord.Guild) -> None:
        """Follow the meal: cancelled → cancel the event (or end it, if it is already running);
        otherwise its name, times and place (a running event's start can't move)."""
        if meal.event_id is None:
            return
        try:
            event = guild.get_scheduled_event(meal.event_id) or await guild.fetch_scheduled_event(meal.event_id)
        except discord.NotFound:
            log.warning("the Discord event of meal %s was deleted", meal.id)
            return
        running = event.status is discord.EventStatus.active
        if meal.cancelled:
            await (event.end() if running else event.cancel())
        elif running:
            await event.edit(name=meal.title, end_time=meal.ends_at, location=_location(meal))
        else:
            await event.edit(
                name=meal.title, start_time=meal.starts_at, end_time=meal.ends_at, location=_location(meal)
            )


def change_notice(change: MealChange) -> str | None:
    meal, before = change.meal, change.before
    if meal.cancelled:
        return f"**{before.title}** {when_line(before)} has been cancelled. Sorry!"
    parts = []
    if meal.starts_at != before.starts_at:
        parts.append(f"now starts {when_line(meal).removeprefix('on ')}")
    if meal.venue != before.venue:
        parts.append(f"is now at {meal.venue}")
    if not parts:
        return None
    return f"Update: **{meal.title}** {' and '.join(parts)}. Your RSVP still stands."


def _location(meal: Meal) -> str:
    return f"{meal.venue}, {meal.place.label}"[:100] if meal.venue else meal.place.label[:100]
