"""Between tours: a local introduction every few weeks between customers of the same city (/setup local_intros).

Each round pairs people of one city who complement each other (the same similarity as before a meal), each
person at most once, best pairs first — mutual interest, then the higher score — and never a pair introduced
before (at a meal or in an earlier round). Someone with no complementary partner left sits the round out: a
weak match is worse than none.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.domain.networking.matching import MIN_SCORE, Introduction, ProfileIndex, introduce
from bot.domain.networking.people import Attendee

LOCAL_INTRO_CADENCES = (2, 4)  # weeks between rounds that /setup offers


def pair_up(
    people: Sequence[Attendee], *, already_introduced: Collection[frozenset[int]] = ()
) -> list[tuple[Introduction, Introduction]]:
    """Disjoint pairs of one city's people, each with what either is told about the other."""
    candidates = [p for p in people if p.has_profile and not p.host]
    index = ProfileIndex(candidates)
    options = []
    for i, a in enumerate(candidates):
        for b in candidates[i + 1 :]:
            if frozenset((a.user_id, b.user_id)) in already_introduced:
                continue
            found = index.complement(a.user_id, b.user_id)
            if found is not None and found.score >= MIN_SCORE:
                options.append((found.mutual, found.score, -min(a.user_id, b.user_id), a.user_id, b.user_id))
    options.sort(reverse=True)
    paired: set[int] = set()
    pairs = []
    for *_, a_id, b_id in options:
        if a_id in paired or b_id in paired:
            continue
        paired |= {a_id, b_id}
        a_to_b, b_to_a = index.complement(a_id, b_id), index.complement(b_id, a_id)
        assert a_to_b is not None and b_to_a is not None
        pairs.append((introduce(index, a_id, b_id, a_to_b), introduce(index, b_id, a_id, b_to_a)))
    return pairs
