"""A customer sees all their data, chooses their opt-ins, and has everything about them deleted."""

from __future__ import annotations

import json

import pytest
import simcord

from bot.config import Settings
from bot.domain.customers import OptIn
from bot.runtime import open_store
from tests.conftest import MakeBot, World

pytestmark = pytest.mark.backends("sqlite", "postgresql")  # the conformance suite: both stores


async def set_city(world: World, member: simcord.MemberActor, city: str) -> None:
    asked = await member.slash(world.channel, "city set", city=city)
    await member.click(asked.response, label="I agree, save my city")


def button_labels(response: simcord.ResponseMessage) -> list[str]:
    return [button["label"] for row in response.components for button in row["components"]]


async def rows_mentioning(settings: Settings, value: int) -> dict[str, int]:
    """Every table, every column: how many rows hold ``value`` (in any column, as text), on either store."""
    found: dict[str, int] = {}
    db = await open_store(settings)
    try:
        async with db.read() as tx:
            if db.dialect.name == "postgresql":
                listed = await tx.fetch_all(
                    "SELECT table_name AS t, column_name AS c FROM information_schema.columns"
                    " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
                )
                columns = [(row["t"], row["c"]) for row in listed]
            else:
                tables = await tx.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
                columns = [
                    (table["name"], column["name"])
                    for table in tables
                    for column in await tx.fetch_all(f"PRAGMA table_info({table['name']})")
                ]
            for table in dict.fromkeys(t for t, _ in columns):
                names = [c for t, c in columns if t == table]
                where = " OR ".join(f'CAST("{c}" AS TEXT) LIKE ?' for c in names)
                sql = f'SELECT COUNT(*) AS n FROM "{table}" WHERE {where}'
                row = await tx.fetch_one(sql, [f"%{value}%"] * len(names))
                if row is not None and row["n"]:
                    found[table] = int(row["n"])
    finally:
        await db.close()
    return found


async def test_privacy_settings_are_separate_off_by_default_and_survive_a_restart(
    world: World, make_bot: MakeBot
) -> None:
    ana = world.members[0]

    shown = await ana.slash(world.channel, "privacy settings")

    assert shown.ephemeral
    assert button_labels(shown.response) == [
        "Direct messages: off",
        "Listed to peers: off",
        "Introductions: off",
        "Quoting in reports: off",
    ]
    toggled = await ana.click(shown.response, label="Direct messages: off")
    assert button_labels(toggled.response)[:2] == ["Direct messages: on", "Listed to peers: off"]

    await world.env.restart_bot(await make_bot())
    again = await ana.click(toggled.response, label="Listed to peers: off")

    assert button_labels(again.response)[:2] == ["Direct messages: on", "Listed to peers: on"]
    stored = await world.bot.services.customers.customer(world.guild.id, ana.id)
    assert stored is not None and stored.opt_ins == {OptIn.DMS, OptIn.LISTED}
    assert not stored.consented  # opting in to DMs does not store a city or profile


async def test_privacy_show_gives_all_my_data_as_a_json_file(world: World) -> None:
    ana = world.members[0]
    await set_city(world, ana, "Toronto")
    await ana.slash(world.channel, "request stop", city="Austin, TX", note="BBQ")

    shown = await ana.slash(world.channel, "privacy show")

    assert shown.ephemeral
    [attachment] = shown.response.attachments
    assert attachment.filename == "my-listening-tour-data.json"
    data = json.loads(await attachment.read())
    assert data["user_id"] == str(ana.id)
    assert data["customer"]["name"] == "ana"  # display name at the time (no global name set)
    assert data["customer"]["allow_dms"] == 0
    assert [r["note"] for r in data["stop_requests"]] == ["BBQ"]


async def test_privacy_delete_leaves_nothing_of_the_person_behind(world: World, settings: Settings) -> None:
    ana, ben = world.members[0], world.members[1]
    await set_city(world, ana, "Toronto")
    await set_city(world, ben, "Toronto")
    await ana.submit_modal(await ana.slash(world.channel, "profile edit"), {"lt:profile:what_i_do": "Bakery"})
    await ana.slash(world.channel, "request stop", city="Austin, TX", note="please")
    await ana.click((await ana.slash(world.channel, "privacy settings")).response, label="Direct messages: off")
    assert set(await rows_mentioning(settings, ana.id)) == {"customers", "stop_requests"}

    asked = await ana.slash(world.channel, "privacy delete")
    assert asked.ephemeral and asked.response.embeds[0].title == "Delete everything about you?"
    done = await ana.click(asked.response, label="Yes, delete my data")

    assert done.response.content == "Done: everything Listening Tour stored about you on this server is gone."
    assert await rows_mentioning(settings, ana.id) == {}
    assert await rows_mentioning(settings, ben.id) == {"customers": 1}  # nobody else was touched


async def test_keep_my_data_deletes_nothing(world: World) -> None:
    ana = world.members[0]
    await set_city(world, ana, "Toronto")

    asked = await ana.slash(world.channel, "privacy delete")
    kept = await ana.click(asked.response, label="Keep my data")

    assert kept.response.content == "Nothing was deleted."
    assert await world.bot.services.customers.customer(world.guild.id, ana.id) is not None


async def test_a_person_a_manager_imported_can_see_and_delete_that_row(configured: World, settings: Settings) -> None:
    ana = configured.members[0]
    sheet = "discord_name,name,email,city,what_i_do\nana,Ana Costa,ana@example.com,Toronto,Bakery\n"
    dry = await configured.manager.slash(configured.channel, "customers import", file=("c.csv", sheet.encode()))
    await configured.manager.click(dry.response, label="Confirm import")

    shown = await ana.slash(configured.channel, "privacy show")
    data = json.loads(await shown.response.attachments[0].read())
    assert data["customer"]["email"] == "ana@example.com" and data["customer"]["source"] == "import"

    asked = await ana.slash(configured.channel, "privacy delete")
    await ana.click(asked.response, label="Yes, delete my data")

    db = await open_store(settings)
    left = await db.fetch_one("SELECT COUNT(*) AS n FROM customers WHERE email = 'ana@example.com'")
    await db.close()
    assert left is not None and left["n"] == 0
    assert await rows_mentioning(settings, ana.id) == {}
