"""What each direct message of the outbox says, and which buttons it carries. Render only: bot/delivery sends.

A message is rendered when it is sent, from the meal as it is then (so a reminder shows the venue added
after the person said Going); what a change notice compares against travels in its row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import discord

from bot.domain.meals import Meal
from bot.domain.outbox import Kind
from bot.services.delivery import Outgoing
from bot.ui.rsvp import when_line


@dataclass(frozen=True)
class DirectMessage:
    content: str
    meal_id: int | None
    actions: tuple[str, ...]  # RSVP buttons (bot/ui/rsvp.py), each carrying the recipient's id


def direct_message(outgoing: Outgoing) -> DirectMessage:
    meal = outgoing.meal
    assert meal is not None, "every direct message is about a meal"
    kind, payload = outgoing.kind, outgoing.delivery.payload
    if kind is Kind.INVITATION:
        where = f" at {meal.venue}" if meal.venue else ""
        text = (
            f"You're invited: **{meal.title}** {when_line(meal)}{where}. Seats are limited; answer here or on the post."
        )
        return DirectMessage(text, meal.id, ("going", "no", "ics"))
    if kind is Kind.SEAT_OFFER:
        expires = dt.datetime.fromisoformat(str(payload["expires_at"]))
        text = (
            f"A seat opened up for **{meal.title}** {when_line(meal)}! Claim it "
            f"{discord.utils.format_dt(expires, 'R')} or it passes to the next person waiting."
        )
        return DirectMessage(text, meal.id, ("claim", "cant"))
    if kind is Kind.OFFER_LAPSED:
        text = (
            f"Your seat offer for **{meal.title}** lapsed, so it went to the next person waiting. "
            "Still want to come? Click **Going** to join the waitlist again."
        )
        return DirectMessage(text, meal.id, ("going",))
    if kind is Kind.MEAL_CHANGED:
        return DirectMessage(change_notice(meal, payload), meal.id, ("ics",))
    if kind is Kind.MEAL_CANCELLED:
        return DirectMessage(f"**{meal.title}** {when_line(meal)} has been cancelled. Sorry!", meal.id, ())
    if kind is Kind.REMINDER:
        where = f" at {meal.venue}" if meal.venue else ""
        text = (
            f"Reminder: **{meal.title}** starts {discord.utils.format_dt(meal.starts_at, 'R')}, "
            f"{when_line(meal).removeprefix('on ')}{where}. See you there!"
        )
        return DirectMessage(text, meal.id, ("cant", "ics"))
    if kind is Kind.EVENT_INTEREST:
        text = (
            f"You're interested in **{meal.title}** {when_line(meal)}. Want a seat? "
            "Say so here (I've noted you as a maybe)."
        )
        return DirectMessage(text, meal.id, ("going", "no"))
    raise ValueError(f"{kind} is not a direct message")


def change_notice(meal: Meal, before: Mapping[str, object]) -> str:
    """“Update: Lunch in Toronto now starts … and is now at …”: what differs from before the change."""
    parts = []
    if before.get("before_starts_at") != meal.starts_at.isoformat():
        parts.append(f"now starts {when_line(meal).removeprefix('on ')}")
    if before.get("before_venue") != meal.venue:
        parts.append(f"is now at {meal.venue}" if meal.venue else "has no venue yet (we'll tell you)")
    return f"Update: **{meal.title}** {' and '.join(parts or ['has changed'])}. Your RSVP still stands."
