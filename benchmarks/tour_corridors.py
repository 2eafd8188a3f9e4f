"""Tour plans on realistic corridors: customers spread like the population of the towns along a road trip.

    python benchmarks/tour_corridors.py           # 6 corridors × 2/3/5 days × 1,000 and 120 customers × 1, 2 teams
    python benchmarks/tour_corridors.py --quick   # 3 two-day instances (one also with 2 teams), 0.3 s solver round
    python benchmarks/tour_corridors.py --corridor Dallas --days 2 --base 1000   # a subset (options repeatable)

Customer bases: for each corridor (Boston → Washington, Toronto → Chicago, Seattle → San Francisco, Dallas →
Atlanta, Montreal → Toronto, Chicago → Denver) the US and Canadian gazetteer towns within 80 km of the
straight (great-circle) line from start to end; customers are drawn one by one, seeded, each town with a
chance in proportion to its population. Each corridor is planned as a 2-, 3- and 5-day tour (breakfast,
lunch and dinner, default ``PlanSettings``: 9 h of driving a day) for a base of 1,000 customers and a small
base of 120, whose shortlist is small enough to solve exactly. Chicago → Denver does not fit in 2 days
(``check_reachable`` refuses it) and is reported as such. Every instance is planned for 1 team and for 2
(``TourRequest.teams``: two hosts leave the same start at the same time, each with its own route; column "t").

Printed per instance and number of teams: the customers the plan meets (``itinerary.expected``: the sum of
its meals' shares, all teams), its meals out of the teams' meal slots, its driving hours (all teams; and the
direct drive start → end), its longest driving day of any team and the wall time of ``plan_tour``; then

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

  For 2 teams, two units of flow through the same graph: a meal node feeds one unit once, every other arc
  (setting off, waiting, driving, going on to the end) carries both: the bound without the planner's rule
  that two teams never hold a meal in one place at one meal (an upper bound of the plans under the rule
  too). A meal node is a share of its place's customers (the shares add up to the place's customers, and a
  customer belongs to one place), the plan counts each meal's share once, and the flow scores the same
  shares (node scores are the shares here: no stop requests, no pins), so a customer is counted once however
  many teams pass by. Each team's passing route is a path of the 1-team relaxation (a later team, finding a
  slot taken, waits for a later one: still a path) and the two use different nodes, so both together are a
  2-unit flow: the bound holds. Its Lagrangian backup counts the longest path once per team.
- **rule** (2 teams): the same flow with the planner's rule added, one meal at most per place and meal slot
  for both units together (a row per place and slot), so an upper bound of every plan the planner may make;
  when the plan meets it, the plan is optimal. Its LP, MIP and Lagrangian backup as for the bound.
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

  For 2 teams, the best pair of routes by the same simulation, with the least driving of both among the
  best: the same depth-first search, with the same cuts and states, lists every passing route that may
  belong to a pair meeting as many as the 2-team plan (cut when what the route may still reach plus the
  most one route meets, the 1-team optimum or bound, falls short; and, when the plan meets the 2-team bound
  so that no pair meets more, when the drive so far plus the direct drives on to the end and of the other
  team is longer than the plan's), taking a place's meal nodes in order (they differ only in their share,
  so which node a route uses changes nothing in its simulation); then the best pair of the routes listed
  whose meals at each place fit its nodes, each place giving the pair its best shares. On instances with
  at most ``EXACT_HUBS`` hubs or ``EXACT_PAIR_DAYS`` days, with the same limit of simulated routes. Its
  routes are each simulated alone: two teams may eat in one place at one meal, which the planner's rule
  forbids, so this "opt" is an upper bound of the best plan under the rule (as is "rule"), not its optimum.
- the plan's share of the bound and of the optimum, and a baseline measured in the same run on the same
  candidates: a greedy nearest-neighbour route (as in ``benchmarks/tour_plan.py``: always the nearest stop
  that still passes the same simulation; for 2 teams, that route for the first team, then the same rule for
  the second over the meal nodes left, the slots of the first team's meals taken), its time, its customers
  and the plan's multiple of them.

Under each row, each team's meals, and a note when a team has none. The last lines sum up each number of
teams and compare 2 teams with 1.

The benchmark fails (exit 1) if a plan has a warning (but "a team would have no meals") or a team's day over
the driving limit, has two teams at one meal (the same place, day and meal), meets some customers twice (a
place's meals, all teams, meet more than its customers) or has a team's meals that are not a passing route of
the same instance (no meal node for two teams); if it meets more customers than the bound or the rule bound
(a bound or the relaxation would be wrong) or than the exact optimum, if a simulated meal starts at a time
the relaxation says is impossible, or if the best pair meets fewer than the best single route.
"""

