"""Orienteering problem with time windows: model, parser, validator and solvers (no Discord here)."""

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
