"""SQL of the outbox, the DM failures it records and the notes it leaves for closed DMs.

Methods take the open transaction (``tx``): a row is added in the transaction of the change that causes
it, and a claim, a retry or a finish is one guarded statement (``… AND lease_owner = ?``), so a process
whose lease ran out can't overwrite what the process that took the row over did.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence

from bot.domain.outbox import (
    Delivery,
    DmFailure,
    JobProgress,
    Kind,
    NewDelivery,
    OutboxSummary,
    Outcome,
    Status,
    Via,
    outcome_of,
)
from bot.domain.shards import ONE_PROCESS, Shards
from storage.codecs import decode_datetime, decode_optional_datetime, encode_datetime
from storage.database import Row, Transaction

_DM_KINDS = tuple(kind.value for kind in Kind if kind.is_dm)
_IN_DM_KINDS = f"({', '.join(repr(kind) for kind in _DM_KINDS)})"
_IN_COALESCING_KINDS = f"({', '.join(repr(kind.value) for kind in Kind if kind.coalesces)})"


def _on(shards: Shards) -> str:
    """SQL keeping the rows of servers on ``shards``: Discord's shard of a server is (guild_id >> 22) % count."""
    if shards.everything:
        return ""
    ids = ", ".join(str(int(shard)) for shard in shards.ids)
    return f" AND ((guild_id / 4194304) % {int(shards.count)}) IN ({ids})"


