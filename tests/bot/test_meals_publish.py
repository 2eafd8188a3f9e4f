"""A community manager publishes, edits and cancels meals; customers see the post and the event."""

from __future__ import annotations

import datetime as dt

import discord
import pytest
import simcord
from discord import app_commands

from bot.domain.outbox import Kind
from bot.errors import NOT_MANAGER, NotManager
from tests.bot.meal_story import dms, labels, outbox, post_fields, publish, rsvp_going, said
from tests.conftest import World, run_as_member

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # the conformance suite: both stores


async def test_manager_publishes_a_meal_with_buttons_and_a_discord_event(configured: World) -> None:
    post = await publish(configured, capacity=8)

    [embed] = post.embeds
    assert embed.title == "Lunch in Toronto"
    assert "Local time in Toronto: Sat 10 Jan, 12:30–14:00 EST" in embed.description
    assert "<t:1768066200:F>" in embed.description  # 17:30 UTC, shown in each reader's own timezone
    fields = post_fields(configured)
    assert fields["Where"] == (  # the venue links to a map search for it
        "[Café Nero](https://www.google.com/maps/search/?api=1&query=Caf%C3%A9+Nero%2C+Toronto%2C+Ontario%2C+CA)"
        "\nToronto, Ontario, CA"
    )
    assert fields["Seats"] == "8 of 8 left"
    assert fields["Host"] == f"maria (<@{configured.manager.id}>)"  # the name next to the mention
    # "I'm here" comes later, when check-in opens
    assert labels(post) == ["Going", "Maybe", "Can't go", "+1 guest", "Add to calendar", "Who's coming"]
    [event] = configured.bot.get_guild(configured.guild.id).scheduled_events
    assert event.name == "Lunch in Toronto"
    assert event.start_time == dt.datetime(2026, 1, 10, 17, 30, tzinfo=dt.UTC)
    assert event.end_time == dt.datetime(2026, 1, 10, 19, 0, tzinfo=dt.UTC)
    assert event.location == "Café Nero, Toronto, Ontario, CA"


async def test_city_autocomplete_offers_labelled_cities_and_the_choice_resolves(configured: World) -> None:
    choices = await configured.manager.autocomplete(configured.channel, "meal add", "city", "toro")

    assert choices[0] == {"name": "Toronto, Ontario, CA", "value": "6167865"}
    await configured.manager.slash(configured.channel, "meal add", city="6167865", date="2026-01-10", time="12:30")
    assert configured.channel.last_message.embeds[0].title == "Lunch in Toronto"


async def test_the_slot_follows_the_local_time(configured: World) -> None:
    await publish(configured, time="7:30am")
    assert configured.channel.last_message.embeds[0].title == "Breakfast in Toronto"
    await publish(configured, time="7pm")
    assert configured.channel.last_message.embeds[0].title == "Dinner in Toronto"


async def test_bad_meal_input_is_explained_and_nothing_is_posted(configured: World) -> None:
    cases = [
        ({"city": "Xyzzyqwv"}, "I couldn't find"),
        ({"date": "2025-12-01"}, "has already passed"),
        ({"date": "next friday"}, "is not a date I can read. Write it like 2026-03-14."),
        ({"time": "25:00"}, "is not a time of day"),
        (
            {"date": "2026-03-08", "time": "2:30"},
            "does not exist on 2026-03-08 in America/Toronto: the clocks jump forward. Try 03:30",
        ),
        ({"duration": "10h"}, "A meal lasts between 15 minutes and 6 hours."),
    ]
    for options, expected in cases:
        values = {"city": "Toronto", "date": "2026-01-10", "time": "12:30"} | options
        result = await configured.manager.slash(configured.channel, "meal add", **values)

        assert result.ephemeral and expected in result.response.content, (options, result.response.content)
        simcord.assert_error(configured.env, app_commands.CommandInvokeError)
    assert configured.channel.history() == []
    assert list(configured.bot.get_guild(configured.guild.id).scheduled_events) == []


async def test_customers_cannot_publish_meals(configured: World) -> None:
    result = await run_as_member(
        configured, configured.members[0], "meal add", city="Toronto", date="2026-01-10", time="12:30"
    )

    assert result.ephemeral and result.response.content == NOT_MANAGER
    assert configured.channel.history() == []
    simcord.assert_error(configured.env, NotManager)


