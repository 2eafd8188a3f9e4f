"""The Bot: holds the services and the clock, loads the cogs, syncs the commands."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

import discord
from discord.ext import commands

from bot.config import Settings
from bot.domain.clock import Clock
from bot.errors import ListeningTourTree
from bot.housekeeping import Housekeeper
from bot.notify import Messenger
from bot.services import Services
from bot.ui.meal_post import MealPosts

log = logging.getLogger(__name__)

# Each cog registers its own DynamicItems in its setup(), so buttons work again after a restart.
# cogs.tours adds its commands to the /tour group of cogs.customer_commands, so it loads after it.
COGS = ("cogs.setup", "cogs.help", "cogs.customer_commands", "cogs.customers", "cogs.meals", "cogs.tours")


class ListeningTourBot(commands.Bot):
    def __init__(self, *, settings: Settings, services: Services, clock: Clock = discord.utils.utcnow) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=discord.Intents.default(),  # no privileged intents needed
            tree_cls=ListeningTourTree,
            allowed_mentions=discord.AllowedMentions.none(),  # user text never pings anyone
        )
        self.settings = settings
        self.services = services
        self.clock = clock  # simcord virtualises discord.utils.utcnow in tests and the demo
        self.messenger = Messenger(self)
        self.meal_posts = MealPosts(self)
        self.housekeeper = Housekeeper(self)
        self._background: set[asyncio.Task[None]] = set()

    async def setup_hook(self) -> None:
        for name in COGS:
            await self.load_extension(name)
        await self.sync_commands()

    def run_in_background(self, work: Coroutine[Any, Any, None], name: str) -> None:
        """Long work after an interaction was answered (bulk DMs); errors are logged, never lost."""
        task = asyncio.create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Task[None]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background work %s failed", task.get_name(), exc_info=task.exception())

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
