"""A tour request → an OPTW instance → a route that passes the rules of the road → an itinerary.

Node 0 is the start city (open from the departure time), node 1 the end city (reached by the arrival
deadline), and every other node is one possible meal at a hub: its windows are that hub's meal slots on
every tour day, each computed in the hub's *own* timezone (so DST changes and zone crossings are exact),
its service the longest chosen meal, its score the customers it meets.

The solver works on the awake clock (``tourclock``: nights skipped, so a night is waiting at the last
stop) with travel ``t + ⌈t / L⌉ · (17 h − L)`` for legs longer than the daily limit L (a long stretch
takes its rests with it). The daily limit is then enforced by ``driving.simulate``, which every route must
pass: driving in daylight where each leg starts, at most L per day, every meal in one of its windows, the
end by the deadline. A leg that fails is made longer and all driving counts slower in a new short round;
a route still failing is trimmed (removing a stop never makes the rest later: one leg replaces two, by the
triangle inequality, and a meal less is time saved); the best passing route is greedily filled with the
stops that still pass. The itinerary is read from the simulation, so what is shown is what was checked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.domain.cities import City
from bot.domain.errors import InvalidInput
from bot.domain.meals import MealSlot
from bot.domain.optw import Instance, Node, TimeWindow, solve
from bot.domain.timeparse import local_to_utc
from bot.domain.tour_planning import days
from bot.domain.tour_planning.candidates import (
    FloatArray,
    Hub,
    Shortlist,
    detour_km,
    distance_matrix,
    group_into_hubs,
    haversine,
    reach_km,
    shortlist,
)
from bot.domain.tour_planning.driving import EPS, Road, Simulation, Window, simulate
from bot.domain.tour_planning.model import (
    Demand,
    Itinerary,
    LeftOut,
    Leg,
    Night,
    PlannedMeal,
    Reason,
    TourRequest,
    who_comes,
)
from bot.domain.tour_planning.polish import SECONDS, Judge, Key, plan_bound, plan_key, polish
from bot.domain.tour_planning.tourclock import AWAKE_MINUTES, TourClock
from bot.domain.tour_planning.towns import Towns, along, default_towns
from bot.domain.tour_planning.water import Water, Ways, along_way, default_water
from bot.domain.words import plural

STEP_MINUTES = 15  # legs are rounded up to this, so meals start on the quarter hour
# Driving counted this much slower in each solving round, until every day fits the limit.
SLOWER = (1.0, 1.1, 1.25, 1.45, 1.7)
PENALTY_MINUTES = 120.0  # added to a leg that broke a rule, for the next round
FILL_CANDIDATES = 40  # the best unvisited stops tried by the final greedy fill
LIFTABLE = (Reason.DRIVING_LIMIT, Reason.MEAL_SLOTS, Reason.DEADLINE, Reason.COMBINED)  # tried in this order
EXPLAIN_ROUNDS = 3  # an explanation that finds a better route: finish that one and explain again
EXPLAINED = 8  # the biggest cities left out that the answer explains
PASS_SAMPLES = 20  # points per drive checked for places along the way
Routes = tuple[tuple[int, ...], ...]  # one route of meal nodes per team
FINISH_ROUNDS = 3  # polish, fill again, polish … at most this often
REGROUP_ROUNDS = 1  # solving rounds for the teams planned again around another (the trim and fill do the rest)
SIMULATIONS_KEPT = 50_000  # routes whose simulation is remembered (then forgotten all at once)


@dataclass(frozen=True, slots=True)
class Slot:
    """One window of a meal node, remembered with its day and meal (the solver only sees the times)."""

    opens: float  # awake minutes (what the solver sees)
    closes: float
    day: int
    slot: MealSlot
    window: Window  # real tour minutes (what the simulation checks)


@dataclass
class Built:
    """The OPTW instance plus what is needed to read its solution back as meals."""

    request: TourRequest
    instance: Instance  # what the solver gets first
    real: Instance  # the same, never changed by repairs (for schedules)
    minutes: FloatArray  # driving minutes between nodes (nights not included)
    km: FloatArray  # great-circle km between nodes
    cities: list[City]
    hubs: list[Hub | None]
    expected: list[int]  # people a meal node meets (customers, or stop requests where more)
    slots: list[list[Slot]]
    no_slot: list[Hub]
    customers: list[int]  # customers a meal node meets
    requests: list[int]  # stop requests counted at a meal node
    towns: Towns  # where a team can sleep on a long leg

    clock: TourClock
    service: float
    water: Water = dataclasses.field(default_factory=default_water)  # what roads go around
    roads: Ways | None = None  # the ways between the nodes (round big water), if found with the matrix
    # The solver's routes wanted a slot an earlier team's meal holds: a later team's route slipped (see
    # :func:`regroup`).
    clashed: bool = False
    # What the first solve learnt of the rules of the road: its last round (how much slower driving counts)
    # and the penalties on legs that broke a rule; solving again for some teams starts from there.
    learnt: tuple[int, FloatArray] | None = None

    @property
    def limit(self) -> float:
        return self.request.settings.daily_drive_hours * 60

    @functools.cached_property
    def road(self) -> Road:
        clock = self.clock
        return Road(
            depart=clock.minute(self.request.departs_at),
            deadline=clock.minute(self.request.arrives_by),
            limit=self.limit,
            service=lambda node, window: self._minutes[self.slots[node][window].slot],
            minutes=lambda a, b: float(self.minutes[a, b]),
            windows=self._windows.__getitem__,
            daylight=clock.daylight_in,
            day_of=clock.day_in,
            zone=lambda node: self.cities[node].timezone,
            zone_along=self._zone_along,
            end=self.real.end,
            occupies=self._occupies,
            sitting=self._sitting,
        )

    @functools.cached_property
    def _windows(self) -> list[list[Window]]:
        return [[slot.window for slot in slots] for slots in self.slots]  # the simulation asks for them often

    def _zone_along(self, origin: int, target: int, share: float) -> str:
        key = (self.cities[origin].geonameid, self.cities[target].geonameid, round(share, 2))  # a city's nodes alike
        if key not in self._zones:
            zone = self.towns.timezone_near(*self.along(origin, target, key[2]))
            self._zones[key] = zone if zone is not None else self.cities[target].timezone
        return self._zones[key]

    def along(self, origin: int, target: int, share: float) -> tuple[float, float]:
        """The point ``share`` of the way from one node to another, on the road around big water."""
        key = (self.cities[origin].geonameid, self.cities[target].geonameid)
        if key not in self._ways:
            self._ways[key] = self._roads.way(origin, target)
        return along_way(self._ways[key], share)

    @functools.cached_property
    def _roads(self) -> Ways:
        return self.roads if self.roads is not None else self.water.roads(self.cities, self.km)[1]

    @functools.cached_property
    def _ways(self) -> dict[tuple[int, int], list[tuple[float, float]]]:
        return {}

    @functools.cached_property
    def _zones(self) -> dict[tuple[int, int, float], str]:
        return {}

    @functools.cached_property
    def _minutes(self) -> dict[MealSlot, float]:
        return {w.slot: w.duration.total_seconds() / 60 for w in self.request.meals}

    def _occupies(self, node: int, window: int) -> tuple[int, int, MealSlot]:
        slot = self.slots[node][window]
        return self.cities[node].geonameid, slot.day, slot.slot

    def _sitting(self, node: int, window: int) -> tuple[int, MealSlot]:
        slot = self.slots[node][window]
        return slot.day, slot.slot

    def simulate(self, route: Sequence[int], taken: frozenset[Hashable] = frozenset()) -> Simulation:
        """One team's route driven by the rules; ``taken``: the slots other teams' meals hold."""
        return self._driven(route, taken)[0]

    def _driven(self, route: Sequence[int], taken: frozenset[Hashable]) -> tuple[Simulation, frozenset[Hashable]]:
        """The simulation and the slots its meals hold, remembered."""
        key = (tuple(route), taken)
        found = self._simulated.get(key)
        if found is None:
            if len(self._simulated) >= SIMULATIONS_KEPT:
                self._simulated.clear()
            simulation = simulate(self.road, route, self.real.start, taken)
            found = self._simulated[key] = (simulation, self.occupied(simulation))
        return found

    @functools.cached_property
    def _simulated(
        self,
    ) -> dict[tuple[tuple[int, ...], frozenset[Hashable]], tuple[Simulation, frozenset[Hashable]]]:
        return {}  # the polish and the fill try the same routes again and again

    def occupied(self, simulation: Simulation) -> frozenset[Hashable]:
        """The place, day and meal of each of a simulation's meals."""
        return frozenset(self._occupies(v.node, v.window) for v in simulation.visits if v.window >= 0)

    def simulations(self, routes: Routes) -> list[Simulation | None]:
        """Each team's route driven by the rules, team after team: a team's meals hold their slots, and a
        later team finds them taken, so two teams never hold a meal in the same place at the same meal (it
        would read as one meal held twice). None for a team that is not needed: no meals, no driving."""
        return self._simulations(routes)

    def _simulations(self, routes: Routes, *, until_failed: bool = False) -> list[Simulation | None]:
        result: list[Simulation | None] = []
        taken: frozenset[Hashable] = frozenset()
        for team, route in enumerate(routes):
            if idle(routes, team):
                result.append(None)
                continue
            simulation, held = self._driven(route, taken)
            result.append(simulation)
            if until_failed and not simulation.feasible:
                break  # the plan fails: the later teams need not be driven
            taken |= held
        return result

    def taken_by_others(self, routes: Routes, team: int) -> frozenset[Hashable]:
        """The slots the other teams' meals hold (what one team's route must leave to them)."""
        simulations = self.simulations(routes)
        return frozenset().union(
            *(self.occupied(s) for other, s in enumerate(simulations) if other != team and s is not None)
        )

    def key(self, routes: Routes) -> Key | None:
        """The plan's key (smaller is better: more people, less driving, a shorter longest day); None when a
        team's route breaks a rule."""
        simulations = self._simulations(routes, until_failed=True)
        if any(s is not None and not s.feasible for s in simulations):
            return None
        score = sum(self.real.nodes[node].score for route in routes for node in route)
        return plan_key(score, [s for s in simulations if s is not None])

    def bound(self, routes: Routes) -> Key:
        """A key no better than the plan's (:meth:`key`), without simulating: the people and the driving are
        known from the routes alone (a route that passes drives its legs' minutes), the longest day is not."""
        score = sum(self.real.nodes[node].score for route in routes for node in route)
        drive = sum(self.legs_minutes(route) for team, route in enumerate(routes) if not idle(routes, team))
        return plan_bound(score, drive)

    def legs_minutes(self, route: Sequence[int]) -> float:
        """The minutes a team's legs drive, start → meals → end (what a route that passes drives)."""
        legs, path = self._legs, (self.real.start, *route, self.real.end)
        return sum(legs[a][b] for a, b in itertools.pairwise(path))

    @functools.cached_property
    def _legs(self) -> list[list[float]]:
        return self.minutes.tolist()  # type: ignore[no-any-return]  # plain floats: fast to index and add

    @functools.cached_property
    def judge(self) -> Judge:
        minutes = self.minutes
        return Judge(
            key=self.key,
            bound=self.bound,
            score=lambda node: self.real.nodes[node].score,
            minutes=lambda a, b: float(minutes[a, b]),
            candidates=tuple(self.real.customers),
            start=self.real.start,
            end=self.real.end,
        )


