"""Big water a road goes around: the Great Lakes and the Gulf of Mexico, as a few hand-kept polygons.

Driving times are great-circle km × a road factor, which holds on land but not across a lake: Detroit →
Milwaukee is 383 km as the crow flies over Lake Michigan, and a night "on the way" landed in Grand Haven,
on the far shore of the lake from the city it was driving to. Here a leg whose great circle crosses one of
these polygons takes the shortest way around them instead: through their corners (a visibility graph, the
standard shortest path among polygonal obstacles), and a night's town is never across the water from the
point of the way where the day's driving ends.

No library of the registry fits: land masks mark the lakes as land (or take a gigabyte), and coastline
packages bring a plotting stack and their own file formats. The polygons are coarse (10–30 corners each),
drawn a few km inside the shores from the coordinates of the towns on them, so that they never cover land
(a test checks that no town of 5,000 people lies in one) and a city on the shore is never "in the lake".
Smaller water (Chesapeake Bay, Puget Sound, a river) is left to the road factor, and bridges and ferries
across what is modelled are ignored: a road around is what a road-trip team drives.

Geometry: the gnomonic projection centred on North America maps every great circle to a straight line, so
"does the leg cross the polygon" is an exact segment test in the plane; lengths are great-circle km.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.domain.cities import City

EARTH_KM = 6371.0088
CENTRE = (45.0, -90.0)  # of the gnomonic projection: every place of North America is within 60° of it
FAR = 0.3  # cos of the angle from the centre below which a place is too far for the projection (> 72°)
EPS = 1e-12
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Point = tuple[float, float]  # latitude, longitude


@dataclass(frozen=True)
class Body:
    """A body of water: its name and its corners (latitude, longitude), in order around it."""

    name: str
    corners: tuple[Point, ...]


# Corners a few km off the shore, read from the towns on it (clockwise or not: only the outline matters).
GREAT_LAKES = (
    Body("Lake Superior", (
        (46.80, -91.90), (47.05, -91.45), (47.55, -90.50), (47.95, -89.60), (48.25, -88.90), (48.55, -87.90),
        (48.45, -86.60), (47.70, -85.30), (47.10, -84.90), (46.90, -85.20), (46.75, -86.00), (46.60, -86.70),
        (46.65, -87.40), (47.00, -87.70), (47.60, -87.85), (47.50, -88.40), (47.20, -88.90), (46.95, -89.40),
        (46.95, -90.40), (46.95, -91.20),
    )),
    Body("Lake Michigan", (
        (41.95, -87.55), (41.72, -87.30), (41.78, -86.90), (42.10, -86.60), (42.80, -86.30), (43.25, -86.45),
        (43.95, -86.55), (44.60, -86.35), (45.05, -86.00), (45.40, -85.60), (45.70, -85.35), (45.95, -85.60),
        (45.85, -86.30), (45.40, -86.60), (44.85, -87.05), (44.30, -87.40), (43.75, -87.60), (43.05, -87.78),
        (42.60, -87.70), (42.20, -87.68),
    )),
    Body("Lake Huron", (
        (43.10, -82.30), (43.40, -82.40), (43.90, -82.50), (44.20, -82.90), (44.40, -83.20), (45.05, -83.25),
        (45.40, -83.35), (45.60, -84.00), (45.85, -84.00), (45.80, -83.40), (45.50, -82.50), (45.35, -81.80),
        (44.60, -81.50), (44.20, -81.75), (43.75, -81.85), (43.35, -81.95),
    )),
    Body("Georgian Bay", (
        (45.30, -81.10), (44.90, -81.00), (44.80, -80.75), (44.62, -80.30), (44.60, -80.10), (44.85, -80.05),
        (45.30, -80.25), (45.70, -80.70), (45.85, -81.10), (45.75, -81.45),
    )),
    Body("Lake St. Clair", ((42.40, -82.85), (42.55, -82.80), (42.58, -82.62), (42.45, -82.45), (42.36, -82.62))),
    Body("Lake Erie", (
        (41.75, -83.30), (41.95, -83.15), (41.95, -82.80), (41.85, -82.35), (42.15, -81.80), (42.55, -81.20),
        (42.50, -80.50), (42.50, -80.00), (42.78, -79.50), (42.79, -79.05), (42.50, -79.50), (42.25, -80.10),
        (42.00, -80.80), (41.60, -81.65), (41.55, -82.30), (41.58, -82.60), (41.62, -83.05),
    )),
    Body("Lake Ontario", (
        (43.30, -79.70), (43.50, -79.50), (43.58, -79.30), (43.80, -78.80), (43.88, -78.20), (43.80, -77.60),
        (43.75, -76.90), (43.80, -76.40), (43.55, -76.65), (43.35, -77.60), (43.40, -78.70), (43.30, -79.20),
    )),
)  # fmt: skip
GULF_OF_MEXICO = Body("Gulf of Mexico", (
    (30.20, -87.20), (30.15, -88.50), (30.10, -89.00), (29.70, -88.70), (28.90, -89.30), (28.80, -90.20),
    (29.20, -91.50), (29.45, -92.50), (29.60, -93.50), (29.35, -94.50), (28.85, -95.30), (28.25, -96.40),
    (27.70, -97.00), (26.50, -97.10), (25.95, -97.05), (24.50, -97.00), (22.00, -96.50), (23.30, -85.50),
    (24.30, -83.00), (25.00, -82.00), (25.80, -81.95), (26.45, -82.25), (27.30, -82.70), (27.95, -82.95),
    (28.75, -82.85), (29.10, -83.20), (29.60, -83.65), (29.85, -84.20), (29.50, -84.70), (29.55, -85.40),
    (30.05, -85.90), (30.25, -86.50),
))  # fmt: skip
BODIES = (*GREAT_LAKES, GULF_OF_MEXICO)


def project(lats: FloatArray, lons: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Gnomonic x, y (one row per point) and whether each point is near enough for them to be exact."""
    p0, l0 = math.radians(CENTRE[0]), math.radians(CENTRE[1])
    p, dl = np.radians(lats), np.radians(lons) - l0
    cos_c = math.sin(p0) * np.sin(p) + math.cos(p0) * np.cos(p) * np.cos(dl)
    near = cos_c > FAR
    safe = np.where(near, cos_c, 1.0)
    x = np.cos(p) * np.sin(dl) / safe
    y = (math.cos(p0) * np.sin(p) - math.sin(p0) * np.cos(p) * np.cos(dl)) / safe
    return np.stack([x, y], axis=-1), near


