"""How a tour plan looks in Discord: the day-by-day itinerary as paged embeds and the route map (PNG)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import discord

from bot.domain.meals import MealSlot
from bot.domain.tour_planning import DayPlan, Itinerary, Leg, Night, PlannedMeal
from bot.domain.tours import Tour
from bot.ui import route_map
from bot.ui.pages import paginate
from bot.ui.style import BRAND, plural

MAP_FILE = "tour-map.png"
ICONS = {MealSlot.BREAKFAST: "🍳", MealSlot.LUNCH: "🥪", MealSlot.DINNER: "🍽️", MealSlot.MEAL: "🍴"}
TEAM_ICONS = ("🟡", "🔵", "🟢", "🟣")  # the colours of the teams' routes on the map


def summary_line(tour: Tour, itinerary: Itinerary) -> str:
    asked = f" and {plural(itinerary.requests, 'stop request')}" if itinerary.requests else ""
    teams = f"{plural(itinerary.teams, 'team')} · " if itinerary.teams > 1 else ""
    return (
        f"**{itinerary.start.name} → {itinerary.end.name}** · {teams}{plural(itinerary.days, 'day')} · "
        f"{plural(len(itinerary.meals), 'meal')} · about {_customers(itinerary.expected)}{asked} · "
        f"{itinerary.drive_hours:.1f} h of driving (limit {itinerary.daily_drive_hours:g} h a day)"
    )


def meal_line(meal: PlannedMeal) -> str:
    local = meal.local_start
    pin = " 📌" if meal.pinned else ""
    return (
        f"{ICONS[meal.slot]} **{meal.slot.value.capitalize()} in {meal.city.name}**{pin} — "
        f"{local:%H:%M}–{meal.local_end:%H:%M} {local:%Z} local ({discord.utils.format_dt(meal.starts_at, 't')}) · "
        f"{meal.who_comes}"
    )


def team_line(itinerary: Itinerary, team: int) -> str:
    meals = itinerary.team_meals(team)
    if itinerary.idle(team):
        icon = TEAM_ICONS[team % len(TEAM_ICONS)]
        return f"{icon} **Team {team + 1}** · not needed: the other teams meet every customer within reach"
    return (
        f"{TEAM_ICONS[team % len(TEAM_ICONS)]} **Team {team + 1}** · {plural(len(meals), 'meal')} · about "
        f"{_customers(sum(m.expected for m in meals))} · {itinerary.team_drive_hours(team):.1f} h of driving"
    )


def leg_line(leg: Leg) -> str:
    toward = f" (toward {leg.toward.name})" if leg.toward is not None else ""
    return f"🚐 {leg.origin.name} → {leg.destination.name}{toward} · {leg.road_km:,.0f} km · {leg.hours:.1f} h"


def night_line(night: Night) -> str:
    local = night.arrives_at.astimezone(ZoneInfo(night.city.timezone))
    where = night.city.hint if night.on_the_road else night.city.name
    return f"🌙 Night in **{where}** · arrive {local:%H:%M} {local:%Z}"


def day_lines(day: DayPlan) -> list[str]:
    lines = [f"__**Day {day.day + 1} · {day.date:%a %d %b}**__ · {day.drive_hours:.1f} h driving"]
    for item in day.events():
        if isinstance(item, PlannedMeal):
            lines.append(meal_line(item))
        elif isinstance(item, Leg):
            lines.append(leg_line(item))
        else:
            lines.append(night_line(item))
    if day.note:
        lines.insert(1, f"*{day.note}*")
    elif not day.meals and not day.legs:  # a plan stored before days had notes
        lines.insert(1, "*No meals and no driving.*")
    return lines


def itinerary_lines(tour: Tour, itinerary: Itinerary) -> list[str]:
    lines = [summary_line(tour, itinerary), ""]
    for team in range(itinerary.teams):
        if itinerary.teams > 1:
            lines += [team_line(itinerary, team), ""]
        for day in [] if itinerary.idle(team) else itinerary.by_day(team):
            lines += [*day_lines(day), ""]
    if itinerary.warnings:
        lines += ["**⚠️ Needs attention**", *(f"• {text}" for text in itinerary.warnings), ""]
    if itinerary.left_out:
        big = all(x.customers > 1 for x in itinerary.left_out)  # a town of one customer is no "big city"
        lines.append("**Big cities left out, and why**" if big else "**Places left out, and why**")
        lines += [f"• {x.city.name} ({plural(x.customers, 'customer')}): {x.detail}" for x in itinerary.left_out]
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
    """The route on a real map (PNG, 1200 × 800): stops numbered and sized by customers, one label per city with
    its days and meals, start and end marked, big cities left out in grey. Drawn by bot/ui/route_map.py."""
    return route_map.route_map_png(itinerary)
