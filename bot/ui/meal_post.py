"""How a meal looks in Discord: the post's embed, and the native scheduled event's place and text.
(bot/delivery/posts.py keeps them in step with the database.)"""

from __future__ import annotations

from urllib.parse import quote_plus

import discord

from bot.domain.meals import Meal
from bot.services.meals import MealState
from bot.ui.people import who
from bot.ui.style import BRAND, EMBED_FIELD_LIMIT

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


def meal_embed(state: MealState, *, host_name: str | None = None) -> discord.Embed:
    meal, count = state.meal, state.headcount
    title = meal.title + (" — cancelled" if meal.cancelled else "")
    embed = discord.Embed(title=title, colour=CANCELLED_COLOUR if meal.cancelled else BRAND)
    embed.description = when_text(meal)
    embed.add_field(name="Where", value=where_text(meal), inline=True)
    embed.add_field(name="Seats", value=seats_text(state), inline=True)
    embed.add_field(name="Host", value=who(meal.host_id, {meal.host_id: host_name} if host_name else {}), inline=True)
    embed.add_field(name="Going (with guests)", value=str(count.going + count.offered), inline=True)
    embed.add_field(name="Maybe", value=str(count.maybe), inline=True)
    if meal.rsvp_cutoff is not None and not meal.cancelled:
        embed.add_field(name="RSVP by", value=discord.utils.format_dt(meal.rsvp_cutoff, "f"), inline=True)
    if meal.cancelled:
        embed.set_footer(text=f"Meal #{meal.id} · This meal was cancelled.")
    else:
        embed.set_footer(text=f"Meal #{meal.id} · We'll ask: “{meal.question}” · Change your answer any time.")
    return embed


def where_text(meal: Meal) -> str:
    """The venue, linked to a map search for it (or "to be announced"), over the city."""
    if not meal.venue:
        return f"Venue to be announced\n{meal.place.label}"
    query = quote_plus(f"{meal.venue}, {meal.place.label}")
    venue = discord.utils.escape_markdown(meal.venue).replace("]", "\\]")
    linked = f"[{venue}](https://www.google.com/maps/search/?api=1&query={query})\n{meal.place.label}"
    if len(linked) <= EMBED_FIELD_LIMIT:
        return linked
    return f"{venue}\n{meal.place.label}"  # a long non-Latin venue grows ~6-9× in the link: show it unlinked


def event_location(meal: Meal) -> str:
    return f"{meal.venue}, {meal.place.label}"[:100] if meal.venue else meal.place.label[:100]


def event_description(meal: Meal) -> str:
    return (
        f"Listening Tour {meal.slot.value} with customers in {meal.place.city}. RSVP with the buttons on the meal post."
    )