def great_circle(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    result: FloatArray = 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, h)))
    return result


def _cross(o: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """The z of (a − o) × (b − o), broadcast: > 0 when b is left of o → a."""
    result: FloatArray = (a[..., 0] - o[..., 0]) * (b[..., 1] - o[..., 1]) - (a[..., 1] - o[..., 1]) * (
        b[..., 0] - o[..., 0]
    )
    return result


class Water:
    """The bodies of water a road goes around, ready for many segment tests at once."""

    def __init__(self, bodies: Sequence[Body] = BODIES) -> None:
        self.bodies = tuple(bodies)
        corners = [corner for body in self.bodies for corner in body.corners]
        self._lats = np.array([c[0] for c in corners], dtype=np.float64)
        self._lons = np.array([c[1] for c in corners], dtype=np.float64)
        self._xy = project(self._lats, self._lons)[0] if corners else np.empty((0, 2))
        first, starts, ends = 0, [], []
        self._rings: list[FloatArray] = []
        for body in self.bodies:
            count = len(body.corners)
            ring = list(range(first, first + count))
            starts += ring
            ends += ring[1:] + ring[:1]
            self._rings.append(self._xy[first : first + count])
            first += count
        self._a, self._b = self._xy[starts], self._xy[ends]  # every edge of every body
        # each body's edges for the even-odd rule: x and y of every corner and of the next one, as rows
        self._sides = [
            (ring[None, :, 0], ring[None, :, 1], np.roll(ring[:, 0], -1)[None], np.roll(ring[:, 1], -1)[None])
            for ring in self._rings
        ]
        # Each body's projected bounding box: a straight segment (a great circle) that misses them all crosses
        # no edge and has no middle inside a body.
        boxes = [[*ring.min(axis=0), *ring.max(axis=0)] for ring in self._rings]
        self._boxes: FloatArray = np.array(boxes, dtype=np.float64).reshape(-1, 4)
        self._edges = set(zip(starts, ends, strict=True)) | set(zip(ends, starts, strict=True))
        self._graph = self._corner_paths()

    def __bool__(self) -> bool:
        return bool(self.bodies)

    # -------------------------------------------------------------------------------- segment tests

    def _blocked(self, p: FloatArray, q: FloatArray) -> BoolArray:
        """Whether each segment p[i] → q[i] (projected) crosses water: it properly crosses an edge, or its
        middle is inside a body (a chord between two corners of one body)."""
        if not len(self._a) or not len(p):
            return np.zeros(len(p), dtype=bool)
        p3, q3 = p[:, None, :], q[:, None, :]
        a3, b3 = self._a[None], self._b[None]
        scale = 1e-9
        d1, d2 = _cross(a3, b3, p3), _cross(a3, b3, q3)
        d3, d4 = _cross(p3, q3, a3), _cross(p3, q3, b3)
        proper = (((d1 > scale) & (d2 < -scale)) | ((d1 < -scale) & (d2 > scale))) & (
            ((d3 > scale) & (d4 < -scale)) | ((d3 < -scale) & (d4 > scale))
        )
        blocked: BoolArray = proper.any(axis=1) | self._inside((p + q) / 2)
        return blocked

    def _inside(self, points: FloatArray) -> BoolArray:
        """Even-odd rule against each body's outline."""
        inside = np.zeros(len(points), dtype=bool)
        x, y = points[:, 0:1], points[:, 1:2]
        for xi, yi, xj, yj in self._sides:
            straddles = (yi > y) != (yj > y)
            with np.errstate(divide="ignore", invalid="ignore"):
                at = (xj - xi) * (y - yi) / (yj - yi) + xi
            inside |= (straddles & (x < at)).sum(axis=1) % 2 == 1
        return inside

    def crosses(self, a: Point, b: Point) -> bool:
        """Whether the great circle from a to b crosses water."""
        lats, lons = np.array([a[0], b[0]]), np.array([a[1], b[1]])
        xy, near = project(lats, lons)
        if not near.all():
            return False
        low, high = xy.min(axis=0), xy.max(axis=0)
        if not ((low <= self._boxes[:, 2:]) & (high >= self._boxes[:, :2])).all(axis=1).any():
            return False  # it misses every body's box
        return bool(self._blocked(xy[:1], xy[1:])[0])

    def across(self, point: Point, lats: FloatArray, lons: FloatArray) -> BoolArray:
        """Which of these places are across water from the point (the straight way to them crosses it)."""
        xy, near = project(np.append(lats, point[0]), np.append(lons, point[1]))
        result: BoolArray = np.zeros(len(lats), dtype=bool)
        if not near[-1]:
            return result
        low, high = np.minimum(xy[-1:], xy[:-1]), np.maximum(xy[-1:], xy[:-1])
        boxes: FloatArray = self._boxes[None]
        meets: BoolArray = (low[:, None] <= boxes[..., 2:]) & (high[:, None] >= boxes[..., :2])
        hits: BoolArray = np.any(np.all(meets, axis=2), axis=1)
        tried = np.flatnonzero(near[:-1] & hits)  # only the ways that meet a body's box may cross it
        result[tried] = self._blocked(np.repeat(xy[-1:], len(tried), axis=0), xy[:-1][tried])
        return result

    # ------------------------------------------------------------------------------ ways around

    def _corner_paths(self) -> tuple[FloatArray, npt.NDArray[np.intp]]:
        """Shortest km between every two corners over the corners they see (Floyd–Warshall), and the next
        corner on each way."""
        size = len(self._xy)
        index = np.arange(size)
        i, j = np.triu_indices(size, 1)
        seen = ~self._blocked(self._xy[i], self._xy[j])
        seen |= np.array([(a, b) in self._edges for a, b in zip(i.tolist(), j.tolist(), strict=True)], dtype=bool)
        km = np.full((size, size), np.inf)
        km[index, index] = 0.0
        lengths = great_circle(self._lats[i], self._lons[i], self._lats[j], self._lons[j])
        km[i[seen], j[seen]] = km[j[seen], i[seen]] = lengths[seen]
        after = np.where(np.isfinite(km), index[None, :], -1)
        for k in range(size):
            through = km[:, k : k + 1] + km[k : k + 1, :]
            better = through < km - 1e-9
            km = np.where(better, through, km)
            after = np.where(better, after[:, k : k + 1], after)
        return km, after

    def _sight(self, lats: FloatArray, lons: FloatArray) -> tuple[FloatArray, BoolArray]:
        """km from each place to each corner it sees (inf where water is in the way), and which places the
        polygons concern (near enough for the projection, not on an island inside one)."""
        xy, near = project(lats, lons)
        count, corners = len(lats), len(self._xy)
        near &= ~self._inside(xy)
        p = np.repeat(xy, corners, axis=0)
        q = np.tile(self._xy, (count, 1))
        seen = ~self._blocked(p, q).reshape(count, corners)
        km = great_circle(lats[:, None], lons[:, None], self._lats[None, :], self._lons[None, :])
        return np.where(seen, km, np.inf), near

    def around(self, cities: Sequence[City], km: FloatArray) -> FloatArray:
        """The great-circle km between the cities, with every leg that crosses water replaced by the
        shortest way around (then made a metric: no leg longer than going through another city)."""
        return self.roads(cities, km)[0]

    def roads(self, cities: Sequence[City], km: FloatArray) -> tuple[FloatArray, Ways]:
        """:meth:`around`, and the ways between the cities (:meth:`way` for each pair, found at once)."""
        if not self or len(cities) < 2:
            return km, Ways(self, cities)
        # Each place once (a city has several meal nodes): ``place[n]`` is city n's place.
        first: dict[int, int] = {}
        place = np.array([first.setdefault(c.geonameid, len(first)) for c in cities], dtype=np.intp)
        unique = [cities[int(n)] for n in np.unique(place, return_index=True)[1]]
        lats = np.array([c.latitude for c in unique], dtype=np.float64)
        lons = np.array([c.longitude for c in unique], dtype=np.float64)
        xy, _ = project(lats, lons)
        sight, concerned = self._sight(lats, lons)
        i, j = np.triu_indices(len(unique), 1)
        crossing = concerned[i] & concerned[j] & self._blocked(xy[i], xy[j])
        if not crossing.any():
            return km, Ways(self, cities)
        pairs = frozenset((int(a), int(b)) for a, b in zip(i[crossing], j[crossing], strict=True))
        found = Ways(self, cities, sight, pairs, place)
        corners, _ = self._graph
        to_corner = np.min(sight[:, :, None] + corners[None, :, :], axis=1)  # place → (corners) → corner v
        ways = np.min(to_corner[:, None, :] + sight[None, :, :], axis=2)  # … → v → place
        crosses = np.zeros((len(unique), len(unique)), dtype=bool)
        crosses[i[crossing], j[crossing]] = crosses[j[crossing], i[crossing]] = True
        a, b = np.nonzero(crosses[place[:, None], place[None, :]])  # the cities' pairs whose places' way crosses
        result = km.copy()
        result[a, b] = np.maximum(ways[place[a], place[b]], km[a, b])
        for k in range(len(cities)):  # a detour may make going through another city shorter
            result = np.minimum(result, result[:, k : k + 1] + result[k : k + 1, :])
        return result, found

    def way(self, a: City, b: City) -> list[Point]:
        """The corners a road from a to b goes around (a and b included; just the two when no water is in
        the way)."""
        ends = [(a.latitude, a.longitude), (b.latitude, b.longitude)]
        if not self or not self.crosses(*ends):
            return ends
        lats, lons = np.array([a.latitude, b.latitude]), np.array([a.longitude, b.longitude])
        sight, concerned = self._sight(lats, lons)
        if not concerned.all():
            return ends
        return self._way_round(ends, sight[0], sight[1])

    def _way_round(self, ends: list[Point], first: FloatArray, last: FloatArray) -> list[Point]:
        """The way from ends[0] to ends[1] through the corners, given the km from each end to each corner it
        sees."""
        corners, after = self._graph
        total = first[:, None] + corners + last[None, :]
        u, v = np.unravel_index(int(np.argmin(total)), total.shape)
        if not np.isfinite(total[u, v]):
            return ends
        path = [int(u)]
        while path[-1] != v:
            path.append(int(after[path[-1], v]))
        return [ends[0], *((float(self._lats[c]), float(self._lons[c])) for c in path), ends[1]]


class Ways:
    """The ways between a fixed list of places, as :meth:`Water.way` finds them, from what
    :meth:`Water.roads` found for all of them at once (which pairs cross water, what each place sees)."""

    def __init__(
        self,
        water: Water,
        cities: Sequence[City],
        sight: FloatArray | None = None,
        crossing: frozenset[tuple[int, int]] = frozenset(),  # places (p < q) whose straight way crosses water
        place: npt.NDArray[np.intp] | None = None,  # each city's place (the rows of ``sight``)
    ) -> None:
        self._water, self._cities, self._sight, self._crossing = water, cities, sight, crossing
        self._place = place

    def way(self, a: int, b: int) -> list[Point]:
        """The corners the road from city ``a`` to city ``b`` goes around, the two included."""
        ends = [(self._cities[i].latitude, self._cities[i].longitude) for i in (a, b)]
        if self._sight is None or self._place is None:
            return ends
        p, q = int(self._place[a]), int(self._place[b])
        if (min(p, q), max(p, q)) not in self._crossing:
            return ends
        return self._water._way_round(ends, self._sight[p], self._sight[q])


def along_way(way: Sequence[Point], fraction: float) -> Point:
    """The point ``fraction`` of the way along a chain of great-circle stretches (latitude, longitude)."""
    lengths = [_km(p, q) for p, q in itertools.pairwise(way)]
    total = sum(lengths)
    if total <= 0:
        return way[0]
    goal = min(max(fraction, 0.0), 1.0) * total
    for (p, q), length in zip(itertools.pairwise(way), lengths, strict=True):
        if goal <= length or (p, q) == (way[-2], way[-1]):
            return between(p, q, goal / length if length else 0.0)
        goal -= length
    return way[-1]


def _km(p: Point, q: Point) -> float:
    return float(great_circle(np.array([p[0]]), np.array([p[1]]), np.array([q[0]]), np.array([q[1]]))[0])


def between(p: Point, q: Point, fraction: float) -> Point:
    """The point ``fraction`` of the way from p to q on the great circle (latitude, longitude)."""
    p1, l1, p2, l2 = map(math.radians, (*p, *q))
    d = 2 * math.asin(
        math.sqrt(math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2)
    )
    if d < 1e-12:
        return p
    fraction = min(max(fraction, 0.0), 1.0)
    a, b = math.sin((1 - fraction) * d) / math.sin(d), math.sin(fraction * d) / math.sin(d)
    x = a * math.cos(p1) * math.cos(l1) + b * math.cos(p2) * math.cos(l2)
    y = a * math.cos(p1) * math.sin(l1) + b * math.cos(p2) * math.sin(l2)
    z = a * math.sin(p1) + b * math.sin(p2)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


@functools.cache
def default_water() -> Water:
    """The Great Lakes and the Gulf of Mexico (built on first use, then shared)."""
    return Water()
