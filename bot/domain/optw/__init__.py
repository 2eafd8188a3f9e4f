"""Orienteering problem with time windows: model, parser, validator and solvers (no Discord here).

Typical use (the tour planner)::

    nodes = (
        Node(0.0, windows=(TimeWindow(360, 5640),)),  # 0: start city, leaves at its window's opening
        Node(0.0),  # 1: end city, reached by the budget
        Node(42.0, 90.0, (TimeWindow(450, 540), TimeWindow(1890, 1980))),  # a city: 42 customers, ...
    )
    instance = Instance(nodes, travel_minutes, start=0, end=1, budget=5640.0, routes=1)
    solution = solve(instance, seed=0, time_limit=2.0)  # Solution(routes=((2,),), score=42.0, ...)
    visits = check_solution(instance, solution.routes).schedules[0]  # arrival and start of each visit

Rules: windows bound the *start* of service (waiting is allowed); each node counts once; a route leaves the
start node at its first window's opening and must reach the end node by ``budget`` (the end node's own
windows are not used). A window no longer than the service duration means at most one visit per window.
"""

from bot.domain.optw.ils import IteratedLocalSearch, SearchSettings
from bot.domain.optw.labeling import fits_labeling, solve_by_labeling
from bot.domain.optw.model import ALWAYS, Instance, Node, Solution, TimeWindow
from bot.domain.optw.parser import OptwFormatError, parse_optw, read_optw
from bot.domain.optw.solver import DEFAULT_TIME_LIMIT, greedy, solve
from bot.domain.optw.validate import SolutionCheck, Visit, check_solution, schedule_route

__all__ = [
    "ALWAYS",
    "DEFAULT_TIME_LIMIT",
    "Instance",
    "IteratedLocalSearch",
    "Node",
    "OptwFormatError",
    "SearchSettings",
    "Solution",
    "SolutionCheck",
    "TimeWindow",
    "Visit",
    "check_solution",
    "fits_labeling",
    "greedy",
    "parse_optw",
    "read_optw",
    "schedule_route",
    "solve",
    "solve_by_labeling",
]
