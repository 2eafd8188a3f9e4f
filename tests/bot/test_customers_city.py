"""A customer tells us where they live with /city set: autocomplete, consent first, ambiguity, bad input."""

from __future__ import annotations

import simcord
from discord import app_commands

from bot.domain.cities import default_gazetteer
from bot.services.customers import Member
from tests.conftest import MakeBot, World


def city_id(query: str) -> int:
    city = default_gazetteer().resolve(query).city
    assert city is not None
    return city.geonameid


async def stored_city(world: World, user_id: int) -> int | None:
    customer = await world.bot.services.customers.customer(world.guild.id, user_id)
    return None if customer is None else customer.city_id


async def test_autocomplete_offers_labelled_cities_with_their_ids(world: World) -> None:
    ana = world.members[0]

    choices = await ana.autocomplete(world.channel, "city set", "city", "portl")

    assert 1 <= len(choices) <= 25
    assert choices[0] == {"name": "Portland, Oregon, US", "value": str(city_id("Portland, OR"))}
    assert {"name": "Portland, Maine, US", "value": str(city_id("Portland, ME"))} in choices


async def test_first_use_asks_for_consent_then_stores_the_city(world: World) -> None:
    ana = world.members[0]

    asked = await ana.slash(world.channel, "city set", city=str(city_id("Toronto")))

    assert asked.ephemeral
    [prompt] = asked.response.embeds
    assert prompt.title == "Save Toronto, Ontario, CA as your city?"
    assert "The community managers can see it" in (prompt.description or "")
    assert await stored_city(world, ana.id) is None  # nothing before the OK

    agreed = await ana.click(asked.response, label="I agree, save my city")

    assert agreed.response.content.startswith("Your city is now **Toronto, Ontario, CA**.")
    assert agreed.response.components == []
    assert await stored_city(world, ana.id) == city_id("Toronto")
    assert world.channel.history() == []  # all of it was private

    moved = await ana.slash(world.channel, "city set", city="austin texas")  # no second consent prompt

    assert moved.ephemeral and moved.response.content == "Your city is now **Austin, Texas, US**."
    assert await stored_city(world, ana.id) == city_id("Austin, TX")


async def test_no_thanks_stores_nothing(world: World) -> None:
    ben = world.members[1]
    asked = await ben.slash(world.channel, "city set", city="Chicago")

    declined = await ben.click(asked.response, label="No thanks")

    assert declined.response.content == "No problem: nothing was stored."
    assert await world.bot.services.customers.customer(world.guild.id, ben.id) is None


async def test_ambiguous_city_is_answered_with_a_list_to_pick_from(world: World) -> None:
    chen = world.members[2]

    asked = await chen.slash(world.channel, "city set", city="Springfield")

    assert asked.ephemeral and asked.response.content.startswith("Several places match “Springfield”. Which one?")
    [row] = asked.response.components
    [select] = row["components"]
    labels = [option["label"] for option in select["options"]]
    assert "Springfield, Missouri, US" in labels and "Springfield, Illinois, US" in labels

    picked = await chen.select(asked.response, [str(city_id("Springfield, IL"))], custom_id=select["custom_id"])
    assert picked.response.embeds[0].title == "Save Springfield, Illinois, US as your city?"
    await chen.click(picked.response, label="I agree, save my city")

    assert await stored_city(world, chen.id) == city_id("Springfield, IL")


async def test_resolver_explains_a_guess(world: World) -> None:
    ana = world.members[0]
    asked = await ana.slash(world.channel, "city set", city="Toronto")
    await ana.click(asked.response, label="I agree, save my city")

    answer = await ana.slash(world.channel, "city set", city="London")

    assert answer.response.content.startswith("Your city is now **London, England, GB**.")
    assert "for another one, add its state or country" in answer.response.content


async def test_unknown_or_garbage_city_gets_the_resolvers_message_and_changes_nothing(world: World) -> None:
    ana = world.members[0]
    for typed, expected in [
        ("Qwzxvbnm", "I couldn't find"),
        ("<@123456789012345678>", "That looks like a Discord mention or emoji, not a city."),
        ("'; DROP TABLE customers; --", "That looks like code, not a city name."),
        ("12345", "Numbers and postal codes aren't supported."),
    ]:
        answer = await ana.slash(world.channel, "city set", city=typed)

        assert answer.ephemeral and expected in answer.response.content, answer.response.content
        simcord.assert_error(world.env, app_commands.CommandInvokeError)
    assert await world.bot.services.customers.customer(world.guild.id, ana.id) is None
    assert world.channel.history() == []


async def test_consent_button_still_works_after_a_restart(world: World, make_bot: MakeBot) -> None:
    ana = world.members[0]
    asked = await ana.slash(world.channel, "city set", city="Detroit")

    await world.env.restart_bot(await make_bot())
    await ana.click(asked.response, label="I agree, save my city")

    assert await stored_city(world, ana.id) == city_id("Detroit")


async def test_a_shared_name_is_read_near_the_servers_customers(world: World) -> None:
    services = world.bot.services.customers
    for user_id, city in enumerate(("Toronto", "Montréal", "Ottawa", "Toronto"), start=900):
        member = Member(world.guild.id, user_id, f"u{user_id}", f"U {user_id}")
        await services.set_city(member, services.resolve_one(city).geonameid, consenting=True)
    ana = world.members[0]

    asked = await ana.slash(world.channel, "city set", city="Kingston")

    [embed] = asked.response.embeds  # the consent prompt, for Kingston in Ontario, not Jamaica
    assert embed.title == "Save Kingston, Ontario, CA as your city?"
    assert "near this server's customers" in asked.response.content
