"""What customers see: the city consent prompt and picker, the profile form and card, privacy settings.

Every button here acts on the person who clicks it (their own city, opt-ins or data) in the guild the
interaction comes from; buttons that carry a user id refuse anyone else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import discord

from bot.domain.cities import City
from bot.domain.customers import (
    MAX_COMPANY,
    MAX_OFFER,
    MAX_SEEK,
    MAX_WEBSITE,
    MAX_WHAT_I_DO,
    Customer,
    OptIn,
)
from bot.domain.errors import NotAllowed
from bot.errors import report_error
from bot.host import Interaction, services
from bot.services.customers import Member, profile_fields
from bot.ui.city_roles import drop_city_roles
from bot.ui.items import PersistentItem, number
from bot.ui.respond import respond
from bot.ui.style import BRAND, WARNING

CONSENT_TEXT = (
    "Before I store anything, here is what Listening Tour keeps about you on this server:\n"
    "• **your city**, so the team can plan meals near you;\n"
    "• **your profile** (what you do, offer and seek), only if you fill it in with /profile edit.\n"
    "The community managers can see it. Other customers can't, unless you opt in with /privacy settings; "
    "DMs, introductions and quoting are separate opt-ins, all off. /privacy show gives you everything "
    "stored, /privacy delete erases it."
)


def member_of(interaction: Interaction) -> Member:
    if interaction.guild_id is None:
        raise NotAllowed("That only works inside a server, not in DMs.")
    user = interaction.user
    return Member(interaction.guild_id, user.id, user.name, user.display_name)


# ---------------------------------------------------------------------------------------------- city


@dataclass(frozen=True)
class CityAnswer:
    """The consent prompt (embed + buttons) or the plain confirmation (``embed``/``view`` None)."""

    content: str | None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None

    async def send(self, interaction: Interaction) -> None:
        await respond(interaction, self.content, embed=self.embed, view=self.view)

    async def replace(self, interaction: Interaction) -> None:
        """Edit the message the component was on (the picker) into this answer (its click was deferred)."""
        await interaction.edit_original_response(content=self.content, embed=self.embed, view=self.view)


async def city_answer(interaction: Interaction, city: City, note: str | None) -> CityAnswer:
    """The answer to a chosen city: the consent prompt the first time, else the confirmation."""
    svc = services(interaction)
    member = member_of(interaction)
    if await svc.customers.needs_consent(member):
        embed = discord.Embed(title=f"Save {city.label} as your city?", description=CONSENT_TEXT, colour=BRAND)
        view = discord.ui.View(timeout=None)
        view.add_item(CityConsentButton("agree", city.geonameid))
        view.add_item(CityConsentButton("decline", city.geonameid))
        return CityAnswer(note, embed, view)
    await svc.customers.set_city(member, city.geonameid)
    await drop_city_roles(interaction)  # the old city's role no longer fits
    return CityAnswer(_saved_text(city, note))


def _saved_text(city: City, note: str | None) -> str:
    text = f"Your city is now **{city.label}**."
    return f"{text}\n-# {note}" if note else text


class CityConsentButton(
    PersistentItem[discord.ui.Button[Any]], template=r"lt:city:(?P<action>agree|decline):(?P<city>\d+)"
):
    """ "I agree" stores the clicker's city and their consent; "No thanks" stores nothing. It acts for whoever
    clicks (their own city, in the clicking guild), and only they see the ephemeral prompt it is on."""

    where = "city consent button"

    def __init__(self, action: str, geonameid: int) -> None:
        agree = action == "agree"
        super().__init__(
            discord.ui.Button(
                label="I agree, save my city" if agree else "No thanks",
                style=discord.ButtonStyle.success if agree else discord.ButtonStyle.secondary,
                custom_id=f"lt:city:{action}:{geonameid}",
            )
        )
        self.action, self.geonameid = action, geonameid

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CityConsentButton:
        return cls(match["action"], number(match, "city"))

    async def act(self, interaction: Interaction) -> None:
        if self.action == "decline":
            await interaction.edit_original_response(content="No problem: nothing was stored.", embed=None, view=None)
            return
        member = member_of(interaction)
        city = await services(interaction).customers.set_city(member, self.geonameid, consenting=True)
        await interaction.edit_original_response(
            content=_saved_text(city, "Thanks! Change it any time with /city set; see your data with /privacy show."),
            embed=None,
            view=None,
        )


class CityPickSelect(PersistentItem[discord.ui.Select[Any]], template=r"lt:city:pick:(?P<user>\d+)"):
    """ "Which Springfield?": the options are the resolver's choices, values are geonames ids."""

    where = "city picker"
    not_yours = "This list is for the person who ran /city set; run it yourself to set yours."

    def __init__(self, user_id: int, choices: tuple[City, ...] = ()) -> None:
        options = [discord.SelectOption(label=c.label[:100], value=str(c.geonameid)) for c in choices[:25]]
        super().__init__(
            discord.ui.Select(
                placeholder="Pick your city",
                custom_id=f"lt:city:pick:{user_id}",
                options=options or [discord.SelectOption(label="-", value="0")],
            )
        )
        self.owner_id = user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CityPickSelect:
        return cls(number(match, "user"))

    async def act(self, interaction: Interaction) -> None:
        values = self.item.values  # discord.py refreshes a dynamic item's state from the interaction
        geonameid = int(values[0]) if values and values[0].isdigit() and len(values[0]) < 12 else 0
        city = services(interaction).customers.city(geonameid)
        await (await city_answer(interaction, city, None)).replace(interaction)


