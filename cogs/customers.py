"""/customers cities|list|import|export|referral: managers see who is where, bring in or take out their list,
and record who referred whom."""

from __future__ import annotations

import asyncio
import io

import discord
from discord import app_commands

from bot.app import ListeningTourBot
from bot.checks import MANAGERS_BY_DEFAULT, answers_first, manager_only
from bot.domain.customer_import import COLUMNS, MAX_BYTES
from bot.domain.customers import city_role_name
from bot.domain.errors import InvalidInput
from bot.services.customers import MAX_RADIUS_KM
from bot.ui.charts import city_chart_png
from bot.ui.city_choices import city_choices
from bot.ui.city_roles import hand_out_city_role
from bot.ui.customer_admin import (
    CHART_FILE,
    MANAGER_ITEMS,
    cities_embed,
    city_role_report,
    customers_page_embed,
    customers_page_view,
    import_report_embed,
    import_view,
)
from bot.ui.respond import respond
from bot.ui.tour_choices import tour_choices

Interaction = discord.Interaction[ListeningTourBot]
BIG_FILE_LINES = 5_000


def _guild(interaction: Interaction) -> int:
    assert interaction.guild_id is not None  # the group is guild_only
    return interaction.guild_id


class CustomersCommands(
    app_commands.Group,
    name="customers",
    description="Your customers",
    guild_only=True,
    default_permissions=MANAGERS_BY_DEFAULT,
):
    @manager_only
    @answers_first
    @app_commands.command(name="cities", description="Customers and stop requests per city, with a chart")
    async def cities(self, interaction: Interaction) -> None:
        counts = await interaction.client.services.customers.city_counts(_guild(interaction))
        if not counts:
            await interaction.followup.send(
                "No customers with a city yet. Customers use /city set; you can bring your list with "
                "/customers import.",
                ephemeral=True,
            )
            return
        png = await asyncio.to_thread(city_chart_png, counts)
        await interaction.followup.send(
            embed=cities_embed(counts), file=discord.File(io.BytesIO(png), filename=CHART_FILE), ephemeral=True
        )

    @manager_only
    @app_commands.command(name="list", description="Who lives in a city, and in the towns around it")
    @app_commands.describe(city="The city", radius_km="Also count towns within this distance (0–500 km)")
    @app_commands.autocomplete(city=city_choices)
    async def list_customers(
        self,
        interaction: Interaction,
        city: app_commands.Range[str, 1, 200],
        radius_km: app_commands.Range[int, 0, int(MAX_RADIUS_KM)] = 0,
    ) -> None:
        customers = interaction.client.services.customers
        near = await customers.customers_near(_guild(interaction), customers.resolve_one(city), float(radius_km))
        await interaction.response.send_message(
            embed=customers_page_embed(near, 0), view=customers_page_view(near, 0), ephemeral=True
        )

    @manager_only
    @answers_first
    @app_commands.command(name="roles", description="Give a city's listed customers a 📍 role you can mention")
    @app_commands.describe(city="The city", radius_km="Include towns within this distance (0–500 km)")
    @app_commands.autocomplete(city=city_choices)
    async def city_role(
        self,
        interaction: Interaction,
        city: app_commands.Range[str, 1, 200],
        radius_km: app_commands.Range[int, 0, int(MAX_RADIUS_KM)] = 0,
    ) -> None:
        customers = interaction.client.services.customers
        place = customers.resolve_one(city)
        members = await customers.city_role_members(_guild(interaction), place, float(radius_km))
        handout = await hand_out_city_role(interaction, city_role_name(place.hint), members.user_ids)
        await interaction.followup.send(city_role_report(handout, members.not_listed), ephemeral=True)

    @manager_only
    @answers_first
    @app_commands.command(name="import", description="Import customers from a CSV file (a dry run comes first)")
    @app_commands.describe(file=f"CSV with a header row; columns: {', '.join(COLUMNS)}"[:100])
    async def import_customers(self, interaction: Interaction, file: discord.Attachment) -> None:
        if file.size > MAX_BYTES:
            raise InvalidInput(f"That file is too big; the limit is {MAX_BYTES // 2**20} MB. Split it in parts.")
        data = await file.read()
        if (lines := data.count(b"\n")) > BIG_FILE_LINES:  # a few seconds of checking: say what is going on
            await interaction.edit_original_response(content=f"Checking {lines:,} lines of {file.filename}…")
        dry = await interaction.client.services.customer_files.dry_run(
            _guild(interaction), by=interaction.user.id, filename=file.filename, data=data
        )
        view = import_view(dry.import_id) if dry.import_id is not None else None
        await interaction.edit_original_response(content=None, embed=import_report_embed(dry, file.filename), view=view)

    @manager_only
    @answers_first
    @app_commands.command(name="referral", description="Record that a customer referred someone to us")
    @app_commands.describe(
        referrer="The customer who made the referral",
        referred="Who they referred, if they're on this server",
        referred_name="Who they referred, if they aren't on this server",
        tour="The tour it came from (counts in that tour's referral rate)",
    )
    @app_commands.autocomplete(tour=tour_choices)
    async def referral(
        self,
        interaction: Interaction,
        referrer: discord.Member,
        referred: discord.Member | None = None,
        referred_name: app_commands.Range[str, 1, 100] | None = None,
        tour: int | None = None,
    ) -> None:
        services = interaction.client.services
        if tour is not None:
            await services.tours.get(_guild(interaction), tour)  # an unknown tour is refused before anything
        await services.feedback.record_referral(
            _guild(interaction),
            referrer_id=referrer.id,
            referred_id=referred.id if referred else None,
            referred_name=referred_name,
            tour_id=tour,
            by=interaction.user.id,
        )
        whom = referred.mention if referred else discord.utils.escape_markdown(referred_name or "")
        where = " (counted in the tour's referral rate: `/tour show`)" if tour is not None else ""
        await respond(interaction, f"Recorded: {referrer.mention} referred {whom}{where}. Thank them!")

    @manager_only
    @answers_first
    @app_commands.command(name="export", description="Download every customer as a CSV file")
    async def export(self, interaction: Interaction) -> None:
        export = await interaction.client.services.customer_files.export_file(_guild(interaction))
        zipped = " (zipped: it is big)" if export.filename.endswith(".zip") else ""
        await interaction.followup.send(
            f"{export.customers:,} customers{zipped}. Cells that a spreadsheet would run as a formula start "
            "with an apostrophe.",
            file=discord.File(io.BytesIO(export.data), filename=export.filename),
            ephemeral=True,
        )


async def setup(bot: ListeningTourBot) -> None:
    bot.add_dynamic_items(*MANAGER_ITEMS)
    bot.tree.add_command(CustomersCommands())


async def teardown(bot: ListeningTourBot) -> None:
    bot.remove_dynamic_items(*MANAGER_ITEMS)
    bot.tree.remove_command("customers")
