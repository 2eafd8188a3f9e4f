"""The offline demo's community is seeded through the real services: every feature has something to show."""

from __future__ import annotations

import simcord

from bot.demo.run import build_community, seed


async def test_the_demo_community_has_customers_meals_and_rsvps(simcord_env: simcord.Env) -> None:
    community = build_community(simcord_env)
    bot = simcord_env.bot

    await seed(bot, community)

    posts = [m for m in community.channel.history() if m.embeds]
    assert [p.embeds[0].title for p in posts] == ["Breakfast in Toronto", "Dinner in Chicago", "Lunch in Austin"]
    toronto = {f.name: f.value for f in posts[0].embeds[0].fields}
    assert toronto["Seats"] == "Full (3 seats) · 1 waiting"  # Ana +1 and Ben; Chen waits
    assert len(list(bot.get_guild(community.guild.id).scheduled_events)) == 3
    counts = await bot.services.customers.city_counts(community.guild.id)
    assert sum(c.customers for c in counts) == 8
