"""What someone answers, some days after a meal, to "did you connect with …?"."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    YES = "yes"
    NOT_YET = "not_yet"
    NO = "no"
