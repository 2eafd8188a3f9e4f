"""A server admin and a community manager configure Listening Tour with /setup."""

from __future__ import annotations

import datetime as dt

import simcord
from discord import app_commands

from bot.errors import NOT_MANAGER, NotManager
from tests.conftest import MakeBot, World, run_as_member


def fields(result: simcord.InteractionResult) -> dict[str, str]:
    assert result.response is not None
    [embed] = result.response.embeds
    return {field.name: field.value for field in embed.fields}  # type: ignore[misc]


async def test_admin_configures_the_server(world: World) -> None:
    result = await world.admin.slash(
        world.channel,
        "setup",
        manager_role=world.team_role,
        announcement_channel=world.channel,
        reminders="2h, 24h",
        default_capacity=20,
    )

    assert result.ephemeral
    assert result.response.embeds[0].title == "Settings saved"
    shown = fields(result)
    assert shown["Manager role"] == f"@Community Team (<@&{world.team_role.id}>)"
    assert shown["Announcement channel"] == f"#listening-tour (<#{world.channel.id}>)"
    assert shown["Reminders"].startswith("24h and 2h before each meal")
    assert shown["Default seats per meal"] == "20"
    assert shown["One step only a server admin can do"] == (  # the bot can't let a role see hidden commands
        f"Server Settings → Integrations → Listening Tour: add <@&{world.team_role.id}> to /meal, /tour, "
        "/customers, /setup, /status, /insight, /checkin, “Log as insight”, so the team sees them (Discord shows "
        "them to members with Manage Server only, until then)."
    )
    stored = await world.bot.services.guild_setup.settings(world.guild.id)
    assert stored.manager_role_id == world.team_role.id
    assert stored.reminder_offsets == (dt.timedelta(hours=24), dt.timedelta(hours=2))
    assert stored.default_capacity == 20
    assert world.channel.history() == []  # nothing public


async def test_setup_without_options_shows_the_defaults(world: World) -> None:
    result = await world.admin.slash(world.channel, "setup")

    assert result.ephemeral and result.response.embeds[0].title == "Set up Listening Tour"
    assert fields(result)["Reminders"].startswith("24h and 2h")
    assert fields(result)["Default seats per meal"] == "12"
    assert "finish setting up" in result.response.embeds[0].footer.text


async def test_manager_role_holder_can_change_settings_once_named(configured: World) -> None:
    result = await configured.manager.slash(configured.channel, "setup", reminders="3h")

    assert fields(result)["Reminders"].startswith("3h before")
    stored = await configured.bot.services.guild_setup.settings(configured.guild.id)
    assert stored.reminder_offsets == (dt.timedelta(hours=3),)


async def test_manager_cannot_hand_out_the_manager_role(configured: World) -> None:
    other = configured.guild.create_role("Volunteers")

    result = await configured.manager.slash(configured.channel, "setup", manager_role=other)

    assert result.ephemeral
    assert result.response.content == "Only members with the Manage Server permission can change the manager role."
    stored = await configured.bot.services.guild_setup.settings(configured.guild.id)
    assert stored.manager_role_id == configured.team_role.id
    simcord.assert_error(configured.env, app_commands.CommandInvokeError)


async def test_role_holder_is_not_a_manager_before_setup_names_the_role(world: World) -> None:
    result = await run_as_member(world, world.manager, "setup", reminders="1h")

    assert result.ephemeral and result.response.content == NOT_MANAGER
    simcord.assert_error(world.env, NotManager)


async def test_plain_member_is_refused_and_nothing_changes(configured: World) -> None:
    ana = configured.members[0]

    result = await run_as_member(configured, ana, "setup", default_capacity=99)

    assert result.ephemeral and result.response.content == NOT_MANAGER
    assert configured.channel.history() == []
    stored = await configured.bot.services.guild_setup.settings(configured.guild.id)
    assert stored.default_capacity == 12
    simcord.assert_error(configured.env, NotManager)


async def test_bad_reminder_offsets_are_explained_and_change_nothing(configured: World) -> None:
    for text, expected in [
        ("soon", "“soon” is not a duration. Write it like 30m, 2h or 1d."),
        ("30d", "Reminders go between 1 minute and 14 days before a meal; 30d is not."),
        ("1h 2h 3h 4h 5h 6h", "At most 5 reminders per meal, e.g. `24h, 2h`."),
    ]:
        result = await configured.manager.slash(configured.channel, "setup", reminders=text, default_capacity=5)

        assert result.ephemeral and result.response.content == expected
        simcord.assert_error(configured.env, app_commands.CommandInvokeError)
    stored = await configured.bot.services.guild_setup.settings(configured.guild.id)
    assert stored.reminder_offsets == (dt.timedelta(hours=24), dt.timedelta(hours=2))
    assert stored.default_capacity == 12  # all or nothing: the valid capacity was not saved either


