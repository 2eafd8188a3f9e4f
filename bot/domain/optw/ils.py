"""Iterated local search for the (team) orienteering problem with time windows.

The skeleton is Vansteenwegen et al. (2009): greedy insertion by score²/time-shift with O(1) feasibility
checks per position, and a shake that removes a run of consecutive visits from every route. On top of it,
each kept because it measured better (docs/benchmarks.md, "Tour planner solver"): exact checks for several windows per
node (latest arrival instead of Wait + MaxShift), seeded noise in the insertion choice, a refill that first
leaves out the nodes just removed, a same-slot replace move, relocations that bring a route home earlier,
threshold acceptance with periodic kicks, and restarts from the best solution. Insertion costs are
evaluated for all candidates and positions at once with numpy, which makes a pure-Python search fast enough.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from bot.domain.optw.model import EPS, FloatMatrix, Instance, Solution, TimeWindow

IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class SearchSettings:
    """Knobs of the search. Defaults are tuned on the published OPTW instances (see docs)."""

    max_iterations: int = 30000
    # Stop after this many shakes without a better solution.
    patience: int = 5000
    # Return to the best solution after this many shakes without improving it.
    restart_after: int = 60
    # Insertion ratio noise: ratio * (1 + noise * U(0, 1)); 0 gives the plain greedy choice.
    noise: float = 1.5
    swaps: bool = True
    # Share of shakes after which the removed nodes may not come straight back.
    tabu_share: float = 0.5
    # Reject a shake's result that scores worse than before by more than this share (1.0: accept all).
    accept_drop: float = 0.02
    # ... except once every this many shakes without a new best, to leave a local optimum for good.
    kick_every: int = 25


class _Route:
    """One route with start and end sentinels and the schedule that makes insertion checks O(1)."""

    __slots__ = ("arrival", "closing", "latest", "nodes", "start")

    def __init__(self, nodes: list[int]) -> None:
        self.nodes = nodes
        self.arrival: list[float] = []
        self.start: list[float] = []
        self.closing: list[float] = []
        # Latest arrival at each position that keeps the rest of the route feasible. It generalises
        # Wait + MaxShift to several windows per node: arriving later never helps, so it is a threshold.
        self.latest: list[float] = []

    def copy(self) -> _Route:
        clone = _Route(list(self.nodes))
        clone.arrival, clone.start = list(self.arrival), list(self.start)
        clone.closing, clone.latest = list(self.closing), list(self.latest)
        return clone

    @property
    def customers(self) -> list[int]:
        return self.nodes[1:-1]


@dataclass
class _State:
    routes: list[_Route]
    visited: BoolArray
    score: float
    cache: dict[int, tuple[FloatMatrix, IntArray]] = field(default_factory=dict)

    def copy(self) -> _State:
        return _State([route.copy() for route in self.routes], self.visited.copy(), self.score)


class IteratedLocalSearch:
    """Heuristic solver; deterministic for a given seed as long as the time limit does not cut it short."""

    def __init__(self, instance: Instance, *, seed: int = 0, settings: SearchSettings | None = None) -> None:
        self.instance = instance
        self.settings = settings or SearchSettings()
        self.rng = np.random.default_rng(seed)  # reproducible search: same seed, same routes
        nodes = instance.nodes
        self.travel = instance.travel
        self.rows = instance.travel.tolist()  # scalar look-ups are much faster on lists than on arrays
        self.service = np.array([node.service for node in nodes])
        self.service_list = self.service.tolist()
        self.score = np.array([node.score for node in nodes])
        self.windows = [[(w.open, w.close) for w in node.windows] for node in nodes]
        width = max(len(node.windows) for node in nodes)
        # Pad with copies of the last window so every node has ``width`` windows with the same meaning.
        self.opens = np.array([[w.open for w in _pad(node.windows, width)] for node in nodes])
        self.closes = np.array([[w.close for w in _pad(node.windows, width)] for node in nodes])
        self.width = width
        eligible = np.zeros(len(nodes), dtype=bool)
        eligible[list(instance.customers)] = True
        self.eligible = eligible & (self.score > 0)
        first = nodes[instance.start]
        self.depart = first.windows[0].open

    # ----------------------------------------------------------------- schedule bookkeeping
    def _schedule(self, route: _Route) -> bool:
        """Recompute arrival/start forwards and latest arrivals backwards; False if the route is infeasible."""
        rows, service, windows = self.rows, self.service_list, self.windows
        nodes = route.nodes
        arrival, start, closing = [self.depart], [self.depart], [math.inf]
        finish = self.depart + service[nodes[0]]
        feasible = True
        for k in range(1, len(nodes) - 1):
            previous, node = nodes[k - 1], nodes[k]
            reach = finish + rows[previous][node]
            begin, close = reach, -math.inf
            for opening, closing_time in windows[node]:
                if reach <= closing_time + EPS:
                    begin, close = max(reach, opening), closing_time
                    break
            else:
                feasible = False
            arrival.append(reach)
            start.append(begin)
            closing.append(close)
            finish = begin + service[node]
        end_arrival = finish + rows[nodes[-2]][nodes[-1]]
        arrival.append(end_arrival)
        start.append(end_arrival)
        closing.append(self.instance.budget)
        route.arrival, route.start, route.closing = arrival, start, closing
        route.latest = self._latest_arrivals(nodes)
        return feasible and end_arrival <= self.instance.budget + EPS

    def _latest_arrivals(self, nodes: list[int]) -> list[float]:
        rows, service, windows = self.rows, self.service_list, self.windows
        latest = [0.0] * len(nodes)
        latest[-1] = self.instance.budget
        for p in range(len(nodes) - 2, 0, -1):
            node = nodes[p]
            bound = latest[p + 1] - service[node] - rows[node][nodes[p + 1]]
            value = -math.inf
            for opening, closing_time in reversed(windows[node]):
                if opening <= bound + EPS:
                    value = min(closing_time, bound)
                    break
            latest[p] = value
        return latest

    def _repair(self, state: _State, route: _Route) -> None:
        """Drop visits until the route is feasible (removals can delay others when travel times break the
        triangle inequality, as truncated Euclidean distances do)."""
        while not self._schedule(route) and len(route.nodes) > 2:
            late = next(
                (p for p in range(1, len(route.nodes) - 1) if route.start[p] > route.closing[p] + EPS),
                len(route.nodes) - 2,
            )
            node = route.nodes.pop(late)
            state.visited[node] = False
            state.score -= float(self.score[node])

    # ----------------------------------------------------------------- insertion
    def _slot_shifts(
        self,
        candidates: IntArray,
        previous: IntArray,
        finish: FloatMatrix,
        following: IntArray,
        next_arrival: FloatMatrix,
        next_latest: FloatMatrix,
    ) -> FloatMatrix:
        """Time shift at ``following[p]`` when candidate ``u`` is served between ``previous[p]`` (whose
        service ends at ``finish[p]``) and ``following[p]``: a U x P matrix, inf where it breaks a window."""
        reach = finish[None, :] + self.travel[candidates[:, None], previous[None, :]]
        if self.width == 1:
            opening = self.opens[candidates, 0][:, None]
            ok = reach <= self.closes[candidates, 0][:, None] + EPS
        else:
            closes = self.closes[candidates]
            index = (closes[:, None, :] < reach[:, :, None] - EPS).sum(axis=2)
            ok = index < self.width
            opening = np.take_along_axis(self.opens[candidates], np.minimum(index, self.width - 1), axis=1)
        begin = np.maximum(reach, opening)
        new_arrival = begin + self.service[candidates][:, None] + self.travel[candidates[:, None], following]
        shift = new_arrival - next_arrival[None, :]
        ok &= new_arrival <= next_latest[None, :] + EPS
        return np.where(ok, shift, np.inf)

    def _insertion_costs(self, route: _Route, candidates: IntArray) -> tuple[FloatMatrix, IntArray]:
        """For each candidate, the smallest feasible time shift over positions in ``route`` (inf if none)
        and the position (index in ``route.nodes`` to insert before)."""
        nodes = np.asarray(route.nodes)
        previous, following = nodes[:-1], nodes[1:]
        finish = np.asarray(route.start[:-1]) + self.service[previous]
        latest = np.asarray(route.latest[1:])
        shift = self._slot_shifts(candidates, previous, finish, following, np.asarray(route.arrival[1:]), latest)
        position = shift.argmin(axis=1)
        return shift[np.arange(len(candidates)), position], position + 1

    def _route_costs(self, state: _State, index: int) -> tuple[FloatMatrix, IntArray]:
        """Cached insertion costs of every node into route ``index`` (inf for visited/ineligible nodes)."""
        cached = state.cache.get(index)
        if cached is None:
            size = len(self.service)
            costs = np.full(size, np.inf)
            positions = np.zeros(size, dtype=np.intp)
            candidates = np.flatnonzero(self.eligible & ~state.visited)
            if len(candidates):
                costs[candidates], positions[candidates] = self._insertion_costs(state.routes[index], candidates)
            cached = (costs, positions)
            state.cache[index] = cached
        return cached

    def _insert(self, state: _State, route_index: int, node: int, position: int) -> None:
        route = state.routes[route_index]
        route.nodes.insert(position, node)
        self._schedule(route)
        state.visited[node] = True
        state.score += float(self.score[node])
        state.cache.pop(route_index, None)
        for costs, _ in state.cache.values():
            costs[node] = np.inf

    def fill(self, state: _State, noise: float) -> None:
        """Insert nodes greedily by score² / time shift until nothing fits."""
        while True:
            best_costs: FloatMatrix | None = None
            best_route = np.zeros(0, dtype=np.intp)
            for index in range(len(state.routes)):
                costs, _ = self._route_costs(state, index)
                if best_costs is None:
                    best_costs, best_route = costs.copy(), np.zeros(len(costs), dtype=np.intp)
                else:
                    better = costs < best_costs
                    best_costs[better] = costs[better]
                    best_route[better] = index
            if best_costs is None:
                return
            candidates = np.flatnonzero(np.isfinite(best_costs))
            if not len(candidates):
                return
            ratio = self.score[candidates] ** 2 / np.maximum(best_costs[candidates], 1e-3)
            if noise:
                ratio = ratio * (1.0 + noise * self.rng.random(len(candidates)))
            node = int(candidates[int(ratio.argmax())])
            route_index = int(best_route[node])
            position = int(state.cache[route_index][1][node])
            self._insert(state, route_index, node, position)

    # ----------------------------------------------------------------- local moves
    def replace(self, state: _State) -> bool:
        """Put a higher-scoring unvisited node in the place of a visit wherever it fits; True if improved."""
        improved = False
        for route_index in range(len(state.routes)):
            while self._best_replacement(state, route_index):
                improved = True
        return improved

    def _best_replacement(self, state: _State, route_index: int) -> bool:
        route = state.routes[route_index]
        if len(route.nodes) < 3:
            return False
        candidates = np.flatnonzero(self.eligible & ~state.visited)
        if not len(candidates):
            return False
        nodes = np.asarray(route.nodes)
        previous, current, following = nodes[:-2], nodes[1:-1], nodes[2:]
        finish = np.asarray(route.start[:-2]) + self.service[previous]
        latest = np.asarray(route.latest[2:])
        shift = self._slot_shifts(candidates, previous, finish, following, np.asarray(route.arrival[2:]), latest)
        gain = self.score[candidates][:, None] - self.score[current][None, :]
        gain = np.where(np.isfinite(shift) & (gain > EPS), gain, -np.inf)
        flat = int(gain.argmax())
        if gain.flat[flat] == -np.inf:
            return False
        row, column = divmod(flat, gain.shape[1])
        removed, added = int(current[column]), int(candidates[row])
        route.nodes[column + 1] = added
        self._schedule(route)
        state.visited[removed], state.visited[added] = False, True
        state.score += float(self.score[added] - self.score[removed])
        state.cache.clear()
        return True

    def shake(self, state: _State, length: int, offset: int) -> list[int]:
        """Remove ``length`` consecutive visits from every route, starting at ``offset`` (wrapping);
        returns the removed nodes."""
        removed: list[int] = []
        for route in state.routes:
            customers = route.customers
            if not customers:
                continue
            begin = offset % len(customers)
            drop = {(begin + k) % len(customers) for k in range(min(length, len(customers)))}
            for k in drop:
                state.visited[customers[k]] = False
                state.score -= float(self.score[customers[k]])
                removed.append(customers[k])
            route.nodes = [route.nodes[0], *[n for k, n in enumerate(customers) if k not in drop], route.nodes[-1]]
            self._repair(state, route)
        state.cache.clear()
        return removed

    def tighten(self, state: _State) -> bool:
        """Move visits within their route where that brings the route home earlier; True if any moved.

        Less time used means room for more visits in the next fill.
        """
        moved = False
        for index in range(len(state.routes)):
            position = 1
            while position < len(state.routes[index].nodes) - 1:
                moved = self._relocate_within(state, index, position) or moved
                position += 1
        if moved:
            state.cache.clear()
        return moved

    def _relocate_within(self, state: _State, index: int, position: int) -> bool:
        route = state.routes[index]
        node = route.nodes[position]
        trial = _Route(route.nodes[:position] + route.nodes[position + 1 :])
        if not self._schedule(trial):
            return False
        costs, places = self._insertion_costs(trial, np.array([node]))
        if not np.isfinite(costs[0]) or int(places[0]) == position:
            return False
        trial.nodes.insert(int(places[0]), node)
        if not (self._schedule(trial) and trial.arrival[-1] < route.arrival[-1] - EPS):
            return False
        state.routes[index] = trial
        return True

    def improve(self, state: _State, noise: float) -> None:
        """Fill, then swap and refill until neither helps."""
        self.fill(state, noise)
        while self.settings.swaps and self.replace(state):
            self.fill(state, noise)

    # ----------------------------------------------------------------- driver
    def empty_state(self) -> _State:
        routes = [_Route([self.instance.start, self.instance.end]) for _ in range(self.instance.routes)]
        state = _State(routes, np.zeros(len(self.service), dtype=bool), 0.0)
        for route in routes:
            self._repair(state, route)
        return state

    def greedy(self) -> Solution:
        """The plain greedy insertion (no search): a baseline."""
        state = self.empty_state()
        self.fill(state, noise=0.0)
        return self._solution(state, 0)

    def run(self, *, time_limit: float | None = None, clock: Clock = time.perf_counter) -> Solution:
        """Search until the iteration budget, the patience or the time limit runs out."""
        deadline = math.inf if time_limit is None else clock() + time_limit
        settings = self.settings
        current = self.empty_state()
        if not self.eligible.any():
            return self._solution(current, 0)
        self.improve(current, noise=0.0)
        best = current.copy()
        length, offset, stale, iteration = 1, 1, 0, 0
        most = max(1, len(self.instance.customers) // (3 * self.instance.routes))
        while iteration < settings.max_iterations and stale < settings.patience and clock() < deadline:
            iteration += 1
            before = current.copy()
            removed = self.shake(current, length, offset)
            if float(self.rng.random()) < settings.tabu_share:
                # Refill without the nodes just removed, so the search leaves the basin it was in;
                # they may come back in the second fill if room is left.
                current.visited[removed] = True
                self.improve(current, settings.noise)
                current.visited[removed] = False
                current.cache.clear()
            self.improve(current, settings.noise)
            # Polishing is worth its time only next to the best solution.
            if current.score >= best.score - EPS and self.tighten(current):
                self.improve(current, settings.noise)
            if not self._accepted(before, current, stale):
                current = before  # much worse: walk on from where we were
            if current.score > best.score + EPS:
                best, length, stale = current.copy(), 1, 0
            else:
                length, stale = length + 1, stale + 1
            shortest = min((len(r.customers) for r in current.routes), default=0) or 1
            offset = (offset + length) % shortest
            if length > most:
                length = 1
            if stale and stale % settings.restart_after == 0:
                current = best.copy()
        return self._solution(best, iteration)

    def _accepted(self, before: _State, after: _State, stale: int) -> bool:
        settings = self.settings
        if stale % settings.kick_every == settings.kick_every - 1:
            return True  # a kick: leave this local optimum whatever it costs
        return after.score >= before.score * max(0.0, 1.0 - settings.accept_drop) - EPS

    def _solution(self, state: _State, iterations: int) -> Solution:
        routes = tuple(tuple(route.customers) for route in state.routes if route.customers)
        return Solution(
            routes=routes, score=float(sum(self.score[n] for r in routes for n in r)), iterations=iterations
        )


def _pad(windows: tuple[TimeWindow, ...], width: int) -> list[TimeWindow]:
    return list(windows) + [windows[-1]] * (width - len(windows))
