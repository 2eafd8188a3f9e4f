"""The Bot: holds the services and the clock, wires the delivery parts, loads the cogs, syncs the commands."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord.ext import commands

from bot.config import Settings
from bot.delivery.dispatcher import MAX_SLEEP, SHARED_MAX_SLEEP, Dispatcher
from bot.delivery.housekeeper import Housekeeper
from bot.delivery.messenger import Messenger
from bot.delivery.posts import MealPosts
from bot.delivery.threads import CityThreads
from bot.domain.clock import Clock
from bot.domain.pacing import TokenBucket
from bot.domain.shards import Shards
from bot.errors import ListeningTourTree
from bot.services import OUTBOX_CHANNEL, Services

log = logging.getLogger(__name__)

# Each cog registers its own DynamicItems in its setup(), so buttons work again after a restart.
COGS = (
    "cogs.setup",
    "cogs.help",
    "cogs.status",
    "cogs.customer_commands",
    "cogs.customers",
    "cogs.meals",
    "cogs.tours",
    "cogs.insights",
    "cogs.checkins",
)


class ListeningTourBot(commands.Bot):
    def __init__(
        self,
        *,
        settings: Settings,
        services: Services,
        clock: Clock = discord.utils.utcnow,
        dm_pace: TokenBucket | None = None,
    ) -> None:
        shards = services.shards
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=discord.Intents.default(),  # no privileged intents needed
            tree_cls=ListeningTourTree,
            allowed_mentions=discord.AllowedMentions.none(),  # user text never pings anyone
            **_shard_options(shards),
        )
        self.settings = settings
        self.services = services
        self.clock = clock  # simcord virtualises discord.utils.utcnow in tests and the demo
        self.started_at = clock()
        self.command_ids: dict[str, int] = {}  # top-level command name → id, for clickable mentions
        self.posts = MealPosts(self, clock)
        self.dispatcher = Dispatcher(
            services.delivery, Messenger(self), self.posts, clock, ready=self.wait_until_ready, pace=dm_pace,
            threads=CityThreads(self), max_sleep=MAX_SLEEP if shards.everything else SHARED_MAX_SLEEP,
        )  # fmt: skip
        self.housekeeper = Housekeeper(
            services.meals, services.delivery, services.networking, services.checkins, self, clock,
            ready=self.wait_until_ready,
        )  # fmt: skip

    async def setup_hook(self) -> None:
        self.started_at = self.clock()  # here, not in __init__: simcord's virtual clock runs from login on
        for name in COGS:
            await self.load_extension(name)
        await self.sync_commands()
        self.services.doorbell.subscribe(self.dispatcher.kick)
        self.services.doorbell.subscribe(self.housekeeper.poke)
        if not self.services.shards.everything:  # another process's change may be ours to send
            await self.services.store.listen(OUTBOX_CHANNEL, self._woken)
        log.info("this process: %s; data in %s", self.services.shards.label, self.services.store.backend)
        self.dispatcher.start()
        self.housekeeper.start()

    def _woken(self) -> None:
        self.dispatcher.kick()
        self.housekeeper.poke()

    async def close(self) -> None:
        self.services.doorbell.unsubscribe(self.dispatcher.kick)
        self.services.doorbell.unsubscribe(self.housekeeper.poke)
        self.dispatcher.stop()
        self.housekeeper.stop()
        await super().close()

    async def sync_commands(self) -> None:
        """Instant in a development guild; global otherwise (Discord may take a while to show changes)."""
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to development guild %s", len(synced), guild.id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))
        self.command_ids = {command.name: command.id for command in synced}


class ShardedListeningTourBot(ListeningTourBot, commands.AutoShardedBot):
    """One process serving several shards (``--shard-ids 0,2``): discord.py runs one gateway connection each."""


def bot_class(shards: Shards) -> type[ListeningTourBot]:
    return ListeningTourBot if len(shards.ids) == 1 else ShardedListeningTourBot


def _shard_options(shards: Shards) -> dict[str, Any]:
    if shards.count == 1:
        return {}
    if len(shards.ids) == 1:
        return {"shard_id": shards.ids[0], "shard_count": shards.count}
    return {"shard_ids": list(shards.ids), "shard_count": shards.count}
