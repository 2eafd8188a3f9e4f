"""Messages to many people at once: invitations to a new meal (here), and the notices of a changed or
cancelled one (``MealPosts.announce_change``), both through ``send_paced``.

Paced (one DM every DM_PACE seconds: bulk DMs are what Discord's anti-spam watches), run after the
manager's command was answered, with progress shown by editing that reply. People whose DMs are closed
are mentioned together in the meal's channel with a private Show button (see bot/notify.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.domain.meals import Meal
from bot.notify import Delivery
from bot.ui.rsvp import MealButtons, when_line
from bot.ui.style import plural

if TYPE_CHECKING:
    from bot.app import ListeningTourBot

log = logging.getLogger(__name__)
DM_PACE = 1.0
PROGRESS_EVERY = 5
Progress = Callable[[str], Awaitable[None]]


@dataclass
class Sent:
    by_dm: int = 0
    by_note: int = 0
    failed: int = 0


async def send_paced(
    bot: ListeningTourBot,
    meal: Meal,
    user_ids: Sequence[int],
    *,
    content: str,
    buttons: MealButtons | None,
    purpose: str,
    progress: Callable[[int], Awaitable[None]],
    delivered: Callable[[int, str], Awaitable[None]] | None = None,
) -> Sent:
    sent, closed = Sent(), []
    for done, user_id in enumerate(user_ids, start=1):
        if done > 1:
            await asyncio.sleep(DM_PACE)
        try:  # no per-person fallback: closed inboxes are mentioned together below
            delivery = await bot.messenger.dm(
                guild_id=meal.guild_id, user_id=user_id, purpose=purpose, content=content, buttons=buttons
            )
        except discord.HTTPException as error:
            log.warning("%s to %s for meal %s failed: %s", purpose, user_id, meal.id, error)
            sent.failed += 1
            continue
        if delivery is Delivery.DM:
            sent.by_dm += 1
        else:
            closed.append(user_id)
        if delivered is not None:
            await delivered(user_id, delivery.value)
        if done % PROGRESS_EVERY == 0 and done < len(user_ids):
            await progress(done)
    if closed and meal.channel_id is not None:
        await bot.messenger.leave_notes(meal.guild_id, meal.channel_id, closed, content, buttons)
        sent.by_note = len(closed)
    return sent


async def invite_nearby(
    bot: ListeningTourBot, meal: Meal, radius_km: float, interaction: discord.Interaction[ListeningTourBot]
) -> None:
    """Invite the customers in or near the meal's city who accept DMs, each once."""
    city = bot.services.customers.city(meal.place.geonameid)
    candidates = await bot.services.customers.dm_invitees(meal.guild_id, city, radius_km)
    todo = await bot.services.meals.not_yet_invited(meal, candidates)
    headline = f"Published **{meal.title}** (meal #{meal.id})."
    if not todo:
        await _edit(interaction, f"{headline} Nobody within {radius_km:.0f} km accepts DMs yet, so no invitations.")
        return
    text = f"You're invited: **{meal.title}** {when_line(meal)}" + (f" at {meal.venue}" if meal.venue else "")
    text += ". Seats are limited; answer here or on the post."

    async def progress(done: int) -> None:
        await _edit(interaction, f"{headline} Inviting customers within {radius_km:.0f} km… {done}/{len(todo)}")

    async def delivered(user_id: int, via: str) -> None:
        await bot.services.meals.record_invitation(meal, user_id, via)

    sent = await send_paced(
        bot, meal, todo, content=text, buttons=MealButtons(meal.id, ("going", "no", "ics")),
        purpose="invitation", progress=progress, delivered=delivered,
    )  # fmt: skip
    summary = f"Invited {plural(sent.by_dm, 'customer')} within {radius_km:.0f} km by DM"
    if sent.by_note:
        summary += f" and {sent.by_note} in the channel (their DMs are closed)"
    await _edit(interaction, f"{headline} {summary}.")


async def _edit(interaction: discord.Interaction[ListeningTourBot], text: str) -> None:
    try:
        await interaction.edit_original_response(content=text)
    except discord.HTTPException as error:  # the reply's token lasts 15 minutes; the sending goes on
        log.info("could not update the progress of a bulk send: %s", error)


def progress_of(interaction: discord.Interaction[ListeningTourBot], headline: str) -> Progress:
    """Progress lines for a command whose reply starts with ``headline``."""

    async def report(text: str) -> None:
        await _edit(interaction, f"{headline} {text}")

    return report
