"""What interaction handlers may reach on the bot: its services and its clock — not the bot itself.

Buttons, modals and checks get the bot as ``interaction.client``; typing it as the bot class would make
every UI module import bot/app.py (which imports them back). They ask for these two things instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, cast

import discord

from bot.domain.clock import Clock
from bot.services import Services

Interaction = discord.Interaction[Any]


class ServiceHost(Protocol):
    services: Services
    clock: Clock
    started_at: dt.datetime
    command_ids: dict[str, int]


def services(interaction: Interaction) -> Services:
    return cast(ServiceHost, interaction.client).services


def clock(interaction: Interaction) -> Clock:
    return cast(ServiceHost, interaction.client).clock


def started_at(interaction: Interaction) -> dt.datetime:
    return cast(ServiceHost, interaction.client).started_at


def command(interaction: Interaction, name: str) -> str:
    """A clickable mention of a slash command ("</tour plan:123>"), or its name in code where its id is unknown."""
    command_id = cast(ServiceHost, interaction.client).command_ids.get(name.split(" ", maxsplit=1)[0])
    return f"</{name}:{command_id}>" if command_id else f"`/{name}`"
