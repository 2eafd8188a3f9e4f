"""Inviting the customers who live in or near a meal's city and accepted DMs.

Paced (one DM every INVITE_PACE seconds: bulk DMs are what Discord's anti-spam watches), each person
at most once per meal, with progress shown by editing the manager's reply. People whose DMs are closed
(50007) are recorded and invited together in one channel message that pings only them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from bot.domain.meals import Meal
from bot.notify import Delivery
from bot.ui.rsvp import dm_view, when_line
from bot.ui.style import plural

if TYPE_CHECKING:
    from bot.app import ListeningTourBot

log = logging.getLogger(__name__)
INVITE_PACE = 1.0
PROGRESS_EVERY = 5


async def invite_nearby(
    bot: ListeningTourBot, meal: Meal, radius_km: float, interaction: discord.Interaction[ListeningTourBot]
) -> None:
    city = bot.services.customers.city(meal.place.geonameid)
    candidates = await bot.services.customers.dm_invitees(meal.guild_id, city, radius_km)
    todo = await bot.services.meals.not_yet_invited(meal, candidates)
    headline = f"Published **{meal.title}** (meal #{meal.id})."
    if not todo:
        await _progress(interaction, f"{headline} Nobody within {radius_km:.0f} km accepts DMs yet, so no invitations.")
        return
    text = (
        f"You're invited: **{meal.title}** {when_line(meal)}"
        + (f" at {meal.venue}" if meal.venue else "")
        + ". Seats are limited; answer here or on the post."
    )
    by_dm, closed = 0, []
    for done, user_id in enumerate(todo, start=1):
        if done > 1:
            await asyncio.sleep(INVITE_PACE)
        try:
            delivery = await bot.messenger.dm(
                guild_id=meal.guild_id, user_id=user_id, purpose="invitation", content=text,
                view=dm_view(meal.id, ("going", "no", "ics"), for_user=user_id),
            )  # fmt: skip
        except discord.HTTPException as error:
            log.warning("invitation to %s for meal %s failed: %s", user_id, meal.id, error)
            continue
        via = "dm" if delivery is Delivery.DM else "channel"
        await bot.services.meals.record_invitation(meal, user_id, via)
        if delivery is Delivery.DM:
            by_dm += 1
        else:
            closed.append(user_id)
        if done % PROGRESS_EVERY == 0 and done < len(todo):
            await _progress(interaction, f"{headline} Inviting customers within {radius_km:.0f} km… {done}/{len(todo)}")
    if closed and meal.channel_id is not None:
        mentions = " ".join(f"<@{user_id}>" for user_id in closed)
        await bot.get_partial_messageable(meal.channel_id, guild_id=meal.guild_id).send(
            f"{mentions} you're invited to **{meal.title}** (your DMs are closed, so here it is): "
            "RSVP on the post above.",
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(id=u) for u in closed]),
        )
    summary = f"Invited {plural(by_dm, 'customer')} within {radius_km:.0f} km by DM"
    if closed:
        summary += f" and {len(closed)} in the channel (their DMs are closed)"
    await _progress(interaction, f"{headline} {summary}.")


async def _progress(interaction: discord.Interaction[ListeningTourBot], text: str) -> None:
    try:
        await interaction.edit_original_response(content=text)
    except discord.HTTPException as error:  # the reply's token lasts 15 minutes; the invitations go on
        log.info("could not update the invitation progress: %s", error)
