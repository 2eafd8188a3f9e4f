"""Colours and small formatting shared by every embed."""

from __future__ import annotations

import discord

from bot.domain.words import plural

__all__ = ["BRAND", "EMBED_FIELD_LIMIT", "WARNING", "chunk_lines", "plural"]

BRAND = discord.Colour.from_rgb(88, 101, 242)
WARNING = discord.Colour.orange()
EMBED_FIELD_LIMIT = 1024


def chunk_lines(lines: list[str], limit: int = EMBED_FIELD_LIMIT) -> list[str]:
    """Join lines into blocks that each fit an embed field."""
    blocks: list[str] = []
    current = ""
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            blocks.append(current)
            candidate = line
        current = candidate[:limit]
    if current:
        blocks.append(current)
    return blocks
