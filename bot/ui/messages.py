"""What each direct message of the outbox says, and which buttons it carries. Render only: bot/delivery sends.

A message is rendered when it is sent, from the meal as it is then (so a reminder shows the venue added
after the person said Going); what a change notice compares against travels in its row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import discord

from bot.domain.meals import Meal
from bot.domain.outbox import Kind
from bot.services.delivery import Outgoing
from bot.services.networking_messages import NETWORKING_KINDS, CityThread, PeerNote
from bot.ui.cards import card_text
from bot.ui.rsvp import when_line


@dataclass(frozen=True)
class DirectMessage:
    content: str
    meal_id: int | None
    actions: tuple[str, ...]  # RSVP buttons (bot/ui/rsvp.py), each carrying the recipient's id


def direct_message(outgoing: Outgoing) -> DirectMessage:
    if outgoing.kind is Kind.LOCAL_INTRO:
        return local_introduction(outgoing)
    if outgoing.kind is Kind.INSIGHT_UPDATE:
        return loop_closed(outgoing)
    if outgoing.kind is Kind.CHECKIN:
        checkin = int(str(outgoing.delivery.payload["checkin_id"]))
        text = (
            "👋 How are things going? It's been a while since we last talked, and we'd love to hear how business is: "
            "what's working, what isn't, what you wish we did. Press **Reply**; a sentence is plenty."
        )
        return DirectMessage(text, None, (f"checkin:{checkin}",))
    meal = outgoing.meal
    assert meal is not None, "every direct message but a local introduction is about a meal"
    kind, payload = outgoing.kind, outgoing.delivery.payload
    if kind is Kind.INVITATION:
        where = f" at {meal.venue}" if meal.venue else ""
        text = (
            f"You're invited: **{meal.title}** {when_line(meal)}{where}. Seats are limited; answer here or on the post."
        )
        return DirectMessage(text, meal.id, ("going", "no", "ics"))
    if kind is Kind.SEAT_OFFER:
        expires = dt.datetime.fromisoformat(str(payload["expires_at"]))
        text = (
            f"A seat opened up for **{meal.title}** {when_line(meal)}! Claim it "
            f"{discord.utils.format_dt(expires, 'R')} or it passes to the next person waiting."
        )
        return DirectMessage(text, meal.id, ("claim", "cant"))
    if kind is Kind.OFFER_LAPSED:
        text = (
            f"Your seat offer for **{meal.title}** lapsed, so it went to the next person waiting. "
            "Still want to come? Click **Going** to join the waitlist again."
        )
        return DirectMessage(text, meal.id, ("going",))
    if kind is Kind.MEAL_CHANGED:
        return DirectMessage(change_notice(meal, payload), meal.id, ("ics",))
    if kind is Kind.MEAL_CANCELLED:
        return DirectMessage(f"**{meal.title}** {when_line(meal)} has been cancelled. Sorry!", meal.id, ())
    if kind is Kind.REMINDER:
        where = f" at {meal.venue}" if meal.venue else ""
        text = (
            f"Reminder: **{meal.title}** starts {discord.utils.format_dt(meal.starts_at, 'R')}, "
            f"{when_line(meal).removeprefix('on ')}{where}. See you there!"
        )
        return DirectMessage(text, meal.id, ("cant", "ics"))
    if kind is Kind.EVENT_INTEREST:
        text = (
            f"You're interested in **{meal.title}** {when_line(meal)}. Want a seat? "
            "Say so here (I've noted you as a maybe)."
        )
        return DirectMessage(text, meal.id, ("going", "no"))
    if kind is Kind.FEEDBACK:
        text = (
            f"Thanks for coming to **{meal.title}**! Two quick questions, one click each:\n"
            "**How likely are you to recommend us to a friend or colleague?** 0 = not at all, 10 = extremely.\n"
            "**Would you refer a peer to us?**\n"
            "Anything else on your mind? **Add a comment**: the team reads every one."
        )
        return DirectMessage(text, meal.id, ("feedback",))
    if kind in NETWORKING_KINDS:
        return networking_message(outgoing, meal)
    raise ValueError(f"{kind} is not a direct message")


def networking_message(outgoing: Outgoing, meal: Meal) -> DirectMessage:
    """Introductions before a meal, the card swap after it, a card, and "did you connect?" some days later."""
    assert outgoing.about is not None, "a networking message is about people"
    peers, kind = outgoing.about.peers, outgoing.kind
    if kind is Kind.INTRODUCTION:
        lines = [f"Before **{meal.title}** {when_line(meal)}, a few people you may want to meet:"]
        lines += [f"• {_named(p)}" for p in peers]
        lines.append("Say hello at the meal! (You get these because introductions are on in `/privacy settings`.)")
        return DirectMessage("\n".join(lines), meal.id, ())
    if kind is Kind.CARD_SWAP:
        text = (
            f"Thanks for coming to **{meal.title}**! Want to stay in touch with the people you met there? Share your "
            "card with any of them: they get it only if they share theirs with you too, and nobody learns about "
            "a card that wasn't shared back."
        )
        return DirectMessage(text, meal.id, ("cards",))
    if kind is Kind.CARD:
        card = outgoing.about.card
        assert card is not None
        fields = (card.company, card.what_i_do, card.website, card.contact)
        return DirectMessage(card_text(meal.title, escape(card.name), *map(_escaped, fields)), meal.id, ())
    lines = [f"How did it go after **{meal.title}**? We put you in touch with:"]
    lines += [f"{n}. **{escape(p.name)}**" for n, p in enumerate(peers, start=1)]
    lines += ["", "Did you connect? One click each (by number) helps us make the next meal better."]
    actions = tuple(f"met:{p.user_id}:{n}" for n, p in enumerate(peers, start=1))
    return DirectMessage("\n".join(lines), meal.id, actions)


def local_introduction(outgoing: Outgoing) -> DirectMessage:
    """Between tours: someone of the same city to meet."""
    assert outgoing.about is not None and outgoing.about.peers
    peer = outgoing.about.peers[0]
    text = (
        f"🤝 A local introduction: meet **{escape(peer.name)}** (<@{peer.user_id}>), a customer in your city. "
        f"{discord.utils.escape_mentions(peer.reason or '')}\n"
        "Say hi with a DM; a coffee is a fine start. (Every few weeks we introduce customers of the same city who "
        "turned introductions on, never the same people twice. `/privacy settings` turns it off.)"
    )
    return DirectMessage(text, None, ())


def _named(peer: PeerNote) -> str:
    """The reason with the person's name in bold where it opens it ("**Ana** offers bookkeeping; …")."""
    reason = discord.utils.escape_mentions(peer.reason or "")
    if reason.startswith(peer.name):
        return f"**{escape(peer.name)}**{reason[len(peer.name):]}"
    return f"**{escape(peer.name)}**: {reason}"


