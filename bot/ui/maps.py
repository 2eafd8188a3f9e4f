"""Map backdrops for pictures of places: land, lakes, coastlines, country and state/province borders from
basemap's bundled data (nothing is fetched at run time), in a projection framed on the places shown.

Building a basemap is the slow part (0.3–2 s), so the geography of a view is cached; views are rounded
(centre, size, standard parallels) so that re-planning a tour usually finds its map in the cache. Without
basemap (or pyproj) the same picture is drawn on a plain background with a graticule.
"""

from __future__ import annotations

import functools
import logging
import math
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.patheffects import withStroke
from matplotlib.transforms import Bbox
from numpy.typing import NDArray

EARTH_RADIUS_M = 6_370_997.0  # basemap's default sphere: our projection must be the same as its
SEA = "#1b2430"
LAND = "#383b42"
COAST = "#5b6470"
COUNTRY = "#a7adb7"
STATE = "#646973"
GRATICULE = "#323a46"
INK = "#f2f3f5"
MUTED = "#b5bac1"
HALO = "#111214"

Coordinates = NDArray[np.float64]
_MIN_SPAN_M = 420_000.0  # a one-city tour still shows its region
log = logging.getLogger(__name__)
_BUILD_LOCK = threading.Lock()  # basemap objects are not known to be thread-safe: build one at a time


@dataclass(frozen=True, slots=True)
class MapView:
    """The part of the earth shown: a projection and a rectangle in its metres (hashable: the cache key)."""

    projection: str  # "lcc" (mid-latitudes), "laea" (anything else) or "plain" (no pyproj)
    lon_0: float
    lat_0: float
    lat_1: float
    lat_2: float
    x0: float  # lower-left corner, metres from (lon_0, lat_0)
    y0: float
    width: float
    height: float

    @property
    def resolution(self) -> str:
        """Basemap's coastline detail: intermediate for a region, low for a country, crude for a continent."""
        return "i" if self.width <= 1_700_000 else "l" if self.width <= 6_500_000 else "c"

    def project(self, lons: Sequence[float], lats: Sequence[float]) -> tuple[Coordinates, Coordinates]:
        """Map coordinates: metres from the view's lower-left corner."""
        count = len(lons)
        padded = max(count, 2)  # pyproj 3.7 takes a one-element array for a scalar (deprecated by numpy 2)
        x, y = _projector(self)(
            np.resize(np.asarray(lons, dtype=float), padded), np.resize(np.asarray(lats, dtype=float), padded)
        )
        return np.asarray(x, dtype=float)[:count] - self.x0, np.asarray(y, dtype=float)[:count] - self.y0


def view_for(lons: Sequence[float], lats: Sequence[float], *, aspect: float, margin: float = 0.12) -> MapView:
    """A view framing the places with a margin, ``aspect`` = width / height, in a projection that suits
    the region. Longitudes may be unwrapped past ±180 (a route over the antimeridian)."""
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    lon_0 = _round((west + east) / 2, 0.5)
    lat_0 = _round((south + north) / 2, 0.5)
    if not _has_pyproj():
        projection, lat_1, lat_2 = "plain", lat_0, lat_0
    elif north - south <= 50 and (south >= 5 or north <= -5):
        projection = "lcc"  # conformal, the usual choice for North America and Europe
        lat_1, lat_2 = _round(south + (north - south) / 6, 0.5), _round(north - (north - south) / 6, 0.5)
    else:
        projection, lat_1, lat_2 = "laea", lat_0, lat_0  # near the equator or spanning a hemisphere
    probe = MapView(projection, (lon_0 + 180) % 360 - 180, lat_0, lat_1, lat_2, 0.0, 0.0, 0.0, 0.0)
    xs, ys = probe.project([lon - lon_0 + probe.lon_0 for lon in lons], lats)
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):  # beyond what the projection can show
        probe = MapView("plain", probe.lon_0, lat_0, lat_0, lat_0, 0.0, 0.0, 0.0, 0.0)
        xs, ys = probe.project([lon - lon_0 + probe.lon_0 for lon in lons], lats)
    span_x, span_y = float(xs.max() - xs.min()), float(ys.max() - ys.min())
    pad = max(margin * max(span_x, span_y), 60_000.0)
    width = max(span_x + 2 * pad, (span_y + 2 * pad) * aspect, _MIN_SPAN_M)
    width = 10 ** (math.ceil(math.log10(width) * 40) / 40)  # ~6 % steps: nearby plans share a cached map
    height = width / aspect
    step = width / 40
    centre_x = _round(float(xs.max() + xs.min()) / 2, step)
    centre_y = _round(float(ys.max() + ys.min()) / 2, step)
    return MapView(
        probe.projection,
        probe.lon_0,
        probe.lat_0,
        probe.lat_1,
        probe.lat_2,
        round(centre_x - width / 2),
        round(centre_y - height / 2),
        round(width),
        round(height),
    )