from __future__ import annotations

import argparse
import dataclasses
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
Routes = tuple[tuple[int, ...], ...]  # one route of meal nodes per team

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
EXACT_PAIR_DAYS = 2  # the exact search for 2 teams: on as many hubs, or this few days
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

    def bound(self, target: float, teams: int = 1, *, one_per_slot: bool = False) -> float:
        """The relaxation's optimum (or a bound on it): a flow of ``teams`` units (one per team) through the
        time-expanded graph, each meal node used at most once by all of them (and with ``one_per_slot``, each
        place's meal slot by one team at most: the planner's rule between teams), by HiGHS. Its LP comes first
        (interior point: the simplex crawls on these) and gives the nodes' prices (its duals) for the search;
        the MIP runs only when the LP leaves room above ``target`` (a known plan's score), and stops after
        ``BOUND_SECONDS``."""
        flow = _Flow(self, teams, one_per_slot=one_per_slot)
        h = flow.highs
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("time_limit", BOUND_SECONDS)
        h.run()
        duals = h.getSolution().row_dual
        self.prices = {node: max(0.0, float(duals[row])) for node, row in flow.once.items()}
        whole = all(float(self.relax.built.real.nodes[n].score).is_integer() for n in self.place_of)
        value = self.lagrangian(teams)  # valid whatever the prices; the LP's optimum when they are its duals
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

    def lagrangian(self, teams: int = 1) -> float:
        """A bound for any prices: the prices of all meal nodes plus, per team, the longest path where a meal
        is worth its place's best node less its price (a path may then eat at a place more often than it has
        nodes, and the teams at the same nodes)."""
        onward = self.onward(self.worth(self.prices))
        longest = float(onward[:, 0].max(initial=0.0)) if len(self.places) else 0.0
        return sum(self.prices.values()) + teams * max(longest, 0.0)


class _Flow:
    """The LP/MIP: at each place and meal time, "ready" (arrived, maybe waiting) and "fed" (after the meal).
    ``teams`` units of flow: every arc but a meal's carries up to all of them (two teams may wait, eat and
    drive at the same place and time), a meal node feeds one team once."""

    def __init__(self, paths: PathBound, teams: int = 1, *, one_per_slot: bool = False) -> None:
        built, n = paths.relax.built, paths.shape[0]
        lengths = [len(paths.relax.meals[nodes[0]].starts) for nodes in paths.places]
        self.costs: list[float] = []
        self.uppers: list[float] = []
        self.teams = teams
        into: dict[tuple[str, int, int], list[int]] = {}
        out: dict[tuple[str, int, int], list[int]] = {}
        once: dict[int, list[int]] = {}
        slots: dict[tuple[int, float], list[int]] = {}  # a place's meals in one slot (by when the slot closes)
        leave = []
        for p in range(n):
            leave.append(self._arc(0.0, into, ("ready", p, 0)))
            for k in range(lengths[p]):
                if k + 1 < lengths[p]:  # wait for the next meal time here
                    self._arc(0.0, into, ("ready", p, k + 1), out, ("ready", p, k))
                closes = float(paths.relax.meals[paths.places[p][0]].closes[k])
                for node in paths.places[p]:  # eat: a meal node of the place
                    score = built.real.nodes[node].score
                    column = self._arc(score, into, ("fed", p, k), out, ("ready", p, k), meal=True)
                    once.setdefault(node, []).append(column)
                    slots.setdefault((p, closes), []).append(column)
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
        h.addVars(size, np.zeros(size), np.array(self.uppers))
        h.changeColsCost(size, np.arange(size, dtype=np.int32), np.array(self.costs))
        self._row(leave, [], -highspy.kHighsInf, float(teams))  # the teams set off (or stay home)
        for key in sorted(into.keys() | out.keys()):  # a fixed order: HiGHS's path depends on it
            self._row(into.get(key, []), out.get(key, []), 0.0, 0.0)
        self.once = {node: self._row(columns, [], -highspy.kHighsInf, 1.0) for node, columns in once.items()}
        if one_per_slot:  # the rows' duals are not used: the Lagrangian backup prices the nodes only (still valid)
            for key in sorted(slots):
                self._row(slots[key], [], -highspy.kHighsInf, 1.0)

    def _arc(
        self,
        cost: float,
        into: dict[tuple[str, int, int], list[int]] | None,
        head: tuple[str, int, int] | None,
        out: dict[tuple[str, int, int], list[int]] | None = None,
        tail: tuple[str, int, int] | None = None,
        *,
        meal: bool = False,
    ) -> int:
        column = len(self.costs)
        self.costs.append(cost)
        self.uppers.append(1.0 if meal else float(self.teams))
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


