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
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.domain.cities import City
from bot.domain.errors import InvalidInput
from bot.domain.meals import MealSlot
from bot.domain.optw import Instance, Node, TimeWindow, solve
from bot.domain.timeparse import local_to_utc
from bot.domain.tour_planning.candidates import (
    FloatArray,
    Hub,
    Shortlist,
    detour_km,
    distance_matrix,
    group_into_hubs,
    reach_km,
    shortlist,
)
from bot.domain.tour_planning.driving import Road, Simulation, Window, simulate
from bot.domain.tour_planning.model import (
    Demand,
    Itinerary,
    LeftOut,
    Leg,
    PlannedMeal,
    Reason,
    TourRequest,
)
from bot.domain.tour_planning.tourclock import AWAKE_MINUTES, TourClock
from bot.domain.words import plural

STEP_MINUTES = 15  # legs are rounded up to this, so meals start on the quarter hour
# Driving counted this much slower in each solving round, until every day fits the limit.
SLOWER = (1.0, 1.1, 1.25, 1.45, 1.7)
PENALTY_MINUTES = 120.0  # added to a leg that broke a rule, for the next round
FILL_CANDIDATES = 40  # the best unvisited stops tried by the final greedy fill
ON_THE_WAY_HOURS = 0.5  # a skipped stop this close to the route was skipped for time, not distance
EXPLAINED = 8  # the biggest cities left out that the answer explains


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
    expected: list[int]
    slots: list[list[Slot]]
    no_slot: list[Hub]

    clock: TourClock
    service: float

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
            service=self.service,
            minutes=lambda a, b: float(self.minutes[a, b]),
            windows=lambda node: [slot.window for slot in self.slots[node]],
            daylight=lambda node, day: clock.daylight_in(self.cities[node].timezone, day),
            day_of=lambda node, minute: clock.day_in(self.cities[node].timezone, minute),
            end=self.real.end,
        )

    def simulate(self, route: Sequence[int]) -> Simulation:
        return simulate(self.road, route, self.real.start)


def plan_tour(request: TourRequest, demand: Sequence[Demand]) -> Itinerary:
    """The itinerary that meets the most customers within the request's limits, with explanations."""
    demand = _with_pins(request, [d for d in demand if d.people > 0])
    if not any(d.people for d in demand):
        raise InvalidInput(
            "There are no customers with a city yet, so there is nobody to meet. Import your customer list "
            "(`/customers import`) or ask customers to `/city set`."
        )
    check_reachable(request)
    grouped = group_into_hubs(demand, request)
    short = shortlist(request, grouped.hubs)
    built = build_instance(request, short.chosen)
    route, cut = solve_within_limit(built)
    itinerary = _itinerary(built, route)
    left_out = explain(built, route, cut, short, demand, grouped.home)
    warnings = _pin_warnings(built, route) + _limit_warnings(built, route)
    return dataclasses.replace(
        itinerary, left_out=tuple(left_out), warnings=tuple(warnings), candidates=len(short.chosen)
    )


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
    return float(distance_matrix([a, b])[0, 1])


# ------------------------------------------------------------------------------------------ the instance


def build_instance(request: TourRequest, hubs: Sequence[Hub]) -> Built:
    """Node 0 the start, node 1 the end, then each hub's meals; times on the awake clock."""
    settings = request.settings
    clock = TourClock(request.first_day, request.days, request.start.timezone)
    depart = clock.awake(clock.minute(request.departs_at))
    budget = clock.awake(clock.minute(request.arrives_by))
    service = planning_service(request)
    cities: list[City] = [request.start, request.end]
    node_hubs: list[Hub | None] = [None, None]
    expected: list[int] = [0, 0]
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
        for index, people in enumerate(hub.meals(settings)):
            score = people + (bonus if index == 0 else 0.0)
            times = tuple(TimeWindow(w.opens, w.closes) for w in windows)
            nodes.append(Node(max(score, 0.001), service, times, label=hub.city.name))
            cities.append(hub.city)
            node_hubs.append(hub)
            expected.append(people)
            slots.append(windows)
    km = distance_matrix(cities)
    minutes = np.ceil(settings.drive_minutes(1.0) * km / STEP_MINUTES - 1e-9) * STEP_MINUTES
    np.fill_diagonal(minutes, 0.0)
    instance = Instance(tuple(nodes), with_nights(minutes, settings.daily_drive_hours * 60), 0, 1, budget)
    return Built(request, instance, instance, minutes, km, cities, node_hubs, expected, slots, no_slot, clock, service)


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


