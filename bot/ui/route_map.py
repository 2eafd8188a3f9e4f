"""The tour's route map as a PNG: a real map framed on the route, the stops numbered in order and sized by
the customers expected, one label per city with its days and meals, start and end marked, and the big
cities left out in grey when they fall in the frame. Made for Discord's dark theme and its ~520 px embeds."""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patheffects import withStroke
from matplotlib.transforms import Bbox

from bot.domain.cities import City
from bot.domain.tour_planning import Itinerary, Night, PlannedMeal
from bot.domain.tour_planning.water import default_water
from bot.ui import maps
from bot.ui.labels import Label, Obstacles, place_labels
from bot.ui.style import plural

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 16 / 3, 150  # 1200 × 800 px: text stays ≥ 9 px when Discord shrinks it
_HEADER_IN = 0.66
_BACKGROUND = "#2b2d31"  # Discord's dark theme
_ROUTE = "#fee75c"
TEAM_COLOURS = (_ROUTE, "#5fb3f9", "#57f2a0", "#c58af9")  # yellow, blue, green, purple (tour_views' 🟡🔵🟢🟣)
_MEAL = "#5865f2"
_START = "#57f287"
_END = "#ed4245"
_LEFT_OUT = "#949ba4"
_LABEL_EDGE = "#6d6f78"
_NIGHT = "#c9cdfb"
_NIGHT_MARKER = "$\u263e$"  # ☾ (DejaVu Sans has it)
_NIGHT_SIZE = 220.0


@dataclass(frozen=True, slots=True)
class _Stop:
    city: City
    x: float
    y: float
    lines: tuple[str, ...]
    customers: int
    role: str  # "start", "end", "start & end" or ""
    has_meals: bool


def route_map_png(itinerary: Itinerary) -> bytes:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor=_BACKGROUND)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1 - _HEADER_IN / HEIGHT_IN))
    start, end = itinerary.start, itinerary.end
    routes = [[start, *(m.city for m in itinerary.team_meals(team)), end] for team in range(itinerary.teams)]
    roads = [_road(route) for route in routes]
    everywhere = [point for road in roads for point in road]
    lons = maps.unwrap([lon for _, lon in everywhere])
    view = maps.view_for(lons, [lat for lat, _ in everywhere], aspect=WIDTH_IN / (HEIGHT_IN - _HEADER_IN))
    maps.draw_backdrop(axes, view)
    paths = []
    for team, road in enumerate(roads):
        xs, ys = view.project(maps.unwrap([lon for _, lon in road]), [lat for lat, _ in road])
        paths.append(list(zip(xs.tolist(), ys.tolist(), strict=True)))
        axes.plot(
            xs,
            ys,
            color=TEAM_COLOURS[team % len(TEAM_COLOURS)],
            linewidth=2.6,
            zorder=4,
            solid_joinstyle="round",
            solid_capstyle="round",
            path_effects=[withStroke(linewidth=5.5, foreground=maps.HALO)],
        )
    stops = _stops(itinerary, view)
    left_out = _left_out(itinerary, view, lons[0])
    nights = _nights(itinerary, view, lons[0])
    markers = _draw_markers(axes, stops, left_out) + _draw_nights(axes, nights)
    scale = maps.draw_scale_bar(axes, view)
    obstacles = Obstacles.of(axes, markers=markers, lines=paths, boxes=[scale])
    obstacles.boxes.append(_legend(axes, bool(left_out), obstacles, nights=bool(nights), teams=itinerary.teams))
    labels = [*_stop_labels(stops), *_night_labels(itinerary, nights), *_left_out_labels(left_out)]
    place_labels(axes, labels, obstacles)
    _header(figure, itinerary)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=_BACKGROUND)
    return buffer.getvalue()


def _road(route: Sequence[City]) -> list[tuple[float, float]]:
    """The route as drawn, (latitude, longitude) from stop to stop: round big water (the Great Lakes, the
    Gulf) by the corners the planner's roads take, where the straight line would cross it."""
    water = default_water()
    road = [(route[0].latitude, route[0].longitude)]
    for origin, target in itertools.pairwise(route):
        road.extend(water.way(origin, target)[1:])
    return road