@dataclass
class Pairs:
    """The best two routes for two teams (see the module doc): every passing route that may belong to a
    pair meeting ``target`` or more, by the same depth-first search, then the best pair of them that the
    places' meal nodes can feed (the most score, then the least driving of both)."""

    paths: PathBound
    target: float  # a known pair's score (the 2-team plan's)
    single: float  # the most one route can score (the 1-team optimum, or its bound)
    most_drive: float = math.inf  # minutes: a pair drives no more (a known pair's, when none scores above it)
    limit: int = EXPLORE_LIMIT
    explored: int = 0
    found: dict[frozenset[int], tuple[float, tuple[int, ...]]] = field(default_factory=dict)  # nodes → least
    # driving, and the route that drives it
    seen: dict[Hashable, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.relax = self.paths.relax
        self.helper = Search(self.paths, seeds=(), limit=self.limit)  # its bounds and states, priced as it is
        built = self.relax.built
        self.alone = float(built.minutes[built.real.start, built.real.end])  # the least any route drives

    def run(self) -> bool:
        """Finds every such route; False when it gave up after ``limit`` simulated routes."""
        built = self.relax.built
        if built.simulate(()).feasible:
            self.found[frozenset()] = (float(built.minutes[built.real.start, built.real.end]), ())
        try:
            self._extend((), 0.0, 0.0, built.real.start, self.relax.depart)
        except _GaveUp:
            return False
        return True

    def _extend(self, route: tuple[int, ...], score: float, drive: float, last: int, free: float) -> None:
        relax, built, helper = self.relax, self.relax.built, self.helper
        minutes, end = relax.minutes, built.real.end
        reach = {}
        for node in helper.order:
            meals = relax.meals[node]
            if node not in route and len(meals.starts):
                first = int(np.searchsorted(meals.starts, relax.arrive(free, minutes[last, node]) - EPS))
                if first < len(meals.starts):
                    reach[node] = first
        if score + min(helper._most(reach), helper._rest(route, reach)) + self.single < self.target - EPS:
            return  # no pair with a route that goes on from here meets as many as the known one
        if drive + minutes[last, end] + self.alone > self.most_drive + EPS:
            return  # the other team drives at least start → end: as good a pair drives less
        places, place_of = self.paths.places, self.paths.place_of
        for node in reach:
            if any(other not in route for other in places[place_of[node]] if other < node):
                continue  # a place's meal nodes are alike but for their shares: a route takes them in order
            longer = (*route, node)
            self.explored += 1
            if self.explored > self.limit:
                raise _GaveUp
            simulation = built.simulate(longer)
            if len(simulation.visits) <= len(longer):
                continue
            driven = drive + float(minutes[last, node])
            if simulation.feasible:
                self._record(longer, driven + float(minutes[node, end]))
            began = simulation.visits[-2].start
            lasts = relax.lasts(node, began)
            if lasts is None:
                assert not simulation.feasible, f"{longer} passes with a meal the relaxation rules out"
                continue
            state = helper._state(longer, simulation, began + lasts)
            if self.seen.get(state, math.inf) <= driven + EPS:
                continue
            self.seen[state] = driven
            self._extend(longer, score + helper.scores[node], driven, node, began + lasts)

    def _record(self, route: tuple[int, ...], drive: float) -> None:
        key = frozenset(route)
        if drive + self.alone <= self.most_drive + EPS and drive < self.found.get(key, (math.inf, ()))[0]:
            self.found[key] = (drive, route)

    def best(self) -> tuple[float, float, Routes]:
        """The best pair of the routes found: its score, its driving (minutes) and the two routes. Two routes
        may eat at one place (even in the same slot: each team has its own) while the place has meal nodes
        for both; the pair then takes the place's best shares (the second route's nodes are renamed to the
        place's next ones)."""
        nodes = self.relax.built.real.nodes
        places = self.paths.places
        cap = np.array([len(members) for members in places])
        tops = np.full((len(places), 2 * int(cap.max(initial=0)) + 1), -np.inf)
        for p, members in enumerate(places):  # tops[p, c]: the best c of the place's nodes (in order)
            tops[p, : len(members) + 1] = np.cumsum([0.0, *(nodes[n].score for n in members)])
        routes = sorted(self.found, key=lambda key: (-sum(nodes[n].score for n in key), sorted(key)))
        counts = np.zeros((len(routes), len(places)), dtype=np.int64)
        for i, key in enumerate(routes):
            for n in key:
                counts[i, self.paths.place_of[n]] += 1
        alone = np.array([sum(nodes[n].score for n in key) for key in routes])
        drives = np.array([self.found[key][0] for key in routes])
        best: tuple[float, float, int, int] = (-math.inf, math.inf, 0, 0)
        column = np.arange(len(places))
        for i in range(len(routes)):
            if alone[i] + alone[0] < best[0] - EPS:
                break  # sorted: no later route makes a pair as good
            partners = int(np.searchsorted(-alone, alone[i] - best[0] + EPS, side="right"))  # alone ≥ best - alone[i]
            together = counts[:partners] + counts[i]
            fits = (together <= cap).all(axis=1)
            scores = np.where(fits, tops[column, together].sum(axis=1), -math.inf)
            driving = drives[:partners] + drives[i]
            for j in np.flatnonzero(fits & (scores >= best[0] - EPS)):
                score, drive = float(scores[j]), float(driving[j])
                if score > best[0] + EPS or (score >= best[0] - EPS and drive < best[1] - EPS):
                    best = (max(score, best[0]), drive, i, int(j))  # more people, or as many and less driving
        score, drive, i, j = best
        first, second = self.found[routes[i]][1], self.found[routes[j]][1]
        taken = set(first)
        renamed = []
        for node in second:
            place = self.paths.places[self.paths.place_of[node]]
            renamed.append(next(n for n in place if n not in taken))
            taken.add(renamed[-1])
        return score, drive, (first, tuple(renamed))


# ------------------------------------------------------------------------------- routes and baseline


def routes_of(built: Built, itinerary: Itinerary) -> Routes | None:
    """Each team's meals as nodes of ``built`` (the instance ``plan_tour`` builds; a node for one team
    only), if every team's route passes."""
    used: set[int] = set()
    routes = []
    for team in range(itinerary.teams):
        route: list[int] = []
        for meal in itinerary.team_meals(team):
            node = next(
                (
                    n
                    for n in built.real.customers
                    if n not in used
                    and built.cities[n].geonameid == meal.city.geonameid
                    and built.expected[n] == meal.expected
                ),
                None,
            )
            if node is None:
                return None
            route.append(node)
            used.add(node)
        if not built.simulate(route).feasible:
            return None
        routes.append(tuple(route))
    return tuple(routes)


def nearest_neighbours(built: Built, teams: int) -> Routes:
    """The baseline for several teams: the nearest-neighbour route of ``tour_plan.py`` for the first team,
    then the same greedy rule for each next team over the meal nodes left, by the planner's rule between
    teams (the slots of the earlier teams' meals are taken)."""
    routes = [nearest_neighbour(built)]
    left = set(built.real.customers) - set(routes[0])
    taken = built.occupied(built.simulate(routes[0]))
    for _ in range(1, teams):
        route: tuple[int, ...] = ()
        last = built.real.start
        while True:
            for node in sorted(left, key=lambda n: (built.minutes[last, n], n)):
                if built.simulate((*route, node), taken).feasible:
                    route, last = (*route, node), node
                    left.discard(node)
                    break
            else:
                break
        routes.append(route)
        taken |= built.occupied(built.simulate(route, taken))
    return tuple(routes)


def score_of(built: Built, route: Sequence[int]) -> float:
    return sum(built.real.nodes[n].score for n in route)


def drive_of(built: Built, route: Sequence[int]) -> float:
    """Minutes of driving along the route, start and end included."""
    path = [built.real.start, *route, built.real.end]
    return sum(float(built.minutes[a, b]) for a, b in itertools.pairwise(path))


def together(itinerary: Itinerary) -> list[str]:
    """Meals where two teams eat in the same city on the same day and slot ("1L Toronto")."""
    initials = {"breakfast": "B", "lunch": "L", "dinner": "D"}
    seen: dict[tuple[int, int, str], set[int]] = {}
    for m in itinerary.meals:
        seen.setdefault((m.city.geonameid, m.day, m.slot.value), set()).add(m.team)
    named = {m.city.geonameid: m.city.name for m in itinerary.meals}
    return [f"{day + 1}{initials.get(slot, '?')} {named[place]}"
            for (place, day, slot), teams in sorted(seen.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0]))
            if len(teams) > 1]  # fmt: skip


