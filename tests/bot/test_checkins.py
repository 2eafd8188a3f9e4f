"""Quarterly check-ins as a manager runs them: scheduled, sent in virtual time to the customers who accept DMs
(not those met at a meal this month), answered with a reply that becomes an insight, unanswered ones counted."""

from __future__ import annotations

import pytest

from bot.domain.insights import SearchQuery
from bot.ui.checkins import REPLY_INPUT
from tests.bot.meal_story import dms, publish, rsvp_going, said
from tests.bot.test_insights import accepts_dms
from tests.conftest import World

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # the conformance suite: both stores


def checkins_of(member) -> list:  # type: ignore[no-untyped-def]
    return [m for m in dms(member) if m.content.startswith("👋 How are things going?")]


async def test_check_ins_go_out_on_schedule_and_replies_become_insights(configured: World) -> None:
    ana, ben, chen = configured.members
    for member in (ana, ben, chen):
        await accepts_dms(configured, member)
    post = await publish(configured)
    await rsvp_going(configured, chen, post)  # we'll see Chen at lunch: no need to ask

    scheduled = await configured.manager.slash(configured.channel, "checkin schedule")
    assert said(scheduled).startswith("Check-ins go out every 13 weeks; the next round on <t:")

    await configured.env.advance_time(3600)  # the housekeeper's hourly round
    [to_ana] = checkins_of(ana)
    assert len(checkins_of(ben)) == 1 and checkins_of(chen) == []

    opened = await ana.user.click(to_ana, label="Reply")
    replied = await ana.user.submit_modal(opened, {REPLY_INPUT: "Business is slow since the new tax rules"})
    assert said(replied) == "Thank you! The team reads every reply."
    again = await ana.user.click(to_ana, label="Reply")
    assert again.modal is None and said(again) == "You answered this check-in already. Thank you!"

    found = await configured.bot.services.insights.search(configured.guild.id, SearchQuery.create(text="tax"))
    [hit] = found.hits
    assert hit.insight.customer_user_id == ana.id and hit.insight.source.value == "checkin"

    shown = await configured.manager.slash(configured.channel, "checkin schedule", every_weeks=13)
    assert "asked 2 customers, 1 answered, 1 not yet; 1 customer we see at a meal within a month" in said(shown)

    await configured.env.advance_time(7 * 24 * 3600)
    assert len(checkins_of(ben)) == 1  # not again before the quarter is over

    now = await configured.manager.slash(configured.channel, "checkin send")
    assert said(now).startswith("Asking 2 customers how things are going (not 1 we see at a meal this month).")
    await configured.env.advance_time(5)
    assert len(checkins_of(ben)) == 2


async def test_a_check_in_with_nobody_to_ask_sends_nothing_and_keeps_the_schedule(configured: World) -> None:
    sent = await configured.manager.slash(configured.channel, "checkin send")  # nobody accepts DMs
    assert said(sent).startswith("Nobody to ask right now: check-ins go to customers who accept DMs")
    assert "Last round" not in said(sent)
