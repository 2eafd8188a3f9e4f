"""Reminders: durable, sent once each (also across restarts), falling back when DMs are closed."""

from __future__ import annotations

import datetime as dt

import simcord

from bot.domain.outbox import Kind, Status, Via
from tests.bot.meal_story import dms, labels, outbox, publish, rsvp_going
from tests.conftest import MakeBot, World

PRIVATE_FALLBACK = "I couldn't send you a direct message. Press **Show** to read it here; only you will see it."
HOUR = 3600
MINUTE = 60
# The meal is on Jan 10 at 17:30 UTC; the virtual clock starts on Jan 1 at 00:00 UTC.
TO_24H_BEFORE = (8 * 24 + 17) * HOUR + 31 * MINUTE  # Jan 9, 17:31
TO_2H_BEFORE = 22 * HOUR  # Jan 10, 15:31


def reminders(member: simcord.MemberActor) -> list[str]:
    return [m.content for m in dms(member) if m.content.startswith("Reminder:")]


async def test_reminders_arrive_once_each_even_across_restarts(configured: World, make_bot: MakeBot) -> None:
    ana = configured.members[0]
    post = await publish(configured)
    await rsvp_going(configured, ana, post)

    await configured.env.restart_bot(await make_bot())
    await configured.env.advance_time(TO_24H_BEFORE)

    [first] = reminders(ana)
    assert first.startswith(
        "Reminder: **Lunch in Toronto** starts <t:1768066200:R>, <t:1768066200:F> (Sat 10 Jan, 12:30 local time"
    )
    assert first.endswith("at Café Nero. See you there!")
    assert labels(dms(ana)[-1]) == ["I can't make it", "Add to calendar"]

    await configured.env.restart_bot(await make_bot())
    await configured.env.advance_time(TO_2H_BEFORE)
    await configured.env.advance_time(4 * HOUR)  # past the meal: nothing more

    assert len(reminders(ana)) == 2
    rows = await outbox(configured, Kind.REMINDER)
    assert [(r.payload["offset_minutes"], r.status, r.delivered_via) for r in rows] == [
        (1440, Status.SENT, Via.DM),
        (120, Status.SENT, Via.DM),
    ]


async def test_postponing_a_meal_after_a_reminder_brings_new_reminders_for_the_new_date(configured: World) -> None:
    ana = configured.members[0]
    post = await publish(configured)
    await rsvp_going(configured, ana, post)
    await configured.env.advance_time(TO_24H_BEFORE)
    assert len(reminders(ana)) == 1

    await configured.manager.slash(configured.channel, "meal edit", meal=1, date="2026-01-17")
    await configured.env.advance_time(7 * 24 * HOUR)  # Jan 16, 17:31: a day before the new date

    assert len(reminders(ana)) == 2
    assert "<t:1768671000:F>" in reminders(ana)[-1]  # Jan 17, 17:30 UTC
    await configured.env.advance_time(TO_2H_BEFORE)
    assert len(reminders(ana)) == 3


async def test_closed_dms_fall_back_to_the_channel_and_are_recorded(configured: World) -> None:
    ana = configured.members[0]
    post = await publish(configured)
    await rsvp_going(configured, ana, post)
    configured.env.inject_error(
        "POST",
        f"/channels/{ana.user.dm_channel.id}/messages",
        status=403,
        code=50007,
        message="Cannot send messages to this user",
        times=None,
    )

    await configured.env.advance_time(TO_24H_BEFORE)

    fallback = configured.channel.last_message
    assert fallback.content == f"<@{ana.id}> {PRIVATE_FALLBACK}"  # the channel learns nothing about Ana
    shown = await ana.click(fallback, label="Show")
    assert shown.ephemeral and shown.response.content.startswith("Reminder: **Lunch in Toronto** starts")
    assert [b["label"] for row in shown.response.components for b in row["components"]] == [
        "I can't make it",
        "Add to calendar",
    ]
    assert reminders(ana) == []
    failures = await configured.bot.services.delivery.dm_failures(configured.guild.id)
    assert [(f.user_id, f.code, f.purpose) for f in failures] == [(ana.id, 50007, "reminder")]
    rows = await outbox(configured, Kind.REMINDER)
    assert (rows[0].status, rows[0].delivered_via) == (Status.SENT, Via.CHANNEL)


