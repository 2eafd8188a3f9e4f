"""/meal add · edit · cancel · attendees · checkin · intros · seating, and the listener that offers an RSVP to people
marking "Interested" on the event. What the bot then sends goes through the outbox (bot/delivery)."""

from __future__ import annotations

import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import ListeningTourBot
from bot.checks import MANAGERS_BY_DEFAULT, answers_first, manager_only, member_is_manager, posting_channel
from bot.domain.errors import InvalidInput
from bot.domain.meals import DEFAULT_DURATION, Meal, MealPlace, MealSlot, RsvpStatus
from bot.domain.outbox import JobProgress, Kind, Outcome, new_job
from bot.domain.timeparse import (
    LocalTime,
    meal_start,
    parse_date,
    parse_duration,
    parse_local_datetime,
    parse_time_of_day,
)
from bot.ui.cards import ConnectedButton, ShareCardButton
from bot.ui.city_choices import city_choices
from bot.ui.feedback import FeedbackButton
from bot.ui.meal_admin import (
    AttendeesPageButton,
    CancelMealButton,
    attendee_lines,
    attendees_csv,
    attendees_title,
    cancel_prompt,
    change_reply,
)
from bot.ui.meal_choices import meal_choice_list
from bot.ui.meal_networking import SendIntrosButton, intro_pages, intros_view, seating_csv, seating_embed
from bot.ui.notes import ShowNoteButton
from bot.ui.pages import list_view, page_view, paginate
from bot.ui.people import managers_among, members_gone, names_of
from bot.ui.progress import in_reply, invitations_line, trouble_lines
from bot.ui.respond import respond
from bot.ui.rsvp import RsvpButton
from bot.ui.whos_coming import WhosComingButton

log = logging.getLogger(__name__)
Interaction = discord.Interaction[ListeningTourBot]


