"""Demo data of peer networking: a lunch in Toronto on 2 January that has already happened, where introductions
went out before the meal, a seating plan put people together, and afterwards Ana and Dara swapped cards while
Ben's offer to Ana waits for her answer; a day later everyone is asked "did you connect?". The Austin lunch
to come has new introductions waiting for the manager to send (`/meal intros`).

The demo's clock (simcord's) starts on 1 January; seeding moves it on past the lunch, so the card swap and
the follow-up are in the customers' DMs when the page opens. The demo server asks after one day instead of
seven so that the follow-up is there too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from bot.domain.meals import MealPlace
from bot.domain.timeparse import local_to_utc
from bot.services import Services

LUNCH_DAY = dt.date(2026, 1, 2)
ANSWERS = {
    "ana": "I run a bakery with 12 people",
    "ben": "Shipping for small importers",
    "chen": "Industrial design",
    "dara": "Accountant for small businesses",
    "fatima": "Marketing agency",
}
AUSTIN_GUESTS = {"eli": "Craft brewery, looking at Texas", "ben": "Shipping for food makers", "fatima": "Marketing"}

Advance = Callable[[dt.datetime], Awaitable[None]]  # move the demo's clock on to that instant


async def seed_networking(
    services: Services, advance: Advance, guild_id: int, channel_id: int, host_id: int, users: dict[str, int],
    names: dict[int, str],
) -> None:  # fmt: skip
    await services.guild_setup.update(guild_id, by=host_id, by_can_manage_server=True, followup_days=1)
    toronto = services.customers.resolve_one("Toronto")
    lunch = await services.meals.create(
        guild_id,
        host_id=host_id,
        place=MealPlace.of(toronto),
        start=local_to_utc(LUNCH_DAY, dt.time(12, 0), toronto.timezone),
        duration=dt.timedelta(minutes=90),
        channel_id=channel_id,
        capacity=12,
        venue="Pai, 18 Duncan St",
    )
    for username, answer in ANSWERS.items():
        await services.meals.going(guild_id, lunch.id, users[username], answer)
    await services.meals.toggle_guest(guild_id, lunch.id, users["ana"])  # Ana brings her business partner
    await services.networking.send_introductions(guild_id, lunch.id, names)
    await services.networking.seating(guild_id, lunch.id, 4, names)
    await advance(lunch.ends_at + dt.timedelta(minutes=31))  # the lunch is over: the card swap goes out
    ana, ben, dara = users["ana"], users["ben"], users["dara"]
    await services.networking.share_card(guild_id, lunch.id, ana, [dara], "ana@costabreads.ca")
    await services.networking.share_card(guild_id, lunch.id, dara, [ana], "dara@singh.co")
    await services.networking.share_card(guild_id, lunch.id, ben, [ana], "ben@okaforfreight.com")
    await advance(lunch.ends_at + dt.timedelta(days=1, minutes=1))  # "did you connect?"
    austin = await services.meals.upcoming(guild_id)
    for meal in austin:
        if meal.place.city == "Austin":
            for username, answer in AUSTIN_GUESTS.items():
                await services.meals.going(guild_id, meal.id, users[username], answer)
