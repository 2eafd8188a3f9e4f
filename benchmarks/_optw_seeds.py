"""Seed spread of the solver on the published instances (helper for benchmarks/planner.py, also runnable).

    python benchmarks/_optw_seeds.py                      # multi-route pr01/pr02, seeds 0-4, 9 s each
    python benchmarks/_optw_seeds.py --cases pr02:3 c101:2 --seeds 0-9 --workers 1 --jobs 2

Each run solves with ``solve`` and the CLI's default 9 s limit (or ``--limit``), as ``python -m bot optw``
does: from a 3 s limit that is two searches in two processes, so run one at a time (``--jobs 1``, the
default) to give each run both cores; ``--workers 1`` gives one search in one process, on one core, and
then ``--jobs 2`` runs two at once. The score is re-checked by ``check_solution``. Prints one line per run
and, per case, the best, mean and worst score over the seeds, as a share of the best-known score when one is
listed in benchmarks/optw_instances/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from bot.domain.optw import DEFAULT_TIME_LIMIT, SearchSettings, check_solution, read_optw, solve

INSTANCES = Path(__file__).resolve().parent / "optw_instances"
# Best-known scores with a source (benchmarks/optw_instances/README.md).
BEST_KNOWN = {
    ("c101", 1): 320,
    ("c103", 1): 400,
    ("c106", 1): 340,
    ("r101", 1): 198,
    ("rc101", 1): 219,
    ("pr01", 1): 308,
    ("pr01", 2): 502,
    ("pr01", 3): 622,
    ("pr01", 4): 657,
    ("pr02", 1): 404,
    ("pr02", 2): 715,
    ("pr02", 3): 947,
    ("pr02", 4): 1083,
}
MULTI_ROUTE = [(name, m) for name in ("pr01", "pr02") for m in (2, 3, 4)]


def run_once(
    name: str,
    routes: int,
    seed: int,
    limit: float | None,
    iterations: int | None,
    workers: int | None = None,
    patience: int | None = None,
) -> tuple[float, float, int]:
    """(validated score, seconds including reading the file, iterations of all searches) of one run;
    ``workers``: searches at once (``solve``'s default when None)."""
    started = time.perf_counter()
    instance = read_optw(INSTANCES / f"{name}.txt", decimals=2 if name.startswith("pr") else 1, routes=routes)
    # An iteration budget also lifts the patience, so the budget alone ends the run (deterministic).
    settings = SearchSettings(max_iterations=iterations, patience=iterations) if iterations else None
    if patience:  # with an iteration budget too: that many iterations, stopping earlier when stuck this long
        settings = dataclasses.replace(settings or SearchSettings(), patience=patience)
    solution = solve(instance, seed=seed, time_limit=limit, settings=settings, workers=workers)
    elapsed = time.perf_counter() - started
    check = check_solution(instance, solution.routes)
    if not check.feasible:
        raise SystemExit(f"infeasible routes on {name} m={routes} seed {seed}: {check.problems}")
    return check.score, elapsed, solution.iterations


def _case(text: str) -> tuple[str, int]:
    name, _, routes = text.partition(":")
    return name, int(routes or 1)


def _seeds(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="*", type=_case, default=MULTI_ROUTE, help="name:m, e.g. pr02:3")
    parser.add_argument("--seeds", type=_seeds, default=list(range(5)), help="e.g. 0-9")
    parser.add_argument("--limit", type=float, default=DEFAULT_TIME_LIMIT, help="seconds per run (0: none)")
    parser.add_argument("--iterations", type=int, default=0, help="iteration budget (0: the default)")
    parser.add_argument("--patience", type=int, default=0, help="shakes without a better solution (0: the default)")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once")
    parser.add_argument(
        "--workers", type=int, default=0, help="searches per run, one process each (0: solve's default, 2 from 3 s)"
    )
    args = parser.parse_args()
    limit = args.limit or None
    runs = [(name, m, seed) for name, m in args.cases for seed in args.seeds]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [
            pool.submit(
                run_once, name, m, seed, limit, args.iterations or None, args.workers or None, args.patience or None
            )
            for name, m, seed in runs
        ]
        results = [future.result() for future in futures]
    by_case: dict[tuple[str, int], list[tuple[float, float, int]]] = {}
    for (name, m, seed), (score, seconds, iterations) in zip(runs, results, strict=True):
        print(f"{name:<6} m={m} seed {seed:>2}: {score:>6g}  {seconds:5.2f} s  {iterations:>6} iterations")
        by_case.setdefault((name, m), []).append((score, seconds, iterations))
    header = f"{'instance':<9}{'m':>2}{'BKS':>6}{'best':>7}{'mean':>8}{'worst':>7}{'mean %':>8}{'worst %':>8}"
    print(f"\n{header}{'max s':>7}{'iterations':>11}")
    for (name, m), rows in by_case.items():
        scores = [score for score, _, _ in rows]
        best = BEST_KNOWN.get((name, m))
        shares = f"{100 * statistics.mean(scores) / best:8.2f}{100 * min(scores) / best:8.2f}" if best else " " * 16
        print(
            f"{name:<9}{m:>2}{best or '':>6}{max(scores):>7g}{statistics.mean(scores):>8.1f}{min(scores):>7g}"
            f"{shares}{max(s for _, s, _ in rows):>7.2f}{statistics.mean(i for _, _, i in rows):>11.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
