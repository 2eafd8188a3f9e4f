"""Insights as a manager captures them: logged with a form (a suggested kind confirmed), found again with a
search, and closed with the customer when something ships — once."""

from __future__ import annotations

import pytest
import simcord
from discord import app_commands

from bot.domain.customers import OptIn
from bot.domain.insights import SearchQuery
from bot.services.customers import Member
from bot.ui.insights import KIND_SELECT, TEXT_INPUT
from tests.bot.meal_story import dms, publish, rsvp_going, said
from tests.conftest import World, allow_manager_commands

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # the conformance suite: both stores


async def accepts_dms(world: World, actor: simcord.MemberActor) -> None:
    service = world.bot.services.customers
    member = Member(world.guild.id, actor.id, actor.user.name, actor.user.name)
    await service.set_city(member, service.resolve_one("Toronto").geonameid, consenting=True)
    await service.set_opt_in(member, OptIn.DMS, True)


async def test_a_manager_logs_finds_and_closes_the_loop_on_an_insight(configured: World) -> None:
    ana, ben, _ = configured.members
    await accepts_dms(configured, ana)
    await publish(configured)
    maria = configured.manager

    form = await maria.slash(
        configured.channel, "insight add", customer=ana, kind="pain_point", tags="Onboarding, pricing", meal=1
    )
    assert form.modal is not None and form.modal["title"] == "Log an insight"
    logged = await maria.submit_modal(form, {TEXT_INPUT: "Onboarding new staff takes us two weeks every time"})
    assert said(logged).startswith("Logged insight **#1** as 🩹 **pain point** · tags: onboarding, pricing.")

    form = await maria.slash(configured.channel, "insight add", customer=ben)  # no kind: a suggestion first
    offered = await maria.submit_modal(form, {TEXT_INPUT: "Please add a way to export invoices as PDF"})
    asked = offered.followups[-1] if offered.followups else offered.response
    assert asked.content.startswith("Suggested kind: **feature request** (from its words")
    picked = await maria.select(asked, ["idea"], custom_id=KIND_SELECT)  # she knows better
    saved = await maria.click(picked.response.message if picked.response else asked, label="Save")
    assert said(saved).startswith("Logged insight **#2** as 💡 **idea**.")

    found = await maria.slash(configured.channel, "insight search", text="onboarding")
    page = found.followups[-1] if found.followups else found.response
    [hit] = page.embeds[0].fields
    assert hit.name == "#1 🩹 pain point · new"
    assert hit.value.startswith("**Onboarding** new staff takes us two weeks every time")
    assert f"<@{ana.id}>" in hit.value and "🏷️ onboarding · pricing" in hit.value

    shipped = await maria.slash(
        configured.channel, "insight status", insight=1, status="shipped", note="A checklist for new staff is live"
    )
    assert said(shipped) == (
        "Insight **#1** (“Onboarding new staff takes us two weeks every time”) is now **shipped**. 1 customer who "
        "told us will hear back by DM."
    )
    await configured.env.advance_time(5)
    [told] = [m for m in dms(ana) if m.content.startswith("You told us this")]
    assert told.content == (
        "You told us this at **Lunch in Toronto**:\n> Onboarding new staff takes us two weeks every time\n"
        "It has shipped: A checklist for new staff is live. Thank you for telling us!"
    )

    again = await maria.slash(configured.channel, "insight status", insight=1, status="shipped", note="Typo fixed")
    assert "Nobody to tell" in said(again)
    await configured.env.advance_time(5)
    assert len([m for m in dms(ana) if m.content.startswith("You told us this")]) == 1  # once


async def test_bad_insight_input_is_refused_with_what_to_fix(configured: World) -> None:
    maria = configured.manager
    missing = await maria.slash(configured.channel, "insight status", insight=99, status="planned")
    assert said(missing) == "There is no insight #99 in this server; `/insight search` finds it."
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)
    empty = await maria.slash(configured.channel, "insight search", text="zebra")
    page = empty.followups[-1] if empty.followups else empty.response
    assert page.embeds[0].description == "No insight matches. Try fewer words, another spelling, or fewer filters."


async def test_a_manager_logs_a_message_as_an_insight_from_its_menu(configured: World) -> None:
    ana = configured.members[0]
    said_in_chat = await ana.send(configured.channel, "Honestly the mobile app crashes every time I upload a photo")

    form = await configured.manager.context_menu(configured.channel, "Log as insight", said_in_chat)
    assert form.modal is not None
    offered = await configured.manager.submit_modal(form, {TEXT_INPUT: said_in_chat.content})
    asked = offered.followups[-1] if offered.followups else offered.response
    assert asked.content.startswith("Suggested kind: **pain point**")
    saved = await configured.manager.click(asked, label="Save")
    assert said(saved).startswith("Logged insight **#1** as 🩹 **pain point**")

    insight = await configured.bot.services.insights.search(configured.guild.id, SearchQuery.create(text="crashes"))
    [hit] = insight.hits
    assert hit.insight.customer_user_id == ana.id and hit.insight.message_url == said_in_chat.jump_url

    with pytest.raises(simcord.SetupError, match="not visible to this user"):  # hidden from members
        await ana.context_menu(configured.channel, "Log as insight", said_in_chat)


