"""The solver against an exact MIP (HiGHS) and the published best-known scores."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from benchmarks._optw_mip import solve_mip
from benchmarks._optw_random import random_instance, tour_instance
from bot.domain.optw import (
    Instance,
    IteratedLocalSearch,
    SearchSettings,
    Solution,
    check_solution,
    greedy,
    read_optw,
    solve,
    solve_by_labeling,
)

INSTANCES = Path(__file__).resolve().parents[2] / "benchmarks" / "optw_instances"


def assert_valid(instance: Instance, solution: Solution) -> float:
    check = check_solution(instance, solution.routes)
    assert check.feasible, check.problems
    assert check.score == pytest.approx(solution.score)
    return check.score


def small_cases(seeds: range, customers: int | None = None) -> list[tuple[int, int, int, int]]:
    """(seed, customers, routes, windows per node): 6 to 12 customers, 1 or 2 routes, 1 or 2 windows."""
    return [(seed, customers or 6 + seed % 7, routes, 1 + seed % 2) for seed in seeds for routes in (1, 2)]


def assert_optimal(seed: int, customers: int, routes: int, windows: int) -> None:
    instance = random_instance(seed, customers, routes, windows=windows)
    reference = solve_mip(instance)
    assert reference.optimal
    assert check_solution(instance, reference.routes).score == pytest.approx(reference.score)

    found = solve(instance, seed=seed)

    assert assert_valid(instance, found) == pytest.approx(reference.score)


@pytest.mark.parametrize(("seed", "customers", "routes", "windows"), small_cases(range(30)))
def test_solver_finds_the_mip_optimum_on_small_instances(seed: int, customers: int, routes: int, windows: int) -> None:
    assert_optimal(seed, customers, routes, windows)


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "customers", "routes", "windows"), small_cases(range(100, 300), 12))
def test_solver_finds_the_mip_optimum_on_many_12_customer_instances(
    seed: int, customers: int, routes: int, windows: int
) -> None:
    assert_optimal(seed, customers, routes, windows)


@pytest.mark.parametrize("seed", range(4))
def test_labeling_matches_the_mip_with_three_routes(seed: int) -> None:
    instance = random_instance(seed, 8, 3, windows=1 + seed % 2)

    found = solve_by_labeling(instance)

    assert found.proven_optimal
    assert assert_valid(instance, found) == pytest.approx(solve_mip(instance).score)


@pytest.mark.parametrize(("name", "best_known"), [("r101", 198), ("rc101", 219), ("c101", 320)])
def test_search_reaches_the_proven_optimum_of_published_instances(name: str, best_known: int) -> None:
    instance = read_optw(INSTANCES / f"{name}.txt")

    found = solve(instance, seed=0, time_limit=None)  # no clock: the same run everywhere

    assert assert_valid(instance, found) == best_known


@pytest.mark.parametrize(("seed", "routes", "windows"), [(1, 1, 1), (2, 2, 2), (3, 3, 1), (4, 2, 3)])
def test_search_returns_feasible_routes_at_least_as_good_as_greedy(seed: int, routes: int, windows: int) -> None:
    instance = random_instance(seed, 40, routes, windows=windows, tight=False)
    settings = SearchSettings(max_iterations=150)

    found = solve(instance, seed=seed, settings=settings)

    assert not found.proven_optimal
    assert assert_valid(instance, found) >= assert_valid(instance, greedy(instance))


def test_same_seed_same_routes() -> None:
    instance = random_instance(11, 50, 2, windows=2, tight=False)
    settings = SearchSettings(max_iterations=200)

    first = IteratedLocalSearch(instance, seed=5, settings=settings).run()
    again = IteratedLocalSearch(instance, seed=5, settings=settings).run()

    assert first.routes == again.routes
    assert first.iterations == again.iterations == 200


def test_time_limit_is_respected() -> None:
    instance = read_optw(INSTANCES / "pr02.txt", decimals=2, routes=4)

    started = time.perf_counter()
    found = solve(instance, time_limit=0.5)
    elapsed = time.perf_counter() - started

    assert elapsed < 1.5
    assert assert_valid(instance, found) > 0


def test_tour_shaped_instance_uses_meal_windows_on_several_days() -> None:
    instance = tour_instance(seed=3, cities=300, customers=20_000)

    found = solve(instance, time_limit=None, settings=SearchSettings(max_iterations=60))

    score = assert_valid(instance, found)
    assert score > assert_valid(instance, greedy(instance))
    starts = [visit.start for visit in check_solution(instance, found.routes).schedules[0][1:-1]]
    # Every meal starts inside one of the twelve meal windows, on more than one day.
    assert len({int(start // (24 * 60)) for start in starts}) >= 3
    assert all(any(w.open <= s <= w.close for w in instance.nodes[2].windows) for s in starts)
