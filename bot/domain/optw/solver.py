"""The one entry point: exact labeling for small instances, iterated local search otherwise."""

from __future__ import annotations

import time

from bot.domain.optw.ils import Clock, IteratedLocalSearch, SearchSettings
from bot.domain.optw.labeling import fits_labeling, solve_by_labeling
from bot.domain.optw.model import Instance, Solution

# Leaves headroom for reading the file and building the model within 10 s per instance.
DEFAULT_TIME_LIMIT = 9.0


def solve(
    instance: Instance,
    *,
    seed: int = 0,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    settings: SearchSettings | None = None,
    exact_when_small: bool = True,
    clock: Clock = time.perf_counter,
) -> Solution:
    """Best routes found for ``instance``.

    Small instances (about a dozen scoring customers) are solved to proven optimality by labeling; larger
    ones by iterated local search, deterministic for a given ``seed`` unless ``time_limit`` (seconds)
    stops it before its iteration budget.
    """
    if exact_when_small and fits_labeling(instance):
        return solve_by_labeling(instance)
    search = IteratedLocalSearch(instance, seed=seed, settings=settings)
    return search.run(time_limit=time_limit, clock=clock)


def greedy(instance: Instance) -> Solution:
    """One pass of greedy insertion by score²/time-shift: the baseline the benchmarks compare against."""
    return IteratedLocalSearch(instance).greedy()