# ------------------------------------------------------------------------------------------- the runs


@dataclass(frozen=True)
class Case:
    start: City
    end: City
    days: int
    base: int
    demand: list[Demand]
    teams: tuple[int, ...] = (1, 2)  # always 1 first: the 2-team search uses the 1-team figures

    @property
    def name(self) -> str:
        return f"{self.start.name} → {self.end.name}"


def cases(quick: bool, names: Sequence[str] = (), lengths: Sequence[int] = (),
          bases: Sequence[int] = ()) -> Iterator[Case]:  # fmt: skip
    """The instances (of the full run, or ``quick``), only those of the named corridors (a word of the start
    or end), lengths and bases when given."""
    gazetteer = default_gazetteer()
    if quick:
        chosen = [(4, 2, SMALL_CUSTOMERS, (1, 2)), (1, 2, CUSTOMERS, (1,)), (2, 2, CUSTOMERS, (1,))]
    else:
        corridors = range(len(CORRIDORS))
        chosen = [
            (i, days, base, (1, 2)) for base in (CUSTOMERS, SMALL_CUSTOMERS) for i in corridors for days in LENGTHS
        ]
    for index, days, base, teams in chosen:
        named = " ".join(CORRIDORS[index]).casefold()
        if names and not any(word.casefold() in named for word in names):
            continue
        if (lengths and days not in lengths) or (bases and base not in bases):
            continue
        start, end = (gazetteer.resolve(name).city for name in CORRIDORS[index])
        assert start is not None and end is not None
        demand = customer_base(corridor_towns(start, end, WIDTH_KM), base, seed=100 * index + base)
        yield Case(start, end, days, base, demand, teams)


