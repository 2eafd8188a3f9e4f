"""Complementary introductions: who should meet whom at a meal, and a reason each person understands."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import InvalidInput
from bot.domain.networking.matching import (
    fair_share,
    industry,
    pair_score,
    suggest_introductions,
)
from bot.domain.networking.people import Attendee

ANA = Attendee(1, "Ana", what_i_do="I run a bookkeeping firm", offer="Bookkeeping and payroll", seek="a new website")
BEN = Attendee(2, "Ben", what_i_do="Web designer", offer="I can offer web design", seek="I'm looking for an accountant")
CLEO = Attendee(3, "Cleo", what_i_do="I'm a photographer", seek="legal advice on contracts")
DAN = Attendee(4, "Dan", offer="Lawyer, contract review", seek="headshots for my team")
EVE = Attendee(5, "Eve", offer="bookkeeping for startups", seek="investors")


def test_ana_and_ben_are_introduced_both_ways_with_their_own_words() -> None:
    intros = suggest_introductions([ANA, BEN, CLEO, DAN])

    to_ana, to_ben = intros[1][0], intros[2][0]
    assert (to_ana.peer_id, to_ben.peer_id) == (2, 1)
    assert to_ana.mutual and to_ben.mutual
    assert to_ben.reason == (
        "Ana offers bookkeeping; you're looking for an accountant. "
        "And Ana is looking for a new website; you offer web design."
    )
    assert to_ana.reason.startswith("Ben offers web design; you're looking for a new website.")


def test_related_words_match_not_only_identical_ones() -> None:
    lawyer_seeker = Attendee(10, "Lia", seek="legal advice")
    site_seeker = Attendee(11, "Sam", seek="a website for my shop")
    assert pair_score(DAN, lawyer_seeker) >= 1.0  # lawyer ↔ legal advice
    assert pair_score(BEN, site_seeker) >= 1.0  # web design ↔ website
    assert pair_score(Attendee(12, "Al", what_i_do="Accountant"), Attendee(13, "Bo", seek="an acountant")) > 0
    assert pair_score(CLEO, Attendee(13, "Ty", seek="a plumber")) == 0


def test_pair_score_is_symmetric() -> None:
    assert pair_score(ANA, BEN) == pair_score(BEN, ANA) > 0
    assert pair_score(CLEO, DAN) == pair_score(DAN, CLEO) > 0


def test_one_way_interest_is_explained_from_the_receivers_side() -> None:
    intros = suggest_introductions([DAN, Attendee(20, "Lia", seek="a lawyer for my lease")])

    assert [i.reason for i in intros[20]] == ["Dan is a lawyer; you're looking for a lawyer for your lease."]
    assert [i.reason for i in intros[4]] == ["Lia is looking for a lawyer for their lease; you're a lawyer."]
    assert not intros[20][0].mutual


def test_mutual_interest_comes_first() -> None:
    # Ben seeks an accountant: Ana (who also needs his web design) and Eve (one way) both fit.
    intros = suggest_introductions([EVE, ANA, BEN])

    assert [i.peer_id for i in intros[2]] == [1, 5]
    assert [i.mutual for i in intros[2]] == [True, False]


def test_a_pair_introduced_at_an_earlier_meal_is_not_suggested_again() -> None:
    intros = suggest_introductions([ANA, BEN, EVE], already_introduced=[frozenset({1, 2})])

    assert [i.peer_id for i in intros[2]] == [5]
    assert all(i.peer_id != 2 for i in intros[1])


def test_hosts_and_empty_profiles_neither_get_nor_are_suggested() -> None:
    host = Attendee(30, "Hana", what_i_do="accountant", offer="bookkeeping", seek="websites", host=True)
    blank = Attendee(31, "Quiet", what_i_do="  ", seek="")

    intros = suggest_introductions([ANA, BEN, host, blank])

    assert intros[30] == [] and intros[31] == []
    assert {i.peer_id for found in intros.values() for i in found} == {1, 2}


def test_no_junk_reasons_below_the_minimum_similarity() -> None:
    baker = Attendee(40, "Bea", offer="sourdough bread", seek="a plumber")
    florist = Attendee(41, "Flo", offer="wedding flowers", seek="a mechanic for my van")

    assert suggest_introductions([baker, florist]) == {40: [], 41: []}


def test_reasons_quote_shortened_words() -> None:
    long_offer = "Bookkeeping " + "for restaurants, cafes and bakeries across the whole of southern Ontario " * 2
    intros = suggest_introductions([Attendee(50, "Lu", offer=long_offer), BEN])

    reason = intros[2][0].reason
    assert reason.startswith("Lu offers bookkeeping for restaurants")
    assert len(reason) < 160


def test_each_person_gets_at_most_per_person_and_the_popular_one_a_fair_share() -> None:
    accountant = Attendee(1, "Acc", offer="bookkeeping and tax returns")
    seekers = [Attendee(100 + i, f"S{i}", seek="an accountant") for i in range(8)]
    others = [Attendee(200 + i, f"T{i}", offer="tax advice and payroll") for i in range(2)]

    intros = suggest_introductions([accountant, *seekers, *others], per_person=2)

    times = Counter(i.peer_id for found in intros.values() for i in found)
    cap = fair_share(2, receivers=11, candidates=11)
    assert max(times.values()) <= cap == 3
    assert all(len(found) <= 2 for found in intros.values())
    assert all(intros[s.user_id] for s in seekers)  # nobody who can be helped is left out


def test_fair_share_never_goes_below_per_person() -> None:
    assert fair_share(3, receivers=2, candidates=40) == 3
    assert fair_share(3, receivers=40, candidates=4) == math.ceil(3 * 40 / 4) + 1
    assert fair_share(3, receivers=0, candidates=0) == 3


def test_the_same_meal_gives_the_same_introductions() -> None:
    people = [EVE, DAN, CLEO, BEN, ANA]
    assert suggest_introductions(people) == suggest_introductions(list(reversed(people)))


def test_someone_listed_twice_is_refused() -> None:
    with pytest.raises(InvalidInput, match="listed twice"):
        suggest_introductions([ANA, ANA])


def test_industry_comes_from_what_they_do() -> None:
    assert industry(ANA) == "accounting"
    assert industry(Attendee(1, "X", what_i_do="I own a cafe")) == "food"
    assert industry(Attendee(1, "Y", offer="legal advice")) == "legal"
    assert industry(Attendee(1, "Z", what_i_do="stuff")) is None


PHRASES = ["bookkeeping", "an accountant", "web design", "a website", "a lawyer", "legal advice", "photos",
           "headshots", "investors", "funding", "shipping", "a courier", "staff", "", "flowers"]  # fmt: skip


@st.composite
def meals(draw: st.DrawFn) -> list[Attendee]:
    count = draw(st.integers(0, 14))
    return [
        Attendee(
            i, f"P{i}", offer=draw(st.sampled_from(PHRASES)), seek=draw(st.sampled_from(PHRASES)),
            host=draw(st.booleans()) and draw(st.booleans()),
        )
        for i in range(count)
    ]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(meals(), st.integers(1, 4), st.sets(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=10))
def test_introductions_keep_every_rule(people: list[Attendee], per_person: int, before: set[tuple[int, int]]) -> None:
    done = {frozenset(pair) for pair in before if pair[0] != pair[1]}
    intros = suggest_introductions(people, already_introduced=done, per_person=per_person)

    hosts = {p.user_id for p in people if p.host or not p.has_profile}
    suggested = [i for found in intros.values() for i in found]
    assert set(intros) == {p.user_id for p in people}
    for uid, found in intros.items():
        assert len(found) <= per_person
        assert len({i.peer_id for i in found}) == len(found)
        assert all(i.user_id == uid != i.peer_id for i in found)
        assert [i.mutual for i in found] == sorted((i.mutual for i in found), reverse=True)
    assert not any(i.peer_id in hosts or i.user_id in hosts for i in suggested)
    assert not any(frozenset((i.user_id, i.peer_id)) in done for i in suggested)
    times = Counter(i.peer_id for i in suggested)
    if times:  # the fair share, with upper bounds on the receivers and the candidates it is computed from
        receivers = len([p for p in people if p.user_id not in hosts])
        assert max(times.values()) <= max(per_person, math.ceil(per_person * receivers / len(times)) + 1)


def test_quotes_read_mid_sentence_and_the_us_is_a_country_not_a_pronoun() -> None:
    dara = Attendee(7, "Dara", offer="A free first tax review", seek="Cheap shipping to the US")
    ben = Attendee(8, "Ben", offer="Cheap shipping to the US", seek="A good accountant for my shop")

    [to_ben] = suggest_introductions([dara, ben])[8]

    assert to_ben.reason == (
        "Dara offers a free first tax review; you're looking for a good accountant for your shop. "
        "And Dara is looking for cheap shipping to the US; you offer cheap shipping to the US."
    )