def _stops(itinerary: Itinerary, view: maps.MapView) -> list[_Stop]:
    """One stop per city, in the order of its first meal; start and end first (they are labelled first)."""
    meals: dict[int, list[tuple[int, PlannedMeal]]] = {}
    for order, meal in enumerate(itinerary.meals, start=1):
        meals.setdefault(meal.city.geonameid, []).append((order, meal))
    roles: dict[int, str] = {itinerary.start.geonameid: "start"}
    roles[itinerary.end.geonameid] = "start & end" if itinerary.end.geonameid in roles else "end"
    cities = {c.geonameid: c for c in (itinerary.start, itinerary.end, *(m.city for m in itinerary.meals))}
    ordered = sorted(cities, key=lambda gid: (gid not in roles, meals[gid][0][0] if gid in meals else 0))
    lons = maps.unwrap([itinerary.start.longitude, *(cities[gid].longitude for gid in ordered)])[1:]
    xs, ys = view.project(lons, [cities[gid].latitude for gid in ordered])
    stops = []
    for gid, x, y in zip(ordered, xs.tolist(), ys.tolist(), strict=True):
        city, role, visits = cities[gid], roles.get(gid, ""), meals.get(gid, [])
        name = f"{visits[0][0]}. {city.name}" if visits else city.name
        days = sorted({(meal.team, meal.day) for _, meal in visits})
        when = [
            f"{_team_words(itinerary, t)}day {day + 1} "
            + ", ".join(m.slot.value for _, m in visits if (m.team, m.day) == (t, day))
            for t, day in days
        ]
        if role:
            when = [f"{role} · {when[0]}", *when[1:]] if when else [role]
        stops.append(_Stop(city, x, y, (name, *when), sum(m.expected for _, m in visits), role, bool(visits)))
    return stops


def _team_words(itinerary: Itinerary, team: int) -> str:
    return f"team {team + 1} · " if itinerary.teams > 1 else ""


def _left_out(itinerary: Itinerary, view: maps.MapView, around: float) -> list[tuple[City, int, float, float]]:
    """The big cities without a meal that fall inside the map (those further away are listed in the text)."""
    if not itinerary.left_out:
        return []
    lons = maps.unwrap([around, *(x.city.longitude for x in itinerary.left_out)])[1:]
    xs, ys = view.project(lons, [x.city.latitude for x in itinerary.left_out])
    inset_x, inset_y = view.width * 0.02, view.height * 0.03
    return [
        (x.city, x.customers, px, py)
        for x, px, py in zip(itinerary.left_out, xs.tolist(), ys.tolist(), strict=True)
        if inset_x < px < view.width - inset_x and inset_y < py < view.height - inset_y
    ]


def _nights(itinerary: Itinerary, view: maps.MapView, around: float) -> list[tuple[Night, float, float]]:
    """Nights in a town on a long leg (a night at a meal city is in that city's label already)."""
    on_the_road = [night for night in itinerary.nights if night.on_the_road]
    if not on_the_road:
        return []
    lons = maps.unwrap([around, *(n.city.longitude for n in on_the_road)])[1:]
    xs, ys = view.project(lons, [n.city.latitude for n in on_the_road])
    return [(night, x, y) for night, x, y in zip(on_the_road, xs.tolist(), ys.tolist(), strict=True)]


def _draw_nights(axes: Axes, nights: Sequence[tuple[Night, float, float]]) -> list[tuple[float, float, float]]:
    if not nights:
        return []
    axes.scatter(
        [x for _, x, _ in nights], [y for _, _, y in nights], s=_NIGHT_SIZE, marker=_NIGHT_MARKER, color=_NIGHT,
        linewidths=0, zorder=5,
    )  # fmt: skip
    return [(x, y, _radius(_NIGHT_SIZE)) for _, x, y in nights]


def _night_labels(itinerary: Itinerary, nights: Sequence[tuple[Night, float, float]]) -> list[Label]:
    gap = _radius(_NIGHT_SIZE) + 3
    words = [f"{_team_words(itinerary, night.team)}night {night.day + 1}: {night.city.name}" for night, _, _ in nights]
    return [
        Label((x, y), (text,), gap, False, _NIGHT, 9.5, False, "#232428")
        for text, (_, x, y) in zip(words, nights, strict=True)
    ]


def _draw_markers(
    axes: Axes, stops: Sequence[_Stop], left_out: Sequence[tuple[City, int, float, float]]
) -> list[tuple[float, float, float]]:
    """Dots and squares; returns their centres and radii (pixels) for the labels to keep clear of."""
    drawn: list[tuple[float, float, float]] = []
    if left_out:
        sizes = [_area(customers) for _, customers, _, _ in left_out]
        axes.scatter(
            [p[2] for p in left_out],
            [p[3] for p in left_out],
            s=sizes,
            facecolors="none",
            edgecolors=_LEFT_OUT,
            linewidths=1.4,
            zorder=3,
        )
        drawn += [(x, y, _radius(s)) for (_, _, x, y), s in zip(left_out, sizes, strict=True)]
    visited = [s for s in stops if s.has_meals]
    if visited:
        sizes = [_area(s.customers) for s in visited]
        axes.scatter(
            [s.x for s in visited],
            [s.y for s in visited],
            s=sizes,
            color=_MEAL,
            edgecolors="white",
            linewidths=1.2,
            zorder=5,
        )
        drawn += [(s.x, s.y, _radius(a)) for s, a in zip(visited, sizes, strict=True)]
    for stop in stops:
        if stop.role:
            colour = _END if stop.role == "end" else _START
            axes.scatter(
                [stop.x], [stop.y], s=70, marker="s", color=colour, edgecolors="white", linewidths=1.2, zorder=6
            )
            drawn.append((stop.x, stop.y, _radius(70)))
    return drawn


