"""The last step of planning: among plans that meet the same people, the one with the least driving.

The solver maximises the customers met; two plans that meet as many can differ by a day of driving (a
detour past a city and back). This local search keeps the people met (or meets more) and shortens the
drive, judged by the same driving simulation as every other step (so every meal stays in its window, every
day within the limit, no two teams at one meal). Its moves, on the routes of every team, until none
improves the plan:

* *relocate* (or-opt): move one, two or three consecutive stops elsewhere in the route;
* *2-opt*: drive a stretch of the route in the opposite order;
* *exchange*: replace a stop with an unvisited place that meets at least as many people, at the same
  place in the route (the nearest unvisited places only);
* *hand over* (several teams): move a stop from one team's route to another's, or swap two stops between
  teams, so that the meals are split where they cost the least driving;
* *make room*: add one of the best unvisited meals (a third meal in a big city, say) anywhere in a route
  and drop one stop, or two in a row, that meet no more people than it: the solver may fill slots with
  small places on the way where staying longer at a big one meets more.

A plan is better when it meets more people, then drives less in all, then drives less on its longest day
(:func:`plan_key`; a team without meals drives nothing). A move is kept only if every route passes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from bot.domain.tour_planning.driving import Simulation

Route = tuple[int, ...]
Routes = tuple[Route, ...]  # one per team
Key = tuple[float, float, float]
SEGMENTS = (1, 2, 3)  # lengths of the stretches relocate moves
NEAREST = 8  # unvisited places tried in exchange for each stop
ROOM_FOR = 8  # the best-scoring unvisited meals tried by "make room"
MAX_ROUNDS = 200  # improving moves at most (each round scans every move; a plan converges in a few)
SECONDS = 1.5  # and at most this long (a 14-day tour of 40 meals may stop short of its local optimum)


@dataclass(frozen=True, slots=True)
class Judge:
    """What the polish needs from the planner."""

    key: Callable[[Routes], Key | None]  # the plan's key (:func:`plan_key`); None when a route breaks a rule
    # A key no better than the plan's, without simulating (:func:`plan_bound`): a move that cannot meet more
    # people or drive less is not simulated (most of them).
    bound: Callable[[Routes], Key]
    score: Callable[[int], float]  # people a meal node meets (its solver score)
    minutes: Callable[[int, int], float]  # driving minutes between two nodes
    candidates: Sequence[int]  # every meal node a route may use
    start: int
    end: int


def plan_key(score: float, simulations: Sequence[Simulation]) -> Key:
    """Smaller is better: more people, then less driving (all teams), then a shorter longest day (of any
    team). ``simulations``: those of the teams that drive (a team without meals drives nothing)."""
    drive = sum(d.minutes for simulation in simulations for d in simulation.drives)
    longest = max((day for simulation in simulations for day in _per_day(simulation)), default=0.0)
    return -round(score, 6), round(drive, 6), round(longest, 6)


def plan_bound(score: float, drive: float) -> Key:
    """The best key a plan meeting ``score`` people with ``drive`` minutes of driving may have (its longest
    day is at least nothing)."""
    return -round(score, 6), round(drive, 6), 0.0


def _per_day(simulation: Simulation) -> list[float]:
    days = {day for drive in simulation.drives for day in drive.parts}
    return [sum(d.parts.get(day, 0.0) for d in simulation.drives) for day in days]


def polish(
    judge: Judge, routes: Routes, *, seconds: float = SECONDS, clock: Callable[[], float] = time.perf_counter
) -> Routes:
    """The routes after every improving move is made (first improvement, until a local optimum or the time
    runs out)."""
    best = judge.key(routes)
    if best is None:
        return routes
    deadline = clock() + seconds
    for _ in range(MAX_ROUNDS):
        for count, trial in enumerate(moves(judge, routes)):
            if count % 64 == 63 and clock() > deadline:
                return routes
            if judge.bound(trial) >= best:
                continue
            key = judge.key(trial)
            if key is not None and key < best:
                routes, best = trial, key
                break
        else:
            return routes
    return routes


def moves(judge: Judge, routes: Routes) -> Iterator[Routes]:
    """Every neighbour of the plan the polish looks at (see the module's doc), cheapest kinds first."""
    for team, route in enumerate(routes):
        for trial in (*_relocations(route), *_reversals(route), *_exchanges(judge, routes, route)):
            yield _with(routes, team, trial)
    yield from _handovers(routes)
    yield from _room(judge, routes)


def _with(routes: Routes, team: int, route: Route) -> Routes:
    return (*routes[:team], route, *routes[team + 1 :])


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


def _unvisited(judge: Judge, routes: Routes) -> list[int]:
    visited = {node for route in routes for node in route}
    return [node for node in judge.candidates if node not in visited]


def _exchanges(judge: Judge, routes: Routes, route: Route) -> Iterator[Route]:
    unvisited = _unvisited(judge, routes)
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


def _handovers(routes: Routes) -> Iterator[Routes]:
    """A stop handed from one team to another (anywhere in its route), or two stops swapped between teams."""
    for giver, given in enumerate(routes):
        for index, node in enumerate(given):
            rest = given[:index] + given[index + 1 :]
            for taker, taken in enumerate(routes):
                if taker != giver:
                    for position in range(len(taken) + 1):
                        longer = (*taken[:position], node, *taken[position:])
                        yield _with(_with(routes, giver, rest), taker, longer)
    for first in range(len(routes)):
        for second in range(first + 1, len(routes)):
            a, b = routes[first], routes[second]
            for i, x in enumerate(a):
                for j, y in enumerate(b):
                    swapped_a, swapped_b = (*a[:i], y, *a[i + 1 :]), (*b[:j], x, *b[j + 1 :])
                    yield _with(_with(routes, first, swapped_a), second, swapped_b)


def _room(judge: Judge, routes: Routes) -> Iterator[Routes]:
    """One of the best unvisited meals added anywhere, one stop or two in a row dropped that meet no more."""
    best = sorted(_unvisited(judge, routes), key=lambda node: (-judge.score(node), node))[:ROOM_FOR]
    for node in best:
        worth = judge.score(node) + 1e-9
        for team, route in enumerate(routes):
            for first in range(len(route)):
                for count in (1, 2):
                    dropped = route[first : first + count]
                    if len(dropped) < count or sum(judge.score(n) for n in dropped) > worth:
                        continue
                    rest = route[:first] + route[first + count :]
                    for position in range(len(rest) + 1):
                        yield _with(routes, team, (*rest[:position], node, *rest[position:]))
