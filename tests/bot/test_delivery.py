"""Nothing the bot sends is lost: Discord failing (5xx, 429, closed DMs), the bot restarting with work still
to send, or a process dying mid-send — and nothing is sent twice or stored twice because of it."""

from __future__ import annotations

import asyncio
import datetime as dt

import discord
import pytest
import simcord
from discord import app_commands

from bot.domain.outbox import Kind, Status, Via
from tests.bot.meal_story import dms, outbox, post_fields, publish, rsvp_going, said
from tests.bot.test_meals_invitations import customer
from tests.bot.test_tours import new_tour, seed_customers
from tests.conftest import MakeBot, World, run_as_member

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # the conformance suite: both stores

HOUR = 3600


def meal_posts(world: World) -> list[discord.Message]:
    return [m for m in world.channel.history() if m.embeds and m.embeds[0].footer.text.startswith("Meal #")]


def events(world: World) -> list[discord.ScheduledEvent]:
    guild = world.bot.get_guild(world.guild.id)
    assert guild is not None
    return list(guild.scheduled_events)


async def test_a_meal_whose_post_fails_is_kept_and_never_added_twice(configured: World) -> None:
    configured.env.inject_error("POST", f"/channels/{configured.channel.id}/messages", status=503, times=1)

    first = await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30", venue="Café Nero",
        invite_radius_km=0,
    )  # fmt: skip

    reply = said(first)
    assert reply.startswith("Published **Lunch in Toronto** (meal #1). The meal is saved, so don't add it again.")
    assert "⏳ Discord didn't take the meal post yet (Discord 503" in reply and "`/status` shows it" in reply
    assert "nothing was changed" not in reply.casefold()
    assert meal_posts(configured) == []
    again = await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30"
    )  # the manager tries again
    assert said(again).startswith("**Lunch in Toronto** at that time is already meal #1; I didn't add it twice.")
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)

    await configured.env.advance_time(30)  # the outbox retries the post

    [post] = meal_posts(configured)
    assert post.embeds[0].title == "Lunch in Toronto"
    assert said(first) == f"Published **Lunch in Toronto** (meal #1): {post.jump_url}"  # the reply caught up
    assert len(await configured.bot.services.meals.upcoming(configured.guild.id)) == 1
    assert len(events(configured)) == 1


async def test_a_rate_limited_event_is_created_once_discord_allows_it(configured: World) -> None:
    configured.env.inject_error("POST", f"/guilds/{configured.guild.id}/scheduled-events", status=429, times=2)

    result = await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30"
    )

    assert "⏳ Discord didn't take the Discord event yet (Discord 429" in said(result)
    assert events(configured) == []
    await configured.env.advance_time(5)  # Discord's retry_after (5 s without a header)
    assert events(configured) == []  # a second 429
    await configured.env.advance_time(5)

    [event] = events(configured)
    assert event.name == "Lunch in Toronto"
    assert "⏳" not in said(result)


async def test_a_missing_permission_is_said_plainly_and_can_be_retried_from_status(configured: World) -> None:
    configured.env.inject_error(
        "POST", f"/guilds/{configured.guild.id}/scheduled-events", status=403, code=50013,
        message="Missing Permissions", times=1,
    )  # fmt: skip

    result = await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30"
    )

    assert said(result).endswith(
        "⚠️ I couldn't create the Discord event: give me the Manage Events permission. "
        "Fix it, then retry from `/status`."
    )
    status = await configured.manager.slash(configured.channel, "status")
    [embed] = status.response.embeds
    fields = {field.name: field.value for field in embed.fields}
    assert "1 failed" in fields["Deliveries"]
    assert "Discord event · meal #1 · I couldn't create the Discord event" in fields["Failed deliveries (latest first)"]

    retried = await configured.manager.click(status.response, label="Retry failed deliveries")  # permission fixed

    assert said(retried).startswith("Put 1 failed delivery back in line.")
    [event] = events(configured)
    assert event.name == "Lunch in Toronto"


async def test_server_errors_on_post_edits_lose_no_count(configured: World) -> None:
    ana, ben, chen = configured.members
    post = await publish(configured, capacity=5)
    configured.env.inject_error("PATCH", f"/channels/{configured.channel.id}/messages/*", status=502, times=2)

    for member in (ana, ben, chen):
        await rsvp_going(configured, member, post)
    await configured.env.advance_time(2 * 60)  # backing off: 30 s, then 1 min

    fields = {f.name: f.value for f in configured.channel.last_message.embeds[0].fields}
    assert fields["Seats"] == "2 of 5 left"


