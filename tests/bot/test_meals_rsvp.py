"""Customers RSVP in chat: the question, seats, the waitlist, offers and claims, guests, calendar, check-in."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import simcord

from bot.domain.meals import RsvpStatus
from bot.errors import NotManager
from tests.bot.meal_story import ANSWER, dms, labels, post_fields, publish, rsvp_going
from tests.bot.test_meals_invitations import customer
from tests.conftest import MakeBot, World, run_as_member

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # the conformance suite: both stores

HOUR = 3600


async def statuses(world: World, meal_id: int = 1) -> dict[int, str]:
    state = await world.bot.services.meals.state(world.guild.id, meal_id)
    return {r.user_id: r.status.value for r in state.rsvps}


async def test_first_going_asks_the_question_and_stores_the_answer(configured: World) -> None:
    ana = configured.members[0]
    post = await publish(configured, capacity=8)

    shown = await ana.click(post, label="Going")
    assert shown.modal is not None and shown.modal["title"] == "RSVP: Lunch in Toronto"
    done = await ana.submit_modal(shown, {ANSWER: "  I run a   bakery "})

    assert done.ephemeral
    assert done.response.content.startswith(
        "You're going: **Lunch in Toronto** on <t:1768066200:F> (Sat 10 Jan, 12:30 local time in Toronto)"
    )
    assert "I'll remind you 24h and 2h before." in done.response.content
    assert post_fields(configured)["Seats"] == "7 of 8 left"
    state = await configured.bot.services.meals.state(configured.guild.id, 1)
    [rsvp] = state.rsvps
    assert (rsvp.user_id, rsvp.status, rsvp.answer) == (ana.id, RsvpStatus.GOING, "I run a bakery")
    again = await ana.click(post, label="Going")
    assert again.modal is None  # asked once
    assert again.response.content.startswith("You're already going.")


async def test_a_full_meal_waitlists_then_offers_the_freed_seat_to_claim(configured: World) -> None:
    ana, ben, chen = configured.members
    post = await publish(configured, capacity=2)
    await rsvp_going(configured, ana, post)
    await rsvp_going(configured, ben, post)

    told = await rsvp_going(configured, chen, post)

    assert told.startswith("**Lunch in Toronto** is full, so you're **#1** on the waitlist.")
    assert post_fields(configured)["Seats"] == "Full (2 seats) · 1 waiting"

    left = await ana.click(post, label="Can't go")

    assert left.response.content.endswith("Your seat goes to the next person waiting.")
    [offer] = dms(chen)
    assert offer.content.startswith("A seat opened up for **Lunch in Toronto**")
    assert labels(offer) == ["Claim my seat", "I can't make it"]
    assert await statuses(configured) == {ana.id: "declined", ben.id: "going", chen.id: "offered"}

    claimed = await chen.user.click(offer, label="Claim my seat")  # in a DM: no guild on the interaction

    assert claimed.response.content.startswith("The seat is yours! See you at **Lunch in Toronto**")
    assert await statuses(configured) == {ana.id: "declined", ben.id: "going", chen.id: "going"}
    assert post_fields(configured)["Seats"] == "Full (2 seats)"


async def test_an_unclaimed_offer_passes_to_the_next_person(configured: World) -> None:
    ana, ben, chen = configured.members
    post = await publish(configured, capacity=1)
    await rsvp_going(configured, ana, post)
    await rsvp_going(configured, ben, post)
    await rsvp_going(configured, chen, post)
    await ana.click(post, label="Can't go")
    [offer] = dms(ben)
    assert "<t:" in offer.content and "R>" in offer.content  # the deadline, relative

    await configured.env.advance_time(12 * HOUR + 2 * 60)  # the claim window is 12 h this far ahead

    assert await statuses(configured) == {ana.id: "declined", ben.id: "expired", chen.id: "offered"}
    assert dms(chen)[-1].content.startswith("A seat opened up")
    assert dms(ben)[-1].content.startswith("Your seat offer for **Lunch in Toronto** lapsed")
    late = await ben.user.click(offer, label="Claim my seat")
    assert late.response.content.startswith("This seat offer has expired and the seat went to the next person.")


async def test_declining_an_offer_passes_it_on_at_once(configured: World) -> None:
    ana, ben, chen = configured.members
    post = await publish(configured, capacity=1)
    for member in (ana, ben, chen):
        await rsvp_going(configured, member, post)
    await ana.click(post, label="Can't go")

    await ben.user.click(dms(ben)[-1], label="I can't make it")

    assert await statuses(configured) == {ana.id: "declined", ben.id: "declined", chen.id: "offered"}


async def test_a_guest_takes_a_seat_and_frees_it_again(configured: World) -> None:
    ana, ben, _ = configured.members
    post = await publish(configured, capacity=2)
    await rsvp_going(configured, ana, post)

    plus = await ana.click(post, label="+1 guest")
    assert plus.response.content == "You're bringing a guest: your party has 2 seats."
    assert (await rsvp_going(configured, ben, post)).startswith("**Lunch in Toronto** is full")

    minus = await ana.click(post, label="+1 guest")

    assert minus.response.content == "Guest removed: just you."
    assert await statuses(configured) == {ana.id: "going", ben.id: "offered"}


async def test_guests_need_a_seat_and_an_rsvp(configured: World) -> None:
    ana = configured.members[0]
    post = await publish(configured, capacity=1)

    early = await ana.click(post, label="+1 guest")
    assert early.response.content == "Click **Going** first; then you can bring a guest with **+1**."
    await rsvp_going(configured, ana, post)
    full = await ana.click(post, label="+1 guest")
    assert full.response.content == (
        "There's no seat left for a guest (people waiting come first); you keep your own seat."
    )
    assert await statuses(configured) == {ana.id: "going"}


async def test_a_guest_never_jumps_the_waitlist(configured: World) -> None:
    ana, ben, chen = configured.members
    post = await publish(configured, capacity=2)
    await rsvp_going(configured, ana, post)
    await rsvp_going(configured, ben, post)
    await rsvp_going(configured, chen, post)  # waitlisted
    await chen.click(post, label="+1 guest")  # Chen's party of two waits
    await ana.click(post, label="Can't go")  # one seat frees: too small for Chen's party

    sneaky = await ben.click(post, label="+1 guest")

    assert sneaky.response.content.startswith("There's no seat left for a guest (people waiting come first)")
    assert await statuses(configured) == {ana.id: "declined", ben.id: "going", chen.id: "waitlisted"}


async def test_maybe_and_changing_your_mind(configured: World) -> None:
    ana = configured.members[0]
    post = await publish(configured, capacity=3)

    maybe = await ana.click(post, label="Maybe")
    assert maybe.response.content.startswith("Marked as a maybe for **Lunch in Toronto**.")
    assert post_fields(configured)["Maybe"] == "1"
    await rsvp_going(configured, ana, post)
    assert await statuses(configured) == {ana.id: "going"}


async def test_rsvps_close_at_the_cutoff(configured: World) -> None:
    ana, ben, _ = configured.members
    post = await publish(configured, rsvp_cutoff="24h")
    await rsvp_going(configured, ana, post)

    await configured.env.advance_time(8 * 24 * HOUR + 17 * HOUR + 31 * 60)  # past 17:30 UTC on Jan 9

    closed = await ben.click(post, label="Going")
    assert closed.modal is None
    assert closed.response.content == "RSVPs for this meal are closed. Ask the host if you'd still like to come."
    assert await statuses(configured) == {ana.id: "going"}


async def test_add_to_calendar_gives_an_ics_file_in_the_citys_timezone(configured: World) -> None:
    ana = configured.members[0]
    post = await publish(configured)

    result = await ana.click(post, label="Add to calendar")

    assert result.ephemeral
    [attachment] = result.response.attachments
    assert attachment.filename == "meal-1.ics"
    calendar = icalendar.Calendar.from_ical(await attachment.read())
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Lunch in Toronto"
    assert event.decoded("dtstart").isoformat() == "2026-01-10T12:30:00-05:00"
    assert event["dtstart"].params["TZID"] == "America/Toronto"
    assert str(event["location"]) == "Café Nero, Toronto, Ontario, CA"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["America/Toronto"]
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("trigger") == -dt.timedelta(hours=1)
    links = {b["label"]: b["url"] for row in result.response.components for b in row["components"]}
    assert links["Google Calendar"].startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert "dates=20260110T173000Z%2F20260110T190000Z" in links["Google Calendar"]
    assert links["Outlook"].startswith("https://outlook.live.com/calendar/0/deeplink/compose?")
    assert "startdt=2026-01-10T17%3A30%3A00%2B00%3A00" in links["Outlook"]


async def test_check_in_is_open_only_around_the_meal(configured: World) -> None:
    ana, ben, chen = configured.members
    post = await publish(configured, capacity=3)
    await rsvp_going(configured, ana, post)

    assert not here_button_shown(configured)  # days before the meal
    await configured.env.advance_time(9 * 24 * HOUR + 17 * HOUR + 1)  # 12:00:01 in Toronto: check-in opens
    assert here_button_shown(configured)

    here = await ana.click(post, label="I'm here")
    stranger = await ben.click(post, label="I'm here")
    walk_in = await configured.manager.slash(configured.channel, "meal checkin", meal=1, member=chen)

    assert here.response.content == "You're checked in. Welcome, and enjoy the meal!"
    assert stranger.response.content == "You're not on the list for this meal; please see the host."
    assert walk_in.response.content == f"Checked in <@{chen.id}>."
    state = await configured.bot.services.meals.state(configured.guild.id, 1)
    checked = {r.user_id for r in state.rsvps if r.checked_in_at is not None}
    assert checked == {ana.id, chen.id}
    await configured.env.advance_time(2 * HOUR)  # the meal is over
    assert not here_button_shown(configured)


def here_button_shown(world: World) -> bool:
    """ "I'm here" appears only while check-in is open."""
    return "I'm here" in labels(world.channel.last_message)


async def test_attendees_list_and_csv_for_managers(configured: World) -> None:
    ana, ben, chen = configured.members
    await customer(configured, ana, "Toronto", dms_ok=False)
    post = await publish(configured, capacity=1)
    await rsvp_going(configured, ana, post, answer="=HYPERLINK(evil)")
    await rsvp_going(configured, ben, post, answer="Bakery owner")
    await chen.click(post, label="Maybe")

    result = await configured.manager.slash(configured.channel, "meal attendees", meal=1)

    [embed] = result.response.embeds
    assert embed.title == "Lunch in Toronto — attendees"
    lines = embed.description.splitlines()
    assert lines[0] == "**1** going (0 seats left) · 1 waiting · 1 maybe · 0 checked in"
    assert lines[2:] == [  # names next to mentions: on file for Ana, from Discord for the others
        f"ana (<@{ana.id}>) · going — “=HYPERLINK(evil)”",
        f"ben (<@{ben.id}>) · waitlisted — “Bakery owner”",
        f"chen (<@{chen.id}>) · maybe",
    ]
    [attachment] = result.response.attachments
    text = (await attachment.read()).decode("utf-8-sig")
    assert text.splitlines()[0] == (
        "meal_id,user_id,name,status,guests,answer,checked_in_at,waitlist_position,recommend_score,would_refer,comment"
    )
    assert text.splitlines()[1:] == [
        f"1,{ana.id},ana,going,0,'=HYPERLINK(evil),,,,,",  # the formula is defused
        f"1,{ben.id},ben,waitlisted,0,Bakery owner,,1,,,",  # not a customer on file: Discord's name
        f"1,{chen.id},chen,maybe,0,,,,,,",
    ]
    denied = await run_as_member(configured, ana, "meal attendees", meal=1)
    assert denied.ephemeral and "Only community managers" in denied.response.content
    simcord.assert_error(configured.env, NotManager)


async def test_marking_interested_on_the_event_offers_an_rsvp(configured: World) -> None:
    ana = configured.members[0]
    await publish(configured)
    [event] = configured.bot.get_guild(configured.guild.id).scheduled_events

    await ana.subscribe_event(event)
    await configured.env.advance_time(HOUR)  # the hourly sweep of the event's subscriber list

    [offer] = dms(ana)
    assert offer.content.startswith("You're interested in **Lunch in Toronto** on <t:1768066200:F>")
    assert labels(offer) == ["Going", "Can't go"]
    assert await statuses(configured) == {ana.id: "maybe"}
    shown = await ana.user.click(offer, label="Going")
    done = await ana.user.submit_modal(shown, {ANSWER: "Florist"})
    assert done.response.content.startswith("You're going")
    assert await statuses(configured) == {ana.id: "going"}


async def test_someone_who_left_the_server_cannot_take_a_seat_from_an_old_dm(configured: World) -> None:
    ana, ben, _ = configured.members
    post = await publish(configured, capacity=1)
    await rsvp_going(configured, ana, post)
    await rsvp_going(configured, ben, post)
    await ana.click(post, label="Can't go")
    [offer] = dms(ben)

    configured.guild.remove_member(ben)
    result = await ben.user.click(offer, label="Claim my seat")

    assert result.response.content == (
        "You're no longer a member of that server, so this meal's buttons don't work for you."
    )
    assert await statuses(configured) == {ana.id: "declined", ben.id: "offered"}


async def test_rsvp_buttons_keep_working_after_a_restart(configured: World, make_bot: MakeBot) -> None:
    ana, ben, _ = configured.members
    post = await publish(configured, capacity=2)
    await rsvp_going(configured, ana, post)

    await configured.env.restart_bot(await make_bot())

    assert (await rsvp_going(configured, ben, post)).startswith("You're going")
    assert post_fields(configured)["Seats"] == "Full (2 seats)"


async def test_no_shows_are_counted_once_the_meal_is_over(configured: World) -> None:
    ana, ben, _ = configured.members
    post = await publish(configured, capacity=3)
    await rsvp_going(configured, ana, post)
    await rsvp_going(configured, ben, post)
    await configured.env.advance_time(9 * 24 * HOUR + 17 * HOUR + 40 * 60)  # during the meal
    await ana.click(post, label="I'm here")
    await configured.env.advance_time(2 * HOUR)  # after it

    result = await configured.manager.slash(configured.channel, "meal attendees", meal=1)

    summary = result.response.embeds[0].description.splitlines()[0]
    assert summary == "**2** going (1 seat left) · 0 waiting · 0 maybe · 1 checked in · **1 no-show**"


async def test_a_full_meal_invites_to_join_the_waitlist_and_a_free_seat_is_said_only_when_someone_waits(
    configured: World,
) -> None:
    ana, ben, chen = configured.members
    post = await publish(configured, capacity=1)
    await rsvp_going(configured, ana, post)
    assert labels(configured.channel.last_message)[0] == "Join waitlist"  # full: Going would be a promise

    waiting = await ben.click(configured.channel.last_message, label="Join waitlist")
    if waiting.modal is not None:
        waiting = await ben.submit_modal(waiting, {ANSWER: "Bakery owner"})
    assert waiting.response.content.startswith("**Lunch in Toronto** is full, so you're **#1** on the waitlist.")
    left = await ana.click(post, label="Can't go")
    assert left.response.content.endswith("Your seat goes to the next person waiting.")  # Ben waits
    maybe = await chen.click(post, label="Maybe")
    assert maybe.response.content == "Marked as a maybe for **Lunch in Toronto**. Click **Going** when you know."
    assert labels(configured.channel.last_message)[0] == "Join waitlist"  # Ben holds the offered seat
    ben_leaves = await ben.click(post, label="Can't go")
    assert ben_leaves.response.content == (
        "Thanks for letting us know: you're not going to **Lunch in Toronto**."  # nobody waits: nothing to say
    )
    assert labels(configured.channel.last_message)[0] == "Going"