LOOP_WORDS = {"planned": "is now planned", "shipped": "has shipped", "wont_do": "is something we decided not to do"}


def loop_closed(outgoing: Outgoing) -> DirectMessage:
    """ "You told us this at Lunch in Austin: “…” — it has shipped: <what we did>. Thank you!" """
    assert outgoing.loop is not None
    insight, meal = outgoing.loop.insight, outgoing.loop.meal
    where = f" at **{meal.title}**" if meal is not None else ""
    said = escape(insight.text if len(insight.text) <= 300 else insight.text[:299] + "…")
    what = LOOP_WORDS.get(insight.status.value, f"is now {insight.status.label}")
    note = f": {escape(insight.status_note).rstrip('.')}." if insight.status_note else "."
    declined = insight.status.value == "wont_do"
    thanks = " Thank you for telling us all the same." if declined else " Thank you for telling us!"
    return DirectMessage(f"You told us this{where}:\n> {said}\nIt {what}{note}{thanks}", None, ())


def escape(text: str) -> str:
    return discord.utils.escape_markdown(discord.utils.escape_mentions(text))


def _escaped(text: str | None) -> str | None:
    return None if text is None else escape(text)


def change_notice(meal: Meal, before: Mapping[str, object]) -> str:
    """“Update: Lunch in Toronto now starts … and is now at …”: what differs from before the change."""
    parts = []
    if before.get("before_starts_at") != meal.starts_at.isoformat():
        parts.append(f"now starts {when_line(meal).removeprefix('on ')}")
    if before.get("before_venue") != meal.venue:
        parts.append(f"is now at {meal.venue}" if meal.venue else "has no venue yet (we'll tell you)")
    return f"Update: **{meal.title}** {' and '.join(parts or ['has changed'])}. Your RSVP still stands."


def city_thread_text(meal: Meal, city: CityThread, added: list[int]) -> str:
    """The note in a city's thread: the meal coming up, and the neighbours just added, with what they do."""
    post = (
        f" ([the post](https://discord.com/channels/{meal.guild_id}/{meal.channel_id}/{meal.message_id}))"
        if meal.message_id is not None
        else ""
    )
    lines = [f"📍 **{meal.title}** is coming up {when_line(meal)}{post}."]
    if city.thread_id is None:
        lines.append(
            f"This thread is for customers in and around {meal.place.city} to keep talking between meals: "
            "ask for a recommendation, share news, plan a coffee."
        )
    newcomers = [note for note in city.newcomers if note.user_id in added]
    if newcomers:
        lines.append("Say hello to " + ("your neighbours:" if city.thread_id is None else "the newcomers:"))
        for note in newcomers:
            about = f" · {escape(note.reason)}" if note.reason else ""
            lines.append(f"• **{escape(note.name)}** (<@{note.user_id}>){about}")
    return "\n".join(lines)[:2000]
