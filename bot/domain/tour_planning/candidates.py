"""From customers by city to the few places worth a meal: hubs, the reachable ellipse and a shortlist.

A meal in a city meets the customers within ``radius_km`` of it. Counting every city's neighbours for
every city would count a customer once per nearby meal city, so customers are first grouped into
*hubs*: cities are taken biggest first, and each joins the nearest hub already within the radius or
becomes a hub itself. Every customer then belongs to exactly one hub, and two meals never claim the
same people. Pinned cities are always hubs of their own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from bot.domain.cities import City
from bot.domain.tour_planning.model import Demand, PlanSettings, TourRequest

EARTH_KM = 6371.0088
FloatArray = npt.NDArray[np.float64]


@dataclass
class Hub:
    """A city where a meal could be held and the customers it would meet."""

    city: City
    customers: int = 0
    requests: int = 0
    pinned: bool = False
    members: list[Demand] = field(default_factory=list)

    @property
    def expected(self) -> int:
        """People expected at its meals: requesters may already be counted as customers, so the larger."""
        return max(self.customers, self.requests)

    def score(self, settings: PlanSettings) -> float:
        return self.customers + settings.request_weight * self.requests + (settings.pin_bonus if self.pinned else 0)

    def meals(self, settings: PlanSettings) -> list[int]:
        """Expected people per meal: a second (third) meal only when each still fills its seats."""
        return _shares(self.expected, self._meal_count(settings))

    def customer_shares(self, settings: PlanSettings) -> list[int]:
        """Customers per meal (stop requests left out), split as :meth:`meals` splits the people."""
        return _shares(self.customers, self._meal_count(settings))

    def _meal_count(self, settings: PlanSettings) -> int:
        return 1 if self.pinned else min(settings.max_meals_per_city, max(1, self.expected // settings.seats_per_meal))


def _shares(total: int, count: int) -> list[int]:
    share, rest = divmod(total, count)
    return [share + (1 if i < rest else 0) for i in range(count)]


def haversine(lat: float, lon: float, lats: FloatArray, lons: FloatArray) -> FloatArray:
    """Great-circle km from one point to many."""
    p1, p2 = math.radians(lat), np.radians(lats)
    h = np.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(np.radians(lons - lon) / 2) ** 2
    result: FloatArray = 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, h)))
    return result


def distance_matrix(cities: Sequence[City]) -> FloatArray:
    lats = np.array([c.latitude for c in cities])
    lons = np.array([c.longitude for c in cities])
    p1, p2 = np.radians(lats)[:, None], np.radians(lats)[None, :]
    dlon = np.radians(lons[None, :] - lons[:, None])
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    result: FloatArray = 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, h)))
    return result


@dataclass
class Hubs:
    hubs: list[Hub]
    home: dict[int, Hub]  # city id → the hub its customers count for (dropped, unabsorbed cities missing)


def group_into_hubs(demand: Sequence[Demand], request: TourRequest) -> Hubs:
    """Biggest cities first; each joins the nearest hub within the radius or becomes one."""
    radius = request.settings.radius_km
    pinned = {pin.city.geonameid for pin in request.pins}
    order = sorted(demand, key=lambda d: (d.city.geonameid not in pinned, -d.people, d.city.geonameid))
    size = len(order)
    lats, lons = np.empty(size), np.empty(size)
    hubs: list[Hub] = []
    home: dict[int, Hub] = {}
    late: list[Demand] = []
    for entry in order:
        city = entry.city
        is_pin = city.geonameid in pinned
        if hubs and not is_pin:
            distances = haversine(city.latitude, city.longitude, lats[: len(hubs)], lons[: len(hubs)])
            nearest = int(np.argmin(distances))
            if distances[nearest] <= radius:
                _join(hubs[nearest], entry, home)
                continue
        if city.geonameid in request.dropped:
            late.append(entry)  # it may still count for a hub that appears later nearby
            continue
        lats[len(hubs)], lons[len(hubs)] = city.latitude, city.longitude
        hubs.append(Hub(city, pinned=is_pin))
        _join(hubs[-1], entry, home)
    for entry in late:
        if hubs:
            distances = haversine(entry.city.latitude, entry.city.longitude, lats[: len(hubs)], lons[: len(hubs)])
            nearest = int(np.argmin(distances))
            if distances[nearest] <= radius:
                _join(hubs[nearest], entry, home)
    return Hubs(hubs, home)


def _join(hub: Hub, entry: Demand, home: dict[int, Hub]) -> None:
    hub.customers += entry.customers
    hub.requests += entry.requests
    hub.members.append(entry)
    home[entry.city.geonameid] = hub


def reach_km(request: TourRequest) -> float:
    """The most great-circle kilometres the tour can cover: every day driven to its limit."""
    settings = request.settings
    hours = request.days * settings.daily_drive_hours
    return hours * settings.speed_kmh / settings.road_factor


def detour_km(request: TourRequest, city: City) -> float:
    """Extra great-circle km of going start → city → end instead of straight (0 on the way)."""
    lats = np.array([request.start.latitude, request.end.latitude])
    lons = np.array([request.start.longitude, request.end.longitude])
    there = haversine(city.latitude, city.longitude, lats, lons)
    direct = haversine(request.start.latitude, request.start.longitude, lats[1:], lons[1:])[0]
    return float(there.sum() - direct)


def in_ellipse(request: TourRequest, hubs: Sequence[Hub]) -> list[bool]:
    """A stop is reachable only if start → stop → end fits in the distance the tour can drive."""
    if not hubs:
        return []
    lats = np.array([h.city.latitude for h in hubs])
    lons = np.array([h.city.longitude for h in hubs])
    total = haversine(request.start.latitude, request.start.longitude, lats, lons) + haversine(
        request.end.latitude, request.end.longitude, lats, lons
    )
    return [bool(x) for x in total <= reach_km(request)]


@dataclass
class Shortlist:
    chosen: list[Hub]
    off_route: list[Hub]
    below_minimum: list[Hub]
    not_shortlisted: list[Hub]


def shortlist(request: TourRequest, hubs: Sequence[Hub]) -> Shortlist:
    """Hubs inside the ellipse with enough people, the best ``max_candidates`` by score (pins always)."""
    settings = request.settings
    result = Shortlist([], [], [], [])
    eligible = []
    for hub, inside in zip(hubs, in_ellipse(request, hubs), strict=True):
        if not inside and not hub.pinned:
            result.off_route.append(hub)
        elif hub.expected < settings.min_attendance and not hub.pinned:
            result.below_minimum.append(hub)
        else:
            eligible.append(hub)
    eligible.sort(key=lambda h: (-h.score(settings), h.city.geonameid))
    result.chosen = eligible[: settings.max_candidates] + [h for h in eligible[settings.max_candidates :] if h.pinned]
    result.not_shortlisted = [h for h in eligible[settings.max_candidates :] if not h.pinned]
    return result
