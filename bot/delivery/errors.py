"""How a failed send is judged: wait out a rate limit, retry later, or stop and say why."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp
import discord

DEFAULT_RETRY_AFTER = 5.0  # a 429 without a Retry-After header (seen from proxies)
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013

TRANSIENT = (discord.HTTPException, asyncio.TimeoutError, aiohttp.ClientError, OSError)


class Refused(Exception):
    """Discord said no for a reason only a person can fix (a missing permission); the text says what to do."""


@dataclass(frozen=True)
class Failure:
    text: str  # for /status and the manager's reply
    retry_after: float | None  # a 429: wait exactly this long
    permanent: bool  # retrying can't help (4xx other than 429)


def judge(error: BaseException) -> Failure:
    if isinstance(error, Refused):
        return Failure(str(error), None, permanent=True)
    if isinstance(error, discord.RateLimited):
        return Failure(f"rate limited for {error.retry_after:.0f} s", error.retry_after, permanent=False)
    if isinstance(error, discord.HTTPException):
        text = (
            f"Discord {error.status}"
            + (f" (code {error.code})" if error.code else "")
            + (f": {error.text}" if error.text else "")
        )
        if error.status == 429:
            return Failure(text, _retry_after(error), permanent=False)
        return Failure(text, None, permanent=400 <= error.status < 500)
    return Failure(f"{type(error).__name__}: {error}"[:200], None, permanent=False)  # a timeout, a dropped connection


def _retry_after(error: discord.HTTPException) -> float:
    headers = getattr(error.response, "headers", None) or {}
    try:
        return float(headers.get("Retry-After", DEFAULT_RETRY_AFTER))
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER
