"""Peer networking at a meal, as customers and a manager live it: who's coming (listed and not), introductions
with reasons sent before the meal, a seating plan, the double-opt-in card swap after it (one swap made, one
left unanswered that reveals nothing), and the "did you connect?" follow-up a week later."""

from __future__ import annotations

import csv
import io
import json

import discord
import pytest
import simcord
from discord import app_commands

from bot.config import Settings
from bot.domain.customers import OptIn
from bot.services.customers import Member
from bot.ui.cards import CONTACT_INPUT, PEOPLE_SELECT
from tests.bot.meal_story import dms, labels, publish, rsvp_going, said
from tests.bot.test_privacy import rows_mentioning
from tests.conftest import World

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # the conformance suite: both stores


def reply(result: simcord.InteractionResult) -> simcord.ResponseMessage:
    """The bot's last answer (a deferred reply's first follow-up becomes the response)."""
    if result.followups:
        return result.followups[-1]
    assert result.response is not None
    return result.response


async def customer(
    world: World,
    actor: simcord.MemberActor,
    *,
    name: str,
    offer: str,
    seek: str,
    company: str,
    opt_ins: tuple[OptIn, ...] = (OptIn.LISTED, OptIn.INTRODUCTIONS),
) -> None:
    """Arrange what /city set, /profile edit and /privacy settings would have stored."""
    service = world.bot.services.customers
    member = Member(world.guild.id, actor.id, actor.user.name, name)
    await service.set_city(member, service.resolve_one("Toronto").geonameid, consenting=True)
    await service.save_profile(
        member, what_i_do=f"{name} at {company}", offer=offer, seek=seek, company=company, website=None
    )
    for opt_in in opt_ins:
        await service.set_opt_in(member, opt_in, True)


async def community(world: World) -> None:
    ana, ben, chen = world.members
    await customer(world, ana, name="Ana", offer="bookkeeping and taxes", seek="a web designer", company="Costa Books")
    await customer(world, ben, name="Ben", offer="web design", seek="an accountant", company="Pixel Yard")
    await customer(
        world, chen, name="Chen", offer="catering", seek="event venues", company="Chen Foods",
        opt_ins=(OptIn.INTRODUCTIONS,),
    )  # fmt: skip


async def going(world: World, post: discord.Message) -> None:
    ana, ben, chen = world.members
    for member, answer in ((ana, "I keep the books of small shops"), (ben, "I design websites"), (chen, "Caterer")):
        await rsvp_going(world, member, post, answer=answer)


async def test_whos_coming_lists_only_those_who_agreed_and_managers_see_everyone(configured: World) -> None:
    _, ben, chen = configured.members
    await community(configured)
    post = await publish(configured, capacity=10)
    await going(configured, post)

    unlisted = reply(await chen.click(post, label="Who's coming")).embeds[0].description or ""
    assert unlisted.endswith("Want to be listed here too? Turn on **Listed to peers** in `/privacy settings`.")

    seen = await ben.click(post, label="Who's coming")
    [embed] = reply(seen).embeds
    assert embed.title == "Who's coming to Lunch in Toronto"
    text = embed.description or ""
    assert "**Ana**" in text and "bookkeeping and taxes" in text and "Costa Books" in text
    assert "**Ben** (you)" in text
    assert "Chen" not in text and "catering" not in text  # Chen did not choose to be listed
    assert text.startswith("**3 seats taken**, guests included.")
    assert text.endswith("*And 1 seat for people who aren't listed (guests included).*")  # Ben is listed: no nudge
    assert reply(seen).ephemeral

    as_manager = await configured.manager.click(post, label="Who's coming")
    manager_text = reply(as_manager).embeds[0].description or ""
    assert "**Chen** · *not listed to peers*" in manager_text and "catering" in manager_text


