"""`python -m bot demo`: the real bot, offline, against simcord's simulated Discord in a browser page.

Nothing is mocked: slash commands, buttons and modals in the page run the bot's real callbacks on a
fresh temporary database seeded with a demo community. Every feature adds its seed data here.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import errno
import signal
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import simcord

from bot.app import ListeningTourBot
from bot.checks import MANAGER_COMMANDS, MANAGER_MENUS
from bot.config import Settings
from bot.demo.customers import seed_customers
from bot.demo.insights import seed_insights
from bot.demo.meals import seed_meals
from bot.demo.networking import seed_networking
from bot.demo.tours import seed_tours
from bot.domain.pacing import TokenBucket
from bot.runtime import build_bot, open_database
from storage.database import Store

BOT_NAME = "Listening Tour"  # the bot account's name in the page (simcord calls it "TestBot")
MANAGER_ROLE = "Community Team"
# Demo customers and where they live: a tour from Toronto to Austin passes most of them.
CUSTOMERS = (
    ("ana", "Ana Costa", "Toronto"),
    ("ben", "Ben Okafor", "Toronto"),
    ("chen", "Chen Wei", "Detroit"),
    ("dara", "Dara Singh", "Chicago"),
    ("eli", "Eli Brooks", "St. Louis, MO"),  # plain "St. Louis" also matches Saint-Louis, Senegal
    ("fatima", "Fatima Haddad", "Dallas"),
    ("gus", "Gus Larsen", "Austin"),
    ("hana", "Hana Kim", "Austin"),
)


@dataclass
class DemoCommunity:
    env: simcord.Env
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    manager: simcord.MemberActor
    customers: dict[str, simcord.MemberActor] = field(default_factory=dict)
    customer_cities: dict[str, str] = field(default_factory=dict)
    team: simcord.RoleHandle | None = None


def build_community(env: simcord.Env) -> DemoCommunity:
    guild = env.create_guild("Acme Customers")
    channel = guild.create_text_channel("listening-tour")
    guild.create_text_channel("general")
    team = guild.create_role(MANAGER_ROLE)
    maria = guild.add_member(env.create_user("maria", global_name="Maria (Acme)"), roles=[team])
    community = DemoCommunity(env, guild, channel, maria, team=team)
    for username, display, city in CUSTOMERS:
        community.customers[username] = guild.add_member(env.create_user(username, global_name=display))
        community.customer_cities[username] = city
    return community


async def seed(bot: ListeningTourBot, community: DemoCommunity) -> None:
    """The demo community's data, written through the same services the commands use."""
    [team] = [r for r in community.env.bot.get_guild(community.guild.id).roles if r.name == MANAGER_ROLE]  # type: ignore[union-attr]
    await bot.services.guild_setup.update(
        community.guild.id,
        by=community.manager.id,
        by_can_manage_server=True,
        manager_role_id=team.id,
        announce_channel_id=community.channel.id,
        city_threads=True,  # each city's thread opens with its first meal
    )
    if community.team is not None:  # what the admin did in Server Settings → Integrations, as /setup asks
        for command in await bot.tree.fetch_commands():
            if command.name in (*MANAGER_COMMANDS, *MANAGER_MENUS):
                community.guild.set_command_permissions(command, {community.team: True})
    await seed_customers(
        bot.services,
        community.guild.id,
        [
            (community.customers[username].id, username, display, community.customer_cities[username])
            for username, display, _ in CUSTOMERS
        ],
    )
    users = {username: actor.id for username, actor in community.customers.items()}
    await seed_meals(bot.services, community.guild.id, community.channel.id, community.manager.id, users)
    await seed_tours(bot.services, community.guild.id, community.manager.id)
    await bot.dispatcher.flush()  # the meals' posts and events, before anyone opens the page

    async def advance(to: dt.datetime) -> None:  # the demo's clock moves on to `to`, sending what falls due
        await bot.dispatcher.flush()
        await community.env.advance_time(max((to - bot.clock()).total_seconds(), 0))
        await bot.dispatcher.flush()

    names = {community.customers[username].id: display for username, display, _ in CUSTOMERS}
    await seed_networking(
        bot.services, advance, community.guild.id, community.channel.id, community.manager.id, users, names
    )
    await seed_insights(bot.services, community.guild.id, community.manager.id, users)
    await bot.dispatcher.flush()


