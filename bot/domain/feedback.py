"""Post-meal feedback: the recommend score (Net Promoter Score) and referral intent, and their rules.

"How likely are you to recommend us to a friend or colleague?" is answered 0–10. Promoters answer 9–10,
detractors 0–6, passives 7–8; the recommend score is the share of promoters minus the share of detractors,
in points from −100 to 100 (the usual NPS definition). It is shown with the number of answers, since a
score of a handful of answers says little.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import InvalidInput

DEFAULT_FEEDBACK_HOURS = 3  # asked this long after the meal ends
MAX_FEEDBACK_HOURS = 72
MAX_COMMENT = 1000
FEEDBACK_WINDOW = dt.timedelta(days=30)  # answers are taken this long after the request


class Refer(StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


@dataclass(frozen=True, slots=True)
class FeedbackAnswer:
    """One person's answers about one meal (each part may be missing)."""

    score: int | None
    refer: Refer | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class FeedbackSummary:
    answers: int = 0  # people who gave a score
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    refer_yes: int = 0
    refer_maybe: int = 0
    refer_no: int = 0
    comments: int = 0

    @property
    def recommend_score(self) -> int | None:
        """Promoters minus detractors, in points (−100…100); None without answers."""
        if not self.answers:
            return None
        return round(100 * (self.promoters - self.detractors) / self.answers)

    @property
    def would_refer(self) -> int:
        return self.refer_yes


def summarise(scores: Iterable[int | None], refers: Iterable[str | None], comments: int = 0) -> FeedbackSummary:
    given = [s for s in scores if s is not None]
    said = [Refer(r) for r in refers if r is not None]
    return FeedbackSummary(
        answers=len(given),
        promoters=sum(1 for s in given if s >= 9),
        passives=sum(1 for s in given if 7 <= s <= 8),
        detractors=sum(1 for s in given if s <= 6),
        refer_yes=said.count(Refer.YES),
        refer_maybe=said.count(Refer.MAYBE),
        refer_no=said.count(Refer.NO),
        comments=comments,
    )


def check_score(score: int) -> int:
    if not 0 <= score <= 10:
        raise InvalidInput("The recommend score goes from 0 to 10.")
    return score


def clean_comment(text: str | None) -> str | None:
    comment = (text or "").strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(f"Your comment is {len(comment)} characters long; please keep it to {MAX_COMMENT}.")
    return comment or None