async def test_answers_to_a_meals_own_question_are_logged_as_insights(configured: World) -> None:
    ana, ben, _ = configured.members
    asking = await publish(configured, question="What slows your team down?")
    await rsvp_going(configured, ana, asking, answer="Chasing invoices by hand every Friday")
    await rsvp_going(configured, ben, asking)  # the default answer in these stories, also logged

    found = await configured.bot.services.insights.search(configured.guild.id, SearchQuery.create(text="invoices"))
    [hit] = found.hits
    assert hit.insight.customer_user_id == ana.id and hit.insight.meal_id == 1
    assert hit.insight.source.value == "rsvp"

    plain = await publish(configured, date="2026-01-11")  # "What do you do?" is who they are, not an insight
    await rsvp_going(configured, ana, plain, answer="I run a bakery")
    everything = await configured.bot.services.insights.search(configured.guild.id, SearchQuery.create())
    assert everything.total == 2


async def test_a_report_with_charts_and_exports_that_name_only_who_agreed(configured: World) -> None:
    ana, ben, _ = configured.members
    for member in (ana, ben):
        await accepts_dms(configured, member)
    await configured.bot.services.customers.set_opt_in(
        Member(configured.guild.id, ana.id, ana.user.name, ana.user.name), OptIn.QUOTES, True
    )
    await publish(configured)
    maria = configured.manager
    for who, kind, text in (
        (ana, "praise", "The lunch was the best hour of my month"),
        (ben, "pain_point", "Exports break every time we have more than a thousand rows"),
    ):
        form = await maria.slash(configured.channel, "insight add", customer=who, kind=kind, meal=1, tags="lunch")
        await maria.submit_modal(form, {TEXT_INPUT: text})

    shown = await maria.slash(configured.channel, "insight report", city="Toronto")
    page = shown.followups[-1] if shown.followups else shown.response
    assert page.embeds[0].title == "Insight report · Toronto"
    pictures = {file.filename: await file.read() for file in page.attachments}
    assert {"kinds-per-city.png", "trend.png", "top-tags.png"} <= set(pictures)
    assert all(png.startswith(b"\x89PNG") and len(png) > 5_000 for png in pictures.values())

    exported = await maria.slash(configured.channel, "insight export", format="markdown")
    page = exported.followups[-1] if exported.followups else exported.response
    [file] = page.attachments
    assert file.filename == "insights-all.md"
    markdown = (await file.read()).decode()
    assert "best hour of my month" in markdown and "Exports break" in markdown
    assert "ana" in markdown.casefold()  # Ana agreed to be quoted
    assert "ben" not in markdown.casefold()  # Ben did not: "a customer in Toronto"

    bad = await maria.slash(configured.channel, "insight report", since="yesterday-ish")
    assert said(bad) == "“yesterday-ish” is not a date I can read. Write it like 2026-03-14."
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)


async def test_search_filters_by_city_and_period_and_meals_complete_for_managers(configured: World) -> None:
    maria = configured.manager
    await publish(configured)
    for city, text in (("Toronto", "Shipping to the US takes a week"), ("Austin", "Shipping is fine for us")):
        form = await maria.slash(configured.channel, "insight add", kind="pain_point", city=city)
        await maria.submit_modal(form, {TEXT_INPUT: text})

    found = await maria.slash(configured.channel, "insight search", text="shipping", city="Austin")
    page = found.followups[-1] if found.followups else found.response
    [hit] = page.embeds[0].fields
    assert hit.value.startswith("**Shipping** is fine for us") and page.embeds[0].title == (
        "Insights · “shipping” · Austin"
    )
    later = await maria.slash(configured.channel, "insight search", text="shipping", since="2026-02-01")
    page = later.followups[-1] if later.followups else later.response
    assert page.embeds[0].fields == []  # both were logged on 1 January

    meals = await maria.autocomplete(configured.channel, "insight add", "meal", "Lunch")
    assert [choice["name"] for choice in meals] == ["#1 Lunch in Toronto · Sat 10 Jan 12:30"]
    await allow_manager_commands(configured, configured.guild.default_role)  # even if an admin showed it to all
    assert await configured.members[0].autocomplete(configured.channel, "insight add", "meal", "") == []
