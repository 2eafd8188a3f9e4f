"""RSVP interactions: the buttons on a meal post and in DMs, the RSVP question, and what each click says.

Every button is one persistent ``DynamicItem`` (``lt:rsvp:<action>:<meal id>[:<user id>]``), so posts
keep working after a restart. The guild comes from the interaction; in a DM, from the clicker's own RSVP
or invitation to that meal, and only while they are still a member there.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
from typing import Any

import discord

from bot.domain.calendar import calendar_file, google_calendar_link, outlook_calendar_link
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.meals import MAX_GUESTS, GoingOutcome, Meal, RsvpStatus, reminder_times
from bot.domain.timeparse import spoken_offsets
from bot.errors import report_error, send_ephemeral
from bot.host import Interaction, clock, services
from bot.services.meals import RsvpResult
from bot.ui.items import Answer, PersistentItem, number, safe_id
from bot.ui.whos_coming import WhosComingButton

log = logging.getLogger(__name__)

ANSWER_INPUT = "lt:rsvp:answer"
POST_BUTTONS: dict[str, tuple[str, discord.ButtonStyle, int]] = {
    "going": ("Going", discord.ButtonStyle.success, 0),
    "maybe": ("Maybe", discord.ButtonStyle.secondary, 0),
    "no": ("Can't go", discord.ButtonStyle.danger, 0),
    "plus1": (f"+{MAX_GUESTS} guest", discord.ButtonStyle.secondary, 0),
    "ics": ("Add to calendar", discord.ButtonStyle.secondary, 1),
    "here": ("I'm here", discord.ButtonStyle.primary, 1),
}
DM_BUTTONS: dict[str, tuple[str, discord.ButtonStyle, int]] = {
    "claim": ("Claim my seat", discord.ButtonStyle.success, 0),
    "cant": ("I can't make it", discord.ButtonStyle.danger, 0),
}
BUTTONS = POST_BUTTONS | DM_BUTTONS


class RsvpButton(
    PersistentItem[discord.ui.Button[Any]],
    template=r"lt:rsvp:(?P<action>[a-z0-9]+):(?P<meal>\d+)(?::(?P<user>\d+))?",
):
    """``lt:rsvp:<action>:<meal>`` on posts; personal buttons (DMs, and their channel fallback) add
    ``:<user>`` so nobody else can press them for their own answer by mistake.

    They answer themselves (``Answer.SELF``): "Going" may first ask the meal's question in a modal, which
    must be Discord's first answer; every click that writes defers before it does (see ``_on_click``)."""

    answer = Answer.SELF
    in_server_only = False  # DMs too: the guild then comes from the clicker's own answer or invitation
    not_yours = "This button belongs to someone else's message. Use the buttons on the meal post for your own answer."

    def __init__(self, action: str, meal_id: int, *, for_user: int | None = None, disabled: bool = False) -> None:
        label, style, row = BUTTONS.get(action, ("Unavailable", discord.ButtonStyle.secondary, 0))
        custom_id = f"lt:rsvp:{action}:{meal_id}" + (f":{for_user}" if for_user is not None else "")
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, style=style, row=row, custom_id=custom_id, disabled=disabled
        )
        super().__init__(button)
        self.action = action
        self.meal_id = meal_id
        self.owner_id = for_user
        self.where = f"RSVP {action}"

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RsvpButton:
        user = match["user"]
        return cls(match["action"], number(match, "meal"), for_user=safe_id(user) if user else None)

    async def act(self, interaction: Interaction) -> None:
        await _on_click(interaction, self.action, self.meal_id)


def meal_view(meal: Meal, now: dt.datetime, *, full: bool = False) -> discord.ui.View:
    """The post's buttons: all off once cancelled (but the calendar file); "Join waitlist" instead of "Going"
    while the meal is full; "I'm here" only while check-in is open (30 minutes before, until the end)."""
    view = discord.ui.View(timeout=None)
    for action in POST_BUTTONS:
        if action == "here" and not meal.checkin_open(now):
            continue
        button = RsvpButton(action, meal.id, disabled=meal.cancelled and action != "ics")
        if action == "going" and full and not meal.cancelled:
            button.item.label = "Join waitlist"
        view.add_item(button)
    if not meal.cancelled:
        view.add_item(WhosComingButton(meal.id))
    return view


