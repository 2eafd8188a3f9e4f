"""The offline demo has a planned Toronto → Austin tour to show, beside its three published meals."""

from __future__ import annotations

import simcord

from bot.demo.run import build_community, seed
from bot.demo.tours import TOUR_NAME


async def test_the_demo_has_a_planned_tour_that_a_manager_can_show(simcord_env: simcord.Env) -> None:
    community = build_community(simcord_env)
    bot = simcord_env.bot
    await seed(bot, community)

    [tour] = await bot.services.tours.in_guild(community.guild.id)
    assert (tour.name, tour.days, tour.status.value) == (TOUR_NAME, 4, "planned")
    itinerary = bot.services.tours.itinerary(tour)
    assert itinerary is not None
    cities = {meal.city.name for meal in itinerary.meals}
    assert {"Toronto", "Chicago", "Austin"} <= cities and len(itinerary.meals) >= 5
    wanted = {c.city.name for c in await bot.services.customers.city_counts(community.guild.id)}
    assert cities <= wanted  # every meal is where demo customers live or asked for a stop
    assert max(itinerary.drive_by_day) <= 9.0

    shown = await community.manager.slash(community.channel, "tour show", tour=tour.id)
    assert shown.response is not None and shown.response.embeds[0].title == f"{TOUR_NAME} — proposed tour"
    assert [a.filename for a in shown.response.attachments] == ["tour-map.png"]
    posts = [m for m in community.channel.history() if m.embeds]
    assert len(posts) == 3  # the tour is planned, not published: the channel keeps the demo meals