async def test_introductions_seating_card_swap_and_follow_up(configured: World) -> None:
    ana, ben, chen = configured.members
    await community(configured)
    post = await publish(configured, capacity=10)
    await going(configured, post)

    # The manager reviews the suggestions, then sends them.
    shown = await configured.manager.slash(configured.channel, "meal intros", meal=1)
    page = reply(shown)
    description = page.embeds[0].description or ""
    assert "3 of 3 people going turned introductions on." in description
    assert "**2 new suggestions** to send." in description
    assert "**Ana** meets **Ben** · told: “Ben offers web design; you're looking for a web designer." in description
    assert "**Ben** meets **Ana** · told: “Ana offers bookkeeping; you're looking for an accountant." in description
    assert "Chen" not in description.split("Not sent yet")[1]  # nobody seeks catering or offers venues
    sent = await configured.manager.click(page, label="Send to 2 people")
    await configured.env.advance_time(5)
    assert said(sent).startswith("Introductions sent to 2 people")
    [to_ana] = dms(ana)
    assert to_ana.content.startswith("Before **Lunch in Toronto** on <t:")
    assert "• **Ben** offers web design; you're looking for a web designer." in to_ana.content
    assert "bookkeeping" in dms(ben)[0].content
    assert dms(chen) == []

    again = await configured.manager.slash(configured.channel, "meal intros", meal=1)
    again_page = reply(again)
    assert "**Sent**\n**Ana** meets **Ben**" in (again_page.embeds[0].description or "")
    assert not again_page.components  # nothing new to send

    # Seating: everyone at one table of four, with the complementary pair named.
    seated = await configured.manager.slash(configured.channel, "meal seating", meal=1, table_size=4)
    seating = reply(seated)
    [table] = seating.embeds[0].fields
    assert table.name == "Table 1 · 3 seats"
    assert "🤝" in table.value and "Ana" in table.value and "Ben" in table.value
    rows = list(csv.DictReader(io.StringIO((await seating.attachments[0].read()).decode("utf-8-sig"))))
    assert sorted(r["name"] for r in rows) == ["Ana", "Ben", "Chen"] and {r["table"] for r in rows} == {"1"}

    # Half an hour after the meal: the card swap.
    meal = await configured.bot.services.meals.get(configured.guild.id, 1)
    await configured.env.advance_time((meal.ends_at - configured.bot.clock()).total_seconds() + 31 * 60)
    swap = dms(ana)[-1]
    assert swap.content.startswith("Thanks for coming to **Lunch in Toronto**!")
    assert labels(swap) == ["Share my card…"]
    opened = await ana.user.click(swap, label="Share my card…")
    assert opened.ephemeral and "Whom would you like to share your card with" in opened.response.content
    chosen = await ana.user.select(opened.response, [str(ben.id), str(chen.id)], custom_id=PEOPLE_SELECT)
    done = await ana.user.submit_modal(chosen, {CONTACT_INPUT: "ana@costabooks.ca"})
    assert said(done) == "Ben, Chen will get your card if they share theirs with you."
    await configured.env.advance_time(5)
    assert not any("swapped cards" in m.content for m in dms(ben) + dms(chen))  # one side alone reveals nothing

    opened = await ben.user.click(dms(ben)[-1], label="Share my card…")
    chosen = await ben.user.select(opened.response, [str(ana.id)], custom_id=PEOPLE_SELECT)
    done = await ben.user.submit_modal(chosen, {CONTACT_INPUT: "ben@pixelyard.io"})
    assert said(done) == "Done! Ana shared theirs with you too: your cards are on their way by DM."
    await configured.env.advance_time(5)
    card_for_ben = dms(ben)[-1].content
    assert card_for_ben.startswith("🤝 **Ana** swapped cards with you after **Lunch in Toronto**")
    assert "ana@costabooks.ca" in card_for_ben and "Costa Books" in card_for_ben
    assert "ben@pixelyard.io" in dms(ana)[-1].content
    # Chen never shared back: Chen's messages say nothing of Ana's offer, and Ana got no card from Chen.
    assert not any("Ana" in m.content for m in dms(chen))
    assert not any("Chen" in m.content for m in dms(ana))

    # A week later: did you connect? (about the people introduced or swapped with)
    await configured.env.advance_time(7 * 24 * 3600)
    follow_up = dms(ana)[-1]
    assert follow_up.content.startswith(
        "How did it go after **Lunch in Toronto**? We put you in touch with:\n1. **Ben**\n\nDid you connect?"
    )
    assert labels(follow_up) == ["1. We connected", "Not yet", "No"]
    answered = await ana.user.click(follow_up, label="1. We connected")
    assert said(answered) == "Noted: you connected with **Ben**. Wonderful, thanks for telling us! 🎉"

    report = await configured.manager.slash(configured.channel, "meal intros", meal=1)
    report_page = reply(report)
    summary = report_page.embeds[0].description or ""
    assert "2 introductions sent · 2 followed by a card offer · 1 card swap · 1 connection made." in summary


