"""Tour planning end to end: 2,000 candidate cities, 100,000 customers, Toronto → Austin, 4 days × 3 meals.

    python benchmarks/tour_plan.py            # 3 seeds, the default planner settings
    python benchmarks/tour_plan.py --quick    # 1 seed, shorter solver rounds (a few seconds, for CI)

Customers are spread over the 2,000 most populous US and Canadian cities in proportion to population
(× a seeded random factor 0.5–1.5). Measured per seed: the time of the whole ``plan_tour`` (hubs, ellipse,
shortlist, instance, solver rounds with the driving simulation, greedy fill, itinerary, explanations),
the customers its meals meet, and against it a baseline measured in the same run: a greedy
nearest-neighbour tour over the same candidates (from each stop, the nearest candidate that still passes
the same driving simulation, until none does).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from bot.domain.cities import default_gazetteer
from bot.domain.tour_planning import Demand, PlanSettings, TourRequest, build_instance, group_into_hubs, plan_tour
from bot.domain.tour_planning import shortlist as shortlist_hubs
from bot.domain.tour_planning.planner import Built

CITIES, CUSTOMERS = 2000, 100_000


def customers(seed: int) -> list[Demand]:
    rng = random.Random(seed)
    gazetteer = default_gazetteer()
    cities = sorted(
        (c for c in gazetteer if c.country_code in ("US", "CA")), key=lambda c: (-c.population, c.geonameid)
    )
    cities = cities[:CITIES]
    people = sum(c.population for c in cities)
    return [Demand(c, round(c.population / people * CUSTOMERS * rng.uniform(0.5, 1.5))) for c in cities]


def request(settings: PlanSettings) -> TourRequest:
    gazetteer = default_gazetteer()
    start, end = gazetteer.resolve("Toronto").city, gazetteer.resolve("Austin").city
    assert start is not None and end is not None
    return TourRequest(start, end, dt.date(2026, 3, 6), dt.date(2026, 3, 9), settings=settings)


def nearest_neighbour(built: Built) -> tuple[int, ...]:
    """The baseline: always drive to the nearest candidate that still keeps the tour feasible."""
    route: tuple[int, ...] = ()
    last = built.real.start
    left = set(built.real.customers)
    while True:
        for node in sorted(left, key=lambda n: (built.minutes[last, n], n)):
            if built.simulate((*route, node)).feasible:
                route, last = (*route, node), node
                left.discard(node)
                break
        else:
            return route


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one seed and shorter solver rounds")
    args = parser.parse_args()
    settings = PlanSettings(solve_seconds=0.3, repair_seconds=0.1) if args.quick else PlanSettings()
    seeds = [1] if args.quick else [1, 2, 3]
    started = time.perf_counter()
    default_gazetteer()
    print(f"Gazetteer loaded in {time.perf_counter() - started:.2f} s (once per process, not counted below)")
    print(f"{CITIES:,} candidate cities, {CUSTOMERS:,} customers, Toronto → Austin, 4 days × 3 meals")
    print(f"{'seed':>4} {'candidates s':>12} {'plan s':>7} {'meals':>6} {'met':>7} {'NN s':>6} {'NN meals':>9} "
          f"{'NN met':>7} {'x NN':>6}")  # fmt: skip
    times, ratios = [], []
    for seed in seeds:
        demand, tour = customers(seed), request(settings)
        began = time.perf_counter()
        hubs = group_into_hubs(demand, tour)
        built = build_instance(tour, shortlist_hubs(tour, hubs.hubs).chosen)
        building = time.perf_counter() - began
        began = time.perf_counter()
        itinerary = plan_tour(tour, demand)
        planning = time.perf_counter() - began
        began = time.perf_counter()
        baseline = nearest_neighbour(built)
        baseline_time = time.perf_counter() - began + building
        baseline_met = sum(built.expected[n] for n in baseline)
        assert not itinerary.warnings and max(itinerary.drive_by_day) <= tour.settings.daily_drive_hours + 1e-6
        ratio = itinerary.expected / max(baseline_met, 1)
        times.append(planning)
        ratios.append(ratio)
        print(f"{seed:>4} {building:>12.2f} {planning:>7.2f} {len(itinerary.meals):>6} {itinerary.expected:>7,} "
              f"{baseline_time:>6.2f} {len(baseline):>9} {baseline_met:>7,} {ratio:>6.2f}")  # fmt: skip
    print(f"median plan time {statistics.median(times):.2f} s; customers met ×{statistics.median(ratios):.2f} "
          "of the nearest-neighbour baseline (median)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
