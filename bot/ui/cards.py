"""After a meal: the double-opt-in card swap and the "did you connect?" follow-up, as buttons in DMs (or in the
private fallback of a channel note).

``lt:cards:open:<meal>:<user>`` opens a list of the people someone sat with or was introduced to; choosing
some asks which contact to put on the card, then records the choice. A card reaches the other person only
once they chose to share theirs too; until then nothing tells them. ``lt:met:<answer>:<meal>:<peer>:<user>``
records "did you connect with …?".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.domain.errors import InvalidInput
from bot.domain.networking.outcomes import Outcome
from bot.errors import report_error, run_safely, send_ephemeral
from bot.host import Interaction, services
from bot.services.networking import MAX_CONTACT, CardChoices, Shared
from bot.ui.items import Answer, PersistentItem, number
from bot.ui.rsvp import guild_of

CONTACT_INPUT = "lt:cards:contact"
PEOPLE_SELECT = "lt:cards:people"
SELECT_TIMEOUT = 600.0
OUTCOMES = {"yes": ("We connected", discord.ButtonStyle.success), "not_yet": ("Not yet", discord.ButtonStyle.secondary),
            "no": ("No", discord.ButtonStyle.secondary)}  # fmt: skip


# ----------------------------------------------------------------------------------------------- card swap


class ShareCardButton(PersistentItem[discord.ui.Button[Any]], template=r"lt:cards:open:(?P<meal>\d+):(?P<user>\d+)"):
    """Opens the list of people to share one's card with (a quick read: it answers at once)."""

    where = "share card button"
    answer = Answer.SELF
    in_server_only = False

    def __init__(self, meal_id: int, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Share my card…",
                style=discord.ButtonStyle.primary,
                custom_id=f"lt:cards:open:{meal_id}:{user_id}",
            )
        )
        self.meal_id, self.owner_id = meal_id, user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ShareCardButton:
        return cls(number(match, "meal"), number(match, "user"))

    async def act(self, interaction: Interaction) -> None:
        guild_id = await guild_of(interaction, self.meal_id)
        choices = await services(interaction).networking.card_choices(guild_id, self.meal_id, interaction.user.id)
        if not choices.peers:
            raise InvalidInput("There's nobody from this meal to share your card with (yet).")
        if all(user_id in choices.shared_with for user_id, _ in choices.peers):
            everyone = ", ".join(name for _, name in choices.peers)
            await interaction.response.send_message(
                f"You've shared your card with everyone from **{choices.meal.title}** already: {everyone}. "
                "Whoever hasn't shared theirs yet gets yours as soon as they do.",
                ephemeral=True,
            )
            return
        await interaction.response.send_message(
            choose_text(choices), view=ChoosePeopleView(guild_id, choices), ephemeral=True
        )


def choose_text(choices: CardChoices) -> str:
    already = [name for user_id, name in choices.peers if user_id in choices.shared_with]
    text = (
        f"Whom would you like to share your card with, from **{choices.meal.title}**? They get it only if they "
        "share theirs with you too; if they don't, they never learn you asked."
    )
    if already:
        text += f"\nYou already shared it with {', '.join(already)}."
    return text


class ChoosePeopleView(discord.ui.View):
    def __init__(self, guild_id: int, choices: CardChoices) -> None:
        super().__init__(timeout=SELECT_TIMEOUT)
        self.guild_id, self.choices = guild_id, choices
        options = [
            discord.SelectOption(label=name[:100], value=str(user_id), default=user_id in choices.shared_with)
            for user_id, name in choices.peers
        ]
        self.people: discord.ui.Select[ChoosePeopleView] = discord.ui.Select(
            placeholder="Choose people",
            min_values=1,
            max_values=len(options),
            options=options,
            custom_id=PEOPLE_SELECT,
        )
        self.people.callback = self._chosen  # type: ignore[method-assign]
        self.add_item(self.people)

    async def _chosen(self, interaction: Interaction) -> None:
        async def open_modal() -> None:
            chosen = [int(value) for value in self.people.values]
            await interaction.response.send_modal(ContactModal(self.guild_id, self.choices, chosen))

        await run_safely(interaction, open_modal, "card swap list")


