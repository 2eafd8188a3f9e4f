"""The recommend score (NPS) and the rules for feedback answers."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput
from bot.domain.feedback import check_score, clean_comment, summarise


def test_the_recommend_score_is_promoters_minus_detractors_in_points() -> None:
    summary = summarise([10, 9, 8, 7, 6, 0, None], ["yes", "maybe", None, "no", "yes"], comments=2)

    assert (summary.answers, summary.promoters, summary.passives, summary.detractors) == (6, 2, 2, 2)
    assert summary.recommend_score == 0
    assert (summary.refer_yes, summary.refer_maybe, summary.refer_no, summary.comments) == (2, 1, 1, 2)
    assert summarise([10, 10, 6], []).recommend_score == 33
    assert summarise([], ["yes"]).recommend_score is None  # no score, no recommend score


def test_scores_go_from_0_to_10_and_comments_have_a_limit() -> None:
    assert check_score(0) == 0 and check_score(10) == 10
    with pytest.raises(InvalidInput, match="from 0 to 10"):
        check_score(11)
    assert clean_comment("  ") is None
    assert clean_comment(" Great food ") == "Great food"
    with pytest.raises(InvalidInput, match="keep it to 1000"):
        clean_comment("x" * 1001)
