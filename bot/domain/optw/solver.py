"""The one entry point: exact labeling for small instances, iterated local search otherwise.

A search of a few seconds or more also runs a second search (another seed) in another process, on the
machine's second core, and keeps the better of the two: on the published multi-route instances that is worth
about as much as twice the time (docs/benchmarks.md). Short searches, such as the tour planner's rounds of
0.2-1 s, stay in one process, which does not pay a process start (~0.1 s).
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from typing import IO

from bot.domain.optw.ils import Clock, IteratedLocalSearch, SearchSettings
from bot.domain.optw.labeling import fits_labeling, solve_by_labeling
from bot.domain.optw.model import EPS, Instance, Solution

# Leaves headroom for reading the file and building the model within 10 s per instance.
DEFAULT_TIME_LIMIT = 9.0
# Searches at least this long (seconds) use a second process when there is a second core.
PARALLEL_FROM = 3.0
# How long after the shared deadline the helper's answer is still awaited (pickling it back is quick).
HELPER_GRACE = 0.3
# A search in several processes (a long one: the CLI's) uses all of its time: stuck for ``patience`` shakes, it
# goes on (its walkers start afresh when stuck, which feeds the route pool) until the time limit or the
# iteration budget. On pr01/pr02 with m = 2-4 that is worth 99.68 % of the best known on average instead of
# 99.56 % (docs/benchmarks.md). Shorter searches, the tour planner's rounds, still stop when stuck.
LONG_SEARCH = SearchSettings(patience=SearchSettings().max_iterations)
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
    limit always run in this process alone, so a seed gives the same routes everywhere. Without ``settings``,
    the defaults; in several processes, with ``LONG_SEARCH``'s patience.
    """
    if exact_when_small and fits_labeling(instance):
        return solve_by_labeling(instance)
    count = default_workers(time_limit) if workers is None else workers
    if count <= 1 or time_limit is None:
        search = IteratedLocalSearch(instance, seed=seed, settings=settings)
        return search.run(time_limit=time_limit, clock=clock)
    return _solve_in_parallel(instance, seed, time_limit, settings or LONG_SEARCH, clock, count)


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


def _start_helper(
    instance: Instance, seed: int, deadline: float, settings: SearchSettings | None
) -> subprocess.Popen[bytes] | None:
    """A helper search (``bot.domain.optw.helper``) in a new process, or None if none can be started."""
    payload = pickle.dumps((instance, seed, deadline, settings))
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
    try:
        helper = subprocess.Popen(
            [sys.executable, "-m", "bot.domain.optw.helper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=environment,
        )
    except OSError:
        return None
    # The instance may be larger than the pipe's buffer: send it without waiting for the helper to start.
    threading.Thread(target=_send, args=(helper.stdin, payload), daemon=True).start()
    return helper


def _send(pipe: IO[bytes] | None, payload: bytes) -> None:
    if pipe is None:
        return
    try:
        pipe.write(payload)
        pipe.close()
    except OSError:  # the helper died first; its answer will be missing
        pass


def _answer(helper: subprocess.Popen[bytes], deadline: float) -> Solution | None:
    """The helper's solution, or None if it failed or did not answer ``HELPER_GRACE`` s after the deadline."""
    try:
        helper.wait(timeout=max(0.0, deadline - time.time()) + HELPER_GRACE)
        output = helper.stdout.read() if helper.stdout is not None and helper.returncode == 0 else b""
        found = pickle.loads(output) if output else None  # noqa: S301 - written by our own helper
    except (subprocess.TimeoutExpired, pickle.UnpicklingError, EOFError, OSError):
        found = None
    finally:
        if helper.poll() is None:
            helper.kill()
            helper.wait()
        if helper.stdout is not None:
            helper.stdout.close()
    return found if isinstance(found, Solution) else None


def _solve_in_parallel(
    instance: Instance, seed: int, time_limit: float, settings: SearchSettings | None, clock: Clock, count: int
) -> Solution:
    """``count`` searches, each with its own seed: this process runs the one with ``seed``, helper processes
    the others until the same deadline; the best wins, the first on ties. A helper that fails or answers
    late is ignored, so the result is never worse than this process's own search."""
    deadline = time.time() + time_limit  # wall clock: the one clock that processes share
    helpers = [_start_helper(instance, seed + k * HELPER_SEEDS, deadline, settings) for k in range(1, count)]
    try:
        own = IteratedLocalSearch(instance, seed=seed, settings=settings).run(time_limit=time_limit, clock=clock)
    except BaseException:  # interrupted: leave no helper behind
        for helper in helpers:
            if helper is not None:
                helper.kill()
                helper.wait()
        raise
    found = [own]
    for helper in helpers:
        answer = _answer(helper, deadline) if helper is not None else None
        if answer is not None:
            found.append(answer)
    best = found[0]
    for other in found[1:]:
        if other.score > best.score + EPS:
            best = other
    return Solution(best.routes, best.score, best.proven_optimal, sum(solution.iterations for solution in found))
