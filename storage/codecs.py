"""How values cross the database boundary.

Datetimes are stored as fixed-width UTC ISO-8601 text (``2026-01-01T09:30:00.000000Z``): it sorts
correctly as text in SQLite and PostgreSQL alike. Naive datetimes are refused at the boundary, so a
local wall time can never be mistaken for UTC.
"""

from __future__ import annotations

import datetime as dt

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class NaiveDatetimeError(ValueError):
    """A datetime without a timezone reached the database."""


def encode_datetime(value: dt.datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(f"refusing to store a naive datetime: {value.isoformat()}")
    return value.astimezone(dt.UTC).strftime(_FORMAT)


def decode_datetime(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, _FORMAT).replace(tzinfo=dt.UTC)


def encode_optional_datetime(value: dt.datetime | None) -> str | None:
    return None if value is None else encode_datetime(value)


def decode_optional_datetime(text: str | None) -> dt.datetime | None:
    return None if text is None else decode_datetime(text)
