"""Calendar files (.ics) for meals, in each city's own timezone (VTIMEZONE included)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar

from bot.domain.meals import Meal

PRODUCT_ID = "-//Listening Tour//Meals//EN"


def meal_event(meal: Meal, *, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"meal-{meal.id}-{meal.guild_id}@listening-tour")
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("summary", meal.title)
    event.add("dtstart", meal.local(meal.starts_at))  # TZID=<city zone>: calendars show local wall time
    event.add("dtend", meal.local(meal.ends_at))
    event.add("location", f"{meal.venue}, {meal.place.label}" if meal.venue else meal.place.label)
    event.add("description", f"Listening Tour {meal.slot.value} with customers in {meal.place.city}.")
    event.add("status", "CANCELLED" if meal.cancelled else "CONFIRMED")
    return event


def calendar_file(meals: Iterable[Meal], *, stamp: dt.datetime, name: str | None = None) -> bytes:
    """One .ics with every meal given (a single meal, or a whole tour for managers)."""
    meals = list(meals)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    if name:
        calendar.add("x-wr-calname", name)
    for meal in meals:
        calendar.add_component(meal_event(meal, stamp=stamp))
    if meals:  # VTIMEZONE blocks covering just the years the meals fall in keep the file small
        first = min(m.starts_at for m in meals).date().replace(month=1, day=1)
        last = max(m.ends_at for m in meals).date().replace(month=12, day=31)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return bytes(calendar.to_ical())
