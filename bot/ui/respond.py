"""Answering the person who acted, whether or not the interaction was acknowledged first."""

from __future__ import annotations

from typing import Any

import discord

from bot.host import Interaction


async def respond(
    interaction: Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
) -> None:
    """An ephemeral answer: the response itself, or — once the command answered first ("thinking…") — the
    follow-up that replaces it."""
    extra: dict[str, Any] = {"ephemeral": True}
    if embed is not None:
        extra["embed"] = embed
    if view is not None:
        extra["view"] = view
    if file is not None:
        extra["file"] = file
    if interaction.response.is_done():
        await interaction.followup.send(content if content is not None else discord.utils.MISSING, **extra)
    else:
        await interaction.response.send_message(content, **extra)
