"""Table seating: parties stay together, tables stay within size, hosts spread, the best split for small meals."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import InvalidInput
from bot.domain.networking.matching import ProfileIndex, industry
from bot.domain.networking.people import Attendee, company_key
from bot.domain.networking.seating import (
    BALANCE_PENALTY,
    COMPLEMENT_WEIGHT,
    SAME_COMPANY_PENALTY,
    SAME_INDUSTRY_PENALTY,
    SeatingPlan,
    plan_seating,
    seating_score,
)

OFFERS = ["bookkeeping", "web design", "legal advice", "photography", "printing", "shipping", "marketing",
          "recruiting", "office space", "insurance"]  # fmt: skip
SEEKS = ["an accountant", "a website", "a lawyer", "headshots", "flyers", "a courier", "more customers", "staff",
         "a new office", "coverage for my van"]  # fmt: skip


def meal(count: int, seed: int, *, hosts: int = 0, couples: float = 0.2) -> list[Attendee]:
    rng = random.Random(seed)
    return [
        Attendee(
            i + 1, f"P{i + 1}", offer=rng.choice(OFFERS), seek=rng.choice(SEEKS),
            company=rng.choice(["Acme", "Birch", None, None, None]),
            party=2 if rng.random() < couples else 1, host=i < hosts,
        )
        for i in range(count)
    ]  # fmt: skip


def check_rules(plan: SeatingPlan, people: list[Attendee], table_size: int) -> None:
    by_id = {p.user_id: p for p in people}
    seated = [uid for table in plan.tables for uid in table.user_ids]
    assert sorted(seated) == sorted(by_id), "everyone is seated exactly once"
    total = sum(p.party for p in people)
    for table in plan.tables:
        assert table.seats == sum(by_id[uid].party for uid in table.user_ids), "guests sit with who brought them"
        assert table.seats <= plan.seat_limit <= table_size
    hosts = sum(p.host for p in people)
    per_table = [sum(by_id[uid].host for uid in t.user_ids) for t in plan.tables]
    if plan.tables:
        assert max(per_table) <= math.ceil(hosts / len(plan.tables))
        assert min(per_table) >= hosts // len(plan.tables)
        assert len(plan.tables) >= math.ceil(total / table_size)


def objective(people: list[Attendee]) -> Callable[[list[list[Attendee]]], float]:
    """The seating objective as docs/networking.md states it, written again here to check the module's."""
    index = ProfileIndex(p for p in people if p.has_profile)

    def weight(a: Attendee, b: Attendee) -> float:
        if a.host or b.host:
            return 0.0
        w = COMPLEMENT_WEIGHT * index.pair_score(a.user_id, b.user_id) if a.has_profile and b.has_profile else 0.0
        if company_key(a.company) is not None and company_key(a.company) == company_key(b.company):
            w -= SAME_COMPANY_PENALTY
        if industry(a) is not None and industry(a) == industry(b):
            w -= SAME_INDUSTRY_PENALTY
        return w

    weights = {(a.user_id, b.user_id): weight(a, b) for a, b in itertools.combinations(people, 2)}
    average_of = sum(p.party for p in people)

    def score(groups: list[list[Attendee]]) -> float:
        average = average_of / len(groups)
        pairs = sum(weights[a.user_id, b.user_id] for g in groups for a, b in itertools.combinations(g, 2))
        return pairs - BALANCE_PENALTY * sum((sum(p.party for p in g) - average) ** 2 for g in groups)

    return score


def brute_force(people: list[Attendee], tables: int, limit: int) -> float:
    """Every labelled assignment of people to tables (no symmetry breaking), judged by ``objective``."""
    best, score = -math.inf, objective(people)
    hosts = sum(p.host for p in people)
    for labels in itertools.product(range(tables), repeat=len(people)):
        groups = [[p for p, t in zip(people, labels, strict=True) if t == k] for k in range(tables)]
        if any(not g or sum(p.party for p in g) > limit for g in groups):
            continue
        host_counts = [sum(p.host for p in g) for g in groups]
        if max(host_counts) > math.ceil(hosts / tables) or min(host_counts) < hosts // tables:
            continue
        best = max(best, score(groups))
    return best


@pytest.mark.parametrize(
    ("count", "table_size", "seed"), [(6, 3, 1), (7, 4, 2), (8, 4, 3), (9, 3, 4), (8, 5, 5), (10, 5, 6)]
)
def test_a_small_meal_is_seated_as_well_as_brute_force_finds(count: int, table_size: int, seed: int) -> None:
    people = meal(count, seed, hosts=1 + seed % 2)

    plan = plan_seating(people, table_size=table_size)

    check_rules(plan, people, table_size)
    assert plan.exact
    assert plan.score == pytest.approx(seating_score(plan, people))
    by_id = {p.user_id: p for p in people}
    assert plan.score == pytest.approx(objective(people)([[by_id[u] for u in t.user_ids] for t in plan.tables]))
    assert plan.score == pytest.approx(brute_force(people, len(plan.tables), plan.seat_limit))


def test_a_party_is_never_split_and_tables_keep_their_size() -> None:
    people = meal(40, 7, hosts=3, couples=0.4)
    for size in (4, 6, 8):
        check_rules(plan_seating(people, table_size=size), people, size)


