"""What managers see: customers per city, who is in a city (paginated), import reports, and their buttons."""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.domain.customer_import import problem_lines
from bot.domain.customers import Customer
from bot.host import Interaction, services
from bot.services.customer_files import DryRun
from bot.services.customers import CityCount, CustomersNear
from bot.ui.city_roles import RoleHandout
from bot.ui.items import PersistentItem, number
from bot.ui.style import BRAND, WARNING, chunk_lines, plural

log = logging.getLogger(__name__)

CHART_FILE = "customers-by-city.png"
PAGE_SIZE = 10
MAX_CITY_LINES = 25
MAX_PROBLEM_CHARS = 2_400  # fits three embed fields even when chunking leaves gaps
DESCRIPTION_LIMIT = 4096


# ------------------------------------------------------------------------------------------ counts


def cities_embed(counts: Sequence[CityCount]) -> discord.Embed:
    customers = sum(c.customers for c in counts)
    requests = sum(c.requests for c in counts)
    lines = [
        f"**{c.city.label}**: {c.customers} customer{'s' * (c.customers != 1)}, "
        f"{c.requests} stop request{'s' * (c.requests != 1)}"
        for c in counts[:MAX_CITY_LINES]
    ]
    if len(counts) > MAX_CITY_LINES:
        lines.append(f"… and {len(counts) - MAX_CITY_LINES} more cities (see /customers export)")
    embed = discord.Embed(
        title="Customers by city",
        description="\n".join(lines)[:DESCRIPTION_LIMIT],
        colour=BRAND,
    )
    embed.set_footer(
        text=f"{plural(customers, 'customer')} with a city · {plural(requests, 'stop request')} · "
        f"{plural(len(counts), 'city', 'cities')}"
    )
    embed.set_image(url=f"attachment://{CHART_FILE}")
    return embed


# -------------------------------------------------------------------------------------------- list


def page_count(near: CustomersNear) -> int:
    return max(1, math.ceil(len(near.customers) / PAGE_SIZE))


