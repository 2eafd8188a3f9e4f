"""/insight add · search · report · export · status and the message menu **Log as insight**: managers capture
what customers say, find it again, report on it, and close the loop."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

import discord
from discord import app_commands

from bot.app import ListeningTourBot
from bot.checks import MANAGERS_BY_DEFAULT, answers_first, manager_only, member_is_manager, require_manager
from bot.domain.customers import OptIn
from bot.domain.errors import InvalidInput
from bot.domain.insights import InsightKind, InsightSource, InsightStatus, NewInsight, SearchQuery, clean_tags
from bot.domain.timeparse import parse_date
from bot.services.insights import ReportData
from bot.ui.city_choices import city_choices
from bot.ui.insight_report import Person, export_csv, export_json, export_markdown, report_charts, report_embed
from bot.ui.insights import InsightTextModal, search_embed
from bot.ui.meal_choices import recent_meal_choices
from bot.ui.respond import respond
from bot.ui.style import plural
from bot.ui.tour_choices import tour_choices

Interaction = discord.Interaction[ListeningTourBot]

EXPORT_FORMATS = [
    app_commands.Choice(name="CSV: a spreadsheet", value="csv"),
    app_commands.Choice(name="JSON: for tools", value="json"),
    app_commands.Choice(name="Markdown: a report to paste into a document", value="markdown"),
]
EXTENSIONS = {"csv": "csv", "json": "json", "markdown": "md"}
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
        city="Or the city it's about, when it wasn't at a meal",
    )
    @app_commands.choices(kind=KINDS)
    @app_commands.autocomplete(tags=tag_choices, city=city_choices)
    @app_commands.autocomplete(meal=recent_meal_choices)
    async def add(
        self,
        interaction: Interaction,
        customer: discord.Member | None = None,
        customer_name: app_commands.Range[str, 1, 100] | None = None,
        kind: app_commands.Choice[str] | None = None,
        tags: app_commands.Range[str, 1, 330] | None = None,
        meal: int | None = None,
        city: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        guild_id, by = _guild(interaction), interaction.user.id
        checked_tags = clean_tags(tags)  # a bad tag or city is refused before the form opens
        city_id = interaction.client.services.customers.resolve_one(city).geonameid if city else None

        def draft(text: str, chosen: InsightKind, final_tags: Sequence[str]) -> NewInsight:
            return NewInsight.create(
                guild_id=guild_id, text=text, kind=chosen, logged_by=by, tags=final_tags,
                customer_user_id=customer.id if customer else None, customer_name=customer_name, meal_id=meal,
                city_id=city_id,
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
        tour="Only the insights of this tour's meals",
        city="Only insights from this city",
        since="Only insights logged since this day, e.g. 2026-01-01",
        until="Only insights logged before this day",
        page="Page of the results (10 a page)",
    )
    @app_commands.choices(kind=KINDS, status=STATUSES)
    @app_commands.autocomplete(tag=tag_choices, city=city_choices)
    @app_commands.autocomplete(tour=tour_choices)
    async def search(
        self,
        interaction: Interaction,
        text: app_commands.Range[str, 1, 500] | None = None,
        kind: app_commands.Choice[str] | None = None,
        tag: app_commands.Range[str, 1, 30] | None = None,
        status: app_commands.Choice[str] | None = None,
        customer: discord.Member | None = None,
        tour: int | None = None,
        city: app_commands.Range[str, 1, 100] | None = None,
        since: app_commands.Range[str, 1, 40] | None = None,
        until: app_commands.Range[str, 1, 40] | None = None,
        page: app_commands.Range[int, 1, 1000] = 1,
    ) -> None:
        scope = await _scope(interaction, tour, city, since)
        before = dt.datetime.combine(parse_date(until), dt.time(), tzinfo=dt.UTC) if until else None
        query = SearchQuery.create(
            text=text, kind=kind.value if kind else None, tag=tag, status=status.value if status else None,
            customer_user_id=customer.id if customer else None, tour_id=scope.tour_id, city_id=scope.city_id,
            since=scope.since, until=before, page=page,
        )  # fmt: skip
        found = await interaction.client.services.insights.search(_guild(interaction), query)
        described = " · ".join(
            part for part in (
                f"“{text}”" if text else "", kind.name if kind else "", f"#{tag}" if tag else "",
                status.name if status else "", customer.display_name if customer else "",
                "" if scope.label == "everything" else scope.label, f"before {until}" if until else "",
            ) if part
        ) or "all"  # fmt: skip
        await respond(interaction, embed=search_embed(found, described=described))

    @manager_only
    @answers_first
    @app_commands.command(name="report", description="What we heard, by kind, city, month and tag, with charts")
    @app_commands.describe(
        tour="Only the insights of this tour's meals",
        city="Only insights from this city",
        since="Only insights logged since this day, e.g. 2026-01-01",
    )
    @app_commands.autocomplete(tour=tour_choices)
    @app_commands.autocomplete(city=city_choices)
    async def report(
        self,
        interaction: Interaction,
        tour: int | None = None,
        city: app_commands.Range[str, 1, 100] | None = None,
        since: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        scope, data = await _report(interaction, tour, city, since)
        charts = await asyncio.to_thread(
            report_charts, data.report, meal_scores=data.meal_scores, city_names=_city_names(interaction, data)
        )
        embed = report_embed(data.report, scope=scope.label, feedback=data.feedback if data.feedback.answers else None)
        files = [discord.File(io.BytesIO(png), filename=name) for name, png in charts]
        if files:
            embed.set_image(url=f"attachment://{charts[0][0]}")
        await interaction.followup.send(embed=embed, files=files, ephemeral=True)

    @manager_only
    @answers_first
    @app_commands.command(name="export", description="Every insight of a scope as CSV, JSON or a Markdown report")
    @app_commands.describe(
        format="CSV for a spreadsheet, JSON for tools, Markdown for a report to paste into a document",
        tour="Only the insights of this tour's meals",
        city="Only insights from this city",
        since="Only insights logged since this day, e.g. 2026-01-01",
    )
    @app_commands.choices(format=EXPORT_FORMATS)
    @app_commands.autocomplete(tour=tour_choices)
    @app_commands.autocomplete(city=city_choices)
    async def export(
        self,
        interaction: Interaction,
        format: app_commands.Choice[str],
        tour: int | None = None,
        city: app_commands.Range[str, 1, 100] | None = None,
        since: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        scope, data = await _report(interaction, tour, city, since)
        people, cities = _people(interaction, data), _city_names(interaction, data)
        if format.value == "csv":
            content = export_csv(data.rows, people, city_names=cities)
        elif format.value == "json":
            content = export_json(data.rows, people, city_names=cities)
        else:
            feedback = data.feedback if data.feedback.answers else None
            content = export_markdown(
                data.report, data.rows, people, scope=scope.label, city_names=cities, feedback=feedback
            )
        name = f"insights-{scope.slug}.{EXTENSIONS[format.value]}"
        note = (
            f"{plural(len(data.rows), 'insight')} ({scope.label}). Customers are named only where they agreed to "
            "be quoted (`/privacy settings`); the others read like “a bookkeeper in Detroit”."
        )
        await interaction.followup.send(note, file=discord.File(io.BytesIO(content), filename=name), ephemeral=True)

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
        words = discord.utils.escape_markdown(change.insight.text)
        quoted = words if len(words) <= 120 else words[:119] + "…"
        await respond(
            interaction, f"Insight **#{insight}** (“{quoted}”) is now **{change.insight.status.label}**.{told}"
        )


@dataclass(frozen=True)
class Scope:
    tour_id: int | None
    city_id: int | None
    since: dt.datetime | None
    label: str  # "Spring tour · Toronto · since 1 Jan 2026", or "everything"
    slug: str  # for file names


async def _scope(interaction: Interaction, tour: int | None, city: str | None, since: str | None) -> Scope:
    """The report's scope from the options; a bad one is refused with what to fix before any work."""
    services = interaction.client.services
    parts, slug = [], []
    found_tour = await services.tours.get(_guild(interaction), tour) if tour is not None else None
    if found_tour is not None:
        parts.append(found_tour.name)
        slug.append(f"tour-{found_tour.id}")
    found_city = services.customers.resolve_one(city) if city is not None else None
    if found_city is not None:
        parts.append(found_city.name)
        slug.append(found_city.name.lower().replace(" ", "-"))
    start = None
    if since is not None:
        day = parse_date(since)
        start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        parts.append(f"since {day:%d %b %Y}")
        slug.append(f"since-{day.isoformat()}")
    return Scope(
        found_tour.id if found_tour else None,
        found_city.geonameid if found_city else None,
        start,
        " · ".join(parts) or "everything",
        "-".join(slug) or "all",
    )


