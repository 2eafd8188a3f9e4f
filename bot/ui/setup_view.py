"""What /setup shows: the settings, pickers to change them (role, channel, reminders), the next steps with
commands to click, and a reset button. On a new server it reads as a guided first run."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Self

import discord

from bot.checks import MANAGER_COMMANDS, MANAGER_MENUS, require_can_post
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.guild_settings import GuildSettings
from bot.domain.timeparse import spoken_offsets
from bot.host import Interaction, command, services
from bot.ui.items import PersistentItem, number
from bot.ui.style import BRAND, plural

Mention = Callable[[str], str]  # "tour plan" → a clickable </tour plan:id>


REMINDER_PRESETS = (
    ("24h, 2h", "A day and two hours before (the default)"),
    ("48h, 24h, 2h", "Two days, a day and two hours before"),
    ("1w, 24h, 2h", "A week, a day and two hours before"),
    ("24h", "A day before"),
    ("2h", "Two hours before"),
)


def settings_embed(
    settings: GuildSettings,
    mention: Mention | None = None,
    *,
    title: str = "Listening Tour settings",
    names: Callable[[int], str | None] = lambda _: None,
) -> discord.Embed:
    """``names`` gives a role's or channel's name by id (the guild's), shown next to its mention."""
    first_run = not settings.configured
    embed = discord.Embed(title="Set up Listening Tour" if first_run and title.endswith("settings") else title,
                          colour=BRAND)  # fmt: skip
    if first_run:
        embed.description = (
            "Three choices and you're ready: pick the **manager role** (your community team), the **channel** "
            "where meals are announced, and when people are **reminded**. Use the menus below."
        )
    role = (
        _named(f"<@&{settings.manager_role_id}>", names(settings.manager_role_id or 0))
        if settings.manager_role_id
        else ("not set (Manage Server only)")
    )
    channel = (
        _named(f"<#{settings.announce_channel_id}>", names(settings.announce_channel_id or 0))
        if (settings.announce_channel_id)
        else "not set"
    )
    embed.add_field(name="Manager role", value=role, inline=True)
    embed.add_field(name="Announcement channel", value=channel, inline=True)
    embed.add_field(
        name="Reminders",
        value=f"{spoken_offsets(settings.reminder_offsets)} before each meal (city's local time)",
        inline=False,
    )
    embed.add_field(name="Default seats per meal", value=str(settings.default_capacity), inline=True)
    followup = f"{plural(settings.followup_days, 'day')} after a meal" if settings.followup_days else "never"
    embed.add_field(name="“Did you connect?” follow-up", value=followup, inline=True)
    threads = "on: one per city, opened with its first meal" if settings.city_threads else "off"
    embed.add_field(name="City threads", value=threads, inline=True)
    weeks = settings.local_intro_weeks
    local = f"every {weeks} weeks, customers of a city paired" if weeks else "off"
    embed.add_field(name="Local introductions between tours", value=local, inline=True)
    hours = settings.feedback_hours
    asked = f"{plural(hours, 'hour')} after a meal, to the people who came" if hours else "off"
    embed.add_field(name="Feedback request", value=asked, inline=True)
    if settings.manager_role_id:
        embed.add_field(name="One step only a server admin can do", value=integrations_hint(settings), inline=False)
    if mention is not None:
        embed.add_field(
            name="Next",
            value=(
                f"Import your customers {mention('customers import')} → create a tour {mention('tour new')} → "
                f"plan it {mention('tour plan')} → publish it {mention('tour publish')}. Or one meal: "
                f"{mention('meal add')}."
            ),
            inline=False,
        )
    hint = "Change any value here or with /setup option:value."
    if first_run:
        hint = "Set a manager role and an announcement channel to finish setting up. " + hint
    embed.set_footer(text=hint)
    return embed


def _named(mention: str, name: str | None) -> str:
    return f"{name} ({mention})" if name else mention


def names_in(guild: discord.Guild | None) -> Callable[[int], str | None]:
    """Role and channel names of a guild by id, for :func:`settings_embed`."""

    def name(snowflake: int) -> str | None:
        if guild is None:
            return None
        found = guild.get_role(snowflake) or guild.get_channel(snowflake)
        if found is None:
            return None
        shown = discord.utils.escape_markdown(found.name)
        return f"@{shown}" if isinstance(found, discord.Role) else f"#{shown}"

    return name


def integrations_hint(settings: GuildSettings) -> str:
    """Discord shows the managers' commands only to members who may Manage Server until an admin lets the manager
    role use them; the bot can't do that for them."""
    commands = ", ".join([*(f"/{name}" for name in MANAGER_COMMANDS), *(f"“{name}”" for name in MANAGER_MENUS)])
    return (
        f"Server Settings → Integrations → Listening Tour: add <@&{settings.manager_role_id}> to {commands}, so the "
        "team sees them (Discord shows them to members with Manage Server only, until then)."
    )


def settings_view(settings: GuildSettings) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SetupRoleSelect(settings.guild_id, settings.manager_role_id))
    view.add_item(SetupChannelSelect(settings.guild_id, settings.announce_channel_id))
    view.add_item(SetupRemindersSelect(settings.guild_id))
    view.add_item(ResetSettingsButton(settings.guild_id))
    return view


