"""Demo data of tours: a planned Toronto → Austin tour over 4 days, and the same trip by two teams in parallel,
written through the same service as /tour new and /tour plan (not published, so the channel keeps just the
three demo meals)."""

from __future__ import annotations

from bot.services import Services

TOUR_NAME = "Winter listening tour"
TEAMS_TOUR_NAME = "Winter relay (two teams)"


async def seed_tours(services: Services, guild_id: int, manager_id: int) -> None:
    tour = await services.tours.create(
        guild_id,
        by=manager_id,
        name=TOUR_NAME,
        start="Toronto",
        end="Austin",
        start_date="2026-02-02",
        days=4,
        min_attendance=1,  # the demo community is small: one customer makes a meal worth it
    )
    await services.tours.plan(guild_id, tour.id)
    relay = await services.tours.create(
        guild_id,
        by=manager_id,
        name=TEAMS_TOUR_NAME,
        start="Toronto",
        end="Austin",
        start_date="2026-02-02",
        days=4,
        min_attendance=1,
        teams=2,  # two hosts split the cities: more demo customers and stop requests get a meal
    )
    await services.tours.plan(guild_id, relay.id)
