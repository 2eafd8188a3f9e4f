"""Demo data of meals: three published meals along the Toronto → Austin route, with RSVPs, guests, a
full table with a waitlist and a maybe, written through the same services and publisher as /meal add."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import discord

from bot.domain.meals import MealPlace, RsvpStatus
from bot.domain.timeparse import local_to_utc

if TYPE_CHECKING:
    from bot.app import ListeningTourBot

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
    bot: ListeningTourBot, guild: discord.Guild, channel: discord.TextChannel, host_id: int, users: dict[str, int]
) -> None:
    for city_text, day, time, venue, seats, answers in MEALS:
        city = bot.services.customers.resolve_one(city_text)
        place = MealPlace.of(city)
        meal = await bot.services.meals.create(
            guild.id,
            host_id=host_id,
            place=place,
            start=local_to_utc(day, time, city.timezone),
            duration=dt.timedelta(minutes=90),
            capacity=seats,
            venue=venue,
        )
        await bot.meal_posts.publish(meal, channel)
        await bot.meal_posts.create_event(meal, guild)
        for position, (username, answer) in enumerate(answers):
            if answer is None:
                await bot.services.meals.not_going(guild.id, meal.id, users[username], RsvpStatus.MAYBE)
                continue
            await bot.services.meals.going(guild.id, meal.id, users[username], answer)
            if position == 0:  # the first person at every table brings a guest
                await bot.services.meals.toggle_guest(guild.id, meal.id, users[username])
        await bot.meal_posts.refresh(guild.id, meal.id)
