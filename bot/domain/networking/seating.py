"""Table seating: who sits with whom, so people who can help each other share a table and tables mix.

The rules (hard): a party (a person and their +1s) sits at one table; a table seats at most ``table_size``;
as few tables as needed (ceil(seats / table_size), one more only if the parties cannot be packed); no table
seats more than ``seat_limit`` (the even share ceil(seats / tables), raised only as far as the parties
need); the company's hosts are spread evenly: floor(hosts / tables) to ceil(hosts / tables) per table.

The objective (``seating_score``), summed over tables, over each pair of attendees at the same table:

    + COMPLEMENT_WEIGHT × pair_score (one offers what the other seeks; both ways count)
    − SAME_COMPANY_PENALTY when they work for the same company
    − SAME_INDUSTRY_PENALTY when they are in the same industry (the lexicon's concept of what they do)

minus ``BALANCE_PENALTY`` × (seats at the table − the average seats per table)², so tables stay even.
Hosts add nothing and cost nothing: they are there to listen, and the hard rule places them.

Method: meals of at most ``EXACT_LIMIT`` parties are solved exactly (every way to split the parties into
tables, tables unnumbered so each split is seen once). Larger meals start from a packing of the parties
and improve it by local search (the best move of one party to another table or swap of two parties, until
none helps), then by rounds of a few random swaps followed by local search again, keeping the best
(iterated local search, seeded: the same meal gives the same plan, unless ``time_limit`` cuts it short).
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.domain.errors import InvalidInput
from bot.domain.networking.matching import ProfileIndex, industry
from bot.domain.networking.people import Attendee, company_key
from bot.domain.words import plural

COMPLEMENT_WEIGHT = 1.0
SAME_COMPANY_PENALTY = 1.0
SAME_INDUSTRY_PENALTY = 0.25
BALANCE_PENALTY = 1.0
EXACT_LIMIT = 12  # parties; beyond it the number of splits grows too fast to try them all
MIN_TABLE_SIZE, MAX_TABLE_SIZE = 2, 50
ROUNDS = 20  # rounds of perturbation + local search on a large meal
TIME_LIMIT = 0.6  # seconds, a safety net on slow machines
POLISH_SECONDS = 0.2  # the final full pass may run this much past the time limit
_EPS = 1e-9

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class TablePair:
    """Two people at one table who can help each other, and in a few words how."""

    user_id: int
    peer_id: int
    topic: str  # e.g. "bookkeeping" or "bookkeeping / web design"
    score: float
    mutual: bool


@dataclass(frozen=True, slots=True)
class Table:
    number: int  # from 1
    user_ids: tuple[int, ...]  # the attendees; their guests sit with them
    seats: int  # attendees and guests
    pairs: tuple[TablePair, ...]  # complementary pairs at this table, best first (may be empty)


@dataclass(frozen=True, slots=True)
class SeatingPlan:
    tables: tuple[Table, ...]
    score: float  # seating_score of this plan
    table_size: int
    seat_limit: int  # no table seats more (≤ table_size)
    exact: bool  # proven best under the objective


@dataclass(frozen=True, slots=True)
class _Meal:
    """The meal as numbers: one row per attendee (their party sits with them)."""

    ids: tuple[int, ...]
    seats: IntArray
    hosts: IntArray  # 1 for a host
    weight: FloatArray  # the pair terms of the objective, zero on the diagonal
    index: ProfileIndex


@dataclass(frozen=True, slots=True)
class _Rules:
    tables: int
    seat_limit: int
    hosts_min: int
    hosts_max: int
    average: float  # seats per table


def plan_seating(
    attendees: Sequence[Attendee],
    *,
    table_size: int,
    seed: int = 0,
    exact: bool | None = None,
    rounds: int = ROUNDS,
    time_limit: float = TIME_LIMIT,
) -> SeatingPlan:
    """Tables for the meal: exact up to ``EXACT_LIMIT`` parties (or as ``exact`` says), else local search."""
    _check(attendees, table_size)
    if not attendees:
        return SeatingPlan((), 0.0, table_size, table_size, exact=True)
    meal = _meal(attendees)
    rules, start = _rules_and_packing(meal, table_size)
    solve_exactly = len(meal.ids) <= EXACT_LIMIT if exact is None else exact
    if solve_exactly:
        assign = _exact(meal, rules)
    else:
        rng = random.Random(seed)  # noqa: S311 - a reproducible search, not a secret
        assign = _local_search(meal, rules, start, rng, rounds, time.perf_counter() + time_limit)
    return _plan(meal, rules, assign, table_size, exact=solve_exactly)


def seating_score(plan: SeatingPlan | Sequence[Sequence[int]], attendees: Sequence[Attendee]) -> float:
    """The objective of any split of the attendees into tables (a plan, or lists of user ids)."""
    tables = [t.user_ids for t in plan.tables] if isinstance(plan, SeatingPlan) else plan
    meal = _meal(attendees)
    row = {uid: i for i, uid in enumerate(meal.ids)}
    assign = np.full(len(meal.ids), -1, dtype=np.int64)
    for t, members in enumerate(tables):
        for uid in members:
            assign[row[uid]] = t
    if (assign < 0).any():
        raise ValueError("every attendee must be at a table")
    average = float(meal.seats.sum()) / max(len(tables), 1)
    return _score(meal, assign, len(tables), average)


def _check(attendees: Sequence[Attendee], table_size: int) -> None:
    if not MIN_TABLE_SIZE <= table_size <= MAX_TABLE_SIZE:
        raise InvalidInput(
            f"Tables must seat between {MIN_TABLE_SIZE} and {MAX_TABLE_SIZE} people; {table_size} was asked."
        )
    ids = [a.user_id for a in attendees]
    if len(set(ids)) != len(ids):
        raise InvalidInput("Someone is listed twice among the attendees; each person can be seated once.")
    for person in attendees:
        if person.party < 1:
            raise InvalidInput(f"{person.name}'s party has {person.party} people; it must be at least 1.")
        if person.party > table_size:
            raise InvalidInput(
                f"{person.name} comes with {plural(person.guests, 'guest')}; tables of {table_size} can't seat "
                f"them together — use table_size {person.party} or more."
            )


def _meal(attendees: Sequence[Attendee]) -> _Meal:
    people = sorted(attendees, key=lambda a: a.user_id)
    index = ProfileIndex(a for a in people if a.has_profile)
    n = len(people)
    weight = np.zeros((n, n))
    companies = [company_key(a.company) for a in people]
    industries = [industry(a) for a in people]
    for i, j in itertools.combinations(range(n), 2):
        a, b = people[i], people[j]
        if a.host or b.host:
            continue
        w = 0.0
        if a.has_profile and b.has_profile:
            w += COMPLEMENT_WEIGHT * index.pair_score(a.user_id, b.user_id)
        if companies[i] is not None and companies[i] == companies[j]:
            w -= SAME_COMPANY_PENALTY
        if industries[i] is not None and industries[i] == industries[j]:
            w -= SAME_INDUSTRY_PENALTY
        weight[i, j] = weight[j, i] = w
    seats = np.array([a.party for a in people], dtype=np.int64)
    hosts = np.array([int(a.host) for a in people], dtype=np.int64)
    return _Meal(tuple(a.user_id for a in people), seats, hosts, weight, index)


def _score(meal: _Meal, assign: IntArray, tables: int, average: float) -> float:
    same = assign[:, None] == assign[None, :]
    pairs = float(np.triu(meal.weight * same, 1).sum())
    seats = np.bincount(assign, weights=meal.seats, minlength=tables)
    return pairs - BALANCE_PENALTY * float(((seats - average) ** 2).sum())


def _rules_and_packing(meal: _Meal, table_size: int) -> tuple[_Rules, IntArray]:
    """The fewest tables and the lowest seat limit at which the parties pack, with a packing to start from."""
    total, hosts = int(meal.seats.sum()), int(meal.hosts.sum())
    tables = math.ceil(total / table_size)
    while True:
        for limit in range(math.ceil(total / tables), table_size + 1):
            rules = _Rules(tables, limit, hosts // tables, math.ceil(hosts / tables), total / tables)
            packing = _pack(meal, rules)
            if packing is not None:
                return rules, packing
        tables += 1


def _pack(meal: _Meal, rules: _Rules) -> IntArray | None:
    """Hosts round-robin first, then the biggest parties first, each where the most seats are left."""
    assign = np.full(len(meal.ids), -1, dtype=np.int64)
    seats = np.zeros(rules.tables, dtype=np.int64)
    host_count = np.zeros(rules.tables, dtype=np.int64)
    order = sorted(range(len(meal.ids)), key=lambda i: (-meal.hosts[i], -meal.seats[i], i))
    for i in order:
        fits = [t for t in range(rules.tables) if seats[t] + meal.seats[i] <= rules.seat_limit]
        if meal.hosts[i]:
            fits = [t for t in fits if host_count[t] < rules.hosts_max]
            key = min(fits, key=lambda t: (host_count[t], seats[t], t), default=None)
        else:
            key = min(fits, key=lambda t: (seats[t], t), default=None)
        if key is None:
            return None
        assign[i], seats[key], host_count[key] = key, seats[key] + meal.seats[i], host_count[key] + meal.hosts[i]
    if (host_count < rules.hosts_min).any() or (seats == 0).any():
        return None
    return assign


def _exact(meal: _Meal, rules: _Rules) -> IntArray:
    """Every split of the parties into the tables (each split once: a party opens at most the next table)."""
    n, w = len(meal.ids), meal.weight
    seats_of, host_of = [int(s) for s in meal.seats], [int(h) for h in meal.hosts]
    assign = [-1] * n
    seats, host_count = [0] * rules.tables, [0] * rules.tables
    members: list[list[int]] = [[] for _ in range(rules.tables)]
    best_score, best = -math.inf, list(assign)
    remaining = [sum(seats_of[i:]) for i in range(n)] + [0]

    def place(i: int, used: int, partial: float) -> None:
        nonlocal best_score, best
        if i == n:
            if used == rules.tables and min(host_count) >= rules.hosts_min:
                total = partial - BALANCE_PENALTY * sum((s - rules.average) ** 2 for s in seats)
                if total > best_score + _EPS:
                    best_score, best = total, assign.copy()
            return
        if rules.tables - used > n - i or remaining[i] > rules.seat_limit * rules.tables - sum(seats):
            return
        for t in range(min(used + 1, rules.tables)):
            if seats[t] + seats_of[i] > rules.seat_limit or host_count[t] + host_of[i] > rules.hosts_max:
                continue
            gain = sum(w[i, j] for j in members[t])
            assign[i], seats[t], host_count[t] = t, seats[t] + seats_of[i], host_count[t] + host_of[i]
            members[t].append(i)
            place(i + 1, max(used, t + 1), partial + gain)
            members[t].pop()
            assign[i], seats[t], host_count[t] = -1, seats[t] - seats_of[i], host_count[t] - host_of[i]

    place(0, 0, 0.0)
    return np.array(best, dtype=np.int64)


class _Search:
    """A split being improved: per party, the weight it has with each table (``gain``), kept up to date."""

    def __init__(self, meal: _Meal, rules: _Rules, assign: IntArray) -> None:
        self.meal, self.rules, self.assign = meal, rules, assign.copy()
        onehot = np.zeros((len(assign), rules.tables))
        onehot[np.arange(len(assign)), assign] = 1.0
        self.gain: FloatArray = meal.weight @ onehot
        self.seats = np.bincount(assign, weights=meal.seats, minlength=rules.tables).astype(np.int64)
        self.host_count = np.bincount(assign, weights=meal.hosts, minlength=rules.tables).astype(np.int64)
        self.size = np.bincount(assign, minlength=rules.tables).astype(np.int64)

    def score(self) -> float:
        return _score(self.meal, self.assign, self.rules.tables, self.rules.average)

    def move(self, i: int, to: int) -> None:
        t = int(self.assign[i])
        self.gain[:, t] -= self.meal.weight[:, i]
        self.gain[:, to] += self.meal.weight[:, i]
        self.seats[t] -= self.meal.seats[i]
        self.seats[to] += self.meal.seats[i]
        self.host_count[t] -= self.meal.hosts[i]
        self.host_count[to] += self.meal.hosts[i]
        self.size[t] -= 1
        self.size[to] += 1
        self.assign[i] = to

    def best_move(self, i: int) -> tuple[float, int]:
        """The best table to move party i to, and what it gains (−inf when none may take it)."""
        m, r, t = self.meal, self.rules, int(self.assign[i])
        s = float(m.seats[i])
        gains = self.gain[i] - self.gain[i, t]
        gains = gains - BALANCE_PENALTY * (2 * s * (self.seats - self.seats[t]) + 2 * s * s)
        ok = (self.seats + m.seats[i] <= r.seat_limit) & (np.arange(r.tables) != t) & (self.size[t] > 1)
        if m.hosts[i]:
            ok &= (self.host_count + 1 <= r.hosts_max) & (self.host_count[t] - 1 >= r.hosts_min)
        gains = np.where(ok, gains, -np.inf)
        to = int(np.argmax(gains))
        return float(gains[to]), to

    def best_swap(self, i: int) -> tuple[float, int]:
        """The best party to swap party i with, and what it gains (−inf when none)."""
        m, r, a, t = self.meal, self.rules, self.assign, int(self.assign[i])
        rows = np.arange(len(a))
        d = m.seats - m.seats[i]  # seats moving into i's table
        gains = self.gain[i, a] - self.gain[i, t] + self.gain[:, t] - self.gain[rows, a] - 2 * m.weight[i]
        gains = gains - BALANCE_PENALTY * (2 * d * (self.seats[t] - self.seats[a]) + 2 * d * d)
        ok = (a != t) & (self.seats[t] + d <= r.seat_limit) & (self.seats[a] - d <= r.seat_limit)
        h = m.hosts - m.hosts[i]  # hosts moving into i's table
        ok &= (self.host_count[t] + h <= r.hosts_max) & (self.host_count[t] + h >= r.hosts_min)
        ok &= (self.host_count[a] - h <= r.hosts_max) & (self.host_count[a] - h >= r.hosts_min)
        gains = np.where(ok, gains, -np.inf)
        j = int(np.argmax(gains))
        return float(gains[j]), j

    def descend(self, order: Sequence[int], deadline: float) -> None:
        """Apply the best improving move or swap of each party in turn until none improves.

        After a change, only the parties at the two tables it touched are looked at again: the others'
        options changed little, and the final full pass (``polish``) catches what this skips.
        """
        pending, queued = deque(order), set(order)
        while pending and time.perf_counter() < deadline:
            i = pending.popleft()
            queued.discard(i)
            move_gain, to = self.best_move(i)
            swap_gain, j = self.best_swap(i)
            if max(move_gain, swap_gain) <= _EPS:
                continue
            t = int(self.assign[i])
            if move_gain >= swap_gain:
                self.move(i, to)
            else:
                to = int(self.assign[j])
                self.move(i, to)
                self.move(j, t)
            for k in map(int, np.flatnonzero((self.assign == t) | (self.assign == to))):
                if k not in queued:
                    pending.append(k)
                    queued.add(k)

    def touched_by_kick(self, before: IntArray) -> list[int]:
        changed = np.flatnonzero(self.assign != before)
        tables = np.unique(np.concatenate([self.assign[changed], before[changed]]))
        return [int(i) for i in np.flatnonzero(np.isin(self.assign, tables))]


def _local_search(
    meal: _Meal, rules: _Rules, start: IntArray, rng: random.Random, rounds: int, deadline: float
) -> IntArray:
    order = list(range(len(meal.ids)))
    rng.shuffle(order)
    search = _Search(meal, rules, start)
    search.descend(order, deadline)
    best, best_score = search.assign.copy(), search.score()
    for _ in range(rounds):
        if time.perf_counter() >= deadline:
            break
        before = search.assign.copy()
        _kick(search, rng)
        search.descend(search.touched_by_kick(before), deadline)
        score = search.score()
        if score > best_score + _EPS:
            best, best_score = search.assign.copy(), score
        else:
            search = _Search(meal, rules, best)
    polish = _Search(meal, rules, best)
    polish.descend(order, deadline + POLISH_SECONDS)
    return polish.assign


def _kick(search: _Search, rng: random.Random, swaps: int = 4) -> None:
    """A few random swaps of alike parties (same seats, both hosts or neither), which keep every rule."""
    m, n = search.meal, len(search.assign)
    for _ in range(swaps * 4):
        if swaps == 0:
            return
        i, j = rng.randrange(n), rng.randrange(n)
        ti, tj = int(search.assign[i]), int(search.assign[j])
        if ti != tj and m.seats[i] == m.seats[j] and m.hosts[i] == m.hosts[j]:
            search.move(i, tj)
            search.move(j, ti)
            swaps -= 1


def _plan(meal: _Meal, rules: _Rules, assign: IntArray, table_size: int, *, exact: bool) -> SeatingPlan:
    tables = []
    for t in range(rules.tables):
        rows = [i for i in range(len(meal.ids)) if assign[i] == t]
        ids = tuple(meal.ids[i] for i in rows)
        tables.append(Table(t + 1, ids, int(meal.seats[rows].sum()), _pairs(meal, ids)))
    score = _score(meal, assign, rules.tables, rules.average)
    return SeatingPlan(tuple(tables), score, table_size, rules.seat_limit, exact)


def _pairs(meal: _Meal, ids: Sequence[int]) -> tuple[TablePair, ...]:
    found = []
    people = meal.index.people
    for a, b in itertools.combinations(ids, 2):
        if a not in people or b not in people or people[a].host or people[b].host:
            continue
        complement = meal.index.complement(a, b)
        if complement is not None:
            found.append(TablePair(a, b, complement.topic, round(complement.score, 4), complement.mutual))
    return tuple(sorted(found, key=lambda p: (-p.score, p.user_id, p.peer_id)))