def customers_page_embed(near: CustomersNear, page: int) -> discord.Embed:
    where = near.city.label if not near.radius_km else f"{near.city.label}, within {near.radius_km:.0f} km"
    embed = discord.Embed(title=f"Customers in {where}", colour=BRAND)
    chunk = near.customers[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    embed.description = "\n".join(_customer_line(c, town.name) for c, town in chunk) or "No customers here yet."
    towns = [
        f"{town.name}{f' ({distance:.0f} km)' if distance else ''}: {count}" for town, distance, count in near.towns
    ]
    if len(towns) > 1:
        embed.add_field(name="By town", value=chunk_lines(towns)[0], inline=False)
    embed.set_footer(text=f"Page {page + 1}/{page_count(near)} · {plural(len(near.customers), 'customer')}")
    return embed


def _customer_line(customer: Customer, town: str) -> str:
    name = customer.name or customer.discord_name
    who = (
        f"{discord.utils.escape_markdown(name)} (<@{customer.user_id}>)" if customer.user_id and name
        else f"<@{customer.user_id}>" if customer.user_id else f"{name or customer.email or 'someone'}"
    )  # fmt: skip
    if customer.user_id is None:
        who += " (not on the server yet)"
    what = customer.profile.what_i_do or customer.profile.company
    line = f"• {who} · {town}"
    return f"{line} · {what[:80]}" if what else line


def customers_page_view(near: CustomersNear, page: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    radius = round(near.radius_km)
    view.add_item(CustomersPageButton(near.city.geonameid, radius, page - 1, label="Previous", disabled=page <= 0))
    view.add_item(
        CustomersPageButton(near.city.geonameid, radius, page + 1, label="Next", disabled=page + 1 >= page_count(near))
    )
    return view


class CustomersPageButton(
    PersistentItem[discord.ui.Button[Any]],
    template=r"lt:customers:page:(?P<city>\d+)-(?P<radius>\d+)-(?P<page>\d+)",
):
    """Previous/Next on /customers list; managers only, and always the clicking guild's customers."""

    where = "customers list page"
    managers_only = True

    def __init__(
        self, geonameid: int, radius_km: int, page: int, *, label: str = "Page", disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"lt:customers:page:{geonameid}-{radius_km}-{max(page, 0)}",
                disabled=disabled,
            )
        )
        self.geonameid, self.radius_km, self.page = geonameid, radius_km, max(page, 0)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CustomersPageButton:
        return cls(number(match, "city"), min(number(match, "radius"), 500), min(number(match, "page"), 10**6))

    async def act(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None  # in_server_only
        customers = services(interaction).customers
        near = await customers.customers_near(
            interaction.guild_id, customers.city(self.geonameid), float(self.radius_km)
        )
        page = min(self.page, page_count(near) - 1)
        await interaction.edit_original_response(
            embed=customers_page_embed(near, page), view=customers_page_view(near, page)
        )


# ------------------------------------------------------------------------------------------- roles


def city_role_report(handout: RoleHandout, not_listed: int) -> str:
    verb = "Created" if handout.created else "Updated"
    lines = [f"{verb} {handout.role.mention}: given to {handout.given} customer{'s' * (handout.given != 1)}."]
    if not_listed:
        lines.append(
            f"{not_listed} other customer{'s' * (not_listed != 1)} of the area didn't choose to be listed "
            "(or aren't on the server), so they don't get it."
        )
    if handout.left_server:
        lines.append(f"{handout.left_server} have left the server.")
    lines.append(
        "Members who stop being listed, move or delete their data lose the role. Members allowed to mention "
        "all roles can mention it to address the city."
    )
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ import


def import_report_embed(dry: DryRun, filename: str) -> discord.Embed:
    plan = dry.plan
    good, bad = len(plan.rows), len(plan.problems)
    embed = discord.Embed(
        title=f"Dry run of {filename}: nothing imported yet",
        colour=WARNING if bad else BRAND,
        description=(
            f"{plan.total:,} rows read: **{good:,} ready** ({dry.new:,} new customers, {dry.known:,} already known "
            f"and updated), **{bad:,} with problems**."
        ),
    )
    if bad:
        # Up to three fields of 1,024 characters: the embed stays well under Discord's 6,000.
        blocks = chunk_lines(problem_lines(plan.problems, max_chars=MAX_PROBLEM_CHARS))
        for number, block in enumerate(blocks[:3]):
            embed.add_field(name="Rows that will be skipped" if number == 0 else "\u200b", value=block, inline=False)
    hint = (
        "Press Confirm to import the ready rows. Fix the others and import the file again: re-importing is safe."
        if good
        else "Nothing can be imported: fix the rows above and try again."
    )
    embed.set_footer(text=hint)
    return embed


def import_view(import_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ImportConfirmButton(import_id))
    return view


class ImportConfirmButton(PersistentItem[discord.ui.Button[Any]], template=r"lt:import:confirm:(?P<import_id>\d+)"):
    """Writes a checked CSV. Managers only; the import must belong to the clicking guild."""

    where = "import confirm button"
    managers_only = True

    def __init__(self, import_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Confirm import", style=discord.ButtonStyle.success, custom_id=f"lt:import:confirm:{import_id}"
            )
        )
        self.import_id = import_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ImportConfirmButton:
        return cls(number(match, "import_id"))

    async def act(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None  # in_server_only
        files = services(interaction).customer_files
        await files.check_pending(interaction.guild_id, self.import_id)
        await interaction.edit_original_response(content="Importing…", view=None)
        progress = ReplyProgress(interaction)
        plan, counts = await files.confirm(interaction.guild_id, self.import_id, progress=progress)
        await progress.finish()
        skipped = f", {plural(len(plan.problems), 'row')} skipped" if plan.problems else ""
        await interaction.edit_original_response(
            content=(
                f"Imported: {plural(counts.added, 'new customer')}, {counts.updated:,} updated{skipped}. "
                "See them with /customers cities."
            ),
            view=None,
        )


class ReplyProgress:
    """Shows "Importing… n of N" by editing the reply, without making the import wait for Discord: the import
    holds the database's write lock, so an edit runs as its own task and is skipped while one is in flight."""

    def __init__(self, interaction: Interaction) -> None:
        self._interaction = interaction
        self._pending: asyncio.Task[None] | None = None

    async def __call__(self, done: int, total: int) -> None:
        if self._pending is None or self._pending.done():
            self._pending = asyncio.create_task(self._edit(f"Importing… {done:,} of {total:,} rows written"))

    async def _edit(self, text: str) -> None:
        try:
            await self._interaction.edit_original_response(content=text)
        except discord.HTTPException as failure:  # progress is a courtesy; the import goes on
            log.warning("could not show import progress: %s", failure)

    async def finish(self) -> None:
        """Let the last progress edit land before the final answer replaces it."""
        if self._pending is not None:
            await self._pending


MANAGER_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (CustomersPageButton, ImportConfirmButton)
