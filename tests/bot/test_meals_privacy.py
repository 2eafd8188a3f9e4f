"""/privacy show and /privacy delete reach a person's RSVPs, the messages sent or due to them (reminders,
invitations) and their DM failures."""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from tests.bot.meal_story import dms, publish, rsvp_going
from tests.bot.test_meals_invitations import customer
from tests.bot.test_privacy import rows_mentioning
from tests.conftest import World

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # the conformance suite: both stores


async def test_forgetting_a_customer_removes_their_meal_data_and_frees_their_seat(
    configured: World, settings: Settings
) -> None:
    ana, ben, _ = configured.members
    await customer(configured, ana, "Toronto", dms_ok=True)
    post = await publish(configured, capacity=1, invite_radius_km=25)
    await configured.env.advance_time(2)  # the invitation goes out
    await rsvp_going(configured, ana, post, answer="I run a bakery")
    await rsvp_going(configured, ben, post)  # waitlisted behind Ana
    assert {"rsvps", "outbox", "customers"} <= set(await rows_mentioning(settings, ana.id))

    shown = await ana.slash(configured.channel, "privacy show")
    data = json.loads(await shown.response.attachments[0].read())
    assert [(r["status"], r["answer"]) for r in data["rsvps"]] == [("going", "I run a bakery")]
    messages = [(m["kind"], m["status"], m["delivered_via"]) for m in data["messages_to_you"]]
    assert messages == [
        ("invitation", "sent", "dm"),
        ("reminder", "pending", None),
        ("reminder", "pending", None),
        ("feedback", "pending", None),  # asked after the meal
    ]

    asked = await ana.slash(configured.channel, "privacy delete")
    await ana.click(asked.response, label="Yes, delete my data")

    assert await rows_mentioning(settings, ana.id) == {}
    # Ben's answer is untouched, but the seat Ana held is offered to him at once (his DM, in the outbox)
    assert set(await rows_mentioning(settings, ben.id)) == {"rsvps", "outbox"}
    assert dms(ben)[-1].content.startswith("A seat opened up for **Lunch in Toronto**")