def idle(routes: Routes, team: int) -> bool:
    """A team without meals is not needed: it stays home and drives nothing (but for the first team when no
    team has meals: the tour still goes from start to end)."""
    return not routes[team] and (team > 0 or any(routes))


def plan_tour(request: TourRequest, demand: Sequence[Demand], towns: Towns | None = None) -> Itinerary:
    """The itinerary that meets the most customers within the request's limits, with explanations.

    ``towns`` names where a team sleeps on a long leg (every town of 5,000 people or more if not given)."""
    return plan(request, demand, towns).itinerary


@dataclass(frozen=True)
class Plan:
    """A plan with what it was made from (tests re-check its route and reasons with the same rules)."""

    built: Built
    routes: Routes  # one per team
    itinerary: Itinerary


def plan(request: TourRequest, demand: Sequence[Demand], towns: Towns | None = None) -> Plan:
    """:func:`plan_tour`, keeping the instance and the route."""
    demand = _with_pins(request, [d for d in demand if d.people > 0])
    if not any(d.people for d in demand):
        raise InvalidInput(
            "There are no customers with a city yet, so there is nobody to meet. Import your customer list "
            "(`/customers import`) or ask customers to `/city set`."
        )
    check_reachable(request)
    grouped = group_into_hubs(demand, request)
    short = shortlist(request, grouped.hubs)
    built = build_instance(request, short.chosen, towns)
    routes = regroup(built, finish_route(built, solve_within_limit(built)))
    for round_ in range(EXPLAIN_ROUNDS + 1):
        explained = explain(built, routes, short, demand, grouped.home, improve=round_ < EXPLAIN_ROUNDS)
        if not isinstance(explained, tuple):
            break
        routes = finish_route(built, explained)
    left_out = explained if not isinstance(explained, tuple) else []
    routes = tuple(sorted(routes, key=lambda route: not route))  # a team without meals is the last
    itinerary = _itinerary(built, routes)
    warnings = _pin_warnings(built, routes) + _limit_warnings(built, routes) + _idle_warnings(routes)
    itinerary = dataclasses.replace(
        itinerary, left_out=tuple(left_out), warnings=tuple(warnings), candidates=len(short.chosen)
    )
    return Plan(built, routes, itinerary)


