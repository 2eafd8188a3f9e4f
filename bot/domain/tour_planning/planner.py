"""A tour request → an OPTW instance → a solution that respects the daily driving limit → an itinerary.

The tour clock counts minutes from midnight of the first day in the start city. Node 0 is the start city
(open from the departure time), node 1 the end city (reached by the arrival deadline), and every other node
is one possible meal at a hub: its windows are that hub's meal slots on every tour day, each converted
from the hub's *own* timezone (so DST changes and zone crossings are exact), its service the longest
chosen meal, its score the customers it meets. Waiting is allowed, so a night is waiting at the city of
the day's last meal; the driving of a leg counts for the day it starts (leaving right after the meal).

The daily driving limit L is enforced in two steps:

1. In the instance, a leg longer than L takes its nights with it: it is driven L hours a day with a rest
   of 24 − L hours in between, so its travel time is ``t + ⌊t / L⌋ · (24 h − L)``. A long empty stretch
   thus costs days of the calendar, as it would on the road, and no single day of it exceeds L.
2. On the result, each leg's driving is placed into daylight, at most L per day (``driving.place``); a leg
   that does not fit gets one more night in the instance, which is solved again for a few short rounds;
   if a leg still does not fit, the cheapest stops next to it are removed while the route stays valid.
   Removing a stop never breaks a time window: leaving a stop out only makes the rest of the route
   earlier (great-circle times obey the triangle inequality), and waiting absorbs that.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.domain.cities import City
from bot.domain.errors import InvalidInput
from bot.domain.meals import MealSlot
from bot.domain.optw import Instance, Node, TimeWindow, check_solution, schedule_route, solve
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
from bot.domain.tour_planning.driving import Drive, Placement, place
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

STEP_MINUTES = 15  # legs are rounded up to this, so meals start on the quarter hour
REPAIR_ROUNDS = 3
EXPLAINED = 8  # the biggest cities left out that the answer explains


@dataclass(frozen=True, slots=True)
class Slot:
    """One window of a meal node, remembered with its day and meal (the solver only sees the times)."""

    opens: float
    closes: float
    day: int
    slot: MealSlot


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

    @property
    def limit(self) -> float:
        return self.request.settings.daily_drive_hours * 60


def plan_tour(request: TourRequest, demand: Sequence[Demand]) -> Itinerary:
    """The itinerary that meets the most customers within the request's limits, with explanations."""
    demand = _with_pins(request, [d for d in demand if d.people > 0])
    if not any(d.people for d in demand):
        raise InvalidInput(
            "There are no customers with a city yet, so there is nobody to meet. Import your customer list "
            "(`/customers import`) or ask customers to `/city set`."
        )
    _check_reachable(request)
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


