"""The last step of planning: among routes that meet the same people, the one with the least driving.

The solver maximises the customers met; two routes that meet as many can differ by a day of driving (a
detour past a city and back). This local search keeps the people met and shortens the drive, judged by the
same driving simulation as every other step (so every meal stays in its window, every day within the
limit). Its moves, until none improves the route:

* *relocate* (or-opt): move one, two or three consecutive stops elsewhere in the route;
* *2-opt*: drive a stretch of the route in the opposite order;
* *exchange*: replace a stop with an unvisited place that meets at least as many people, at the same
  place in the route (the nearest unvisited places only).

A route is better when it meets more people, then drives less in all, then drives less on its longest day
(:func:`route_key`). A move is kept only if the result passes the simulation.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from bot.domain.tour_planning.driving import Simulation

Route = tuple[int, ...]
SEGMENTS = (1, 2, 3)  # lengths of the stretches relocate moves
NEAREST = 8  # unvisited places tried in exchange for each stop
MAX_ROUNDS = 200  # improving moves at most (each round scans every move; a route converges in a few)
SECONDS = 1.5  # and at most this long (a 14-day tour of 40 meals may stop short of its local optimum)


@dataclass(frozen=True, slots=True)
class Judge:
    """What the polish needs from the planner."""

    simulate: Callable[[Route], Simulation]
    score: Callable[[int], float]  # people a meal node meets (its solver score)
    minutes: Callable[[int, int], float]  # driving minutes between two nodes
    candidates: Sequence[int]  # every meal node the route may use
    start: int
    end: int


def route_key(judge: Judge, route: Route, simulation: Simulation) -> tuple[float, float, float]:
    """Smaller is better: more people, then less driving, then a shorter longest day."""
    people = sum(judge.score(node) for node in route)
    drive = sum(d.minutes for d in simulation.drives)
    longest = max((sum(d.parts.get(day, 0.0) for d in simulation.drives) for day in _days(simulation)), default=0.0)
    return -round(people, 6), round(drive, 6), round(longest, 6)


def _days(simulation: Simulation) -> set[int]:
    return {day for drive in simulation.drives for day in drive.parts}


def polish(
    judge: Judge, route: Route, *, seconds: float = SECONDS, clock: Callable[[], float] = time.perf_counter
) -> Route:
    """The route after every improving move is made (first improvement, until a local optimum or the time
    runs out)."""
    simulation = judge.simulate(route)
    if not simulation.feasible:
        return route
    best = route_key(judge, route, simulation)
    deadline = clock() + seconds
    for _ in range(MAX_ROUNDS):
        for count, trial in enumerate(moves(judge, route)):
            if count % 64 == 63 and clock() > deadline:
                return route
            tried = judge.simulate(trial)
            if tried.feasible:
                key = route_key(judge, trial, tried)
                if key < best:
                    route, best = trial, key
                    break
        else:
            return route
    return route


def moves(judge: Judge, route: Route) -> Iterator[Route]:
    """Every neighbour of the route the polish looks at (see the module's doc)."""
    yield from _relocations(route)
    yield from _reversals(route)
    yield from _exchanges(judge, route)


def _relocations(route: Route) -> Iterator[Route]:
    size = len(route)
    for length in SEGMENTS:
        for first in range(size - length + 1):
            segment = route[first : first + length]
            rest = route[:first] + route[first + length :]
            for position in range(len(rest) + 1):
                if position != first:
                    yield rest[:position] + segment + rest[position:]


def _reversals(route: Route) -> Iterator[Route]:
    size = len(route)
    for first in range(size - 1):
        for last in range(first + 2, size + 1):
            yield route[:first] + route[first:last][::-1] + route[last:]


def _exchanges(judge: Judge, route: Route) -> Iterator[Route]:
    visited = set(route)
    unvisited = [node for node in judge.candidates if node not in visited]
    path = (judge.start, *route, judge.end)
    for index, node in enumerate(route):
        before, after = path[index], path[index + 2]
        worth = judge.score(node)
        nearest = sorted(
            (other for other in unvisited if judge.score(other) >= worth - 1e-9),
            key=lambda other: (judge.minutes(before, other) + judge.minutes(other, after), other),
        )
        for other in nearest[:NEAREST]:
            yield (*route[:index], other, *route[index + 1 :])