async def test_pending_offers_invitations_and_notices_are_delivered_once_after_a_restart(
    configured: World, make_bot: MakeBot
) -> None:
    ana, ben, chen = configured.members
    await customer(configured, chen, "Toronto", dms_ok=True)

    def crash_after_commit() -> None:  # what is committed stays in the outbox; nothing of it is sent
        configured.bot.services.doorbell.unsubscribe(configured.bot.dispatcher.kick)

    crash_after_commit()
    await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30", capacity=1,
        invite_radius_km=25,
    )  # fmt: skip
    assert meal_posts(configured) == [] and dms(chen) == []
    await configured.env.restart_bot(await make_bot())
    [post] = meal_posts(configured)
    assert [m.content.split("**")[0] for m in dms(chen)] == ["You're invited: "]

    await rsvp_going(configured, ana, post)
    await rsvp_going(configured, ben, post)  # waitlisted
    crash_after_commit()
    await ana.click(post, label="Can't go")  # Ben is offered the seat
    await configured.manager.slash(configured.channel, "meal edit", meal=1, venue="Pizzeria Libretto")  # a notice
    assert dms(ben) == []
    await configured.env.restart_bot(await make_bot())  # the bot restarts with both still to send
    await configured.env.advance_time(HOUR)

    assert [m.content.split("**")[0] for m in dms(ben)] == ["A seat opened up for ", "Update: "]
    assert [m.content.split("**")[0] for m in dms(chen)] == ["You're invited: "]  # not told: never answered
    offers = await configured.bot.services.delivery.for_meal(configured.guild.id, 1, Kind.SEAT_OFFER)
    assert [(o.user_id, o.status, o.delivered_via) for o in offers] == [(ben.id, Status.SENT, Via.DM)]
    [post] = meal_posts(configured)  # still one post, showing the change
    assert {f.name: f.value for f in post.embeds[0].fields}["Where"].startswith("[Pizzeria Libretto](")
    assert len(events(configured)) == 1


async def test_a_row_claimed_by_a_process_that_died_is_sent_after_its_lease_runs_out(
    configured: World, make_bot: MakeBot
) -> None:
    ana = configured.members[0]
    await customer(configured, ana, "Toronto", dms_ok=True)
    services = configured.bot.services
    services.doorbell.unsubscribe(configured.bot.dispatcher.kick)  # this process claims the rows, then dies
    await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30", invite_radius_km=25
    )
    claimed = await services.delivery.claim("a-process-that-dies", 10, dms=True)
    assert {row.kind for row in claimed} == {Kind.MEAL_POST, Kind.MEAL_EVENT, Kind.INVITATION}

    await configured.env.restart_bot(await make_bot())
    await configured.env.advance_time(60)  # its lease still holds: nobody else sends it
    assert dms(ana) == []
    await configured.env.advance_time(2 * 60)

    [invitation] = dms(ana)
    assert invitation.content.startswith("You're invited: **Lunch in Toronto**")
    assert len(meal_posts(configured)) == 1 and len(events(configured)) == 1
    late = await configured.bot.services.delivery.delivered(claimed[0], "a-process-that-dies", Via.POST)
    assert late is False  # the dead process's lease is gone: it can't record the row a second time


async def test_a_tour_publish_interrupted_by_a_restart_ends_with_one_post_and_event_per_meal(
    configured: World, make_bot: MakeBot
) -> None:
    await seed_customers(configured)
    await new_tour(configured)
    await configured.manager.slash(configured.channel, "tour plan", tour=1)
    tour = await configured.bot.services.tours.get(configured.guild.id, 1)
    planned = configured.bot.services.tours.itinerary(tour)
    assert planned is not None and len(planned.meals) >= 4
    configured.env.inject_error("POST", f"/channels/{configured.channel.id}/messages", status=500, times=3)

    first = await configured.manager.slash(configured.channel, "tour publish", tour=1)

    assert said(first).startswith(f"Publishing **Spring** in <#{configured.channel.id}>: ")
    assert len(meal_posts(configured)) == len(planned.meals) - 3
    await configured.env.restart_bot(await make_bot())  # mid-publish: three posts still to make
    again = await configured.manager.slash(configured.channel, "tour publish", tour=1)  # and the manager re-runs it
    assert said(again).startswith(f"Published **Spring**: {len(planned.meals)} meals"), said(again)

    assert len(meal_posts(configured)) == len(planned.meals)
    assert len(events(configured)) == len(planned.meals)
    assert len(await configured.bot.services.tours.meal_ids(configured.guild.id, 1)) == len(planned.meals)
    assert (await configured.bot.services.tours.get(configured.guild.id, 1)).status.value == "published"
    done = await configured.manager.slash(configured.channel, "tour publish", tour=1)
    assert said(done) == "This tour is already published. Change single meals with `/meal edit`."
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)


