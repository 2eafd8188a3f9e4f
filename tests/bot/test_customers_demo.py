"""The offline demo's community has customers in cities from Toronto to Austin, ready to explore."""

from __future__ import annotations

from typing import cast

import simcord

from bot.app import ListeningTourBot
from bot.demo.run import build_community, seed


async def test_demo_customers_have_cities_profiles_and_stop_requests(simcord_env: simcord.Env) -> None:
    community = build_community(simcord_env)
    bot = cast(ListeningTourBot, simcord_env.bot)

    await seed(bot, community)

    shown = await community.manager.slash(community.channel, "customers cities")
    message = shown.followups[-1] if shown.followups else shown.response
    assert message is not None
    lines = (message.embeds[0].description or "").splitlines()
    assert "**Toronto, Ontario, CA**: 2 customers, 0 stop requests" in lines
    assert "**Austin, Texas, US**: 2 customers, 0 stop requests" in lines
    assert "**Houston, Texas, US**: 0 customers, 2 stop requests" in lines
    assert message.embeds[0].footer.text == "8 customers with a city · 5 stop requests · 10 cities"

    ben = community.customers["ben"]
    ana_profile = await ben.slash(community.channel, "profile show", member=community.customers["ana"])
    fields = {f.name: f.value for f in ana_profile.response.embeds[0].fields}
    assert fields["City"] == "Toronto, Ontario, CA" and fields["What I'm looking for"] == "A good accountant"

    toronto = bot.services.customers.resolve_one("Toronto")
    invited = await bot.services.customers.dm_invitees(community.guild.id, toronto, 50)
    assert invited == sorted([community.customers["ana"].id, ben.id])
