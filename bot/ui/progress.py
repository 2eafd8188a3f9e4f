"""A command's sends, told in its reply: the outbox reports each attempt, and the reply is edited to say where
things stand ("Telling the people who answered… 3/5", then "Told 5 people who answered.")."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from bot.domain.outbox import JobProgress, Kind, Outcome
from bot.host import Interaction
from bot.services.delivery import ProgressCallback
from bot.ui.style import plural

log = logging.getLogger(__name__)

Render = Callable[[JobProgress], Awaitable[str]]


def in_reply(interaction: Interaction, render: Render) -> ProgressCallback:
    """Edit the interaction's reply with ``render(progress)`` (the reply can be edited for 15 minutes)."""

    async def show(progress: JobProgress) -> None:
        text = await render(progress)
        try:
            await interaction.edit_original_response(content=text)
        except discord.HTTPException as error:  # an expired reply: the sending goes on
            log.info("could not show the progress of %s: %s", progress.job, error)

    return show


def notices_line(progress: JobProgress, kind: Kind) -> str:
    """Change or cancellation notices to the people who answered."""
    total = progress.count(kind)
    if not total:
        return ""
    if not all(o.finished for (k, o), n in progress.outcomes.items() if k is kind and n):
        return f"Telling the people who answered… {progress.finished_count(kind)}/{total}"
    reached = progress.count(kind, Outcome.BY_DM, Outcome.BY_NOTE)
    unreached = progress.count(kind, Outcome.FAILED)
    return f"Told {plural(reached, 'person', 'people')} who answered" + (
        f" ({unreached} could not be reached)." if unreached else "."
    )


def invitations_line(progress: JobProgress, radius_km: float) -> str:
    total = progress.count(Kind.INVITATION)
    if not total:
        return f"Nobody within {radius_km:.0f} km accepts DMs yet, so no invitations."
    if not all(o.finished for (k, o), n in progress.outcomes.items() if k is Kind.INVITATION and n):
        return f"Inviting customers within {radius_km:.0f} km… {progress.finished_count(Kind.INVITATION)}/{total}"
    by_dm = progress.count(Kind.INVITATION, Outcome.BY_DM)
    by_note = progress.count(Kind.INVITATION, Outcome.BY_NOTE)
    text = f"Invited {plural(by_dm + by_note, 'customer')} within {radius_km:.0f} km"
    if by_note:
        text += f": {by_dm} by DM, {by_note} in the channel (their DMs are closed)"
    else:
        text += " by DM"
    failed = progress.count(Kind.INVITATION, Outcome.FAILED)
    return text + (f"; {failed} could not be reached." if failed else ".")


def trouble_lines(progress: JobProgress, kinds: tuple[Kind, ...]) -> list[str]:
    """What went wrong with posts or events, and whether it is being retried."""
    lines = []
    for kind in kinds:
        error = progress.errors.get(kind, "")
        if progress.count(kind, Outcome.FAILED):
            lines.append(f"⚠️ {_failed_text(kind, error)} Fix it, then retry from `/status`.")
        elif progress.count(kind, Outcome.RETRYING):
            lines.append(
                f"⏳ Discord didn't take the {kind.label} yet ({error}); I'll keep trying — `/status` shows it."
            )
    return lines


def _failed_text(kind: Kind, error: str) -> str:
    if error.startswith("I "):  # a refusal that already says what to do
        return error
    return f"The {kind.label} could not be made: {error}."