def _check_reachable(request: TourRequest) -> None:
    settings = request.settings
    direct = _great_circle(request.start, request.end)
    hours = settings.drive_minutes(direct) / 60
    limit = request.days * settings.daily_drive_hours
    if hours > limit:
        raise InvalidInput(
            f"{request.start.name} → {request.end.name} is about {hours:.0f} h of driving, but {request.days} "
            f"day(s) at {settings.daily_drive_hours:g} h a day allow only {limit:g} h. Add days or raise the "
            "daily driving limit."
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
    return Built(request, instance, instance, minutes, km, cities, node_hubs, expected, slots, no_slot, clock)


def planning_service(request: TourRequest) -> float:
    """Minutes a meal stop takes in the plan: the longest chosen meal, and always longer than a meal's
    window, so that one city never gets two meals back to back in the same slot."""
    longest = max(w.duration for w in request.meals).total_seconds() / 60
    widest = max(_minutes_between(w.opens, w.closes) for w in request.meals)
    return max(longest, widest + STEP_MINUTES)


def _minutes_between(early: dt.time, late: dt.time) -> float:
    return (late.hour - early.hour) * 60.0 + late.minute - early.minute


def with_nights(minutes: FloatArray, limit: float) -> FloatArray:
    """Awake travel times: a leg longer than the daily limit rests out the rest of each awake day.

    It may start late in a day, so it is given one rest more than it would need leaving at dawn.
    """
    nights = np.where(minutes > limit + 1e-9, np.ceil(minutes / limit - 1e-9), 0)
    result: FloatArray = minutes + nights * (AWAKE_MINUTES - limit)
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
            opens = clock.awake(clock.minute(local_to_utc(date, window.opens, hub.city.timezone).utc))
            closes = clock.awake(clock.minute(local_to_utc(date, window.closes, hub.city.timezone).utc))
            if closes >= depart and opens + service <= budget and closes > opens - 1e-9:
                found.append(Slot(max(opens, depart), closes, day, window.slot))
    return found


# ------------------------------------------------------------------------------- solving and the limit


def solve_within_limit(built: Built) -> tuple[tuple[int, ...], list[int]]:
    """The solver's route, re-solved with a night added to legs over the limit and, failing that, trimmed.

    Returns the route (node ids) and the nodes removed only to respect the driving limit.
    """
    settings = built.request.settings
    travel = built.instance.travel.copy()
    instance = built.instance
    route: tuple[int, ...] = ()
    for attempt in range(REPAIR_ROUNDS + 1):
        seconds = settings.solve_seconds if attempt == 0 else settings.repair_seconds
        solution = solve(instance, seed=settings.seed, time_limit=seconds)
        route = solution.routes[0] if solution.routes else ()
        over = over_limit(built, route)
        if not over:
            return route, []
        for origin, target, _ in over:
            if (origin, target) != (0, 1):  # the bare start → end route must stay possible
                travel[origin, target] += AWAKE_MINUTES - built.limit  # this leg needs another night
        instance = Instance(instance.nodes, travel, 0, 1, instance.budget)
    return trim_to_limit(built, route)


def drives(built: Built, route: Sequence[int]) -> list[tuple[int, int, Drive]]:
    """Each leg of the route (start and end included) with the interval its driving must fit in."""
    visits, _ = schedule_route(built.real, route)
    legs = []
    for before, after in itertools.pairwise(visits):
        clock = built.clock
        latest = built.real.budget if after.node == built.real.end else after.start
        drive = Drive(
            minutes=float(built.minutes[before.node, after.node]),
            earliest=clock.real(before.start + built.real.nodes[before.node].service),
            latest=clock.real(latest),
            daylight=clock.daylight,
            day_of=clock.day_of,
        )
        legs.append((before.node, after.node, drive))
    return legs


def placement(built: Built, route: Sequence[int]) -> tuple[list[tuple[int, int, Drive]], Placement]:
    legs = drives(built, route)
    return legs, place([drive for _, _, drive in legs], built.limit)


def over_limit(built: Built, route: Sequence[int]) -> list[tuple[int, int, float]]:
    """Legs whose driving does not fit in daylight within the daily limit, with the minutes left over."""
    legs, placed = placement(built, route)
    return [(a, b, left) for (a, b, _), left in zip(legs, placed.overflow, strict=True) if left >= 1.0]


def trim_to_limit(built: Built, route: tuple[int, ...]) -> tuple[tuple[int, ...], list[int]]:
    """Remove the cheapest stops next to legs over the limit until every day fits (pinned stops last)."""
    removed: list[int] = []
    nodes = built.real.nodes
    while over := over_limit(built, route):
        touching = sorted({n for a, b, _ in over for n in (a, b) if n in route}, key=lambda n: (nodes[n].score, n))
        shorter = [
            candidate
            for victim in touching
            if check_solution(built.real, [candidate := tuple(n for n in route if n != victim)]).feasible
        ]
        if not shorter:
            break  # nothing left to remove (or removing breaks a window): reported as a warning
        removed.extend(set(route) - set(shorter[0]))
        route = shorter[0]
    return route, removed


# --------------------------------------------------------------------------------------- the itinerary


def _itinerary(built: Built, route: Sequence[int]) -> Itinerary:
    request = built.request
    check = check_solution(built.real, [route])
    assert check.feasible, check.problems  # trusted nothing: the solver's route is re-checked here
    visits = check.schedules[0] if check.schedules else ()
    meals = []
    for visit in visits[1:-1]:
        slot = next(s for s in built.slots[visit.node] if s.opens - 1e-6 <= visit.start <= s.closes + 1e-6)
        starts = built.clock.instant(built.clock.real(visit.start))
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
    drives_, placed = placement(built, route)
    legs = [
        Leg(
            origin=built.cities[a],
            destination=built.cities[b],
            road_km=round(float(built.km[a, b]) * request.settings.road_factor, 1),
            hours=drive.minutes / 60,
            day=min(parts, default=drive.day_of(begins)),
            departs_at=built.clock.instant(begins),
        )
        for (a, b, drive), parts, begins in zip(drives_, placed.per_leg, placed.starts, strict=True)
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
        drive_by_day=tuple(minutes / 60 for minutes in placed.per_day(request.days)),
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
    limit = built.request.settings.daily_drive_hours
    return [
        f"{built.cities[a].name} → {built.cities[b].name} needs {left / 60:.1f} h more driving than "
        f"{limit:g} h a day in daylight allows: there is no stop to break it. Add days or raise the limit."
        for a, b, left in over_limit(built, route)
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
            f"can cover about {reach_km(request):,.0f} km in {request.days} day(s)"
        )
    if reason is Reason.BELOW_MINIMUM:
        return (
            f"only {hub.expected} customer(s) within {settings.radius_km:g} km{with_hub}, below the minimum of "
            f"{settings.min_attendance} per meal"
        )
    if reason is Reason.NOT_SHORTLISTED:
        return f"{settings.max_candidates} places with more customers near the route came first{with_hub}"
    if reason is Reason.NO_SLOT:
        return f"no meal slot falls inside the tour's dates there{with_hub}"
    if reason is Reason.DRIVING_LIMIT:
        return f"left out to keep every day within {settings.daily_drive_hours:g} h of driving{with_hub}"
    extra = _extra_driving_hours(built, route, hub)
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
