"""The offline demo's community is seeded through the real services: every feature has something to show."""

from __future__ import annotations

from typing import cast

import pytest_asyncio
import simcord

from bot.app import ListeningTourBot
from bot.config import Settings
from bot.demo.run import build_community, build_demo_bot, seed
from bot.runtime import open_database
from tests.bot.meal_story import dms, rsvp_going


@pytest_asyncio.fixture
async def simcord_bot(settings: Settings):  # type: ignore[no-untyped-def]
    """The demo's own bot (as `python -m bot demo` builds it), instead of the tests' usual one."""
    db = await open_database(settings.database_path())
    bot = build_demo_bot(settings, db)
    yield bot
    await bot.close()
    await db.close()


async def test_the_demo_community_has_customers_meals_and_rsvps(simcord_env: simcord.Env) -> None:
    community = build_community(simcord_env)
    bot = simcord_env.bot

    await seed(bot, community)

    posts = [m for m in community.channel.history() if m.embeds]
    titles = [p.embeds[0].title for p in posts]
    assert titles == ["Breakfast in Toronto", "Dinner in Chicago", "Lunch in Austin", "Lunch in Toronto"]
    toronto = {f.name: f.value for f in posts[0].embeds[0].fields}
    assert toronto["Seats"] == "Full (3 seats) · 1 waiting"  # Ana +1 and Ben; Chen waits
    assert len(list(bot.get_guild(community.guild.id).scheduled_events)) >= 3  # the past lunch's may be over
    counts = await bot.services.customers.city_counts(community.guild.id)
    assert sum(c.customers for c in counts) == 8


async def test_in_the_demo_a_notice_to_many_people_goes_out_although_time_stands_still(
    simcord_env: simcord.Env,
) -> None:
    community = build_community(simcord_env)
    bot = cast(ListeningTourBot, simcord_env.bot)
    await seed(bot, community)
    austin = next(p for p in community.channel.history() if p.embeds and p.embeds[0].title == "Lunch in Austin")
    people = list(community.customers.values())
    for person in people[:6]:
        await rsvp_going(community, person, austin)  # type: ignore[arg-type]

    asked = await community.manager.slash(community.channel, "meal cancel", meal=3)
    done = await community.manager.click(asked.response, label="Yes, cancel the meal")

    told = [person for person in people if any("has been cancelled" in m.content for m in dms(person))]
    assert len(told) == 8  # the six who just said Going and the two from the seed, with no time passing
    assert done.response.content == "Cancelled **Lunch in Austin** (meal #3). Told 8 people who answered."


async def test_the_demo_shows_networking_before_and_after_a_meal(simcord_env: simcord.Env) -> None:
    community = build_community(simcord_env)
    bot = cast(ListeningTourBot, simcord_env.bot)
    await seed(bot, community)
    ana = community.customers["ana"]

    said_to_ana = [m.content.split("\n")[0] for m in dms(ana)]  # type: ignore[arg-type]
    assert any(line.startswith("Before **Lunch in Toronto**") for line in said_to_ana)  # introductions
    assert any(line.startswith("Thanks for coming to **Lunch in Toronto**") for line in said_to_ana)  # card swap
    assert "🤝 **Dara Singh** swapped cards with you after **Lunch in Toronto**:" in said_to_ana
    assert "How did it go after **Lunch in Toronto**? We put you in touch with:" in said_to_ana
    assert not any("Ben" in line and "swapped" in line for line in said_to_ana)  # Ben's offer waits for hers

    austin = await community.manager.slash(community.channel, "meal intros", meal=3)
    page = austin.followups[-1] if austin.followups else austin.response
    assert page is not None and "new suggestion" in (page.embeds[0].description or "")
    assert any(c["label"].startswith("Send to ") for row in page.components for c in row["components"])


async def test_the_demo_shows_feedback_on_its_past_lunch(simcord_env: simcord.Env) -> None:
    community = build_community(simcord_env)
    bot = cast(ListeningTourBot, simcord_env.bot)
    await seed(bot, community)

    shown = await community.manager.slash(community.channel, "meal attendees", meal=4)
    page = shown.followups[-1] if shown.followups else shown.response
    assert page is not None
    text = page.embeds[0].description or ""
    assert text.startswith("**6** going (6 seats left) · 0 waiting · 0 maybe · 4 checked in · **1 no-show**")
    assert "Recommend score **0** on −100…+100 from 3 answers (1 promoter, 1 passive, 1 detractor)" in text


async def test_the_demo_has_insights_to_search_and_report(simcord_env: simcord.Env) -> None:
    community = build_community(simcord_env)
    bot = cast(ListeningTourBot, simcord_env.bot)
    await seed(bot, community)

    found = await community.manager.slash(community.channel, "insight search", text="invoices")
    page = found.followups[-1] if found.followups else found.response
    assert page is not None and len(page.embeds[0].fields) == 2
    told = [m.content for m in dms(community.customers["ana"]) if m.content.startswith("You told us this")]
    assert told and "It is now planned: Automatic reminders for unpaid invoices, this spring." in told[0]
    report = await community.manager.slash(community.channel, "insight report")
    page = report.followups[-1] if report.followups else report.response
    assert page is not None and len(page.attachments) >= 3
