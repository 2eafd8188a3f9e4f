"""Manager-side meal UI: the cancel confirmation, the reply that follows a change's notices, and the list of
attendees (pages that keep working after a restart, and a CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import discord

from bot.domain.customers import spreadsheet_safe
from bot.domain.meals import RsvpStatus
from bot.domain.outbox import JobProgress, Kind, new_job
from bot.host import Interaction, clock, services
from bot.services.feedback import MealFeedback
from bot.services.meals import MealState
from bot.ui.feedback import answer_text, summary_line
from bot.ui.items import PersistentItem, number
from bot.ui.pages import ListPageButton
from bot.ui.people import names_of, who
from bot.ui.progress import Render, in_reply, notices_line
from bot.ui.style import plural


def cancel_prompt(state: MealState) -> tuple[str, discord.ui.View]:
    answered = sum(1 for r in state.rsvps if r.status.value != "declined")
    text = (
        f"Cancel **{state.meal.title}** (meal #{state.meal.id})? The post and the Discord event will say so, "
        f"and {plural(answered, 'person', 'people')} who answered will be told. This can't be undone."
    )
    view = discord.ui.View(timeout=None)
    view.add_item(CancelMealButton(state.meal.id))
    return text, view


def change_reply(headline: str) -> Render:
    """The reply to /meal edit or a cancel: the headline, then how the telling goes."""

    async def render(progress: JobProgress) -> str:
        line = notices_line(progress, Kind.MEAL_CHANGED) or notices_line(progress, Kind.MEAL_CANCELLED)
        return f"{headline} {line}".rstrip()

    return render


class CancelMealButton(PersistentItem[discord.ui.Button[Any]], template=r"lt:meal:cancel:(?P<meal>\d+)"):
    where = "cancel meal button"
    managers_only = True

    def __init__(self, meal_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Yes, cancel the meal", style=discord.ButtonStyle.danger, custom_id=f"lt:meal:cancel:{meal_id}"
            )
        )
        self.meal_id = meal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CancelMealButton:
        return cls(number(match, "meal"))

    async def act(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None  # in_server_only
        delivery = services(interaction).delivery
        change = await services(interaction).meals.cancel(
            interaction.guild_id, self.meal_id, job=new_job("meal-cancel")
        )
        headline = f"Cancelled **{change.meal.title}** (meal #{change.meal.id})."
        await interaction.edit_original_response(content=headline, view=None)
        if change.job is not None:
            await delivery.follow(change.job, in_reply(interaction, change_reply(headline)))


_STATUS_ORDER = [
    RsvpStatus.GOING,
    RsvpStatus.OFFERED,
    RsvpStatus.WAITLISTED,
    RsvpStatus.MAYBE,
    RsvpStatus.DECLINED,
    RsvpStatus.EXPIRED,
]


def attendee_lines(
    state: MealState, now: dt.datetime, names: dict[int, str], feedback: MealFeedback | None = None
) -> list[str]:
    count = state.headcount
    no_shows = [r for r in state.with_status(RsvpStatus.GOING) if r.checked_in_at is None]
    checked_in = sum(1 for r in state.rsvps if r.checked_in_at)
    summary = (
        f"**{count.going}** going ({plural(count.seats_left, 'seat')} left) · {count.waitlisted} waiting · "
        f"{count.maybe} maybe · {checked_in} checked in"
    )
    if now > state.meal.ends_at:
        summary += f" · **{plural(len(no_shows), 'no-show')}**"
    lines = [summary, ""]
    if feedback is not None and feedback.summary.answers:
        lines[1:1] = [summary_line(feedback.summary), ""]
    answers = feedback.answers if feedback is not None else {}
    for rsvp in sorted(state.rsvps, key=lambda r: (_STATUS_ORDER.index(r.status), r.seq)):
        guest = " +1" if rsvp.guests else ""
        here = " ✅" if rsvp.checked_in_at else ""
        if not here and rsvp in no_shows and now > state.meal.ends_at and checked_in:
            here = " · no-show"
        answer = f" — “{rsvp.answer}”" if rsvp.answer else ""
        said = answer_text(answers.get(rsvp.user_id))
        lines.append(f"{who(rsvp.user_id, names)}{guest} · {rsvp.status.value}{here}{answer}{said}")
    return lines


def attendees_csv(state: MealState, names: dict[int, str], feedback: MealFeedback | None = None) -> bytes:
    """Everyone who answered, waiting people in line order, names where we know them, and after the meal what
    each said in their feedback."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["meal_id", "user_id", "name", "status", "guests", "answer", "checked_in_at", "waitlist_position",
         "recommend_score", "would_refer", "comment"]
    )  # fmt: skip
    line = iter(range(1, len(state.rsvps) + 1))
    answers = feedback.answers if feedback is not None else {}
    for rsvp in sorted(state.rsvps, key=lambda r: (_STATUS_ORDER.index(r.status), r.seq)):
        said = answers.get(rsvp.user_id)
        writer.writerow(
            [
                state.meal.id,
                str(rsvp.user_id),
                spreadsheet_safe(names.get(rsvp.user_id, "")),
                rsvp.status.value,
                rsvp.guests,
                spreadsheet_safe(rsvp.answer),
                rsvp.checked_in_at.isoformat() if rsvp.checked_in_at else "",
                next(line) if rsvp.status is RsvpStatus.WAITLISTED else "",
                "" if said is None or said.score is None else said.score,
                "" if said is None or said.refer is None else said.refer.value,
                spreadsheet_safe(said.comment if said else None),
            ]
        )
    return out.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheets read UTF-8 correctly


class AttendeesPageButton(ListPageButton, template=r"lt:attendees:page:(?P<key>\d+):(?P<page>\d+)"):
    list_name = "attendees"

    async def lines(self, interaction: Interaction) -> tuple[str, list[str]]:
        assert interaction.guild_id is not None  # in_server_only
        state = await services(interaction).meals.state(interaction.guild_id, self.key)
        names = await names_of(interaction, [r.user_id for r in state.rsvps])
        feedback = await services(interaction).feedback.for_meal(interaction.guild_id, self.key)
        return attendees_title(state), attendee_lines(state, clock(interaction)(), names, feedback)


def attendees_title(state: MealState) -> str:
    return f"{state.meal.title} — attendees"