class MealsCog(commands.Cog):
    meal = app_commands.Group(
        name="meal", description="Meals with customers", guild_only=True, default_permissions=MANAGERS_BY_DEFAULT
    )

    def __init__(self, bot: ListeningTourBot) -> None:
        self.bot = bot

    # ------------------------------------------------------------------------------------ commands

    @manager_only
    @answers_first
    @meal.command(name="add", description="Publish a meal with RSVP buttons and a Discord event")
    @app_commands.describe(
        city="City of the meal",
        date="Day of the meal in that city, e.g. 2026-03-14",
        time="Local start time in that city, e.g. 12:30 or 7pm",
        venue="Restaurant or address (can be added later with /meal edit)",
        capacity="Seats, guests included (default from /setup)",
        duration="How long it lasts, e.g. 90m (default 90m)",
        question="Asked when someone first says Going, up to 45 characters (default: What do you do?)",
        rsvp_cutoff="Close RSVPs this long before the start, e.g. 24h (default: at the start)",
        slot="Breakfast, lunch or dinner (default: from the start time)",
        channel="Where to post it (default: the announcement channel from /setup)",
        invite_radius_km="DM an invitation to customers living this close who accept DMs (0: nobody)",
    )
    @app_commands.autocomplete(city=city_choices)
    async def add(
        self,
        interaction: Interaction,
        city: app_commands.Range[str, 1, 100],
        date: app_commands.Range[str, 1, 40],
        time: app_commands.Range[str, 1, 20],
        venue: app_commands.Range[str, 1, 200] | None = None,
        capacity: app_commands.Range[int, 1, 1000] | None = None,
        duration: app_commands.Range[str, 1, 20] | None = None,
        question: app_commands.Range[str, 1, 45] | None = None,
        rsvp_cutoff: app_commands.Range[str, 1, 20] | None = None,
        slot: MealSlot | None = None,
        channel: discord.TextChannel | None = None,
        invite_radius_km: app_commands.Range[int, 0, 500] = 50,
    ) -> None:
        assert interaction.guild is not None
        place = self._place(city)
        start = parse_local_datetime(date, time, place.timezone, now=self.bot.clock())
        target = await posting_channel(interaction, channel)
        services = self.bot.services
        invitees = []
        if invite_radius_km > 0:
            city_found = services.customers.city(place.geonameid)
            invitees = await services.customers.dm_invitees(interaction.guild.id, city_found, invite_radius_km)
        job = new_job("meal-add")
        meal = await services.meals.create(
            interaction.guild.id,
            host_id=interaction.user.id,
            place=place,
            start=start,
            duration=parse_duration(duration) if duration else DEFAULT_DURATION,
            channel_id=target.id,
            capacity=capacity,
            venue=venue,
            question=question,
            cutoff_before=parse_duration(rsvp_cutoff) if rsvp_cutoff else None,
            slot=slot,
            invite=invitees,
            job=job,
        )

        async def render(progress: JobProgress) -> str:
            current = await services.meals.get(meal.guild_id, meal.id)
            return published_reply(current, progress, invite_radius_km, note=start.note)

        await services.delivery.follow(job, in_reply(interaction, render))

    @manager_only
    @answers_first
    @meal.command(name="edit", description="Change a meal's time, length, venue, seats, question or RSVP cutoff")
    @app_commands.describe(
        meal="The meal to change",
        date="New day, e.g. 2026-03-15 (keeps the time unless you give one)",
        time="New local start time, e.g. 13:00 (keeps the day unless you give one)",
        venue="New venue",
        capacity="New number of seats (never below the seats already taken)",
        question="New RSVP question (up to 45 characters)",
        duration="New length, e.g. 2h",
        rsvp_cutoff="Close RSVPs this long before the start, e.g. 24h",
    )
    async def edit(
        self,
        interaction: Interaction,
        meal: int,
        date: app_commands.Range[str, 1, 40] | None = None,
        time: app_commands.Range[str, 1, 20] | None = None,
        venue: app_commands.Range[str, 1, 200] | None = None,
        capacity: app_commands.Range[int, 1, 1000] | None = None,
        question: app_commands.Range[str, 1, 45] | None = None,
        duration: app_commands.Range[str, 1, 20] | None = None,
        rsvp_cutoff: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        assert interaction.guild is not None
        current = await self.bot.services.meals.get(interaction.guild.id, meal)
        start = self._new_start(current, date, time)
        change = await self.bot.services.meals.edit(
            interaction.guild.id,
            meal,
            job=new_job("meal-edit"),
            start=start,
            venue=venue,
            capacity=capacity,
            question=question,
            duration=parse_duration(duration) if duration else None,
            cutoff_before=parse_duration(rsvp_cutoff) if rsvp_cutoff else None,
        )
        note = f" {start.note}" if start and start.note else ""
        headline = f"Updated **{change.meal.title}** (meal #{meal}).{note}"
        await respond(interaction, headline)
        if change.job is not None:
            await self.bot.services.delivery.follow(change.job, in_reply(interaction, change_reply(headline)))

    @manager_only
    @meal.command(name="cancel", description="Cancel a meal; everyone who answered is told")
    @app_commands.describe(meal="The meal to cancel")
    async def cancel(self, interaction: Interaction, meal: int) -> None:
        assert interaction.guild is not None
        state = await self.bot.services.meals.state(interaction.guild.id, meal)
        if state.meal.cancelled:
            raise InvalidInput("This meal is already cancelled.")
        text, view = cancel_prompt(state)
        await interaction.response.send_message(text, view=view, ephemeral=True)

    @manager_only
    @answers_first
    @meal.command(name="attendees", description="Who is coming, with their answers (list + CSV)")
    @app_commands.describe(meal="The meal")
    async def attendees(self, interaction: Interaction, meal: int) -> None:
        assert interaction.guild is not None
        state = await self.bot.services.meals.state(interaction.guild.id, meal)
        names = await names_of(interaction, [r.user_id for r in state.rsvps])
        feedback = await self.bot.services.feedback.for_meal(interaction.guild.id, meal)
        pages = paginate(attendees_title(state), attendee_lines(state, self.bot.clock(), names, feedback))
        csv_file = attendees_csv(state, names, feedback)
        file = discord.File(io.BytesIO(csv_file), filename=f"meal-{meal}-attendees.csv")
        view = list_view(AttendeesPageButton, meal, 0, len(pages))
        await respond(interaction, embed=pages[0], file=file, view=view)

    @manager_only
    @answers_first
    @meal.command(name="checkin", description="Check someone in at a meal (walk-ins welcome)")
    @app_commands.describe(meal="The meal", member="Who arrived")
    async def checkin(self, interaction: Interaction, meal: int, member: discord.Member) -> None:
        assert interaction.guild is not None
        await self.bot.services.meals.check_in(interaction.guild.id, meal, member.id, by_manager=True)
        await respond(interaction, f"Checked in {member.mention}.")

    @manager_only
    @answers_first
    @meal.command(name="intros", description="Suggested introductions between attendees, and sending them")
    @app_commands.describe(meal="The meal")
    async def intros(self, interaction: Interaction, meal: int) -> None:
        assert interaction.guild is not None
        state = await self.bot.services.meals.state(interaction.guild.id, meal)
        names = await names_of(interaction, [r.user_id for r in state.rsvps])
        gone = await members_gone(interaction, [r.user_id for r in state.with_status(RsvpStatus.GOING)])
        plan = await self.bot.services.networking.introductions(interaction.guild.id, meal, names, gone=gone)
        pages = intro_pages(plan, names)
        buttons = intros_view(plan)
        pager = page_view(pages, interaction.user.id)
        if buttons is not None and pager is not None:
            for item in pager.children:
                buttons.add_item(item)
        await respond(interaction, embed=pages[0], view=buttons or pager)

    @manager_only
    @answers_first
    @meal.command(name="seating", description="Split the people going into tables (embed + CSV)")
    @app_commands.describe(meal="The meal", table_size="Seats per table, guests included (default 8)")
    async def seating(
        self, interaction: Interaction, meal: int, table_size: app_commands.Range[int, 2, 50] = 8
    ) -> None:
        assert interaction.guild is not None
        state = await self.bot.services.meals.state(interaction.guild.id, meal)
        names = await names_of(interaction, [r.user_id for r in state.rsvps])
        hosts = await managers_among(interaction, [r.user_id for r in state.with_status(RsvpStatus.GOING)])
        seating = await self.bot.services.networking.seating(
            interaction.guild.id, meal, table_size, names, hosts=hosts
        )
        file = discord.File(io.BytesIO(seating_csv(seating)), filename=f"meal-{meal}-seating.csv")
        await respond(interaction, embed=seating_embed(seating), file=file)

    @edit.autocomplete("meal")
    @cancel.autocomplete("meal")
    @checkin.autocomplete("meal")
    async def upcoming_meals(self, interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None or not await member_is_manager(interaction):
            return []  # discord.py runs no checks before autocomplete: the meals are the managers' to list
        return meal_choice_list(await self.bot.services.meals.upcoming(interaction.guild_id), current)

    @attendees.autocomplete("meal")
    @intros.autocomplete("meal")
    @seating.autocomplete("meal")
    async def any_meals(self, interaction: Interaction, current: str) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None or not await member_is_manager(interaction):
            return []
        return meal_choice_list(await self.bot.services.meals.recent(interaction.guild_id, limit=100), current)

    # ------------------------------------------------------------------------------------ helpers

    def _place(self, typed: str) -> MealPlace:
        city = self.bot.services.customers.resolve_one(typed)
        return MealPlace.of(city)

    def _new_start(self, meal: Meal, date: str | None, time: str | None) -> LocalTime | None:
        if date is None and time is None:
            return None
        local = meal.local(meal.starts_at)
        day = parse_date(date) if date else local.date()
        clock = parse_time_of_day(time) if time else local.time().replace(tzinfo=None)
        return meal_start(day, clock, meal.place.timezone, now=self.bot.clock())  # the same rules as /meal add

    # ------------------------------------------------------------------------------------ events

    @commands.Cog.listener()
    async def on_scheduled_event_user_add(self, event: discord.ScheduledEvent, user: discord.User) -> None:
        # Only fires for users discord.py has cached; the housekeeper's hourly sweep catches the rest.
        meal = await self.bot.services.meals.by_event(event.id)
        if meal is not None and meal.guild_id == event.guild_id:
            await self.bot.services.meals.interested(meal.guild_id, meal.id, user.id)


def published_reply(meal: Meal, progress: JobProgress, radius_km: float, *, note: str | None) -> str:
    """/meal add's reply: the post's link once it is up, then the invitations; what went wrong, if anything."""
    headline = f"Published **{meal.title}** (meal #{meal.id})"
    if meal.message_id is not None and meal.channel_id is not None:
        headline += f": https://discord.com/channels/{meal.guild_id}/{meal.channel_id}/{meal.message_id}"
    elif not progress.count(Kind.MEAL_POST, Outcome.FAILED, Outcome.RETRYING):
        headline += f"; posting it in <#{meal.channel_id}>…"
    else:
        headline += ". The meal is saved, so don't add it again."
    lines = [headline]
    if radius_km > 0:
        lines.append(invitations_line(progress, radius_km))
    if note:
        lines.append(note)
    return "\n".join([*lines, *trouble_lines(progress, (Kind.MEAL_POST, Kind.MEAL_EVENT))])


ITEMS = (
    RsvpButton,
    CancelMealButton,
    ShowNoteButton,
    AttendeesPageButton,
    WhosComingButton,
    SendIntrosButton,
    ShareCardButton,
    ConnectedButton,
    FeedbackButton,
)


async def setup(bot: ListeningTourBot) -> None:
    bot.add_dynamic_items(*ITEMS)
    await bot.add_cog(MealsCog(bot))


async def teardown(bot: ListeningTourBot) -> None:
    bot.remove_dynamic_items(*ITEMS)
