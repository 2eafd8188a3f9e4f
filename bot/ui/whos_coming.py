"""The "Who's coming" button on a meal post: the attendees who chose to be listed, with what they do, offer,
seek and their company; the others only as a count. Managers see everyone, unlisted people marked."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import discord

from bot.checks import member_is_manager
from bot.host import Interaction, clock, services
from bot.services.networking import Person, WhosComing
from bot.ui.items import Answer, PersistentItem, number
from bot.ui.pages import page_view, paginate
from bot.ui.people import names_of
from bot.ui.style import plural

LABEL = "Who's coming"


class WhosComingButton(PersistentItem[discord.ui.Button[Any]], template=r"lt:meal:who:(?P<meal>\d+)"):
    where = "who's coming button"
    answer = Answer.REPLY

    def __init__(self, meal_id: int, *, row: int = 1) -> None:
        super().__init__(
            discord.ui.Button(
                label=LABEL, style=discord.ButtonStyle.secondary, custom_id=f"lt:meal:who:{meal_id}", row=row
            )
        )
        self.meal_id = meal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> WhosComingButton:
        return cls(number(match, "meal"))

    async def act(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None  # in_server_only
        networking = services(interaction).networking
        going = await services(interaction).meals.state(interaction.guild_id, self.meal_id)
        names = await names_of(interaction, [r.user_id for r in going.rsvps])
        manager = await member_is_manager(interaction)
        coming = await networking.whos_coming(interaction.guild_id, self.meal_id, names, manager=manager)
        heading = title(coming, clock(interaction)())
        pages = paginate(heading, lines(coming, manager=manager, viewer=interaction.user.id), per_page=10)
        view = page_view(pages, interaction.user.id)
        await interaction.followup.send(embed=pages[0], view=view or discord.utils.MISSING, ephemeral=True)


def title(coming: WhosComing, now: dt.datetime) -> str:
    who = "Who came" if coming.meal.ends_at <= now else "Who's coming"
    return f"{who} to {coming.meal.title}"[:256]


def lines(coming: WhosComing, *, manager: bool, viewer: int) -> list[str]:
    shown = [f"**{plural(coming.seats_taken, 'seat')} taken**, guests included."]
    shown += [_line(person, manager=manager, viewer=viewer) for person in coming.shown]
    if coming.hidden:
        also = "And " if coming.shown else ""
        shown.append(f"*{also}{plural(coming.hidden, 'seat')} for people who aren't listed (guests included).*")
    if coming.waiting:
        shown.append(f"⏳ {plural(coming.waiting, 'person', 'people')} on the waitlist.")
    if not coming.shown and not coming.hidden:
        shown[0] = "Nobody has said Going yet. Be the first!"
    elif not manager and viewer not in {person.user_id for person in coming.shown}:
        shown.append("Want to be listed here too? Turn on **Listed to peers** in `/privacy settings`.")
    return shown


def _line(person: Person, *, manager: bool, viewer: int) -> str:
    name = discord.utils.escape_markdown(person.name)
    head = f"**{name}**" + (" (you)" if person.user_id == viewer else "")
    if person.guests:
        head += f" +{person.guests}"
    if manager and not person.listed:
        head += " · *not listed to peers*"
    profile = person.customer.profile if person.customer else None
    if profile is None or profile.empty:
        return head
    details = [
        f"{label} {discord.utils.escape_markdown(text)}"
        for label, text in (
            ("🏢", profile.company),
            ("💼", profile.what_i_do),
            ("🎁 offers:", profile.offer),
            ("🔎 seeks:", profile.seek),
        )
        if text
    ]
    return head + "\n" + "\n".join(f"　{d[:300]}" for d in details)  # an ideographic space: embeds keep it
