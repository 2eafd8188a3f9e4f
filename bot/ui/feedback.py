"""The post-meal feedback DM's buttons: a 0–10 recommend score, "would you refer a peer?", and a comment.

``lt:fb:score:<meal>:<user>:<n>``, ``lt:fb:refer:<meal>:<user>:<yes|maybe|no>`` and ``lt:fb:comment:<meal>:<user>``
(which opens a modal). Each click is saved on its own, so answering only the score is an answer too; clicking
again changes it.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.domain.feedback import MAX_COMMENT, FeedbackAnswer, FeedbackSummary, Refer
from bot.errors import report_error, send_ephemeral
from bot.host import Interaction, services
from bot.services.feedback import TourFeedback
from bot.ui.items import Answer, PersistentItem, number
from bot.ui.rsvp import guild_of
from bot.ui.style import plural

COMMENT_INPUT = "lt:fb:text"
REFER_LABELS = {"yes": "Yes, I'd refer a peer", "maybe": "Maybe", "no": "No"}
REFER_REPLIES = {
    "yes": "Thank you! Saved: you'd refer a peer to us.",
    "maybe": "Thanks! Saved as a maybe.",
    "no": "Thanks for being honest; saved.",
}


class FeedbackButton(
    PersistentItem[discord.ui.Button[Any]],
    template=r"lt:fb:(?P<what>score|refer|comment):(?P<meal>\d+):(?P<user>\d+)(?::(?P<value>[a-z0-9_]+))?",
):
    where = "feedback button"
    in_server_only = False  # in DMs; the guild comes from the clicker's answer to the meal
    answer = Answer.SELF  # the comment opens a modal; the others defer before they write

    def __init__(self, what: str, meal_id: int, user_id: int, value: str = "", *, row: int = 0) -> None:
        suffix = f":{value}" if value else ""
        if what == "score":
            label, style = value, discord.ButtonStyle.secondary
        elif what == "refer":
            label, style = REFER_LABELS.get(value, value), discord.ButtonStyle.primary
        else:
            label, style = "Add a comment", discord.ButtonStyle.success
        super().__init__(
            discord.ui.Button(label=label, style=style, row=row, custom_id=f"lt:fb:{what}:{meal_id}:{user_id}{suffix}")
        )
        self.what, self.meal_id, self.owner_id, self.value = what, meal_id, user_id, value

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> FeedbackButton:
        return cls(match["what"], number(match, "meal"), number(match, "user"), match["value"] or "")

    async def act(self, interaction: Interaction) -> None:
        guild_id = await guild_of(interaction, self.meal_id)
        if self.what == "comment":
            await interaction.response.send_modal(CommentModal(guild_id, self.meal_id))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        feedback = services(interaction).feedback
        if self.what == "score":
            score = int(self.value) if self.value.isdigit() else -1
            await feedback.answer(guild_id, self.meal_id, interaction.user.id, score=score)
            saved = f"Thank you! Saved: {score} out of 10. Click another number to change it."
            await send_ephemeral(interaction, saved)
        else:
            refer = Refer(self.value) if self.value in REFER_LABELS else None
            if refer is None:
                await send_ephemeral(interaction, "This button is from an older message; use the newest one.")
                return
            await feedback.answer(guild_id, self.meal_id, interaction.user.id, refer=refer)
            await send_ephemeral(interaction, REFER_REPLIES[refer.value])


class CommentModal(discord.ui.Modal):
    def __init__(self, guild_id: int, meal_id: int) -> None:
        super().__init__(title="Your comment", custom_id=f"lt:fb:modal:{meal_id}")
        self.guild_id, self.meal_id = guild_id, meal_id
        self.text: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Anything you'd like us to know?",
            custom_id=COMMENT_INPUT,
            style=discord.TextStyle.paragraph,
            max_length=MAX_COMMENT,
            placeholder="What worked, what didn't, what you wish we did…",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await services(interaction).feedback.answer(
            self.guild_id, self.meal_id, interaction.user.id, comment=self.text.value
        )
        await send_ephemeral(interaction, "Thank you! Your comment reached the team (a new one adds to what you said).")

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_error(interaction, error, "feedback comment")


def feedback_buttons(meal_id: int, user_id: int) -> list[FeedbackButton]:
    """In the order the message asks: the score (0–4, 5–9, 10 on three rows), the referral question, then the
    comment (five rows: Discord's most)."""
    scores = [FeedbackButton("score", meal_id, user_id, str(n), row=min(n // 5, 2)) for n in range(11)]
    refer = [FeedbackButton("refer", meal_id, user_id, value, row=3) for value in REFER_LABELS]
    return [*scores, *refer, FeedbackButton("comment", meal_id, user_id, row=4)]


def summary_line(summary: FeedbackSummary) -> str:
    """ "Recommend score +60 from 5 answers (3 promoters, 1 passive, 1 detractor) · 3 would refer a peer"."""
    score = summary.recommend_score
    if score is None:
        return "No feedback yet."
    groups = ((summary.promoters, "promoter"), (summary.passives, "passive"), (summary.detractors, "detractor"))
    split = ", ".join(plural(n, word) for n, word in groups)
    shown = f"{score:+d}" if score else "0"
    parts = [
        f"Recommend score **{shown}** on −100…+100 from {plural(summary.answers, 'answer')} ({split})",
        f"{summary.would_refer} would refer a peer",
    ]
    if summary.comments:
        parts.append(plural(summary.comments, "comment"))
    return " · ".join(parts)


def answer_text(answer: FeedbackAnswer | None) -> str:
    """ " · 9/10 · would refer · 💬 “Great food”" for one person's line in the attendee list."""
    if answer is None:
        return ""
    parts = []
    if answer.score is not None:
        parts.append(f"{answer.score}/10")
    if answer.refer is not None:
        parts.append({"yes": "would refer", "maybe": "might refer", "no": "wouldn't refer"}[answer.refer.value])
    if answer.comment:
        parts.append(f"💬 “{discord.utils.escape_markdown(answer.comment)[:200]}”")
    return "".join(f" · {part}" for part in parts)


def tour_feedback_line(heard: TourFeedback) -> str:
    """The tour's recommend score and its referral rate (referrals recorded per person who came)."""
    score = summary_line(heard.summary) if heard.summary.answers else "no answers yet"
    referred = plural(heard.referrals, "referral") + " recorded"
    if heard.attendees:
        referred += f" from {plural(heard.attendees, 'person', 'people')} who came"
        if heard.referrals and heard.referral_rate is not None:
            referred += f" ({heard.referral_rate:.0%})"
    return f"{score} · {referred} (`/customers referral` records one)."