def unwrap(lons: Sequence[float]) -> list[float]:
    """Longitudes made continuous around the first one (-179 after 179 becomes 181)."""
    if not lons:
        return []
    ref = lons[0]
    return [(lon - ref + 180) % 360 - 180 + ref for lon in lons]


def draw_backdrop(axes: Axes, view: MapView) -> bool:
    """Sea, land, lakes and borders of the view on ``axes`` (limits set to the view); False when drawn plain."""
    axes.set_xlim(0, view.width)
    axes.set_ylim(0, view.height)
    axes.set_aspect("equal", adjustable="box")
    axes.set_axis_off()
    axes.add_patch(_rectangle(view, SEA))
    geography = _geography(view) if view.projection != "plain" else None
    if geography is None:
        _draw_graticule(axes, view)
        return False
    for polygons, colour, z in (
        (geography.land, LAND, 0.1),
        (geography.lakes, SEA, 0.2),
        (geography.islands, LAND, 0.3),
        (geography.ponds, SEA, 0.4),
    ):
        if polygons:
            axes.add_collection(PolyCollection(polygons, facecolors=colour, edgecolors="none", zorder=z))
    for segments, colour, width, style, z in (
        (geography.states, STATE, 0.7, (0, (4, 2)), 0.5),
        (geography.coasts, COAST, 0.7, "solid", 0.6),
        (geography.countries, COUNTRY, 1.1, "solid", 0.7),
    ):
        if segments:
            axes.add_collection(
                LineCollection(segments, colors=colour, linewidths=width, linestyles=style, zorder=z, capstyle="round")
            )
    return True


def draw_scale_bar(axes: Axes, view: MapView, *, fontsize: float = 9.5) -> Bbox:
    """A "200 km" bar in the lower-left corner; returns the display box it covers (for label placement)."""
    length_km = _nice(view.width / 1000 / 5)
    x0, y0 = view.width * 0.025, view.height * 0.035
    x1 = x0 + length_km * 1000
    halo = [withStroke(linewidth=3, foreground=HALO)]
    axes.plot([x0, x1], [y0, y0], color=INK, linewidth=2.2, solid_capstyle="butt", zorder=8, path_effects=halo)
    for x in (x0, x1):
        axes.plot([x, x], [y0, y0 + view.height * 0.012], color=INK, linewidth=1.4, zorder=8)
    text = axes.text(
        (x0 + x1) / 2,
        y0 + view.height * 0.02,
        f"{length_km:,.0f} km",
        ha="center",
        va="bottom",
        color=INK,
        fontsize=fontsize,
        zorder=8,
        path_effects=halo,
    )
    figure = axes.get_figure()
    assert isinstance(figure, Figure)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    bar = axes.transData.transform([(x0, y0), (x1, y0)])
    box = Bbox.union([text.get_window_extent(renderer), Bbox(bar)])
    return box.padded(6)


# ------------------------------------------------------------------------------------------- geography


@dataclass(frozen=True, slots=True)
class Geography:
    """The shapes of one view in its map coordinates; read-only once built, shared between renders."""

    land: tuple[Coordinates, ...]
    lakes: tuple[Coordinates, ...]
    islands: tuple[Coordinates, ...]  # in lakes
    ponds: tuple[Coordinates, ...]  # on those islands
    coasts: tuple[Coordinates, ...]
    countries: tuple[Coordinates, ...]
    states: tuple[Coordinates, ...]  # US states, Canadian provinces, and other countries' where bundled


@functools.lru_cache(maxsize=12)
def _geography(view: MapView) -> Geography | None:
    basemap = _basemap_class()
    if basemap is None:
        return None
    lons, lats = _projector(view)([view.x0, view.x0 + view.width], [view.y0, view.y0 + view.height], inverse=True)
    with _BUILD_LOCK:
        try:
            return _read_geography(basemap, view, lons, lats)
        except ValueError as error:  # a view basemap can't frame ("width and/or height too large…"): draw plain
            log.warning("No map backdrop for %s: %s", view, error)
            return None


