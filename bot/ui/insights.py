"""How insights look and are captured in Discord: the text modal of /insight add, the confirmation of a
suggested kind, search results, and the reply to a status change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import discord

from bot.domain.insights import Insight, InsightKind, NewInsight, SearchPage, Suggestion
from bot.errors import report_error, run_safely, send_ephemeral
from bot.host import Interaction, services
from bot.ui.style import BRAND, plural

TEXT_INPUT = "lt:insight:text"
KIND_SELECT = "lt:insight:kind"
CONFIRM_TIMEOUT = 600.0
KIND_ICONS = {
    InsightKind.PAIN_POINT: "🩹",
    InsightKind.FEATURE_REQUEST: "🛠️",
    InsightKind.PRAISE: "💚",
    InsightKind.IDEA: "💡",
    InsightKind.QUESTION: "❓",
    InsightKind.CHURN_RISK: "⚠️",
    InsightKind.OTHER: "📝",
}

Draft = Callable[[str, InsightKind, Sequence[str]], NewInsight]  # (text, kind, tags) → the insight to save


class InsightTextModal(discord.ui.Modal):
    """What the customer said. Saved at once with the kind given; else the suggested kind is offered first."""

    def __init__(self, draft: Draft, *, kind: InsightKind | None, tags: Sequence[str], prefill: str = "") -> None:
        super().__init__(title="Log an insight", custom_id="lt:insight:modal")
        self.draft, self.kind, self.tags = draft, kind, tuple(tags)
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="What did they tell you?",
            custom_id=TEXT_INPUT,
            style=discord.TextStyle.paragraph,
            max_length=2000,
            default=prefill[:2000] or None,
            placeholder="In their words where you can: “Onboarding new staff takes us two weeks…”",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        if self.kind is not None:
            insight = await services(interaction).insights.add(self.draft(self.text.value, self.kind, self.tags))
            await send_ephemeral(interaction, saved_text(insight))
            return
        assert interaction.guild_id is not None
        suggestion = await services(interaction).insights.suggest(interaction.guild_id, self.text.value)
        tags = self.tags or suggestion.tags
        view = ConfirmKindView(self.draft, self.text.value, suggestion, tags, owner_id=interaction.user.id)
        await interaction.followup.send(confirm_text(suggestion, tags), view=view, ephemeral=True)

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_error(interaction, error, "insight text")


def confirm_text(suggestion: Suggestion, tags: Sequence[str]) -> str:
    kind = suggestion.kind or InsightKind.OTHER
    basis = (
        f"from {plural(suggestion.neighbours, 'similar insight')} logged here"
        if suggestion.neighbours
        else "from its words: no insight logged here is close enough to go by"
    )
    tagged = f" Tags: {', '.join(tags)}." if tags else ""
    return f"Suggested kind: **{kind.label}** ({basis}).{tagged} Pick another kind if it fits better, then **Save**."


class ConfirmKindView(discord.ui.View):
    """The suggested kind, preselected; the person logging confirms or picks another (DESIGN: they decide)."""

    def __init__(self, draft: Draft, text: str, suggestion: Suggestion, tags: Sequence[str], *, owner_id: int) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT)
        self.draft, self.text, self.tags, self.owner_id = draft, text, tuple(tags), owner_id
        self.kind = suggestion.kind or InsightKind.OTHER
        self.kinds: discord.ui.Select[ConfirmKindView] = discord.ui.Select(
            custom_id=KIND_SELECT,
            row=0,
            options=[
                discord.SelectOption(
                    label=kind.label, value=kind.value, emoji=KIND_ICONS[kind], default=kind is self.kind
                )
                for kind in InsightKind
            ],
        )
        self.kinds.callback = self._picked  # type: ignore[method-assign]
        self.add_item(self.kinds)

    async def _picked(self, interaction: Interaction) -> None:
        async def pick() -> None:
            self.kind = InsightKind(self.kinds.values[0])
            await interaction.response.defer()

        await run_safely(interaction, pick, "insight kind")

    @discord.ui.button(label="Save", style=discord.ButtonStyle.success, row=1)  # under the kinds: picked first
    async def save(self, interaction: Interaction, button: discord.ui.Button[Any]) -> None:
        async def save_it() -> None:
            await interaction.response.defer()
            insight = await services(interaction).insights.add(self.draft(self.text, self.kind, self.tags))
            await interaction.edit_original_response(content=saved_text(insight), view=None)
            self.stop()

        await run_safely(interaction, save_it, "save insight")


def saved_text(insight: Insight) -> str:
    tags = f" · tags: {', '.join(insight.tags)}" if insight.tags else ""
    return (
        f"Logged insight **#{insight.id}** as {KIND_ICONS[insight.kind]} **{insight.kind.label}**{tags}. "
        "`/insight search` finds it; `/insight status` closes the loop with the customer when something changes."
    )


def search_embed(page: SearchPage, *, described: str) -> discord.Embed:
    total = f"{page.total:,}+" if page.more else f"{page.total:,}"
    embed = discord.Embed(title=f"Insights · {described}"[:256], colour=BRAND)
    if not page.hits:
        embed.description = "No insight matches. Try fewer words, another spelling, or fewer filters."
        return embed
    embed.description = f"{total} found · page {page.page} of {page.pages}"
    for hit in page.hits:
        insight = hit.insight
        who = f" · <@{insight.customer_user_id}>" if insight.customer_user_id else ""
        who = who or (f" · {discord.utils.escape_markdown(insight.customer_name)}" if insight.customer_name else "")
        name = f"#{insight.id} {KIND_ICONS[insight.kind]} {insight.kind.label} · {insight.status.label}"
        tags = f"\n🏷️ {' · '.join(insight.tags)}" if insight.tags else ""
        when = discord.utils.format_dt(insight.created_at, "d")
        embed.add_field(name=name[:256], value=f"{hit.snippet[:700]}\n{when}{who}{tags}"[:1024], inline=False)
    return embed