def _with_pins(request: TourRequest, demand: list[Demand]) -> list[Demand]:
    known = {d.city.geonameid for d in demand}
    return demand + [Demand(pin.city, 0) for pin in request.pins if pin.city.geonameid not in known]


def check_reachable(request: TourRequest) -> None:
    settings = request.settings
    direct = _great_circle(request.start, request.end)
    hours = settings.drive_minutes(direct) / 60
    limit = request.days * settings.daily_drive_hours
    if hours > limit:
        raise InvalidInput(
            f"{request.start.name} → {request.end.name} is about {hours:.0f} h of driving, but "
            f"{plural(request.days, 'day')} at {settings.daily_drive_hours:g} h a day allow only {limit:g} h. "
            "Add days or raise the daily driving limit."
        )
    available = (request.arrives_by - request.departs_at).total_seconds() / 3600
    if hours > available:
        raise InvalidInput(
            f"{request.start.name} → {request.end.name} takes about {hours:.0f} h of driving, more than the "
            f"{available:.0f} h between leaving and the arrival deadline."
        )


def _great_circle(a: City, b: City) -> float:
    """km as the crow flies, or around the big water in the way."""
    return float(default_water().around([a, b], distance_matrix([a, b]))[0, 1])


# ------------------------------------------------------------------------------------------ the instance