@dataclass(frozen=True)
class Result:
    """One instance for one number of teams: the plan, the bound, the optimum where known, the baseline."""

    case: Case
    teams: int
    itinerary: Itinerary
    planning: float  # seconds of plan_tour
    direct: float  # hours of the direct drive start → end
    bound: float
    optimum: float | None  # customers of the best routes (from the search, or the plan when it meets the bound)
    least_drive: float | None  # hours of the least driving among the best routes (from a finished search)
    plan_drive: float  # hours the plan drives (its legs' minutes, as the search counts them; all teams)
    searched: int | None  # routes the search simulated (None: not searched)
    limit: int  # routes simulated before the search gives up
    baseline: tuple[float, int]  # seconds and customers of the nearest-neighbour routes
    rule: float | None = None  # 2 teams: the bound with one team per place and meal slot (the planner's rule)

    @property
    def met(self) -> int:
        return self.itinerary.expected

    @property
    def share_bound(self) -> float:
        return self.met / self.bound if self.bound else 1.0

    @property
    def share_rule(self) -> float | None:
        return None if self.rule is None else self.met / self.rule if self.rule else 1.0

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

    @property
    def idle(self) -> list[int]:
        """Teams (from 1) without a meal."""
        return [team + 1 for team in range(self.teams) if not self.itinerary.team_meals(team)]


