"""Use cases of quarterly check-ins (issue 12): "How are things going?" to the customers who accept DMs, on the
server's cadence (/checkin schedule) or now (/checkin send); a reply becomes an insight, unanswered ones are
counted. Whoever came to a meal in the last month is not asked: we just talked."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.clock import Clock, round_due
from bot.domain.customers import OptIn
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.guild_settings import GuildSettings
from bot.domain.insights import InsightSource
from bot.domain.outbox import Kind, NewDelivery
from bot.services.insights import log_heard
from storage.checkins import CheckinRepository, CheckinRound
from storage.customers import CustomerRepository
from storage.database import Store, Transaction
from storage.guild_settings import GuildSettingsRepository, with_checkins
from storage.insights import InsightRepository
from storage.outbox import OutboxRepository

MET_RECENTLY = dt.timedelta(days=30)
PER_HOUR = 60  # a round's DMs are spread at most this many an hour, over the hours (or days) that follow
DEFAULT_WEEKS = 13  # a quarter
MAX_WEEKS = 52


@dataclass(frozen=True)
class CheckinStatus:
    weeks: int  # 0: not scheduled
    last: CheckinRound | None
    next_at: dt.datetime | None


class CheckinService:
    def __init__(
        self,
        db: Store,
        checkins: CheckinRepository,
        settings: GuildSettingsRepository,
        insights: InsightRepository,
        outbox: OutboxRepository,
        clock: Clock,
    ) -> None:
        self._db = db
        self._checkins = checkins
        self._settings = settings
        self._insights = insights
        self._outbox = outbox
        self._clock = clock

    async def schedule(self, guild_id: int, weeks: int, *, by: int) -> CheckinStatus:
        if not 0 <= weeks <= MAX_WEEKS:
            raise InvalidInput(f"Check-ins come every 1 to {MAX_WEEKS} weeks (0 turns them off).")
        async with self._db.transaction() as tx:
            current = await self._settings.get(tx, guild_id) or GuildSettings(guild_id=guild_id)
            await self._settings.save(tx, dataclasses.replace(current, checkin_weeks=weeks), by=by, at=self._clock())
            return await self._status(tx, guild_id, weeks)

    async def status(self, guild_id: int) -> CheckinStatus:
        async with self._db.read() as tx:
            settings = await self._settings.get(tx, guild_id)
            return await self._status(tx, guild_id, settings.checkin_weeks if settings else 0)

    async def send_now(self, guild_id: int) -> CheckinRound:
        async with self._db.transaction() as tx:
            return await self._round(tx, guild_id, self._clock())

    async def rounds_due(self) -> int:
        """The scheduled rounds that have come round (the housekeeper asks hourly); returns how many ran."""
        now = self._clock()
        ran = 0
        async with self._db.read() as tx:
            due = [s.guild_id for s in await with_checkins(tx) if await self._due(tx, s, now)]
        for guild_id in due:
            async with self._db.transaction() as tx:
                settings = await self._settings.get(tx, guild_id, lock=True)  # one round at a time, across processes
                if settings is not None and await self._due(tx, settings, now):  # nobody ran it meanwhile
                    await self._round(tx, guild_id, now)
                    ran += 1
        return ran

    async def guild_of(self, checkin_id: int, user_id: int) -> int:
        async with self._db.read() as tx:
            guild_id = await self._checkins.guild_of(tx, checkin_id, user_id)
        if guild_id is None:
            raise NotAllowed("This check-in isn't yours.")
        return guild_id

    async def is_open(self, guild_id: int, checkin_id: int, user_id: int) -> bool:
        async with self._db.read() as tx:
            return await self._checkins.open_checkin(tx, guild_id, checkin_id, user_id)

    async def reply(self, guild_id: int, checkin_id: int, user_id: int, text: str) -> int:
        """The reply, logged as an insight of that customer (kind and tags suggested); once per check-in."""
        now = self._clock()
        async with self._db.transaction() as tx:
            if not await self._checkins.open_checkin(tx, guild_id, checkin_id, user_id):
                raise InvalidInput("You answered this check-in already. Thank you!")
            insight_id = await log_heard(
                tx, self._insights, guild_id=guild_id, user_id=user_id, text=text, source=InsightSource.CHECKIN,
                now=now,
            )  # fmt: skip
            await self._checkins.answered(tx, guild_id, checkin_id, insight_id, now)
        return insight_id

    async def _round(self, tx: Transaction, guild_id: int, now: dt.datetime) -> CheckinRound:
        """Ask everyone due. A round that finds nobody to ask is not recorded: it must not push the next one
        a quarter away."""
        people, skipped = await self._checkins.to_ask(tx, guild_id, now - MET_RECENTLY)
        if not people:
            return CheckinRound(now, 0, skipped, 0)
        ids = await self._checkins.add_round(tx, guild_id, now, people, skipped)
        rows = []
        for position, user_id in enumerate(people):
            checkin_id = ids[user_id]
            due = now + dt.timedelta(hours=position // PER_HOUR)
            payload = {"checkin_id": checkin_id}
            key = f"checkin:{checkin_id}"
            rows.append(
                NewDelivery(Kind.CHECKIN, guild_id, due, user_id=user_id, payload=payload, dedupe_key=key)
            )
        await self._outbox.add_many(tx, rows, now)
        return CheckinRound(now, len(people), skipped, 0)

    async def _due(self, tx: Transaction, settings: GuildSettings, now: dt.datetime) -> bool:
        if settings.checkin_weeks <= 0:
            return False
        last = await self._checkins.last_round(tx, settings.guild_id)
        return round_due(last.round_at if last else None, settings.checkin_weeks, now)

    async def _status(self, tx: Transaction, guild_id: int, weeks: int) -> CheckinStatus:
        last = await self._checkins.last_round(tx, guild_id)
        if not weeks:
            return CheckinStatus(0, last, None)
        next_at = self._clock() if last is None else last.round_at + dt.timedelta(weeks=weeks)
        return CheckinStatus(weeks, last, next_at)


class CheckinMessages:
    """Whether a check-in DM of the outbox still applies when it is sent (bot/services/delivery.py)."""

    def __init__(self, checkins: CheckinRepository, customers: CustomerRepository) -> None:
        self._checkins = checkins
        self._customers = customers

    async def why_not(self, tx: Transaction, guild_id: int, user_id: int, payload: Mapping[str, object]) -> str:
        customer = await self._customers.get(tx, guild_id, user_id)
        if customer is None or not customer.opted_in(OptIn.DMS):
            return "they no longer accept DMs"
        if not await self._checkins.open_checkin(tx, guild_id, int(str(payload["checkin_id"])), user_id):
            return "they answered already"
        return ""