def build_instance(request: TourRequest, hubs: Sequence[Hub], towns: Towns | None = None) -> Built:
    """Node 0 the start, node 1 the end, then each hub's meals; times on the awake clock. ``towns`` name
    where a team sleeps on a long leg (every town of 5,000 people or more if not given)."""
    settings = request.settings
    clock = TourClock(request.first_day, request.days, request.start.timezone)
    depart = clock.awake(clock.minute(request.departs_at))
    budget = clock.awake(clock.minute(request.arrives_by))
    service = planning_service(request)
    cities: list[City] = [request.start, request.end]
    node_hubs: list[Hub | None] = [None, None]
    expected: list[int] = [0, 0]
    customers: list[int] = [0, 0]
    requests: list[int] = [0, 0]
    slots: list[list[Slot]] = [[], []]
    nodes = [
        Node(0.0, 0.0, (TimeWindow(depart, max(depart, budget)),), label=request.start.name),
        Node(0.0, 0.0, (TimeWindow(0.0, max(depart, budget)),), label=request.end.name),
    ]
    no_slot = []
    for hub in hubs:
        windows = _hub_slots(request, clock, hub, (depart, budget), service)
        if not windows:
            no_slot.append(hub)
            continue
        bonus = settings.request_weight * hub.requests + (settings.pin_bonus if hub.pinned else 0)
        shares = hub.customer_shares(settings)
        for index, people in enumerate(hub.meals(settings)):
            score = people + (bonus if index == 0 else 0.0)
            times = tuple(TimeWindow(w.opens, w.closes) for w in windows)
            nodes.append(Node(max(score, 0.001), service, times, label=hub.city.name))
            cities.append(hub.city)
            node_hubs.append(hub)
            expected.append(people)
            customers.append(shares[index])
            requests.append(hub.requests if index == 0 else 0)
            slots.append(windows)
    water = default_water()
    km, roads = water.roads(cities, distance_matrix(cities))  # roads go around the Great Lakes
    minutes = np.ceil(settings.drive_minutes(1.0) * km / STEP_MINUTES - 1e-9) * STEP_MINUTES
    np.fill_diagonal(minutes, 0.0)
    instance = Instance(tuple(nodes), with_nights(minutes, settings.daily_drive_hours * 60), 0, 1, budget)
    return Built(
        request, instance, instance, minutes, km, cities, node_hubs, expected, slots, no_slot, customers, requests,
        towns or default_towns(), clock, service, water, roads,
    )  # fmt: skip


def planning_service(request: TourRequest) -> float:
    """Minutes a meal stop takes in the plan: the longest chosen meal, and always longer than a meal's
    window, so that one city never gets two meals back to back in the same slot."""
    longest = max(w.duration for w in request.meals).total_seconds() / 60
    widest = max(_minutes_between(w.opens, w.closes) for w in request.meals)
    return max(longest, widest + STEP_MINUTES)


def _minutes_between(early: dt.time, late: dt.time) -> float:
    return (late.hour - early.hour) * 60.0 + late.minute - early.minute


def with_nights(minutes: FloatArray, limit: float, factor: float = 1.0) -> FloatArray:
    """Awake travel times: a leg longer than the daily limit rests out the rest of each awake day.

    It may start late in a day, so it is given one rest more than it would need leaving at dawn. With
    ``factor`` > 1 driving counts slower, which leaves the solver less room to pack one day with driving.
    """
    nights = np.where(minutes > limit + 1e-9, np.ceil(minutes / limit - 1e-9), 0)
    result: FloatArray = factor * minutes + nights * np.maximum(AWAKE_MINUTES - factor * limit, 0.0)
    return result


def _hub_slots(
    request: TourRequest, clock: TourClock, hub: Hub, span: tuple[float, float], service: float
) -> list[Slot]:
    """The hub's meal slots on every tour day in its own timezone, on the awake clock."""
    pins = [pin for pin in request.pins if pin.city.geonameid == hub.city.geonameid]
    depart, budget = span
    found = []
    for day in range(request.days):
        date = request.first_day + dt.timedelta(days=day)
        for window in request.meals:
            if any((p.day is not None and p.day != day) or (p.slot not in (None, window.slot)) for p in pins):
                continue
            real = Window(
                clock.minute(local_to_utc(date, window.opens, hub.city.timezone).utc),
                clock.minute(local_to_utc(date, window.closes, hub.city.timezone).utc),
            )
            opens, closes = clock.awake(real.opens), clock.awake(real.closes)
            if closes >= depart and opens + service <= budget and closes > opens - 1e-9:
                found.append(Slot(max(opens, depart), closes, day, window.slot, real))
    return found


# ------------------------------------------------------------------------------- solving and the limit


