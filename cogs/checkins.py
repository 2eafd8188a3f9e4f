"""/checkin schedule · send: "How are things going?" to the customers who accept DMs, every quarter or now."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.app import ListeningTourBot
from bot.checks import MANAGERS_BY_DEFAULT, answers_first, manager_only
from bot.services.checkins import DEFAULT_WEEKS, MAX_WEEKS, CheckinStatus
from bot.ui.checkins import CheckinReplyButton
from bot.ui.respond import respond
from bot.ui.style import plural

Interaction = discord.Interaction[ListeningTourBot]


def _guild(interaction: Interaction) -> int:
    assert interaction.guild_id is not None  # the group is guild_only
    return interaction.guild_id


def status_text(status: CheckinStatus) -> str:
    if status.weeks:
        when = discord.utils.format_dt(status.next_at, "D") if status.next_at else "soon"
        lines = [f"Check-ins go out every {plural(status.weeks, 'week')}; the next round on {when}."]
    else:
        lines = ["Check-ins are not scheduled; `/checkin send` asks everyone now."]
    last = status.last
    if last is not None:
        lines.append(
            f"Last round, {discord.utils.format_dt(last.round_at, 'D')}: asked {plural(last.asked, 'customer')}, "
            f"{last.answered} answered, {last.unanswered} not yet; {plural(last.skipped, 'customer')} we see at a "
            "meal within a month of it were not asked."
        )
    lines.append("Customers who accept DMs are asked, spread over hours so Discord's limits hold; replies become "
                 "insights (`/insight search`).")  # fmt: skip
    return "\n".join(lines)


class CheckinCommands(
    app_commands.Group,
    name="checkin",
    description="How are things going? Check in with customers",
    guild_only=True,
    default_permissions=MANAGERS_BY_DEFAULT,
):
    @manager_only
    @answers_first
    @app_commands.command(name="schedule", description="Ask customers how things are going every few weeks")
    @app_commands.describe(every_weeks=f"Weeks between check-ins (default {DEFAULT_WEEKS}: a quarter; 0: off)")
    async def schedule(
        self, interaction: Interaction, every_weeks: app_commands.Range[int, 0, MAX_WEEKS] = DEFAULT_WEEKS
    ) -> None:
        status = await interaction.client.services.checkins.schedule(
            _guild(interaction), every_weeks, by=interaction.user.id
        )
        await respond(interaction, status_text(status))

    @manager_only
    @answers_first
    @app_commands.command(name="send", description="Ask customers how things are going, now")
    async def send(self, interaction: Interaction) -> None:
        checkins = interaction.client.services.checkins
        sent = await checkins.send_now(_guild(interaction))
        if sent.asked:
            head = (
                f"Asking {plural(sent.asked, 'customer')} how things are going"
                + (f" (not {sent.skipped} we see at a meal this month)" if sent.skipped else "")
                + "."
            )
        else:
            head = (
                "Nobody to ask right now: check-ins go to customers who accept DMs and whom we didn't see at a meal "
                f"in the last month or the month ahead ({sent.skipped} did). Nothing was sent."
            )
        await respond(interaction, f"{head}\n{status_text(await checkins.status(_guild(interaction)))}")


async def setup(bot: ListeningTourBot) -> None:
    bot.add_dynamic_items(CheckinReplyButton)
    bot.tree.add_command(CheckinCommands())


async def teardown(bot: ListeningTourBot) -> None:
    bot.remove_dynamic_items(CheckinReplyButton)
    bot.tree.remove_command("checkin")
