"""Publishing a meal invites the customers who live nearby and accept DMs — once each, paced."""

from __future__ import annotations

import simcord

from bot.domain.customers import OptIn
from bot.services.customers import Member
from tests.bot.meal_story import ANSWER, dms, labels, publish, said
from tests.bot.test_meals_reminders import PRIVATE_FALLBACK
from tests.conftest import World


async def customer(world: World, actor: simcord.MemberActor, city: str, *, dms_ok: bool) -> None:
    """Arrange: what /city set (with consent) and /privacy settings would have stored."""
    service = world.bot.services.customers
    member = Member(world.guild.id, actor.id, actor.user.name, actor.user.name)
    await service.set_city(member, service.resolve_one(city).geonameid, consenting=True)
    await service.set_opt_in(member, OptIn.DMS, dms_ok)


async def test_nearby_customers_who_accept_dms_are_invited(configured: World) -> None:
    ana, ben, chen = configured.members
    await customer(configured, ana, "Toronto", dms_ok=True)
    await customer(configured, ben, "Mississauga", dms_ok=True)  # ~25 km away
    await customer(configured, chen, "Toronto", dms_ok=False)

    result = await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30", invite_radius_km=50
    )
    await configured.env.advance_time(5)  # invitations are paced, one a second

    for invited in (ana, ben):
        [invitation] = dms(invited)
        assert invitation.content.startswith("You're invited: **Lunch in Toronto** on <t:1768066200:F>")
        assert labels(invitation) == ["Going", "Can't go", "Add to calendar"]
    assert dms(chen) == []  # no DMs without consent
    # The manager's reply shows the progress, then the outcome.
    assert (
        result.response.content == "Published **Lunch in Toronto** (meal #1). Invited 2 customers within 50 km by DM."
    )

    shown = await ben.user.click(dms(ben)[0], label="Going")  # straight from the invitation
    done = await ben.user.submit_modal(shown, {ANSWER: "Accountant"})
    assert said(done).startswith("You're going: **Lunch in Toronto**")


async def test_people_with_closed_dms_are_invited_in_the_channel_and_recorded(configured: World) -> None:
    ana, ben, _ = configured.members
    await customer(configured, ana, "Toronto", dms_ok=True)
    await customer(configured, ben, "Toronto", dms_ok=True)
    configured.env.inject_error(
        "POST", f"/channels/{ben.user.dm_channel.id}/messages", status=403, code=50007,
        message="Cannot send messages to this user", times=None,
    )  # fmt: skip

    result = await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30", invite_radius_km=10
    )
    await configured.env.advance_time(5)

    assert result.response.content.endswith(
        "Invited 1 customer within 10 km by DM and 1 in the channel (their DMs are closed)."
    )
    notice = configured.channel.last_message
    assert notice.content == f"<@{ben.id}> {PRIVATE_FALLBACK}"  # nobody learns Ben lives nearby
    shown = await ben.click(notice, label="Show")
    assert shown.response.content.startswith("You're invited: **Lunch in Toronto**")
    assert labels(shown.response.message) == ["Going", "Can't go", "Add to calendar"]
    assert len(dms(ana)) == 1
    failures = await configured.bot.services.reminders.dm_failures(configured.guild.id)
    assert [(f["user_id"], f["purpose"]) for f in failures] == [(ben.id, "invitation")]


async def test_nobody_is_invited_twice_and_zero_radius_invites_nobody(configured: World) -> None:
    ana = configured.members[0]
    await customer(configured, ana, "Toronto", dms_ok=True)

    await publish(configured, invite_radius_km=0)
    await configured.env.advance_time(5)
    assert dms(ana) == []

    meal = await configured.bot.services.meals.get(configured.guild.id, 1)
    assert await configured.bot.services.meals.not_yet_invited(meal, [ana.id]) == [ana.id]
    await configured.bot.services.meals.record_invitation(meal, ana.id, "dm")
    assert await configured.bot.services.meals.not_yet_invited(meal, [ana.id]) == []


async def test_many_private_notes_are_split_under_discords_mention_limit(configured: World) -> None:
    people = list(range(10**17, 10**17 + 120))

    await configured.bot.messenger.leave_notes(configured.guild.id, configured.channel.id, people, "Hello", None)

    notes = [m for m in configured.channel.history() if PRIVATE_FALLBACK in m.content]
    assert [m.content.count("<@") for m in notes] == [50, 50, 20]
    assert max(len(m.content) for m in notes) <= 2000
