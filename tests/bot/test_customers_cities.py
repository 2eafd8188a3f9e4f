"""A manager looks at where customers are: counts per city with a chart, and who is in or near a city."""

from __future__ import annotations

import pytest
import simcord
from discord import app_commands

from bot.errors import NOT_MANAGER, NotManager
from tests.conftest import MakeBot, World, allow_manager_commands


def answer(result: simcord.InteractionResult) -> simcord.ResponseMessage:
    message = result.followups[-1] if result.followups else result.response
    assert message is not None
    return message


async def import_customers(world: World, towns: list[str]) -> None:
    lines = ["email,name,city,what_i_do"]
    lines += [f"c{i:02d}@example.com,Customer {i:02d},\"{town}\",Job {i:02d}" for i, town in enumerate(towns)]
    dry = await world.manager.slash(world.channel, "customers import", file=("c.csv", "\n".join(lines).encode()))
    await world.manager.click(answer(dry), label="Confirm import")


async def test_counts_per_city_with_a_chart(configured: World) -> None:
    await import_customers(configured, ["Toronto"] * 3 + ["Austin, TX"])
    for member in configured.members[:2]:
        await member.slash(configured.channel, "request stop", city="Austin, TX")
    await configured.members[2].slash(configured.channel, "request stop", city="Denver")

    shown = await configured.manager.slash(configured.channel, "customers cities")

    message = answer(shown)
    assert message.ephemeral
    [embed] = message.embeds
    assert (embed.description or "").splitlines() == [
        "**Toronto, Ontario, CA**: 3 customers, 0 stop requests",  # ties: more customers first
        "**Austin, Texas, US**: 1 customer, 2 stop requests",
        "**Denver, Colorado, US**: 0 customers, 1 stop request",
    ]
    assert embed.footer.text == "4 customers with a city · 3 stop requests · 3 cities"
    [chart] = message.attachments
    assert chart.filename == "customers-by-city.png" and embed.image.url == "attachment://customers-by-city.png"
    assert (await chart.read()).startswith(b"\x89PNG")


async def test_no_customers_yet_says_how_to_get_some(configured: World) -> None:
    shown = await configured.manager.slash(configured.channel, "customers cities")

    assert answer(shown).content.startswith("No customers with a city yet.")


async def test_list_pages_through_a_city_and_counts_nearby_towns(configured: World, make_bot: MakeBot) -> None:
    await import_customers(configured, ["Toronto"] * 12 + ["Mississauga"] * 2 + ["Hamilton, ON", "Austin, TX"])

    first = await configured.manager.slash(configured.channel, "customers list", city="Toronto", radius_km=80)

    [embed] = first.response.embeds
    assert embed.title == "Customers in Toronto, Ontario, CA, within 80 km"
    assert embed.footer.text == "Page 1/2 · 15 customers"
    assert len((embed.description or "").splitlines()) == 10
    assert embed.fields[0].value.splitlines() == ["Toronto: 12", "Mississauga (25 km): 2", "Hamilton (62 km): 1"]
    assert "Customer 00 (not on the server yet) · Toronto · Job 00" in (embed.description or "")

    await configured.env.restart_bot(await make_bot())  # paging still works after a restart
    second = await configured.manager.click(first.response, label="Next")

    assert second.response.embeds[0].footer.text == "Page 2/2 · 15 customers"
    assert len((second.response.embeds[0].description or "").splitlines()) == 5
    buttons = {b["label"]: b.get("disabled", False) for b in second.response.components[0]["components"]}
    assert buttons == {"Previous": False, "Next": True}
    back = await configured.manager.click(second.response, label="Previous")
    assert back.response.embeds[0].footer.text == "Page 1/2 · 15 customers"

    only_toronto = await configured.manager.slash(configured.channel, "customers list", city="Toronto")
    assert only_toronto.response.embeds[0].footer.text == "Page 1/2 · 12 customers"


async def test_customers_cannot_see_the_list(configured: World) -> None:
    ana = configured.members[0]
    commands = [("customers list", {"city": "Toronto"}), ("customers cities", {}), ("customers export", {})]
    for command, options in commands:  # hidden from members by default …
        with pytest.raises(simcord.SetupError, match="not visible to this user"):
            await ana.slash(configured.channel, command, **options)
    await allow_manager_commands(configured, configured.guild.default_role)  # … but an admin could show them
    for command, options in commands:
        refused = await ana.slash(configured.channel, command, **options)

        assert refused.ephemeral and refused.response.content == NOT_MANAGER
        simcord.assert_error(configured.env, NotManager)


async def test_list_of_an_unknown_city_is_explained(configured: World) -> None:
    answer_ = await configured.manager.slash(configured.channel, "customers list", city="Qwzxvbnm")

    assert answer_.ephemeral and "I couldn't find" in answer_.response.content
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)
