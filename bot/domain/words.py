"""Small words shared by every message: plurals that read right ("1 customer", "2 customers")."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 customer", "2 customers", "1,200 customers" (or the given plural: "1 person", "3 people")."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"
