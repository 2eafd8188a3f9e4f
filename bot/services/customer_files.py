"""/customers import (dry run, then confirm) and /customers export.

The dry run checks every row (cities resolved in one batch, each near the file's other customers: see
:func:`bot.domain.customer_import.resolve_with_ids`) and keeps the file until a manager presses
Confirm; Confirm checks the file again (cities or customers may have changed meanwhile) and writes the good
rows in one transaction. Re-importing the same file is harmless: rows are matched to existing customers.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from bot.domain.cities import Gazetteer
from bot.domain.clock import Clock
from bot.domain.customer_import import (
    COLUMNS,
    EXPORT_ONLY_COLUMNS,
    MAX_BYTES,
    ImportPlan,
    plan_import,
    resolve_with_ids,
)
from bot.domain.customers import Customer, OptIn, spreadsheet_safe
from bot.domain.errors import InvalidInput, NotAllowed
from storage.customers import CustomerImportRepository, CustomerRepository, ImportCounts, PendingImport, Progress
from storage.database import Store

ATTACHMENT_LIMIT = 8 * 1024 * 1024  # Discord's smallest upload limit for a server without boosts
PENDING_FOR = dt.timedelta(days=1)  # how long a checked file waits for Confirm before it is dropped
EXPORT_COLUMNS = (*COLUMNS, *EXPORT_ONLY_COLUMNS)


@dataclass(frozen=True, slots=True)
class ExportFile:
    filename: str
    data: bytes
    customers: int


@dataclass(frozen=True, slots=True)
class DryRun:
    plan: ImportPlan
    new: int  # rows that would add a customer
    known: int  # rows that would update one
    import_id: int | None  # None when no row can be imported


class CustomerFileService:
    def __init__(
        self,
        db: Store,
        customers: CustomerRepository,
        imports: CustomerImportRepository,
        gazetteer: Gazetteer,
        clock: Clock,
    ) -> None:
        self._db = db
        self._customers = customers
        self._imports = imports
        self._gazetteer = gazetteer
        self._clock = clock

    async def dry_run(self, guild_id: int, *, by: int, filename: str, data: bytes) -> DryRun:
        """Check a CSV without writing any customer; keep it for the Confirm button if a row is good."""
        text = decode_csv(filename, data)
        plan = await self.plan(text)
        async with self._db.transaction() as tx:
            await self._imports.drop_stale(tx, before=self._clock() - PENDING_FOR)
            known_keys = await self._customers.known_identities(tx, guild_id)
            known = sum(1 for row in plan.rows if any(key in known_keys for key in row.keys))
            import_id = None
            if plan.rows:
                import_id = await self._imports.add(tx, guild_id, by, filename, text, at=self._clock())
        return DryRun(plan, len(plan.rows) - known, known, import_id)

    async def plan(self, text: str) -> ImportPlan:
        """Parse and check in a worker thread: 100,000 rows must not stall the bot's event loop."""
        resolve = resolve_with_ids(self._gazetteer)  # each row's city read near the file's other customers
        return await asyncio.to_thread(plan_import, text, resolve)

    async def check_pending(self, guild_id: int, import_id: int) -> None:
        """Refuse early (before the reply says "Importing…") an import of another guild or one already done."""
        await self._pending(guild_id, import_id)

    async def confirm(
        self, guild_id: int, import_id: int, *, progress: Progress | None = None
    ) -> tuple[ImportPlan, ImportCounts]:
        """Check the file again (cities or customers may have changed), then mark it imported and write its rows
        in one transaction: a crash writes all or nothing, and two Confirms import it once."""
        pending = await self._pending(guild_id, import_id)
        plan = await self.plan(pending.content)
        async with self._db.transaction() as tx:
            if not await self._imports.claim(tx, guild_id, import_id, at=self._clock()):
                raise InvalidInput("This file was already imported. To import it again, run /customers import again.")
            counts = await self._customers.apply_import(tx, guild_id, plan.rows, at=self._clock(), progress=progress)
        return plan, counts

    async def _pending(self, guild_id: int, import_id: int) -> PendingImport:
        async with self._db.read() as tx:
            pending = await self._imports.get(tx, import_id)
        if pending is not None and pending.guild_id != guild_id:
            raise NotAllowed("That import belongs to another server.")
        if pending is None or (not pending.done and pending.created_at < self._clock() - PENDING_FOR):
            raise InvalidInput("This dry run has expired (files are kept for a day). Run /customers import again.")
        if pending.done:
            raise InvalidInput("This file was already imported. To import it again, run /customers import again.")
        return pending

    async def export_file(self, guild_id: int) -> ExportFile:
        """The CSV, zipped when it would be too big to attach to a Discord message."""
        data, count = await self.export_csv(guild_id)
        if len(data) <= ATTACHMENT_LIMIT:
            return ExportFile("customers.csv", data, count)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("customers.csv", data)
        return ExportFile("customers.zip", buffer.getvalue(), count)

    async def export_csv(self, guild_id: int) -> tuple[bytes, int]:
        """Every customer of the guild as CSV (UTF-8 with BOM for spreadsheets), safe to open in one."""
        async with self._db.read() as tx:
            customers = await self._customers.all_in_guild(tx, guild_id)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        for customer in customers:
            writer.writerow([spreadsheet_safe(cell) for cell in self._export_row(customer)])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), len(customers)

    def _export_row(self, customer: Customer) -> list[object]:
        city = None if customer.city_id is None else self._gazetteer.get(customer.city_id)
        profile = customer.profile
        return [
            customer.user_id,
            customer.discord_name,
            customer.name,
            customer.email,
            customer.city_id,
            profile.what_i_do,
            profile.offer,
            profile.seek,
            profile.company,
            profile.website,
            city.label if city else "",
            customer.source,
            "yes" if customer.consented else "no",
            *("yes" if customer.opted_in(opt_in) else "no" for opt_in in OptIn),
        ]


def decode_csv(filename: str, data: bytes) -> str:
    if not filename.lower().endswith((".csv", ".txt")):
        raise InvalidInput("Please attach a .csv file (comma-separated, UTF-8, with a header row).")
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"That file is {len(data) / 1e6:.0f} MB; the limit is {MAX_BYTES // 2**20} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("That file isn't UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.") from None
