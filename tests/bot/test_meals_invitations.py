"""Publishing a meal invites the customers who live nearby and accept DMs — once each, paced."""

from __future__ import annotations

import simcord

from bot.domain.customers import OptIn
from bot.domain.outbox import Kind
from bot.services.customers import Member
from tests.bot.meal_story import ANSWER, dms, labels, outbox, rsvp_going, said
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
    # The manager's reply links the post, then shows the progress and the outcome of the invitations.
    headline, invited = result.response.content.split("\n")
    assert headline == f"Published **Lunch in Toronto** (meal #1): {configured.channel.last_message.jump_url}"
    assert invited == "Invited 2 customers within 50 km by DM."

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
        "Invited 2 customers within 10 km: 1 by DM, 1 in the channel (their DMs are closed)."
    )
    notice = configured.channel.last_message
    assert notice.content == f"<@{ben.id}> {PRIVATE_FALLBACK}"  # nobody learns Ben lives nearby
    shown = await ben.click(notice, label="Show")
    assert shown.response.content.startswith("You're invited: **Lunch in Toronto**")
    assert labels(shown.response.message) == ["Going", "Can't go", "Add to calendar"]
    assert len(dms(ana)) == 1
    failures = await configured.bot.services.delivery.dm_failures(configured.guild.id)
    assert [(f.user_id, f.purpose) for f in failures] == [(ben.id, "invitation")]


async def test_zero_radius_invites_nobody(configured: World) -> None:
    ana = configured.members[0]
    await customer(configured, ana, "Toronto", dms_ok=True)

    result = await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30", invite_radius_km=0
    )
    await configured.env.advance_time(5)

    assert dms(ana) == []
    assert "Invited" not in result.response.content
    assert await outbox(configured, Kind.INVITATION) == []


async def test_a_big_invitation_is_paced_and_skips_people_who_answered_meanwhile(configured: World) -> None:
    people = [configured.guild.add_member(configured.env.create_user(f"guest{n}")) for n in range(8)]
    for person in people:
        await customer(configured, person, "Toronto", dms_ok=True)

    result = await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30", invite_radius_km=10
    )

    invited_now = [p for p in people if dms(p)]
    assert len(invited_now) == 5  # a burst of five, then one a second
    assert result.response.content.endswith("Inviting customers within 10 km… 5/8")
    late = next(p for p in people if not dms(p))
    await rsvp_going(configured, late, configured.channel.last_message)  # saw the post before the DM came
    await configured.env.advance_time(5)

    assert dms(late) == []  # nobody is invited to a meal they already answered
    assert sum(1 for p in people if dms(p)) == 7
    assert result.response.content.endswith("Invited 7 customers within 10 km by DM.")
    rows = await outbox(configured, Kind.INVITATION)
    assert sorted(r.status.value for r in rows) == ["sent"] * 7 + ["skipped"]


async def test_closed_dms_of_a_bulk_send_share_notes_under_discords_mention_limit(configured: World) -> None:
    people = [configured.guild.add_member(configured.env.create_user(f"quiet{n}")) for n in range(55)]
    for person in people:
        await customer(configured, person, "Toronto", dms_ok=True)
        configured.env.inject_error(
            "POST", f"/channels/{person.user.dm_channel.id}/messages", status=403, code=50007,
            message="Cannot send messages to this user", times=None,
        )  # fmt: skip

    result = await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-01-10", time="12:30", invite_radius_km=10
    )
    await configured.env.advance_time(120)  # 55 paced DMs, then the notes

    notes = [m for m in configured.channel.history() if PRIVATE_FALLBACK in m.content]
    assert sorted(m.content.count("<@") for m in notes) == [5, 50]  # not 55 notes of one mention each
    assert max(len(m.content) for m in notes) <= 2000
    assert result.response.content.endswith(
        "Invited 55 customers within 10 km: 0 by DM, 55 in the channel (their DMs are closed)."
    )


async def test_an_invitation_months_ahead_still_works_after_old_deliveries_are_pruned(configured: World) -> None:
    ana = configured.members[0]
    await customer(configured, ana, "Toronto", dms_ok=True)
    await configured.manager.slash(
        configured.channel, "meal add", city="Toronto", date="2026-06-20", time="12:30", invite_radius_km=25
    )  # a summer lunch, announced in January
    [invitation] = dms(ana)

    for _ in range(91):  # April, past the 90 days sent deliveries are kept (a day at a time, so simcord settles)
        await configured.env.advance_time(24 * 3600)

    shown = await ana.user.click(invitation, label="Going")
    assert shown.modal is not None, said(shown)
    done = await ana.user.submit_modal(shown, {ANSWER: "I run a bakery"})
    assert said(done).startswith("You're going: **Lunch in Toronto**")