def test_hosts_are_spread_across_tables() -> None:
    people = meal(30, 8, hosts=5, couples=0)

    plan = plan_seating(people, table_size=6)

    assert len(plan.tables) == 5
    assert [sum(uid <= 5 for uid in t.user_ids) for t in plan.tables] == [1] * 5


def test_the_bookkeeper_sits_with_who_needs_one_and_the_pair_is_shown() -> None:
    people = [
        Attendee(1, "Ana", offer="bookkeeping", seek="a website"),
        Attendee(2, "Ben", offer="web design", seek="an accountant"),
        Attendee(3, "Cleo", offer="photography", seek="a lawyer"),
        Attendee(4, "Dan", offer="legal advice", seek="headshots"),
    ]

    plan = plan_seating(people, table_size=2)

    assert sorted(t.user_ids for t in plan.tables) == [(1, 2), (3, 4)]
    first = next(t for t in plan.tables if t.user_ids == (1, 2))
    assert [(p.user_id, p.peer_id, p.mutual) for p in first.pairs] == [(1, 2, True)]
    assert "bookkeeping" in first.pairs[0].topic


def test_a_table_without_a_complementary_pair_shows_none() -> None:
    people = [Attendee(i, f"P{i}", offer="flowers", seek="a plumber") for i in range(1, 5)]

    plan = plan_seating(people, table_size=2)

    assert all(t.pairs == () for t in plan.tables)


def test_colleagues_are_split_up() -> None:
    people = [Attendee(i, f"P{i}", company="Acme Inc." if i <= 2 else "Birch", what_i_do="flowers")
              for i in range(1, 5)]  # fmt: skip

    plan = plan_seating(people, table_size=2)

    assert all(len({uid <= 2 for uid in t.user_ids}) == 2 for t in plan.tables)


def test_tables_are_balanced_and_as_few_as_needed() -> None:
    plan = plan_seating(meal(10, 9, couples=0), table_size=4)

    assert sorted(t.seats for t in plan.tables) == [3, 3, 4]


def test_parties_that_do_not_pack_get_one_more_table() -> None:
    people = [Attendee(i, f"P{i}", party=5) for i in range(1, 4)]  # 15 seats, tables of 8: two can't hold them

    plan = plan_seating(people, table_size=8)

    assert [t.seats for t in plan.tables] == [5, 5, 5]


def test_a_large_meal_beats_random_seating() -> None:
    people = meal(120, 11, hosts=4)
    plan = plan_seating(people, table_size=8)
    check_rules(plan, people, 8)

    rng = random.Random(0)
    scores = []
    for _ in range(8):
        scores.append(seating_score(random_split(people, len(plan.tables), plan.seat_limit, rng), people))
    assert plan.score > max(scores)
    assert not plan.exact


def random_split(people: list[Attendee], tables: int, limit: int, rng: random.Random) -> list[list[int]]:
    while True:
        groups: list[list[Attendee]] = [[] for _ in range(tables)]
        order = sorted(people, key=lambda p: (not p.host, rng.random()))
        for k, p in enumerate(order):
            open_tables = [g for g in groups if sum(q.party for q in g) + p.party <= limit]
            if not open_tables:
                break
            (groups[k % tables] if p.host else rng.choice(open_tables)).append(p)
        else:
            return [[p.user_id for p in g] for g in groups]


def test_the_same_meal_gets_the_same_plan() -> None:
    people = meal(60, 12, hosts=2)
    assert plan_seating(people, table_size=8) == plan_seating(list(reversed(people)), table_size=8)


@pytest.mark.parametrize(
    ("people", "table_size", "message"),
    [
        ([Attendee(1, "Ana", party=10)], 8,
         "Ana comes with 9 guests; tables of 8 can't seat them together — use table_size 10 or more."),
        ([Attendee(1, "Ana", party=3)], 2,
         "Ana comes with 2 guests; tables of 2 can't seat them together — use table_size 3 or more."),
        ([Attendee(1, "Ana")], 1, "Tables must seat between 2 and 50 people; 1 was asked."),
        ([Attendee(1, "Ana")], 51, "Tables must seat between 2 and 50 people; 51 was asked."),
        ([Attendee(1, "Ana"), Attendee(1, "Ana")], 4, "listed twice"),
        ([Attendee(1, "Ana", party=0)], 4, "Ana's party has 0 people"),
    ],
)  # fmt: skip
def test_impossible_seating_is_refused_with_what_to_do(people: list[Attendee], table_size: int, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(")):
        plan_seating(people, table_size=table_size)


def test_nobody_coming_gives_no_tables() -> None:
    assert plan_seating([], table_size=8).tables == ()


TINY_MEALS = st.builds(lambda n, seed: meal(n, seed, hosts=seed % 3), st.integers(2, 7), st.integers(0, 10_000))


@settings(max_examples=25, deadline=None)
@given(TINY_MEALS, st.integers(2, 5))
def test_exact_seating_matches_brute_force_on_random_small_meals(people: list[Attendee], table_size: int) -> None:
    if max(p.party for p in people) > table_size:
        return
    plan = plan_seating(people, table_size=table_size)

    check_rules(plan, people, table_size)
    assert plan.score == pytest.approx(brute_force(people, len(plan.tables), plan.seat_limit))
