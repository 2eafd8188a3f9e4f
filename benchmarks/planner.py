"""Tour planner solver (bot.domain.optw): optimality, benchmark quality and tour-sized speed.

    python benchmarks/planner.py            # full run (~5 minutes)
    python benchmarks/planner.py --quick    # well under a minute, for CI
    python benchmarks/planner.py --seeds 5  # adds the spread over seeds 0-4 of the multi-route cases

Measures, each against a baseline measured in the same run (one greedy insertion pass by score²/shift):
1. share of exact optima on random small instances (12 customers, 1 and 2 routes, 1 or 2 windows per
   node) against the HiGHS MIP: for ``solve`` (labeling for small instances) and for the iterated local
   search alone;
2. score, gap to the published best-known score and time on the published OPTW/TOPTW instances in
   benchmarks/optw_instances (the CLI's default 9 s search limit, so under 10 s per instance; like the CLI,
   two searches in two processes, one per core);
3. time and score on a tour-sized instance: 2,000 candidate cities, 4 days x 3 meal windows;
4. (``--seeds N``) best, mean and worst over N seeds of pr01/pr02 with m = 2-4, as results vary per seed
   (also runnable alone: benchmarks/_optw_seeds.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from benchmarks._optw_mip import solve_mip
from benchmarks._optw_random import random_instance, tour_instance
from benchmarks._optw_seeds import BEST_KNOWN, MULTI_ROUTE, run_once
from bot.domain.optw import (
    DEFAULT_TIME_LIMIT,
    Instance,
    SearchSettings,
    Solution,
    check_solution,
    greedy,
    read_optw,
    solve,
)

INSTANCES = Path(__file__).resolve().parent / "optw_instances"
# (file, routes, best-known score) — sources in optw_instances/README.md.
PUBLISHED = [
    ("c101", 1, 320),
    ("c103", 1, 400),
    ("c106", 1, 340),
    ("r101", 1, 198),
    ("rc101", 1, 219),
    ("pr01", 1, 308),
    ("pr02", 1, 404),
    ("pr01", 2, 502),
    ("pr02", 2, 715),
    ("pr01", 3, 622),
    ("pr02", 3, 947),
    ("pr01", 4, 657),
    ("pr02", 4, 1083),
]
QUICK_PUBLISHED = [("c101", 1, 320), ("r101", 1, 198), ("pr01", 2, 502)]


def timed(run: Callable[[], Solution], instance: Instance) -> tuple[float, float]:
    """(validated score, seconds); fails loudly if the routes break a rule."""
    started = time.perf_counter()
    solution = run()
    elapsed = time.perf_counter() - started
    check = check_solution(instance, solution.routes)
    if not check.feasible:
        raise SystemExit(f"infeasible routes on {instance.name}: {check.problems}")
    return check.score, elapsed


def optimality(count: int) -> None:
    print(f"\n1. Exact optima on {2 * count} random instances (12 customers; 1 and 2 routes; 1-2 windows)")
    ils = SearchSettings(max_iterations=2000, patience=500)
    hits = {"solve": 0, "ILS alone": 0, "greedy (baseline)": 0}
    seconds = dict.fromkeys([*hits, "HiGHS MIP"], 0.0)
    for seed in range(count):
        for routes in (1, 2):
            instance = random_instance(1000 + seed, 12, routes, windows=1 + seed % 2)
            started = time.perf_counter()
            optimum = solve_mip(instance).score
            seconds["HiGHS MIP"] += time.perf_counter() - started
            runs: dict[str, Callable[[], Solution]] = {
                "solve": lambda i=instance, s=seed: solve(i, seed=s),
                # One search in one process: the search itself, not the best of two.
                "ILS alone": lambda i=instance, s=seed: solve(
                    i, seed=s, exact_when_small=False, settings=ils, workers=1
                ),
                "greedy (baseline)": lambda i=instance: greedy(i),
            }
            for name, run in runs.items():
                score, elapsed = timed(run, instance)
                hits[name] += abs(score - optimum) < 1e-6
                seconds[name] += elapsed
    total = 2 * count
    for name, seconds_taken in seconds.items():
        share = f"{hits[name]}/{total} optimal ({100 * hits[name] / total:.1f} %)" if name in hits else "reference"
        print(f"   {name:<18} {share:<28} {1000 * seconds_taken / total:8.1f} ms/instance")


def published(cases: list[tuple[str, int, int]], limit: float) -> None:
    print(f"\n2. Published instances (search limit {limit:g} s, seed 0); gap = (best known - score) / best known")
    print("   time = reading the file + solving + validating")
    print(f"   {'instance':<10}{'m':>2}{'best':>7}{'greedy':>8}{'score':>7}{'gap %':>7}{'time s':>8}{'x greedy':>10}")
    gaps, greedy_gaps = [], []
    for name, routes, best in cases:
        instance = read_optw(INSTANCES / f"{name}.txt", decimals=2 if name.startswith("pr") else 1, routes=routes)
        base, _ = timed(lambda i=instance: greedy(i), instance)
        started = time.perf_counter()
        instance = read_optw(INSTANCES / f"{name}.txt", decimals=2 if name.startswith("pr") else 1, routes=routes)
        score, _ = timed(lambda i=instance: solve(i, seed=0, time_limit=limit), instance)
        elapsed = time.perf_counter() - started  # reading the file included, as `python -m bot optw` does
        gap = 100 * (best - score) / best
        gaps.append(gap)
        greedy_gaps.append(100 * (best - base) / best)
        print(f"   {name:<10}{routes:>2}{best:>7}{base:>8g}{score:>7g}{gap:>7.2f}{elapsed:>8.2f}{score / base:>10.3f}")
    print(f"   average gap {statistics.mean(gaps):.2f} % (greedy baseline {statistics.mean(greedy_gaps):.2f} %)")


def tour(limit: float) -> None:
    started = time.perf_counter()
    instance = tour_instance()
    built = time.perf_counter() - started
    print(f"\n3. Tour-sized instance: {instance.size} cities, 4 days x 3 meal windows (built in {built:.2f} s)")
    base, base_time = timed(lambda: greedy(instance), instance)
    score, elapsed = timed(lambda: solve(instance, seed=0, time_limit=limit), instance)
    print(f"   greedy (baseline)  score {base:>8g}  {base_time:6.2f} s")
    print(f"   solve ({limit:g} s limit) score {score:>8g}  {elapsed:6.2f} s   score x{score / base:.3f} of greedy")
    print(f"   building the travel matrix + solving: {built + elapsed:.2f} s")


def seed_spread(seeds: int, limit: float) -> None:
    print(f"\n4. Seeds 0-{seeds - 1} on the multi-route instances (search limit {limit:g} s; % of best known)")
    header = f"{'instance':<10}{'m':>2}{'BKS':>6}{'best':>7}{'mean':>8}{'worst':>7}{'mean %':>8}{'worst %':>8}"
    print(f"   {header}{'max s':>7}")
    for name, routes in MULTI_ROUTE:
        runs = [run_once(name, routes, seed, limit, None) for seed in range(seeds)]
        scores = [score for score, _, _ in runs]
        best_known = BEST_KNOWN[(name, routes)]
        mean = statistics.mean(scores)
        print(
            f"   {name:<10}{routes:>2}{best_known:>6}{max(scores):>7g}{mean:>8.1f}{min(scores):>7g}"
            f"{100 * mean / best_known:>8.2f}{100 * min(scores) / best_known:>8.2f}"
            f"{max(seconds for _, seconds, _ in runs):>7.2f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short run for CI")
    parser.add_argument("--seeds", type=int, default=0, help="also run the multi-route cases with this many seeds")
    args = parser.parse_args()
    started = time.perf_counter()
    optimality(10 if args.quick else 200)
    published(QUICK_PUBLISHED if args.quick else PUBLISHED, 1.0 if args.quick else DEFAULT_TIME_LIMIT)
    tour(1.5)
    if args.seeds:
        seed_spread(args.seeds, DEFAULT_TIME_LIMIT)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
