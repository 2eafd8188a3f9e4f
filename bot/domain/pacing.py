"""Pacing of bulk sends: a token bucket on the injected clock.

Discord watches bots that DM many people quickly; the dispatcher sends a short burst at once (a handful
of people told a seat freed up hear it immediately) and then one message per interval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DM_BURST = 5
DM_INTERVAL = dt.timedelta(seconds=1)


@dataclass
class TokenBucket:
    burst: int = DM_BURST
    interval: dt.timedelta = DM_INTERVAL
    _tokens: float = float(DM_BURST)
    _updated: dt.datetime | None = None

    def __post_init__(self) -> None:
        self._tokens = float(self.burst)

    def _refill(self, now: dt.datetime) -> None:
        if self._updated is not None and now > self._updated:
            self._tokens = min(float(self.burst), self._tokens + (now - self._updated) / self.interval)
        self._updated = now if self._updated is None or now > self._updated else self._updated

    def ready_at(self, now: dt.datetime) -> dt.datetime:
        """The first instant a message may be sent (``now`` if one may go right away)."""
        self._refill(now)
        return now if self._tokens >= 1 else now + (1 - self._tokens) * self.interval

    def available(self, now: dt.datetime) -> int:
        """How many messages may go right now."""
        self._refill(now)
        return max(0, int(self._tokens))

    def take(self, now: dt.datetime) -> None:
        self._refill(now)
        self._tokens -= 1