def _read_geography(basemap: Any, view: MapView, lons: Sequence[float], lats: Sequence[float]) -> Geography:
    """The shapes basemap clips to the view, in its coordinates: metres from the lower-left corner, as ours."""
    m = basemap(  # by its corners, which every projection takes
        projection=view.projection,
        resolution=view.resolution,
        rsphere=EARTH_RADIUS_M,
        lon_0=view.lon_0,
        lat_0=view.lat_0,
        lat_1=view.lat_1,
        lat_2=view.lat_2,
        llcrnrlon=lons[0],
        llcrnrlat=lats[0],
        urcrnrlon=lons[1],
        urcrnrlat=lats[1],
    )
    scratch = Figure().add_subplot()  # drawcountries/drawstates read their data on first use, onto some axes
    countries = m.drawcountries(ax=scratch).get_segments()
    states = m.drawstates(ax=scratch).get_segments()
    by_type: dict[int, list[Coordinates]] = {1: [], 2: [], 3: [], 4: []}
    for (x, y), kind in zip(m.coastpolygons, m.coastpolygontypes, strict=True):
        by_type.setdefault(kind, []).append(np.column_stack([x, y]).astype(float))
    return Geography(
        land=tuple(by_type[1]),
        lakes=tuple(by_type[2]),
        islands=tuple(by_type[3]),
        ponds=tuple(by_type[4]),
        coasts=tuple(np.asarray(s, dtype=float) for s in m.coastsegs),
        countries=tuple(np.asarray(s, dtype=float) for s in countries),
        states=tuple(np.asarray(s, dtype=float) for s in states),
    )


@functools.cache
def _basemap_class() -> Any:
    with warnings.catch_warnings():  # its compiled part warns that numpy's array grew: harmless, and noise
        warnings.filterwarnings("ignore", "numpy.ndarray size changed", RuntimeWarning)
        try:
            from mpl_toolkits.basemap import Basemap  # type: ignore[import-untyped]  # noqa: PLC0415 (optional)
        except ImportError:
            return None
    return Basemap


@functools.cache
def _has_pyproj() -> bool:
    try:
        import pyproj  # noqa: F401, PLC0415 (optional: comes with basemap)
    except ImportError:
        return False
    return _basemap_class() is not None


def _projector(view: MapView) -> Any:
    """A callable (lons, lats) → (x, y) metres from (lon_0, lat_0). A fresh pyproj object per call: cheap,
    and nothing shared between threads."""
    if view.projection == "plain":
        scale = EARTH_RADIUS_M * math.pi / 180
        cos = max(math.cos(math.radians(view.lat_0)), 0.2)
        return lambda lons, lats: (((lons - view.lon_0 + 180) % 360 - 180) * scale * cos, (lats - view.lat_0) * scale)
    import pyproj  # noqa: PLC0415 (optional)

    params: dict[str, Any] = {"proj": view.projection, "R": EARTH_RADIUS_M, "lon_0": view.lon_0, "lat_0": view.lat_0}
    if view.projection == "lcc":
        params |= {"lat_1": view.lat_1, "lat_2": view.lat_2}
    return pyproj.Proj(params)


def _draw_graticule(axes: Axes, view: MapView) -> None:
    """Meridians and parallels every 5° (10° on big maps), so a plain map still reads as one."""
    lon_min, lon_max = view.lon_0 - 90, view.lon_0 + 90
    step = 5 if view.width < 4_000_000 else 10
    lines = []
    for lon in np.arange(math.floor(lon_min / step) * step, lon_max + step, step):
        lats = np.linspace(-85, 85, 120)
        lines.append(np.column_stack(view.project(np.full_like(lats, lon).tolist(), lats.tolist())))
    for lat in np.arange(-80, 81, step):
        lons = np.linspace(lon_min, lon_max, 240)
        lines.append(np.column_stack(view.project(lons.tolist(), np.full_like(lons, lat).tolist())))
    axes.add_collection(LineCollection(lines, colors=GRATICULE, linewidths=0.8, zorder=0.1))


def _rectangle(view: MapView, colour: str) -> Rectangle:
    return Rectangle((0, 0), view.width, view.height, facecolor=colour, edgecolor="none", zorder=0)


def _round(value: float, step: float) -> float:
    return round(value / step) * step


def _nice(value: float) -> float:
    """The 1-2-5 number at or below ``value``: a scale bar of 200 km, not 187."""
    magnitude = 10.0 ** math.floor(math.log10(max(value, 1e-9)))
    return max(m * magnitude for m in (1.0, 2.0, 5.0) if m * magnitude <= value)
