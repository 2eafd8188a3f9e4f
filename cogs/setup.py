"""/setup: manager role, announcement channel, reminder offsets, default meal capacity."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import ListeningTourBot
from bot.checks import answers_first, manager_only, require_can_post
from bot.domain.feedback import MAX_FEEDBACK_HOURS
from bot.domain.guild_settings import MAX_CAPACITY, MAX_FOLLOWUP_DAYS
from bot.host import command
from bot.ui.respond import respond
from bot.ui.setup_view import SETUP_ITEMS, check_manager_role, names_in, settings_embed, settings_view


class SetupCog(commands.Cog):
    def __init__(self, bot: ListeningTourBot) -> None:
        self.bot = bot

    @manager_only
    @answers_first
    @app_commands.default_permissions(manage_guild=True)  # a default only: manager_only decides
    @app_commands.command(name="setup", description="Show or change how Listening Tour works on this server")
    @app_commands.guild_only()
    @app_commands.describe(
        manager_role="Members with this role run tours (changing it needs Manage Server)",
        announcement_channel="Where meals are announced",
        reminders="When to remind people before a meal, e.g. 24h, 2h",
        default_capacity="Seats per meal unless a meal says otherwise",
        followup_days="Days after a meal to ask people whether they connected (0: never; default 7)",
        city_threads="Open a thread per city when a meal there is published, and add its customers who want intros",
        local_intros="Between tours, introduce customers of the same city to each other every 2 or 4 weeks",
        feedback_hours="Hours after a meal to ask the people who came for feedback (0: never; default 3)",
    )
    @app_commands.choices(
        local_intros=[
            app_commands.Choice(name="Off", value=0),
            app_commands.Choice(name="Every 2 weeks", value=2),
            app_commands.Choice(name="Every 4 weeks", value=4),
        ]
    )
    async def setup_command(
        self,
        interaction: discord.Interaction[ListeningTourBot],
        manager_role: discord.Role | None = None,
        announcement_channel: discord.TextChannel | None = None,
        reminders: app_commands.Range[str, 1, 100] | None = None,
        default_capacity: app_commands.Range[int, 1, MAX_CAPACITY] | None = None,
        followup_days: app_commands.Range[int, 0, MAX_FOLLOWUP_DAYS] | None = None,
        city_threads: bool | None = None,
        local_intros: app_commands.Choice[int] | None = None,
        feedback_hours: app_commands.Range[int, 0, MAX_FEEDBACK_HOURS] | None = None,
    ) -> None:
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)  # guild_only
        if manager_role is not None:
            check_manager_role(manager_role)
        if announcement_channel is not None:
            require_can_post(announcement_channel)
        settings = await self.bot.services.guild_setup.update(
            interaction.guild.id,
            by=interaction.user.id,
            by_can_manage_server=interaction.user.guild_permissions.manage_guild,
            manager_role_id=manager_role.id if manager_role else None,
            announce_channel_id=announcement_channel.id if announcement_channel else None,
            reminder_offsets=reminders,
            default_capacity=default_capacity,
            followup_days=followup_days,
            city_threads=city_threads,
            local_intro_weeks=local_intros.value if local_intros else None,
            feedback_hours=feedback_hours,
        )
        given = (
            manager_role, announcement_channel, reminders, default_capacity, followup_days, city_threads, local_intros,
            feedback_hours,
        )
        changed = any(v is not None for v in given)
        title = "Settings saved" if changed else "Listening Tour settings"
        embed = settings_embed(
            settings, lambda name: command(interaction, name), title=title, names=names_in(interaction.guild)
        )
        await respond(interaction, embed=embed, view=settings_view(settings))


async def setup(bot: ListeningTourBot) -> None:
    bot.add_dynamic_items(*SETUP_ITEMS)
    await bot.add_cog(SetupCog(bot))


async def teardown(bot: ListeningTourBot) -> None:
    bot.remove_dynamic_items(*SETUP_ITEMS)