async def test_someone_who_left_the_server_is_not_suggested(configured: World) -> None:
    _, ben, _ = configured.members
    await community(configured)
    post = await publish(configured, capacity=10)
    await going(configured, post)
    configured.guild.remove_member(ben)

    shown = await configured.manager.slash(configured.channel, "meal intros", meal=1)
    description = reply(shown).embeds[0].description or ""
    assert "2 of 3 people going turned introductions on." in description  # Ben is gone
    assert "Ben" not in description
    assert not reply(shown).components  # Ana, still here, has nobody left who matches her


async def test_a_manager_is_told_why_there_are_no_suggestions(configured: World) -> None:
    post = await publish(configured, capacity=10)
    await going(configured, post)  # nobody turned introductions on

    shown = await configured.manager.slash(configured.channel, "meal intros", meal=1)
    description = reply(shown).embeds[0].description or ""
    assert description.startswith("0 of 3 people going turned introductions on.")
    assert "at least two people going must turn on **Introductions** in `/privacy settings`" in description


async def test_seating_refuses_what_it_cannot_do(configured: World) -> None:
    shown = await configured.manager.slash(configured.channel, "meal seating", meal=1)
    assert reply(shown).content.startswith("There is no meal #1 on this server.")
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)
    await publish(configured, capacity=10)
    empty = await configured.manager.slash(configured.channel, "meal seating", meal=1)
    assert reply(empty).content == "Nobody is going to this meal yet, so there is nobody to seat."
    assert reply(empty).ephemeral
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)


async def test_privacy_shows_a_persons_cards_and_outcomes_and_forgets_both_sides(
    configured: World, settings: Settings
) -> None:
    ana, ben, chen = configured.members
    await community(configured)
    post = await publish(configured, capacity=10)
    await going(configured, post)
    networking = configured.bot.services.networking
    await networking.seating(configured.guild.id, 1, 4, {})
    await networking.share_card(configured.guild.id, 1, ana.id, [ben.id, chen.id], "ana@costabooks.ca")
    await networking.share_card(configured.guild.id, 1, ben.id, [ana.id], None)

    shown = await chen.slash(configured.channel, "privacy show")
    chens = json.loads(await shown.response.attachments[0].read())
    assert "card_offers" not in chens and "ana@costabooks.ca" not in json.dumps(chens)  # Ana's offer stays hers
    shown = await ana.slash(configured.channel, "privacy show")
    anas = json.loads(await shown.response.attachments[0].read())
    assert sorted(o["peer_id"] for o in anas["card_offers"]) == sorted([ben.id, chen.id])
    assert anas["seats"] == [{"meal_id": 1, "table_no": 1}]

    asked = await ana.slash(configured.channel, "privacy delete")
    await ana.click(asked.response, label="Yes, delete my data")
    assert await rows_mentioning(settings, ana.id) == {}
    assert "card_offers" not in await rows_mentioning(settings, ben.id)  # Ben's offer to Ana went with her


