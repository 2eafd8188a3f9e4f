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
        day_to_day = {
            "Meals": f"{mention('meal add')} · {mention('meal edit')} · {mention('meal attendees')} · "
            f"{mention('meal checkin')} · {mention('meal cancel')} · {mention('meal intros')} · "
            f"{mention('meal seating')}",
            "Tours": f"{mention('tour show')} · {mention('tour list')} · {mention('tour stop pin')} · "
            f"{mention('tour stop drop')} · {mention('tour cancel')}",
            "Customers": f"{mention('customers cities')} · {mention('customers list')} · "
            f"{mention('customers export')} · {mention('customers roles')} · {mention('customers referral')}",
            "Insights": f"{mention('insight add')} (or a message's Apps → Log as insight) · "
            f"{mention('insight search')} · {mention('insight report')} · {mention('insight export')} · "
            f"{mention('insight status')} · {mention('checkin schedule')} · {mention('checkin send')}",
            "Health": f"{mention('status')} — what is being sent, what failed",
        }
        for name, value in day_to_day.items():  # a field each: Discord caps a field at 1,024 characters
            embed.add_field(name=name, value=value, inline=False)
    else:
        embed.set_footer(text="Community managers see more here.")
    return embed
