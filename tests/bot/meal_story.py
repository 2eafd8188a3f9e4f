"""Shared steps for the meal stories: publishing a meal and reading what people see."""

from __future__ import annotations

import discord
import simcord

from bot.domain.outbox import Delivery, Kind, Status
from tests.conftest import World

ANSWER = "lt:rsvp:answer"


async def publish(
    world: World, *, capacity: int = 2, date: str = "2026-01-10", time: str = "12:30", **options: object
) -> discord.Message:
    result = await world.manager.slash(
        world.channel, "meal add", city="Toronto", date=date, time=time, capacity=capacity, venue="Café Nero", **options
    )
    assert result.ephemeral
    assert said(result).startswith("Published **"), said(result)
    post = world.channel.last_message
    assert post is not None
    return post


def said(result: simcord.InteractionResult) -> str:
    """The last thing the bot told the user (a deferred reply's first follow-up becomes the response)."""
    if result.followups:
        return result.followups[-1].content
    assert result.response is not None
    return result.response.content


def post_fields(world: World) -> dict[str, str]:
    post = world.channel.last_message
    assert post is not None
    [embed] = post.embeds
    return {field.name: field.value for field in embed.fields}  # type: ignore[misc]


async def rsvp_going(
    world: World, member: simcord.MemberActor, post: discord.Message, answer: str = "I run a bakery"
) -> str:
    """Click Going (or Join waitlist, which it says while the meal is full); answer the question if asked.
    Returns what the member was told."""
    current = next((m for m in world.channel.history() if m.id == post.id), post)
    clicked = await member.click(current, label=going_label(current))
    if clicked.modal is not None:
        clicked = await member.submit_modal(clicked, {ANSWER: answer})
    assert clicked.response is not None and clicked.ephemeral
    return clicked.response.content


def dms(member: simcord.MemberActor) -> list[discord.Message]:
    channel = member.user.dm_channel
    return [] if channel is None else list(channel.history())


def labels(message: discord.Message) -> list[str]:
    return [child.label for row in message.components for child in row.children]  # type: ignore[union-attr]


async def outbox(world: World, kind: Kind, meal_id: int = 1, *, pending: bool = False) -> list[Delivery]:
    """The outbox rows of a kind for a meal (in the order they were written); only unsent ones if asked."""
    rows = await world.bot.services.delivery.for_meal(world.guild.id, meal_id, kind)
    return [row for row in rows if not pending or row.status is Status.PENDING]


def going_label(post: discord.Message) -> str:
    return "Join waitlist" if "Join waitlist" in labels(post) else "Going"
