"""The /help embed: a short task flow — where to start, then by job — with commands you can click."""

from __future__ import annotations

from collections.abc import Callable

import discord

from bot.ui.style import BRAND

Mention = Callable[[str], str]  # "tour plan" → a clickable </tour plan:id>


def help_embed(mention: Mention, *, manager: bool) -> discord.Embed:
    embed = discord.Embed(
        title="Listening Tour",
        description=(
            "We plan meals with customers city by city, run the RSVPs here, introduce you to each other and "
            "listen. RSVP with the buttons on the meal posts."
        ),
        colour=BRAND,
    )
    embed.add_field(
        name="Start here",
        value="\n".join(
            [
                f"1. {mention('city set')} — where you are, so we plan meals near you",
                f"2. {mention('profile edit')} — what you do, what you can offer, what you look for",
                f"3. {mention('privacy settings')} — DMs, being listed, introductions, quotes (all off by default)",
            ]
        ),
        inline=False,
    )
    embed.add_field(
        name="Any time",
        value=(
            f"{mention('request stop')} ask for a stop in your town · {mention('profile show')} see a profile · "
            f"{mention('privacy show')} your data · {mention('privacy delete')} forget me"
        ),
        inline=False,
    )
    if manager:
        embed.add_field(
            name="Community managers: your first hour",
            value="\n".join(
                [
                    f"1. {mention('setup')} — manager role, announcement channel, reminders",
                    f"2. {mention('customers import')} — bring your customer list (a dry run comes first)",
                    f"3. {mention('tour new')} → {mention('tour plan')} → {mention('tour publish')}",
                ]
            ),
            inline=False,
        )
        embed.add_field(
            name="Day to day",
            value=(
                f"Meals: {mention('meal add')} · {mention('meal edit')} · {mention('meal attendees')} · "
                f"{mention('meal checkin')} · {mention('meal cancel')} · {mention('meal intros')} · "
                f"{mention('meal seating')}\n"
                f"Tours: {mention('tour show')} · {mention('tour list')} · {mention('tour stop pin')} · "
                f"{mention('tour stop drop')} · {mention('tour cancel')}\n"
                f"Customers: {mention('customers cities')} · {mention('customers list')} · "
                f"{mention('customers export')} · {mention('customers roles')} · {mention('customers referral')}\n"
                f"Insights: {mention('insight add')} · {mention('insight search')} · {mention('insight status')} · "
                f"{mention('checkin schedule')} · {mention('checkin send')}\n"
                f"Health: {mention('status')} — what is being sent, what failed"
            ),
            inline=False,
        )
    else:
        embed.set_footer(text="Community managers see more here.")
    return embed
