"""The one entry point: exact labeling for small instances, iterated local search otherwise.

A search of a few seconds or more also runs a second search (another seed) in another process, on the
machine's second core, and keeps the better of the two: on the published multi-route instances that is worth
about as much as twice the time (docs/benchmarks.md). Short searches, such as the tour planner's rounds of
0.2-1 s, stay in one process, which does not pay a process start (~0.2 s).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.domain.optw.ils import Clock, IteratedLocalSearch, SearchSettings
from bot.domain.optw.labeling import fits_labeling, solve_by_labeling
from bot.domain.optw.model import EPS, Instance, Solution

# Leaves headroom for reading the file and building the model within 10 s per instance.
DEFAULT_TIME_LIMIT = 9.0
# Searches at least this long (seconds) use a second process when there is a second core.
PARALLEL_FROM = 3.0
# How long after the shared deadline the helper's answer is still awaited (pickling it back is quick).
HELPER_GRACE = 0.3
# Helper k searches with seed ``seed + k * HELPER_SEEDS``, so that runs with neighbouring seeds do not share one.
HELPER_SEEDS = 1_000_003


def solve(
    instance: Instance,
    *,
    seed: int = 0,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    settings: SearchSettings | None = None,
    exact_when_small: bool = True,
    clock: Clock = time.perf_counter,
    workers: int | None = None,
) -> Solution:
    """Best routes found for ``instance``.

    Small instances (about a dozen scoring customers) are solved to proven optimality by labeling; larger
    ones by iterated local search, deterministic for a given ``seed`` unless ``time_limit`` (seconds)
    stops it before its iteration budget. ``workers``: searches run at once, in as many processes, each
    with its own seed, the best kept; by default two when ``time_limit`` is at
    least ``PARALLEL_FROM`` seconds and the process may use two cores, else one. Searches without a time
    limit always run in this process alone, so a seed gives the same routes everywhere.
    """
    if exact_when_small and fits_labeling(instance):
        return solve_by_labeling(instance)
    count = default_workers(time_limit) if workers is None else workers
    if count <= 1 or time_limit is None or multiprocessing.current_process().daemon:  # daemons have no children
        search = IteratedLocalSearch(instance, seed=seed, settings=settings)
        return search.run(time_limit=time_limit, clock=clock)
    return _solve_in_parallel(instance, seed, time_limit, settings, clock, count)


def default_workers(time_limit: float | None) -> int:
    """Two searches for a time limit of ``PARALLEL_FROM`` seconds or more on two cores or more, else one."""
    if time_limit is None or time_limit < PARALLEL_FROM:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(2, cores)


def greedy(instance: Instance) -> Solution:
    """One pass of greedy insertion by score²/time-shift: the baseline the benchmarks compare against."""
    return IteratedLocalSearch(instance).greedy()


def _helper_search(instance: Instance, seed: int, deadline: float, settings: SearchSettings | None) -> Solution:
    """One search in a helper process, until ``deadline`` (wall-clock seconds, shared with the caller)."""
    search = IteratedLocalSearch(instance, seed=seed, settings=settings)
    return search.run(time_limit=max(0.0, deadline - time.time()))


def _solve_in_parallel(
    instance: Instance, seed: int, time_limit: float, settings: SearchSettings | None, clock: Clock, count: int
) -> Solution:
    """``count`` searches, each with its own seed: this process runs the one with ``seed``, helper processes
    the others until the same deadline; the best wins, the first on ties. A helper that fails or
    answers late is ignored, so the result is never worse than this process's own search."""
    deadline = time.time() + time_limit  # wall clock: the one clock that processes share
    # "spawn", not fork: the bot solves from a worker thread, and forking a threaded process is unsafe.
    executor = ProcessPoolExecutor(max_workers=count - 1, mp_context=multiprocessing.get_context("spawn"))
    try:
        helpers: list[Future[Solution]] = []
        try:
            for k in range(1, count):
                helpers.append(executor.submit(_helper_search, instance, seed + k * HELPER_SEEDS, deadline, settings))
        except (BrokenProcessPool, OSError, RuntimeError):
            pass  # no process to be had: search with those that started, or alone
        found = [IteratedLocalSearch(instance, seed=seed, settings=settings).run(time_limit=time_limit, clock=clock)]
        for helper in helpers:
            try:
                found.append(helper.result(timeout=max(0.0, deadline - time.time()) + HELPER_GRACE))
            except (TimeoutError, BrokenProcessPool, OSError):
                continue
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
    best = found[0]
    for other in found[1:]:
        if other.score > best.score + EPS:
            best = other
    return Solution(best.routes, best.score, best.proven_optimal, sum(solution.iterations for solution in found))