def _stop_labels(stops: Sequence[_Stop]) -> list[Label]:
    edges = {"start": _START, "end": _END, "start & end": _START}
    fontsize = 12.0 if len(stops) <= 10 else 10.5  # a long tour: smaller labels, still ≥ 9 px in Discord
    return [
        Label(
            (stop.x, stop.y),
            stop.lines,
            gap=max(_radius(_area(stop.customers)), _radius(70)) + 4,
            fontsize=fontsize,
            edge=edges.get(stop.role, _LABEL_EDGE),
        )
        for stop in stops
    ]


def _left_out_labels(left_out: Sequence[tuple[City, int, float, float]]) -> list[Label]:
    return [
        Label(
            (x, y),
            (city.name,),
            gap=_radius(_area(customers)) + 3,
            required=False,
            colour=maps.MUTED,
            fontsize=9.5,
            bold=False,
            box="#232428",
            edge="#3f4147",
        )
        for city, customers, x, y in sorted(left_out, key=lambda p: -p[1])
    ]


def _header(figure: Figure, itinerary: Itinerary) -> None:
    top = 1 - 0.09 / HEIGHT_IN
    figure.text(
        0.018,
        top,
        f"{itinerary.start.name} → {itinerary.end.name}",
        va="top",
        ha="left",
        color=maps.INK,
        fontsize=16,
        fontweight="bold",
    )
    days, meals = itinerary.days, len(itinerary.meals)
    figure.text(
        0.018,
        top - 0.33 / HEIGHT_IN,
        (f"{plural(itinerary.teams, 'team')} · " if itinerary.teams > 1 else "")
        + f"{plural(days, 'day')} · {plural(meals, 'meal')} · about {plural(itinerary.expected, 'customer')}"
        + (f" and {plural(itinerary.requests, 'stop request')}" if itinerary.requests else "")
        + f" · {itinerary.drive_hours:,.1f} h driving",
        va="top",
        ha="left",
        color=maps.MUTED,
        fontsize=11,
    )


def _legend(axes: Axes, with_left_out: bool, obstacles: Obstacles, *, nights: bool = False, teams: int = 1) -> Bbox:
    """A key in the corner of the map that hides the least of the route (the scale bar has the lower left);
    returns the box it covers."""
    dot: dict[str, Any] = {"marker": "o", "linestyle": "", "markersize": 8, "markeredgecolor": "white"}
    square: dict[str, Any] = {"marker": "s", "linestyle": "", "markersize": 7, "markeredgecolor": "white"}
    routes = [Line2D([], [], color=_ROUTE, linewidth=2.6, label="route")] if teams == 1 else [
        Line2D([], [], color=TEAM_COLOURS[team % len(TEAM_COLOURS)], linewidth=2.6, label=f"team {team + 1}")
        for team in range(teams)
    ]
    handles = [
        *routes,
        Line2D([], [], color=_MEAL, label="meal (size: customers)", **dot),
        Line2D([], [], color=_START, label="start", **square),
        Line2D([], [], color=_END, label="end", **square),
    ]
    if nights:
        moon: dict[str, Any] = {"marker": _NIGHT_MARKER, "linestyle": "", "markersize": 10, "color": _NIGHT}
        handles.append(Line2D([], [], label="night on the road", **moon))
    if with_left_out:
        hollow = dot | {"markerfacecolor": "none", "markeredgecolor": _LEFT_OUT}
        handles.append(Line2D([], [], label="place left out", **hollow))
    figure = axes.get_figure()
    assert isinstance(figure, Figure)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]

    def key(corner: str) -> Legend:  # each call replaces the axes' legend
        legend = axes.legend(
            handles=handles, loc=corner, fontsize=9.5, labelcolor=maps.INK, facecolor="#1e1f22",
            edgecolor="#4e5058", framealpha=0.9, borderpad=0.6, handlelength=1.6, borderaxespad=0.8,
        )  # fmt: skip
        legend.set_zorder(10)
        return legend

    corners = ("lower right", "upper right", "upper left")
    corner = min(corners, key=lambda c: obstacles.cover(key(c).get_window_extent(renderer)))
    return key(corner).get_window_extent(renderer)


def _area(customers: int) -> float:
    """Marker area (points²) growing with the square root of the customers: 4 → ~75, 100 → ~220."""
    return 40 + 18 * math.sqrt(max(customers, 0))


def _radius(area: float) -> float:
    """Pixels from a marker's centre to its edge."""
    return math.sqrt(area) / 2 * DPI / 72
