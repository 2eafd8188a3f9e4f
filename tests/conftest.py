"""Shared fixtures: bots on a real SQLite file, a simulated community, and the discord-error guard.

simcord's pytest plugin (auto-loaded) provides ``simcord_env``; it needs a ``simcord_bot`` fixture that
returns an un-started bot. See ../shared/testing/README.md for the patterns and pitfalls.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import discord
import pytest
import pytest_asyncio
import simcord

from bot.app import ListeningTourBot
from bot.checks import MANAGER_COMMANDS, MANAGER_MENUS
from bot.config import Settings
from bot.runtime import build_bot, open_store
from storage.database import Store
from tests.backends import database_url

MANAGER_ROLE = "Community Team"
MakeBot = Callable[[], Awaitable[ListeningTourBot]]
# Real seconds simcord waits for the bot to go idle after each step (its default is 5). Planning a tour runs
# in a thread for a few seconds; on a loaded 2-core machine that alone can pass 5 s. Virtual time is
# unaffected, and no assertion is loosened: a bot that never settles still fails, only later.
SETTLE_SECONDS = 30.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "simcord_env" not in getattr(item, "fixturenames", ()):
            continue
        marker = item.get_closest_marker("simcord")
        options = {"settle_timeout": SETTLE_SECONDS, **(marker.kwargs if marker else {})}
        item.add_marker(pytest.mark.simcord(**options), append=False)  # read first: the test's own options win


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``backend``: SQLite, or each backend a module asks for with ``pytestmark = pytest.mark.backends(…)``
    (the conformance suite: the same tests on SQLite and PostgreSQL). LT_TEST_BACKEND=postgresql runs every
    other bot test on PostgreSQL too (by hand; CI runs the marked ones on both)."""
    if "backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("backends")
        default = os.environ.get("LT_TEST_BACKEND", "sqlite")
        metafunc.parametrize("backend", marker.args if marker else (default,))


@pytest_asyncio.fixture
async def settings(tmp_path: Path, backend: str) -> AsyncIterator[Settings]:
    async with database_url(backend, tmp_path) as url:
        yield Settings(data_dir=tmp_path, database_url=url)


@pytest_asyncio.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    """The store the settings name (SQLite or PostgreSQL), migrated."""
    db = await open_store(settings)
    yield db
    await db.close()


@pytest_asyncio.fixture
async def make_bot(settings: Settings) -> AsyncIterator[MakeBot]:
    """Build bots on one database (a restarted bot sees the same data); close them all afterwards."""
    opened: list[tuple[ListeningTourBot, Store]] = []

    async def make() -> ListeningTourBot:
        db = await open_store(settings)  # a new "process": its own connection
        opened.append((build_bot(settings, db), db))
        return opened[-1][0]

    yield make
    for bot, db in opened:
        await bot.close()
        await db.close()


@pytest_asyncio.fixture
async def simcord_bot(make_bot: MakeBot) -> ListeningTourBot:
    return await make_bot()


@dataclass
class World:
    env: simcord.Env
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    team_role: simcord.RoleHandle
    admin: simcord.MemberActor  # has Manage Server
    manager: simcord.MemberActor  # holds the Community Team role (a manager once /setup names it)
    members: list[simcord.MemberActor]  # plain customers

    @property
    def bot(self) -> ListeningTourBot:
        return cast(ListeningTourBot, self.env.bot)  # the current bot, also after restart_bot

    def role(self, name: str) -> discord.Role:
        guild = self.bot.get_guild(self.guild.id)
        assert guild is not None
        [role] = [r for r in guild.roles if r.name == name]
        return role


@pytest.fixture
def world(simcord_env: simcord.Env) -> World:
    """A server that has not run /setup yet: only the admin counts as a manager."""
    guild = simcord_env.create_guild("Acme Customers")
    channel = guild.create_text_channel("listening-tour")
    admins = guild.create_role("Admins", permissions=discord.Permissions(manage_guild=True))
    team = guild.create_role(MANAGER_ROLE)
    admin = guild.add_member(simcord_env.create_user("owen"), roles=[admins])
    manager = guild.add_member(simcord_env.create_user("maria"), roles=[team])
    members = [guild.add_member(simcord_env.create_user(name)) for name in ("ana", "ben", "chen")]
    return World(simcord_env, guild, channel, team, admin, manager, members)


@pytest_asyncio.fixture
async def configured(world: World) -> World:
    """The same server after its admin named the manager role and the announcement channel, and let that role
    use the manager commands (Server Settings → Integrations, as /setup tells the admin to)."""
    result = await world.admin.slash(
        world.channel, "setup", manager_role=world.team_role, announcement_channel=world.channel
    )
    assert result.response is not None and result.response.embeds[0].title == "Settings saved"
    await allow_manager_commands(world, world.team_role)
    return world


async def allow_manager_commands(world: World, role: simcord.RoleHandle) -> None:
    """What a server admin does in Server Settings → Integrations → Listening Tour for a role."""
    for command in await world.bot.tree.fetch_commands():
        if command.name in (*MANAGER_COMMANDS, *MANAGER_MENUS):
            world.guild.set_command_permissions(command, {role: True})


async def run_as_member(
    world: World, member: simcord.MemberActor, command: str, **options: object
) -> simcord.InteractionResult:
    """A member tries a manager command: Discord hides it from them (its default permissions); and should an
    admin let everyone use it, the bot's own check still refuses. Returns that refusal."""
    with pytest.raises(simcord.SetupError, match="not visible to this user"):
        await member.slash(world.channel, command, **options)
    await allow_manager_commands(world, world.guild.default_role)
    return await member.slash(world.channel, command, **options)


class _ErrorRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def discord_errors() -> Iterator[_ErrorRecords]:
    """Fail the test on any ERROR logged by discord.* (errors in DynamicItem callbacks are only logged).

    A test that expects such an error inspects and clears ``discord_errors.records``.
    """
    handler = _ErrorRecords()
    logger = logging.getLogger("discord")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
    if handler.records:
        lines = "\n".join(f"{r.name}: {r.getMessage()}" for r in handler.records)
        pytest.fail(f"discord logged errors during the test:\n{lines}", pytrace=False)