def measure(case: Case, settings: PlanSettings, explore: int) -> list[Result]:
    last = FIRST_DAY + dt.timedelta(days=case.days - 1)
    tour = TourRequest(case.start, case.end, FIRST_DAY, last, settings=settings)
    try:
        check_reachable(tour)
    except InvalidInput as refused:
        print(f"{case.name:<31} {case.days:>2} {case.base:>5}    not planned: {refused}")
        return []
    grouped = group_into_hubs(case.demand, tour)
    hubs = shortlist_hubs(tour, grouped.hubs).chosen
    built = build_instance(tour, hubs)  # the same for any number of teams (the planner's is built alike)
    relax = Relaxation(built)
    paths = PathBound(relax)
    small = {
        1: len(hubs) <= EXACT_HUBS or case.days <= EXACT_DAYS,
        2: len(hubs) <= EXACT_HUBS or case.days <= EXACT_PAIR_DAYS,
    }
    customers_at = {hub.city.geonameid: hub.customers for hub in grouped.hubs}
    assert case.teams[0] == 1, "the 1-team figures come first: the 2-team search uses them"
    results: list[Result] = []
    for teams in case.teams:
        began = time.perf_counter()
        itinerary = plan_tour(dataclasses.replace(tour, teams=teams), case.demand)
        planning = time.perf_counter() - began
        label = f"{case.name}, {case.days} days, {case.base}, {teams} team(s)"
        planned = check_plan(label, itinerary, built, customers_at)
        began = time.perf_counter()
        baseline = (nearest_neighbour(built),) if teams == 1 else nearest_neighbours(built, teams)
        baseline_time = time.perf_counter() - began
        for route in (*planned, *baseline):
            relax.check(route)
        met = itinerary.expected
        rule = None
        if teams == 1:
            bound, optimum, least, searched = solve_one(label, paths, met, [planned[0], baseline[0]], small[1], explore)
        else:
            one = results[0]  # the most one route meets: its optimum, or its bound
            single = one.bound if one.optimum is None else one.optimum
            plan = (met, sum(drive_of(built, route) for route in planned))
            bound, optimum, least, searched = solve_two(label, paths, plan, single, one.optimum, small[2], explore)
            prices = paths.prices
            rule = paths.bound(target=met, teams=2, one_per_slot=True)
            paths.prices = prices
            assert met <= rule + EPS, f"{label}: the plan meets {met}, above the one-team-per-slot bound {rule}"
        if optimum is None and bound <= met + EPS:
            optimum = met  # the bound proves the plan optimal
        results.append(
            Result(
                case, teams, itinerary, planning, float(built.minutes[0, 1]) / 60, bound, optimum, least,
                sum(drive_of(built, route) for route in planned) / 60, searched, explore,
                (baseline_time, sum(built.expected[n] for route in baseline for n in route)), rule,
            )
        )  # fmt: skip
    return results


def check_plan(label: str, itinerary: Itinerary, built: Built, customers_at: dict[int, int]) -> Routes:
    """The plan's invariants: no warning (but a team without meals), no team's day over the limit, no
    customer met twice (a place's meals share its customers), each team's route passing. Its routes."""
    limit = built.request.settings.daily_drive_hours
    assert all("would have no meals" in warning for warning in itinerary.warnings), (label, itinerary.warnings)
    assert max(itinerary.drive_by_day) <= limit + 1e-6, f"{label}: a team's day drives over the limit"
    place_met: dict[int, int] = {}
    for meal in itinerary.meals:
        place_met[meal.city.geonameid] = place_met.get(meal.city.geonameid, 0) + meal.expected
    assert all(n <= customers_at[place] for place, n in place_met.items()), f"{label}: customers met twice"
    assert not together(itinerary), f"{label}: two teams at one meal ({', '.join(together(itinerary))})"
    planned = routes_of(built, itinerary)
    assert planned is not None, f"{label}: the plan's meals are not passing routes of the same instance"
    return planned


Solved = tuple[float, float | None, float | None, int | None]  # bound, optimum, its least driving (h), routes


