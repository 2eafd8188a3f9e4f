"""The search's hottest loops, compiled with numba: a route's schedule, the cheapest feasible insertion of
every candidate into a route, the best same-place replacement of a visit by a candidate and the fill's choice.

Looping over the candidates and places in compiled code, instead of building a candidates x places matrix
with a dozen numpy calls, matters because the matrices are small (~35 x 20): numpy's fixed cost per call was
most of the search's time. The loops do the same sums in the same order as the numpy formulation they
replaced, so a seed gave the same routes before and after (checked on pr02 with m = 4). Nodes may have
several windows (the tour planner's nodes have one per day and meal): see :data:`InstanceArrays`, each node's
windows sorted and padded with copies of its last one. Compiled once per machine and cached next to this
file (``cache=True``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from bot.domain.optw.model import EPS

# The instance as the kernels read it: travel times (from, to), each node's window openings, closes and closes
# plus the rounding allowance (nodes x windows), and its service time.
InstanceArrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@njit(cache=True, nogil=True)
def _shift(
    instance: InstanceArrays,
    u: int,
    previous: int,
    finish: float,
    following: int,
    latest: float,
) -> float:
    """When the team reaches ``following`` if it serves ``u`` right after ``previous`` (whose service ends at
    ``finish``), in the first of ``u``'s windows still open; inf if none is, or if it arrives at ``following``
    after ``latest``."""
    travel, opens, _, close_eps, service = instance
    reach = travel[previous, u] + finish
    window = 0
    while reach > close_eps[u, window]:
        window += 1
        if window == close_eps.shape[1]:
            return math.inf
    leave = max(reach, opens[u, window]) + service[u]
    arrive = leave + travel[u, following]
    return math.inf if arrive > latest + EPS else arrive


@njit(cache=True, nogil=True)
def _cheapest(
    instance: InstanceArrays,
    u: int,
    nodes: np.ndarray,
    finish: np.ndarray,
    arrival: np.ndarray,
    latest: np.ndarray,
) -> tuple[float, int]:
    """The smallest time shift at the following visit over the places in the route ``nodes`` where ``u``
    fits (inf if none), and the first place with it (the index in ``nodes`` to insert before; 1 if none)."""
    best, place = math.inf, 1
    for p in range(nodes.shape[0] - 1):
        shift = _shift(instance, u, nodes[p], finish[p], nodes[p + 1], latest[p + 1])
        shift -= arrival[p + 1]
        if shift < best:
            best, place = shift, p + 1
    return best, place


@njit(cache=True, nogil=True)
def insertion_costs(
    instance: InstanceArrays,
    candidates: np.ndarray,
    nodes: np.ndarray,
    finish: np.ndarray,
    arrival: np.ndarray,
    latest: np.ndarray,
    costs: np.ndarray,
    places: np.ndarray,
) -> None:
    """:func:`_cheapest` of each candidate into the route ``nodes``, into ``costs`` and ``places``."""
    for i in range(candidates.shape[0]):
        u = candidates[i]
        costs[i], places[i] = _cheapest(instance, u, nodes, finish, arrival, latest)


@njit(cache=True, nogil=True)
def route_costs(
    instance: InstanceArrays,
    open_nodes: np.ndarray,
    nodes: np.ndarray,
    finish: np.ndarray,
    arrival: np.ndarray,
    latest: np.ndarray,
    costs: np.ndarray,
    places: np.ndarray,
) -> None:
    """:func:`_cheapest` of every node where ``open_nodes`` is true into the route ``nodes`` (``costs[u]``
    and ``places[u]``); inf for the others."""
    for u in range(open_nodes.shape[0]):
        if open_nodes[u]:
            costs[u], places[u] = _cheapest(instance, u, nodes, finish, arrival, latest)
        else:
            costs[u] = math.inf


@njit(cache=True, nogil=True)
def open_candidates(costs: np.ndarray, best: np.ndarray, candidates: np.ndarray) -> int:
    """Each node's cheapest insertion over the routes (the rows of ``costs``) into ``best``, and the nodes
    that fit somewhere into the first places of ``candidates``; returns how many fit."""
    count = 0
    for u in range(costs.shape[1]):
        cheapest = costs[0, u]
        for r in range(1, costs.shape[0]):
            cheapest = min(cheapest, costs[r, u])
        best[u] = cheapest
        if cheapest < math.inf:
            candidates[count] = u
            count += 1
    return count


@njit(cache=True, nogil=True)
def greediest(
    costs: np.ndarray,
    best: np.ndarray,
    squares: np.ndarray,
    candidates: np.ndarray,
    count: int,
    draws: np.ndarray,
    noise: float,
) -> tuple[int, int]:
    """The candidate with the best ratio score² / time shift, each ratio times 1 + ``noise`` x its draw in
    ``draws`` (when ``noise``), and the route where it costs the least (the first on ties); the first
    candidate on ties."""
    chosen, top = -1, -math.inf
    for i in range(count):
        u = candidates[i]
        ratio = squares[u] / max(best[u], 1e-3)
        if noise:
            ratio *= draws[i] * noise + 1.0
        if ratio > top:
            chosen, top = u, ratio
    route = 0
    for r in range(1, costs.shape[0]):
        if costs[r, chosen] < costs[route, chosen]:
            route = r
    return chosen, route


@njit(cache=True, nogil=True)
def best_replacement(
    instance: InstanceArrays,
    score: np.ndarray,
    candidates: np.ndarray,
    nodes: np.ndarray,
    finish: np.ndarray,
    latest: np.ndarray,
) -> tuple[int, int]:
    """(candidate index, visit index) of the replacement of a visit of ``nodes`` by a candidate that keeps
    every window and gains the most score (the first in candidate-then-visit order on ties); (-1, -1) if none
    gains."""
    best, row, column = -math.inf, -1, -1
    for i in range(candidates.shape[0]):
        u = candidates[i]
        for p in range(nodes.shape[0] - 2):
            gain = score[u] - score[nodes[p + 1]]
            if gain > EPS and gain > best:
                previous, following = nodes[p], nodes[p + 2]
                arrive = _shift(instance, u, previous, finish[p], following, latest[p + 2])
                if arrive < math.inf:
                    best, row, column = gain, i, p
    return row, column


@njit(cache=True, nogil=True)
def schedule(
    instance: InstanceArrays,
    nodes: np.ndarray,
    depart: float,
    budget: float,
    times: np.ndarray,
) -> bool:
    """The route ``nodes`` (start and end included) driven from ``depart``, written into ``times`` (5 x
    places): arrival, start of service (in the first window still open), the close of that window (-inf where
    none is, ``budget`` at the end), end of service, and the latest arrival that keeps the rest of the route
    feasible (arriving later never helps, so it is a threshold; it generalises Wait + MaxShift to several
    windows). True if the whole route is feasible."""
    travel, opens, closes, _, service = instance
    size, width = nodes.shape[0], opens.shape[1]
    arrival, start, closing, finish, latest = times[0], times[1], times[2], times[3], times[4]
    arrival[0] = start[0] = depart
    closing[0] = math.inf
    finish[0] = depart + service[nodes[0]]
    latest[0] = 0.0
    feasible = True
    for k in range(1, size - 1):
        node = nodes[k]
        reach = finish[k - 1] + travel[nodes[k - 1], node]
        window = 0
        while window < width and reach > closes[node, window] + EPS:
            window += 1
        if window == width:
            feasible = False
            begin, close = reach, -math.inf
        else:
            begin, close = max(opens[node, window], reach), closes[node, window]
        arrival[k], start[k], closing[k] = reach, begin, close
        finish[k] = begin + service[node]
    end_arrival = finish[size - 2] + travel[nodes[size - 2], nodes[size - 1]]
    arrival[size - 1] = start[size - 1] = end_arrival
    finish[size - 1] = end_arrival + service[nodes[size - 1]]
    closing[size - 1] = budget
    bound = budget
    latest[size - 1] = budget
    for p in range(size - 2, 0, -1):
        node = nodes[p]
        bound = bound - service[node] - travel[node, nodes[p + 1]]
        window = width - 1  # the latest window that opens by then
        while window >= 0 and opens[node, window] > bound + EPS:
            window -= 1
        bound = min(closes[node, window], bound) if window >= 0 else -math.inf
        latest[p] = bound
    return feasible and end_arrival <= budget + EPS


@njit(cache=True, nogil=True)
def stand_ins(
    instance: InstanceArrays,
    candidates: np.ndarray,
    nodes: np.ndarray,
    finish: np.ndarray,
    latest: np.ndarray,
    fits: np.ndarray,
) -> None:
    """Into ``fits`` (candidates x visits): whether each candidate could take the place of each visit of the
    route ``nodes``, keeping every window."""
    for i in range(candidates.shape[0]):
        u = candidates[i]
        for p in range(nodes.shape[0] - 2):
            arrive = _shift(instance, u, nodes[p], finish[p], nodes[p + 2], latest[p + 2])
            fits[i, p] = arrive < math.inf
