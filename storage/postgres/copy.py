"""``python -m bot migrate-to-postgres``: every table of an SQLite store copied into PostgreSQL, checked.

One PostgreSQL transaction: the tables are filled in the order their foreign keys need (COPY, the fast
path), each identity column continues after the highest id copied, and then, still inside the transaction,
every table's row count and per-column sums (numbers: their sum; text: the sum of their lengths) are
compared with SQLite's. Any difference rolls everything back: the target is either a full copy or untouched.
"""

# ruff: noqa: S608 - every table and column name in this file's SQL comes from the two stores' own catalogues
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from graphlib import TopologicalSorter
from typing import Any

from storage.database import Database
from storage.migrate import schema_version
from storage.postgres.database import PooledConnection, PostgresDatabase

SKIPPED = frozenset({"schema_version"})  # each store keeps its own (both are at the same version first)


class CopyRefused(RuntimeError):
    """The copy can't start (a target holding data, stores at different versions); the message says why."""


@dataclass
class TableCheck:
    table: str
    rows: int
    checked_columns: int
    differences: list[str] = field(default_factory=list)


@dataclass
class CopyReport:
    tables: list[TableCheck]

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)

    @property
    def problems(self) -> list[str]:
        return [f"{table.table}: {difference}" for table in self.tables for difference in table.differences]


async def copy_into_postgres(
    source: Database, target: PostgresDatabase, *, overwrite: bool, progress: Callable[[str], None] = print
) -> CopyReport:
    if (found := await schema_version(source)) != (wanted := await schema_version(target)):
        raise CopyRefused(f"the SQLite store is at schema version {found}, PostgreSQL at {wanted}: start the bot "
                          "once on each with this release, then copy")  # fmt: skip
    tables = await _tables_in_order(source)
    async with target.raw_transaction() as connection:
        columns = await _target_columns(connection)
        missing = [t for t in tables if t not in columns]
        if missing:
            raise CopyRefused(f"PostgreSQL has no table {', '.join(missing)}: is it this bot's schema?")
        holding = [t for t in tables if await connection.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{t}")')]
        if holding and not overwrite:
            raise CopyRefused(
                f"the target already holds data ({', '.join(holding[:5])}{' …' if len(holding) > 5 else ''}); "
                "copy into an empty database, or pass --overwrite to replace it"
            )
        if holding:
            await connection.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        report = CopyReport([])
        for table in tables:
            names = [name for name in await _source_columns(source, table) if name in columns[table]]
            rows = await source.fetch_all(f'SELECT {", ".join(_quoted(names))} FROM "{table}"')
            kinds = [columns[table][name] for name in names]
            records = [tuple(_convert(value, kind) for value, kind in zip(row, kinds, strict=True)) for row in rows]
            if records:
                await connection.copy_records_to_table(table, records=records, columns=names)
            if "id" in names and columns[table]["id"] == "bigint":
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false)"
                    f' FROM "{table}"'
                )
            report.tables.append(await _check(source, connection, table, names, kinds))
            progress(f"  {table}: {len(records):,} rows")
        if report.problems:
            raise CopyRefused("the copy does not match, nothing was kept: " + "; ".join(report.problems[:10]))
    return report


async def _tables_in_order(source: Database) -> list[str]:
    """Tables so that every table comes after the tables its foreign keys point to."""
    rows = await source.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")
    names = [row["name"] for row in rows if row["name"] not in SKIPPED and not row["name"].startswith("insights_fts")]
    graph: dict[str, set[str]] = {}
    for name in names:
        keys = await source.fetch_all(f"PRAGMA foreign_key_list('{name}')")
        graph[name] = {key["table"] for key in keys if key["table"] != name}
    return list(TopologicalSorter(graph).static_order())


async def _source_columns(source: Database, table: str) -> list[str]:
    return [row["name"] for row in await source.fetch_all(f"PRAGMA table_info('{table}')")]


async def _target_columns(connection: PooledConnection) -> dict[str, dict[str, str]]:
    """Per table, its columns that take values (not generated) and their types."""
    rows = await connection.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_generated = 'NEVER'"
    )
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        found.setdefault(row["table_name"], {})[row["column_name"]] = row["data_type"]
    return found


def _convert(value: Any, kind: str) -> Any:
    """SQLite keeps whatever it was given; PostgreSQL's COPY wants each column's own type."""
    if value is None:
        return None
    if kind == "bigint":
        return int(value)
    if kind == "double precision":
        return float(value)
    return value if isinstance(value, str) else str(value)


async def _check(
    source: Database, connection: PooledConnection, table: str, names: list[str], kinds: list[str]
) -> TableCheck:
    """Row count, and per column the sum (numbers) or the sum of lengths (text), in both stores."""
    sums = [
        f'SUM("{n}")' if k in ("bigint", "double precision") else f'SUM(LENGTH("{n}"))'
        for n, k in zip(names, kinds, strict=True)
    ]
    sql = f'SELECT COUNT(*), {", ".join(sums)} FROM "{table}"'
    before = await source.fetch_one(sql)
    after = await connection.fetchrow(sql)
    assert before is not None and after is not None
    check = TableCheck(table, int(after[0]), len(names))
    if int(before[0]) != int(after[0]):
        check.differences.append(f"{before[0]} rows in SQLite, {after[0]} in PostgreSQL")
    for name, kind, old, new in zip(names, kinds, list(before)[1:], list(after)[1:], strict=True):
        if not _same(old, new, kind):
            check.differences.append(f"column {name}: {old} in SQLite, {new} in PostgreSQL")
    return check


def _same(old: Any, new: Any, kind: str) -> bool:
    if old is None or new is None:
        return old is None and new is None
    if kind == "double precision":
        return abs(float(old) - float(new)) <= 1e-6 * max(1.0, abs(float(old)))
    return int(old) == int(new)


def _quoted(names: list[str]) -> list[str]:
    return [f'"{name}"' for name in names]
