"""Demo data of insights: what the demo's customers told the team, logged through the same service as
/insight add, linked to the meals where it was heard; one shipped with its close-the-loop note."""

from __future__ import annotations

from bot.domain.insights import InsightKind, InsightStatus, NewInsight
from bot.services import Services

# (username, city of the meal, kind, tags, what they said)
HEARD = (
    ("ana", "Toronto", InsightKind.PAIN_POINT, "invoicing", "Chasing unpaid invoices eats my Friday afternoons."),
    ("ana", "Toronto", InsightKind.FEATURE_REQUEST, "invoicing, reminders",
     "I wish the app reminded customers about unpaid invoices for me."),
    ("ben", "Toronto", InsightKind.PRAISE, "support", "Your support team answered in ten minutes on a Sunday."),
    ("chen", "Toronto", InsightKind.QUESTION, "pricing", "Is there a price for studios with fewer than five seats?"),
    ("dara", "Chicago", InsightKind.CHURN_RISK, "pricing",
     "If the price goes up again we'll switch to a cheaper tool."),
    ("eli", "Chicago", InsightKind.IDEA, "community",
     "A meetup for brewers in the Midwest would sell out."),
    ("gus", "Austin", InsightKind.PAIN_POINT, "mobile, inventory",
     "The mobile app is slow when I count stock in the warehouse."),
    ("hana", "Austin", InsightKind.FEATURE_REQUEST, "integrations", "Please add a Shopify integration."),
)  # fmt: skip


async def seed_insights(services: Services, guild_id: int, host_id: int, users: dict[str, int]) -> None:
    meals = {meal.place.city: meal for meal in await services.meals.recent(guild_id, limit=25)}
    logged = []
    for username, city, kind, tags, text in HEARD:
        meal = meals.get(city)
        insight = NewInsight.create(
            guild_id=guild_id, text=text, kind=kind, logged_by=host_id, tags=tags,
            customer_user_id=users[username], meal_id=meal.id if meal else None,
        )  # fmt: skip
        logged.append(await services.insights.add(insight))
    await services.insights.set_status(
        guild_id, logged[1].id, InsightStatus.PLANNED, "Automatic reminders for unpaid invoices, this spring."
    )