def city_pick_view(user_id: int, choices: tuple[City, ...]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(CityPickSelect(user_id, choices))
    return view


# ------------------------------------------------------------------------------------------- profile


class ProfileModal(discord.ui.Modal, title="Your profile"):
    """What I do / offer / seek, company and website; pre-filled with what is stored."""

    def __init__(self, customer: Customer | None) -> None:
        super().__init__(timeout=None)
        profile = customer.profile if customer else None
        specs = (
            ("what_i_do", "What do you do?", MAX_WHAT_I_DO, "I run a bakery with 12 people"),
            ("offer", "What can you offer other customers?", MAX_OFFER, "Advice on hiring, a shop window"),
            ("seek", "What are you looking for?", MAX_SEEK, "A good accountant, new suppliers"),
            ("company", "Company", MAX_COMPANY, "Acme Bakery"),
            ("website", "Website", MAX_WEBSITE, "acme.com"),
        )
        self.inputs: dict[str, discord.ui.TextInput[ProfileModal]] = {}
        for name, label, limit, example in specs:
            text_input: discord.ui.TextInput[ProfileModal] = discord.ui.TextInput(
                label=label,
                custom_id=f"lt:profile:{name}",
                style=discord.TextStyle.paragraph if limit > MAX_COMPANY + 100 else discord.TextStyle.short,
                required=False,
                max_length=limit,
                placeholder=example,
                default=getattr(profile, name) if profile else None,
            )
            self.inputs[name] = text_input
            self.add_item(text_input)

    async def on_submit(self, interaction: Interaction) -> None:
        values = {name: text_input.value for name, text_input in self.inputs.items()}
        member = member_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)  # answer first, then write
        customer = await services(interaction).customers.save_profile(member, **values)
        embed = profile_embed(customer, services(interaction).customers.label(customer.city_id), mine=True)
        await respond(interaction, "Profile saved.", embed=embed)

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_error(interaction, error, "profile form")


def profile_embed(customer: Customer, city_label: str, *, mine: bool) -> discord.Embed:
    who = f"<@{customer.user_id}>" if customer.user_id else (customer.name or "A customer")
    embed = discord.Embed(title="Your profile" if mine else "Profile", description=who, colour=BRAND)
    embed.add_field(name="City", value=city_label, inline=False)
    for label, value in profile_fields(customer.profile):
        embed.add_field(name=label, value=value, inline=False)
    if mine:
        listed = "visible to other customers" if customer.opted_in(OptIn.LISTED) else "visible to managers only"
        embed.set_footer(text=f"Your profile is {listed}. Change it with /profile edit and /privacy settings.")
    return embed