def solve_within_limit(built: Built) -> tuple[tuple[int, ...], list[int]]:
    """The best route that passes the simulation, and the nodes removed only to make it pass.

    Each round solves the instance; when the simulation finds a leg that breaks a rule, that leg is made
    two hours longer and all driving counts a little slower in the next round. Every round's route,
    trimmed until it passes, is a candidate; the best total score wins.
    """
    settings = built.request.settings
    best: tuple[float, tuple[int, ...], list[int]] | None = None
    extra = np.zeros_like(built.minutes)  # penalties on legs that broke a rule so far
    for attempt, factor in enumerate(SLOWER):
        seconds = settings.solve_seconds if attempt == 0 else settings.repair_seconds
        travel = with_nights(built.minutes, built.limit, factor) + extra
        instance = Instance(built.instance.nodes, travel, 0, 1, built.instance.budget)
        solution = solve(instance, seed=settings.seed, time_limit=seconds)
        route = solution.routes[0] if solution.routes else ()
        failed = built.simulate(route).failed
        if failed is not None and failed != (0, 1):  # the bare start → end route must stay possible
            extra[failed] += PENALTY_MINUTES
        kept, cut = trim_to_limit(built, route) if failed else (route, [])
        kept = fill_within_limit(built, kept)  # cheap (~0.03 s): compare the rounds as they would end
        cut = [node for node in cut if node not in kept]
        score = _score(built, kept)
        if best is None or score > best[0] + 1e-9:
            best = (score, kept, cut)
        if failed is None:
            break  # it passes: further rounds would only count driving slower still
    assert best is not None
    return best[1], best[2]


def _score(built: Built, route: Sequence[int]) -> float:
    return sum(built.real.nodes[node].score for node in route)


def trim_to_limit(built: Built, route: tuple[int, ...]) -> tuple[tuple[int, ...], list[int]]:
    """Remove one stop at a time until the route passes: the removal that passes with the most score, or
    failing that the one that gets furthest along the route (then the cheapest).

    Removing a stop never makes the rest later: one leg replaces two (triangle inequality) and a meal less
    is time saved, so this ends with a route that passes or with the bare start → end.
    """
    removed: list[int] = []
    while route and not built.simulate(route).feasible:
        options = []
        for victim in route:
            shorter = tuple(n for n in route if n != victim)
            simulation = built.simulate(shorter)
            options.append((simulation.feasible, len(simulation.visits), _score(built, shorter), -victim, shorter))
        *_, minus_victim, route = max(options)
        removed.append(-minus_victim)
    return route, removed


def fill_within_limit(built: Built, route: tuple[int, ...], tries: int = FILL_CANDIDATES) -> tuple[int, ...]:
    """Greedy insertion on the real rules: add the best-scoring stop that still passes the simulation,
    until none does. The search sees the limit only through penalties, so it may skip a stop that fits."""
    if not built.simulate(route).feasible:
        return route
    scores = [node.score for node in built.real.nodes]
    while True:
        visited = set(route)
        unvisited = sorted((n for n in built.real.customers if n not in visited), key=lambda n: (-scores[n], n))
        for node in unvisited[:tries]:
            longer = _insertion(built, route, node)
            if longer is not None:
                route = longer
                break
        else:
            return route


def _insertion(built: Built, route: tuple[int, ...], node: int) -> tuple[int, ...] | None:
    """The route with ``node`` where it adds the least driving, if it passes anywhere."""
    path = [built.real.start, *route, built.real.end]
    minutes = built.minutes

    def added(i: int) -> float:
        return float(minutes[path[i], node] + minutes[node, path[i + 1]] - minutes[path[i], path[i + 1]])

    for position in sorted(range(len(route) + 1), key=added):
        longer = (*route[:position], node, *route[position:])
        if built.simulate(longer).feasible:
            return longer
    return None


# --------------------------------------------------------------------------------------- the itinerary