def solve_within_limit(
    built: Built, fixed: Routes = (), seconds: float | None = None, rounds: int = len(SLOWER)
) -> Routes:
    """The best routes (one per team) that pass the simulation.

    Each round solves the instance; when the simulation finds a leg that breaks a rule, that leg is made
    two hours longer and all driving counts a little slower in the next round. Every round's routes,
    trimmed until they pass and filled with what still fits, are a candidate; the best total score wins.

    ``fixed``: routes of the first teams, kept as they are; the solver plans the other teams over the meal
    nodes left, without the slots the fixed teams' meals hold (the solver does not know that two teams never
    hold a meal in one place at one meal: told afterwards, a team's route slips a slot and is trimmed).
    ``seconds``: the first round's time (the settings' ``solve_seconds`` if not given); ``rounds``: at most
    this many.
    """
    settings, teams = built.request.settings, built.request.teams - len(fixed)
    taken = frozenset[Hashable]()
    for route in fixed:
        taken |= built.occupied(built.simulate(route, taken))
    nodes, ids = _free_nodes(built, {node for route in fixed for node in route}, taken)
    position = {node: index for index, node in enumerate(ids)}
    minutes = built.minutes[np.ix_(ids, ids)]
    best: tuple[float, Routes] | None = None
    extra = np.zeros_like(minutes)  # penalties on legs that broke a rule so far
    start = 0
    if fixed and built.learnt is not None:
        start, penalties = built.learnt
        extra = penalties[np.ix_(ids, ids)].copy()
    first = settings.solve_seconds if seconds is None else seconds
    for attempt, factor in enumerate(SLOWER[start : start + rounds], start):
        limit = first if attempt == start else settings.repair_seconds
        travel = with_nights(minutes, built.limit, factor) + extra
        instance = Instance(tuple(nodes), travel, 0, 1, built.instance.budget, routes=teams)
        solution = solve(instance, seed=settings.seed, time_limit=limit)
        proposed = [tuple(ids[i] for i in route) for route in [*solution.routes, *[()] * teams][:teams]]
        kept: list[tuple[int, ...]] = list(fixed)
        passed, held = True, taken
        for route in proposed:  # team after team: a later team finds the slots of the earlier ones taken
            built.clashed |= not built.occupied(built.simulate(route)).isdisjoint(held)
            failed = built.simulate(route, held).failed
            if failed is not None and failed != (0, 1):  # the bare start → end route must stay possible
                extra[position[failed[0]], position[failed[1]]] += PENALTY_MINUTES  # (a clash too: steer away)
            passed &= failed is None
            kept.append(trim_to_limit(built, route, held) if failed else route)
            held |= built.occupied(built.simulate(kept[-1], held))
        filled = fill_within_limit(built, tuple(kept))  # cheap (~0.03 s): compare the rounds as they would end
        score = sum(_score(built, route) for route in filled)
        if best is None or score > best[0] + 1e-9:
            best = (score, filled)
        if passed:
            break  # it passes: further rounds would only count driving slower still
    if not fixed:
        built.learnt = (attempt, extra)
    assert best is not None
    return best[1]


def _free_nodes(built: Built, used: set[int], taken: frozenset[Hashable]) -> tuple[list[Node], list[int]]:
    """The instance's nodes that other routes may still use (the start and end first), each with only the
    windows whose slot no meal holds yet; with the node ids they stand for."""
    nodes, ids = [built.instance.nodes[0], built.instance.nodes[1]], [0, 1]
    for node in built.real.customers:
        if node in used:
            continue
        free = [slot for window, slot in enumerate(built.slots[node]) if built._occupies(node, window) not in taken]
        if not free:
            continue
        original = built.instance.nodes[node]
        if len(free) < len(built.slots[node]):
            original = dataclasses.replace(original, windows=tuple(TimeWindow(s.opens, s.closes) for s in free))
        nodes.append(original)
        ids.append(node)
    return nodes, ids


def _score(built: Built, route: Sequence[int]) -> float:
    return sum(built.real.nodes[node].score for node in route)


def finish_route(built: Built, routes: Routes) -> Routes:
    """Add every stop that still fits, then the least driving for the same people (meals moved within and
    between teams); again while polishing makes room for another stop."""
    everyone = len(built.real.customers)
    routes = fill_within_limit(built, routes, tries=everyone)
    for _ in range(FINISH_ROUNDS):
        polished = polish(built.judge, routes, seconds=SECONDS * len(routes))
        if polished == routes:
            break
        routes = fill_within_limit(built, polished, tries=everyone)
    return routes


def regroup(built: Built, routes: Routes) -> Routes:
    """Several teams: each team's route kept in turn and the other teams planned again around its meals'
    slots (the solver plans all teams at once without the rule that two teams never hold a meal in one
    place at one meal, so a later team's route slips a slot and loses stops); the best plan wins."""
    best, best_key = routes, built.key(routes)
    if not built.clashed:
        return routes  # the solver planned the teams around each other already
    for route in routes:
        if not route:
            continue
        solved = solve_within_limit(built, (route,), built.request.settings.repair_seconds, REGROUP_ROUNDS)
        trial = finish_route(built, solved)
        key = built.key(trial)
        if key is not None and (best_key is None or key < best_key):
            best, best_key = trial, key
    return best


def trim_to_limit(built: Built, route: tuple[int, ...], taken: frozenset[Hashable] = frozenset()) -> tuple[int, ...]:
    """Remove one stop at a time until the route passes: the removal that passes with the most score, or
    failing that the one that gets furthest along the route (then the cheapest). ``taken``: the slots of
    the teams before this one.

    Removing a stop never makes the rest later: one leg replaces two (triangle inequality) and a meal less
    is time saved, so this ends with a route that passes or with the bare start → end.
    """
    while route and not built.simulate(route, taken).feasible:
        options = []
        for victim in route:
            shorter = tuple(n for n in route if n != victim)
            simulation = built.simulate(shorter, taken)
            options.append((simulation.feasible, len(simulation.visits), _score(built, shorter), -victim, shorter))
        *_, route = max(options)
    return route


def fill_within_limit(built: Built, routes: Routes, tries: int = FILL_CANDIDATES) -> Routes:
    """Greedy insertion on the real rules: add the best-scoring stop that still passes the simulation (in
    the team's route where it adds the least driving), until none does. The search sees the limit only
    through penalties, so it may skip a stop that fits."""
    scores = [node.score for node in built.real.nodes]
    filled = tuple(routes)
    if built.key(filled) is None:
        return filled
    # A stop that fits nowhere does not fit once another is added (a stop more never makes the rest earlier),
    # so it is not tried again. (Between teams this is not quite so: a team's meal made later by a new stop
    # may leave its slot to a later team. The polish makes such moves.)
    nowhere: set[int] = set()
    while True:
        visited = {node for route in filled for node in route}
        unvisited = sorted((n for n in built.real.customers if n not in visited), key=lambda n: (-scores[n], n))
        for node in unvisited[:tries]:
            if node in nowhere:
                continue
            options = [(added, team, longer) for team in range(len(filled))
                       for added, longer in [_insertion(built, filled, team, node)] if longer is not None]  # fmt: skip
            if options:
                _, team, longer = min(options)
                filled = (*filled[:team], longer, *filled[team + 1 :])
                break
            nowhere.add(node)
        else:
            return filled