class OutboxRepository:
    def __init__(self, on_added: Callable[[], None] | None = None) -> None:
        self._on_added = on_added  # rings the dispatcher once the adding transaction has committed

    async def add(self, tx: Transaction, new: NewDelivery, now: dt.datetime) -> int | None:
        """Add a row; None when its dedupe key was used before, or a sync of the same meal already waits."""
        row = await tx.fetch_one(
            """
            INSERT INTO outbox (guild_id, kind, meal_id, user_id, payload, dedupe_key, job, due_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING RETURNING id
            """,
            (
                new.guild_id, new.kind.value, new.meal_id, new.user_id, json.dumps(dict(new.payload), sort_keys=True),
                new.dedupe_key, new.job, encode_datetime(new.due_at), encode_datetime(now),
            ),
        )  # fmt: skip
        if row is None:
            return None
        if self._on_added is not None:
            tx.after_commit(self._on_added)
        return int(row["id"])

    async def add_many(self, tx: Transaction, rows: Sequence[NewDelivery], now: dt.datetime) -> int:
        added = 0
        for new in rows:
            added += await self.add(tx, new, now) is not None
        return added

    async def claim(
        self,
        tx: Transaction,
        *,
        owner: str,
        now: dt.datetime,
        lease: dt.timedelta,
        limit: int,
        dms: bool,
        shards: Shards = ONE_PROCESS,
    ) -> list[Delivery]:
        """Lease up to ``limit`` due rows (and rows whose lease ran out), oldest due first; ``dms=False``
        leaves direct messages for later (their pace is spent); only rows of servers on ``shards``. Rows
        another process is claiming right now are skipped, not waited for (``Dialect.skip_locked``)."""
        only_channel_work = ("" if dms else f"AND kind NOT IN {_IN_DM_KINDS}") + _on(shards)
        rows = await tx.fetch_all(
            f"""
            UPDATE outbox SET status = 'sending', lease_owner = :owner, lease_until = :until,
                              attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM outbox
                WHERE ((status = 'pending' AND due_at <= :now) OR (status = 'sending' AND lease_until <= :now))
                      {only_channel_work}
                ORDER BY due_at, id LIMIT :limit {tx.dialect.skip_locked})
              AND (status = 'pending' OR lease_until <= :now)
            RETURNING *
            """,  # noqa: S608 - the kinds are our own constants
            {"owner": owner, "until": encode_datetime(now + lease), "now": encode_datetime(now), "limit": limit},
        )
        return sorted((_delivery(row) for row in rows), key=lambda d: (d.due_at, d.id))

    async def finish(
        self,
        tx: Transaction,
        delivery: Delivery,
        *,
        owner: str,
        status: Status,
        via: Via,
        now: dt.datetime,
        error: str | None = None,
    ) -> bool:
        """Record the outcome; False if the lease was lost (another process took the row over)."""
        changed = await tx.execute(
            """
            UPDATE outbox SET status = ?, delivered_via = ?, last_error = COALESCE(?, last_error), finished_at = ?,
                              lease_owner = NULL, lease_until = NULL
            WHERE id = ? AND guild_id = ? AND status = 'sending' AND lease_owner = ?
            """,
            (status.value, via.value, _clip(error), encode_datetime(now), delivery.id, delivery.guild_id, owner),
        )
        return changed == 1

    async def retry(
        self, tx: Transaction, delivery: Delivery, *, owner: str, at: dt.datetime, error: str, rate_limited: bool
    ) -> bool:
        """Put a claimed row back for a later attempt. A post or event sync that meanwhile has a newer pending
        sibling is finished as superseded instead: the sibling will show the latest state."""
        if delivery.kind.coalesces and await tx.fetch_one(
            "SELECT 1 FROM outbox WHERE kind = ? AND meal_id = ? AND status = 'pending'",
            (delivery.kind.value, delivery.meal_id),
        ):
            return await self.finish(
                tx, delivery, owner=owner, status=Status.SKIPPED, via=Via.NONE, now=at, error=f"superseded; {error}"
            )
        changed = await tx.execute(
            """
            UPDATE outbox SET status = 'pending', due_at = ?, last_error = ?, rate_limited = rate_limited + ?,
                              lease_owner = NULL, lease_until = NULL
            WHERE id = ? AND guild_id = ? AND status = 'sending' AND lease_owner = ?
            """,
            (encode_datetime(at), _clip(error), int(rate_limited), delivery.id, delivery.guild_id, owner),
        )
        return changed == 1

    async def hurry(self, tx: Transaction, kind: Kind, meal_id: int, *, job: str, now: dt.datetime) -> bool:
        """The meal's pending post (or event) sync, waiting for a retry, is due now and counts in ``job``."""
        changed = await tx.execute(
            """
            UPDATE outbox SET due_at = ?, job = ?
            WHERE kind = ? AND meal_id = ? AND status = 'pending'
            """,
            (encode_datetime(now), job, kind.value, meal_id),
        )
        if changed and self._on_added is not None:
            tx.after_commit(self._on_added)
        return changed == 1

    async def postpone(self, tx: Transaction, delivery: Delivery, *, owner: str, at: dt.datetime) -> bool:
        """Put a claimed row back untouched (it was not attempted): a note waiting for more recipients."""
        changed = await tx.execute(
            """
            UPDATE outbox SET status = 'pending', due_at = ?, attempts = attempts - 1, lease_owner = NULL,
                              lease_until = NULL
            WHERE id = ? AND guild_id = ? AND status = 'sending' AND lease_owner = ?
            """,
            (encode_datetime(at), delivery.id, delivery.guild_id, owner),
        )
        return changed == 1

    async def drop_pending(
        self, tx: Transaction, guild_id: int, meal_id: int, kinds: Sequence[Kind], user_id: int | None = None
    ) -> int:
        """Delete rows not sent yet (a reminder for someone no longer going): their dedupe keys free up."""
        placeholders = ", ".join("?" for _ in kinds)
        who = "" if user_id is None else "AND user_id = ?"
        return await tx.execute(
            f"DELETE FROM outbox WHERE guild_id = ? AND meal_id = ? AND status = 'pending' "  # noqa: S608
            f"AND kind IN ({placeholders}) {who}",
            (guild_id, meal_id, *(k.value for k in kinds), *(() if user_id is None else (user_id,))),
        )

    async def next_due(self, tx: Transaction, shards: Shards = ONE_PROCESS) -> dt.datetime | None:
        """When the next row of a server on ``shards`` is due (or a lease of one runs out)."""
        mine = _on(shards)
        row = await tx.fetch_one(
            f"""
            SELECT MIN(t) AS t FROM (
                SELECT MIN(due_at) AS t FROM outbox WHERE status = 'pending' {mine}
                UNION ALL SELECT MIN(lease_until) AS t FROM outbox WHERE status = 'sending' {mine}) AS due
            """  # noqa: S608 - numbers only
        )
        return None if row is None else decode_optional_datetime(row["t"])

    async def get(self, tx: Transaction, guild_id: int, delivery_id: int) -> Delivery | None:
        row = await tx.fetch_one("SELECT * FROM outbox WHERE id = ? AND guild_id = ?", (delivery_id, guild_id))
        return None if row is None else _delivery(row)

    async def for_meal(self, tx: Transaction, guild_id: int, meal_id: int, kind: Kind) -> list[Delivery]:
        rows = await tx.fetch_all(
            "SELECT * FROM outbox WHERE guild_id = ? AND meal_id = ? AND kind = ? ORDER BY id",
            (guild_id, meal_id, kind.value),
        )
        return [_delivery(row) for row in rows]

    async def busy(self, tx: Transaction, meal_id: int, kind: Kind, now: dt.datetime) -> bool:
        """Rows of this kind for the meal that are due and not sent yet: a bulk send under way."""
        row = await tx.fetch_one(
            "SELECT 1 FROM outbox WHERE meal_id = ? AND kind = ? "
            "AND (status = 'sending' OR (status = 'pending' AND due_at <= ?)) LIMIT 1",
            (meal_id, kind.value, encode_datetime(now)),
        )
        return row is not None

    async def was_invited(self, tx: Transaction, meal_id: int, user_id: int) -> bool:
        row = await tx.fetch_one(
            "SELECT 1 FROM outbox WHERE meal_id = ? AND user_id = ? AND kind = 'invitation' AND status = 'sent'",
            (meal_id, user_id),
        )
        return row is not None

    async def job_progress(self, tx: Transaction, job: str) -> JobProgress:
        rows = await tx.fetch_all(
            "SELECT kind, status, delivered_via, last_error, attempts FROM outbox WHERE job = ? ORDER BY id", (job,)
        )
        outcomes: Counter[tuple[Kind, Outcome]] = Counter()
        errors: dict[Kind, str] = {}
        for row in rows:
            kind = Kind(row["kind"])
            via = Via(row["delivered_via"]) if row["delivered_via"] else None
            outcome = outcome_of(Status(row["status"]), via, row["attempts"])
            outcomes[(kind, outcome)] += 1
            if outcome in (Outcome.FAILED, Outcome.RETRYING) and row["last_error"]:
                errors[kind] = row["last_error"]
        return JobProgress(job, outcomes, errors)

    async def summary(self, tx: Transaction, guild_id: int, now: dt.datetime, since: dt.datetime) -> OutboxSummary:
        row = await tx.fetch_one(
            """
            SELECT
                COUNT(*) FILTER (WHERE status = 'pending') AS pending,
                COUNT(*) FILTER (WHERE status = 'pending' AND due_at <= :now) AS due_now,
                COUNT(*) FILTER (WHERE status = 'sending') AS sending,
                COUNT(*) FILTER (WHERE status = 'failed') AS failed,
                COUNT(*) FILTER (WHERE status = 'sent' AND finished_at >= :since) AS sent_today,
                COUNT(*) FILTER (WHERE status = 'sent' AND finished_at >= :since AND delivered_via = 'channel')
                    AS by_note_today,
                MIN(CASE WHEN status = 'pending' AND kind = 'reminder' THEN due_at END) AS next_reminder
            FROM outbox WHERE guild_id = :guild
            """,
            {"guild": guild_id, "now": encode_datetime(now), "since": encode_datetime(since)},
        )
        assert row is not None
        return OutboxSummary(
            pending=row["pending"] or 0,
            due_now=row["due_now"] or 0,
            sending=row["sending"] or 0,
            failed=row["failed"] or 0,
            sent_today=row["sent_today"] or 0,
            by_note_today=row["by_note_today"] or 0,
            next_reminder=decode_optional_datetime(row["next_reminder"]),
        )

    async def failed(self, tx: Transaction, guild_id: int, limit: int) -> list[Delivery]:
        rows = await tx.fetch_all(
            "SELECT * FROM outbox WHERE guild_id = ? AND status = 'failed' ORDER BY finished_at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [_delivery(row) for row in rows]

    async def retry_failed(self, tx: Transaction, guild_id: int, now: dt.datetime) -> int:
        """Failed rows of the guild go back in line, with a fresh set of attempts. Of a meal's failed post (or
        event) syncs only the newest goes back, and none if one waits already: each shows the meal as it is now,
        so the others are finished as superseded (and counted, as they are taken care of)."""
        superseded = await tx.execute(
            f"""
            UPDATE outbox SET status = 'skipped', finished_at = ?,
                              last_error = 'superseded on retry; ' || COALESCE(last_error, '')
            WHERE guild_id = ? AND status = 'failed' AND kind IN {_IN_COALESCING_KINDS} AND (
                EXISTS (SELECT 1 FROM outbox AS o
                        WHERE o.kind = outbox.kind AND o.meal_id = outbox.meal_id AND o.status = 'pending')
                OR id < (SELECT MAX(o.id) FROM outbox AS o
                         WHERE o.kind = outbox.kind AND o.meal_id = outbox.meal_id AND o.status = 'failed'))
            """,  # noqa: S608 - the kinds are the domain's own names
            (encode_datetime(now), guild_id),
        )
        changed = await tx.execute(
            """
            UPDATE outbox SET status = 'pending', due_at = ?, attempts = 0, rate_limited = 0, finished_at = NULL,
                              delivered_via = NULL
            WHERE guild_id = ? AND status = 'failed'
            """,
            (encode_datetime(now), guild_id),
        )
        if changed and self._on_added is not None:
            tx.after_commit(self._on_added)
        return changed + superseded

    async def prune(self, tx: Transaction, before: dt.datetime, now: dt.datetime) -> int:
        """Forget rows sent or skipped long ago (failed ones stay until a manager retries them). Rows of a meal
        still to come stay too: a sent invitation is how the buttons in its DM find the meal's server."""
        return await tx.execute(
            """
            DELETE FROM outbox WHERE status IN ('sent', 'skipped') AND finished_at < ?
              AND NOT EXISTS (SELECT 1 FROM meals m WHERE m.id = outbox.meal_id AND m.ends_at > ?)
            """,
            (encode_datetime(before), encode_datetime(now)),
        )

    async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
        rows = await tx.fetch_all(
            """
            SELECT kind, meal_id, payload, due_at, status, delivered_via, finished_at FROM outbox
            WHERE guild_id = ? AND user_id = ? ORDER BY id
            """,
            (guild_id, user_id),
        )
        return (
            {"messages_to_you": [dict(row) | {"payload": json.loads(row["payload"])} for row in rows]} if rows else {}
        )

    async def forget_user(self, tx: Transaction, guild_id: int, user_id: int) -> None:
        """Messages to them, and messages to others about them (someone's card carries its owner's id)."""
        peer = tx.dialect.json_field("payload", "peer_id")
        await tx.execute(
            f"DELETE FROM outbox WHERE guild_id = ? AND (user_id = ? OR {peer} = ?)",  # noqa: S608 - our SQL
            (guild_id, user_id, user_id),
        )


def _delivery(row: Row) -> Delivery:
    return Delivery(
        id=row["id"],
        guild_id=row["guild_id"],
        kind=Kind(row["kind"]),
        meal_id=row["meal_id"],
        user_id=row["user_id"],
        payload=json.loads(row["payload"]),
        due_at=decode_datetime(row["due_at"]),
        status=Status(row["status"]),
        attempts=row["attempts"],
        rate_limited=row["rate_limited"],
        job=row["job"],
        created_at=decode_datetime(row["created_at"]),
        delivered_via=Via(row["delivered_via"]) if row["delivered_via"] else None,
        last_error=row["last_error"],
        finished_at=decode_optional_datetime(row["finished_at"]),
    )


def _clip(error: str | None) -> str | None:
    return None if error is None else error[:500]


# ------------------------------------------------------------------------------------------ DM failures


class DmFailureRepository:
    """Who could not be reached by DM (50007: DMs closed), kept so managers can see it."""

    async def record(
        self, tx: Transaction, *, guild_id: int, user_id: int, code: int, purpose: str, at: dt.datetime
    ) -> None:
        await tx.execute(
            "INSERT INTO dm_failures (guild_id, user_id, code, purpose, at) VALUES (?, ?, ?, ?, ?)",
            (guild_id, user_id, code, purpose, encode_datetime(at)),
        )

    async def for_guild(self, tx: Transaction, guild_id: int) -> list[DmFailure]:
        rows = await tx.fetch_all("SELECT * FROM dm_failures WHERE guild_id = ? ORDER BY id", (guild_id,))
        return [DmFailure(row["user_id"], row["code"], row["purpose"], decode_datetime(row["at"])) for row in rows]

    async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
        rows = await tx.fetch_all(
            "SELECT code, purpose, at FROM dm_failures WHERE guild_id = ? AND user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        return {"dm_failures": [dict(row) for row in rows]} if rows else {}

    async def forget_user(self, tx: Transaction, guild_id: int, user_id: int) -> None:
        await tx.execute("DELETE FROM dm_failures WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))
