"""Between tours: one city's customers paired for a local introduction, each at most once, never twice."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.networking.local import pair_up
from bot.domain.networking.people import Attendee

ANA = Attendee(1, "Ana", what_i_do="I run a bookkeeping firm", offer="Bookkeeping and payroll", seek="a new website")
BEN = Attendee(2, "Ben", what_i_do="Web designer", offer="I can offer web design", seek="I'm looking for an accountant")
CLEO = Attendee(3, "Cleo", what_i_do="I'm a photographer", seek="legal advice on contracts")
DAN = Attendee(4, "Dan", offer="Lawyer, contract review", seek="headshots for my team")
EVE = Attendee(5, "Eve", offer="bookkeeping for startups", seek="investors")
QUIET = Attendee(6, "Quiet")


def test_the_best_pairs_meet_each_told_about_the_other() -> None:
    pairs = pair_up([ANA, BEN, CLEO, DAN, EVE, QUIET])

    met = {frozenset((a.user_id, b.user_id)) for a, b in pairs}
    assert met == {frozenset((1, 2)), frozenset((3, 4))}  # Eve has nobody left; Quiet said nothing
    to_ana, to_ben = next((a, b) for a, b in pairs if {a.user_id, b.user_id} == {1, 2})
    assert (to_ana.user_id, to_ana.peer_id, to_ben.user_id, to_ben.peer_id) == (1, 2, 2, 1)
    assert to_ana.mutual and to_ben.reason.startswith("Ana offers bookkeeping; you're looking for an accountant.")


def test_a_pair_introduced_before_is_never_paired_again() -> None:
    pairs = pair_up([ANA, BEN, EVE], already_introduced={frozenset((1, 2))})

    assert [{a.user_id, b.user_id} for a, b in pairs] == [{2, 5}]  # Ben seeks an accountant; Eve keeps books


def test_hosts_are_not_paired() -> None:
    assert pair_up([ANA, Attendee(2, "Host", offer="web design", seek="an accountant", host=True)]) == []


WORDS = ["bookkeeping", "web design", "an accountant", "a lawyer", "photography", "investors", "a website", "legal"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(WORDS)), min_size=2, max_size=12),
    st.sets(st.tuples(st.integers(0, 11), st.integers(0, 11))),
)
def test_everyone_is_paired_at_most_once_and_never_with_someone_met(
    profiles: list[tuple[str, str]], met: set[tuple[int, int]]
) -> None:
    people = [Attendee(i, f"P{i}", offer=offer, seek=seek) for i, (offer, seek) in enumerate(profiles)]
    before = {frozenset(pair) for pair in met if pair[0] != pair[1]}

    pairs = pair_up(people, already_introduced=before)

    ids = [uid for a, b in pairs for uid in (a.user_id, b.user_id)]
    assert len(ids) == len(set(ids))
    assert all(frozenset((a.user_id, b.user_id)) not in before for a, b in pairs)
    assert all(a.peer_id == b.user_id and b.peer_id == a.user_id for a, b in pairs)


def test_a_round_comes_round_after_its_weeks_give_or_take_the_hourly_sweep() -> None:
    import datetime as dt

    from bot.domain.clock import round_due

    last = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    assert round_due(None, 2, last) and not round_due(None, 0, last)
    assert not round_due(last, 2, last + dt.timedelta(days=13))
    assert round_due(last, 2, last + dt.timedelta(weeks=2) - dt.timedelta(minutes=30))  # a sweep a little early
    assert not round_due(last, 0, last + dt.timedelta(weeks=52))