def solve_one(label: str, paths: PathBound, met: float, seeds: Sequence[tuple[int, ...]], small: bool,
              explore: int) -> Solved:  # fmt: skip
    """1 team: the bound (its LP's prices then price the searches), the exact search on small instances."""
    bound = paths.bound(target=met)
    assert met <= bound + EPS, f"{label}: the plan meets {met}, above the bound {bound}"
    if not small:
        return bound, None, None, None
    search = Search(paths, seeds, limit=explore)
    finished = search.run()
    assert met <= search.score + EPS and search.score <= bound + EPS, f"{label}: a route above the bound"
    return bound, search.score if finished else None, search.drive / 60 if finished else None, search.explored


def solve_two(label: str, paths: PathBound, plan: tuple[float, float], single: float, known: float | None,
              small: bool, explore: int) -> Solved:  # fmt: skip
    """2 teams: the 2-unit bound, then the exact pair on small instances (priced by the 1-team LP). ``plan``:
    the plan's customers and driving (minutes); when it meets the bound, a better pair can only drive less."""
    met, driving = plan
    prices = paths.prices
    bound = paths.bound(target=met, teams=2)
    paths.prices = prices  # the 1-team LP's prices price one route's rest better than the 2-unit LP's
    assert met <= bound + EPS, f"{label}: the plan meets {met}, above the bound {bound}"
    if not small:
        return bound, None, None, None
    pairs = Pairs(paths, target=met, single=single, most_drive=driving if bound <= met + EPS else math.inf,
                  limit=explore)  # fmt: skip
    if not pairs.run():
        return bound, None, None, pairs.explored
    optimum, drive, best = pairs.best()
    built = paths.relax.built
    assert all(built.simulate(route).feasible for route in best), f"{label}: the best pair does not pass"
    assert len({n for route in best for n in route}) == sum(map(len, best)), f"{label}: a node for both teams"
    assert abs(sum(score_of(built, route) for route in best) - optimum) < EPS, f"{label}: the pair's score"
    assert abs(sum(drive_of(built, route) for route in best) - drive) < EPS, f"{label}: the pair's driving"
    assert met <= optimum + EPS, f"{label}: the plan meets {met}, above the optimum {optimum}"
    assert known is None or known <= optimum + EPS, f"{label}: 2 teams' optimum below 1 team's"
    assert optimum <= bound + EPS, f"{label}: the optimum {optimum} is above the bound {bound}"
    return bound, optimum, drive / 60, pairs.explored


HEADER = (
    f"{'corridor':<31} {'d':>2} {'base':>5} {'t':>1} {'hubs':>4} {'plan s':>6} {'meals':>5} {'met':>4} "
    f"{'drive h':>7} {'direct':>6} {'max/d':>5} {'bound':>5} {'%bound':>6} {'rule':>5} {'%rule':>6} {'opt':>5} "
    f"{'%opt':>6} {'opt h':>5} "
    f"{'routes':>7} {'NN s':>5} {'NN':>4} {'x NN':>5}"
)


def print_result(r: Result) -> None:
    it = r.itinerary
    optimum = "—" if r.optimum is None else f"{r.optimum:.0f}"
    share = "" if r.share_optimum is None else f"{r.share_optimum:.1%}"
    least = "" if r.least_drive is None else f"{r.least_drive:.1f}"
    rule = "" if r.rule is None else f"{r.rule:.0f}"
    rule_share = "" if r.share_rule is None else f"{r.share_rule:.1%}"
    searched = "" if r.searched is None else f"{min(r.searched, r.limit):,}" + ("+" if r.searched > r.limit else "")
    print(
        f"{r.case.name:<31} {r.case.days:>2} {r.case.base:>5} {r.teams:>1} {it.candidates:>4} {r.planning:>6.2f} "
        f"{len(it.meals):>2}/{3 * r.case.days * r.teams:<2} {r.met:>4} {it.drive_hours:>7.1f} {r.direct:>6.1f} "
        f"{max(it.drive_by_day):>5.1f} {r.bound:>5.0f} {r.share_bound:>6.1%} {rule:>5} {rule_share:>6} {optimum:>5} "
        f"{share:>6} {least:>5} "
        f"{searched:>7} {r.baseline[0]:>5.2f} {r.baseline[1]:>4} {r.times_nn:>5.2f}"
    )
    for team in range(r.teams):
        who = f"team {team + 1}: " if r.teams > 1 else ""
        print(f"{'':>31}      {who}{route_text(it, team)}")
    both = together(it)
    notes = [f"team {', '.join(map(str, r.idle))} without meals"] if r.idle else []
    notes += [f"two teams at one meal: {', '.join(both)}"] if both else []
    if notes:
        print(f"{'':>31}      ({'; '.join(notes)})")


