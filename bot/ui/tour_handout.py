"""What a handed-over tour plan says, before it is laid out as Markdown or as a PDF page (bot/ui/tour_export.py).

Read from ``Itinerary.by_day()`` and ``DayPlan.events()``, as `/tour show` reads it, so the files and the Discord
view never tell two stories. Times are the wall time of the city they happen in, with its zone's abbreviation.
A published tour adds each meal's venue, and whether it was cancelled or moved since it was planned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.meals import Meal
from bot.domain.tour_planning import DayPlan, Itinerary, Leg, Night, PlannedMeal
from bot.domain.tours import Tour, TourStatus
from bot.domain.words import plural
from bot.ui.tour_views import summary_line


class Kind(StrEnum):
    MEAL = "meal"
    DRIVE = "drive"
    NIGHT = "night"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a day: ``when`` (local time, may be empty), ``title`` then ``details``, the ``venue`` a manager
    typed (user text, shown "at …"), and ``flag`` for what changed since planning (a cancelled or moved meal)."""

    kind: Kind
    when: str
    title: str
    details: tuple[str, ...] = ()
    venue: str = ""
    flag: str = ""


@dataclass(frozen=True, slots=True)
class Day:
    heading: str  # "Day 1 · Mon 02 Feb"
    driving: str  # "9.0 h driving"
    note: str  # why a day has no meals ("" when it has)
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Team:
    number: int  # 0-based, as on the map (its route's colour)
    heading: str  # "Team 2 · 7 meals · about 23 customers · 30.5 h of driving"; "" when the tour has one team
    days: tuple[Day, ...]

    @property
    def name(self) -> str:
        return f"Team {self.number + 1}" if self.heading else ""


@dataclass(frozen=True, slots=True)
class Handout:
    title: str
    summary: str  # the same line as /tour show's first one (with **bold** route)
    dates: str  # "Mon 02 Feb – Thu 05 Feb 2026"
    status: str  # where the tour stands, and what that means for venues
    teams: tuple[Team, ...]  # one for most tours; each team's days, as /tour show lists them
    warnings: tuple[str, ...]
    left_out_title: str
    left_out: tuple[str, ...]
    footer: str
    as_of: dt.datetime  # when it was exported (aware)


def handout(tour: Tour, itinerary: Itinerary, meals: Iterable[Meal] = (), *, as_of: dt.datetime) -> Handout:
    """``meals``: the tour's stored meals once it is published (any order; matched by their place in the plan)."""
    stored = stored_meals(itinerary, meals)
    published = tour.status in (TourStatus.PUBLISHED, TourStatus.PUBLISHING) or bool(stored)
    last = itinerary.first_day + dt.timedelta(days=itinerary.days - 1)
    left_out: tuple[str, ...] = ()
    title = ""
    if itinerary.left_out:
        big = all(x.customers > 1 for x in itinerary.left_out)  # as /tour show words it
        title = "Big cities left out, and why" if big else "Places left out, and why"
        left_out = tuple(f"{x.city.name} ({plural(x.customers, 'customer')}): {x.detail}" for x in itinerary.left_out)
    return Handout(
        title=tour.name,
        summary=summary_line(tour, itinerary),
        dates=_dates(itinerary.first_day, last),
        status=_status(tour, published),
        teams=tuple(_team(itinerary, team, stored if published else None) for team in range(itinerary.teams)),
        warnings=itinerary.warnings,
        left_out_title=title,
        left_out=left_out,
        footer=f"Exported from Listening Tour on {as_of.astimezone(dt.UTC):%d %b %Y %H:%M} UTC. "
        "All times are the local time of the city they are in. The plan may change: /tour show has the latest.",
        as_of=as_of,
    )


def _team(itinerary: Itinerary, team: int, stored: Mapping[PlannedMeal, Meal] | None) -> Team:
    heading = ""
    if itinerary.idle(team):
        return Team(team, f"Team {team + 1} · not needed: the other teams meet every customer within reach", ())
    if itinerary.teams > 1:
        meals = itinerary.team_meals(team)
        met = plural(sum(m.expected for m in meals), "customer")
        hours = itinerary.team_drive_hours(team)
        heading = f"Team {team + 1} · {plural(len(meals), 'meal')} · about {met} · {hours:.1f} h of driving"
    days = [_day(run[0], stored) if len(run) == 1 else _idle_days(run) for run in _runs(itinerary.by_day(team))]
    return Team(team, heading, tuple(days))


def _runs(days: Iterable[DayPlan]) -> list[list[DayPlan]]:
    """Days in runs: a run of idle days alike (no meal, no driving, the same note and the same bed) is told once,
    as a team that arrives early waits a week in the end city; any other day is a run of its own."""
    runs: list[list[DayPlan]] = []
    for day in days:
        last = runs[-1][-1] if runs else None
        if last is not None and _idle(last) and _idle(day) and _same_rest(last, day):
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _idle(day: DayPlan) -> bool:
    return not day.meals and not day.legs and day.drive_hours == 0


