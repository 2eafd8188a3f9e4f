"""How a tour plan looks in Discord: the day-by-day itinerary as paged embeds and the route map (PNG)."""

from __future__ import annotations

import io
import math

import discord
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.domain.meals import MealSlot
from bot.domain.tour_planning import DayPlan, Itinerary, PlannedMeal
from bot.domain.tours import Tour
from bot.ui.pages import paginate
from bot.ui.style import BRAND, plural

MAP_FILE = "tour-map.png"
ICONS = {MealSlot.BREAKFAST: "🍳", MealSlot.LUNCH: "🥪", MealSlot.DINNER: "🍽️", MealSlot.MEAL: "🍴"}
_ROUTE = "#5865F2"
_LEFT_OUT = "#99AAB5"
_ENDS = "#ED4245"


def summary_line(tour: Tour, itinerary: Itinerary) -> str:
    return (
        f"**{itinerary.start.name} → {itinerary.end.name}** · {plural(itinerary.days, 'day')} · "
        f"{plural(len(itinerary.meals), 'meal')} · about {itinerary.expected:,} customers · "
        f"{itinerary.drive_hours:.1f} h of driving (limit {itinerary.daily_drive_hours:g} h a day)"
    )


def meal_line(meal: PlannedMeal) -> str:
    local = meal.local_start
    pin = " 📌" if meal.pinned else ""
    return (
        f"{ICONS[meal.slot]} **{meal.slot.value.capitalize()} in {meal.city.name}**{pin} — "
        f"{local:%H:%M}–{meal.local_end:%H:%M} {local:%Z} local ({discord.utils.format_dt(meal.starts_at, 't')}) · "
        f"~{_customers(meal.expected)}"
    )


def day_lines(day: DayPlan) -> list[str]:
    lines = [f"__**Day {day.day + 1} · {day.date:%a %d %b}**__ · {day.drive_hours:.1f} h driving"]
    events: list[tuple[float, str]] = [(m.starts_at.timestamp(), meal_line(m)) for m in day.meals]
    events += [
        (
            leg.departs_at.timestamp(),
            f"🚐 {leg.origin.name} → {leg.destination.name} · {leg.road_km:,.0f} km · {leg.hours:.1f} h",
        )
        for leg in day.legs
    ]
    if not events:
        events = [(0.0, "On the road all day, no meals." if day.drive_hours else "Rest day: no meals, no driving.")]
    lines += [text for _, text in sorted(events)]
    return lines


def itinerary_lines(tour: Tour, itinerary: Itinerary) -> list[str]:
    lines = [summary_line(tour, itinerary), ""]
    for day in itinerary.by_day():
        lines += [*day_lines(day), ""]
    if itinerary.warnings:
        lines += ["**⚠️ Needs attention**", *(f"• {text}" for text in itinerary.warnings), ""]
    if itinerary.left_out:
        lines.append("**Big cities left out, and why**")
        lines += [
            f"• {x.city.name} ({x.customers:,} customer{'' if x.customers == 1 else 's'}): {x.detail}"
            for x in itinerary.left_out
        ]
    return lines


def itinerary_pages(tour: Tour, itinerary: Itinerary, *, with_map: bool) -> list[discord.Embed]:
    """≤ 4000 characters of description per page (embeds allow 6000 in all)."""
    pages = paginate(f"{tour.name} — proposed tour", itinerary_lines(tour, itinerary), per_page=60, colour=BRAND)
    if with_map:
        pages[0].set_image(url=f"attachment://{MAP_FILE}")
    return pages


def _customers(count: int) -> str:
    return f"{count:,} customer" + ("" if count == 1 else "s")


def tour_line(tour: Tour) -> str:
    return (
        f"**#{tour.id} {tour.name}** · {tour.first_day:%d %b}–{tour.last_day:%d %b %Y} · "
        f"{plural(tour.days, 'day')} · {tour.status.value}"
    )


# ------------------------------------------------------------------------------------------------ map


def route_map_png(itinerary: Itinerary) -> bytes:
    """Cities as dots sized by customers, the route drawn in order, labels; big cities left out in grey."""
    figure = Figure(figsize=(8, 6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    stops = [itinerary.start, *(m.city for m in itinerary.meals), itinerary.end]
    xs, ys = [c.longitude for c in stops], [c.latitude for c in stops]
    axes.plot(xs, ys, color=_ROUTE, linewidth=2, zorder=1)
    if itinerary.left_out:
        axes.scatter(
            [x.city.longitude for x in itinerary.left_out],
            [x.city.latitude for x in itinerary.left_out],
            s=[_size(x.customers) for x in itinerary.left_out],
            color=_LEFT_OUT,
            alpha=0.6,
            zorder=2,
            label="left out",
        )
        for x in itinerary.left_out:
            axes.annotate(x.city.name, (x.city.longitude, x.city.latitude), fontsize=7, color="#72767D")
    if itinerary.meals:
        axes.scatter(
            [m.city.longitude for m in itinerary.meals],
            [m.city.latitude for m in itinerary.meals],
            s=[_size(m.expected) for m in itinerary.meals],
            color=_ROUTE,
            zorder=3,
            label="meals",
        )
    axes.scatter([xs[0], xs[-1]], [ys[0], ys[-1]], marker="s", s=60, color=_ENDS, zorder=4, label="start / end")
    for (lon, lat), text in _stop_labels(itinerary).items():
        axes.annotate(text, (lon, lat), xytext=(6, 6), textcoords="offset points", fontsize=8)
    _frame(axes, xs, ys)  # around the route: far-away cities left out are listed in the text
    axes.set_title(f"{itinerary.start.name} → {itinerary.end.name}")
    axes.legend(loc="best", fontsize=8, markerscale=0.5)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _stop_labels(itinerary: Itinerary) -> dict[tuple[float, float], str]:
    """One label per city: "2. Chicago (day 2 breakfast, lunch)", numbered by its first meal."""
    grouped: dict[tuple[float, float], list[tuple[int, PlannedMeal]]] = {}
    for order, meal in enumerate(itinerary.meals, start=1):
        grouped.setdefault((meal.city.longitude, meal.city.latitude), []).append((order, meal))
    labels = {
        (city.longitude, city.latitude): f"{city.name} ({role})"
        for city, role in ((itinerary.end, "end"), (itinerary.start, "start"))
    }
    for place, meals in grouped.items():
        days = sorted({meal.day for _, meal in meals})
        when = "; ".join(
            f"day {day + 1} " + ", ".join(meal.slot.value for _, meal in meals if meal.day == day) for day in days
        )
        labels[place] = f"{meals[0][0]}. {meals[0][1].city.name} ({when})"
    return labels


def _size(customers: int) -> float:
    return 20 + 12 * math.sqrt(max(customers, 0))


def _frame(axes: Axes, xs: list[float], ys: list[float]) -> None:
    """Equal distances look equal: the longitude axis is scaled by cos(latitude)."""
    pad = 2.0
    axes.set_xlim(min(xs) - pad, max(xs) + pad)
    axes.set_ylim(min(ys) - pad, max(ys) + pad)
    middle = (min(ys) + max(ys)) / 2
    axes.set_aspect(1 / max(math.cos(math.radians(middle)), 0.2))
    axes.set_xlabel("longitude")
    axes.set_ylabel("latitude")
