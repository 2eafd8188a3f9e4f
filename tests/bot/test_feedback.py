"""Post-meal feedback as people live it: the people who came are asked some hours after the meal, answer with a
click or two and a comment; managers read it with the attendees and the tour, and record referrals."""

from __future__ import annotations

import csv
import io

import pytest
import simcord
from discord import app_commands

from bot.ui.feedback import COMMENT_INPUT
from tests.bot.meal_story import dms, labels, publish, rsvp_going, said
from tests.conftest import World

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # the conformance suite: both stores


async def after_the_meal(world: World, hours: float) -> None:
    meal = await world.bot.services.meals.get(world.guild.id, 1)
    await world.env.advance_time((meal.ends_at - world.bot.clock()).total_seconds() + hours * 3600)


async def test_the_people_who_came_give_feedback_that_managers_read(configured: World) -> None:
    ana, ben, _ = configured.members
    post = await publish(configured, capacity=5)
    await rsvp_going(configured, ana, post)
    await rsvp_going(configured, ben, post)
    meal = await configured.bot.services.meals.get(configured.guild.id, 1)
    await configured.env.advance_time((meal.starts_at - configured.bot.clock()).total_seconds())
    await configured.manager.slash(configured.channel, "meal checkin", meal=1, member=ana)  # Ben didn't come

    await after_the_meal(configured, 2.9)
    assert not any("recommend us" in m.content for m in dms(ana))  # not yet: three hours after the end
    await after_the_meal(configured, 3.1)
    [asked] = [m for m in dms(ana) if "recommend us" in m.content]
    assert asked.content.startswith("Thanks for coming to **Lunch in Toronto**! Two quick questions")
    assert labels(asked) == [*map(str, range(11)), "Yes, I'd refer a peer", "Maybe", "No", "Add a comment"]
    assert not any("recommend us" in m.content for m in dms(ben))

    scored = await ana.user.click(asked, label="9")
    assert said(scored) == "Thank you! Saved: 9 out of 10. Click another number to change it."
    referred = await ana.user.click(asked, label="Yes, I'd refer a peer")
    assert said(referred) == "Thank you! Saved: you'd refer a peer to us."
    opened = await ana.user.click(asked, label="Add a comment")
    done = await ana.user.submit_modal(opened, {COMMENT_INPUT: "Lovely people, too noisy a venue"})
    assert said(done) == "Thank you! Your comment reached the team (a new one adds to what you said)."

    shown = await configured.manager.slash(configured.channel, "meal attendees", meal=1)
    page = shown.followups[-1] if shown.followups else shown.response
    text = page.embeds[0].description or ""
    assert (
        "Recommend score **+100** on −100…+100 from 1 answer (1 promoter, 0 passives, 0 detractors) · "
        "1 would refer a peer · 1 comment" in text
    )
    assert "· 9/10 · would refer · 💬 “Lovely people, too noisy a venue”" in text
    assert f"<@{ben.id}>) · going · no-show" in text  # Ana was checked in, Ben never came
    rows = list(csv.DictReader(io.StringIO((await page.attachments[0].read()).decode("utf-8-sig"))))
    by_id = {row["user_id"]: row for row in rows}
    assert (by_id[str(ana.id)]["recommend_score"], by_id[str(ana.id)]["would_refer"]) == ("9", "yes")
    assert by_id[str(ana.id)]["comment"] == "Lovely people, too noisy a venue"
    assert by_id[str(ben.id)]["recommend_score"] == ""

    found = await configured.manager.slash(configured.channel, "insight search", text="noisy")
    page = found.followups[-1] if found.followups else found.response
    [hit] = page.embeds[0].fields  # the comment became an insight, linked to Ana
    assert hit.value.startswith("Lovely people, too **noisy** a venue") and f"<@{ana.id}>" in hit.value

    reported = await configured.manager.slash(configured.channel, "insight report", city="Toronto")
    page = reported.followups[-1] if reported.followups else reported.response
    fields = {field.name: field.value for field in page.embeds[0].fields}
    assert "Recommend score **+100** on −100…+100 from 1 answer" in fields["Recommend score"]  # feedback, reported
    assert "recommend-by-meal.png" in {file.filename for file in page.attachments}


async def test_a_manager_records_a_referral_and_bad_ones_are_refused(configured: World) -> None:
    ana, ben, _ = configured.members

    recorded = await configured.manager.slash(configured.channel, "customers referral", referrer=ana, referred=ben)
    assert said(recorded) == f"Recorded: <@{ana.id}> referred <@{ben.id}>. Thank them!"

    nobody = await configured.manager.slash(configured.channel, "customers referral", referrer=ana)
    assert said(nobody) == "Say who was referred: pick the member, or type their name if they aren't here."
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)
    themselves = await configured.manager.slash(configured.channel, "customers referral", referrer=ana, referred=ana)
    assert said(themselves) == "Someone can't refer themselves; pick who they brought to us."
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)
