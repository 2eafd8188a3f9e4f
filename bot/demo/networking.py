"""Demo data of peer networking: a lunch in Toronto on 2 January that has already happened, where introductions
went out before the meal, a seating plan put people together, and afterwards Ana and Dara swapped cards while
Ben's offer to Ana waits for her answer; three hours after it those who came were asked for feedback (three
answered; `/meal attendees meal:4` shows it), Ana referred someone, and a day later everyone is asked "did you
connect?". The Austin lunch
to come has new introductions waiting for the manager to send (`/meal intros`).

The demo's clock (simcord's) starts on 1 January; seeding moves it on past the lunch, so the card swap and
the follow-up are in the customers' DMs when the page opens. The demo server asks after one day instead of
seven so that the follow-up is there too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from bot.domain.feedback import Refer
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
FEEDBACK = (  # (who, 0–10, would refer a peer, comment): Chen and Fatima haven't answered
    ("ana", 10, Refer.YES, "Dara sorted out my tax question over dessert!"),
    ("ben", 8, Refer.MAYBE, None),
    ("dara", 6, None, "Lovely people, but the room was too loud to talk."),
)
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
    await advance(lunch.starts_at)  # everyone but Chen turned up
    for username in ("ana", "ben", "dara", "fatima"):
        await services.meals.check_in(guild_id, lunch.id, users[username], by_manager=True)
    await advance(lunch.ends_at + dt.timedelta(minutes=31))  # the lunch is over: the card swap goes out
    ana, ben, dara = users["ana"], users["ben"], users["dara"]
    await services.networking.share_card(guild_id, lunch.id, ana, [dara], "ana@costabreads.ca")
    await services.networking.share_card(guild_id, lunch.id, dara, [ana], "dara@singh.co")
    await services.networking.share_card(guild_id, lunch.id, ben, [ana], "ben@okaforfreight.com")
    await advance(lunch.ends_at + dt.timedelta(days=1, minutes=1))  # the feedback request, then "did you connect?"
    for username, score, refer, comment in FEEDBACK:
        await services.feedback.answer(guild_id, lunch.id, users[username], score=score, refer=refer, comment=comment)
    await services.feedback.record_referral(
        guild_id, referrer_id=ana, referred_id=None, referred_name="Lena from the bakery next door", tour_id=None,
        by=host_id,
    )  # fmt: skip
    austin = await services.meals.upcoming(guild_id)
    for meal in austin:
        if meal.place.city == "Austin":
            for username, answer in AUSTIN_GUESTS.items():
                await services.meals.going(guild_id, meal.id, users[username], answer)
