"""A community manager hands the tour plan over: `/tour show export:` attaches it as Markdown or as a one-page PDF,
beside the usual plan and map; once published, the file has each meal's venue. Customers can't export, a tour
without a plan says so, and the demo's tour exports too."""

from __future__ import annotations

import re
from typing import cast

import discord
import pytest
import simcord
from discord import app_commands

from bot.app import ListeningTourBot
from bot.demo.run import build_community, seed
from bot.domain.tour_planning import Itinerary, PlannedMeal
from bot.errors import NOT_MANAGER, NotManager
from tests.bot.meal_story import said
from tests.bot.test_tours import new_tour, seed_customers
from tests.conftest import World, run_as_member


async def planned(world: World) -> Itinerary:
    """Customers along Toronto → Austin, and the "Spring" tour planned for them."""
    await seed_customers(world)
    await new_tour(world)
    await world.manager.slash(world.channel, "tour plan", tour=1)
    tour = await world.bot.services.tours.get(world.guild.id, 1)
    itinerary = world.bot.services.tours.itinerary(tour)
    assert itinerary is not None and itinerary.meals
    return itinerary


def attachments(result: simcord.InteractionResult) -> dict[str, discord.Attachment]:
    assert result.response is not None
    return {a.filename: a for a in result.response.attachments}


def meal_line(meal: PlannedMeal) -> str:
    start, end = meal.local_start, meal.local_end
    title = f"{meal.slot.value.capitalize()} in {meal.city.name}"
    return f"- {start:%H:%M}–{end:%H:%M} {start:%Z} · **{title}** · {meal.who_comes}"


async def test_a_manager_exports_the_plan_as_markdown_beside_the_map(configured: World) -> None:
    itinerary = await planned(configured)

    shown = await configured.manager.slash(configured.channel, "tour show", tour=1, export="markdown")

    assert shown.ephemeral and shown.response is not None
    assert shown.response.content == (
        "Planned, not published yet: adjust it with `/tour stop`, then `/tour publish` posts its meals with RSVP "
        "buttons. The plan to hand over is attached as Markdown: `spring.md`."
    )
    assert shown.response.embeds[0].title == "Spring — proposed tour"  # /tour show as always, plus the file
    files = attachments(shown)
    assert list(files) == ["tour-map.png", "spring.md"]
    assert files["spring.md"].content_type == "text/markdown"
    lines = (await files["spring.md"].read()).decode().splitlines()
    assert lines[0] == "# Spring"
    assert lines[2].startswith("**Toronto → Austin** · 4 days · ")
    assert "![Route map of the tour](tour-map.png)" in lines  # the picture attached beside it
    for day in itinerary.by_day():
        assert f"## Day {day.day + 1} · {day.date:%a %d %b} · {day.drive_hours:.1f} h driving" in lines
    for meal in itinerary.meals:
        assert meal_line(meal) in lines  # local time with its zone, the city, who is expected; no venue yet
    drives = [line for line in lines if " · Drive " in line]
    assert len(drives) == len(itinerary.legs)
    assert all(re.fullmatch(r"- \d\d:\d\d [A-Z]{3} · Drive .+ → .+ · [\d,]+ km · \d+\.\d h", d) for d in drives)
    nights = [line for line in lines if line.startswith("- Night in ")]
    assert len(nights) == len(itinerary.nights) and all(" · arrive " in night for night in nights)
    assert any(line.startswith("- New York City (12 customers): too far off the route") for line in lines)
    assert "venue" not in "\n".join(lines[5:])  # a planned tour has no venues: not one "to be announced" per meal


async def test_a_manager_exports_the_plan_as_a_one_page_pdf(configured: World) -> None:
    await planned(configured)

    shown = await configured.manager.slash(configured.channel, "tour show", tour=1, export="pdf")

    assert shown.response is not None
    assert shown.response.content.endswith("The plan to hand over is attached as a one-page PDF: `spring.pdf`.")
    files = attachments(shown)
    assert list(files) == ["tour-map.png", "spring.pdf"]
    assert files["spring.pdf"].content_type == "application/pdf"
    pdf = await files["spring.pdf"].read()
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf)) == 1


async def test_once_published_the_export_has_the_venues_and_the_calendar_stays(configured: World) -> None:
    itinerary = await planned(configured)
    await configured.manager.slash(configured.channel, "tour publish", tour=1)
    services = configured.bot.services
    first, *_ = await services.tours.meal_ids(configured.guild.id, 1)
    await services.meals.edit(configured.guild.id, first, venue="Joe's Diner, 12 King St")
    slot = (await services.meals.get(configured.guild.id, first)).tour_slot
    assert slot is not None

    shown = await configured.manager.slash(configured.channel, "tour show", tour=1, export="markdown")

    assert said(shown) == (
        "Published: the calendar of every meal is attached. The plan to hand over is attached as Markdown: `spring.md`."
        "\nNetworking so far: 0 introductions sent · 0 followed by a card offer · 0 card swaps · 0 connections made."
        "\nFeedback: no answers yet · 0 referrals recorded (`/customers referral` records one)."
    )
    files = attachments(shown)
    assert list(files) == ["tour-map.png", "tour-1.ics", "spring.md"]
    lines = (await files["spring.md"].read()).decode().splitlines()
    for number, meal in enumerate(itinerary.meals):
        venue = "at Joe's Diner, 12 King St" if number == slot else "venue to be announced"
        assert f"{meal_line(meal)} · {venue}" in lines


async def test_customers_cannot_export_a_tour(configured: World) -> None:
    await planned(configured)
    ana = configured.members[0]

    result = await run_as_member(configured, ana, "tour show", tour=1, export="pdf")

    assert result.ephemeral and result.response is not None
    assert result.response.content == NOT_MANAGER and result.response.attachments == []
    simcord.assert_error(configured.env, NotManager)


async def test_exporting_needs_a_plan_and_a_format_discord_offers(configured: World) -> None:
    await new_tour(configured)  # a draft: nothing planned yet

    result = await configured.manager.slash(configured.channel, "tour show", tour=1, export="pdf")

    assert result.ephemeral and said(result) == "**Spring** has no plan yet. Run `/tour plan` first."
    assert all(not message.attachments for message in configured.channel.history(viewer=configured.manager))
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)
    unknown = await configured.manager.slash(configured.channel, "tour show", tour=99, export="markdown")
    assert said(unknown) == "I can't find that tour here. Pick one from the list (`/tour list`)."
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)
    with pytest.raises(simcord.OptionError, match="only allows \\['pdf', 'markdown'\\]"):
        await configured.manager.slash(configured.channel, "tour show", tour=1, export="docx")


async def test_the_demo_tour_exports_as_a_pdf(simcord_env: simcord.Env) -> None:
    community = build_community(simcord_env)
    await seed(cast(ListeningTourBot, simcord_env.bot), community)

    shown = await community.manager.slash(community.channel, "tour show", tour=1, export="pdf")

    assert [a.filename for a in attachments(shown).values()] == ["tour-map.png", "winter-listening-tour.pdf"]
    assert (await attachments(shown)["winter-listening-tour.pdf"].read()).startswith(b"%PDF-")