class RsvpQuestionModal(discord.ui.Modal):
    """Asked on someone's first "Going": the meal's question ("What do you do?")."""

    def __init__(self, meal: Meal) -> None:
        super().__init__(title=f"RSVP: {meal.title}"[:45], custom_id=f"lt:rsvp:modal:{meal.id}")
        self.meal_id = meal.id
        self.answer: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label=meal.question[:45],
            custom_id=ANSWER_INPUT,
            style=discord.TextStyle.paragraph,
            max_length=300,
            placeholder="A sentence is plenty: it helps us seat you with the right people.",
        )
        self.add_item(self.answer)

    async def on_submit(self, interaction: Interaction) -> None:
        await going(interaction, self.meal_id, self.answer.value)

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_error(interaction, error, "RSVP question")


# ----------------------------------------------------------------------------------------------- handlers


async def _on_click(interaction: Interaction, action: str, meal_id: int) -> None:
    meals = services(interaction).meals
    guild_id = await guild_of(interaction, meal_id)
    user_id = interaction.user.id
    if action == "ics":  # a read: answer at once
        await _calendar(interaction, await meals.get(guild_id, meal_id))
        return
    if action == "going" and await meals.needs_answer(guild_id, meal_id, user_id):
        await interaction.response.send_modal(RsvpQuestionModal(await meals.get(guild_id, meal_id)))
        return
    # Writes wait their turn behind a burst of other clicks: acknowledge first, answer when done.
    await interaction.response.defer(ephemeral=True, thinking=True)
    if action == "going":
        await going(interaction, meal_id, None)
    elif action in ("maybe", "no", "cant"):
        status = RsvpStatus.MAYBE if action == "maybe" else RsvpStatus.DECLINED
        await _not_going(interaction, await meals.not_going(guild_id, meal_id, user_id, status))
    elif action == "plus1":
        result = await meals.toggle_guest(guild_id, meal_id, user_id)
        guests = result.rsvp.guests if result.rsvp else 0
        text = "You're bringing a guest: your party has 2 seats." if guests else "Guest removed: just you."
        await _answer(interaction, result, text)
    elif action == "claim":
        result = await meals.claim(guild_id, meal_id, user_id)
        await _answer(
            interaction, result, f"The seat is yours! See you at **{result.meal.title}** {when_line(result.meal)}."
        )
    elif action == "here":
        await meals.check_in(guild_id, meal_id, user_id, by_manager=False)
        await send_ephemeral(interaction, "You're checked in. Welcome, and enjoy the meal!")
    else:
        raise InvalidInput("This button is from an older version of the bot; use the buttons on the meal post.")


async def guild_of(interaction: Interaction, meal_id: int) -> int:
    """The guild to act in: the interaction's; in a DM, the meal's — if the clicker answered or was
    invited, and is still a member there (someone who left can't take a seat from an old DM)."""
    if interaction.guild_id is not None:
        return interaction.guild_id
    guild_id = await services(interaction).meals.guild_for_member(meal_id, interaction.user.id)
    guild = interaction.client.get_guild(guild_id)
    if guild is None or not await _is_member(guild, interaction.user.id):
        raise NotAllowed("You're no longer a member of that server, so this meal's buttons don't work for you.")
    return guild_id


async def _is_member(guild: discord.Guild, user_id: int) -> bool:
    try:
        await guild.fetch_member(user_id)  # no members intent, so no cache to ask
    except discord.NotFound:
        return False
    return True