def check_manager_role(role: discord.Role) -> None:
    if role.is_default():
        raise InvalidInput("@everyone can't be the manager role: pick a role only your community team has.")
    if role.managed:
        raise InvalidInput(f"{role.name} belongs to an integration; pick a role your community team has.")


class _SetupItem(PersistentItem[Any], template=r"(?!)"):
    """A setting changed from the /setup message (managers; the role only by Manage Server, as in /setup).
    Subclasses' custom_ids end in the guild's id; they say what changes in :meth:`changes`."""

    managers_only = True

    def __init__(self, item: discord.ui.Item[Any], guild_id: int) -> None:
        super().__init__(item)
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(number(match, "guild"))  # type: ignore[arg-type,call-arg]  # subclasses take (guild_id, …)

    async def changes(self, interaction: Interaction) -> dict[str, Any]:
        raise NotImplementedError

    async def act(self, interaction: Interaction) -> None:
        # The guild comes from the interaction; the id in custom_id only detects a stray click.
        member = interaction.user
        if interaction.guild_id != self.guild_id or not isinstance(member, discord.Member):
            raise NotAllowed("This menu belongs to another server's settings.")
        settings = await services(interaction).guild_setup.update(
            self.guild_id,
            by=member.id,
            by_can_manage_server=member.guild_permissions.manage_guild,
            **await self.changes(interaction),
        )
        embed = settings_embed(
            settings, lambda name: command(interaction, name), title="Settings saved", names=names_in(interaction.guild)
        )
        await interaction.edit_original_response(embed=embed, view=settings_view(settings))


class SetupRoleSelect(_SetupItem, template=r"lt:setup:role:(?P<guild>\d+)"):
    where = "setup role picker"

    def __init__(self, guild_id: int, current: int | None = None) -> None:
        defaults = [discord.Object(id=current, type=discord.Role)] if current else []
        select: discord.ui.RoleSelect[Any] = discord.ui.RoleSelect(
            custom_id=f"lt:setup:role:{guild_id}", placeholder="Manager role: your community team",
            default_values=defaults, row=0,
        )  # fmt: skip
        super().__init__(select, guild_id)

    async def changes(self, interaction: Interaction) -> dict[str, Any]:
        [role] = self.item.values
        check_manager_role(role)
        return {"manager_role_id": role.id}


class SetupChannelSelect(_SetupItem, template=r"lt:setup:channel:(?P<guild>\d+)"):
    where = "setup channel picker"

    def __init__(self, guild_id: int, current: int | None = None) -> None:
        defaults = [discord.Object(id=current, type=discord.abc.GuildChannel)] if current else []
        select: discord.ui.ChannelSelect[Any] = discord.ui.ChannelSelect(
            custom_id=f"lt:setup:channel:{guild_id}", placeholder="Announcement channel: where meals are posted",
            channel_types=[discord.ChannelType.text], default_values=defaults, row=1,
        )  # fmt: skip
        super().__init__(select, guild_id)

    async def changes(self, interaction: Interaction) -> dict[str, Any]:
        [picked] = self.item.values
        channel = interaction.guild.get_channel(picked.id) if interaction.guild else None
        if not isinstance(channel, discord.TextChannel):
            raise InvalidInput("Pick a text channel for the meal posts.")
        require_can_post(channel)
        return {"announce_channel_id": channel.id}


class SetupRemindersSelect(_SetupItem, template=r"lt:setup:reminders:(?P<guild>\d+)"):
    where = "setup reminders picker"

    def __init__(self, guild_id: int) -> None:
        options = [discord.SelectOption(label=label, value=value) for value, label in REMINDER_PRESETS]
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"lt:setup:reminders:{guild_id}", placeholder="Reminders: when to remind people",
            options=options, row=2,
        )  # fmt: skip
        super().__init__(select, guild_id)

    async def changes(self, interaction: Interaction) -> dict[str, Any]:
        values = self.item.values
        preset = values[0] if values and values[0] in dict(REMINDER_PRESETS) else REMINDER_PRESETS[0][0]
        return {"reminder_offsets": preset}


class ResetSettingsButton(PersistentItem[discord.ui.Button[Any]], template=r"lt:setup:reset:(?P<guild_id>\d+)"):
    """Puts reminders and default capacity back to their defaults (managers only)."""

    where = "setup reset button"
    managers_only = True

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Reset reminders & seats to defaults",
                style=discord.ButtonStyle.secondary,
                custom_id=f"lt:setup:reset:{guild_id}",
                row=3,
            )
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ResetSettingsButton:
        return cls(number(match, "guild_id"))

    async def act(self, interaction: Interaction) -> None:
        # The guild comes from the interaction; the id in custom_id only detects a stray click.
        if interaction.guild_id != self.guild_id:
            raise NotAllowed("This button belongs to another server's settings.")
        settings = await services(interaction).guild_setup.reset_defaults(interaction.guild_id, by=interaction.user.id)
        embed = settings_embed(
            settings, lambda name: command(interaction, name), title="Settings reset to defaults",
            names=names_in(interaction.guild),
        )  # fmt: skip
        await interaction.edit_original_response(embed=embed, view=settings_view(settings))


SETUP_ITEMS = (ResetSettingsButton, SetupRoleSelect, SetupChannelSelect, SetupRemindersSelect)