def _same_rest(one: DayPlan, other: DayPlan) -> bool:
    beds = [None if day.night is None else day.night.city.geonameid for day in (one, other)]
    return one.note == other.note and beds[0] == beds[1]


def _idle_days(run: list[DayPlan]) -> Day:
    first, last = run[0], run[-1]
    note = first.note or "No meals and no driving."
    night = first.night
    rows = () if night is None else (Row(Kind.NIGHT, "", f"Nights in {_bed(night)}"),)
    heading = f"Days {first.day + 1}–{last.day + 1} · {first.date:%a %d %b} – {last.date:%a %d %b}"
    return Day(heading, "no driving", note, rows)


def _dates(first: dt.date, last: dt.date) -> str:
    if first == last:
        return f"{first:%a %d %b %Y}"
    year = f" {first:%Y}" if first.year != last.year else ""
    return f"{first:%a %d %b}{year} – {last:%a %d %b %Y}"


def stored_meals(itinerary: Itinerary, meals: Iterable[Meal]) -> dict[PlannedMeal, Meal]:
    """The published meals by the planned meal they were made from (publish keys each by its index in the plan)."""
    planned = itinerary.meals
    return {
        planned[meal.tour_slot]: meal for meal in meals if meal.tour_slot is not None and meal.tour_slot < len(planned)
    }


def _status(tour: Tour, published: bool) -> str:
    if tour.status is TourStatus.CANCELLED:
        return "Cancelled: this tour and its meals are off."
    if tour.status is TourStatus.PUBLISHING:
        return "Publishing: some posts and Discord events are still on their way; venues as set with /meal edit."
    if published:
        return "Published: each meal has its post and Discord event; venues as set with /meal edit."
    return "Proposed, not published yet: venues are set once the meals are published."


def _day(day: DayPlan, stored: Mapping[PlannedMeal, Meal] | None) -> Day:
    rows = []
    for item in day.events():
        if isinstance(item, PlannedMeal):
            rows.append(_meal_row(item, stored))
        elif isinstance(item, Leg):
            rows.append(_drive_row(item))
        else:
            rows.append(_night_row(item))
    note = day.note or ("No meals and no driving." if not day.meals and not day.legs else "")
    return Day(f"Day {day.day + 1} · {day.date:%a %d %b}", f"{day.drive_hours:.1f} h driving", note, tuple(rows))


def _meal_row(meal: PlannedMeal, published: Mapping[PlannedMeal, Meal] | None) -> Row:
    """``published`` is None for a tour not published yet: no venue at all, so none is mentioned."""
    start, end = meal.local_start, meal.local_end
    details = [meal.who_comes]
    flag = venue = ""
    stored = None if published is None else published.get(meal)
    if stored is not None:
        venue = stored.venue or ""
        if not venue:
            details.append("venue to be announced")
        if stored.cancelled:
            flag = "cancelled"
        elif stored.starts_at != meal.starts_at:
            now = stored.local(stored.starts_at)
            flag = f"moved to {now:%a %d %b} {now:%H:%M} {zone(now)}"
    elif published is not None:
        flag = "not published"  # publishing skips a meal already in the past
    return Row(
        Kind.MEAL,
        f"{start:%H:%M}–{end:%H:%M} {zone(start)}",
        f"{meal.slot.value.capitalize()} in {meal.city.name}",
        tuple(details),
        venue,
        flag,
    )


def _drive_row(leg: Leg) -> Row:
    leaves = leg.departs_at.astimezone(ZoneInfo(leg.origin.timezone))
    toward = f" (toward {leg.toward.name})" if leg.toward is not None else ""
    return Row(
        Kind.DRIVE,
        f"{leaves:%H:%M} {zone(leaves)}",
        f"Drive {leg.origin.name} → {leg.destination.name}{toward}",
        (f"{leg.road_km:,.0f} km", f"{leg.hours:.1f} h"),
    )


def _night_row(night: Night) -> Row:
    arrives = night.arrives_at.astimezone(ZoneInfo(night.city.timezone))
    return Row(Kind.NIGHT, "", f"Night in {_bed(night)}", (f"arrive {arrives:%H:%M} {zone(arrives)}",))


def _bed(night: Night) -> str:
    """Where the team sleeps, as /tour show names it: a town on the road with its state ("Racine, WI")."""
    return night.city.hint if night.on_the_road else night.city.name


def zone(local: dt.datetime) -> str:
    """The time zone's abbreviation ("CST"); zones without one print an offset ("+04"), shown as "UTC+04"."""
    name = local.tzname() or ""
    return f"UTC{name}" if name[:1] in "+-" else name