def build_demo_bot(settings: Settings, db: Store) -> ListeningTourBot:
    """The real bot, but unpaced: time stands still in the demo (simcord's virtual clock), so a DM pace that
    refills with it would stop every bulk send after its first burst; no real Discord is there to protect."""
    return build_bot(settings, db, dm_pace=TokenBucket(burst=1_000_000))


async def run_demo(settings: Settings, port: int, *, dms: str | None = None) -> int:
    """The demo in a browser page: the announcement channel, or (``dms``) one customer's DMs with the bot."""
    usernames = [username for username, _, _ in CUSTOMERS]
    if dms is not None and dms.casefold() not in usernames:
        print(f"There is no demo customer called {dms!r}; pick one of: {', '.join(usernames)}.", flush=True)
        return 2
    loop, this = asyncio.get_running_loop(), asyncio.current_task()
    assert this is not None

    def stop() -> None:  # unwind the context managers below; a second Ctrl-C must not cut the clean-up short
        if this.cancelling() == 0:
            this.cancel()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    with tempfile.TemporaryDirectory(prefix="listening-tour-demo-") as tmp:
        db = await open_database(Path(tmp) / "demo.db")
        bot = build_demo_bot(settings, db)
        try:
            async with simcord.run(bot, check_errors=False) as env:  # a demo keeps going after a bot error
                await name_the_bot(bot)
                community = build_community(env)
                await seed(bot, community)
                viewers = [community.manager, *community.customers.values()][:4]

                def preview(on: int) -> simcord.Preview:
                    if dms is not None:  # simcord presents one channel per page: here, the customer's DMs
                        user = community.customers[dms.casefold()].user
                        if user.dm_channel is None:
                            raise simcord.SetupError(f"{dms} has no direct messages in the demo")
                        return env.preview(user.dm_channel, viewers=[user], layout="channel", port=on)
                    return env.preview(community.channel, viewers=viewers, layout="channel", port=on)

                async with contextlib.AsyncExitStack() as stack:
                    page = await open_preview(stack, preview, port)
                    print(f"Demo running: open {page.url}", flush=True)  # the #fragment is the access key
                    if dms is None:
                        print("Switch between Maria (manager) and customers in the page. Ctrl-C stops.", flush=True)
                    else:
                        print(f"Showing {dms}'s direct messages with the bot. Ctrl-C stops.", flush=True)
                    await page.wait_closed()
        except asyncio.CancelledError:
            pass
        finally:
            await bot.close()
            await db.close()
    print("Demo stopped.", flush=True)
    return 0


async def name_the_bot(bot: ListeningTourBot) -> None:
    """simcord's bot account is called "TestBot"; the demo's is the product. simcord has no option for it, so
    the bot renames itself the way it would on Discord (``ClientUser.edit``, PATCH /users/@me)."""
    assert bot.user is not None
    await bot.user.edit(username=BOT_NAME)


async def open_preview(
    stack: contextlib.AsyncExitStack, preview: Callable[[int], simcord.Preview], port: int
) -> simcord.Preview:
    """The page on ``port``; if that port can't be had (another demo, another program), on a free one."""
    try:
        return await stack.enter_async_context(preview(port))
    except simcord.SetupError as error:
        cause = error.__cause__
        if port == 0 or not isinstance(cause, OSError):
            raise
        why = "busy" if cause.errno == errno.EADDRINUSE else f"not available ({(cause.strerror or 'error').lower()})"
    page = await stack.enter_async_context(preview(0))
    print(f"Port {port} is {why}; using {urlsplit(page.url).port} instead.", flush=True)
    return page


if __name__ == "__main__":  # pragma: no cover - convenience
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_demo(Settings(), 0))