def _insertion(built: Built, routes: Routes, team: int, node: int) -> tuple[float, tuple[int, ...] | None]:
    """The team's route with ``node`` where it adds the least driving, if the plan passes with it anywhere
    (and that driving: a team not needed so far would drive all of its route)."""
    route = routes[team]
    path = [built.real.start, *route, built.real.end]
    minutes = built.minutes
    setting_off = float(minutes[path[0], path[1]]) if idle(routes, team) else 0.0
    # No day drives more than the limit and all driving is within the tour's days: a route whose legs add up to
    # more cannot pass, which settles most places a stop fits nowhere without simulating them.
    room = driving_room(built, route)

    def extra(i: int) -> float:
        return float(minutes[path[i], node] + minutes[node, path[i + 1]] - minutes[path[i], path[i + 1]])

    for position in sorted(range(len(route) + 1), key=extra):
        if extra(position) > room + EPS:
            break  # and so does every later place, which adds more
        longer = (*route[:position], node, *route[position:])
        if built.key((*routes[:team], longer, *routes[team + 1 :])) is not None:
            return extra(position) + setting_off, longer
    return math.inf, None


def driving_room(built: Built, route: Sequence[int]) -> float:
    """Minutes of driving a team could add to ``route`` (its meals) before its legs alone break the rules: the
    daily limit times the tour's days, less the legs' minutes."""
    return built.limit * built.request.days - built.legs_minutes(route)


# --------------------------------------------------------------------------------------- the itinerary


def _itinerary(built: Built, routes: Routes) -> Itinerary:
    """Each team's days, read from the simulation of its route (team after team)."""
    request = built.request
    meals: list[PlannedMeal] = []
    legs: list[Leg] = []
    nights: list[Night] = []
    notes: list[str] = []
    drive_by_day: list[float] = []
    visited = [node for route in routes for node in route]
    for team, driven in enumerate(built.simulations(routes)):
        if driven is None:  # not needed: stays home
            notes += [""] * request.days
            drive_by_day += [0.0] * request.days
            continue
        # a failing route only when even the bare start → end fails (see the warnings)
        simulation = driven if driven.feasible else built.simulate(())
        team_meals = _meals(built, simulation, team)
        team_legs, team_nights = days.legs_and_nights(days_road(built), simulation, team_meals)
        team_legs = [dataclasses.replace(leg, team=team) for leg in team_legs]
        team_nights = [dataclasses.replace(night, team=team) for night in team_nights]
        notes += days.day_notes(request, team_meals, team_legs, team_nights,
                                lambda legs: _passed_by(built, visited, legs))  # fmt: skip
        meals += team_meals
        legs += team_legs
        nights += team_nights
        drive_by_day += [minutes / 60 for minutes in simulation.per_day(request.days)]
    return Itinerary(
        start=request.start,
        end=request.end,
        first_day=request.first_day,
        days=request.days,
        daily_drive_hours=request.settings.daily_drive_hours,
        meals=tuple(meals),
        legs=tuple(legs),
        drive_by_day=tuple(drive_by_day),
        nights=tuple(nights),
        day_notes=tuple(notes),
        teams=len(routes),
    )


def _meals(built: Built, simulation: Simulation, team: int) -> list[PlannedMeal]:
    request, clock = built.request, built.clock
    meals = []
    for visit in simulation.visits[:-1] if simulation.feasible else []:
        slot = built.slots[visit.node][visit.window]
        starts = clock.instant(visit.start)
        hub = built.hubs[visit.node]
        meals.append(
            PlannedMeal(
                city=built.cities[visit.node],
                slot=slot.slot,
                day=slot.day,
                starts_at=starts,
                ends_at=starts + request.window(slot.slot).duration,
                expected=built.customers[visit.node],
                pinned=hub is not None and hub.pinned,
                requests=built.requests[visit.node],
                team=team,
            )
        )
    return meals


def days_road(built: Built) -> days.Road:
    factor = built.request.settings.road_factor
    return days.Road(
        built.request, built.cities, lambda a, b: float(built.km[a, b]) * factor, built.clock.instant, built.towns,
        built.along,
    )  # fmt: skip


def _passed_by(built: Built, route: Sequence[int], legs: Sequence[Leg]) -> list[City]:
    """Places with a possible meal within the counting radius of these drives that the route skips, biggest
    first (their reasons are in the plan's left-out list)."""
    visited = {id(built.hubs[node]) for node in route}
    skipped = {id(hub): hub for hub in built.hubs if hub is not None and id(hub) not in visited}
    if not skipped:
        return []
    hubs = list(skipped.values())
    lats = np.array([hub.city.latitude for hub in hubs])
    lons = np.array([hub.city.longitude for hub in hubs])
    near = np.zeros(len(hubs), dtype=bool)
    for leg in legs:
        for step in range(PASS_SAMPLES + 1):
            point = along(leg.origin, leg.destination, step / PASS_SAMPLES)
            near |= haversine(*point, lats, lons) <= built.request.settings.radius_km
    return [hub.city for hub in sorted((h for h, close in zip(hubs, near, strict=True) if close),
                                       key=lambda h: (-h.customers, h.city.geonameid))]  # fmt: skip