async def test_a_city_thread_opens_with_the_first_meal_and_welcomes_newcomers_at_the_next(configured: World) -> None:
    ana, ben, chen = configured.members
    await community(configured)  # all in Toronto; Ana and Ben listed, everyone wants introductions
    networking = configured.bot.services.customers
    await networking.set_opt_in(Member(configured.guild.id, chen.id, "chen", "Chen"), OptIn.INTRODUCTIONS, False)
    turned_on = await configured.manager.slash(configured.channel, "setup", city_threads=True)
    assert {f.name: f.value for f in reply(turned_on).embeds[0].fields}["City threads"].startswith("on")

    await publish(configured, capacity=10)
    [thread] = configured.channel.threads
    assert thread.name == "📍 Toronto"
    [note] = thread.history()
    assert note.content.startswith("📍 **Lunch in Toronto** is coming up on <t:")
    assert "This thread is for customers in and around Toronto" in note.content
    assert f"• **Ana** (<@{ana.id}>) · Ana at Costa Books · looking for a web designer" in note.content
    assert f"**Ben** (<@{ben.id}>)" in note.content and "Chen" not in note.content
    added = {r.path.rsplit("/", 1)[-1] for r in configured.env.http_requests if "/thread-members/" in r.path}
    assert added == {str(ana.id), str(ben.id)}

    await networking.set_opt_in(Member(configured.guild.id, chen.id, "chen", "Chen"), OptIn.INTRODUCTIONS, True)
    await publish(configured, capacity=10, date="2026-01-17")
    assert [t.name for t in configured.channel.threads] == ["📍 Toronto"]  # the same thread
    second = thread.history()[-1].content
    assert "Say hello to the newcomers:" in second and f"**Chen** (<@{chen.id}>)" in second
    assert "Ana" not in second  # already there


async def test_between_tours_neighbours_are_introduced_on_the_cadence_never_twice(configured: World) -> None:
    ana, ben, chen = configured.members
    await community(configured)  # all three in Toronto with introductions on; only Ana and Ben complement
    turned_on = await configured.manager.slash(configured.channel, "setup", local_intros=2)
    fields = {f.name: f.value for f in reply(turned_on).embeds[0].fields}
    assert fields["Local introductions between tours"] == "every 2 weeks, customers of a city paired"

    await configured.env.advance_time(3600)  # the housekeeper's hourly round
    [to_ana] = dms(ana)
    assert to_ana.content.startswith(f"🤝 A local introduction: meet **Ben** (<@{ben.id}>), a customer in your city.")
    assert "Ben offers web design; you're looking for a web designer." in to_ana.content
    assert dms(ben)[0].content.startswith(f"🤝 A local introduction: meet **Ana** (<@{ana.id}>)")
    assert dms(chen) == []  # nobody here offers what Chen seeks

    await configured.env.advance_time(7 * 24 * 3600)
    assert len(dms(ben)) == 1  # not before two weeks
    chen_now = Member(configured.guild.id, chen.id, "chen", "Chen")  # Chen now looks for a website too
    await configured.bot.services.customers.save_profile(
        chen_now, what_i_do="Caterer", offer="catering", seek="a web designer", company="Chen Foods", website=None
    )
    await configured.env.advance_time(8 * 24 * 3600)  # the next round: Chen meets Ben; Ana and Ben not again
    assert len(dms(ana)) == 1
    assert dms(ben)[-1].content.startswith(f"🤝 A local introduction: meet **Chen** (<@{chen.id}>)")
    assert len(dms(ben)) == 2 and len(dms(chen)) == 1

    off = await configured.manager.slash(configured.channel, "setup", local_intros=0)
    assert {f.name: f.value for f in reply(off).embeds[0].fields}["Local introductions between tours"] == "off"


async def test_the_company_people_going_are_spread_across_the_tables(configured: World) -> None:
    await community(configured)
    post = await publish(configured, capacity=10)
    await going(configured, post)
    for host in (configured.manager, configured.admin):  # Maria and Owen from the company come too
        await rsvp_going(configured, host, post, answer="Acme")

    seated = await configured.manager.slash(configured.channel, "meal seating", meal=1, table_size=3)

    tables = [field.value.split("\n")[0] for field in reply(seated).embeds[0].fields]
    assert len(tables) == 2
    assert all(table.count("(host)") == 1 for table in tables), tables
    rows = list(csv.DictReader(io.StringIO((await reply(seated).attachments[0].read()).decode("utf-8-sig"))))
    assert sorted(r["name"] for r in rows if r["host"] == "yes") == ["maria", "owen"]


async def test_nobody_is_introduced_to_someone_who_left_the_server(configured: World) -> None:
    ana, ben, _ = configured.members
    await community(configured)
    await configured.manager.slash(configured.channel, "setup", local_intros=4)
    configured.guild.remove_member(ben)  # the bot isn't told (no members intent)

    await configured.env.advance_time(3600)

    assert dms(ana) == [] and dms(ben) == []
