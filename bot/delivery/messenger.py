"""Direct messages, and the neutral channel note for people whose DMs are closed.

The note mentions its recipients with a **Show** button that reveals the message to each of them alone:
the channel never learns that someone is going, waiting or was invited because they live nearby.
"""

from __future__ import annotations

import discord

from bot.domain.outbox import FallbackNote
from bot.ui.dm_buttons import dm_view
from bot.ui.messages import DirectMessage
from bot.ui.notes import note_view

PRIVATE_FALLBACK = "I couldn't send you a direct message. Press **Show** to read it here; only you will see it."


class Messenger:
    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def dm(self, user_id: int, message: DirectMessage, *, nonce: str) -> None:
        """Raises discord.Forbidden (code 50007) for closed DMs, and whatever else Discord answers."""
        channel = await self._client.create_dm(discord.Object(id=user_id))
        if message.actions:  # a check-in's Reply is about no meal (0)
            view = dm_view(message.meal_id or 0, message.actions, for_user=user_id)
            await channel.send(message.content, view=view, nonce=nonce)
        else:
            await channel.send(message.content, nonce=nonce)

    async def is_member(self, guild_id: int, user_id: int) -> bool:
        """Whether someone is still on the server (no members intent: Discord is asked). In doubt, yes."""
        guild = self._client.get_guild(guild_id)
        if guild is None:
            return False
        try:
            await guild.fetch_member(user_id)
        except discord.NotFound:
            return False
        except discord.HTTPException:
            return True
        return True

    async def post_note(self, note: FallbackNote, *, nonce: str) -> None:
        assert note.channel_id is not None
        channel = self._client.get_partial_messageable(note.channel_id, guild_id=note.guild_id)
        mentions = " ".join(f"<@{user_id}>" for user_id in note.recipients)
        await channel.send(
            f"{mentions} {PRIVATE_FALLBACK}",
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(id=u) for u in note.recipients]),
            view=note_view(note.id),
            nonce=nonce,
        )