def _pin_warnings(built: Built, routes: Routes) -> list[str]:
    visited = {built.cities[n].geonameid for route in routes for n in route}
    return [
        f"Pinned stop {pin.city.name} could not be fitted in: it is too far from the route or its slot is "
        "taken by the driving limit. Move it to another day or drop it."
        for pin in built.request.pins
        if pin.city.geonameid not in visited
    ]


def _idle_warnings(routes: Routes) -> list[str]:
    spare = [team + 1 for team in range(len(routes)) if idle(routes, team)]
    if not spare:
        return []
    which = ", ".join(f"team {team}" for team in spare)
    return [
        f"{which.capitalize()} would have no meals: fewer teams already meet every customer within reach. "
        f"Plan with {plural(len(routes) - len(spare), 'team')}."
    ]


def _limit_warnings(built: Built, routes: Routes) -> list[str]:
    if built.key(routes) is not None:
        return []
    settings = built.request.settings
    return [
        f"Even without stops, {built.request.start.name} → {built.request.end.name} does not fit "
        f"{settings.daily_drive_hours:g} h of daytime driving a day before the arrival deadline. Add days or "
        "raise the daily driving limit."
    ]


# ------------------------------------------------------------------------------------- the explanation


def explain(
    built: Built,
    routes: Routes,
    short: Shortlist,
    demand: Sequence[Demand],
    home: dict[int, Hub],
    *,
    improve: bool = True,
) -> list[LeftOut] | Routes:
    """Why the biggest cities without a meal got none, biggest first, each reason checked: a city that
    could have a meal is tried in every team's route (:func:`verify`). If that finds better routes (the
    search missed a swap) and ``improve``, they are returned instead, to be finished and explained again."""
    visited_hubs = {id(built.hubs[n]) for route in routes for n in route}
    groups = {
        Reason.OFF_ROUTE: {id(h) for h in short.off_route},
        Reason.BELOW_MINIMUM: {id(h) for h in short.below_minimum},
        Reason.NOT_SHORTLISTED: {id(h) for h in short.not_shortlisted},
        Reason.NO_SLOT: {id(h) for h in built.no_slot},
    }
    left: list[LeftOut] = []
    for entry in sorted(demand, key=lambda d: (-d.customers, d.city.geonameid)):
        if len(left) >= EXPLAINED or entry.customers == 0:
            break
        hub = home.get(entry.city.geonameid)
        if hub is not None and id(hub) in visited_hubs:
            continue
        counted = hub is not None and hub.city.geonameid != entry.city.geonameid
        with_hub = f" (counted with {hub.city.name})" if counted and hub is not None else ""
        if hub is None or entry.city.geonameid in built.request.dropped:  # dropped cities are never hubs
            left.append(LeftOut(entry.city, entry.customers, Reason.DROPPED, "dropped by a manager"))
            continue
        reason = next((reason for reason, members in groups.items() if id(hub) in members), None)
        if reason is not None:
            left.append(LeftOut(entry.city, entry.customers, reason, _structural(reason, hub, built) + with_hub))
            continue
        verdict = verify(built, routes, hub, improve=improve)
        if isinstance(verdict, tuple):
            return verdict
        left.append(dataclasses.replace(verdict, city=entry.city, customers=entry.customers,
                                        detail=verdict.detail + with_hub))  # fmt: skip
    return left


def _structural(reason: Reason, hub: Hub, built: Built) -> str:
    """Reasons true by how the candidates are chosen (the ellipse, the minimum, the shortlist, the dates)."""
    request, settings = built.request, built.request.settings
    if reason is Reason.OFF_ROUTE:
        return (
            f"too far off the route: a {detour_km(request, hub.city):,.0f} km detour, and the whole tour can "
            f"cover about {reach_km(request):,.0f} km in {plural(request.days, 'day')}"
        )
    if reason is Reason.BELOW_MINIMUM:
        return (
            f"only {plural(hub.expected, 'customer')} within {settings.radius_km:g} km, below the minimum of "
            f"{settings.min_attendance} per meal"
        )
    if reason is Reason.NOT_SHORTLISTED:
        return f"{settings.max_candidates} places with more customers near the route came first"
    return "no meal slot falls inside the tour's dates there"


