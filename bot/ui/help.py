"""The /help embed."""

from __future__ import annotations

import discord

from bot.ui.style import BRAND, chunk_lines


def help_embed(entries: list[tuple[str, str, bool]], *, manager: bool) -> discord.Embed:
    """``entries`` are (command, description, manager_only); managers see both sections."""
    embed = discord.Embed(
        title="Listening Tour",
        description=(
            "We plan meals with customers city by city, run the RSVPs here, introduce you to each other "
            "and listen. RSVP with the buttons on meal posts."
        ),
        colour=BRAND,
    )
    sections = [("Everyone", [e for e in entries if not e[2]])]
    if manager:
        sections.append(("Community managers", [e for e in entries if e[2]]))
    for title, rows in sections:
        lines = [f"`{name}` — {description}" for name, description, _ in rows] or ["(nothing yet)"]
        for index, block in enumerate(chunk_lines(lines)):
            embed.add_field(name=title if index == 0 else f"{title} (cont.)", value=block, inline=False)
    if not manager:
        embed.set_footer(text="Community managers see more commands here.")
    return embed
