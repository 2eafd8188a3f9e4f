"""What managers see of a meal's networking: the introductions (sent and new, with a button to send the new
ones) and the seating plan (an embed and a CSV)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import Any

import discord

from bot.domain.customers import spreadsheet_safe
from bot.domain.meals import RsvpStatus
from bot.domain.networking.outcomes import NetworkingCounts
from bot.domain.outbox import JobProgress, Kind, Outcome, new_job
from bot.host import Interaction, services
from bot.services.networking import IntroductionPlan, Seating
from bot.ui.items import PersistentItem, number
from bot.ui.pages import paginate
from bot.ui.people import members_gone, names_of
from bot.ui.progress import in_reply
from bot.ui.style import plural

# ----------------------------------------------------------------------------------------------- introductions


def intro_pages(plan: IntroductionPlan, names: Mapping[int, str]) -> list[discord.Embed]:
    """Every suggestion of the meal, sent ones first, as pages; the counts managers follow on top. Each line
    quotes what the person is (or will be) told, in their second person."""
    lines = [summary_line(plan)]
    if plan.sent:
        lines.append("**Sent**")
        lines += [_told(sent.user_id, sent.peer_id, sent.reason, names) for sent in plan.sent]
    if plan.new:
        lines.append("**Not sent yet**")
        for user_id, suggestions in sorted(plan.new.items(), key=lambda item: _name(item[0], names).casefold()):
            lines += [_told(user_id, new.peer_id, new.reason, names) for new in suggestions]
    if not plan.sent and not plan.new:
        lines.append(_why_none(plan))
    return paginate(f"Introductions · {plan.meal.title}"[:256], lines, per_page=12)


def _told(user_id: int, peer_id: int, reason: str, names: Mapping[int, str]) -> str:
    return f"**{_name(user_id, names)}** meets **{_name(peer_id, names)}** · told: “{reason}”"


def summary_line(plan: IntroductionPlan) -> str:
    opted = f"{plan.opted_in} of {plural(plan.attendees, 'person', 'people')} going turned introductions on."
    done = f"\n{counts_line(plan.counts)}." if plan.sent else ""
    waiting = f"\n**{plural(plan.new_count, 'new suggestion')}** to send." if plan.new_count else ""
    return f"{opted}{done}{waiting}\n"


def counts_line(counts: NetworkingCounts) -> str:
    """What came of the introductions, for a meal (/meal intros) or a whole tour (/tour show)."""
    return (
        f"{plural(counts.introductions, 'introduction')} sent · {counts.accepted} followed by a card offer · "
        f"{plural(counts.swapped, 'card swap')} · {plural(counts.connected, 'connection')} made"
    )


def _why_none(plan: IntroductionPlan) -> str:
    if plan.opted_in < 2:
        return (
            "No suggestions: at least two people going must turn on **Introductions** in `/privacy settings` "
            "(and say what they offer and seek with `/profile edit`)."
        )
    return (
        "No suggestions: nobody's offer matches another's search closely enough, or those pairs met at an "
        "earlier meal. Profiles with concrete offers and needs (`/profile edit`) match best."
    )


def _name(user_id: int, names: Mapping[int, str]) -> str:
    return discord.utils.escape_markdown(names.get(user_id, f"<@{user_id}>"))


def intros_view(plan: IntroductionPlan) -> discord.ui.View | None:
    if not plan.new_count or plan.meal.cancelled:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(SendIntrosButton(plan.meal.id, len(plan.new)))
    return view


class SendIntrosButton(PersistentItem[discord.ui.Button[Any]], template=r"lt:intros:send:(?P<meal>\d+)"):
    """Sends the new introductions (recomputed on click, so a late RSVP is included and nothing twice)."""

    where = "send introductions button"
    managers_only = True

    def __init__(self, meal_id: int, people: int = 0) -> None:
        label = f"Send to {plural(people, 'person', 'people')}" if people else "Send introductions"
        super().__init__(
            discord.ui.Button(label=label, style=discord.ButtonStyle.success, custom_id=f"lt:intros:send:{meal_id}")
        )
        self.meal_id = meal_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SendIntrosButton:
        return cls(number(match, "meal"))

    async def act(self, interaction: Interaction) -> None:
        assert interaction.guild_id is not None  # in_server_only
        state = await services(interaction).meals.state(interaction.guild_id, self.meal_id)
        names = await names_of(interaction, [r.user_id for r in state.rsvps])
        gone = await members_gone(interaction, [r.user_id for r in state.with_status(RsvpStatus.GOING)])
        job = new_job("meal-intros")
        plan = await services(interaction).networking.send_introductions(
            interaction.guild_id, self.meal_id, names, gone=gone, job=job
        )
        people = len(plan.new)
        headline = f"Sending {plural(plan.new_count, 'introduction')} to {plural(people, 'person', 'people')}…"
        now_sent = await services(interaction).networking.introductions(
            interaction.guild_id, self.meal_id, names, gone=gone
        )
        await interaction.edit_original_response(content=headline, embed=intro_pages(now_sent, names)[0], view=None)

        async def render(progress: JobProgress) -> str:
            return sent_line(progress, people)

        await services(interaction).delivery.follow(job, in_reply(interaction, render))


def sent_line(progress: JobProgress, people: int) -> str:
    kind = Kind.INTRODUCTION
    if not progress.finished:
        return f"Sending introductions… {progress.finished_count(kind)}/{people}"
    by_dm = progress.count(kind, Outcome.BY_DM)
    by_note = progress.count(kind, Outcome.BY_NOTE)
    text = f"Introductions sent to {plural(by_dm + by_note, 'person', 'people')}"
    if by_note:
        text += f" ({by_note} in the channel: their DMs are closed)"
    skipped = progress.count(kind, Outcome.SKIPPED, Outcome.FAILED)
    return text + (f"; {skipped} could not be told." if skipped else ".")


# ----------------------------------------------------------------------------------------------- seating


def seating_embed(seating: Seating) -> discord.Embed:
    plan = seating.plan
    seats = sum(table.seats for table in plan.tables)
    embed = discord.Embed(
        title=f"Seating · {seating.meal.title}"[:256],
        description=(
            f"{plural(seats, 'seat')} at {plural(len(plan.tables), 'table')} of up to {plan.table_size}. "
            "People who can help each other sit together; companies and trades are mixed, guests sit with the "
            "person who brought them, and the hosts (if going) are spread out. After the meal, everyone can swap "
            "cards with their table."
        ),
        colour=discord.Colour.blurple(),
    )
    for table in plan.tables[:25]:
        people = [_seated(user_id, seating) for user_id in table.user_ids]
        value = ", ".join(people)
        if table.pairs:
            value += "\n" + "\n".join(
                f"-# 🤝 {_name(p.user_id, seating.names)} ↔ {_name(p.peer_id, seating.names)}: {p.topic}"
                for p in table.pairs[:3]
            )
        embed.add_field(name=f"Table {table.number} · {plural(table.seats, 'seat')}", value=value[:1024], inline=False)
    if len(plan.tables) > 25:
        embed.set_footer(text=f"{len(plan.tables) - 25} more tables in the CSV.")
    return embed


def _seated(user_id: int, seating: Seating) -> str:
    guests = seating.guests.get(user_id, 0)
    host = " (host)" if user_id in seating.hosts else ""
    return _name(user_id, seating.names) + host + (f" +{guests}" if guests else "")


def seating_csv(seating: Seating) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["table", "name", "discord_id", "host", "guests", "sits_with_for"])
    for table in seating.plan.tables:
        for user_id in table.user_ids:
            topics = [
                f"{seating.names.get(p.peer_id if p.user_id == user_id else p.user_id, '')}: {p.topic}"
                for p in table.pairs
                if user_id in (p.user_id, p.peer_id)
            ]
            name = seating.names.get(user_id, "")
            host = "yes" if user_id in seating.hosts else ""
            row = [table.number, name, user_id, host, seating.guests.get(user_id, 0), "; ".join(topics)]
            writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")
