"""What came of introductions: the answer to "did you connect with …?" some days after a meal, and the counts
managers follow per meal and tour."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    YES = "yes"
    NOT_YET = "not_yet"
    NO = "no"


@dataclass(frozen=True, slots=True)
class NetworkingCounts:
    """What managers see per meal or tour: introductions suggested (sent), accepted (the person offered their
    card to the one suggested), cards swapped (both agreed; counted once per pair) and connections made
    (someone answered "yes, we connected"; once per pair)."""

    introductions: int = 0
    accepted: int = 0
    swapped: int = 0
    connected: int = 0
