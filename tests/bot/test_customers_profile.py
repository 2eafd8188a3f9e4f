"""Customers describe themselves (/profile edit), look at profiles (/profile show) and ask for stops."""

from __future__ import annotations

import simcord
from discord import app_commands

from bot.domain.customers import OptIn
from bot.services.customers import Member
from tests.conftest import World

FULL_PROFILE = {
    "lt:profile:what_i_do": "I run a bakery with 12 people",
    "lt:profile:offer": "Advice on hiring bakers",
    "lt:profile:seek": "A good accountant",
    "lt:profile:company": "Costa Breads",
    "lt:profile:website": "costabreads.ca",
}


def embed_fields(result: simcord.InteractionResult) -> dict[str, str]:
    assert result.response is not None
    [embed] = result.response.embeds
    return {field.name: field.value for field in embed.fields}  # type: ignore[misc]


async def test_customer_fills_in_their_profile(world: World) -> None:
    ana = world.members[0]

    shown = await ana.slash(world.channel, "profile edit")
    assert shown.modal is not None and shown.modal["title"] == "Your profile"
    saved = await ana.submit_modal(shown, FULL_PROFILE)

    assert saved.ephemeral and saved.response.content == "Profile saved."
    fields = embed_fields(saved)
    assert fields["What I do"] == "I run a bakery with 12 people"
    assert fields["Website"] == "https://costabreads.ca"
    stored = await world.bot.services.customers.customer(world.guild.id, ana.id)
    assert stored is not None and stored.consented and stored.profile.company == "Costa Breads"

    again = await ana.slash(world.channel, "profile edit")  # the form comes back pre-filled
    inputs = {c["custom_id"]: c.get("value") for row in again.modal["components"] for c in _inputs(row)}
    assert inputs["lt:profile:seek"] == "A good accountant"


def _inputs(row: dict[str, object]) -> list[dict[str, object]]:
    if "component" in row:  # a Label wrapping one input
        return [row["component"]]  # type: ignore[list-item]
    return list(row.get("components", []))  # type: ignore[call-overload]


async def test_bad_website_is_explained_and_nothing_is_saved(world: World) -> None:
    ana = world.members[0]
    shown = await ana.slash(world.channel, "profile edit")

    answer = await ana.submit_modal(shown, {**FULL_PROFILE, "lt:profile:website": "javascript:alert(1)"})

    assert answer.ephemeral
    assert answer.response.content == (
        "“javascript:alert(1)” doesn't look like a website. Write it like https://acme.com or acme.com."
    )
    assert await world.bot.services.customers.customer(world.guild.id, ana.id) is None
    world.env.errors.clear()  # modal errors reach env.errors even when answered


async def test_profiles_of_others_are_shown_only_if_they_chose_to_be_listed(world: World) -> None:
    ana, ben = world.members[0], world.members[1]
    await ana.submit_modal(await ana.slash(world.channel, "profile edit"), FULL_PROFILE)

    hidden = await ben.slash(world.channel, "profile show", member=ana)
    assert hidden.ephemeral
    assert hidden.response.content == "That member hasn't chosen to be listed, so their profile stays private."
    simcord.assert_error(world.env, app_commands.CommandInvokeError)

    await world.bot.services.customers.set_opt_in(Member(world.guild.id, ana.id, "ana", "Ana"), OptIn.LISTED, True)
    listed = await ben.slash(world.channel, "profile show", member=ana)

    assert listed.response.embeds[0].title == "Profile"
    assert embed_fields(listed)["What I'm looking for"] == "A good accountant"

    mine = await ana.slash(world.channel, "profile show")
    assert mine.response.embeds[0].footer.text.startswith("Your profile is visible to other customers.")


async def test_my_empty_profile_tells_me_how_to_start(world: World) -> None:
    answer = await world.members[2].slash(world.channel, "profile show")

    assert answer.response.content == (
        "You have no profile yet: set your city with /city set and fill /profile edit."
    )
    simcord.assert_error(world.env, app_commands.CommandInvokeError)


async def test_stop_requests_count_people_and_repeat_only_updates_the_note(world: World) -> None:
    ana, ben = world.members[0], world.members[1]

    first = await ana.slash(world.channel, "request stop", city="Austin, TX", note="BBQ is on me")
    second = await ben.slash(world.channel, "request stop", city="austin texas")
    repeat = await ana.slash(world.channel, "request stop", city="Austin, TX", note="Tacos instead")

    assert first.ephemeral
    assert first.response.content == (
        "Thanks! You asked for a stop in **Austin, Texas, US**. You're the first to ask for it."
    )
    assert second.response.content.endswith("2 people have asked for Austin so far.")
    assert repeat.response.content.startswith("Updated your request for a stop in **Austin, Texas, US**.")
    [request] = await world.bot.services.customers.stop_requests(world.guild.id, ana.id)
    assert request.note == "Tacos instead"
    assert world.channel.history() == []


async def test_bad_stop_requests_are_refused_and_change_nothing(world: World) -> None:
    ana = world.members[0]
    for options, expected in [
        ({"city": "Austin, TX", "note": "x" * 301}, "Your note is 301 characters long; please keep it to 300."),
        ({"city": "Springfield"}, "Several places match “Springfield”. Which one?"),
        ({"city": "@everyone"}, "That looks like a Discord mention or emoji, not a city."),
    ]:
        answer = await ana.slash(world.channel, "request stop", **options)

        assert answer.ephemeral and answer.response.content.startswith(expected), answer.response.content
        simcord.assert_error(world.env, app_commands.CommandInvokeError)
    assert await world.bot.services.customers.stop_requests(world.guild.id, ana.id) == []


async def test_a_profile_a_manager_imported_comes_pre_filled(configured: World) -> None:
    ana = configured.members[0]
    sheet = "discord_name,city,what_i_do,company\nana,Toronto,Bakery,Costa Breads\n"
    dry = await configured.manager.slash(configured.channel, "customers import", file=("c.csv", sheet.encode()))
    await configured.manager.click(dry.response, label="Confirm import")

    shown = await ana.slash(configured.channel, "profile edit")

    inputs = {c["custom_id"]: c.get("value") for row in shown.modal["components"] for c in _inputs(row)}
    assert (inputs["lt:profile:what_i_do"], inputs["lt:profile:company"]) == ("Bakery", "Costa Breads")
    saved = await ana.submit_modal(shown, {**FULL_PROFILE, "lt:profile:company": "Costa Breads Ltd"})
    assert embed_fields(saved)["City"] == "Toronto, Ontario, CA"
    assert len(await configured.bot.services.customers.in_guild(configured.guild.id)) == 1  # linked, not doubled