class ContactModal(discord.ui.Modal):
    """The contact to put on the card (prefilled with the last one), then the choice is recorded."""

    def __init__(self, guild_id: int, choices: CardChoices, chosen: Sequence[int]) -> None:
        super().__init__(title="Your card", custom_id=f"lt:cards:modal:{choices.meal.id}")
        self.guild_id, self.meal_id, self.chosen = guild_id, choices.meal.id, list(chosen)
        self.names = dict(choices.peers)
        self.contact: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Contact to share (email, phone or link)",
            custom_id=CONTACT_INPUT,
            default=choices.contact,
            required=False,
            max_length=MAX_CONTACT,
            placeholder="you@company.com · +1 555 010 0100 · linkedin.com/in/you",
        )
        self.add_item(self.contact)

    async def on_submit(self, interaction: Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        shared = await services(interaction).networking.share_card(
            self.guild_id, self.meal_id, interaction.user.id, self.chosen, self.contact.value
        )
        await send_ephemeral(interaction, shared_text(shared, self.names))

    async def on_error(self, interaction: Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_error(interaction, error, "card contact")


def shared_text(shared: Shared, names: dict[int, str]) -> str:
    """What came of sharing: the swaps made now, and who gets the card once they share theirs."""

    def who(ids: Sequence[int]) -> str:
        return ", ".join(names.get(user_id, "someone") for user_id in ids)

    waiting = [user_id for user_id in shared.shared_with if user_id not in shared.swapped_with]
    parts = []
    if shared.swapped_with:
        parts.append(f"Done! {who(shared.swapped_with)} shared theirs with you too: your cards are on their way by DM.")
    if waiting:
        parts.append(f"{who(waiting)} will get your card if they share theirs with you.")
    if not parts:
        parts.append("Nothing new: you had shared your card with them already.")
    return " ".join(parts)


def card_text(meal_title: str, card_name: str, company: str | None, what: str | None, website: str | None,
              contact: str | None) -> str:  # fmt: skip
    lines = [f"🤝 **{card_name}** swapped cards with you after **{meal_title}**:", f"> **{card_name}**"]
    lines += [f"> {text}" for text in (company, what, website, contact) if text]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------- follow-up


class ConnectedButton(
    PersistentItem[discord.ui.Button[Any]],
    template=r"lt:met:(?P<answer>yes|not_yet|no):(?P<meal>\d+):(?P<peer>\d+):(?P<user>\d+)",
):
    where = "did you connect button"
    answer = Answer.REPLY
    in_server_only = False

    def __init__(self, outcome: str, meal_id: int, peer_id: int, user_id: int, *, position: int = 0) -> None:
        label, style = OUTCOMES[outcome]
        if position and outcome == "yes":
            label = f"{position}. {label}"  # the n-th person the message lists
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"lt:met:{outcome}:{meal_id}:{peer_id}:{user_id}")
        )
        self.outcome, self.meal_id, self.peer_id, self.owner_id = outcome, meal_id, peer_id, user_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ConnectedButton:
        return cls(match["answer"], number(match, "meal"), number(match, "peer"), number(match, "user"))

    async def act(self, interaction: Interaction) -> None:
        guild_id = await guild_of(interaction, self.meal_id)
        networking = services(interaction).networking
        await networking.record_connection(
            guild_id, self.meal_id, interaction.user.id, self.peer_id, Outcome(self.outcome)
        )
        names = await services(interaction).customers.names_of(guild_id, [self.peer_id])
        name = discord.utils.escape_markdown(names.get(self.peer_id, "them"))
        await send_ephemeral(interaction, CONNECTED_REPLIES[self.outcome].format(name=name))


CONNECTED_REPLIES = {
    "yes": "Noted: you connected with **{name}**. Wonderful, thanks for telling us! 🎉",
    "not_yet": "Noted: not yet with **{name}**. You can change your answer with these buttons any time.",
    "no": "Noted: you didn't connect with **{name}**. Thanks for letting us know.",
}