async def going(interaction: Interaction, meal_id: int, answer: str | None) -> None:
    guild_id = await guild_of(interaction, meal_id)
    if not interaction.response.is_done():  # from the question modal
        await interaction.response.defer(ephemeral=True, thinking=True)
    result = await services(interaction).meals.going(guild_id, meal_id, interaction.user.id, answer)
    await _answer(interaction, result, await _going_text(interaction, result))


async def _going_text(interaction: Interaction, result: RsvpResult) -> str:
    meal, rsvp = result.meal, result.rsvp
    if result.outcome is GoingOutcome.CONFIRMED:
        settings = await services(interaction).guild_setup.settings(meal.guild_id)
        ahead = tuple(o for o, _ in reminder_times(meal, settings.reminder_offsets, clock(interaction)()))
        remind = f" I'll remind you {spoken_offsets(ahead)} before." if ahead else ""
        seat = "The seat is yours" if result.previous is RsvpStatus.OFFERED else "You're going"
        return f"{seat}: **{meal.title}** {when_line(meal)}.{remind} Bringing someone? Click **+{MAX_GUESTS} guest**."
    if result.outcome is GoingOutcome.WAITLISTED:
        return (
            f"**{meal.title}** is full, so you're **#{result.waitlist_position}** on the waitlist. "
            "If a seat frees up I'll DM you a button to claim it."
        )
    if result.outcome is GoingOutcome.ALREADY_GOING:
        party = " with a guest" if rsvp and rsvp.guests else ""
        return f"You're already going{party}. Can't make it after all? Click **Can't go**."
    if result.outcome is GoingOutcome.ALREADY_WAITLISTED:
        return f"You're already on the waitlist (#{result.waitlist_position}). I'll DM you if a seat frees up."
    if result.outcome is GoingOutcome.CLOSED:
        return "RSVPs for this meal are closed. Ask the host if you'd still like to come."
    return "This meal was cancelled."


async def _not_going(interaction: Interaction, result: RsvpResult) -> None:
    if result.outcome is GoingOutcome.CANCELLED:
        await _answer(interaction, result, "This meal was cancelled.")
        return
    freed = " Your seat goes to the next person waiting." if result.previous in _SEATED and result.offers else ""
    if result.rsvp is not None and result.rsvp.status is RsvpStatus.MAYBE:
        text = f"Marked as a maybe for **{result.meal.title}**.{freed} Click **Going** when you know."
    else:
        text = f"Thanks for letting us know: you're not going to **{result.meal.title}**.{freed}"
    await _answer(interaction, result, text)


_SEATED = (RsvpStatus.GOING, RsvpStatus.OFFERED)


async def _answer(interaction: Interaction, result: RsvpResult, text: str) -> None:
    """Reply to the clicker. The post's refresh and any seat offers were put in the outbox with the answer."""
    await send_ephemeral(interaction, text)


async def _calendar(interaction: Interaction, meal: Meal) -> None:
    data = calendar_file([meal], stamp=clock(interaction)())
    links = discord.ui.View(timeout=None)
    links.add_item(discord.ui.Button(label="Google Calendar", url=google_calendar_link(meal)))
    links.add_item(discord.ui.Button(label="Outlook", url=outlook_calendar_link(meal)))
    await interaction.response.send_message(
        f"Here's **{meal.title}** for your calendar: open the file (times in {meal.place.city}'s timezone, with a "
        "reminder an hour before), or add it to Google Calendar or Outlook in one click.",
        file=discord.File(io.BytesIO(data), filename=f"meal-{meal.id}.ics"),
        view=links,
        ephemeral=True,
    )


def local_words(meal: Meal, instant: dt.datetime | None = None) -> str:
    """“Fri 9 Jan, 18:30 local time in Chicago”: the city's own date and time, never just the time."""
    local = meal.local(instant or meal.starts_at)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M} local time in {meal.place.city}"


def when_line(meal: Meal) -> str:
    """“on <Discord timestamp> (Fri 9 Jan, 18:30 local time in Chicago)”."""
    return f"on {discord.utils.format_dt(meal.starts_at, 'F')} ({local_words(meal)})"