# ------------------------------------------------------------------------------------------- privacy


def privacy_embed(customer: Customer | None) -> discord.Embed:
    embed = discord.Embed(
        title="Your privacy settings",
        description="Each is off until you turn it on. Press a button to switch it.",
        colour=BRAND,
    )
    for opt_in in OptIn:
        state = "✅ on" if customer and customer.opted_in(opt_in) else "⬜ off"
        embed.add_field(name=f"{opt_in.label}: {state}", value=opt_in.explanation, inline=False)
    return embed


def privacy_view(customer: Customer | None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for opt_in in OptIn:
        view.add_item(OptInToggleButton(opt_in, on=customer is not None and customer.opted_in(opt_in)))
    return view


class OptInToggleButton(
    PersistentItem[discord.ui.Button[Any]],
    template=r"lt:privacy:toggle:(?P<opt_in>allow_dms|listed|introductions|quotes)",
):
    """Switches one opt-in of the clicker (persistent: works on an old settings message after a restart)."""

    where = "privacy toggle"

    def __init__(self, opt_in: OptIn, *, on: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"{opt_in.label}: {'on' if on else 'off'}",
                style=discord.ButtonStyle.success if on else discord.ButtonStyle.secondary,
                custom_id=f"lt:privacy:toggle:{opt_in.value}",
            )
        )
        self.opt_in = opt_in

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> OptInToggleButton:
        return cls(OptIn(match["opt_in"]))

    async def act(self, interaction: Interaction) -> None:
        customer = await services(interaction).customers.toggle_opt_in(member_of(interaction), self.opt_in)
        if self.opt_in is OptIn.LISTED and not customer.opted_in(OptIn.LISTED):
            await drop_city_roles(interaction)  # a city role shows everyone where they live
        await interaction.edit_original_response(embed=privacy_embed(customer), view=privacy_view(customer))


def delete_embed() -> discord.Embed:
    return discord.Embed(
        title="Delete everything about you?",
        description=(
            "This erases your city, profile, opt-ins, stop requests and every other record about you on this "
            "server. What you said in insights is kept only without your name. It can't be undone."
        ),
        colour=WARNING,
    )


def delete_view(user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(DeleteMeButton("delete", user_id))
    view.add_item(DeleteMeButton("keep", user_id))
    return view


class DeleteMeButton(
    PersistentItem[discord.ui.Button[Any]], template=r"lt:privacy:(?P<action>delete|keep):(?P<user>\d+)"
):
    where = "privacy delete button"
    not_yours = "Only the person who asked can confirm deleting their own data."

    def __init__(self, action: str, user_id: int) -> None:
        delete = action == "delete"
        super().__init__(
            discord.ui.Button(
                label="Yes, delete my data" if delete else "Keep my data",
                style=discord.ButtonStyle.danger if delete else discord.ButtonStyle.secondary,
                custom_id=f"lt:privacy:{action}:{user_id}",
            )
        )
        self.action, self.owner_id = action, user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> DeleteMeButton:
        return cls(match["action"], number(match, "user"))

    async def act(self, interaction: Interaction) -> None:
        if self.action == "keep":
            await interaction.edit_original_response(content="Nothing was deleted.", embed=None, view=None)
            return
        member = member_of(interaction)
        await drop_city_roles(interaction)
        # One transaction: the row a manager imported under their username is theirs, and goes too.
        await services(interaction).privacy.forget(member.guild_id, member.user_id, username=member.username)
        await interaction.edit_original_response(
            content="Done: everything Listening Tour stored about you on this server is gone.", embed=None, view=None
        )


CUSTOMER_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    CityConsentButton,
    CityPickSelect,
    OptInToggleButton,
    DeleteMeButton,
)
