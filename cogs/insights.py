"""/insight add · search · status and the message menu **Log as insight**: managers capture what customers
say, find it again, and close the loop."""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord import app_commands

from bot.app import ListeningTourBot
from bot.checks import MANAGERS_BY_DEFAULT, answers_first, manager_only, member_is_manager, require_manager
from bot.domain.insights import InsightKind, InsightSource, InsightStatus, NewInsight, SearchQuery, clean_tags
from bot.ui.insights import InsightTextModal, search_embed
from bot.ui.respond import respond
from bot.ui.style import plural

Interaction = discord.Interaction[ListeningTourBot]

KINDS = [app_commands.Choice(name=kind.label, value=kind.value) for kind in InsightKind]
STATUSES = [app_commands.Choice(name=status.label, value=status.value) for status in InsightStatus]


def _guild(interaction: Interaction) -> int:
    assert interaction.guild_id is not None  # the group is guild_only
    return interaction.guild_id


async def tag_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The tags in use here, most used first; what was typed after the last comma is completed."""
    if interaction.guild_id is None or not await member_is_manager(interaction):
        return []
    done, _, typing = current.rpartition(",")
    uses = await interaction.client.services.insights.tags(interaction.guild_id, typing.strip())
    prefix = f"{done}, " if done else ""
    return [
        app_commands.Choice(name=f"{prefix}{u.tag} ({u.count})"[:100], value=f"{prefix}{u.tag}"[:100]) for u in uses
    ]


class InsightCommands(
    app_commands.Group,
    name="insight",
    description="What customers tell us",
    guild_only=True,
    default_permissions=MANAGERS_BY_DEFAULT,
):
    @manager_only
    @app_commands.command(name="add", description="Log what a customer told you (the text comes in a form)")
    @app_commands.describe(
        customer="Who said it, if they're on this server",
        customer_name="Who said it, if they aren't on this server",
        kind="Pain point, feature request, praise… (leave it out to get a suggestion)",
        tags="Comma-separated, e.g. onboarding, pricing",
        meal="The meal where you heard it (its city and tour come with it)",
    )
    @app_commands.choices(kind=KINDS)
    @app_commands.autocomplete(tags=tag_choices)
    async def add(
        self,
        interaction: Interaction,
        customer: discord.Member | None = None,
        customer_name: app_commands.Range[str, 1, 100] | None = None,
        kind: app_commands.Choice[str] | None = None,
        tags: app_commands.Range[str, 1, 330] | None = None,
        meal: int | None = None,
    ) -> None:
        guild_id, by = _guild(interaction), interaction.user.id
        checked_tags = clean_tags(tags)  # a bad tag is refused before the form opens

        def draft(text: str, chosen: InsightKind, final_tags: Sequence[str]) -> NewInsight:
            return NewInsight.create(
                guild_id=guild_id, text=text, kind=chosen, logged_by=by, tags=final_tags,
                customer_user_id=customer.id if customer else None, customer_name=customer_name, meal_id=meal,
            )  # fmt: skip

        chosen = InsightKind(kind.value) if kind else None
        await interaction.response.send_modal(InsightTextModal(draft, kind=chosen, tags=checked_tags))

    @manager_only
    @answers_first
    @app_commands.command(name="search", description="Find insights by their words, kind, tag, customer or status")
    @app_commands.describe(
        text='Words to find; "a phrase" in quotes, pric* for words starting so, OR between alternatives',
        kind="Only this kind",
        tag="Only insights with this tag",
        status="Only this status",
        customer="Only what this member told us",
        page="Page of the results (10 a page)",
    )
    @app_commands.choices(kind=KINDS, status=STATUSES)
    @app_commands.autocomplete(tag=tag_choices)
    async def search(
        self,
        interaction: Interaction,
        text: app_commands.Range[str, 1, 500] | None = None,
        kind: app_commands.Choice[str] | None = None,
        tag: app_commands.Range[str, 1, 30] | None = None,
        status: app_commands.Choice[str] | None = None,
        customer: discord.Member | None = None,
        page: app_commands.Range[int, 1, 1000] = 1,
    ) -> None:
        query = SearchQuery.create(
            text=text, kind=kind.value if kind else None, tag=tag, status=status.value if status else None,
            customer_user_id=customer.id if customer else None, page=page,
        )  # fmt: skip
        found = await interaction.client.services.insights.search(_guild(interaction), query)
        described = " · ".join(
            part for part in (
                f"“{text}”" if text else "", kind.name if kind else "", f"#{tag}" if tag else "",
                status.name if status else "", customer.display_name if customer else "",
            ) if part
        ) or "all"  # fmt: skip
        await respond(interaction, embed=search_embed(found, described=described))

    @manager_only
    @answers_first
    @app_commands.command(name="status", description="Planned, shipped or won't do: the customer hears back once")
    @app_commands.describe(
        insight="The insight's number (from /insight search)",
        status="Where it stands now",
        note="What we did or decided, in a sentence the customer will read",
    )
    @app_commands.choices(status=STATUSES)
    async def status(
        self,
        interaction: Interaction,
        insight: app_commands.Range[int, 1, 2**53],
        status: app_commands.Choice[str],
        note: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        change = await interaction.client.services.insights.set_status(
            _guild(interaction), insight, InsightStatus(status.value), note
        )
        told = (
            f" {plural(change.told, 'customer')} who told us will hear back by DM."
            if change.told
            else " Nobody to tell: no linked customer accepts DMs (or they heard of this status already)."
        )
        await respond(interaction, f"Insight **#{insight}** is now **{change.insight.status.label}**.{told}")


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
async def log_as_insight(interaction: Interaction, message: discord.Message) -> None:
    """Message menu → Apps → Log as insight: the form comes prefilled with the message, linked to it and to its
    author (when a person wrote it)."""
    await require_manager(interaction)  # default permissions only hide it
    guild_id, by = _guild(interaction), interaction.user.id
    author = None if message.author.bot else message.author.id

    def draft(text: str, chosen: InsightKind, tags: Sequence[str]) -> NewInsight:
        return NewInsight.create(
            guild_id=guild_id, text=text, kind=chosen, logged_by=by, tags=tags, source=InsightSource.MESSAGE,
            customer_user_id=author, message_url=message.jump_url,
        )  # fmt: skip

    await interaction.response.send_modal(InsightTextModal(draft, kind=None, tags=(), prefill=message.content))


LOG_AS_INSIGHT = app_commands.ContextMenu(name="Log as insight", callback=log_as_insight)


async def setup(bot: ListeningTourBot) -> None:
    bot.tree.add_command(InsightCommands())
    bot.tree.add_command(LOG_AS_INSIGHT)


async def teardown(bot: ListeningTourBot) -> None:
    bot.tree.remove_command("insight")
    bot.tree.remove_command(LOG_AS_INSIGHT.name, type=discord.AppCommandType.message)
