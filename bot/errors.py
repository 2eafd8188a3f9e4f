"""The one place where errors turn into what a user sees.

Slash commands reach it through ``ListeningTourTree.on_error``; buttons, selects and modals through
``run_safely`` (discord.py only *logs* errors raised in a DynamicItem callback, so the user would see
"This interaction failed" with no explanation).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.domain.errors import UserFacingError

log = logging.getLogger(__name__)


class NotManager(app_commands.CheckFailure):
    """The member is neither in the manager role nor allowed to Manage Server."""


NOT_MANAGER = (
    "Only community managers can do that: members with the manager role chosen in `/setup`, "
    "or with the Manage Server permission. Ask a server admin if you need access."
)


_CHECK_MESSAGES: tuple[tuple[type[Exception], Callable[[Any], str]], ...] = (
    (NotManager, lambda _: NOT_MANAGER),
    (app_commands.NoPrivateMessage, lambda _: "That only works inside a server, not in DMs."),
    (
        app_commands.CommandOnCooldown,
        lambda error: f"Slow down a little: try again in {error.retry_after:.0f} s.",
    ),
    (
        app_commands.BotMissingPermissions,
        lambda error: "I'm missing a permission here ({}). Ask a server admin to grant it.".format(
            ", ".join(p.replace("_", " ") for p in error.missing_permissions)
        ),
    ),
    (app_commands.CheckFailure, lambda _: "You can't use that here."),
)


# Discord's answers a manager can do something about (https://discord.com/developers/docs/topics/opcodes-and-status-codes).
_DISCORD_MESSAGES = {
    50001: "I can't see that channel. Give my role View Channel there (channel settings → Permissions).",
    50013: "Discord says I'm missing a permission for that here (error 50013). Check my role's permissions in "
    "Server Settings → Roles and in this channel's settings, then try again.",
    10003: "That channel no longer exists. Pick another one.",
    10008: "That message was deleted, so I can't change it. Run the command again for a fresh one.",
    10011: "That role no longer exists. Pick another one.",
    10070: "That Discord event was deleted.",
    30005: "This server has reached Discord's limit of 250 roles; delete an unused one first.",
    30038: "This server has reached Discord's limit of 100 scheduled events; end or delete some first.",
}


def user_message(error: BaseException) -> str | None:
    """The ephemeral text for an error the user can act on, or None if it is a bug."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        error = error.__cause__ or error
    if isinstance(error, UserFacingError):
        return str(error)
    if isinstance(error, discord.HTTPException) and error.code in _DISCORD_MESSAGES:
        return _DISCORD_MESSAGES[error.code]
    if isinstance(error, discord.HTTPException) and error.status >= 500:
        return "Discord is having trouble right now (it answered with an error). Please try again in a minute."
    for kind, message in _CHECK_MESSAGES:  # most specific first
        if isinstance(error, kind):
            return message(error)
    return None


async def report_error(interaction: discord.Interaction[Any], error: BaseException, where: str) -> None:
    """Answer the user ephemerally; log bugs with a short id the user can quote."""
    text = user_message(error)
    if text is None:
        error_id = secrets.token_hex(4)
        log.error("error %s in %s", error_id, where, exc_info=error)
        text = (  # no promise that nothing changed: a step before the failure may have been saved
            f"Something went wrong on our side (error id `{error_id}`). Please check whether it took effect "
            "before trying again, and quote the id to a manager if it keeps happening."
        )
    await send_ephemeral(interaction, text)


async def send_ephemeral(interaction: discord.Interaction[Any], text: str) -> None:
    """Answer only the person who acted: the response, or a follow-up once it was deferred."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as failure:  # expired interaction or Discord outage: nothing else to do
        log.warning("could not answer %s: %s", interaction.user.id, failure)


async def run_safely(interaction: discord.Interaction[Any], handler: Callable[[], Awaitable[None]], where: str) -> None:
    """Run a component callback so that every error reaches the user like a command's would."""
    try:
        await handler()
    except Exception as error:  # noqa: BLE001 - the single handler for component callbacks
        await report_error(interaction, error, where)


DEFERS = "defers"  # app command extras key: answer Discord first, then do the work (see bot.checks.answers_first)


class ListeningTourTree(app_commands.CommandTree[Any]):
    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Commands that write or call Discord answer first ("thinking…"), so no write waiting its turn behind a
        burst of clicks can miss Discord's 3-second limit; they then reply with a follow-up."""
        command = interaction.command
        if (
            interaction.type is discord.InteractionType.application_command
            and command is not None
            and command.extras.get(DEFERS)
        ):
            await interaction.response.defer(ephemeral=True, thinking=True)
        return True

    async def on_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
        command = interaction.command.qualified_name if interaction.command else "unknown command"
        await report_error(interaction, error, f"/{command}")
