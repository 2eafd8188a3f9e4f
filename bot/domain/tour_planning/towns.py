"""Where a team can sleep on a long leg: the town nearest the point where a day's driving ends.

A day's driving rarely ends in a city of the plan, so the itinerary names the town where it does: the most
place within ``NEAR_KM`` of that point on the leg, a bigger town counting as ``KM_PER_TENFOLD`` km closer per
tenfold population (a team prefers a town with hotels to a hamlet on the exact spot, but not a detour), or
the nearest place if none is that close. The places are every town of 5,000 people or more
(:func:`default_towns`): the gazetteer's cities (15,000 and more) are too far apart in the countryside.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from bot.domain.cities import City, small_towns
from bot.domain.tour_planning.candidates import haversine
from bot.domain.tour_planning.water import Water, between, default_water

NEAR_KM = 40.0
MIN_POPULATION = 5_000
Floats = npt.NDArray[np.float64]
KM_PER_TENFOLD = 8.0  # a town ten times bigger may be this much further from the point


class Towns:
    def __init__(
        self, cities: Iterable[City], min_population: int = MIN_POPULATION, water: Water | None = None
    ) -> None:
        """``water``: a town across it from the point is never the one to stop at (none: no water)."""
        self._water = water
        self._cities = [city for city in cities if city.population >= min_population]
        self._lats = np.array([city.latitude for city in self._cities], dtype=np.float64)
        self._lons = np.array([city.longitude for city in self._cities], dtype=np.float64)
        self._population = np.array([city.population for city in self._cities], dtype=np.float64)
        self._index: dict[int, list[int]] = {}
        cells: dict[tuple[int, int], list[int]] = {}
        for position, city in enumerate(self._cities):
            self._index.setdefault(city.geonameid, []).append(position)
            cells.setdefault(_cell(city.latitude, city.longitude), []).append(position)
        self._cells = {key: np.array(found, dtype=np.intp) for key, found in cells.items()}
        self._zones: dict[tuple[int, int], frozenset[str]] = {}  # the zones of the places around a cell
        self._near_cell: dict[tuple[int, int], npt.NDArray[np.intp]] = {}  # the places around a cell
        self._unit = _unit(self._lats, self._lons)  # each place as a point on the unit sphere

    def __len__(self) -> int:
        return len(self._cities)

    def near(self, latitude: float, longitude: float, avoid: Iterable[City] = ()) -> City | None:
        """The town to stop at near a point: the biggest within NEAR_KM, else the nearest. Never one of
        ``avoid`` (the ends of the leg: a night there would read as a drive from a city to itself)."""
        if not self._cities:
            return None
        places = self._around(latitude, longitude)
        distances = haversine(latitude, longitude, self._lats[places], self._lons[places])
        avoided = {position for city in avoid for position in self._index.get(city.geonameid, [])}
        if not (distances <= NEAR_KM).any():  # nothing close: the nearest anywhere, the one most in line with
            # the point seen from the Earth's centre (one product, not a distance to every place)
            closeness = self._unit @ _unit(latitude, longitude)
            closeness[list(avoided)] = -np.inf
            nearest = int(np.argmax(closeness))
            return self._cities[nearest] if np.isfinite(closeness[nearest]) else None
        if avoided:
            distances[np.isin(places, np.fromiter(avoided, dtype=np.intp))] = np.inf
        if self._water:  # not across a lake from where the day's driving ends
            close = np.flatnonzero(distances <= NEAR_KM)
            hidden = self._water.across((latitude, longitude), self._lats[places[close]], self._lons[places[close]])
            distances[close[hidden]] = np.inf
        if not np.isfinite(distances).any():
            return None
        close = np.flatnonzero(distances <= NEAR_KM)
        if close.size:  # a bigger town is worth a few km more (hotels), not a drive off the road
            cost = distances[close] - KM_PER_TENFOLD * np.log10(self._population[places[close]] / MIN_POPULATION)
            best = places[close[int(np.argmin(cost))]]
        else:
            best = places[int(np.argmin(distances))]
        return self._cities[int(best)]

    def timezone_near(self, latitude: float, longitude: float) -> str | None:
        """The timezone of :meth:`near`'s town (None: no town), without looking for the town where every
        place around shares one zone: then it is that zone as long as one of them is within NEAR_KM (so the
        town is one of them) and one is not (only those within are hidden by water: one is left)."""
        places = self._around(latitude, longitude)
        zones = self._zones_around(_cell(latitude, longitude))
        if len(zones) == 1:
            close = haversine(latitude, longitude, self._lats[places], self._lons[places]) <= NEAR_KM
            if close.any() and not close.all():
                return next(iter(zones))
        town = self.near(latitude, longitude)
        return None if town is None else town.timezone

    def _zones_around(self, cell: tuple[int, int]) -> frozenset[str]:
        found = self._zones.get(cell)
        if found is None:
            places = self._around(cell[0] + 0.5, cell[1] + 0.5)
            found = self._zones[cell] = frozenset(self._cities[int(p)].timezone for p in places)
        return found

    def _around(self, latitude: float, longitude: float) -> npt.NDArray[np.intp]:
        """The places in the 1° grid cells next to a point's: every place within NEAR_KM is among them (up
        to 68° of latitude, where a degree of longitude shrinks to 40 km)."""
        cell = _cell(latitude, longitude)
        places = self._near_cell.get(cell)
        if places is None:
            row, column = cell
            found = [self._cells[key] for ring in (0, 1) for key in _ring(row, column, ring) if key in self._cells]
            places = self._near_cell[cell] = np.concatenate(found) if found else np.empty(0, dtype=np.intp)
        return places


def _unit(latitude: float | Floats, longitude: float | Floats) -> Floats:
    """Points on the unit sphere (the nearer of two places to a point is the one with the larger dot product)."""
    phi, lam = np.radians(latitude), np.radians(longitude)
    unit: Floats = np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1)
    return unit


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude), math.floor(longitude) % 360


def _ring(row: int, column: int, ring: int) -> list[tuple[int, int]]:
    """The 1° cells at Chebyshev distance ``ring`` from a cell (longitude wraps around)."""
    if ring == 0:
        return [(row, column)]
    cells = []
    for dr in range(-ring, ring + 1):
        for dc in range(-ring, ring + 1):
            if max(abs(dr), abs(dc)) == ring:
                cells.append((row + dr, (column + dc) % 360))
    return cells


def along(origin: City, target: City, fraction: float) -> tuple[float, float]:
    """The point ``fraction`` of the way from origin to target on the great circle (latitude, longitude)."""
    return between((origin.latitude, origin.longitude), (target.latitude, target.longitude), fraction)


@functools.cache
def default_towns() -> Towns:
    """Every place of 5,000 people or more, never across big water from a stop (loaded on first use, then
    shared)."""
    return Towns(small_towns(), water=default_water())
