"""Customer self-service: /city set, /profile edit|show, /request stop, /privacy show|settings|delete.

Commands that write (or might) answer Discord first (``@answers_first``); the others are quick reads.
``/request stop`` is a group of its own: Discord hides whole top-level commands from members, and /tour is
the managers'."""

from __future__ import annotations

import io
import json

import discord
from discord import app_commands

from bot.app import ListeningTourBot
from bot.checks import answers_first
from bot.domain.cities import ResolutionStatus
from bot.domain.errors import InvalidInput
from bot.ui.city_choices import city_choices
from bot.ui.customer_views import (
    CUSTOMER_ITEMS,
    ProfileModal,
    city_answer,
    city_pick_view,
    delete_embed,
    delete_view,
    member_of,
    privacy_embed,
    privacy_view,
    profile_embed,
)
from bot.ui.respond import respond

Interaction = discord.Interaction[ListeningTourBot]


class CityCommands(app_commands.Group, name="city", description="Where you are", guild_only=True):
    @answers_first
    @app_commands.command(name="set", description="Tell us which city you live in")
    @app_commands.describe(city="Start typing and pick from the list, or write e.g. “Portland, OR”")
    @app_commands.autocomplete(city=city_choices)
    async def set_city(self, interaction: Interaction, city: app_commands.Range[str, 1, 200]) -> None:
        assert interaction.guild_id is not None  # guild_only
        # Read near this server's customers: "Kingston" on a server of Canadians is Kingston, Ontario.
        resolution = await interaction.client.services.customers.resolve_in_guild(
            city, interaction.guild_id, for_user=interaction.user.id
        )
        if resolution.status is ResolutionStatus.AMBIGUOUS:
            await respond(interaction, resolution.message, view=city_pick_view(interaction.user.id, resolution.choices))
            return
        if resolution.city is None:
            raise InvalidInput(resolution.message or f"I couldn't find “{city.strip()}”.")
        await (await city_answer(interaction, resolution.city, resolution.message)).send(interaction)


class ProfileCommands(app_commands.Group, name="profile", description="What you do, offer and seek", guild_only=True):
    @app_commands.command(name="edit", description="Fill in what you do, what you can offer and what you seek")
    async def edit(self, interaction: Interaction) -> None:
        member = member_of(interaction)
        # Pre-filled (also from a row a manager imported), read only: the form must be Discord's first answer.
        customer = await interaction.client.services.customers.for_form(member)
        await interaction.response.send_modal(ProfileModal(customer))

    @answers_first
    @app_commands.command(name="show", description="Your profile, or another member's if they chose to be listed")
    @app_commands.describe(member="Whose profile (leave empty for yours)")
    async def show(self, interaction: Interaction, member: discord.Member | None = None) -> None:
        me = member_of(interaction)
        subject = member.id if member else me.user_id
        services = interaction.client.services
        await services.customers.claim_imported(me)
        customer = await services.customers.visible_profile(me.guild_id, viewer_id=me.user_id, subject_id=subject)
        embed = profile_embed(customer, services.customers.label(customer.city_id), mine=subject == me.user_id)
        await respond(interaction, embed=embed)


class RequestCommands(app_commands.Group, name="request", description="Ask the team for things", guild_only=True):
    @answers_first
    @app_commands.command(name="stop", description="Ask for a listening-tour stop in your town")
    @app_commands.describe(city="The town you'd like us to visit", note="Anything we should know (optional)")
    @app_commands.autocomplete(city=city_choices)
    async def request(
        self,
        interaction: Interaction,
        city: app_commands.Range[str, 1, 200],
        note: app_commands.Range[str, 0, 1000] | None = None,  # the service explains its own, lower limit
    ) -> None:
        assert interaction.guild_id is not None  # guild_only
        saved = await interaction.client.services.customers.request_stop(
            interaction.guild_id, interaction.user.id, city, note
        )
        others = saved.asked - 1
        verb = "Updated your request" if saved.updated else "Thanks! You asked"
        crowd = (
            "You're the first to ask for it."
            if not others
            else (f"{saved.asked} people have asked for {saved.city.name} so far.")
        )
        await respond(interaction, f"{verb} for a stop in **{saved.city.label}**. {crowd}")


class PrivacyCommands(app_commands.Group, name="privacy", description="Your data and opt-ins", guild_only=True):
    @answers_first
    @app_commands.command(name="show", description="Everything Listening Tour stores about you, as a file")
    async def show(self, interaction: Interaction) -> None:
        me = member_of(interaction)
        await interaction.client.services.customers.claim_imported(me)
        document = await interaction.client.services.privacy.export(me.guild_id, me.user_id)
        data = json.dumps(document, indent=2, ensure_ascii=False, default=str).encode("utf-8")
        await respond(
            interaction,
            "Here is everything stored about you on this server.",
            file=discord.File(io.BytesIO(data), filename="my-listening-tour-data.json"),
        )

    @app_commands.command(name="settings", description="Choose what you allow: DMs, being listed, intros, quotes")
    async def settings(self, interaction: Interaction) -> None:
        me = member_of(interaction)
        customer = await interaction.client.services.customers.customer(me.guild_id, me.user_id)
        await interaction.response.send_message(
            embed=privacy_embed(customer), view=privacy_view(customer), ephemeral=True
        )

    @app_commands.command(name="delete", description="Erase everything Listening Tour stores about you")
    async def delete(self, interaction: Interaction) -> None:
        await interaction.response.send_message(
            embed=delete_embed(), view=delete_view(interaction.user.id), ephemeral=True
        )


async def setup(bot: ListeningTourBot) -> None:
    bot.add_dynamic_items(*CUSTOMER_ITEMS)
    for group in (CityCommands(), ProfileCommands(), RequestCommands(), PrivacyCommands()):
        bot.tree.add_command(group)


async def teardown(bot: ListeningTourBot) -> None:
    bot.remove_dynamic_items(*CUSTOMER_ITEMS)
    for name in ("city", "profile", "request", "privacy"):
        bot.tree.remove_command(name)
