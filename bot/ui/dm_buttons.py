"""The buttons a direct message carries (or its private fallback in a channel), named by short action strings
kept with the message: RSVP actions ("going", "cant", "ics" …), "cards" for the card swap, "feedback" for the
post-meal questions, "checkin:<id>" for a check-in's Reply, and "met:<peer>:<n>" for a row of "did you
connect?" answers about the n-th person the message lists."""

from __future__ import annotations

from collections.abc import Iterable

import discord

from bot.ui.cards import OUTCOMES, ConnectedButton, ShareCardButton
from bot.ui.checkins import CheckinReplyButton
from bot.ui.feedback import feedback_buttons
from bot.ui.items import safe_id
from bot.ui.rsvp import RsvpButton

MAX_ROWS = 5


def dm_view(meal_id: int, actions: Iterable[str], *, for_user: int) -> discord.ui.View:
    """Buttons for one person's message; each carries their id, so nobody else can press it for them."""
    view = discord.ui.View(timeout=None)
    for action in actions:
        if action == "cards":
            view.add_item(ShareCardButton(meal_id, for_user))
        elif action == "feedback":
            for item in feedback_buttons(meal_id, for_user):
                view.add_item(item)
        elif action.startswith("checkin:"):
            view.add_item(CheckinReplyButton(safe_id(action.split(":", 1)[1]), for_user))
        elif action.startswith("met:"):
            _, peer, position = action.split(":")
            row = min(int(position) - 1, MAX_ROWS - 1)
            for outcome in OUTCOMES:
                button = ConnectedButton(outcome, meal_id, safe_id(peer), for_user, position=int(position))
                button.item.row = row
                view.add_item(button)
        else:
            view.add_item(RsvpButton(action, meal_id, for_user=for_user))
    return view
