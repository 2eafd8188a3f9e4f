"""What /status shows a manager: how long the bot has run, what it is sending, what failed (with a Retry
button), when the next reminder goes out, and how big the database is."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import discord

from bot.domain.errors import NotAllowed
from bot.domain.outbox import Delivery
from bot.host import Interaction, clock, services, started_at
from bot.services.delivery import DeliveryStatus
from bot.ui.items import Answer, PersistentItem, number
from bot.ui.style import BRAND, EMBED_FIELD_LIMIT, WARNING, plural

MAX_FAILED_LINES = 10


def status_embed(status: DeliveryStatus, *, started_at: dt.datetime, now: dt.datetime) -> discord.Embed:
    summary = status.summary
    embed = discord.Embed(title="Listening Tour status", colour=WARNING if summary.failed else BRAND)
    embed.add_field(
        name="Running for", value=f"{_duration(now - started_at)} (since {discord.utils.format_dt(started_at, 'f')})"
    )
    embed.add_field(name="Database", value=f"{status.backend} · {_size(status.database_bytes)}")
    embed.add_field(name="This process", value=status.shards)
    waiting = f"{summary.pending} waiting" + (f" ({summary.due_now} due now)" if summary.due_now else "")
    if summary.sending:
        waiting += f", {summary.sending} being sent"
    notes = f" ({summary.by_note_today} as private notes: DMs closed)" if summary.by_note_today else ""
    embed.add_field(
        name="Deliveries",
        value=f"{waiting}\n{summary.sent_today} sent in the last 24 h{notes}\n{summary.failed} failed",
        inline=False,
    )
    next_reminder = summary.next_reminder
    embed.add_field(
        name="Next reminder",
        value=discord.utils.format_dt(next_reminder, "R") if next_reminder else "none scheduled",
    )
    if status.failed:
        lines = [failed_line(delivery) for delivery in status.failed[:MAX_FAILED_LINES]]
        embed.add_field(
            name="Failed deliveries (latest first)", value="\n".join(lines)[:EMBED_FIELD_LIMIT], inline=False
        )
        embed.set_footer(text="Fix what they say (a permission, a channel), then press Retry.")
    return embed


def failed_line(delivery: Delivery) -> str:
    about = f"meal #{delivery.meal_id}" if delivery.meal_id else "—"
    to = f" to <@{delivery.user_id}>" if delivery.user_id else ""
    error = (delivery.last_error or "no answer")[:120]
    return f"• {delivery.kind.label}{to} · {about} · {error}"


def status_view(guild_id: int, failed: int) -> discord.ui.View | None:
    if not failed:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(RetryFailedButton(guild_id))
    return view


class RetryFailedButton(PersistentItem[discord.ui.Button[Any]], template=r"lt:status:retry:(?P<guild>\d+)"):
    """Puts the server's failed deliveries back in line (managers only)."""

    where = "retry deliveries button"
    managers_only = True
    answer = Answer.REPLY

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Retry failed deliveries",
                style=discord.ButtonStyle.primary,
                custom_id=f"lt:status:retry:{guild_id}",
            )
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RetryFailedButton:
        return cls(number(match, "guild"))

    async def act(self, interaction: Interaction) -> None:
        # The guild comes from the interaction; the id in custom_id only detects a stray click.
        if interaction.guild_id != self.guild_id:
            raise NotAllowed("This button belongs to another server's status.")
        retried = await services(interaction).delivery.retry_failed(interaction.guild_id)
        status = await services(interaction).delivery.status(interaction.guild_id)
        embed = status_embed(status, started_at=started_at(interaction), now=clock(interaction)())
        await interaction.followup.send(
            f"Put {plural(retried, 'failed delivery', 'failed deliveries')} back in line.", embed=embed, ephemeral=True
        )


def _duration(span: dt.timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    scaled, unit = float(size), "bytes"
    for unit in ("KB", "MB", "GB"):  # noqa: B007 - the last unit reached is the one shown
        scaled /= 1024
        if scaled < 1024:
            break
    return f"{scaled:,.1f} {unit}"


STATUS_ITEMS = (RetryFailedButton,)
