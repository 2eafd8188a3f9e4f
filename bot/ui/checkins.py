"""The quarterly check-in's Reply button and form (``lt:checkin:reply:<checkin>:<user>``), in DMs."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.domain.errors import InvalidInput
from bot.errors import report_error, send_ephemeral
from bot.host import Interaction, services
from bot.ui.items import Answer, PersistentItem, number

REPLY_INPUT = "lt:checkin:text"


class CheckinReplyButton(
    PersistentItem[discord.ui.Button[Any]], template=r"lt:checkin:reply:(?P<checkin>\d+):(?P<user>\d+)"
):
    where = "check-in reply button"
    answer = Answer.SELF  # it opens a form
    in_server_only = False

    def __init__(self, checkin_id: int, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Reply", style=discord.ButtonStyle.primary, custom_id=f"lt:checkin:reply:{checkin_id}:{user_id}"
            )
        )
        self.checkin_id, self.owner_id = checkin_id, user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CheckinReplyButton:
        return cls(number(match, "checkin"), number(match, "user"))

    async def act(self, interaction: Interaction) -> None:
        checkins = services(interaction).checkins
        guild_id = await checkins.guild_of(self.checkin_id, interaction.user.id)
        if not await checkins.is_open(guild_id, self.checkin_id, interaction.user.id):
            raise InvalidInput("You answered this check-in already. Thank you!")
        await interaction.response.send_modal(CheckinReplyModal(guild_id, self.checkin_id))


class CheckinReplyModal(discord.ui.Modal):
    def __init__(self, guild_id: int, checkin_id: int) -> None:
        super().__init__(title="How are things going?", custom_id=f"lt:checkin:modal:{checkin_id}")
        self.guild_id, self.checkin_id = guild_id, checkin_id
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Tell us anything",
            custom_id=REPLY_INPUT,
            style=discord.TextStyle.paragraph,
            max_length=2000,
            placeholder="What's working, what isn't, what you wish we did…",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await services(interaction).checkins.reply(
            self.guild_id, self.checkin_id, interaction.user.id, self.text.value
        )
        await send_ephemeral(interaction, "Thank you! The team reads every reply.")

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_error(interaction, error, "check-in reply")
