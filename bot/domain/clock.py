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