async def _report(
    interaction: Interaction, tour: int | None, city: str | None, since: str | None
) -> tuple[Scope, ReportData]:
    scope = await _scope(interaction, tour, city, since)
    data = await interaction.client.services.insights.report(
        _guild(interaction), tour_id=scope.tour_id, city_id=scope.city_id, since=scope.since
    )
    return scope, data


def _city_names(interaction: Interaction, data: ReportData) -> dict[int, str]:
    names = {}
    for city_id in {*(c for c in data.report.by_city if c is not None), *(r.city_id for r in data.rows if r.city_id)}:
        try:
            names[city_id] = interaction.client.services.customers.city(city_id).name
        except InvalidInput:  # a city no longer in the gazetteer: its id will do
            continue
    return names


def _people(interaction: Interaction, data: ReportData) -> dict[int, Person]:
    """What an export may say of each customer: their name only with the quotes opt-in."""
    people = {}
    for user_id, customer in data.customers.items():
        city = None
        if customer.city_id is not None:
            with contextlib.suppress(InvalidInput):
                city = interaction.client.services.customers.city(customer.city_id).name
        people[user_id] = Person(
            name=customer.name or customer.discord_name or "a customer",
            quotes_ok=customer.opted_in(OptIn.QUOTES),
            what_i_do=customer.profile.what_i_do,
            city=city,
        )
    return people


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
