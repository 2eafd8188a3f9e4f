"""Days as a team lives them: a simulated route read back as drives split at each night, where each night
is spent (and when the team gets there), and why a day has no meals.

The simulation (``driving.py``) drives a leg in stretches: as much as the day's limit and daylight allow,
then on the next morning. Each stretch becomes a :class:`Leg` of its own day; one that ends mid-leg ends in
the town nearest that point of the leg (``towns.py``), where the team sleeps. Every evening of the tour has
a night: at a stop of the plan when the day's driving ended there, else in that town.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain.cities import City
from bot.domain.tour_planning.driving import Simulation
from bot.domain.tour_planning.model import Leg, Night, PlannedMeal, TourRequest
from bot.domain.tour_planning.towns import Towns
from bot.domain.words import plural


@dataclass(frozen=True, slots=True)
class Road:
    """What reading the days needs to know about the route's places and the tour's clock."""

    request: TourRequest
    cities: Sequence[City]  # by node
    road_km: Callable[[int, int], float]  # road km between two nodes
    instant: Callable[[float], dt.datetime]  # tour minute → aware UTC
    towns: Towns
    # (origin node, target node, share of the leg) → that point of the road (around big water), as lat, lon
    along: Callable[[int, int, float], tuple[float, float]]


@dataclass(frozen=True, slots=True)
class _Stay:
    """A span of the timeline the team spends somewhere: driving (ending at ``place``) or at a meal."""

    begins: dt.datetime
    ends: dt.datetime
    place: City
    drove: bool
    mid_leg: bool = False  # a drive that stops for the night before the leg's end


def legs_and_nights(
    road: Road, simulation: Simulation, meals: Sequence[PlannedMeal]
) -> tuple[list[Leg], list[Night]]:
    """Every drive split into its stretches, and where each night of the tour is spent."""
    legs: list[Leg] = []
    timeline: list[_Stay] = [_Stay(m.starts_at, m.ends_at, m.city, drove=False) for m in meals]
    for drive in simulation.drives:
        if drive.minutes <= 0 or not drive.stretches:
            continue
        origin, target = road.cities[drive.origin], road.cities[drive.target]
        whole_km = road.road_km(drive.origin, drive.target)
        here, done = origin, 0.0
        for index, stretch in enumerate(drive.stretches):
            done += stretch.minutes
            last = index == len(drive.stretches) - 1
            there = target if last else _town(road, drive.origin, drive.target, done / drive.minutes, here)
            begins, ends = road.instant(stretch.begins), road.instant(stretch.ends)
            leg = Leg(
                origin=here, destination=there,
                road_km=round(whole_km * stretch.minutes / drive.minutes, 1), hours=stretch.minutes / 60,
                day=stretch.day, departs_at=begins, arrives_at=ends, toward=None if last else target,
                whole_km=round(whole_km, 1), whole_hours=drive.minutes / 60,
            )  # fmt: skip
            legs.append(leg)
            timeline.append(_Stay(begins, ends, there, drove=True, mid_leg=not last))
            here = there
    return legs, _nights(road, sorted(timeline, key=lambda stay: stay.begins))


def _town(road: Road, origin: int, target: int, fraction: float, here: City) -> City:
    ends = (road.cities[origin], road.cities[target], here)
    town = road.towns.near(*road.along(origin, target, fraction), avoid=ends)
    return town if town is not None else here


def _nights(road: Road, timeline: Sequence[_Stay]) -> list[Night]:
    """A night for every evening from the team's last activity of a day to its next one: where it is then."""
    request = road.request
    place, arrived, mid_leg = request.start, request.departs_at, False
    free_from = request.departs_at  # when the team's last activity ended
    nights: list[Night] = []

    def sleep_until(day: int) -> None:
        for evening in range(max(_day(request, free_from, place), 0), min(day, request.days - 1)):
            nights.append(Night(evening, place, arrived, on_the_road=mid_leg))

    for stay in timeline:
        sleep_until(_day(request, stay.begins, place))
        if stay.drove:
            place, arrived, mid_leg = stay.place, stay.ends, stay.mid_leg
        free_from = stay.ends
    sleep_until(request.days - 1)
    return nights


def _day(request: TourRequest, when: dt.datetime, place: City) -> int:
    """The tour day of an instant by the calendar where the team is."""
    return (when.astimezone(ZoneInfo(place.timezone)).date() - request.first_day).days


# ------------------------------------------------------------------------------------- quiet days


def day_notes(
    request: TourRequest,
    meals: Sequence[PlannedMeal],
    legs: Sequence[Leg],
    nights: Sequence[Night],
    passed_by: Callable[[Sequence[Leg]], list[City]],
) -> list[str]:
    """Why each day without meals has none ("" for days with meals).

    ``passed_by`` names the places with customers near a day's driving that got no meal (the plan's
    left-out list says why); with none, the day's road simply has no customers along it.
    """
    limit = request.settings.daily_drive_hours
    notes = []
    for day in range(request.days):
        todays_legs = [leg for leg in legs if leg.day == day]
        if any(meal.day == day for meal in meals):
            notes.append("")
        elif not todays_legs:
            night = next((n for n in nights if n.day == day), None)
            where = night.city.name if night is not None else request.end.name
            notes.append(f"A free day in {where}: no other place with customers fits a meal today.")
        elif any(leg.whole_hours > limit for leg in todays_legs):
            leg = max(todays_legs, key=lambda leg: leg.whole_hours)
            notes.append(
                f"On the road toward {(leg.toward or leg.destination).name}: a long transfer of "
                f"{leg.whole_km:,.0f} km (about {leg.whole_hours:.0f} h), more than one day's {limit:g} h of driving."
            )
        else:
            passed = passed_by(todays_legs)
            if passed:
                names = ", ".join(city.name for city in passed[:3])
                notes.append(f"Driving only: {names} along the way get no meal (see the places left out).")
            else:
                notes.append(f"Driving only: no customers along today's road ({plural(len(todays_legs), 'drive')}).")
    return notes
