"""The offline demo has a planned Toronto → Austin tour to show, beside its three published meals."""

from __future__ import annotations

import re

import simcord

from bot.demo.run import build_community, seed
from bot.demo.tours import TEAMS_TOUR_NAME, TOUR_NAME


async def test_the_demo_has_a_planned_tour_that_a_manager_can_show(simcord_env: simcord.Env) -> None:
    community = build_community(simcord_env)
    bot = simcord_env.bot
    await seed(bot, community)

    tours = {t.name: t for t in await bot.services.tours.in_guild(community.guild.id)}
    tour, relay = tours[TOUR_NAME], tours[TEAMS_TOUR_NAME]
    assert (tour.name, tour.days, tour.status.value) == (TOUR_NAME, 4, "planned")
    assert (relay.name, relay.teams, relay.status.value) == (TEAMS_TOUR_NAME, 2, "planned")
    both = bot.services.tours.itinerary(relay)
    itinerary = bot.services.tours.itinerary(tour)
    assert both is not None and itinerary is not None and {meal.team for meal in both.meals} == {0, 1}
    assert both.expected + both.requests > itinerary.expected + itinerary.requests  # two hosts meet more people
    cities = {meal.city.name for meal in itinerary.meals}
    assert {"Toronto", "Chicago", "Austin"} <= cities and len(itinerary.meals) >= 5
    wanted = {c.city.name for c in await bot.services.customers.city_counts(community.guild.id)}
    assert cities <= wanted  # every meal is where demo customers live or asked for a stop
    assert max(itinerary.drive_by_day) <= 9.0

    shown = await community.manager.slash(community.channel, "tour show", tour=tour.id)
    assert shown.response is not None and shown.response.embeds[0].title == f"{TOUR_NAME} — proposed tour"
    assert [a.filename for a in shown.response.attachments] == ["tour-map.png"]
    posts = [m for m in community.channel.history() if m.embeds]
    assert len(posts) == 4  # the tour is planned, not published: the channel keeps the demo meals


async def test_the_demo_tour_reads_as_days_a_team_can_live(simcord_env: simcord.Env) -> None:
    community = build_community(simcord_env)
    await seed(simcord_env.bot, community)

    shown = await community.manager.slash(community.channel, "tour show", tour=1)

    assert shown.response is not None
    text = "\n".join(embed.description or "" for embed in shown.response.embeds)
    days = text.split("__**Day ")[1:]
    assert len(days) == 4
    for day in days[:-1]:  # every night has a named place and an arrival time
        assert re.search(r"\n🌙 Night in \*\*[^*]+\*\* · arrive \d\d:\d\d [A-Z]{3}", day), day
    assert "🌙" not in days[-1]  # the tour ends in Austin
    assert "🌙 Night in **Michigan City, IN**" in text  # round Lake Michigan, not across it from Grand Haven
    assert "Grand Haven" not in text and "Milwaukee" not in text  # Milwaukee is 7 h round the lake
    assert "**Breakfast in Kansas City** —" in text and "· 1 stop request" in text  # a request is no customer
    assert "~0 customers" not in text and "no free meal slot" not in text
    assert "• Dallas (1 customer): it fits only in place of the breakfast in Kansas City on day 3" in text
