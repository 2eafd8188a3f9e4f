"""Exact dynamic programme for small instances (a dozen customers or so).

A label is (set of visited customers, last customer) -> earliest time its service ends. Arriving earlier is
never worse because waiting is allowed, so the earliest label dominates and the DP is exact. Route-feasible
sets are then combined into disjoint sets for several routes.
"""

from __future__ import annotations

import math

from bot.domain.optw.model import EPS, Instance, Solution

# 2**12 sets x 12 customers: well under a second in pure Python for one or two routes.
MAX_CUSTOMERS = 12
# Combining three or more routes enumerates sub-sets of sub-sets (3**n); keep n smaller there.
MAX_CUSTOMERS_MANY_ROUTES = 10


def fits_labeling(instance: Instance) -> bool:
    """Whether :func:`solve_by_labeling` is quick enough for this instance."""
    limit = MAX_CUSTOMERS if instance.routes <= 2 else MAX_CUSTOMERS_MANY_ROUTES
    return len(_useful_customers(instance)) <= limit


def _useful_customers(instance: Instance) -> list[int]:
    # A customer without score never improves a solution, so the exact method ignores it.
    return [node for node in instance.customers if instance.nodes[node].score > 0]


def solve_by_labeling(instance: Instance) -> Solution:
    """Optimal routes by exhaustive labeling; exponential, so only for small instances."""
    customers = _useful_customers(instance)
    finish, parent = _labels(instance, customers)
    full = (1 << len(customers)) - 1
    route_ok = _route_feasible_sets(finish)
    scores = _set_scores(instance, customers)
    chosen = _best_partition(route_ok, scores, instance.routes, full)
    routes = tuple(_order(instance, customers, finish, parent, mask) for mask in chosen if mask)
    score = float(sum(scores[mask] for mask in chosen))
    return Solution(routes=routes, score=score, proven_optimal=True)


def _labels(instance: Instance, customers: list[int]) -> tuple[list[list[float]], list[list[int]]]:
    """finish[mask][b]: earliest service end after visiting ``mask`` ending at customer ``b``."""
    count = len(customers)
    travel = instance.travel.tolist()
    nodes = instance.nodes
    first = nodes[instance.start]
    depart = first.windows[0].open + first.service
    to_end = [travel[c][instance.end] for c in customers]
    budget = instance.budget
    finish = [[math.inf] * count for _ in range(1 << count)]
    parent = [[-1] * count for _ in range(1 << count)]
    for b, node in enumerate(customers):
        start = nodes[node].earliest_start(depart + travel[instance.start][node])
        if start is not None and start + nodes[node].service + to_end[b] <= budget + EPS:
            finish[1 << b][b] = start + nodes[node].service
    for mask in range(1, 1 << count):
        row = finish[mask]
        for b in range(count):
            time = row[b]
            if time == math.inf:
                continue
            here = travel[customers[b]]
            for c in range(count):
                bit = 1 << c
                if mask & bit:
                    continue
                target = nodes[customers[c]]
                start = target.earliest_start(time + here[customers[c]])
                if start is None:
                    continue
                end = start + target.service
                # Prune labels that can no longer get home in time.
                if end + to_end[c] <= budget + EPS and end < finish[mask | bit][c]:
                    finish[mask | bit][c] = end
                    parent[mask | bit][c] = b
    return finish, parent


def _route_feasible_sets(finish: list[list[float]]) -> list[bool]:
    ok = [True] * len(finish)
    # Labels were only kept when they can still reach the end by the budget.
    for mask in range(1, len(finish)):
        ok[mask] = any(time < math.inf for time in finish[mask])
    return ok


def _set_scores(instance: Instance, customers: list[int]) -> list[float]:
    scores = [0.0] * (1 << len(customers))
    for mask in range(1, len(scores)):
        low = mask & -mask
        scores[mask] = scores[mask ^ low] + instance.nodes[customers[low.bit_length() - 1]].score
    return scores


def _best_partition(route_ok: list[bool], scores: list[float], routes: int, full: int) -> list[int]:
    """Disjoint route-feasible sets with the largest total score (as masks)."""
    single = [scores[mask] if route_ok[mask] else -math.inf for mask in range(len(scores))]
    single[0] = 0.0  # an unused route is always allowed: it is simply not reported
    if routes == 1:
        best = max(range(len(single)), key=lambda mask: (single[mask], -mask))
        return [best]
    memo: dict[tuple[int, int], tuple[float, int]] = {}

    def best_within(available: int, left: int) -> tuple[float, int]:
        """(best score using ``left`` routes inside ``available``, the first route's set)."""
        if left == 1:
            return _best_subset(single, available)
        key = (available, left)
        if key not in memo:
            best = (0.0, 0)
            sub = available
            while True:
                if single[sub] > -math.inf:
                    rest, _ = best_within(available & ~sub, left - 1)
                    if single[sub] + rest > best[0] + EPS:
                        best = (single[sub] + rest, sub)
                if sub == 0:
                    break
                sub = (sub - 1) & available
            memo[key] = best
        return memo[key]

    if routes == 2:
        closure = _subset_max(single)
        best_pair = max(
            (single[mask] + closure[full & ~mask][0], mask) for mask in range(len(single)) if route_ok[mask]
        )
        first = best_pair[1]
        return [first, closure[full & ~first][1]]
    chosen: list[int] = []
    available = full
    for left in range(routes, 0, -1):
        _, mask = best_within(available, left)
        chosen.append(mask)
        available &= ~mask
    return chosen


def _best_subset(single: list[float], available: int) -> tuple[float, int]:
    best = (0.0, 0)
    sub = available
    while sub:
        if single[sub] > best[0] + EPS:
            best = (single[sub], sub)
        sub = (sub - 1) & available
    return best


def _subset_max(single: list[float]) -> list[tuple[float, int]]:
    """For every mask, the best feasible subset of it (sum-over-subsets maximum)."""
    best = [(value, mask) if value > -math.inf else (0.0, 0) for mask, value in enumerate(single)]
    bits = max(len(single).bit_length() - 1, 0)
    for bit in range(bits):
        step = 1 << bit
        for mask in range(len(best)):
            if mask & step and best[mask ^ step][0] > best[mask][0]:
                best[mask] = best[mask ^ step]
    return best


def _order(
    instance: Instance, customers: list[int], finish: list[list[float]], parent: list[list[int]], mask: int
) -> tuple[int, ...]:
    row = finish[mask]
    last = min(range(len(row)), key=lambda b: row[b])
    order: list[int] = []
    while mask:
        order.append(customers[last])
        previous = parent[mask][last]
        mask ^= 1 << last
        last = previous
    return tuple(reversed(order))
