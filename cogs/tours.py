"""/tour new · plan · show · list · cancel · publish and /tour stop pin|drop|move (community managers).

The whole ``/tour`` group is the managers' (customers ask for a stop with ``/request stop``), so Discord can
hide it from members by its default permissions; the checks still run on every call.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import discord
from discord import app_commands

from bot.app import ListeningTourBot
from bot.checks import MANAGERS_BY_DEFAULT, answers_first, manager_only, posting_channel
from bot.domain.calendar import calendar_file
from bot.domain.errors import InvalidInput
from bot.domain.meals import Meal, MealSlot
from bot.domain.outbox import JobProgress, Kind, Outcome
from bot.domain.tour_planning import Itinerary
from bot.domain.tour_planning.model import MAX_TEAMS
from bot.domain.tours import Tour, TourStatus
from bot.services.tours import Publishing
from bot.ui.city_choices import city_choices
from bot.ui.feedback import tour_feedback_line
from bot.ui.meal_networking import counts_line
from bot.ui.pages import list_view, page_view, paginate
from bot.ui.progress import in_reply, invitations_line, trouble_lines
from bot.ui.respond import respond
from bot.ui.style import plural
from bot.ui.tour_admin import CancelTourButton, ToursPageButton, cancel_prompt, tour_lines
from bot.ui.tour_choices import tour_choices
from bot.ui.tour_export import ExportFormat, export_file
from bot.ui.tour_views import MAP_FILE, itinerary_pages, route_map_png

log = logging.getLogger(__name__)
Interaction = discord.Interaction[ListeningTourBot]

MEAL_CHOICES = [
    app_commands.Choice(name="breakfast, lunch and dinner", value="breakfast,lunch,dinner"),
    app_commands.Choice(name="lunch and dinner", value="lunch,dinner"),
    app_commands.Choice(name="breakfast and dinner", value="breakfast,dinner"),
    app_commands.Choice(name="breakfast and lunch", value="breakfast,lunch"),
    app_commands.Choice(name="dinner only", value="dinner"),
    app_commands.Choice(name="lunch only", value="lunch"),
    app_commands.Choice(name="breakfast only", value="breakfast"),
]

EXPORT_CHOICES = [
    app_commands.Choice(name="PDF: one page with the map, to print or send", value=ExportFormat.PDF.value),
    app_commands.Choice(name="Markdown: text to edit or paste (map: tour-map.png)", value=ExportFormat.MARKDOWN.value),
]


# -------------------------------------------------------------------------------------------- commands


@manager_only
@answers_first
@app_commands.command(name="new", description="Create a tour: from, to, dates, meals per day, driving limit")
@app_commands.rename(start="from", end="to")
@app_commands.describe(
    name="A name for the tour, e.g. Spring 2026",
    start="Where the tour starts",
    end="Where it ends (the same city for a loop)",
    start_date="First day, e.g. 2026-03-14",
    end_date="Last day, e.g. 2026-03-17 (or give days)",
    days="How many days (or give an end date)",
    meals="Meals per day (default: breakfast, lunch and dinner)",
    daily_drive_hours="Most hours of driving per day (default 9)",
    min_attendance="Fewest customers expected for a meal to be worth it (default 3)",
    arrive_by="A fixed arrival in the end city's local time, e.g. 2026-03-09 17:00 (a conference)",
    teams="Hosts travelling in parallel from the start, each with its own route and meals (default 1)",
)
@app_commands.choices(meals=MEAL_CHOICES)
@app_commands.autocomplete(start=city_choices, end=city_choices)
async def new(
    interaction: Interaction,
    name: app_commands.Range[str, 1, 80],
    start: app_commands.Range[str, 1, 100],
    end: app_commands.Range[str, 1, 100],
    start_date: app_commands.Range[str, 1, 40],
    end_date: app_commands.Range[str, 1, 40] | None = None,
    days: app_commands.Range[int, 1, 14] | None = None,
    meals: str | None = None,
    daily_drive_hours: app_commands.Range[float, 1.0, 16.0] | None = None,
    min_attendance: app_commands.Range[int, 0, 100] | None = None,
    arrive_by: app_commands.Range[str, 1, 40] | None = None,
    teams: app_commands.Range[int, 1, MAX_TEAMS] = 1,
) -> None:
    assert interaction.guild_id is not None
    tour = await interaction.client.services.tours.create(
        interaction.guild_id, by=interaction.user.id, name=name, start=start, end=end, start_date=start_date,
        end_date=end_date, days=days, meals=meals, daily_drive_hours=daily_drive_hours, min_attendance=min_attendance,
        arrive_by=arrive_by, teams=teams,
    )  # fmt: skip
    crew = f"{plural(tour.teams, 'team')} travelling in parallel, " if tour.teams > 1 else ""
    services = interaction.client.services.tours
    await respond(
        interaction,
        f"Created tour **#{tour.id} {tour.name}**: {services.city(tour.start_city).label} → "
        f"{services.city(tour.end_city).label}, {tour.first_day:%a %d %b} to {tour.last_day:%a %d %b %Y} "
        f"({plural(tour.days, 'day')}), {crew}{tour.meals.replace(',', ', ')}, at most {tour.daily_drive_hours:g} h "
        "of driving a day. Next: `/tour plan`.",
    )


@manager_only
@answers_first
@app_commands.command(name="plan", description="Propose the route and meals that meet the most customers")
@app_commands.describe(tour="The tour to plan")
@app_commands.autocomplete(tour=tour_choices)
async def plan(interaction: Interaction, tour: int) -> None:
    assert interaction.guild_id is not None
    await interaction.client.services.tours.get(interaction.guild_id, tour)  # a bad id is told before planning
    await plan_and_show(interaction, tour, "")


@manager_only
@answers_first
@app_commands.command(name="show", description="The tour's current plan (and its calendar once published)")
@app_commands.describe(tour="The tour", export="Also attach the plan as a file to hand over")
@app_commands.autocomplete(tour=tour_choices)
@app_commands.choices(export=EXPORT_CHOICES)
async def show(interaction: Interaction, tour: int, export: str | None = None) -> None:
    assert interaction.guild_id is not None
    services = interaction.client.services
    wanted = None if export is None else ExportFormat.parse(export)  # a bad format is told before any work
    found = await services.tours.get(interaction.guild_id, tour)
    itinerary = services.tours.itinerary(found)
    if itinerary is None:
        raise InvalidInput(f"**{found.name}** has no plan yet. Run `/tour plan` first.")
    files = []
    meals: list[Meal] = []
    if found.status in (TourStatus.PUBLISHED, TourStatus.PUBLISHING) or wanted is not None:
        meals = [await services.meals.get(found.guild_id, meal_id) for meal_id in await services.tours.meal_ids(
            found.guild_id, found.id
        )]  # fmt: skip
    if found.status in (TourStatus.PUBLISHED, TourStatus.PUBLISHING):
        ics = calendar_file(meals, stamp=interaction.client.clock(), name=f"Listening Tour: {found.name}")
        files.append(discord.File(io.BytesIO(ics), filename=f"tour-{found.id}.ics"))
    note = {
        TourStatus.PLANNED: "Planned, not published yet: adjust it with `/tour stop`, then `/tour publish` posts its "
        "meals with RSVP buttons.",
        TourStatus.PUBLISHED: "Published: the calendar of every meal is attached.",
        TourStatus.PUBLISHING: "Publishing: some posts or events are still on their way (`/status` shows them); "
        "the calendar of the meals is attached.",
    }.get(found.status, f"Status: {found.status.value}.")
    png = None
    if wanted is not None:
        await _progress(interaction, f"Drawing the map and writing {wanted.label}…")
        png = await asyncio.to_thread(route_map_png, itinerary)
        name, content = await asyncio.to_thread(
            export_file, wanted, found, itinerary, png, meals, as_of=interaction.client.clock()
        )
        files.append(discord.File(io.BytesIO(content), filename=name))
        note += f" The plan to hand over is attached as {wanted.label}: `{name}`."
    if found.status is TourStatus.PUBLISHED:
        meal_ids = [meal.id for meal in meals]
        counts = await services.networking.counts(found.guild_id, meal_ids)
        note += f"\nNetworking so far: {counts_line(counts)}."
        heard = await services.feedback.for_tour(found.guild_id, found.id, meal_ids)
        note += f"\nFeedback: {tour_feedback_line(heard)}"
    await show_itinerary(interaction, found, itinerary, note, files, png=png)


@manager_only
@app_commands.command(name="list", description="Every tour of this server")
async def list_tours(interaction: Interaction) -> None:
    assert interaction.guild_id is not None
    pages = paginate("Tours", await tour_lines(interaction, interaction.guild_id))
    await respond(interaction, embed=pages[0], view=list_view(ToursPageButton, 0, 0, len(pages)))


@manager_only
@app_commands.command(name="cancel", description="Cancel a tour; its published meals are cancelled with notices")
@app_commands.describe(tour="The tour to cancel")
@app_commands.autocomplete(tour=tour_choices)
async def cancel(interaction: Interaction, tour: int) -> None:
    assert interaction.guild_id is not None
    found = await interaction.client.services.tours.get(interaction.guild_id, tour)
    if found.cancelled:
        raise InvalidInput("This tour is already cancelled.")
    meals = await interaction.client.services.tours.meal_ids(found.guild_id, found.id)
    text, view = cancel_prompt(found, len(meals))
    await interaction.response.send_message(text, view=view, ephemeral=True)


@manager_only
@answers_first
@app_commands.command(name="publish", description="Post every planned meal with RSVP buttons and a Discord event")
@app_commands.describe(
    tour="The planned tour",
    channel="Where to post the meals (default: the announcement channel from /setup)",
    invite_radius_km="DM an invitation to customers living this close who accept DMs (0: nobody)",
    team2_host="Host of team 2's meals (a tour of several teams; default: you)",
    team3_host="Host of team 3's meals (default: you)",
    team4_host="Host of team 4's meals (default: you)",
)
@app_commands.autocomplete(tour=tour_choices)
async def publish(
    interaction: Interaction,
    tour: int,
    channel: discord.TextChannel | None = None,
    invite_radius_km: app_commands.Range[int, 0, 500] = 0,
    team2_host: discord.Member | None = None,
    team3_host: discord.Member | None = None,
    team4_host: discord.Member | None = None,
) -> None:
    assert interaction.guild is not None
    services = interaction.client.services
    hosts = team_hosts(await services.tours.get(interaction.guild.id, tour), (team2_host, team3_host, team4_host))
    target = await posting_channel(interaction, channel)
    # One transaction stores every meal (keyed by its place in the plan: running this again never doubles a
    # meal); the outbox then creates the posts and events that are still missing, reported below.
    publishing = await services.tours.publish(
        interaction.guild.id, tour, host_id=interaction.user.id, channel_id=target.id,
        invite_radius_km=invite_radius_km, team_hosts=hosts,
    )  # fmt: skip

    async def render(progress: JobProgress) -> str:
        current = await services.tours.get(publishing.tour.guild_id, publishing.tour.id)
        return publish_reply(current, publishing, progress, target.mention, invite_radius_km)

    await services.delivery.follow(publishing.job, in_reply(interaction, render))


def team_hosts(tour: Tour, chosen: tuple[discord.Member | None, ...]) -> tuple[int | None, ...]:
    """Team 1 is hosted by whoever publishes; teams 2-4 by the members named (checked before anything is
    stored)."""
    for team, member in enumerate(chosen, start=2):
        if member is None:
            continue
        if team > tour.teams:
            raise InvalidInput(
                f"**{tour.name}** has {plural(tour.teams, 'team')}, so there is no team {team} to host. "
                "Leave that option out, or create the tour with more teams."
            )
        if member.bot:
            raise InvalidInput(f"{member.mention} is a bot and can't host a meal. Name a person for team {team}.")
    return (None, *(member.id if member is not None else None for member in chosen))


def publish_reply(tour: Tour, publishing: Publishing, progress: JobProgress, channel: str, radius_km: float) -> str:
    posts = progress.count(Kind.MEAL_POST)
    posted = progress.count(Kind.MEAL_POST, Outcome.DONE)
    if tour.status is TourStatus.PUBLISHED:
        again = f" (asked again for {publishing.resumed} missing a post or event)" if publishing.resumed else ""
        lines = [
            f"Published **{tour.name}**: {plural(publishing.meals, 'meal')} in {channel}, each with a Discord "
            f"event{again}. `/tour show` now attaches the tour's calendar."
        ]
    elif posts:
        lines = [f"Publishing **{tour.name}** in {channel}: {posted} of {plural(posts, 'meal')} posted…"]
    else:
        lines = [f"Publishing **{tour.name}**: every meal is stored and posted already."]
    if publishing.past:
        lines.append(f"Skipped {plural(publishing.past, 'meal')} already in the past.")
    if radius_km > 0:
        lines.append(invitations_line(progress, radius_km))
    lines += trouble_lines(progress, (Kind.MEAL_POST, Kind.MEAL_EVENT))
    if tour.status is TourStatus.PUBLISHING and progress.finished:
        lines.append("Run `/tour publish` again once that is fixed: it only adds what is missing.")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------- /tour stop …

stop = app_commands.Group(name="stop", description="Pin, drop or move a tour stop, then re-plan")


@manager_only
@answers_first
@stop.command(name="pin", description="Make a city a must-visit stop, then re-plan")
@app_commands.describe(tour="The tour", city="The city that must get a meal")
@app_commands.autocomplete(tour=tour_choices)
@app_commands.autocomplete(city=city_choices)
async def pin(interaction: Interaction, tour: int, city: app_commands.Range[str, 1, 100]) -> None:
    assert interaction.guild_id is not None
    place = await interaction.client.services.tours.pin(interaction.guild_id, tour, city)
    await plan_and_show(interaction, tour, f"📌 Pinned **{place.name}**. ")


@manager_only
@answers_first
@stop.command(name="drop", description="Never stop in a city, then re-plan")
@app_commands.describe(tour="The tour", city="The city to leave out")
@app_commands.autocomplete(tour=tour_choices)
@app_commands.autocomplete(city=city_choices)
async def drop(interaction: Interaction, tour: int, city: app_commands.Range[str, 1, 100]) -> None:
    assert interaction.guild_id is not None
    place = await interaction.client.services.tours.drop(interaction.guild_id, tour, city)
    await plan_and_show(interaction, tour, f"🚫 Dropped **{place.name}**. ")


@manager_only
@answers_first
@stop.command(name="move", description="Hold a city's meal on a given day (and meal), then re-plan")
@app_commands.describe(tour="The tour", city="The city", day="Tour day, 1 = the first", meal="Which meal")
@app_commands.autocomplete(tour=tour_choices)
@app_commands.autocomplete(city=city_choices)
async def move(
    interaction: Interaction,
    tour: int,
    city: app_commands.Range[str, 1, 100],
    day: app_commands.Range[int, 1, 14],
    meal: MealSlot | None = None,
) -> None:
    assert interaction.guild_id is not None
    place = await interaction.client.services.tours.pin(interaction.guild_id, tour, city, day=day, slot=meal)
    what = f"{meal.value} on day {day}" if meal else f"day {day}"
    await plan_and_show(interaction, tour, f"📌 Moved **{place.name}** to {what}. ")


# -------------------------------------------------------------------------------------------- helpers


async def plan_and_show(interaction: Interaction, tour_id: int, headline: str) -> None:
    """Plan with progress in the (deferred) reply, then show the itinerary and the map."""
    assert interaction.guild_id is not None
    services = interaction.client.services.tours
    await _progress(interaction, f"{headline}Planning, step 1 of 3: counting customers by city…")
    demand = await services.demand(interaction.guild_id)
    await _progress(
        interaction,
        f"{headline}Planning, step 2 of 3: searching routes over {plural(len(demand), 'place')} with customers…",
    )
    tour, itinerary = await services.plan(interaction.guild_id, tour_id, demand=demand)
    await _progress(interaction, f"{headline}Planning, step 3 of 3: drawing the map…")
    await show_itinerary(interaction, tour, itinerary, f"{headline}Here is the proposed tour.", [])


async def show_itinerary(
    interaction: Interaction,
    tour: Tour,
    itinerary: Itinerary,
    note: str,
    files: list[discord.File],
    *,
    png: bytes | None = None,
) -> None:
    """The itinerary's embeds and map (``png``, when it is drawn already), with ``files`` attached after the map."""
    if png is None:
        png = await asyncio.to_thread(route_map_png, itinerary)
    pages = itinerary_pages(tour, itinerary, with_map=True)
    attachments = [discord.File(io.BytesIO(png), filename=MAP_FILE), *files]
    view = page_view(pages, interaction.user.id)
    if view is None:
        await interaction.edit_original_response(content=note, embed=pages[0], attachments=attachments)
    else:
        await interaction.edit_original_response(content=note, embed=pages[0], attachments=attachments, view=view)


async def _progress(interaction: Interaction, text: str) -> None:
    try:
        await interaction.edit_original_response(content=text)
    except discord.HTTPException as error:  # the reply's token lasts 15 minutes; the work goes on
        log.info("could not show tour progress: %s", error)


COMMANDS: tuple[app_commands.Command[Any, Any, Any] | app_commands.Group, ...] = (
    new, plan, show, list_tours, cancel, publish, stop,
)  # fmt: skip


async def setup(bot: ListeningTourBot) -> None:
    bot.add_dynamic_items(CancelTourButton, ToursPageButton)
    group = app_commands.Group(
        name="tour", description="Listening tours", guild_only=True, default_permissions=MANAGERS_BY_DEFAULT
    )
    for command in COMMANDS:
        group.add_command(command)
    bot.tree.add_command(group)


async def teardown(bot: ListeningTourBot) -> None:
    bot.remove_dynamic_items(CancelTourButton, ToursPageButton)
    bot.tree.remove_command("tour")
