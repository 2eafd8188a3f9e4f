"""Seeded OPTW instances for the tests and benchmarks/planner.py (helper module, not a benchmark).

* :func:`random_instance`: Solomon-like small instances (travel truncated to 0.1, whole-minute windows and
  service >= 1 so the MIP's big-M time constraints also forbid sub-tours);
* :func:`tour_instance`: the shape of a listening tour — ~2,000 candidate cities, each with one start
  window per meal (breakfast, lunch, dinner) per day, scores = customers living there.
"""

from __future__ import annotations

import numpy as np

from bot.domain.optw import Instance, Node, TimeWindow

MINUTES_PER_DAY = 24 * 60
# Local start windows of the meals (minutes after midnight) and how long a meal lasts.
MEALS = ((7 * 60 + 30, 9 * 60), (12 * 60, 13 * 60 + 30), (18 * 60 + 30, 20 * 60))
MEAL_MINUTES = 90.0  # as long as a meal window: two meals never share a slot
ROAD_FACTOR = 1.25
SPEED_KMH = 90.0


def random_instance(seed: int, customers: int, routes: int = 1, *, windows: int = 1, tight: bool = True) -> Instance:
    """A random instance with ``customers`` customers and ``windows`` windows each (depot = node 0)."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(0, 100, size=(customers + 1, 2))
    travel = np.floor(np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1)) * 10) / 10
    budget = float(rng.integers(120, 320)) if tight else 1000.0
    nodes = [Node(0.0, 0.0, (TimeWindow(0.0, budget),), label="depot")]
    for index in range(1, customers + 1):
        spans = []
        for _ in range(windows):
            opening = float(rng.integers(0, int(budget * 0.8)))
            spans.append(TimeWindow(opening, opening + float(rng.integers(10, 90))))
        score = float(rng.integers(1, 30))
        service = float(rng.integers(1, 20))
        nodes.append(Node(score, service, tuple(spans), label=str(index)))
    return Instance(tuple(nodes), travel, 0, 0, budget, routes, name=f"random-{seed}-{customers}-{routes}")


def tour_instance(seed: int = 7, cities: int = 2000, days: int = 4, customers: int = 100_000) -> Instance:
    """A 4-day x 3-meal tour over ``cities`` candidate cities; node 0 is the start city, node 1 the end."""
    rng = np.random.default_rng(seed)
    # Cities in a 2,200 x 1,400 km box (roughly Toronto to Austin), denser towards a few metro areas.
    centres = rng.uniform((0, 0), (2200, 1400), size=(12, 2))
    owner = rng.integers(0, len(centres), size=cities)
    places = np.clip(centres[owner] + rng.normal(0, 160, size=(cities, 2)), (0, 0), (2200, 1400))
    places[0], places[1] = (150.0, 1250.0), (2000.0, 150.0)
    weights = rng.pareto(1.2, size=cities) + 1
    counts = np.floor(weights / weights.sum() * customers)
    counts[:2] = 0  # start and end are not stops
    distance = np.sqrt(((places[:, None] - places[None]) ** 2).sum(-1))
    travel = np.round(distance * ROAD_FACTOR / SPEED_KMH * 60)  # whole minutes of driving
    windows = tuple(
        TimeWindow(day * MINUTES_PER_DAY + opening, day * MINUTES_PER_DAY + closing)
        for day in range(days)
        for opening, closing in MEALS
    )
    start_time = 6 * 60.0
    budget = (days - 1) * MINUTES_PER_DAY + 22 * 60.0
    nodes = [
        Node(0.0, 0.0, (TimeWindow(start_time, budget),), label="start"),
        Node(0.0, 0.0, (TimeWindow(0, budget),), label="end"),
    ]
    nodes += [Node(float(counts[i]), MEAL_MINUTES, windows, label=f"city-{i}") for i in range(2, cities)]
    return Instance(tuple(nodes), travel, 0, 1, budget, routes=1, name=f"tour-{cities}-{days}d")