def route_text(itinerary: Itinerary, team: int = 0) -> str:
    initials = {"breakfast": "B", "lunch": "L", "dinner": "D"}
    meals = itinerary.team_meals(team)
    return " · ".join(f"{m.day + 1}{initials.get(m.slot.value, '?')} {m.city.name}" for m in meals) or "—"


def summary(results: Sequence[Result]) -> str:
    shares = [r.share_bound for r in results]
    parts = [f"{len(results)} plans: {min(shares):.1%}–{max(shares):.1%} of the upper bound (median "
             f"{statistics.median(shares):.1%})"]  # fmt: skip
    ruled = [share for r in results if (share := r.share_rule) is not None]
    if ruled:
        at = sum(share >= 1 - 1e-9 for share in ruled)
        parts.append(f"{min(ruled):.1%}–{max(ruled):.1%} of the one-team-per-slot bound (median "
                     f"{statistics.median(ruled):.1%}; {at}/{len(ruled)} at it, so optimal)")  # fmt: skip
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


def compare(results: Sequence[Result]) -> str:
    """2 teams against 1 on the same instances: customers met by the plans and by the optima."""
    one = {id(r.case): r for r in results if r.teams == 1}
    pairs = [(one[id(r.case)], r) for r in results if r.teams == 2 and id(r.case) in one]
    if not pairs:
        return ""
    gains = [two.met / max(single.met, 1) for single, two in pairs]
    more = sum(two.met > single.met for single, two in pairs)
    fewer = [f"{s.case.name} {s.case.days} d {s.case.base}" for s, two in pairs if two.met < s.met]
    idle = sum(bool(two.idle) for _, two in pairs)
    optima = [(s.optimum, two.optimum) for s, two in pairs if s.optimum is not None and two.optimum is not None]
    text = (f"2 teams against 1: ×{statistics.median(gains):.2f} the customers (median, {min(gains):.2f}–"
            f"{max(gains):.2f}); more on {more}/{len(pairs)}, fewer on {len(fewer)}"
            + (f" ({'; '.join(fewer)})" if fewer else "") + f"; a team without meals on {idle}")  # fmt: skip
    if optima:
        gain = statistics.median(b / max(a, 1) for a, b in optima)
        text += f"; where both optima are known ({len(optima)}), the best 2 teams meet ×{gain:.2f} (median)"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="three instances (one with 2 teams), shorter rounds")
    parser.add_argument("--corridor", action="append", default=[], help="only corridors with this start or end")
    parser.add_argument("--days", action="append", type=int, default=[], help="only tours of this many days")
    parser.add_argument("--base", action="append", type=int, default=[], help="only this many customers")
    args = parser.parse_args()
    settings = PlanSettings(solve_seconds=0.3, repair_seconds=0.1) if args.quick else PlanSettings()
    began = time.perf_counter()
    default_gazetteer()
    highspy.Highs()  # type: ignore[no-untyped-call]  # HiGHS prints its banner at the first model: not in the table
    print(f"Gazetteer loaded in {time.perf_counter() - began:.2f} s (once per process, not counted below)")
    print(
        f"Customers drawn by population over the towns within {WIDTH_KM:g} km of each corridor; tours from "
        f"{FIRST_DAY:%a %Y-%m-%d}, breakfast + lunch + dinner, {settings.daily_drive_hours:g} h of driving a "
        "day; t: teams (1, or 2 from the same start)"
    )
    print(HEADER)
    explore = QUICK_EXPLORE_LIMIT if args.quick else EXPLORE_LIMIT
    results = []
    for case in cases(args.quick, args.corridor, args.days, args.base):
        for result in measure(case, settings, explore):
            print_result(result)
            results.append(result)
    for teams in sorted({r.teams for r in results}):
        print(f"{teams} team{'s' if teams > 1 else ''}: " + summary([r for r in results if r.teams == teams]))
    if comparison := compare(results):
        print(comparison)
    return 0


if __name__ == "__main__":
    sys.exit(main())
