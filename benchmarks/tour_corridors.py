"""Tour plans on realistic corridors: customers spread like the population of the towns along a road trip.

    python benchmarks/tour_corridors.py           # 6 corridors × 2/3/5 days × 1,000 and 120 customers (~5 min)
    python benchmarks/tour_corridors.py --quick   # 3 two-day instances, 0.3 s first solver round (CI, ~7 s)

Customer bases: for each corridor (Boston → Washington, Toronto → Chicago, Seattle → San Francisco, Dallas →
Atlanta, Montreal → Toronto, Chicago → Denver) the US and Canadian gazetteer towns within 80 km of the
straight (great-circle) line from start to end; customers are drawn one by one, seeded, each town with a
chance in proportion to its population. Each corridor is planned as a 2-, 3- and 5-day tour (breakfast,
lunch and dinner, default ``PlanSettings``: 9 h of driving a day) for a base of 1,000 customers and a small
base of 120, whose shortlist is small enough to solve exactly. Chicago → Denver does not fit in 2 days
(``check_reachable`` refuses it) and is reported as such.

Printed per instance: the customers the plan meets (``itinerary.expected``), its meals out of the tour's
meal slots, its driving hours (and the direct drive start → end), its longest driving day and the wall time
of ``plan_tour``; then

- **bound**: an upper bound on the customers any route can meet, for every instance. A relaxation of the
  planner's rules (every route that passes the driving simulation is a solution of it): meals start on the
  15-minute grid (every time the simulation produces is on it: legs are whole quarter hours, windows and
  daylight start on the hour or half hour), each in one of its windows, reachable from the start, with the
  end reachable after it; a meal follows another only after the first one's length plus a lower bound of the
  drive between them; a place's next meal is in a later slot; each meal node is used at most once. The
  drive lower bound may use any minute of daylight of any timezone in the region (06:00 in the easternmost
  to 23:00 in the westernmost, the zones of every city and town of 5,000 people within 2° of the stops,
  which covers the towns where a long leg stops for the night) and the whole
  daily limit each day, as if no other leg had driven that day. Real driving between two meals, over any
  stops, drives at least the direct leg's minutes (the legs' rounding keeps the triangle inequality) under
  stricter rules, so it arrives no earlier. Such routes are paths of one unit of flow through a
  time-expanded graph (at each place and meal time: ready to eat, or fed), solved by HiGHS: the LP (interior
  point), then, if its optimum leaves room above the plan, the MIP for at most ``BOUND_SECONDS`` (its dual
  bound holds when stopped); a Lagrangian bound from the LP's duals backs the LP up. Left out, so the bound
  can be loose: the daily limit shared by the legs of one day, daylight counted where the team is, the
  simulation taking the first window still open.
- **optimum**: the best route over the same candidates judged by the planner's own driving simulation
  (``build_instance`` → ``Built.simulate(route)``, scored like the planner: the sum of the route's node
  scores) and, among the routes meeting as many, the least total driving (the planner's own second
  criterion, "opt h"). Depth-first search over routes, on instances with at most ``EXACT_HUBS`` shortlisted
  hubs or ``EXACT_DAYS`` days, seeded with the planner's route and the baseline's. A branch is cut when its
  last meal misses every window (no longer route repairs that prefix); when what may still follow cannot
  beat the best route (by the relaxation's longest path from there, priced with the LP's duals, or by the
  best-scoring places, as many as non-overlapping meal times allow), or can only tie it while the drive so
  far plus the direct drive to the end is already longer; or when another order already made the same stops
  and left the last one at the same time, with the same driving on each day and the same slots taken, and
  drove no more. A search stopped after ``EXPLORE_LIMIT`` simulated routes ("routes" ends in +) proves
  nothing; the optimum is then known only when the plan meets the bound.
- the plan's share of the bound and of the optimum, and a baseline measured in the same run on the same
  candidates: a greedy nearest-neighbour route (as in ``benchmarks/tour_plan.py``: always the nearest stop
  that still passes the same simulation), its time, its customers and the plan's multiple of them.

The benchmark fails if a plan breaks the driving limit, meets more customers than the bound (the bound or
the relaxation would be wrong) or than the exact optimum, or if a simulated meal starts at a time the
relaxation says is impossible.

Teams: the issue asks for 1 and 2 teams. Only 1 team is measured. Tours for several teams
(``TourRequest.teams``) reached the planner while this benchmark was being written; the bound and the
exact search here model one route, so the 2-team figures are pending (a 2-team bound and search first).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import itertools
import math
import random
import statistics
import sys
import time
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import highspy
import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from benchmarks.tour_plan import nearest_neighbour  # the same baseline as the end-to-end benchmark
from bot.domain.cities import City, default_gazetteer, small_towns
from bot.domain.errors import InvalidInput
from bot.domain.tour_planning import (
    Demand,
    Itinerary,
    PlanSettings,
    TourRequest,
    build_instance,
    check_reachable,
    group_into_hubs,
    plan_tour,
)
from bot.domain.tour_planning import shortlist as shortlist_hubs
from bot.domain.tour_planning.driving import Simulation
from bot.domain.tour_planning.planner import Built

Floats = npt.NDArray[np.float64]

CORRIDORS = (
    ("Boston", "Washington"),
    ("Toronto", "Chicago"),
    ("Seattle", "San Francisco"),
    ("Dallas", "Atlanta"),
    ("Montreal", "Toronto"),
    ("Chicago", "Denver"),
)
WIDTH_KM = 80.0  # towns this close to the straight line start → end hold the corridor's customers
LENGTHS = (2, 3, 5)  # tour days
CUSTOMERS, SMALL_CUSTOMERS = 1000, 120
FIRST_DAY = dt.date(2026, 5, 5)  # a Tuesday, no clock change within two weeks
EARTH_KM = 6371.0088
GRID = 15.0  # minutes: every time the driving simulation produces is a multiple of this
DAYLIGHT = (dt.time(6, 0), dt.time(23, 0))  # when driving is allowed, local time where the team is
NIGHT_MARGIN_DEG = 2.0  # towns this far around the stops may host a night on a long leg (their zones count)
EXACT_HUBS, EXACT_DAYS = 9, 3  # the exact search runs on instances this small (either)
EXPLORE_LIMIT, QUICK_EXPLORE_LIMIT = 100_000, 20_000  # routes simulated before an exact search gives up
BOUND_SECONDS = 20.0  # HiGHS's time for the bound (its dual bound is valid when stopped early)
EPS = 1e-6


# ----------------------------------------------------------------------------------------- the customers


def corridor_towns(start: City, end: City, width_km: float) -> list[City]:
    """US and Canadian towns within ``width_km`` of the great-circle segment start → end."""
    towns = [c for c in default_gazetteer() if c.country_code in ("US", "CA")]
    lats, lons = np.array([c.latitude for c in towns]), np.array([c.longitude for c in towns])
    a, b, p = _unit(start.latitude, start.longitude), _unit(end.latitude, end.longitude), _unit(lats, lons)
    normal = np.cross(a, b)
    normal /= np.linalg.norm(normal)
    across = np.arcsin(np.clip(p @ normal, -1.0, 1.0))  # angle off the great circle
    foot = p - np.outer(p @ normal, normal)  # the nearest point of the great circle
    foot /= np.linalg.norm(foot, axis=1)[:, None]
    span = math.acos(float(np.clip(a @ b, -1.0, 1.0)))
    along = np.arccos(np.clip(foot @ a, -1.0, 1.0)) + np.arccos(np.clip(foot @ b, -1.0, 1.0))
    to_ends = np.minimum(np.arccos(np.clip(p @ a, -1.0, 1.0)), np.arccos(np.clip(p @ b, -1.0, 1.0)))
    off = np.where(np.abs(along - span) < 1e-9, np.abs(across), to_ends) * EARTH_KM
    return [town for town, km in zip(towns, off, strict=True) if km <= width_km]


def _unit(lat: float | Floats, lon: float | Floats) -> Floats:
    phi, lam = np.radians(lat), np.radians(lon)
    unit: Floats = np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1)
    return unit


def customer_base(towns: Sequence[City], count: int, seed: int) -> list[Demand]:
    """``count`` customers, each in a town drawn with probability proportional to its population."""
    rng = random.Random(seed)
    drawn = rng.choices(range(len(towns)), weights=[t.population for t in towns], k=count)
    per_town = np.bincount(drawn, minlength=len(towns))
    return [Demand(town, int(n)) for town, n in zip(towns, per_town, strict=True) if n > 0]


# --------------------------------------------------------------------------------------- the relaxation


@dataclass(frozen=True)
class MealTimes:
    """When a meal at one node may start (the grid times that pass the relaxation), with how long it lasts
    and when the window it is in closes (a place's next meal comes in a later slot)."""

    starts: Floats
    lasts: Floats
    closes: Floats


class Relaxation:
    """Rules every passing route obeys, loosened so they can be checked meal by meal (see the module doc)."""

    def __init__(self, built: Built) -> None:
        request = built.request
        self.built = built
        self.minutes = built.minutes
        self.limit = request.settings.daily_drive_hours * 60
        self.depart = _tour_minute(request, request.departs_at)
        self.deadline = _tour_minute(request, request.arrives_by)
        zones = _region_zones(built.cities)
        self.daylight = [
            (
                min(_local_minute(request, day, DAYLIGHT[0], zone) for zone in zones),
                max(_local_minute(request, day, DAYLIGHT[1], zone) for zone in zones),
            )
            for day in range(-1, request.days + 2)
        ]
        self.meals = {n: self._meal_times(n) for n in built.real.customers}

    def arrive(self, leaving: float, minutes: float) -> float:
        """The earliest arrival of a drive of ``minutes`` leaving at ``leaving``, under the loosened rules."""
        left, now = float(minutes), leaving
        for opens, closes in self.daylight:
            if left <= EPS:
                break
            if closes <= now:
                continue
            begin = max(now, opens)
            take = min(left, closes - begin, self.limit)
            left, now = left - take, begin + take
        return now if left <= EPS else math.inf

    def lasts(self, node: int, start: float) -> float | None:
        """How long the meal at ``node`` starting at ``start`` lasts; None if the relaxation rules it out."""
        meals = self.meals[node]
        index = int(np.searchsorted(meals.starts, start - EPS))
        if index < len(meals.starts) and abs(meals.starts[index] - start) < EPS:
            return float(meals.lasts[index])
        return None

    def check(self, route: Sequence[int]) -> None:
        """Every meal of a passing route starts at a time the relaxation allows (else it is no relaxation)."""
        simulation = self.built.simulate(route)
        assert simulation.feasible
        for visit in simulation.visits[:-1]:
            assert self.lasts(visit.node, visit.start) is not None, (
                f"a meal at node {visit.node} starts at tour minute {visit.start}, which the relaxation rules out"
            )

    def _meal_times(self, node: int) -> MealTimes:
        request, city = self.built.request, self.built.cities[node]
        start, end = self.built.real.start, self.built.real.end
        earliest = self.arrive(self.depart, self.minutes[start, node])
        found = []
        for day in range(request.days):
            for window in request.meals:
                opens = _local_minute(request, day, window.opens, city.timezone)
                closes = _local_minute(request, day, window.closes, city.timezone)
                lasts = window.duration.total_seconds() / 60
                for step in range(int((closes - opens + EPS) // GRID) + 1):
                    begins = opens + step * GRID
                    home = self.arrive(begins + lasts, self.minutes[node, end])
                    if begins >= earliest - EPS and home <= self.deadline + EPS:
                        found.append((begins, lasts, closes))
        found.sort()
        columns = [np.array([row[i] for row in found], dtype=np.float64) for i in range(3)]
        return MealTimes(*columns)


def _region_zones(cities: Sequence[City]) -> set[str]:
    """The timezones of the stops and of every city and town of 5,000 people around them (a night on a long
    leg is spent in the town nearest where the day's driving ends)."""
    lats, lons, zones = _places()
    south, north = min(c.latitude for c in cities), max(c.latitude for c in cities)
    west, east = min(c.longitude for c in cities), max(c.longitude for c in cities)
    inside = (
        (lats >= south - NIGHT_MARGIN_DEG) & (lats <= north + NIGHT_MARGIN_DEG)
        & (lons >= west - NIGHT_MARGIN_DEG) & (lons <= east + NIGHT_MARGIN_DEG)
    )  # fmt: skip
    return {c.timezone for c in cities} | set(zones[inside].tolist())


@functools.cache
def _places() -> tuple[Floats, Floats, npt.NDArray[np.str_]]:
    """Latitude, longitude and timezone of every gazetteer city and every town of 5,000 people."""
    places = [*default_gazetteer(), *small_towns()]
    return (
        np.array([c.latitude for c in places]),
        np.array([c.longitude for c in places]),
        np.array([c.timezone for c in places]),
    )


def _tour_minute(request: TourRequest, when: dt.datetime) -> float:
    return (when - request.origin).total_seconds() / 60


def _local_minute(request: TourRequest, day: int, clock: dt.time, zone: str) -> float:
    date = request.first_day + dt.timedelta(days=day)
    return _tour_minute(request, dt.datetime.combine(date, clock, tzinfo=ZoneInfo(zone)))


# ------------------------------------------------------------------------------------ the upper bound


class PathBound:
    """Longest paths in the time-expanded graph of the relaxation: a meal at a place at a time.

    A place (a hub) has as many meal nodes as it may hold meals; they meet the same people give or take one,
    so one state per place and time serves them all. :meth:`bound` solves it as a flow (LP, then MIP);
    :meth:`onward` gives the longest path from any state, which bounds what a partial route can still add."""

    def __init__(self, relax: Relaxation) -> None:
        self.relax = relax
        built = relax.built
        members: dict[int, list[int]] = {}
        for node, meals in relax.meals.items():
            if len(meals.starts):
                members.setdefault(built.cities[node].geonameid, []).append(node)
        self.places = list(members.values())  # each place as its meal nodes
        self.place_of = {node: i for i, nodes in enumerate(self.places) for node in nodes}
        self.cap = np.array([len(nodes) for nodes in self.places], dtype=np.float64)
        self.score = np.array([max(built.real.nodes[n].score for n in nodes) for nodes in self.places])
        times = [relax.meals[nodes[0]] for nodes in self.places]  # a place's nodes share their meal times
        size = max((len(t.starts) for t in times), default=0)
        self.shape = (len(self.places), size)
        # before[i, j, k]: how many of place i's meal times a meal at place j's k-th time may follow;
        # after[i, j, k]: the first of place j's meal times that may follow a meal at place i's k-th time
        self.before = np.zeros((len(times), len(times), size), dtype=np.int64)
        self.after = np.full((len(times), len(times), size), size, dtype=np.int64)
        for i, first in enumerate(self.places):
            for j, then in enumerate(self.places):
                ready = self._ready(first[0], then[0])
                starts = times[j].starts
                self.before[i, j, : len(starts)] = np.searchsorted(ready, starts + EPS, side="right")
                self.after[i, j, : len(ready)] = np.searchsorted(starts, ready - EPS, side="left")
        everything = [(t, j, k) for j, meals in enumerate(times) for k, t in enumerate(meals.starts)]
        moments: dict[float, list[tuple[int, int]]] = {}
        for t, j, k in sorted(everything):
            moments.setdefault(t, []).append((j, k))
        self.moments = [(np.array([j for j, _ in s]), np.array([k for _, k in s])) for s in moments.values()]
        self.prices: dict[int, float] = {}  # a meal node → its price (set by bound())

    def _ready(self, a: int, b: int) -> Floats:
        """For each meal time at ``a``, the earliest a meal at ``b`` may start after it."""
        relax, first = self.relax, self.relax.meals[a]
        leaves = first.starts + first.lasts
        ready = [relax.arrive(float(t), relax.minutes[a, b]) for t in leaves]
        if relax.built.cities[a].geonameid == relax.built.cities[b].geonameid:  # a place's next meal: a later slot
            ready = [max(r, closes + GRID / 2) for r, closes in zip(ready, first.closes, strict=True)]
        assert all(x <= y for x, y in itertools.pairwise(ready)), "later meals leave later"
        return np.array(ready, dtype=np.float64)

    def onward(self, cost: Floats) -> Floats:
        """``onward[i, k]``: the longest path with these place values starting at one of place i's k-th or
        later meal times (-inf past the last)."""
        n, size = self.shape
        tail = np.full((n, size + 1), -np.inf)
        rows = np.arange(n)[:, None]
        for js, ks in reversed(self.moments):
            options = tail[rows, self.after[js, :, ks].T]  # (n, m): the best path from what may follow
            gain = np.maximum(options.max(axis=0, initial=-np.inf), 0.0)
            tail[js, ks] = np.maximum(tail[js, ks + 1], cost[js] + gain)
        return tail

    def bound(self, target: float) -> float:
        """The relaxation's optimum (or a bound on it): a flow of one team through the time-expanded graph,
        each meal node used at most once, by HiGHS. Its LP comes first (interior point: the simplex crawls
        on these) and gives the nodes' prices (its duals) for the search; the MIP runs only when the LP
        leaves room above ``target`` (a known route's score), and stops after ``BOUND_SECONDS``."""
        flow = _Flow(self)
        h = flow.highs
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("time_limit", BOUND_SECONDS)
        h.run()
        duals = h.getSolution().row_dual
        self.prices = {node: max(0.0, float(duals[row])) for node, row in flow.once.items()}
        whole = all(float(self.relax.built.real.nodes[n].score).is_integer() for n in self.place_of)
        value = self.lagrangian()  # valid whatever the prices; the LP's optimum when they are its duals
        if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            value = min(value, float(h.getInfo().objective_function_value))
        if (math.floor(value + 1e-6) if whole else value) > target + EPS:
            columns = np.arange(h.getNumCol(), dtype=np.int32)
            h.changeColsIntegrality(len(columns), columns, np.full(len(columns), highspy.HighsVarType.kInteger))
            h.setOptionValue("solver", "choose")
            h.setOptionValue("time_limit", BOUND_SECONDS)
            h.run()
            value = min(value, float(h.getInfo().mip_dual_bound))
        return math.floor(value + 1e-6) if whole else value

    def worth(self, prices: dict[int, float]) -> Floats:
        """What a meal at each place is worth at most: its best node's score less that node's price."""
        nodes = self.relax.built.real.nodes
        return np.array([max(nodes[n].score - prices.get(n, 0.0) for n in place) for place in self.places])

    def lagrangian(self) -> float:
        """A bound for any prices: the prices of all meal nodes plus the longest path where a meal is worth its
        place's best node less its price (a path may then eat at a place more often than it has nodes)."""
        onward = self.onward(self.worth(self.prices))
        longest = float(onward[:, 0].max(initial=0.0)) if len(self.places) else 0.0
        return sum(self.prices.values()) + max(longest, 0.0)


class _Flow:
    """The LP/MIP: at each place and meal time, "ready" (arrived, maybe waiting) and "fed" (after the meal)."""

    def __init__(self, paths: PathBound) -> None:
        built, n = paths.relax.built, paths.shape[0]
        lengths = [len(paths.relax.meals[nodes[0]].starts) for nodes in paths.places]
        self.costs: list[float] = []
        into: dict[tuple[str, int, int], list[int]] = {}
        out: dict[tuple[str, int, int], list[int]] = {}
        once: dict[int, list[int]] = {}
        leave = []
        for p in range(n):
            leave.append(self._arc(0.0, into, ("ready", p, 0)))
            for k in range(lengths[p]):
                if k + 1 < lengths[p]:  # wait for the next meal time here
                    self._arc(0.0, into, ("ready", p, k + 1), out, ("ready", p, k))
                for node in paths.places[p]:  # eat: a meal node of the place
                    once.setdefault(node, []).append(
                        self._arc(built.real.nodes[node].score, into, ("fed", p, k), out, ("ready", p, k))
                    )
                self._arc(0.0, None, None, out, ("fed", p, k))  # on to the end
                for q in range(n):
                    later = int(paths.after[p, q, k])
                    if later < lengths[q]:
                        self._arc(0.0, into, ("ready", q, later), out, ("fed", p, k))
        self.highs = h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.silent()
        h.setOptionValue("threads", 1)
        h.setOptionValue("mip_rel_gap", 0.0)
        size = len(self.costs)
        h.addVars(size, np.zeros(size), np.ones(size))
        h.changeColsCost(size, np.arange(size, dtype=np.int32), np.array(self.costs))
        self._row(leave, [], -highspy.kHighsInf, 1.0)  # one team sets off (or stays home)
        for key in sorted(into.keys() | out.keys()):  # a fixed order: HiGHS's path depends on it
            self._row(into.get(key, []), out.get(key, []), 0.0, 0.0)
        self.once = {node: self._row(columns, [], -highspy.kHighsInf, 1.0) for node, columns in once.items()}

    def _arc(
        self,
        cost: float,
        into: dict[tuple[str, int, int], list[int]] | None,
        head: tuple[str, int, int] | None,
        out: dict[tuple[str, int, int], list[int]] | None = None,
        tail: tuple[str, int, int] | None = None,
    ) -> int:
        column = len(self.costs)
        self.costs.append(cost)
        if into is not None and head is not None:
            into.setdefault(head, []).append(column)
        if out is not None and tail is not None:
            out.setdefault(tail, []).append(column)
        return column

    def _row(self, plus: list[int], minus: list[int], lower: float, upper: float) -> int:
        h = self.highs
        index = np.array(plus + minus, dtype=np.int32)
        values = np.array([1.0] * len(plus) + [-1.0] * len(minus))
        h.addRows(1, np.array([lower]), np.array([upper]), len(index), np.array([0], dtype=np.int32), index, values)
        return h.getNumRow() - 1


# ----------------------------------------------------------------------------------- the exact optimum


@dataclass
class Search:
    """The best route by the planner's simulation: most score, then least driving (see the module doc)."""

    paths: PathBound
    seeds: Sequence[tuple[int, ...]]
    limit: int = EXPLORE_LIMIT
    explored: int = 0
    route: tuple[int, ...] = ()
    score: float = 0.0
    drive: float = math.inf
    scores: dict[int, float] = field(default_factory=dict)
    seen: dict[Hashable, float] = field(default_factory=dict)  # a search state → the least driving to it

    def __post_init__(self) -> None:
        self.relax = relax = self.paths.relax
        built = relax.built
        self.scores = {n: built.real.nodes[n].score for n in built.real.customers}
        paths = self.paths
        self.onward = [(paths.prices, paths.onward(paths.worth(paths.prices))), ({}, paths.onward(paths.score))]
        self.order = sorted(self.scores, key=lambda n: (-self.scores[n], n))
        for seed in self.seeds:
            self._offer(seed, score_of(built, seed), drive_of(built, seed))

    def run(self) -> bool:
        """Searches every route; False when it gave up after ``limit`` simulated routes."""
        built = self.relax.built
        try:
            self._extend((), 0.0, 0.0, built.real.start, self.relax.depart)
        except _GaveUp:
            return False
        return True

    def _offer(self, route: tuple[int, ...], score: float, drive: float) -> None:
        if score > self.score + EPS or (score > self.score - EPS and drive < self.drive - EPS):
            self.route, self.score, self.drive = route, score, drive

    def _extend(self, route: tuple[int, ...], score: float, drive: float, last: int, free: float) -> None:
        relax, built = self.relax, self.relax.built
        minutes, end = relax.minutes, built.real.end
        reach = {}
        for node in self.order:
            meals = relax.meals[node]
            if node not in route and len(meals.starts):
                first = int(np.searchsorted(meals.starts, relax.arrive(free, minutes[last, node]) - EPS))
                if first < len(meals.starts):
                    reach[node] = first
        most = score + min(self._most(reach), self._rest(route, reach))
        if most < self.score - EPS or (most < self.score + EPS and drive + minutes[last, end] >= self.drive - EPS):
            return
        for node in reach:
            longer = (*route, node)
            self.explored += 1
            if self.explored > self.limit:
                raise _GaveUp
            simulation = built.simulate(longer)
            if len(simulation.visits) <= len(longer):
                continue  # this meal missed all its windows: no longer route repairs the prefix
            gained, driven = score + self.scores[node], drive + float(minutes[last, node])
            if simulation.feasible:
                self._offer(longer, gained, driven + float(minutes[node, end]))
            began = simulation.visits[-2].start
            lasts = relax.lasts(node, began)
            if lasts is None:  # the end is out of reach from this meal: no route goes on from here
                assert not simulation.feasible, f"{longer} passes with a meal the relaxation rules out"
                continue
            state = self._state(longer, simulation, began + lasts)
            if self.seen.get(state, math.inf) <= driven + EPS:
                continue  # the same stops, here at the same time with the same days: no less driving
            self.seen[state] = driven
            self._extend(longer, gained, driven, node, began + lasts)

    def _state(self, route: tuple[int, ...], simulation: Simulation, free: float) -> Hashable:
        """All the simulation's next steps depend on: where and when the team is free, the stops made, the
        driving done on each day, and the slots taken at places that have meals left."""
        built, meals = self.relax.built, self.relax.meals
        used: dict[int, float] = {}
        for drive in simulation.drives[:-1]:  # not the drive on to the end
            for day, minutes in drive.parts.items():
                used[day] = used.get(day, 0.0) + minutes
        places = {built.cities[n].geonameid for n in self.scores if n not in route}
        taken = frozenset(
            (place, float(meals[v.node].closes[np.searchsorted(meals[v.node].starts, v.start - EPS)]))
            for v in simulation.visits[:-1]
            if (place := built.cities[v.node].geonameid) in places
        )
        return frozenset(route), route[-1], free, tuple(sorted(used.items())), taken

    def _rest(self, route: tuple[int, ...], reach: dict[int, int]) -> float:
        """The relaxation's bound on what the rest of the route can add: the prices of the meal nodes not
        used yet plus the longest path from what may come next, each meal worth its place's best node less
        its price (Lagrangian relaxation of "each node at most once"; unpriced too, the smaller wins)."""
        place_of = self.paths.place_of
        found = math.inf
        for prices, onward in self.onward:
            left = sum(price for node, price in prices.items() if node not in route)
            longest = max((float(onward[place_of[n], k]) for n, k in reach.items()), default=0.0)
            found = min(found, left + max(longest, 0.0))
        return found

    def _most(self, reach: dict[int, int]) -> float:
        """The best scores of as many meals as non-overlapping meal times after this point allow."""
        meals = self.relax.meals
        spans = sorted(
            (float(meals[n].starts[k] + meals[n].lasts[k]), float(meals[n].starts[k]))
            for n, first in reach.items()
            for k in range(first, len(meals[n].starts))
        )
        fits, free = 0, -math.inf
        for ends, begins in spans:  # earliest end first: the most non-overlapping intervals
            if begins >= free - EPS:
                fits, free = fits + 1, ends
        return sum(self.scores[n] for n in list(reach)[:fits])  # reach keeps the best-score-first order


class _GaveUp(Exception):
    pass


# ------------------------------------------------------------------------------- routes and baseline


def route_of(built: Built, itinerary: Itinerary) -> tuple[int, ...] | None:
    """The plan's meals as nodes of ``built`` (the instance ``plan_tour`` builds), if they pass."""
    route: list[int] = []
    for meal in itinerary.meals:
        node = next(
            (
                n
                for n in built.real.customers
                if n not in route
                and built.cities[n].geonameid == meal.city.geonameid
                and built.expected[n] == meal.expected
            ),
            None,
        )
        if node is None:
            return None
        route.append(node)
    return tuple(route) if built.simulate(route).feasible else None


def score_of(built: Built, route: Sequence[int]) -> float:
    return sum(built.real.nodes[n].score for n in route)


def drive_of(built: Built, route: Sequence[int]) -> float:
    """Minutes of driving along the route, start and end included."""
    path = [built.real.start, *route, built.real.end]
    return sum(float(built.minutes[a, b]) for a, b in itertools.pairwise(path))


# ------------------------------------------------------------------------------------------- the runs


@dataclass(frozen=True)
class Case:
    start: City
    end: City
    days: int
    base: int
    demand: list[Demand]

    @property
    def name(self) -> str:
        return f"{self.start.name} → {self.end.name}"


def cases(quick: bool) -> Iterator[Case]:
    gazetteer = default_gazetteer()
    if quick:
        chosen = [(4, 2, SMALL_CUSTOMERS), (1, 2, CUSTOMERS), (2, 2, CUSTOMERS)]
    else:
        corridors = range(len(CORRIDORS))
        chosen = [(i, days, base) for base in (CUSTOMERS, SMALL_CUSTOMERS) for i in corridors for days in LENGTHS]
    for index, days, base in chosen:
        start, end = (gazetteer.resolve(name).city for name in CORRIDORS[index])
        assert start is not None and end is not None
        demand = customer_base(corridor_towns(start, end, WIDTH_KM), base, seed=100 * index + base)
        yield Case(start, end, days, base, demand)


@dataclass(frozen=True)
class Result:
    """One instance: the plan, the bound, the optimum where known, the baseline."""

    case: Case
    itinerary: Itinerary
    planning: float  # seconds of plan_tour
    direct: float  # hours of the direct drive start → end
    bound: float
    optimum: float | None  # customers of the best route (from the search, or the plan when it meets the bound)
    least_drive: float | None  # hours of the least driving among the best routes (from a finished search)
    plan_drive: float  # hours the plan drives (its legs' minutes, as the search counts them)
    searched: int | None  # routes the search simulated (None: not searched)
    limit: int  # routes simulated before the search gives up
    baseline: tuple[float, int]  # seconds and customers of the nearest-neighbour route

    @property
    def met(self) -> int:
        return self.itinerary.expected

    @property
    def share_bound(self) -> float:
        return self.met / self.bound if self.bound else 1.0

    @property
    def share_optimum(self) -> float | None:
        return None if self.optimum is None else self.met / self.optimum if self.optimum else 1.0

    @property
    def extra_drive(self) -> float | None:
        """Hours the plan drives beyond the least for as many customers (None: not known or not as many)."""
        if self.least_drive is None or self.optimum is None or self.met < self.optimum:
            return None
        return self.plan_drive - self.least_drive

    @property
    def times_nn(self) -> float:
        return self.met / max(self.baseline[1], 1)


def measure(case: Case, settings: PlanSettings, explore: int) -> Result | None:
    last = FIRST_DAY + dt.timedelta(days=case.days - 1)
    tour = TourRequest(case.start, case.end, FIRST_DAY, last, settings=settings)
    try:
        check_reachable(tour)
    except InvalidInput as refused:
        print(f"{case.name:<31} {case.days:>2} {case.base:>5}  not planned: {refused}")
        return None
    began = time.perf_counter()
    itinerary = plan_tour(tour, case.demand)
    planning = time.perf_counter() - began
    assert not itinerary.warnings and max(itinerary.drive_by_day) <= settings.daily_drive_hours + 1e-6
    hubs = shortlist_hubs(tour, group_into_hubs(case.demand, tour).hubs).chosen
    built = build_instance(tour, hubs)
    began = time.perf_counter()
    baseline = nearest_neighbour(built)
    baseline_time = time.perf_counter() - began
    relax = Relaxation(built)
    planned = route_of(built, itinerary)
    assert planned is not None, f"{case.name}: the plan's meals are not a passing route of the same instance"
    for route in (planned, baseline):
        relax.check(route)
    met = itinerary.expected
    paths = PathBound(relax)
    bound = paths.bound(target=met)
    assert met <= bound + EPS, f"{case.name}: the plan meets {met}, above the bound {bound}"
    optimum: float | None = met if bound <= met + EPS else None  # the bound proves the plan optimal
    least, searched = None, None
    if len(hubs) <= EXACT_HUBS or case.days <= EXACT_DAYS:
        search = Search(paths, [planned, baseline], limit=explore)
        finished = search.run()
        searched = search.explored
        assert met <= search.score + EPS and search.score <= bound + EPS
        if finished:
            optimum, least = search.score, search.drive / 60
    return Result(
        case, itinerary, planning, float(built.minutes[0, 1]) / 60, bound, optimum, least,
        drive_of(built, planned) / 60, searched, explore, (baseline_time, sum(built.expected[n] for n in baseline)),
    )  # fmt: skip


HEADER = (
    f"{'corridor':<31} {'d':>2} {'base':>5} {'hubs':>4} {'plan s':>6} {'meals':>5} {'met':>4} {'drive h':>7} "
    f"{'direct':>6} {'max/d':>5} {'bound':>5} {'%bound':>6} {'opt':>5} {'%opt':>6} {'opt h':>5} {'routes':>7} "
    f"{'NN s':>5} {'NN':>4} {'x NN':>5}"
)


def print_result(r: Result) -> None:
    it = r.itinerary
    optimum = "—" if r.optimum is None else f"{r.optimum:.0f}"
    share = "" if r.share_optimum is None else f"{r.share_optimum:.1%}"
    least = "" if r.least_drive is None else f"{r.least_drive:.1f}"
    searched = "" if r.searched is None else f"{min(r.searched, r.limit):,}" + ("+" if r.searched > r.limit else "")
    print(
        f"{r.case.name:<31} {r.case.days:>2} {r.case.base:>5} {it.candidates:>4} {r.planning:>6.2f} "
        f"{len(it.meals):>2}/{3 * r.case.days:<2} {r.met:>4} {it.drive_hours:>7.1f} {r.direct:>6.1f} "
        f"{max(it.drive_by_day):>5.1f} {r.bound:>5.0f} {r.share_bound:>6.1%} {optimum:>5} {share:>6} {least:>5} "
        f"{searched:>7} {r.baseline[0]:>5.2f} {r.baseline[1]:>4} {r.times_nn:>5.2f}"
    )
    print(f"{'':>31}    {route_text(it)}")


def route_text(itinerary: Itinerary) -> str:
    initials = {"breakfast": "B", "lunch": "L", "dinner": "D"}
    return " · ".join(f"{m.day + 1}{initials.get(m.slot.value, '?')} {m.city.name}" for m in itinerary.meals) or "—"


def summary(results: Sequence[Result]) -> str:
    shares = [r.share_bound for r in results]
    parts = [f"{len(results)} plans: {min(shares):.1%}–{max(shares):.1%} of the upper bound (median "
             f"{statistics.median(shares):.1%})"]  # fmt: skip
    exact = [r.share_optimum for r in results if r.share_optimum is not None]
    if exact:
        optimal = sum(share >= 1 - 1e-9 for share in exact)
        parts.append(f"{optimal}/{len(exact)} with a known optimum meet it (the worst {min(exact):.1%})")
    extra = [x for r in results if (x := r.extra_drive) is not None]
    if extra:
        longer = [x for x in extra if x > 1e-6]
        parts.append(
            f"{len(extra) - len(longer)}/{len(extra)} of those solved exactly also drive the least"
            + (f", the others {min(longer):.2f}–{max(longer):.2f} h more" if longer else "")
        )
    parts.append(f"customers met ×{statistics.median([r.times_nn for r in results]):.2f} of the nearest-neighbour "
                 "baseline (median)")  # fmt: skip
    return "; ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="three instances and shorter solver rounds")
    args = parser.parse_args()
    settings = PlanSettings(solve_seconds=0.3, repair_seconds=0.1) if args.quick else PlanSettings()
    began = time.perf_counter()
    default_gazetteer()
    highspy.Highs()  # type: ignore[no-untyped-call]  # HiGHS prints its banner at the first model: not in the table
    print(f"Gazetteer loaded in {time.perf_counter() - began:.2f} s (once per process, not counted below)")
    print(
        f"Customers drawn by population over the towns within {WIDTH_KM:g} km of each corridor; tours from "
        f"{FIRST_DAY:%a %Y-%m-%d}, breakfast + lunch + dinner, {settings.daily_drive_hours:g} h of driving a "
        "day; 1 team (2-team figures: pending)"
    )
    print(HEADER)
    explore = QUICK_EXPLORE_LIMIT if args.quick else EXPLORE_LIMIT
    results = []
    for case in cases(args.quick):
        result = measure(case, settings, explore)
        if result is not None:
            print_result(result)
            results.append(result)
    print(summary(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
