"""The one dispatcher that drains the outbox.

It wakes when a transaction that added rows commits (the doorbell) and otherwise sleeps until the next row
falls due — a ``tasks.loop`` whose interval is moved to that instant, so an idle bot wakes rarely and a
reminder goes out on its minute. Each pass claims due rows with a lease and sends them one by one:

* paced: a few DMs at once, then one a second (a token bucket on the injected clock); a 429 pauses every
  send for the ``retry_after`` Discord asked for, without using up an attempt;
* 5xx answers, timeouts and dropped connections back off (30 s, 1, 2, 4 … 30 min, six tries), never past
  the point where the message is useless (a reminder once the meal has started);
* closed DMs (50007) are recorded and the person gets a private note in the meal's channel; a DM that still
  fails after its retries takes the same fallback and shows as failed in /status;
* a permanent refusal (a missing permission) stops at once and says what to fix.

Each outcome is recorded in one transaction guarded by the lease, and every message carries the row id as
Discord's nonce (``enforce_nonce``): see bot/domain/outbox.py for the exact guarantees.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from discord.ext import tasks

from bot.delivery.errors import CANNOT_DM, TRANSIENT, Refused, judge
from bot.delivery.messenger import Messenger
from bot.delivery.posts import MealPosts
from bot.delivery.threads import CityThreads
from bot.domain.clock import Clock
from bot.domain.outbox import Delivery, Kind, Via
from bot.domain.pacing import TokenBucket
from bot.services.delivery import Attempt, DeliveryService, Outgoing
from bot.ui.messages import DirectMessage, direct_message

log = logging.getLogger(__name__)

BATCH = 10
MAX_SLEEP = dt.timedelta(hours=1)
# With other processes adding rows for this one (shards over PostgreSQL), their notice wakes it at once; should
# a notice be lost (the listening connection dropped), it still looks at least this often.
SHARED_MAX_SLEEP = dt.timedelta(minutes=1)
MIN_SLEEP = dt.timedelta(milliseconds=50)


@dataclass(frozen=True)
class Sent:
    """How a row went out, and what it created: a post (channel, message), an event, a city thread (its id and
    the people added)."""

    via: Via
    post: tuple[int, int] | None = None
    event_id: int | None = None
    thread: tuple[int, list[int]] | None = None


class Dispatcher:
    def __init__(
        self,
        service: DeliveryService,
        messenger: Messenger,
        posts: MealPosts,
        clock: Clock,
        *,
        ready: Callable[[], Awaitable[object]],
        owner: str | None = None,
        pace: TokenBucket | None = None,
        threads: CityThreads | None = None,
        max_sleep: dt.timedelta = MAX_SLEEP,
    ) -> None:
        self._service = service
        self._max_sleep = max_sleep
        self._messenger = messenger
        self._posts = posts
        self._threads = threads  # None where no city threads are sent (the crash test's and benchmarks' fakes)
        self._clock = clock
        self._ready = ready
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._pace = pace or TokenBucket()
        self._paused_until: dt.datetime | None = None
        self._draining: asyncio.Task[None] | None = None
        self._again = False
        self._tick_started: dt.datetime | None = None
        self.sent = 0  # rows delivered by this process (for tests and /status)

    # ------------------------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.cancel()
        if self._draining is not None:
            self._draining.cancel()

    def kick(self) -> None:
        """Rows were added: drain now (or once more, if a pass is under way). Before the bot is ready the
        loop's first pass picks them up."""
        if not self._loop.is_running() or self._tick_started is None:
            return
        if self._draining is not None and not self._draining.done():
            self._again = True
            return
        self._draining = asyncio.create_task(self._drain(by_loop=False), name="outbox drain")

    @tasks.loop(seconds=MAX_SLEEP.total_seconds())
    async def _loop(self) -> None:
        self._tick_started = self._clock()
        if self._draining is not None and not self._draining.done():
            self._again = True  # the pass under way goes round once more, then plans the next wake-up
            return
        # A child task, awaited: simcord settles by waiting for tasks to finish (../shared/testing/README.md,
        # pitfall 1); in production it makes no difference.
        self._draining = asyncio.create_task(self._drain(by_loop=True), name="outbox drain")
        await self._draining

    async def flush(self) -> None:
        """Send what is due now, in the caller's task (the demo's seeding, tests outside an interaction)."""
        if self._draining is not None and not self._draining.done():
            await self._draining
        await self._drain(by_loop=False)

    @_loop.before_loop
    async def _before(self) -> None:
        await self._ready()

    # ------------------------------------------------------------------------------------ draining

    async def _drain(self, *, by_loop: bool) -> None:
        try:
            while True:
                self._again = False
                await self._drain_due()
                if not self._again:
                    break
            await self._plan(by_loop=by_loop)
        except Exception:  # the loop must survive anything; the rows keep their leases and come back
            log.exception("the outbox pass failed")

    async def _drain_due(self) -> None:
        while True:
            now = self._clock()
            if self._paused_until is not None and now < self._paused_until:
                return
            allowed = self._pace.available(now)  # DMs that may go right now
            batch = await self._service.claim(self.owner, min(allowed, BATCH) or BATCH, dms=allowed > 0)
            if not batch:
                return
            for delivery in batch:
                if self._paused_until is not None and self._clock() < self._paused_until:
                    await self._service.put_back(delivery, self.owner, self._paused_until)  # a 429 pauses all
                    continue
                await self._deliver(delivery)
                if delivery.job is not None and self._service.following(delivery.job):
                    await self._service.report(delivery.job)

    async def _plan(self, *, by_loop: bool) -> None:
        """Sleep until the next row is due, the DM pace allows the next message, or a 429 pause ends.

        A pass the doorbell started only ever brings the wake-up forward: the loop's own pass sets it anyway,
        and (for simcord) its sleep is then only ever moved from the work that needs it earlier."""
        if self._tick_started is None or not self._loop.is_running():
            return
        now = self._clock()
        wake = await self._service.next_due() or now + self._max_sleep
        if wake <= now:  # due rows are waiting for the pace (or a 429 pause)
            wake = self._pace.ready_at(now)
        if self._paused_until is not None and wake < self._paused_until:
            wake = self._paused_until
        wake = max(now + MIN_SLEEP, min(wake, now + self._max_sleep))
        scheduled = self._loop.next_iteration
        if not by_loop and scheduled is not None and scheduled <= wake:
            return
        # tasks.Loop counts the interval from the start of the last pass.
        self._loop.change_interval(seconds=max(MIN_SLEEP, wake - self._tick_started).total_seconds())

    # ------------------------------------------------------------------------------------ one row

    async def _deliver(self, delivery: Delivery) -> None:
        outgoing, message = Outgoing(delivery), None
        try:
            prepared = await self._service.prepare(delivery, self.owner)
            if prepared is None:
                return  # it no longer applies, or a note waits for more people of its bulk send
            outgoing = prepared
            message = direct_message(outgoing) if delivery.kind.is_dm else None
            sent = await self._send(outgoing, message)
        except Exception as error:  # noqa: BLE001 - one row's failure is recorded and never stops the others
            await self._failed(outgoing, message, error)
            return
        if await self._service.delivered(
            delivery, self.owner, sent.via, post=sent.post, event_id=sent.event_id, thread=sent.thread
        ):
            self.sent += 1
        else:
            log.warning(
                "outbox row %s was sent, but its lease had run out: another process may send it too", delivery.id
            )

    async def _send(self, outgoing: Outgoing, message: DirectMessage | None) -> Sent:
        delivery = outgoing.delivery
        nonce = f"lt{delivery.id}"
        if delivery.kind is Kind.MEAL_POST:
            assert outgoing.state is not None
            via, post = await self._posts.sync_post(outgoing.state, nonce=nonce)
            return Sent(via, post=post)
        if delivery.kind is Kind.MEAL_EVENT:
            assert outgoing.meal is not None
            via, event_id = await self._posts.sync_event(outgoing.meal)
            return Sent(via, event_id=event_id)
        if delivery.kind is Kind.FALLBACK_NOTE:
            assert outgoing.note is not None
            await self._messenger.post_note(outgoing.note, nonce=nonce)
            return Sent(Via.CHANNEL)
        if delivery.kind is Kind.CITY_THREAD:
            assert outgoing.meal is not None and outgoing.about is not None and outgoing.about.thread is not None
            if self._threads is None:
                raise Refused("This process can't open city threads.")
            thread = await self._threads.sync(outgoing.meal, outgoing.about.thread, nonce=nonce)
            return Sent(Via.POST, thread=thread)
        assert message is not None and delivery.user_id is not None
        if delivery.kind is Kind.LOCAL_INTRO and not await self._both_here(delivery):
            return Sent(Via.NONE)
        self._pace.take(self._clock())
        await self._messenger.dm(delivery.user_id, message, nonce=nonce)
        return Sent(Via.DM)

    async def _both_here(self, delivery: Delivery) -> bool:
        """A local introduction goes out only while both people are on the server: the bot hears nobody leave
        (no members intent), so it asks before introducing someone who may have gone."""
        assert delivery.user_id is not None
        peer = int(str(delivery.payload["peer_id"]))
        return all([await self._messenger.is_member(delivery.guild_id, who) for who in (delivery.user_id, peer)])

    async def _failed(self, outgoing: Outgoing, message: DirectMessage | None, error: Exception) -> None:
        delivery = outgoing.delivery
        fallback = None if message is None else (message.content, message.actions)
        if message is not None and getattr(error, "code", None) == CANNOT_DM:
            await self._service.fall_back(
                outgoing, self.owner, content=message.content, actions=message.actions,
                error="DMs closed (50007)", closed_dms=True,
            )  # fmt: skip
            return
        if not isinstance(error, (*TRANSIENT, Refused)):
            log.error("outbox row %s (%s) failed with a bug", delivery.id, delivery.kind.value, exc_info=error)
        failure = judge(error)
        if failure.retry_after is not None:
            until = self._clock() + dt.timedelta(seconds=failure.retry_after)
            self._paused_until = max(self._paused_until or until, until)
        attempt, retry = await self._service.failed_attempt(
            outgoing, self.owner, error=failure.text, rate_limited_for=failure.retry_after,
            permanent=failure.permanent, fallback=fallback,
        )  # fmt: skip
        level = logging.INFO if attempt is Attempt.RETRYING else logging.WARNING
        log.log(level, "outbox row %s (%s): %s — %s%s", delivery.id, delivery.kind.value, failure.text,
                attempt.value, f" at {retry:%H:%M:%S}" if retry else "")  # fmt: skip
