"""Inputs that used to reach "something went wrong" get a message that says what to fix, and change nothing:
dates at the calendar's edges, dates that don't exist, websites pasted as Markdown or half an address."""

from __future__ import annotations

import simcord
from discord import app_commands

from bot.domain.errors import InvalidInput
from tests.bot.meal_story import dms, publish, rsvp_going, said
from tests.bot.test_customers_profile import FULL_PROFILE
from tests.bot.test_tours import new_tour
from tests.conftest import World


async def test_a_meal_at_the_calendars_edges_is_refused_with_the_rule(configured: World) -> None:
    for date, expected in [
        ("0001-01-01", "0001-01-01 has already passed. Pick a date from today on."),
        ("9999-12-31", "That is more than two years away. Pick a date within the next two years."),
        ("2026-02-30", "“2026-02-30” doesn't exist: February 2026 has 28 days."),
    ]:
        result = await configured.manager.slash(
            configured.channel, "meal add", city="Toronto", date=date, time="23:30"
        )
        assert said(result) == expected, date
        simcord.assert_error(configured.env, app_commands.CommandInvokeError)
    assert configured.channel.history() == []


async def test_meal_edit_follows_the_same_date_rules_and_tells_nobody_when_it_refuses(configured: World) -> None:
    ana = configured.members[0]
    post = await publish(configured)
    await rsvp_going(configured, ana, post)
    before = len(dms(ana))

    for date in ("9999-12-31", "0001-01-01"):
        result = await configured.manager.slash(configured.channel, "meal edit", meal=1, date=date)
        assert "Pick a date" in said(result), date
        simcord.assert_error(configured.env, app_commands.CommandInvokeError)

    assert len(dms(ana)) == before  # nobody was told of a move that did not happen
    meal = await configured.bot.services.meals.get(configured.guild.id, 1)
    assert meal.starts_at.year == 2026


async def test_a_tour_at_the_end_of_time_is_refused_plainly(configured: World) -> None:
    result = await new_tour(configured, start_date="9999-12-30")

    assert said(result) == "That is more than two years away. Pick a date within the next two years."
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)
    assert await configured.bot.services.tours.in_guild(configured.guild.id) == []


async def test_a_website_pasted_as_a_markdown_link_is_kept_and_half_an_address_is_explained(world: World) -> None:
    ana = world.members[0]

    shown = await ana.slash(world.channel, "profile edit")
    saved = await ana.submit_modal(shown, FULL_PROFILE | {"lt:profile:website": "[our site](https://costa.example)"})
    assert said(saved) == "Profile saved."
    customer = await world.bot.services.customers.customer(world.guild.id, ana.id)
    assert customer is not None and customer.profile.website == "https://costa.example"

    shown = await ana.slash(world.channel, "profile edit")
    refused = await ana.submit_modal(shown, FULL_PROFILE | {"lt:profile:website": "http://[::1"})
    assert said(refused) == "“http://[::1” doesn't look like a website. Write it like https://acme.com or acme.com."
    customer = await world.bot.services.customers.customer(world.guild.id, ana.id)
    assert customer is not None and customer.profile.website == "https://costa.example"  # unchanged
    simcord.assert_error(world.env, InvalidInput)
