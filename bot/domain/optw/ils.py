"""Iterated local search for the (team) orienteering problem with time windows.

The skeleton is Vansteenwegen et al. (2009): greedy insertion by score²/time-shift with O(1) feasibility
checks per position, and a shake that removes a run of consecutive visits from every route. On top of it,
each kept because it measured better (docs/benchmarks.md, "Tour planner solver"): exact checks for several windows per
node (latest arrival instead of Wait + MaxShift), seeded noise in the insertion choice, a refill that first
leaves out the nodes just removed, a same-slot replace move, relocations that bring a route home earlier,
threshold acceptance with periodic kicks, and restarts from the best solution. Schedules, insertion costs,
replacements and the fill's choice run as compiled loops (``kernels.py``): 3-6x the iterations per second
of the numpy formulation they replaced, which makes a search in Python fast enough.

With several routes ("teams") the search differs in four ways, each measured on pr01/pr02 with m = 2-4:

* the shake removes every visit within one stretch of the clock, in all routes, so the refill can move
  visits between routes (removing the same positions in every route mixes unrelated times);
* near the best, an *eject* move takes a visit out of its route to fit a better unvisited node there,
  moving the visit to another route, or into the place of a visit there that moves on to a third route
  (an ejection chain of two steps; in solutions of pr02 the gap to the best known lay in how the same
  customers were split between routes), or dropping a visit when the newcomer scores more;
* a pool keeps every distinct route of the good solutions seen, and the best combination of disjoint pooled
  routes is kept up to date as routes come in (branch and bound, a fixed amount of work per route, so it
  stays deterministic); when it beats the best solution the search jumps there (route recombination, as in
  Hu & Lim's iterative three-component heuristic);
* three walkers search in turn, all feeding the pool; one stuck for long starts again from a new noisy
  greedy solution, which keeps the pool diverse.

One route keeps exactly the single-route search (same routes for the same seed as before these changes).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from bot.domain.optw.kernels import (
    InstanceArrays,
    best_replacement,
    greediest,
    insertion_costs,
    open_candidates,
    route_costs,
    schedule,
    stand_ins,
)
from bot.domain.optw.model import EPS, FloatMatrix, Instance, Solution, TimeWindow

IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
Clock = Callable[[], float]
# Where an ejected visit goes: (route, place) when it fits there as it is, else (-1, 0, chain) with chain =
# (host route, column of the visit it stands in for, third route for that visit or -1 to drop it, place).
_Chain = tuple[int, int, int, int]
_Onward = tuple[int, int, _Chain | None]


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
    # Several routes (ignored for one): keep every route of a solution scoring within ``pool_within`` of
    # the best, and jump to the best combination of disjoint pooled routes whenever it beats the best.
    recombine: bool = True
    pool_within: float = 0.03
    # Branches explored per pooled route when looking for a better combination (keeps it cheap at m = 4).
    pool_work: int = 100
    # Several routes: trajectories searched in turn, all feeding the pool; one that has not improved its
    # own best for ``walker_patience`` shakes starts again from a new greedy solution.
    walkers: int = 3
    walker_patience: int = 600
    # Several routes: near the best, also move a visit to another route (or drop it) to fit a better one.
    eject: bool = True


class _Route:
    """One route with start and end sentinels and the schedule that makes insertion checks O(1)."""

    __slots__ = ("array", "nodes", "times")

    def __init__(self, nodes: list[int]) -> None:
        self.nodes = nodes
        # Made by each schedule, never changed in place: the nodes as an array, and per position the arrival,
        # the start of service, the close of the window used (-inf where missed), the end of service and the
        # latest arrival that keeps the rest of the route feasible. The latest arrival generalises
        # Wait + MaxShift to several windows per node: arriving later never helps, so it is a threshold.
        self.array: IntArray = np.empty(0, dtype=np.intp)
        self.times: FloatMatrix = np.empty((5, 0))

    def copy(self) -> _Route:
        clone = _Route(list(self.nodes))
        clone.array, clone.times = self.array, self.times
        return clone

    @property
    def customers(self) -> list[int]:
        return self.nodes[1:-1]

    @property
    def arrival(self) -> FloatMatrix:
        row: FloatMatrix = self.times[0]
        return row

    @property
    def start(self) -> FloatMatrix:
        row: FloatMatrix = self.times[1]
        return row

    @property
    def closing(self) -> FloatMatrix:
        row: FloatMatrix = self.times[2]
        return row

    @property
    def finish(self) -> FloatMatrix:
        row: FloatMatrix = self.times[3]
        return row

    @property
    def latest(self) -> FloatMatrix:
        row: FloatMatrix = self.times[4]
        return row

    @property
    def home(self) -> float:
        """When the route reaches its end."""
        return float(self.times[0, -1])


@dataclass
class _State:
    routes: list[_Route]
    visited: BoolArray
    score: float
    # Insertion cost (time shift) of every node into each route, and where; a row is valid while its route
    # is in ``fresh``. One matrix rather than a row per route saves stacking the rows at every insertion.
    costs: FloatMatrix = field(default_factory=lambda: np.empty((0, 0)))
    places: IntArray = field(default_factory=lambda: np.empty((0, 0), dtype=np.intp))
    fresh: set[int] = field(default_factory=set)
    # Routes where no unvisited node can replace a visit: stays true while the route is unchanged and no
    # node leaves a route (new candidates), as insertions only shrink the candidates.
    settled: set[int] = field(default_factory=set)

    def invalidate(self) -> None:
        """Forget cached insertion costs and replacement checks after routes or candidates changed."""
        self.fresh.clear()
        self.settled.clear()

    def copy(self) -> _State:
        return _State([route.copy() for route in self.routes], self.visited.copy(), self.score)


class _RoutePool:
    """Every distinct route seen in a local optimum (by its set of customers; the quickest order kept) and
    the best combination of ``count`` disjoint ones, kept up to date as routes come in."""

    def __init__(self, score: list[float], size: int, count: int, work: int) -> None:
        self.score = score
        self.count = count
        self.words = (size + 63) // 64
        self.index: dict[int, int] = {}  # customer set as a bit mask -> row
        self.orders: list[tuple[int, ...]] = []
        self.ends: list[float] = []
        self.values = np.zeros(64)
        self.bits = np.zeros((64, self.words), dtype=np.uint64)
        self.best_value = 0.0
        self.best_rows: list[int] = []
        self.work = work

    def __len__(self) -> int:
        return len(self.orders)

    def add(self, route: _Route) -> bool:
        """Remember ``route``; True if it takes part in a better combination than any before."""
        customers = route.nodes[1:-1]
        if not customers:
            return False
        mask = 0
        for node in customers:
            mask |= 1 << node
        end = route.home
        row = self.index.get(mask)
        if row is not None:
            if end < self.ends[row] - EPS:
                self.ends[row], self.orders[row] = end, tuple(customers)
            return False
        row = len(self.orders)
        if row == len(self.values):
            self.values = np.concatenate([self.values, np.zeros(row)])
            self.bits = np.concatenate([self.bits, np.zeros_like(self.bits)])
        self.index[mask] = row
        self.orders.append(tuple(customers))
        self.ends.append(end)
        value = sum(self.score[n] for n in customers)
        self.values[row] = value
        self.bits[row] = [(mask >> (64 * w)) & 0xFFFFFFFFFFFFFFFF for w in range(self.words)]
        return self._improve_with(row, value)

    def best(self) -> list[tuple[int, ...]]:
        return [self.orders[row] for row in self.best_rows]

    def _improve_with(self, row: int, value: float) -> bool:
        """Search the combinations that contain ``row`` for one better than the best so far: branch and
        bound over the disjoint routes sorted by score, at most ``work`` branches (deterministic)."""
        others = np.flatnonzero(~(self.bits[: len(self.orders)] & self.bits[row]).any(axis=1))
        others = others[np.argsort(-self.values[others], kind="stable")]
        found: list[int] | None = None
        best = self.best_value
        if value > best + EPS:
            best, found = value, [row]
        chosen = [row]
        values, bits = self.values, self.bits
        work = self.work

        def search(candidates: IntArray, left: int, total: float) -> None:
            nonlocal best, found, work
            for k in range(len(candidates)):
                other = int(candidates[k])
                worth = float(values[other])
                # Sorted by score: no later candidate can do better once this bound fails.
                if total + worth * left <= best + EPS or work <= 0:
                    return
                if total + worth > best + EPS:
                    best, found = total + worth, [*chosen, other]
                if left > 1:
                    work -= 1
                    rest = candidates[k + 1 :]
                    rest = rest[~(bits[rest] & bits[other]).any(axis=1)]
                    if len(rest) and total + worth + float(values[rest[: left - 1]].sum()) > best + EPS:
                        chosen.append(other)
                        search(rest, left - 1, total + worth)
                        chosen.pop()

        if self.count > 1:
            search(others, self.count - 1, value)
        if found is None:
            return False
        self.best_value, self.best_rows = best, found
        return True


@dataclass
class _Walker:
    """One search trajectory: where it is, the best it has seen, and its shake parameters."""

    current: _State
    best: _State
    length: int = 1
    offset: int = 1
    stale: int = 0


class IteratedLocalSearch:
    """Heuristic solver; deterministic for a given seed as long as the time limit does not cut it short."""

    def __init__(self, instance: Instance, *, seed: int = 0, settings: SearchSettings | None = None) -> None:
        self.instance = instance
        self.settings = settings or SearchSettings()
        self.rng = np.random.default_rng(seed)  # reproducible search: same seed, same routes
        nodes = instance.nodes
        self.travel = np.ascontiguousarray(instance.travel, dtype=np.float64)
        self.service = np.array([node.service for node in nodes], dtype=np.float64)
        self.score = np.array([node.score for node in nodes], dtype=np.float64)
        self.score_squared = self.score**2
        width = max(len(node.windows) for node in nodes)
        # Pad with copies of the last window so every node has ``width`` windows with the same meaning.
        self.opens = np.array([[w.open for w in _pad(node.windows, width)] for node in nodes], dtype=np.float64)
        self.closes = np.array([[w.close for w in _pad(node.windows, width)] for node in nodes], dtype=np.float64)
        self.close_eps = self.closes + EPS  # the last start of each window, with the rounding allowance
        self.arrays: InstanceArrays = (self.travel, self.opens, self.closes, self.close_eps, self.service)
        self.budget = float(instance.budget)
        eligible = np.zeros(len(nodes), dtype=bool)
        eligible[list(instance.customers)] = True
        self.eligible = eligible & (self.score > 0)
        first = nodes[instance.start]
        self.depart = first.windows[0].open
        # Scratch space of each fill step: every node's cheapest insertion, and the nodes that fit somewhere.
        self.cheapest = np.empty(len(nodes))
        self.candidates = np.empty(len(nodes), dtype=np.intp)
        self.no_draws = np.empty(0)  # what a fill without noise passes for its draws

    # ----------------------------------------------------------------- schedule bookkeeping
    def _schedule(self, route: _Route) -> bool:
        """Recompute arrivals and starts forwards and latest arrivals backwards (:func:`kernels.schedule`);
        False if the route is infeasible."""
        route.array = np.asarray(route.nodes, dtype=np.intp)
        route.times = np.empty((5, len(route.nodes)))
        return bool(schedule(self.arrays, route.array, self.depart, self.budget, route.times))

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
    def _insertion_costs(self, route: _Route, candidates: IntArray) -> tuple[FloatMatrix, IntArray]:
        """For each candidate, the smallest feasible time shift over positions in ``route`` (inf if none)
        and the position (index in ``route.nodes`` to insert before)."""
        costs, places = np.empty(len(candidates)), np.empty(len(candidates), dtype=np.intp)
        insertion_costs(self.arrays, candidates, route.array, route.finish, route.arrival, route.latest, costs, places)
        return costs, places

    def _route_costs(self, state: _State, index: int) -> None:
        """Bring the cached insertion costs of every node into route ``index`` up to date: ``state.costs[index]``
        (inf for visited and ineligible nodes), the positions in ``state.places[index]``."""
        if state.costs.shape[0] != len(state.routes):
            shape = (len(state.routes), len(self.service))
            state.costs, state.places = np.full(shape, np.inf), np.zeros(shape, dtype=np.intp)
            state.fresh.clear()
        if index in state.fresh:
            return
        route = state.routes[index]
        open_nodes = self.eligible & ~state.visited
        costs, places = state.costs[index], state.places[index]
        route_costs(self.arrays, open_nodes, route.array, route.finish, route.arrival, route.latest, costs, places)
        state.fresh.add(index)

    def _insert(self, state: _State, route_index: int, node: int, position: int) -> None:
        route = state.routes[route_index]
        route.nodes.insert(position, node)
        self._schedule(route)
        state.visited[node] = True
        state.score += float(self.score[node])
        state.fresh.discard(route_index)
        state.settled.discard(route_index)
        if state.costs.shape[0]:
            state.costs[:, node] = np.inf

    def fill(self, state: _State, noise: float) -> None:
        """Insert nodes greedily by score² / time shift until nothing fits."""
        best, candidates = self.cheapest, self.candidates
        while state.routes:
            for index in range(len(state.routes)):
                self._route_costs(state, index)
            count = open_candidates(state.costs, best, candidates)
            if not count:
                return
            draws = self.rng.random(count) if noise else self.no_draws
            node, route_index = greediest(state.costs, best, self.score_squared, candidates, count, draws, noise)
            self._insert(state, route_index, node, int(state.places[route_index, node]))

    # ----------------------------------------------------------------- local moves
    def replace(self, state: _State) -> bool:
        """Put a higher-scoring unvisited node in the place of a visit wherever it fits; True if improved."""
        improved = False
        for route_index in range(len(state.routes)):
            if route_index in state.settled:
                continue
            while self._best_replacement(state, route_index):
                improved = True
            state.settled.add(route_index)
        return improved

    def _best_replacement(self, state: _State, route_index: int) -> bool:
        route = state.routes[route_index]
        if len(route.nodes) < 3:
            return False
        candidates = np.flatnonzero(self.eligible & ~state.visited)
        if not len(candidates):
            return False
        row, column = best_replacement(self.arrays, self.score, candidates, route.array, route.finish, route.latest)
        if row < 0:
            return False
        removed, added = route.nodes[column + 1], int(candidates[row])
        route.nodes[column + 1] = added
        self._schedule(route)
        state.visited[removed], state.visited[added] = False, True
        state.score += float(self.score[added] - self.score[removed])
        state.invalidate()
        return True

    def eject(self, state: _State) -> bool:
        """Take a visit out of its route to make room for a better unvisited node there; the visit moves to
        another route where it fits, or takes the place of a visit there that moves on to a third route (or
        is dropped), or is dropped itself if the newcomer scores more. True if the score rose."""
        candidates = np.flatnonzero(self.eligible & ~state.visited)
        if not len(candidates):
            return False
        routes = state.routes
        visited = np.array([n for route in routes for n in route.nodes[1:-1]], dtype=np.intp)
        if not len(visited):
            return False
        # Where each visit would go in each route (its own route included, ignored below), and which visits
        # of each route it could stand in for.
        moves = [self._insertion_costs(route, visited) for route in routes]
        # Chains need a third route: with two, one would only drop a cheaper visit than the ejected one,
        # which measured no better on pr02 (m = 2) and missed one more of the 400 small random optima.
        chains = len(routes) > 2
        swaps = [self._stand_ins(route, visited) for route in routes] if chains else []
        owner = np.repeat(np.arange(len(routes)), [len(route.nodes) - 2 for route in routes])
        order = {node: k for k, node in enumerate(visited.tolist())}
        best_gain, best_move = EPS, None
        for k, node in enumerate(visited.tolist()):
            index = int(owner[k])
            route = routes[index]
            position = route.nodes.index(node)
            trial = _Route(route.nodes[:position] + route.nodes[position + 1 :])
            if not self._schedule(trial):
                continue
            costs, places = self._insertion_costs(trial, candidates)
            fits = np.isfinite(costs)
            if not fits.any():
                continue
            gains = np.where(fits, self.score[candidates], -np.inf)
            pick = int(gains.argmax())
            gain = float(gains[pick])
            others = [i for i in range(len(routes)) if i != index and np.isfinite(moves[i][0][k])]
            if others:
                target = min(others, key=lambda i: float(moves[i][0][k]))
                way: _Onward = (target, int(moves[target][1][k]), None)
            else:
                chain, lost = self._chain(k, index, routes, moves, swaps, order) if chains else (None, math.inf)
                way = (-1, 0, chain if lost < float(self.score[node]) else None)
                gain -= min(lost, float(self.score[node]))
            if gain > best_gain + EPS:
                best_gain = gain
                best_move = (index, trial, int(candidates[pick]), int(places[pick]), node, way)
        if best_move is None:
            return False
        self._apply_eject(state, *best_move)
        return True

    def _apply_eject(
        self, state: _State, index: int, trial: _Route, added: int, slot: int, node: int, way: _Onward
    ) -> None:
        """Put ``added`` at ``slot`` of ``trial`` (route ``index`` without ``node``) and send ``node`` on its
        ``way``: into another route, in the place of a visit there (which moves on or leaves), or out."""
        routes = state.routes
        trial.nodes.insert(slot, added)
        self._schedule(trial)
        routes[index] = trial
        state.visited[added] = True
        state.score += float(self.score[added])
        target, place, chain = way
        if target >= 0:
            routes[target].nodes.insert(place, node)
            self._schedule(routes[target])
        elif chain is not None:
            host, column, third, spot = chain
            moved = routes[host].nodes[column + 1]
            routes[host].nodes[column + 1] = node
            self._schedule(routes[host])
            if third >= 0:
                routes[third].nodes.insert(spot, moved)
                self._schedule(routes[third])
            else:
                state.visited[moved] = False
                state.score -= float(self.score[moved])
        else:
            state.visited[node] = False
            state.score -= float(self.score[node])
        state.invalidate()

    def _stand_ins(self, route: _Route, nodes: IntArray) -> BoolArray:
        """Which of ``nodes`` could take the place of each visit of ``route`` (N x visits)."""
        fits = np.zeros((len(nodes), max(0, len(route.nodes) - 2)), dtype=bool)
        stand_ins(self.arrays, nodes, route.array, route.finish, route.latest, fits)
        return fits

    def _chain(
        self,
        k: int,
        index: int,
        routes: list[_Route],
        moves: list[tuple[FloatMatrix, IntArray]],
        swaps: list[BoolArray],
        order: dict[int, int],
    ) -> tuple[_Chain | None, float]:
        """Visit ``k`` (of route ``index``) fits in no other route as it is: the best place where it stands
        in for a visit that moves on to a third route (score lost 0) or is dropped (its score lost).
        Returns (host route, column of the replaced visit, third route or -1, place there) and the loss."""
        best: _Chain | None = None
        lost = math.inf
        for host in range(len(routes)):
            if host == index:
                continue
            for column in np.flatnonzero(swaps[host][k]).tolist():
                moved = routes[host].nodes[column + 1]
                kw = order[moved]
                thirds = [i for i in range(len(routes)) if i not in (index, host) and np.isfinite(moves[i][0][kw])]
                if thirds:
                    third = min(thirds, key=lambda i: float(moves[i][0][kw]))
                    return (host, column, third, int(moves[third][1][kw])), 0.0
                if float(self.score[moved]) < lost:
                    best, lost = (host, column, -1, 0), float(self.score[moved])
        return best, lost

    def slice_shake(self, state: _State, length: int) -> list[int]:
        """The shake for several routes: remove every visit that starts within one stretch of the clock,
        in all routes (about ``length`` visits per route), and return the removed nodes.

        Removing the same period everywhere lets the refill move visits between routes; the original
        shake, the same positions in every route, measured clearly worse with several routes.
        """
        routes = state.routes
        starts = [route.start.tolist() for route in routes]
        ordered = sorted(t for times in starts for t in times[1:-1])
        if not ordered:
            return []
        first = int(self.rng.integers(len(ordered)))
        low = ordered[first] - EPS
        high = ordered[min(len(ordered) - 1, first + length * len(routes) - 1)] + EPS
        removed: list[int] = []
        for route, times in zip(routes, starts, strict=True):
            kept = [route.nodes[0]]
            for p in range(1, len(route.nodes) - 1):
                node = route.nodes[p]
                if low <= times[p] <= high:
                    state.visited[node] = False
                    state.score -= float(self.score[node])
                    removed.append(node)
                else:
                    kept.append(node)
            if len(kept) < len(route.nodes) - 1:
                route.nodes = [*kept, route.nodes[-1]]
                self._repair(state, route)
        state.invalidate()
        return removed

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
        state.invalidate()
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
            state.invalidate()
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
        if not (self._schedule(trial) and trial.home < route.home - EPS):
            return False
        state.routes[index] = trial
        return True

    def improve(self, state: _State, noise: float, deep: bool = False) -> None:
        """Fill, then swap and refill until neither helps."""
        self.fill(state, noise)
        while self.settings.swaps and (self.replace(state) or (deep and self.eject(state))):
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
        several = self.instance.routes > 1
        walkers = [_Walker(current, current.copy())]
        for _ in range(1, settings.walkers if several else 1):
            start = self.empty_state()
            self.improve(start, settings.noise)
            walkers.append(_Walker(start, start.copy()))
        best = max((walker.best for walker in walkers), key=lambda state: state.score)
        pool = _RoutePool(self.score.tolist(), len(self.service), self.instance.routes, settings.pool_work)
        stale, iteration = 0, 0
        while iteration < settings.max_iterations and stale < settings.patience and clock() < deadline:
            walker = walkers[iteration % len(walkers)]
            iteration += 1
            self._step(walker, best, pool if several and settings.recombine else None)
            if walker.best.score > best.score + EPS:
                best, stale = walker.best, 0
            else:
                stale += 1
            if len(walkers) > 1 and walker.stale >= settings.walker_patience:
                # Stuck: start afresh from a noisy greedy solution. The pool keeps what this walker found,
                # and fresh routes are what lets the pool combine something new.
                start = self.empty_state()
                self.improve(start, settings.noise)
                walker.current, walker.best, walker.length, walker.stale = start, start.copy(), 1, 0
        return self._solution(best, iteration)

    def _step(self, walker: _Walker, best: _State, pool: _RoutePool | None) -> None:
        """One shake, refill and polish of ``walker`` (``best``: the best of all walkers so far)."""
        settings = self.settings
        several = self.instance.routes > 1
        current = walker.current
        before = current.copy()
        if several:
            removed = self.slice_shake(current, walker.length)
        else:
            removed = self.shake(current, walker.length, walker.offset)
        if float(self.rng.random()) < settings.tabu_share:
            # Refill without the nodes just removed, so the search leaves the basin it was in;
            # they may come back in the second fill if room is left.
            current.visited[removed] = True
            self.improve(current, settings.noise)
            current.visited[removed] = False
            current.invalidate()
        self.improve(current, settings.noise)
        # Polishing is worth its time only next to the best solution.
        if current.score >= walker.best.score - EPS:
            if self.tighten(current):
                self.improve(current, settings.noise)
            if several and settings.eject:
                self.improve(current, settings.noise, deep=True)
        if not self._accepted(before, current, walker.stale):
            current = before  # much worse: walk on from where we were
        if pool is not None and current.score >= best.score * (1 - settings.pool_within) - EPS:
            current = self._recombine(current, best, pool)
        walker.current = current
        if current.score > walker.best.score + EPS:
            walker.best, walker.length, walker.stale = current.copy(), 1, 0
        else:
            walker.length, walker.stale = walker.length + 1, walker.stale + 1
        shortest = min((len(r.customers) for r in current.routes), default=0) or 1
        walker.offset = (walker.offset + walker.length) % shortest
        if walker.length > max(1, len(self.instance.customers) // (3 * self.instance.routes)):
            walker.length = 1
        if walker.stale and walker.stale % settings.restart_after == 0:
            walker.current = walker.best.copy()

    def _recombine(self, current: _State, best: _State, pool: _RoutePool) -> _State:
        """Pool the routes of ``current``; if some pooled routes combine into more than both ``best`` and
        ``current`` (routes of different local optima that fit together), go on from that combination."""
        improved = False
        for route in current.routes:
            improved = pool.add(route) or improved
        if not (improved and pool.best_value > max(best.score, current.score) + EPS):
            return current
        combined = self._from_routes(pool.best())
        self.improve(combined, 0.0)
        return combined

    def _from_routes(self, routes: list[tuple[int, ...]]) -> _State:
        state = self.empty_state()
        for index, customers in enumerate(routes):
            route = _Route([self.instance.start, *customers, self.instance.end])
            state.routes[index] = route
            self._schedule(route)
            state.visited[list(customers)] = True
            state.score += float(self.score[list(customers)].sum())
        state.invalidate()
        return state

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
