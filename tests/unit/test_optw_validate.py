"""The validator recomputes schedules and scores and names every broken rule."""

from __future__ import annotations

import numpy as np

from bot.domain.optw import Instance, Node, TimeWindow, check_solution

# Depot 0 and three customers on a line, 10 minutes apart; budget 100.
TRAVEL = np.array([[abs(a - b) * 10.0 for b in range(4)] for a in range(4)])


def line(*windows: tuple[float, float], routes: int = 1, service: float = 5.0) -> Instance:
    nodes = [Node(0.0, 0.0, (TimeWindow(0, 100),))]
    nodes += [Node(float(10 * (i + 1)), service, (TimeWindow(*w),)) for i, w in enumerate(windows)]
    return Instance(tuple(nodes), TRAVEL[: len(nodes), : len(nodes)], 0, 0, 100.0, routes)


def test_feasible_route_with_waiting_gets_its_score_and_schedule() -> None:
    instance = line((0, 100), (40, 50), (0, 100))

    check = check_solution(instance, [[1, 2, 3]])

    assert check.feasible, check.problems
    assert check.score == 60.0
    visits = [(v.node, v.arrival, v.start) for v in check.schedules[0]]
    # Node 2 is reached at 25 (10 + 5 of service + 10) and waits for its window to open at 40.
    assert visits == [(0, 0.0, 0.0), (1, 10.0, 10.0), (2, 25.0, 40.0), (3, 55.0, 55.0), (0, 90.0, 90.0)]


def test_service_must_start_inside_a_window() -> None:
    instance = line((0, 5), (0, 100), (0, 100))

    check = check_solution(instance, [[1]])

    assert not check.feasible
    assert "node 1 reached at 10" in check.problems[0]


def test_a_later_window_of_the_same_node_can_be_used() -> None:
    nodes = [Node(0.0, 0.0, (TimeWindow(0, 100),)), Node(5.0, 1.0, (TimeWindow(0, 5), TimeWindow(30, 40)))]
    instance = Instance(tuple(nodes), TRAVEL[:2, :2], 0, 0, 100.0)

    check = check_solution(instance, [[1]])

    assert check.feasible
    assert check.schedules[0][1].start == 30.0


def test_route_must_be_back_by_the_budget() -> None:
    instance = line((0, 100), (0, 100), (0, 100), service=20.0)

    check = check_solution(instance, [[1, 2, 3]])

    assert not check.feasible
    assert "after the budget" in check.problems[0]


def test_each_node_counts_once_and_routes_are_limited() -> None:
    instance = line((0, 100), (0, 100), (0, 100), routes=2)

    repeated = check_solution(instance, [[1], [1]])
    too_many = check_solution(instance, [[1], [2], [3]])
    depot = check_solution(instance, [[0, 1]])

    assert not repeated.feasible and "repeats" in repeated.problems[0]
    assert repeated.score == 10.0
    assert not too_many.feasible and "3 routes given" in too_many.problems[0]
    assert not depot.feasible and "unknown or depot" in depot.problems[0]


def test_empty_solution_is_feasible_and_worth_nothing() -> None:
    check = check_solution(line((0, 100)), [])

    assert (check.feasible, check.score) == (True, 0)