async def test_without_an_announcement_channel_the_manager_is_told_where_to_set_one(world: World) -> None:
    result = await world.admin.slash(world.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30")

    assert result.response.content.startswith("Where should I post? Give a `channel`")
    simcord.assert_error(world.env, app_commands.CommandInvokeError)


async def test_rescheduling_moves_the_post_the_event_and_tells_people(configured: World) -> None:
    ana, ben, _ = configured.members
    post = await publish(configured)
    await rsvp_going(configured, ana, post)
    await ben.click(post, label="Maybe")

    result = await configured.manager.slash(
        configured.channel, "meal edit", meal=1, time="13:00", venue="Pizzeria Libretto"
    )

    assert said(result) == "Updated **Lunch in Toronto** (meal #1). Told 2 people who answered."
    assert "13:00–14:30 EST" in configured.channel.last_message.embeds[0].description
    [event] = configured.bot.get_guild(configured.guild.id).scheduled_events
    assert event.start_time == dt.datetime(2026, 1, 10, 18, 0, tzinfo=dt.UTC)
    assert event.location == "Pizzeria Libretto, Toronto, Ontario, CA"
    for member in (ana, ben):
        notice = dms(member)[-1].content
        assert notice.startswith(
            "Update: **Lunch in Toronto** now starts <t:1768068000:F> (Sat 10 Jan, 13:00 local time in Toronto)"
        )
        assert "is now at Pizzeria Libretto" in notice
    reminders = await outbox(configured, Kind.REMINDER)
    assert {r.due_at for r in reminders} == {
        dt.datetime(2026, 1, 9, 18, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 10, 16, 0, tzinfo=dt.UTC),
    }


async def test_length_and_rsvp_cutoff_can_be_changed(configured: World) -> None:
    await publish(configured)

    await configured.manager.slash(configured.channel, "meal edit", meal=1, duration="2h", rsvp_cutoff="24h")

    meal = await configured.bot.services.meals.get(configured.guild.id, 1)
    assert meal.ends_at - meal.starts_at == dt.timedelta(hours=2)
    assert meal.rsvp_cutoff == dt.datetime(2026, 1, 9, 17, 30, tzinfo=dt.UTC)
    assert "12:30–14:30 EST" in configured.channel.last_message.embeds[0].description
    [event] = configured.bot.get_guild(configured.guild.id).scheduled_events
    assert event.end_time == dt.datetime(2026, 1, 10, 19, 30, tzinfo=dt.UTC)
    late = await configured.manager.slash(configured.channel, "meal edit", meal=1, rsvp_cutoff="14d")
    assert late.response.content.startswith("That RSVP cutoff has already passed")
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)


async def test_moving_lunch_to_the_evening_makes_it_dinner_everywhere(configured: World) -> None:
    await publish(configured)

    await configured.manager.slash(configured.channel, "meal edit", meal=1, time="19:30")

    assert configured.channel.last_message.embeds[0].title == "Dinner in Toronto"
    [event] = configured.bot.get_guild(configured.guild.id).scheduled_events
    assert event.name == "Dinner in Toronto"


async def test_a_meal_is_not_created_where_the_bot_cannot_post(configured: World) -> None:
    quiet = configured.guild.create_text_channel(
        "read-only", overwrites={configured.guild.default_role: discord.PermissionOverwrite(send_messages=False)}
    )

    result = await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30", channel=quiet
    )

    assert result.response.content.startswith(f"I can't post in <#{quiet.id}>: give me View Channel, Send Messages")
    assert await configured.bot.services.meals.upcoming(configured.guild.id) == []
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)


async def test_capacity_never_drops_below_the_seats_taken(configured: World) -> None:
    ana, ben, _ = configured.members
    post = await publish(configured, capacity=3)
    await rsvp_going(configured, ana, post)
    await rsvp_going(configured, ben, post)

    result = await configured.manager.slash(configured.channel, "meal edit", meal=1, capacity=1)

    assert result.response.content.startswith("2 seats are already taken; capacity can't go below that")
    assert (await configured.bot.services.meals.get(configured.guild.id, 1)).capacity == 3
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)


