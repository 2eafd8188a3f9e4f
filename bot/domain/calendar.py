"""Calendar files (.ics) for meals, in each city's own timezone (VTIMEZONE included), with an alarm an hour
before; and the links that add a meal to Google Calendar or Outlook in one click."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlencode

import icalendar

from bot.domain.meals import Meal

PRODUCT_ID = "-//Listening Tour//Meals//EN"
ALARM_BEFORE = dt.timedelta(hours=1)


def meal_event(meal: Meal, *, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"meal-{meal.id}-{meal.guild_id}@listening-tour")
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("summary", meal.title)
    event.add("dtstart", meal.local(meal.starts_at))  # TZID=<city zone>: calendars show local wall time
    event.add("dtend", meal.local(meal.ends_at))
    event.add("location", _place(meal))
    event.add("description", _details(meal))
    event.add("status", "CANCELLED" if meal.cancelled else "CONFIRMED")
    if not meal.cancelled:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{meal.title} in an hour")
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    return event


def _place(meal: Meal) -> str:
    return f"{meal.venue}, {meal.place.label}" if meal.venue else meal.place.label


def _details(meal: Meal) -> str:
    return f"Listening Tour {meal.slot.value} with customers in {meal.place.city}."


def google_calendar_link(meal: Meal) -> str:
    """Google Calendar's "add event" page, filled in (times in UTC: Google shows them in the reader's zone)."""
    start, end = (t.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ") for t in (meal.starts_at, meal.ends_at))
    query = {
        "action": "TEMPLATE",
        "text": meal.title,
        "dates": f"{start}/{end}",
        "location": _place(meal),
        "details": _details(meal),
        "ctz": meal.place.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_link(meal: Meal) -> str:
    """Outlook on the web's "new event" page, filled in."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": meal.title,
        "startdt": meal.starts_at.astimezone(dt.UTC).isoformat(),
        "enddt": meal.ends_at.astimezone(dt.UTC).isoformat(),
        "location": _place(meal),
        "body": _details(meal),
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)


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
