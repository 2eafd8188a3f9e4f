"""The orienteering problem with time windows (OPTW / TOPTW): instances and solutions.

A node has a score, a service duration and one or more time windows in which its service may *start*.
Routes leave the start node at its opening time, may wait before a window opens, and must reach the end
node by the time budget. The goal is the largest total score with each node counted at most once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatMatrix = npt.NDArray[np.float64]

# Times are sums of decimals (travel truncated to 0.1 or 0.01); comparisons allow this much rounding noise.
EPS = 1e-6


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """Service may start at any time in ``[open, close]``."""

    open: float
    close: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.open) and self.close >= self.open):
            raise ValueError(f"bad time window [{self.open}, {self.close}]")


ALWAYS = TimeWindow(0.0, math.inf)


@dataclass(frozen=True, slots=True)
class Node:
    """A place that may be visited: its score, how long the visit lasts, and when it may start."""

    score: float
    service: float = 0.0
    windows: tuple[TimeWindow, ...] = (ALWAYS,)
    label: str = ""

    def __post_init__(self) -> None:
        if not self.windows:
            raise ValueError("a node needs at least one time window")
        if self.score < 0 or self.service < 0:
            raise ValueError("score and service duration must not be negative")
        # Sorted, merged windows let "the first window that closes after arrival" be the earliest start.
        object.__setattr__(self, "windows", _normalise(self.windows))

    def earliest_start(self, arrival: float) -> float | None:
        """The earliest time service can start when arriving at ``arrival``, or None if too late."""
        for window in self.windows:
            if arrival <= window.close + EPS:
                return max(arrival, window.open)
        return None


def _normalise(windows: Sequence[TimeWindow]) -> tuple[TimeWindow, ...]:
    merged: list[TimeWindow] = []
    for window in sorted(windows, key=lambda w: (w.open, w.close)):
        if merged and window.open <= merged[-1].close:
            last = merged[-1]
            merged[-1] = TimeWindow(last.open, max(last.close, window.close))
        else:
            merged.append(window)
    return tuple(merged)


@dataclass(frozen=True, eq=False)
class Instance:
    """One OPTW/TOPTW instance.

    ``travel[i][j]`` is the travel time from node ``i`` to node ``j``. Routes start at ``start`` (at its
    first window's opening) and must arrive at ``end`` by ``budget``; ``start`` may equal ``end``.
    ``routes`` is how many routes (days, vehicles) may be used.
    """

    nodes: tuple[Node, ...]
    travel: FloatMatrix
    start: int
    end: int
    budget: float
    routes: int = 1
    name: str = ""
    customers: tuple[int, ...] = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.nodes)
        matrix = np.array(self.travel, dtype=np.float64)
        if matrix.shape != (n, n):
            raise ValueError(f"travel matrix must be {n}x{n}, got {matrix.shape}")
        if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
            raise ValueError("travel times must be finite and not negative")
        if not (0 <= self.start < n and 0 <= self.end < n):
            raise ValueError("start and end must be node ids")
        if self.routes < 1:
            raise ValueError("at least one route is needed")
        matrix.setflags(write=False)
        object.__setattr__(self, "travel", matrix)
        depots = {self.start, self.end}
        object.__setattr__(self, "customers", tuple(i for i in range(n) if i not in depots))

    @property
    def size(self) -> int:
        """Number of nodes, depots included."""
        return len(self.nodes)

    def with_routes(self, routes: int) -> Instance:
        """The same instance with another number of routes."""
        return Instance(self.nodes, self.travel, self.start, self.end, self.budget, routes, self.name)


@dataclass(frozen=True, slots=True)
class Solution:
    """Routes as node ids in visiting order (start and end excluded) and their total score.

    ``proven_optimal`` is True when an exact method produced it.
    """

    routes: tuple[tuple[int, ...], ...]
    score: float
    proven_optimal: bool = False
    iterations: int = 0

    def visited(self) -> set[int]:
        """Every node some route visits."""
        return {node for route in self.routes for node in route}
