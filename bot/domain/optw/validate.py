"""Recompute a solution's schedule, feasibility and score from scratch, trusting nothing the solver said."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.optw.model import EPS, Instance


@dataclass(frozen=True, slots=True)
class Visit:
    """When a route reaches a node and when its service starts (after any wait)."""

    node: int
    arrival: float
    start: float


@dataclass(frozen=True, slots=True)
class SolutionCheck:
    """The verdict on a set of routes: feasible or why not, the score, and each route's schedule."""

    feasible: bool
    score: float
    problems: tuple[str, ...]
    schedules: tuple[tuple[Visit, ...], ...]


def schedule_route(instance: Instance, route: Sequence[int]) -> tuple[tuple[Visit, ...], list[str]]:
    """Earliest-start schedule of one route, start and end included, with the rules it breaks."""
    problems: list[str] = []
    travel = instance.travel
    first = instance.nodes[instance.start]
    time = first.windows[0].open
    visits = [Visit(instance.start, time, time)]
    time += first.service
    previous = instance.start
    for node in route:
        arrival = time + float(travel[previous, node])
        start = instance.nodes[node].earliest_start(arrival)
        if start is None:
            problems.append(f"node {node} reached at {arrival:g}, after its last window closes")
            start = arrival
        visits.append(Visit(node, arrival, start))
        time = start + instance.nodes[node].service
        previous = node
    arrival = time + float(travel[previous, instance.end])
    visits.append(Visit(instance.end, arrival, arrival))
    if arrival > instance.budget + EPS:
        problems.append(f"route ends at {arrival:g}, after the budget {instance.budget:g}")
    return tuple(visits), problems


def check_solution(instance: Instance, routes: Sequence[Sequence[int]]) -> SolutionCheck:
    """Check routes (node ids in order, start/end excluded) against every rule and recompute the score."""
    problems: list[str] = []
    if len(routes) > instance.routes:
        problems.append(f"{len(routes)} routes given, only {instance.routes} allowed")
    seen: set[int] = set()
    schedules: list[tuple[Visit, ...]] = []
    valid_ids = set(instance.customers)
    for index, route in enumerate(routes):
        bad = [node for node in route if node not in valid_ids]
        if bad:
            problems.append(f"route {index} visits unknown or depot nodes {bad}")
            schedules.append(())
            continue
        repeated = [node for node in route if node in seen]
        if repeated or len(set(route)) != len(route):
            problems.append(f"route {index} repeats nodes {sorted(set(repeated)) or list(route)}")
        seen.update(route)
        schedule, route_problems = schedule_route(instance, route)
        problems.extend(f"route {index}: {problem}" for problem in route_problems)
        schedules.append(schedule)
    score = sum(instance.nodes[node].score for node in seen)
    return SolutionCheck(not problems, score, tuple(problems), tuple(schedules))