def verify(built: Built, routes: Routes, hub: Hub, *, improve: bool = True) -> LeftOut | Routes:
    """Try the hub's meal in each team's route: in place of each meal (the cheapest swap that fits), else
    added with one rule lifted at a time, to name the rule that keeps it out. A swap that makes the plan
    better is returned as the better routes."""
    node = next(n for n in built.real.customers if built.hubs[n] is hub)
    best = built.key(routes)
    assert best is not None, "the plan's routes pass"
    simulations = built.simulations(routes)
    trials = []
    for team, route in enumerate(routes):
        for victim in route:
            without = tuple(n for n in route if n != victim)
            for position in range(len(without) + 1):
                trial = (*routes[:team], (*without[:position], node, *without[position:]), *routes[team + 1 :])
                trials.append((built.bound(trial), victim, team, trial))
    # The best swap that passes: simulated in the order of their bounds, until no bound can beat it.
    swap: tuple[Key, int, int, Routes] | None = None
    for bound, victim, team, trial in sorted(trials):
        if swap is not None and bound > swap[0]:
            break
        key = built.key(trial)
        if key is not None and (swap is None or (key, victim, team, trial) < swap):
            swap = (key, victim, team, trial)
    if swap is not None:
        key, victim, team, trial = swap
        gain = tuple(a - b for a, b in zip(key, best, strict=True))
        if gain < (0.0, 0.0, 0.0) and improve:
            return trial
        current = simulations[team]
        assert current is not None, "a team with a meal to swap drives"
        return _instead(built, hub, node, victim, gain, current)
    rule = next(
        (
            rule for rule in LIFTABLE
            if any(fits_without(built, route, node, rule, built.taken_by_others(routes, team))
                   for team, route in enumerate(routes))
        ),
        Reason.NO_ROOM,
    )  # fmt: skip
    return LeftOut(hub.city, hub.customers, rule, _blocked(rule, built))


def _instead(
    built: Built, hub: Hub, node: int, victim: int, gain: tuple[float, ...], current: Simulation
) -> LeftOut:
    """It fits, but only instead of a meal that meets more people (or as many, with less driving).
    ``gain`` is the swap's route key minus the kept route's (people negated: > 0 means fewer people)."""
    visit = next(v for v in current.visits if v.node == victim)
    slot = built.slots[victim][visit.window]
    meal = f"the {slot.slot.value} in {built.cities[victim].name} on day {slot.day + 1}"
    people = who_comes(built.customers[victim], built.requests[victim])
    there = who_comes(built.customers[node], built.requests[node])
    if len([n for n in built.real.customers if built.hubs[n] is hub]) > 1:
        there += ", its customers being split over several meals"
    if gain < (0.0, 0.0, 0.0):  # a better swap found too late to make (after EXPLAIN_ROUNDS)
        why = f"which meets {'fewer' if gain[0] < 0 else 'as many'} ({people}); a re-plan may swap them"
    elif gain[0] > 0 and built.requests[victim]:
        weight = built.request.settings.request_weight
        like = f"{weight:g} customer{'' if weight == 1 else 's'}"
        why = f"which counts for more ({people}; a stop request counts like {like}) than a meal there ({there})"
    elif gain[0] > 0:
        why = f"which meets more ({people}) than a meal there would ({there})"
    else:
        why = f"which meets as many ({people}) with {gain[1] / 60:.1f} h less driving"
    return LeftOut(
        hub.city, hub.customers, Reason.FITS_INSTEAD, f"it fits only in place of {meal}, {why}",
        instead_of=built.cities[victim],
    )


def fits_without(
    built: Built, route: Sequence[int], node: int, rule: Reason, taken: frozenset[Hashable] = frozenset()
) -> bool:
    """Whether the node fits somewhere in the route once ``rule`` is lifted (the others all kept; ``taken``:
    the slots other teams' meals hold)."""
    road = relaxed(built, rule)
    return any(
        simulate(road, (*route[:position], node, *route[position:]), built.real.start, taken).feasible
        for position in range(len(route) + 1)
    )


def relaxed(built: Built, rule: Reason) -> Road:
    """The tour's rules with one lifted: the daily driving limit, the meal slots, the end deadline (or all
    three)."""
    road = built.road
    anytime = [Window(-math.inf, math.inf)]
    if rule is Reason.DRIVING_LIMIT:
        return dataclasses.replace(road, limit=math.inf)
    # Without slots every meal is in "window 0": a place's meals then only need to be different meals, and a
    # team may eat as often as it likes (one lunch a day is a rule of the slots).
    if rule is Reason.MEAL_SLOTS:
        return dataclasses.replace(road, windows=lambda node: anytime, occupies=_own_meal, sitting=_own_meal)
    if rule is Reason.DEADLINE:
        return dataclasses.replace(road, deadline=math.inf)
    if rule is Reason.COMBINED:
        return dataclasses.replace(
            road, limit=math.inf, windows=lambda node: anytime, occupies=_own_meal, sitting=_own_meal, deadline=math.inf
        )
    raise ValueError(rule)


def _own_meal(node: int, window: int) -> int:
    return node


def _blocked(rule: Reason, built: Built) -> str:
    request = built.request
    hours = f"{request.settings.daily_drive_hours:g} h"
    if rule is Reason.DRIVING_LIMIT:
        return f"wherever it goes in the route, a meal there breaks the {hours}-a-day driving limit"
    if rule is Reason.MEAL_SLOTS:
        return (
            "wherever it goes in the route, the team gets there outside its meal slots, has had that meal already "
            "that day, or then misses the next meal"
        )
    if rule is Reason.DEADLINE:
        return f"a meal there makes the team reach {request.end.name} after the arrival deadline"
    if rule is Reason.COMBINED:
        return (
            f"no single rule keeps it out, but together the {hours}-a-day driving limit, the meal slots and "
            "the arrival deadline do"
        )
    return "it does not fit the tour's days even without the driving limit, meal slots or deadline"