async def test_cancelling_asks_first_then_updates_everything_and_tells_people(configured: World) -> None:
    ana, ben, _ = configured.members
    post = await publish(configured)
    await rsvp_going(configured, ana, post)
    await ben.click(post, label="Can't go")

    prompt = await configured.manager.slash(configured.channel, "meal cancel", meal=1)
    assert prompt.ephemeral and "1 person who answered will be told" in prompt.response.content
    assert not (await configured.bot.services.meals.get(configured.guild.id, 1)).cancelled  # not yet

    done = await configured.manager.click(prompt.response, label="Yes, cancel the meal")

    assert done.response is not None
    meal_post = configured.channel.last_message
    assert meal_post.embeds[0].title == "Lunch in Toronto — cancelled"
    disabled = {child.label: child.disabled for row in meal_post.components for child in row.children}
    assert disabled["Going"] and not disabled["Add to calendar"]
    [event] = configured.bot.get_guild(configured.guild.id).scheduled_events
    assert event.status is discord.EventStatus.cancelled
    assert dms(ana)[-1].content == (
        "**Lunch in Toronto** on <t:1768066200:F> (Sat 10 Jan, 12:30 local time in Toronto) has been cancelled. Sorry!"
    )
    assert done.response.content == "Cancelled **Lunch in Toronto** (meal #1). Told 1 person who answered."
    assert dms(ben) == []  # they had said they can't go
    assert await outbox(configured, Kind.REMINDER) == []  # pending reminders dropped
    late = await configured.members[2].click(meal_post, label="Add to calendar")
    assert late.response.attachments[0].filename == "meal-1.ics"


async def test_cancelling_a_meal_in_progress_ends_its_event_and_still_tells_people(configured: World) -> None:
    ana = configured.members[0]
    post = await publish(configured)
    await rsvp_going(configured, ana, post)
    await configured.env.advance_time((9 * 24 + 17) * 3600 + 40 * 60)  # 12:40 in Toronto: it has begun
    [event] = configured.bot.get_guild(configured.guild.id).scheduled_events
    assert event.status is discord.EventStatus.active

    prompt = await configured.manager.slash(configured.channel, "meal cancel", meal=1)
    done = await configured.manager.click(prompt.response, label="Yes, cancel the meal")

    assert done.response.content == "Cancelled **Lunch in Toronto** (meal #1). Told 1 person who answered."
    [event] = configured.bot.get_guild(configured.guild.id).scheduled_events
    assert event.status is discord.EventStatus.completed
    assert dms(ana)[-1].content.startswith("**Lunch in Toronto** on <t:1768066200:F>")


async def test_guilds_never_see_each_others_meals(configured: World) -> None:
    await publish(configured)
    other = configured.env.create_guild("Other Co")
    channel = other.create_text_channel("general")
    owner = other.add_member(
        configured.env.create_user("olga"),
        roles=[other.create_role("Admins", permissions=discord.Permissions(manage_guild=True))],
    )

    result = await owner.slash(channel, "meal attendees", meal=1)

    assert result.response.content.startswith("There is no meal #1 on this server.")
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)


async def test_a_long_non_latin_venue_is_posted_without_its_map_link(configured: World) -> None:
    venue = (
        "Ресторан «Пушкинъ», Тверской бульвар, дом 26А, вход со стороны двора через арку, второй этаж, "
        "зал «Библиотека», спросить администратора Ивана Петровича"
    )  # 151 characters: accepted, but its map link alone would pass Discord's 1,024 per field

    result = await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30", venue=venue,
        invite_radius_km=0,
    )  # fmt: skip

    assert said(result).startswith("Published **Lunch in Toronto** (meal #1): https://discord.com/channels/")
    assert post_fields(configured)["Where"] == f"{venue}\nToronto, Ontario, CA"


async def test_a_venue_gets_a_map_link(configured: World) -> None:
    await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30", venue="Café Nero",
        invite_radius_km=0,
    )  # fmt: skip

    assert post_fields(configured)["Where"] == (
        "[Café Nero](https://www.google.com/maps/search/?api=1&query=Caf%C3%A9+Nero%2C+Toronto%2C+Ontario%2C+CA)\n"
        "Toronto, Ontario, CA"
    )