async def test_a_failed_reminder_is_retried_with_backoff_and_sent_once(configured: World) -> None:
    ana = configured.members[0]
    post = await publish(configured)
    await rsvp_going(configured, ana, post)
    configured.env.inject_error("POST", f"/channels/{ana.user.dm_channel.id}/messages", status=500, times=1)

    await configured.env.advance_time(TO_24H_BEFORE - 50)  # 17:30:10: the first attempt failed at 17:30

    assert reminders(ana) == []
    [row, _] = await outbox(configured, Kind.REMINDER)
    assert (row.attempts, row.status) == (1, Status.PENDING)
    assert row.due_at == dt.datetime(2026, 1, 9, 17, 30, 30, tzinfo=dt.UTC)  # backs off 30 s first
    await configured.env.advance_time(30)  # the retry

    assert len(reminders(ana)) == 1
    [row, _] = await outbox(configured, Kind.REMINDER)
    assert (row.attempts, row.status, row.delivered_via) == (2, Status.SENT, Via.DM)
    assert row.last_error is not None and row.last_error.startswith("Discord 500")


async def test_cant_make_it_from_a_reminder_frees_the_seat_for_the_next_person(configured: World) -> None:
    ana, ben, _ = configured.members
    post = await publish(configured, capacity=1)
    await rsvp_going(configured, ana, post)
    await rsvp_going(configured, ben, post)
    await configured.env.advance_time(TO_24H_BEFORE)

    answer = await ana.user.click(dms(ana)[-1], label="I can't make it")

    assert answer.response.content.endswith("Your seat goes to the next person waiting.")
    assert dms(ben)[-1].content.startswith("A seat opened up for **Lunch in Toronto**")
    await configured.env.advance_time(TO_2H_BEFORE)
    assert len(reminders(ana)) == 1  # no 2-hour reminder for someone who is not coming


async def test_reminders_are_written_only_for_times_still_ahead(configured: World) -> None:
    ana = configured.members[0]
    post = await publish(configured)
    await configured.env.advance_time(TO_24H_BEFORE)  # past the 24-hour mark

    told = await rsvp_going(configured, ana, post)

    assert "I'll remind you 2h before." in told  # not "24h, 2h": that moment has passed
    rows = await outbox(configured, Kind.REMINDER)
    assert [r.payload["offset_minutes"] for r in rows] == [120]
    assert rows[0].due_at == dt.datetime(2026, 1, 10, 15, 30, tzinfo=dt.UTC)


async def test_a_reminder_left_in_the_channel_opens_only_for_its_person(configured: World) -> None:
    ana, ben, _ = configured.members
    post = await publish(configured, capacity=3)
    await rsvp_going(configured, ana, post)
    await rsvp_going(configured, ben, post)
    configured.env.inject_error(
        "POST", f"/channels/{ana.user.dm_channel.id}/messages", status=403, code=50007,
        message="Cannot send messages to this user", times=None,
    )  # fmt: skip
    await configured.env.advance_time(TO_24H_BEFORE)
    fallback = configured.channel.last_message

    nosy = await ben.click(fallback, label="Show")  # Ben meant well; it is Ana's reminder

    assert nosy.ephemeral
    assert nosy.response.content == "This message is for someone else (or was deleted with their data)."
    shown = await ana.click(fallback, label="Show")
    mine = await ana.click(shown.response, label="I can't make it")
    assert mine.response.content.startswith("Thanks for letting us know")
    state = await configured.bot.services.meals.state(configured.guild.id, 1)
    assert {r.user_id: r.status.value for r in state.rsvps} == {ana.id: "declined", ben.id: "going"}