async def test_everyone_cannot_be_the_manager_role(world: World) -> None:
    everyone = world.guild.default_role

    result = await world.admin.slash(world.channel, "setup", manager_role=everyone)

    assert result.ephemeral and result.response.content.startswith("@everyone can't be the manager role")
    assert (await world.bot.services.guild_setup.settings(world.guild.id)).manager_role_id is None
    simcord.assert_error(world.env, app_commands.CommandInvokeError)


async def test_reset_button_checks_the_clicker_is_still_a_manager(configured: World) -> None:
    shown = await configured.manager.slash(configured.channel, "setup", default_capacity=30)
    volunteers = configured.guild.create_role("Volunteers")
    await configured.admin.slash(configured.channel, "setup", manager_role=volunteers)

    denied = await configured.manager.click(shown.response, label="Reset reminders & seats to defaults")

    assert denied.ephemeral and denied.response.content == NOT_MANAGER
    assert (await configured.bot.services.guild_setup.settings(configured.guild.id)).default_capacity == 30


async def test_reset_button_works_after_a_restart(configured: World, make_bot: MakeBot) -> None:
    shown = await configured.manager.slash(configured.channel, "setup", reminders="3h", default_capacity=30)

    await configured.env.restart_bot(await make_bot())  # a new process on the same database
    reset = await configured.manager.click(shown.response, label="Reset reminders & seats to defaults")

    assert reset.response.embeds[0].title == "Settings reset to defaults"
    stored = await configured.bot.services.guild_setup.settings(configured.guild.id)
    assert (stored.default_capacity, stored.reminder_offsets[0]) == (12, dt.timedelta(hours=24))
    assert stored.manager_role_id == configured.team_role.id  # the role is not reset


async def test_a_new_server_is_set_up_with_pickers_then_told_what_comes_next(world: World) -> None:
    shown = await world.admin.slash(world.channel, "setup")
    [embed] = shown.response.embeds
    assert embed.title == "Set up Listening Tour"
    assert embed.description.startswith("Three choices and you're ready")
    custom_ids = [c["custom_id"] for row in shown.response.components for c in row["components"]]
    guild = world.guild.id
    assert custom_ids == [f"lt:setup:role:{guild}", f"lt:setup:channel:{guild}", f"lt:setup:reminders:{guild}",
                          f"lt:setup:reset:{guild}"]  # fmt: skip

    await world.admin.select(shown.response, [world.team_role], custom_id=f"lt:setup:role:{guild}")
    await world.admin.select(shown.response, [world.channel], custom_id=f"lt:setup:channel:{guild}")
    picked = await world.admin.select(shown.response, ["48h, 24h, 2h"], custom_id=f"lt:setup:reminders:{guild}")

    stored = await world.bot.services.guild_setup.settings(guild)
    assert (stored.manager_role_id, stored.announce_channel_id) == (world.team_role.id, world.channel.id)
    assert stored.reminder_offsets == (dt.timedelta(hours=48), dt.timedelta(hours=24), dt.timedelta(hours=2))
    [message] = [m for m in world.channel.history(viewer=world.admin) if m.id == shown.response.id]
    done = {field.name: field.value for field in message.embeds[0].fields}
    assert message.embeds[0].title == "Settings saved"
    assert done["Reminders"].startswith("2d, 24h and 2h before each meal")
    ids = world.bot.command_ids
    assert done["Next"].startswith(
        f"Import your customers </customers import:{ids['customers']}> → create a tour </tour new:{ids['tour']}>"
    )
    assert picked.acknowledged


async def test_the_pickers_refuse_what_setup_refuses(configured: World) -> None:
    shown = await configured.manager.slash(configured.channel, "setup")

    other = configured.guild.create_role("Volunteers")
    refused = await configured.manager.select(
        shown.response, [other], custom_id=f"lt:setup:role:{configured.guild.id}"
    )

    [told] = refused.followups
    assert told.content == "Only members with the Manage Server permission can change the manager role."
    assert (await configured.bot.services.guild_setup.settings(configured.guild.id)).manager_role_id == (
        configured.team_role.id
    )
    mine = await configured.admin.slash(configured.channel, "setup")
    everyone = await configured.admin.select(
        mine.response, [configured.guild.default_role], custom_id=f"lt:setup:role:{configured.guild.id}"
    )
    assert everyone.followups[0].content.startswith("@everyone can't be the manager role")
