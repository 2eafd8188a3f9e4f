"""Use cases, one method each. Services take repositories and a clock; they never import discord."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.clock import Clock
from bot.services.guild_setup import GuildSetupService
from storage.database import Database
from storage.guild_settings import GuildSettingsRepository


@dataclass(frozen=True)
class Services:
    guild_setup: GuildSetupService

    @classmethod
    def build(cls, db: Database, clock: Clock) -> Services:
        return cls(guild_setup=GuildSetupService(GuildSettingsRepository(db), clock))
