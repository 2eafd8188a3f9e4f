"""Demo data of meals: three published meals along the Toronto → Austin route, with RSVPs, guests, a
full table with a waitlist and a maybe, written through the same services as /meal add."""

from __future__ import annotations

import datetime as dt

from bot.domain.meals import MealPlace, RsvpStatus
from bot.domain.timeparse import local_to_utc
from bot.services import Services

# (city as typed, local date, local time, venue, seats, [(username, answer or None for a maybe)])
MEALS = (
    (
        "Toronto",
        dt.date(2026, 1, 8),
        dt.time(7, 30),
        "Lady Marmalade, 265 Broadview Ave",
        3,
        [("ana", "I run a bakery with 12 people"), ("ben", "Logistics for small importers"), ("chen", "Design studio")],
    ),
    ("Chicago", dt.date(2026, 1, 9), dt.time(18, 30), "Girl & the Goat", 8, [("dara", "Accounting"), ("eli", None)]),
    ("Austin", dt.date(2026, 1, 11), dt.time(12, 0), None, 10, [("gus", "Coffee roaster"), ("hana", "Software")]),
)


async def seed_meals(
    services: Services, guild_id: int, channel_id: int, host_id: int, users: dict[str, int]
) -> None:
    """The posts and events follow through the outbox, as for /meal add."""
    for city_text, day, time, venue, seats, answers in MEALS:
        city = services.customers.resolve_one(city_text)
        meal = await services.meals.create(
            guild_id,
            host_id=host_id,
            place=MealPlace.of(city),
            start=local_to_utc(day, time, city.timezone),
            duration=dt.timedelta(minutes=90),
            channel_id=channel_id,
            capacity=seats,
            venue=venue,
        )
        for position, (username, answer) in enumerate(answers):
            if answer is None:
                await services.meals.not_going(guild_id, meal.id, users[username], RsvpStatus.MAYBE)
                continue
            await services.meals.going(guild_id, meal.id, users[username], answer)
            if position == 0:  # the first person at every table brings a guest
                await services.meals.toggle_guest(guild_id, meal.id, users[username])
