"""Peer networking: how good the introductions and the seating plans are, and how long a 200-person meal takes.

    python benchmarks/networking.py           # 20 meals per size, MIP 20 s per medium meal (about 3 min)
    python benchmarks/networking.py --quick   # a few meals, one MIP of 1 s (CI, a few seconds)

Synthetic meals: 30 roles (a bookkeeper who needs a website, a web designer who needs photos…), each
offering one of 15 business needs and seeking another, written in varied words (3–4 phrasings each, some
off the lexicon, one misspelt). An attendee draws a role, one phrasing of its offer and one of its need,
and 1 in 4 come with a guest. Two attendees truly complement each other when one's role offers what the
other's role seeks: the ground truth.

1. **Introductions** (``suggest_introductions``, 3 per person) on meals of 40: precision (share of the
   suggestions that are true pairs) and recall (per attendee with true pairs, the share of their
   min(3, true pairs) slots filled with true pairs), against two baselines measured in the same run:
   3 random people each, and plain string similarity (rapidfuzz ``token_set_ratio`` of offer vs seek in
   either direction, top 3 at ≥ 60).
2. **Seating** (``plan_seating``), judged by its own objective (``seating_score``):
   - small meals (8–10 people, tables of 3–5): the plan against brute force over every labelled split
     (written here, independent of the module's search), and the local search alone against it;
   - medium meals (24, 32, 40 people, tables of 8): against a HiGHS MIP of the same objective (pair
     terms linearised per table, the balance term through one binary per table and seat count), stopped
     at the time limit: its best split and its dual bound (no split can score above it);
   - every size against random splits that keep the same rules (mean of 20), as "share of the gap closed":
     (plan − random) / (best known or bound − random).
3. **Time** for a 200-person meal (tables of 8): introductions and seating, median of 3 runs.

The benchmark fails if a plan splits a party, seats a table over its size or breaks the host spread, scores
above the MIP's bound, or (exact) below brute force.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import highspy
from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from bot.domain.networking.matching import suggest_introductions
from bot.domain.networking.people import Attendee
from bot.domain.networking.seating import BALANCE_PENALTY, SeatingPlan, plan_seating, seating_score
from bot.domain.networking.seating import _meal as seating_weights  # the objective's pair terms, for the MIP

# Each need: ways to offer it, ways to seek it (some off the lexicon, one misspelt).
NEEDS: dict[str, tuple[list[str], list[str]]] = {
    "accounting": (["bookkeeping", "I do taxes and payroll", "accounting for small firms", "CPA services"],
                   ["an accountant", "someone to do my books", "help with tax returns", "an acountant"]),
    "legal": (["legal advice", "contract review", "I'm a lawyer", "trademark filings"],
              ["a lawyer", "legal help with a lease", "an attorney for contracts", "advice on trademarks"]),
    "web": (["web design", "I build Shopify stores", "WordPress sites", "websites for restaurants"],
            ["a new website", "someone to build my online store", "a web developer", "a webshop"]),
    "photo": (["product photography", "headshots", "I shoot videos for brands", "photographer"],
              ["photos of my products", "headshots for the team", "a videographer", "a photographer"]),
    "print": (["printing", "signage and banners", "business cards and flyers", "large-format prints"],
              ["flyers", "a print shop", "signs for my storefront", "business cards"]),
    "logistics": (["shipping and freight", "courier services", "last mile delivery", "warehousing"],
                  ["a courier", "cheaper shipping", "a warehouse", "freight to the US"]),
    "marketing": (["social media marketing", "SEO", "Google ads campaigns", "newsletters that sell"],
                  ["marketing help", "more visibility online", "someone for my Instagram", "SEO"]),
    "hiring": (["recruiting", "staffing agency", "I find talent for tech", "HR consulting"],
               ["staff for the summer", "a recruiter", "to hire two bakers", "employees"]),
    "funding": (["angel investing", "small business loans", "I invest in local companies", "grant applications"],
                ["investors", "funding for a second shop", "a loan", "seed capital"]),
    "space": (["office space to rent", "commercial real estate", "I'm a realtor", "coworking desks"],
              ["a storefront", "an office", "retail space downtown", "a realtor"]),
    "insurance": (["business insurance", "liability coverage", "insurance broker", "I insure fleets"],
                  ["insurance for my van", "liability coverage", "an insurance broker", "better insurance"]),
    "design": (["logo design", "branding", "graphic design", "packaging design"],
               ["a logo", "a designer", "new branding", "a graphic designer"]),
    "translation": (["French translation", "translator", "interpreting", "Spanish localisation"],
                    ["a translator", "French translation", "someone to translate my site", "an interpreter"]),
    "it": (["IT support", "cybersecurity audits", "computer repairs", "network setup"],
           ["IT support", "help with my computers", "cybersecurity", "someone to fix the office network"]),
    "catering": (["catering", "I run a bakery", "lunches for offices", "coffee for events"],
                 ["a caterer", "food for our launch", "a bakery supplier", "catering for 50"]),
}  # fmt: skip
ROLES = [(giver, seeker) for giver, seeker in itertools.permutations(NEEDS, 2)][::7][:30]


def synthetic_meal(count: int, rng: random.Random, *, hosts: int = 0) -> tuple[list[Attendee], dict[int, str]]:
    people, roles = [], {}
    for i in range(count):
        gives, needs = rng.choice(ROLES)
        uid = i + 1
        roles[uid] = f"{gives}>{needs}"
        people.append(
            Attendee(
                uid, f"P{uid}", what_i_do=f"{gives} business", offer=rng.choice(NEEDS[gives][0]),
                seek=rng.choice(NEEDS[needs][1]), company=rng.choice(["Acme", "Birch", "Cedar", None, None, None]),
                party=2 if rng.random() < 0.25 else 1, host=i < hosts,
            )
        )  # fmt: skip
    return people, roles


def true_pairs(roles: dict[int, str]) -> set[frozenset[int]]:
    pairs = set()
    for a, b in itertools.combinations(roles, 2):
        a_gives, a_needs = roles[a].split(">")
        b_gives, b_needs = roles[b].split(">")
        if a_gives == b_needs or b_gives == a_needs:
            pairs.add(frozenset((a, b)))
    return pairs


Suggest = Callable[[list[Attendee], random.Random], dict[int, list[int]]]


def ours(people: list[Attendee], rng: random.Random) -> dict[int, list[int]]:
    return {uid: [i.peer_id for i in found] for uid, found in suggest_introductions(people).items()}


def random_suggestions(people: list[Attendee], rng: random.Random) -> dict[int, list[int]]:
    ids = [p.user_id for p in people]
    return {uid: rng.sample([j for j in ids if j != uid], 3) for uid in ids}


def string_similarity(people: list[Attendee], rng: random.Random) -> dict[int, list[int]]:
    def score(a: Attendee, b: Attendee) -> float:
        return max(fuzz.token_set_ratio(a.offer or "", b.seek or ""), fuzz.token_set_ratio(b.offer or "", a.seek or ""))

    result = {}
    for a in people:
        ranked = sorted(((score(a, b), b.user_id) for b in people if b is not a), key=lambda s: (-s[0], s[1]))
        result[a.user_id] = [uid for s, uid in ranked[:3] if s >= 60]
    return result


def precision_recall(suggested: dict[int, list[int]], truth: set[frozenset[int]]) -> tuple[float, float]:
    made = [(uid, peer) for uid, peers in suggested.items() for peer in peers]
    hits = sum(frozenset(pair) in truth for pair in made)
    recalls = []
    for uid, peers in suggested.items():
        possible = sum(uid in pair for pair in truth)
        if possible:
            recalls.append(sum(frozenset((uid, p)) in truth for p in peers) / min(3, possible))
    return hits / max(len(made), 1), statistics.mean(recalls) if recalls else 0.0


def bench_introductions(meals: int) -> None:
    print(f"Introductions: {meals} meals of 40, 3 suggestions each (precision / recall of true complementary pairs)")
    methods: dict[str, Suggest] = {"ours": ours, "string similarity": string_similarity, "random": random_suggestions}
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in methods}
    for seed in range(meals):
        people, roles = synthetic_meal(40, random.Random(seed))
        truth = true_pairs(roles)
        for name, method in methods.items():
            results[name].append(precision_recall(method(people, random.Random(seed)), truth))
    base = {name: (statistics.mean(p for p, _ in r), statistics.mean(c for _, c in r)) for name, r in results.items()}
    for name, (precision, recall) in base.items():
        ratio = f"  (×{precision / base['random'][0]:.1f} / ×{recall / base['random'][1]:.1f} of random)"
        print(f"  {name:<18} precision {precision:6.1%}  recall {recall:6.1%}{ratio if name != 'random' else ''}")
    example = suggest_introductions(synthetic_meal(40, random.Random(0))[0])
    shown = sorted((i for found in example.values() for i in found), key=lambda i: (not i.mutual, i.user_id))
    print(f"  e.g. to P{shown[0].user_id}: {shown[0].reason}")


def check(plan: SeatingPlan, people: Sequence[Attendee]) -> None:
    """The hard rules; a broken one fails the benchmark."""
    by_id = {p.user_id: p for p in people}
    seated = sorted(uid for t in plan.tables for uid in t.user_ids)
    hosts = sum(p.host for p in people)
    per_table = [sum(by_id[u].host for u in t.user_ids) for t in plan.tables]
    problems = [
        seated != sorted(by_id) and "someone is not seated exactly once",
        any(t.seats != sum(by_id[u].party for u in t.user_ids) for t in plan.tables) and "a party was split",
        any(t.seats > plan.seat_limit or t.seats > plan.table_size for t in plan.tables) and "a table is over size",
        (max(per_table) > math.ceil(hosts / len(plan.tables)) or min(per_table) < hosts // len(plan.tables))
        and "hosts are not spread",
    ]
    for problem in problems:
        if problem:
            sys.exit(f"FAIL: {problem}")


def random_split(people: Sequence[Attendee], plan: SeatingPlan, rng: random.Random) -> list[list[int]]:
    """A random split under the same rules (hosts dealt round the tables first, then parties at random)."""
    tables = len(plan.tables)
    while True:
        groups: list[list[Attendee]] = [[] for _ in range(tables)]
        for k, p in enumerate(sorted(people, key=lambda p: (not p.host, rng.random()))):
            room = [g for g in groups if sum(q.party for q in g) + p.party <= plan.seat_limit]
            if not room:
                break
            (groups[k % tables] if p.host else rng.choice(room)).append(p)
        else:
            if all(groups):
                return [[p.user_id for p in g] for g in groups]


def random_mean(people: Sequence[Attendee], plan: SeatingPlan, samples: int = 20) -> float:
    rng = random.Random(1)
    return statistics.mean(seating_score(random_split(people, plan, rng), people) for _ in range(samples))


def brute_force(people: Sequence[Attendee], plan: SeatingPlan) -> float:
    """Every labelled split, scored with the pair terms and balance term recomputed here."""
    meal = seating_weights(people)
    row = {uid: i for i, uid in enumerate(meal.ids)}
    rows = [row[p.user_id] for p in people]
    tables, total, hosts = len(plan.tables), sum(p.party for p in people), sum(p.host for p in people)
    best = -math.inf
    for labels in itertools.product(range(tables), repeat=len(people)):
        if labels[0] != 0:
            break  # the first person at table 1 covers every split up to renumbering
        seats, host_count = [0] * tables, [0] * tables
        for p, t in zip(people, labels, strict=True):
            seats[t] += p.party
            host_count[t] += p.host
        if min(seats) == 0 or max(seats) > plan.seat_limit:
            continue
        if max(host_count) > math.ceil(hosts / tables) or min(host_count) < hosts // tables:
            continue
        pairs = sum(
            meal.weight[rows[i], rows[j]]
            for i, j in itertools.combinations(range(len(people)), 2)
            if labels[i] == labels[j]
        )
        best = max(best, pairs - BALANCE_PENALTY * sum((s - total / tables) ** 2 for s in seats))
    return best


def bench_small(meals: int, sizes: Sequence[tuple[int, int]]) -> None:
    print(f"Seating, small meals ({meals} per size): the plan and the local search alone vs brute force")
    for count, size in sizes:
        gaps, heuristic_hits, closed = [], 0, []
        for seed in range(meals):
            people, _ = synthetic_meal(count, random.Random(100 + seed), hosts=1 + seed % 2)
            plan = plan_seating(people, table_size=size)
            check(plan, people)
            best = brute_force(people, plan)
            if plan.score < best - 1e-6:
                sys.exit(f"FAIL: the exact plan ({plan.score:.3f}) is below brute force ({best:.3f})")
            gaps.append(best - plan.score)
            local = plan_seating(people, table_size=size, exact=False)
            heuristic_hits += local.score >= best - 1e-6
            base = random_mean(people, plan)
            closed.append((local.score - base) / (best - base) if best > base else 1.0)
        print(
            f"  {count} people, tables of {size}: exact = brute force on {sum(g <= 1e-6 for g in gaps)}/{meals}; "
            f"local search alone finds the optimum on {heuristic_hits}/{meals}, "
            f"closes {statistics.mean(closed):.1%} of the random → optimum gap"
        )


def mip(people: Sequence[Attendee], plan: SeatingPlan, seconds: float) -> tuple[float, float]:
    """The seating objective as a MIP; (best split found, dual bound) at the time limit."""
    meal = seating_weights(people)
    n, tables = len(meal.ids), len(plan.tables)
    total, hosts = int(meal.seats.sum()), int(meal.hosts.sum())
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    integer = highspy.HighsVarType.kInteger
    x = [[h.addVariable(lb=0, ub=1, type=integer) for _ in range(tables)] for _ in range(n)]
    for i in range(n):
        h.addConstr(sum(x[i]) == 1)
    h.addConstr(x[0][0] == 1)  # tables are unnumbered
    for t in range(tables):
        seats = sum(int(meal.seats[i]) * x[i][t] for i in range(n))
        levels = range(1, plan.seat_limit + 1)
        z = {
            k: h.addVariable(lb=0, ub=1, obj=-BALANCE_PENALTY * (k - total / tables) ** 2, type=integer) for k in levels
        }
        h.addConstr(sum(z.values()) == 1)
        h.addConstr(seats == sum(k * var for k, var in z.items()))
        host_count = sum(int(meal.hosts[i]) * x[i][t] for i in range(n))
        h.addConstr(host_count <= math.ceil(hosts / tables))
        h.addConstr(host_count >= hosts // tables)
        for i, j in itertools.combinations(range(n), 2):
            w = float(meal.weight[i, j])
            if w > 0:
                y = h.addVariable(lb=0, ub=1, obj=w)
                h.addConstr(y <= x[i][t])
                h.addConstr(y <= x[j][t])
            elif w < 0:
                y = h.addVariable(lb=0, ub=1, obj=w)
                h.addConstr(y >= x[i][t] + x[j][t] - 1)
    h.setOptionValue("time_limit", float(seconds))
    h.setOptionValue("threads", 1)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    info = h.getInfo()
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    value = float(info.objective_function_value)
    return value, value if optimal else float(info.mip_dual_bound)


def bench_medium(meals: int, counts: Sequence[int], seconds: float) -> None:
    print(f"Seating, medium meals ({meals} per size, tables of 8) vs a HiGHS MIP stopped at {seconds:g} s")
    print(f"  {'people':>6} {'plan':>7} {'MIP':>7} {'bound':>7} {'random':>7} {'closed':>7}  plan time")
    for count in counts:
        for seed in range(meals):
            people, _ = synthetic_meal(count, random.Random(200 + seed), hosts=2)
            began = time.perf_counter()
            plan = plan_seating(people, table_size=8)
            took = time.perf_counter() - began
            check(plan, people)
            found, bound = mip(people, plan, seconds)
            if plan.score > bound + 1e-6:
                sys.exit(f"FAIL: the plan ({plan.score:.3f}) scores above the MIP bound ({bound:.3f})")
            base = random_mean(people, plan)
            closed = (plan.score - base) / (bound - base)
            print(f"  {count:>6} {plan.score:7.2f} {found:7.2f} {bound:7.2f} {base:7.2f} {closed:7.1%}  {took:.2f} s")


def bench_large(runs: int) -> None:
    people, _ = synthetic_meal(200, random.Random(7), hosts=6)
    intro_times, seat_times = [], []
    plan = None
    for _ in range(runs):
        began = time.perf_counter()
        suggest_introductions(people)
        intro_times.append(time.perf_counter() - began)
        began = time.perf_counter()
        plan = plan_seating(people, table_size=8)
        seat_times.append(time.perf_counter() - began)
    assert plan is not None
    check(plan, people)
    base = random_mean(people, plan)
    print(
        f"A 200-person meal ({sum(p.party for p in people)} seats, {len(plan.tables)} tables of 8): introductions "
        f"{statistics.median(intro_times):.2f} s, seating {statistics.median(seat_times):.2f} s (median of {runs}); "
        f"score {plan.score:.1f} vs random {base:.1f}; {sum(len(t.pairs) for t in plan.tables)} complementary pairs "
        f"seated together"
    )


def main(quick: bool) -> None:
    print(f"Peer networking ({'quick' if quick else 'full'} run)")
    bench_introductions(3 if quick else 20)
    bench_small(2 if quick else 10, ((8, 3),) if quick else ((8, 3), (9, 4), (10, 5)))
    bench_medium(1 if quick else 2, (24,) if quick else (24, 32, 40), 1.0 if quick else 20.0)
    bench_large(1 if quick else 3)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a short run for CI")
    main(parser.parse_args().quick)
