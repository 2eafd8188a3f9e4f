"""The one source of "now".

Services take a ``Clock`` instead of calling ``datetime.now()``: the bot passes
``discord.utils.utcnow`` (which simcord virtualises in tests and the demo), the CLI passes
``system_clock``. ruff bans ``datetime.now`` everywhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)  # noqa: TID251 - the one allowed call


SWEEP_SLACK = dt.timedelta(hours=1)  # an hourly sweep may come a little early or late; a cadence still holds


def round_due(last: dt.datetime | None, weeks: int, now: dt.datetime) -> bool:
    """Whether a round run every ``weeks`` weeks (0: never) is due, its last one having run at ``last``."""
    return weeks > 0 and (last is None or now - last >= dt.timedelta(weeks=weeks) - SWEEP_SLACK)