async def test_a_tour_cancelled_before_a_crash_finishes_cancelling_after_the_restart(
    configured: World, make_bot: MakeBot
) -> None:
    ana = configured.members[0]
    await seed_customers(configured)
    await new_tour(configured)
    await configured.manager.slash(configured.channel, "tour plan", tour=1)
    await configured.manager.slash(configured.channel, "tour publish", tour=1)
    meal_ids = await configured.bot.services.tours.meal_ids(configured.guild.id, 1)
    await rsvp_going(configured, ana, meal_posts(configured)[0])
    configured.bot.dispatcher.stop()  # the process dies right after the cancel commits

    await configured.bot.services.tours.cancel(configured.guild.id, 1)
    await configured.env.restart_bot(await make_bot())
    await configured.env.advance_time(60)

    assert all(e.status is discord.EventStatus.cancelled for e in events(configured))
    assert all(p.embeds[0].title.endswith("— cancelled") for p in meal_posts(configured))
    assert [m.content for m in dms(ana) if "has been cancelled" in m.content] == [dms(ana)[-1].content]  # told once
    for meal_id in meal_ids:
        assert (await configured.bot.services.meals.get(configured.guild.id, meal_id)).cancelled
    again = await configured.manager.slash(configured.channel, "tour cancel", tour=1)
    assert said(again) == "This tour is already cancelled."
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)


async def test_a_cancel_during_planning_is_not_undone(configured: World, make_bot: MakeBot) -> None:
    await seed_customers(configured)
    await new_tour(configured)
    tours = configured.bot.services.tours
    planner = tours._planner
    loop = asyncio.get_running_loop()

    def plan_while_someone_cancels(request, demand):  # type: ignore[no-untyped-def]
        asyncio.run_coroutine_threadsafe(tours.cancel(configured.guild.id, 1), loop).result()
        return planner(request, demand)

    tours._planner = plan_while_someone_cancels

    result = await configured.manager.slash(configured.channel, "tour plan", tour=1)

    assert said(result) == "**Spring** was cancelled while I was planning, so I didn't save the new plan."
    tour = await tours.get(configured.guild.id, 1)
    assert tour.cancelled and tour.plan is None
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)


async def test_status_shows_what_is_waiting_sent_and_when_the_next_reminder_goes(
    configured: World, backend: str
) -> None:
    ana = configured.members[0]
    post = await publish(configured)
    await rsvp_going(configured, ana, post)

    shown = await configured.manager.slash(configured.channel, "status")

    assert shown.ephemeral
    [embed] = shown.response.embeds
    fields = {field.name: field.value for field in embed.fields}
    assert fields["Running for"].startswith("0 min (since <t:")
    store = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
    assert fields["Database"].startswith(f"{store} · ") and fields["Database"].endswith(("KB", "MB"))
    assert fields["This process"] == "the only one (no shards)"
    # two reminders and the feedback request after the meal wait
    assert fields["Deliveries"].splitlines() == ["3 waiting", "3 sent in the last 24 h", "0 failed"]
    assert fields["Next reminder"] == f"<t:{int(dt.datetime(2026, 1, 9, 17, 30, tzinfo=dt.UTC).timestamp())}:R>"
    assert shown.response.components == []  # nothing failed: no retry button
    refused = await run_as_member(configured, ana, "status")
    assert refused.response.content.startswith("Only community managers can do that")
    simcord.assert_error(configured.env)


async def test_a_dm_that_keeps_failing_lands_as_a_private_note_and_shows_as_failed(configured: World) -> None:
    ana = configured.members[0]
    post = await publish(configured)
    await rsvp_going(configured, ana, post)
    configured.env.inject_error(
        "POST", f"/channels/{ana.user.dm_channel.id}/messages", status=503, times=None
    )  # Discord keeps failing Ana's DMs, not the channel

    await configured.env.advance_time((8 * 24 + 18) * HOUR)  # the 24-hour reminder, then six tries (~16 min)

    note = configured.channel.last_message
    assert note.content.startswith(f"<@{ana.id}> I couldn't send you a direct message.")
    shown = await ana.click(note, label="Show")
    assert shown.response.content.startswith("Reminder: **Lunch in Toronto** starts")
    [reminder, _] = await configured.bot.services.delivery.for_meal(configured.guild.id, 1, Kind.REMINDER)
    assert (reminder.status, reminder.delivered_via, reminder.attempts) == (Status.FAILED, Via.CHANNEL, 6)
    status = await configured.manager.slash(configured.channel, "status")
    fields = {f.name: f.value for f in status.response.embeds[0].fields}
    assert "1 failed" in fields["Deliveries"]
    assert f"• reminder to <@{ana.id}> · meal #1 · Discord 503" in fields["Failed deliveries (latest first)"]


async def test_retry_brings_back_only_the_newest_of_a_meals_failed_post_refreshes(configured: World) -> None:
    ana, ben, _ = configured.members
    post = await publish(configured, capacity=5)
    configured.env.inject_error(
        "PATCH", f"/channels/{configured.channel.id}/messages/*", status=403, code=50013,
        message="Missing Permissions", times=2,
    )  # fmt: skip  # the bot lost Send Messages in the channel for a while
    await rsvp_going(configured, ana, post)
    await rsvp_going(configured, ben, post)
    failed = [row for row in await outbox(configured, Kind.MEAL_POST) if row.status is Status.FAILED]
    assert len(failed) == 2  # both refreshes were refused

    status = await configured.manager.slash(configured.channel, "status")  # the permission is back
    retried = await configured.manager.click(status.response, label="Retry failed deliveries")

    assert said(retried).startswith("Put 2 failed deliveries back in line."), said(retried)
    rows = await outbox(configured, Kind.MEAL_POST)
    assert [row.status for row in rows[-2:]] == [Status.SKIPPED, Status.SENT]  # one refresh shows both answers
    assert post_fields(configured)["Going (with guests)"] == "2"


async def test_a_tour_missing_an_event_stays_publishing_until_publish_asks_for_it_again(configured: World) -> None:
    await seed_customers(configured)
    await new_tour(configured)
    await configured.manager.slash(configured.channel, "tour plan", tour=1)
    configured.env.inject_error(
        "POST", f"/guilds/{configured.guild.id}/scheduled-events", status=403, code=50013,
        message="Missing Permissions", times=1,
    )  # fmt: skip  # the first event is refused; Manage Events is granted right after

    first = await configured.manager.slash(configured.channel, "tour publish", tour=1)

    meals = len(await configured.bot.services.tours.meal_ids(configured.guild.id, 1))
    assert len(events(configured)) == meals - 1
    assert "I couldn't create the Discord event: give me the Manage Events permission" in said(first)
    assert said(first).endswith("Run `/tour publish` again once that is fixed: it only adds what is missing.")
    assert (await configured.bot.services.tours.get(configured.guild.id, 1)).status.value == "publishing"

    again = await configured.manager.slash(configured.channel, "tour publish", tour=1)

    assert said(again).startswith(
        f"Published **Spring**: {meals} meals in <#{configured.channel.id}>, each with a Discord event "
        "(asked again for 1 missing a post or event)."
    ), said(again)
    assert len(events(configured)) == meals
    assert (await configured.bot.services.tours.get(configured.guild.id, 1)).status.value == "published"


async def test_publishing_again_sends_posts_waiting_for_a_retry_right_away(configured: World) -> None:
    await seed_customers(configured)
    await new_tour(configured)
    await configured.manager.slash(configured.channel, "tour plan", tour=1)
    planned = configured.bot.services.tours.itinerary(await configured.bot.services.tours.get(configured.guild.id, 1))
    assert planned is not None
    meals = len(planned.meals)
    configured.env.inject_error("POST", f"/channels/{configured.channel.id}/messages", status=500, times=3)
    await configured.manager.slash(configured.channel, "tour publish", tour=1)
    assert len(meal_posts(configured)) == meals - 3  # three wait for their retry, 30 s from now
    await configured.env.advance_time(10)

    again = await configured.manager.slash(configured.channel, "tour publish", tour=1)

    assert len(meal_posts(configured)) == meals  # no 30 s wait: asked again now
    assert said(again).startswith(f"Published **Spring**: {meals} meals"), said(again)
    assert "(asked again for 3 missing a post or event)" in said(again)


async def test_a_429_on_one_dm_holds_the_rest_of_its_batch_until_discord_allows_it(configured: World) -> None:
    people = [configured.guild.add_member(configured.env.create_user(f"guest{n}")) for n in range(3)]
    for person in people:
        await customer(configured, person, "Toronto", dms_ok=True)
    configured.env.inject_error("POST", "/users/@me/channels", status=429, times=1)  # the first DM is refused

    await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30", invite_radius_km=10
    )

    assert [len(dms(p)) for p in people] == [0, 0, 0]  # nobody else is sent to during the pause
    await configured.env.advance_time(5)  # Discord's retry_after (5 s without a header)
    assert [len(dms(p)) for p in people] == [1, 1, 1]
    rows = await outbox(configured, Kind.INVITATION)
    assert [row.attempts for row in rows] == [2, 1, 1]  # the rows held back used up no attempt
