"""The tour model: customers by city + a tour request → an OPTW instance → a day-by-day itinerary."""

from bot.domain.tour_planning.candidates import Hub, group_into_hubs, in_ellipse, reach_km, shortlist
from bot.domain.tour_planning.model import (
    ALL_SLOTS,
    DEFAULT_WINDOWS,
    MAX_DAYS,
    DayPlan,
    Demand,
    Itinerary,
    LeftOut,
    Leg,
    MealWindow,
    Night,
    Pin,
    PlannedMeal,
    PlanSettings,
    Reason,
    TourRequest,
    meal_windows,
)
from bot.domain.tour_planning.planner import build_instance, check_reachable, plan_tour, solve_within_limit
from bot.domain.tour_planning.towns import Towns

__all__ = [
    "ALL_SLOTS",
    "DEFAULT_WINDOWS",
    "MAX_DAYS",
    "DayPlan",
    "Demand",
    "Hub",
    "Itinerary",
    "LeftOut",
    "Leg",
    "MealWindow",
    "Night",
    "Pin",
    "PlanSettings",
    "PlannedMeal",
    "Reason",
    "TourRequest",
    "Towns",
    "build_instance",
    "check_reachable",
    "group_into_hubs",
    "in_ellipse",
    "meal_windows",
    "plan_tour",
    "reach_km",
    "shortlist",
    "solve_within_limit",
]
