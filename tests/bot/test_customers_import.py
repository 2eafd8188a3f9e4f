"""A manager imports the customer list from a CSV (dry run, then Confirm) and exports it again."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
import simcord

from bot.domain.cities import default_gazetteer
from bot.domain.errors import InvalidInput
from bot.errors import NOT_MANAGER, NotManager
from tests.bot.meal_story import said
from tests.conftest import MakeBot, World, run_as_member

GOOD = (
    "discord_id,discord_name,name,email,city,what_i_do,company\n"
    "111111111111111111,,Ana Costa,,Toronto,Bakery,Costa Breads\n"
    ",ben.okafor,Ben Okafor,,\"Detroit, MI\",Logistics,\n"
    ",,Chen Wei,chen@example.com,Chicago,Design studio,\n"
)
WITH_PROBLEMS = GOOD + (
    ",,Dara Singh,dara@example.com,Springfield,,\n"  # line 5: ambiguous
    ",,Eli Brooks,eli@example,Austin,,\n"  # line 6: bad email
    ",,No One,,Dallas,,\n"  # line 7: nobody
    "12,,Fatima,,Dallas,,\n"  # line 8: bad discord id
    ",ben.okafor,Ben again,,Austin,,\n"  # line 9: duplicate
    ",,Gus,gus@example.com,Xqzvtown,,\n"  # line 10: unknown city
)


def city_id(query: str) -> int:
    city = default_gazetteer().resolve(query).city
    assert city is not None
    return city.geonameid


def answer(result: simcord.InteractionResult) -> simcord.ResponseMessage:
    """The reply after "thinking…": the deferred response, edited (or the last follow-up)."""
    message = result.followups[-1] if result.followups else result.response
    assert message is not None
    return message


def import_id_of(message: simcord.ResponseMessage) -> int:
    return int(message.components[0]["components"][0]["custom_id"].rsplit(":", 1)[1])


async def customer_count(world: World) -> int:
    return len(await world.bot.services.customers.in_guild(world.guild.id))


async def test_dry_run_reports_every_bad_row_and_writes_nothing(configured: World) -> None:
    maria = configured.manager

    dry = await maria.slash(configured.channel, "customers import", file=("customers.csv", WITH_PROBLEMS.encode()))

    assert dry.ephemeral
    [embed] = answer(dry).embeds
    assert embed.title == "Dry run of customers.csv: nothing imported yet"
    assert "9 rows read: **3 ready** (3 new customers, 0 already known and updated), **6 with problems**" in (
        embed.description or ""
    )
    problems = embed.fields[0].value or ""
    assert "line 5: city “Springfield” could be several places" in problems
    assert "line 6: email “eli@example” is not an email address" in problems
    assert "line 7: no discord_id, discord_name or email: I can't tell who this is" in problems
    assert "line 8: discord_id “12” is not a Discord user id (17 to 20 digits)" in problems
    assert "line 9: same discord_name as line 3 (ben.okafor): a person appears once" in problems
    assert "line 10: city “Xqzvtown”: I couldn't find" in problems
    assert await customer_count(configured) == 0


async def test_confirm_imports_the_good_rows_and_reimport_changes_nothing(
    configured: World, make_bot: MakeBot
) -> None:
    maria = configured.manager
    dry = await maria.slash(configured.channel, "customers import", file=("customers.csv", WITH_PROBLEMS.encode()))

    import_id = import_id_of(answer(dry))
    await configured.env.restart_bot(await make_bot())  # the Confirm button survives a restart
    done = await maria.click(answer(dry), label="Confirm import")

    assert done.response.content == (
        "Imported: 3 new customers, 0 updated, 6 rows skipped. See them with /customers cities."
    )
    assert done.response.components == []
    customers = {c.name: c for c in await configured.bot.services.customers.in_guild(configured.guild.id)}
    assert set(customers) == {"Ana Costa", "Ben Okafor", "Chen Wei"}
    assert customers["Ana Costa"].user_id == 111111111111111111
    assert customers["Ben Okafor"].user_id is None and customers["Ben Okafor"].discord_name == "ben.okafor"
    assert customers["Chen Wei"].city_id == city_id("Chicago")
    assert all(not c.opt_ins and not c.consented for c in customers.values())

    again = await maria.slash(configured.channel, "customers import", file=("again.csv", GOOD.encode()))
    assert "(0 new customers, 3 already known and updated)" in (answer(again).embeds[0].description or "")
    await maria.click(answer(again), label="Confirm import")
    assert await customer_count(configured) == 3

    with pytest.raises(InvalidInput, match="already imported"):  # a second click that raced the first
        await configured.bot.services.customer_files.confirm(configured.guild.id, import_id)


async def test_what_a_customer_entered_wins_over_the_spreadsheet(configured: World) -> None:
    ana = configured.members[0]
    asked = await ana.slash(configured.channel, "city set", city="Austin, TX")
    await ana.click(asked.response, label="I agree, save my city")
    sheet = f"discord_id,name,city,what_i_do\n{ana.id},Ana C.,Toronto,Bakery\n"

    dry = await configured.manager.slash(configured.channel, "customers import", file=("c.csv", sheet.encode()))
    await configured.manager.click(answer(dry), label="Confirm import")

    stored = await configured.bot.services.customers.customer(configured.guild.id, ana.id)
    assert stored is not None
    assert stored.city_id == city_id("Austin, TX")  # her own answer stays
    assert stored.profile.what_i_do == "Bakery"  # the gap is filled


async def test_bad_files_are_refused_with_a_reason(configured: World) -> None:
    maria = configured.manager
    for filename, data, expected in [
        ("list.xlsx", b"PK\x03\x04", "Please attach a .csv file"),
        ("c.csv", b"\xff\xfe\x00b\x00a\x00d", "That file isn't UTF-8 text."),
        ("c.csv", b"", "The file is empty"),
        ("c.csv", b"name,town\nAna,Toronto\n", "`town` in the header is not a column I know."),
        ("c.csv", b"name,city\nAna,Toronto\n", "The header needs a way to know who each row is"),
        ("c.csv", ("email,city," + ",".join(f"col{n}" for n in range(5000)) + "\n").encode(),
         "`col0`, `col1`, `col2`, `col3`, `col4` and 4,995 more in the header are not columns I know."),
    ]:
        result = await maria.slash(configured.channel, "customers import", file=(filename, data))

        message = answer(result)
        assert message.ephemeral and message.content.startswith(expected), message.content
        configured.env.errors.clear()
    assert await customer_count(configured) == 0


async def test_only_managers_can_import_or_confirm(configured: World) -> None:
    ana = configured.members[0]

    refused = await run_as_member(configured, ana, "customers import", file=("c.csv", GOOD.encode()))
    assert refused.ephemeral and refused.response.content == NOT_MANAGER
    simcord.assert_error(configured.env, NotManager)

    dry = await configured.manager.slash(configured.channel, "customers import", file=("c.csv", GOOD.encode()))
    volunteers = configured.guild.create_role("Volunteers")
    await configured.admin.slash(configured.channel, "setup", manager_role=volunteers)  # Maria is no longer one
    denied = await configured.manager.click(answer(dry), label="Confirm import")
    assert denied.ephemeral and denied.response.content == NOT_MANAGER  # checked before anything is done
    assert await customer_count(configured) == 0


async def test_export_is_safe_to_open_in_a_spreadsheet(configured: World) -> None:
    sheet = (
        "discord_name,name,city,what_i_do,company\n"
        "ana,=HYPERLINK(\"http://evil\"),Toronto,+1 on everything,@acme\n"
        "ben,Ben,Chicago,-minus,\"tab\tinside\"\n"
    )
    dry = await configured.manager.slash(configured.channel, "customers import", file=("c.csv", sheet.encode()))
    await configured.manager.click(answer(dry), label="Confirm import")

    exported = await configured.manager.slash(configured.channel, "customers export")

    message = answer(exported)
    assert message.ephemeral and message.content.startswith("2 customers.")
    [attachment] = message.attachments
    rows = list(csv.DictReader(io.StringIO((await attachment.read()).decode("utf-8-sig"))))
    assert [r["name"] for r in rows] == ["'=HYPERLINK(\"http://evil\")", "Ben"]
    assert [r["what_i_do"] for r in rows] == ["'+1 on everything", "'-minus"]
    assert rows[0]["company"] == "'@acme" and rows[1]["company"] == "tab\tinside"
    assert rows[0]["city_label"] == "Toronto, Ontario, CA"

    # The export reads back in unchanged (cities are written as geonames ids).
    back = await configured.manager.slash(
        configured.channel, "customers import", file=("back.csv", (await attachment.read()))
    )
    assert "0 new customers, 2 already known" in (answer(back).embeds[0].description or "")


async def test_a_big_import_shows_its_progress_by_editing_the_reply(configured: World) -> None:
    rows = "".join(f"u{i:05d}@example.com,Customer {i},Toronto\n" for i in range(12_000))
    data = ("email,name,city\n" + rows).encode()
    dry = await configured.manager.slash(configured.channel, "customers import", file=("big.csv", data))
    assert "12,000 rows read: **12,000 ready**" in (answer(dry).embeds[0].description or "")
    assert answer(dry).content == ""  # the "Checking 12,001 lines of big.csv…" line was replaced by the report
    assert any(
        isinstance(r.json, dict) and r.json.get("content") == "Checking 12,001 lines of big.csv…"
        for r in configured.env.http_requests
    )

    done = await configured.manager.click(answer(dry), label="Confirm import")

    edits = [
        request.json["content"]
        for request in configured.env.http_requests
        if request.method == "PATCH" and isinstance(request.json, dict) and request.json.get("content")
    ]
    steps = [
        "Importing… 5,000 of 12,000 rows written",
        "Importing… 10,000 of 12,000 rows written",
        "Importing… 12,000 of 12,000 rows written",
    ]
    shown = [edit for edit in edits if edit.startswith("Importing… ")]
    assert shown and shown == [step for step in steps if step in shown]  # in order; skipped while one is in flight
    assert "Importing…" in edits  # said at once, before the rows are written
    assert edits[-1] == "Imported: 12,000 new customers, 0 updated. See them with /customers cities."
    assert done.response.content == edits[-1]
    assert await customer_count(configured) == 12_000


async def test_a_big_export_comes_zipped(configured: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.services.customer_files.ATTACHMENT_LIMIT", 100)
    dry = await configured.manager.slash(configured.channel, "customers import", file=("c.csv", GOOD.encode()))
    await configured.manager.click(answer(dry), label="Confirm import")

    exported = await configured.manager.slash(configured.channel, "customers export")

    message = answer(exported)
    assert message.content.startswith("3 customers (zipped: it is big).")
    [attachment] = message.attachments
    with zipfile.ZipFile(io.BytesIO(await attachment.read())) as archive:
        assert archive.namelist() == ["customers.csv"]
        assert len(archive.read("customers.csv").decode("utf-8-sig").splitlines()) == 4


async def test_many_bad_rows_are_summed_up_within_discords_embed_limits(configured: World) -> None:
    bad = "".join(f",,Person {i},p{i}@example.com,Springfield,,\n" for i in range(200))
    data = ("discord_id,discord_name,name,email,city,what_i_do,company\n" + bad).encode()

    dry = await configured.manager.slash(configured.channel, "customers import", file=("c.csv", data))

    [embed] = answer(dry).embeds
    listed = "\n".join(field.value or "" for field in embed.fields)
    assert listed.startswith("line 2: city “Springfield” could be several places")
    shown = listed.count("\nline ") + 1
    assert listed.endswith(f"… and {200 - shown:,} more rows with problems") and shown >= 5
    assert len(embed) <= 6000 and all(len(field.value or "") <= 1024 for field in embed.fields)
    assert answer(dry).components == []  # nothing to confirm


async def test_a_discord_id_too_large_to_be_one_is_a_problem_row_not_a_crash(configured: World) -> None:
    sheet = f"discord_id,city\n{2**64},Toronto\n123456789012345678,Chicago\n"

    dry = await configured.manager.slash(configured.channel, "customers import", file=("c.csv", sheet.encode()))

    report = answer(dry).embeds[0]
    assert "**1 ready**" in (report.description or "") and "**1 with problems**" in (report.description or "")
    assert f"discord_id “{2**64}” is not a Discord user id" in report.fields[0].value
    confirmed = await configured.manager.click(answer(dry), label="Confirm import")
    assert said(confirmed) == "Imported: 1 new customer, 0 updated, 1 row skipped. See them with /customers cities."