def _itinerary(built: Built, route: Sequence[int]) -> Itinerary:
    request, clock = built.request, built.clock
    simulation = built.simulate(route)
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
                expected=built.expected[visit.node],
                pinned=hub is not None and hub.pinned,
            )
        )
    legs = [
        Leg(
            origin=built.cities[drive.origin],
            destination=built.cities[drive.target],
            road_km=round(float(built.km[drive.origin, drive.target]) * request.settings.road_factor, 1),
            hours=drive.minutes / 60,
            day=min(drive.parts, default=clock.day_in(built.cities[drive.origin].timezone, drive.begins)),
            departs_at=clock.instant(drive.begins),
        )
        for drive in simulation.drives
        if drive.minutes > 0
    ]
    return Itinerary(
        start=request.start,
        end=request.end,
        first_day=request.first_day,
        days=request.days,
        daily_drive_hours=request.settings.daily_drive_hours,
        meals=tuple(meals),
        legs=tuple(legs),
        drive_by_day=tuple(minutes / 60 for minutes in simulation.per_day(request.days)),
    )


def _pin_warnings(built: Built, route: Sequence[int]) -> list[str]:
    visited = {built.cities[n].geonameid for n in route}
    return [
        f"Pinned stop {pin.city.name} could not be fitted in: it is too far from the route or its slot is "
        "taken by the driving limit. Move it to another day or drop it."
        for pin in built.request.pins
        if pin.city.geonameid not in visited
    ]


def _limit_warnings(built: Built, route: Sequence[int]) -> list[str]:
    if built.simulate(route).feasible:
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
    route: Sequence[int],
    cut: Sequence[int],
    short: Shortlist,
    demand: Sequence[Demand],
    home: dict[int, Hub],
) -> list[LeftOut]:
    """Why the biggest cities without a meal got none, biggest first."""
    visited_hubs = {id(built.hubs[n]) for n in route}
    cut_hubs = {id(built.hubs[n]) for n in cut}
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
        reason = _reason(entry, hub, groups, cut_hubs, built.request)
        left.append(LeftOut(entry.city, entry.customers, reason, _detail(reason, entry, hub, built, route)))
    return left


def _reason(
    entry: Demand, hub: Hub | None, groups: dict[Reason, set[int]], cut: set[int], request: TourRequest
) -> Reason:
    if hub is None or entry.city.geonameid in request.dropped:
        return Reason.DROPPED
    for reason, members in groups.items():
        if id(hub) in members:
            return reason
    return Reason.DRIVING_LIMIT if id(hub) in cut else Reason.NOT_CHOSEN


def _detail(reason: Reason, entry: Demand, hub: Hub | None, built: Built, route: Sequence[int]) -> str:
    request, settings = built.request, built.request.settings
    with_hub = "" if hub is None or hub.city.geonameid == entry.city.geonameid else f" (counted with {hub.city.name})"
    if reason is Reason.DROPPED or hub is None:  # dropped cities are never hubs of their own
        return "dropped by a manager"
    if reason is Reason.OFF_ROUTE:
        return (
            f"too far off the route{with_hub}: a {detour_km(request, hub.city):,.0f} km detour, and the whole tour "
            f"can cover about {reach_km(request):,.0f} km in {plural(request.days, 'day')}"
        )
    if reason is Reason.BELOW_MINIMUM:
        return (
            f"only {plural(hub.expected, 'customer')} within {settings.radius_km:g} km{with_hub}, below the minimum of "
            f"{settings.min_attendance} per meal"
        )
    if reason is Reason.NOT_SHORTLISTED:
        return f"{settings.max_candidates} places with more customers near the route came first{with_hub}"
    if reason is Reason.NO_SLOT:
        return f"no meal slot falls inside the tour's dates there{with_hub}"
    if reason is Reason.DRIVING_LIMIT:
        return f"left out to keep every day within {settings.daily_drive_hours:g} h of driving{with_hub}"
    extra = _extra_driving_hours(built, route, hub)
    if extra < ON_THE_WAY_HOURS:
        return (
            f"on the way{with_hub}, but a meal there leaves no time to reach the next meals in their slots; "
            "the slots went to places that meet more customers"
        )
    return (
        f"no free meal slot where the route passes{with_hub}: a meal there would add about {extra:.1f} h of "
        "driving, and the slots went to places that meet more customers"
    )


def _extra_driving_hours(built: Built, route: Sequence[int], hub: Hub) -> float:
    """The cheapest extra driving of fitting the hub between two consecutive stops of the route."""
    settings = built.request.settings
    path = [0, *route, 1]
    gc = distance_matrix([*(built.cities[n] for n in path), hub.city])
    here = len(path)
    best = min(
        (gc[i, here] + gc[here, i + 1] - gc[i, i + 1] for i in range(len(path) - 1)),
        default=math.inf,
    )
    return settings.drive_minutes(float(best)) / 60
