"""City resolution and autocomplete speed, against trivial baselines measured in the same run.

    python benchmarks/cities.py            # full run (~1 minute)
    python benchmarks/cities.py --quick    # a few seconds, for CI

Measures, with the gazetteer loaded once:
1. resolution throughput over a realistic mix (exact names, lower case, typos, "City, ST"), per kind;
   baseline: ``str.casefold`` + dict lookup of the exact name;
2. autocomplete latency per query (p50/p99) over prefixes customers type, on first sight (cold) and once
   the short-prefix memo is warm; baseline: ``str.casefold`` + dict lookup of the prefix;
3. resolving the cities of 100,000 customers (repeated cities, case/spacing variants, typos, blanks) with
   ``resolve_many``, which resolves each distinct query once; baseline: casefold + dict lookup per row.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from bot.domain.cities import City, Gazetteer

SEED = 20261125


def typo(name: str, rng: random.Random) -> str:
    """One realistic slip: a dropped, doubled or swapped letter (never the first one)."""
    if len(name) < 5:
        return name
    i = rng.randrange(1, len(name) - 1)
    kind = rng.choice(("drop", "double", "swap"))
    if kind == "drop":
        return name[:i] + name[i + 1:]
    if kind == "double":
        return name[:i] + name[i] + name[i:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def qualified(city: City) -> str:
    return f"{city.name}, {city.region_abbr or city.country_code}"


def query_mix(cities: Sequence[City], count: int, rng: random.Random) -> dict[str, list[str]]:
    """Queries by kind; cities drawn with a bias to big ones, as customers live mostly in big cities."""
    def pick() -> City:
        return cities[min(int(rng.paretovariate(1.0)) * 7 + rng.randrange(7), len(cities) - 1)]

    per_kind = count // 4
    return {
        "exact": [pick().name for _ in range(per_kind)],
        "lowercase": [pick().name.lower() for _ in range(per_kind)],
        "typo": [typo(pick().name, rng) for _ in range(per_kind)],
        "City, ST": [qualified(pick()) for _ in range(per_kind)],
    }


def per_second(fn: Callable[[str], object], queries: Sequence[str]) -> float:
    start = time.perf_counter()
    for query in queries:
        fn(query)
    return len(queries) / (time.perf_counter() - start)


def latencies_ms(fn: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    out = []
    for query in queries:
        start = time.perf_counter_ns()
        fn(query)
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_resolve(gazetteer: Gazetteer, baseline: dict[str, City], count: int, rng: random.Random) -> None:
    mix = query_mix(list(gazetteer)[:5000], count, rng)
    everything = [q for queries in mix.values() for q in queries]
    rng.shuffle(everything)

    def base(query: str) -> object:
        return baseline.get(query.casefold())

    base_qps = per_second(base, everything)
    qps = per_second(gazetteer.resolve, everything)
    print(f"resolve, mix of {len(everything):,} queries: {qps:,.0f} queries/s; baseline (casefold + dict) "
          f"{base_qps:,.0f}/s; {base_qps / qps:,.0f}× the baseline's cost per query")
    for kind, queries in mix.items():
        kind_qps = per_second(gazetteer.resolve, queries)
        statuses = Counter(gazetteer.resolve(q).status.value for q in queries)
        shown = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
        print(f"  {kind:10} {kind_qps:>10,.0f} queries/s  ({base_qps / kind_qps:,.0f}× baseline)  [{shown}]")


def typo_accuracy(gazetteer: Gazetteer, count: int, rng: random.Random) -> None:
    """Not speed but trust: how often a slip of the keyboard gets the intended city."""
    cities = [c for c in list(gazetteer)[:5000] if len(c.name) >= 5]
    outcome: Counter[str] = Counter()
    for _ in range(count):
        city = rng.choice(cities)
        result = gazetteer.resolve(typo(city.name, rng))
        if result.city == city:
            outcome["intended city"] += 1
        elif result.city is not None:
            outcome["another city"] += 1
        elif city in result.choices:
            outcome["intended among choices or suggestions"] += 1
        else:
            outcome["not found"] += 1
    shown = ", ".join(f"{n / count:.1%} {kind}" for kind, n in outcome.most_common())
    print(f"typo accuracy ({count:,} one-letter slips in names of ≥ 5 letters): {shown}")


def bench_autocomplete(gazetteer: Gazetteer, count: int, rng: random.Random) -> None:
    cities = list(gazetteer)[:5000]
    typed = []
    for _ in range(count):
        name = rng.choice(cities).name
        typed.append(name[: rng.randint(1, min(len(name), 10))])
    prefixes = {p.casefold(): p for p in typed}

    def base(prefix: str) -> object:
        return prefixes.get(prefix.casefold())

    base_ms = latencies_ms(base, typed)
    cold = latencies_ms(gazetteer.autocomplete, typed)
    warm = latencies_ms(gazetteer.autocomplete, typed)
    b50, b99 = percentile(base_ms, 50), percentile(base_ms, 99)
    for label, values in (("first sight", cold), ("warm", warm)):
        p50, p99 = percentile(values, 50), percentile(values, 99)
        print(f"autocomplete ({label}, {len(values):,} prefixes): p50 {p50:.3f} ms, p99 {p99:.3f} ms, "
              f"max {max(values):.3f} ms; baseline p50 {b50:.4f} ms, p99 {b99:.4f} ms; "
              f"ratio p50 {p50 / b50:,.0f}×, p99 {p99 / b99:,.0f}×")
    misses = [t for t in typed if not gazetteer.autocomplete(t)]
    print(f"  prefixes with no suggestion: {len(misses)} of {len(typed):,}")


def customer_cities(gazetteer: Gazetteer, count: int, rng: random.Random) -> list[str]:
    """What a 100k-row customer list looks like: a few thousand towns, written many ways, some noise."""
    towns = list(gazetteer)[:3000]
    rows = []
    for _ in range(count):
        city = towns[min(int(rng.paretovariate(0.9)) - 1, len(towns) - 1)]
        roll = rng.random()
        if roll < 0.45:
            rows.append(city.name)
        elif roll < 0.65:
            rows.append(qualified(city))
        elif roll < 0.80:
            rows.append(f"  {city.name.upper()} ")
        elif roll < 0.90:
            rows.append(city.label)
        elif roll < 0.96:
            rows.append(typo(city.name, rng))
        elif roll < 0.98:
            rows.append("")
        else:
            rows.append(f"Hamlet {rng.randrange(500)}")
    return rows


def bench_customers(gazetteer: Gazetteer, baseline: dict[str, City], count: int, rng: random.Random) -> None:
    rows = customer_cities(gazetteer, count, rng)
    start = time.perf_counter()
    for row in rows:
        baseline.get(row.casefold())
    base_s = time.perf_counter() - start
    start = time.perf_counter()
    results = gazetteer.resolve_many(rows)
    seconds = time.perf_counter() - start
    statuses = Counter(r.status.value for r in results)
    shown = ", ".join(f"{n:,} {s}" for s, n in sorted(statuses.items()))
    print(f"customers: {count:,} rows ({len(set(rows)):,} distinct texts) resolved in {seconds:.2f} s "
          f"({count / seconds:,.0f} rows/s); baseline (casefold + dict) {base_s:.3f} s; "
          f"{seconds / base_s:,.0f}× the baseline  [{shown}]")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds (CI)")
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    sizes = (400, 2_000, 10_000) if args.quick else (20_000, 20_000, 100_000)

    start = time.perf_counter()
    gazetteer = Gazetteer.load()
    print(f"python {sys.version.split()[0]}; gazetteer load: {time.perf_counter() - start:.2f} s "
          f"({len(gazetteer):,} cities){'; --quick' if args.quick else ''}")
    baseline = {}
    for city in reversed(list(gazetteer)):  # biggest last, so it wins a shared name
        baseline[city.name.casefold()] = city

    bench_resolve(gazetteer, baseline, sizes[0], rng)
    typo_accuracy(gazetteer, sizes[0] // 4, rng)
    bench_autocomplete(gazetteer, sizes[1], rng)
    bench_customers(gazetteer, baseline, sizes[2], rng)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
