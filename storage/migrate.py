"""Numbered SQL migrations (``NNNN_name.sql``), each applied with its version bump in one transaction.

A migration file may hold several statements; it is split with ``sqlite3.complete_statement`` rather
than run with ``executescript``, because ``executescript`` commits first and would break atomicity.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from storage.database import Store, Transaction

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The same versions for PostgreSQL, each file the same change in its SQL (tests/service/test_conformance.py
# checks that both lists match and that both schemas end up with the same tables and columns).
POSTGRES_MIGRATIONS_DIR = Path(__file__).with_name("migrations_postgres")
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(RuntimeError):
    """The migration files or the database's schema version are not what this code expects."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNNN_name.sql")
        migrations.append(Migration(int(match[1]), match[2], split_statements(path.read_text("utf-8"))))
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise MigrationError(f"migration numbers must run 1, 2, 3… without gaps; found {versions}")
    return migrations


def split_statements(script: str) -> tuple[str, ...]:
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if statement := buffer.strip():
                statements.append(statement)
            buffer = ""
    if buffer.strip() and not _only_comments(buffer):
        raise MigrationError(f"unterminated SQL statement: {buffer.strip()[:80]!r}")
    return tuple(statements)


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


def migrations_dir(db: Store) -> Path:
    return POSTGRES_MIGRATIONS_DIR if db.dialect.name == "postgresql" else MIGRATIONS_DIR


async def schema_version(db: Store) -> int:
    async with db.transaction() as tx:
        return await _version(tx)


async def _version(tx: Transaction) -> int:
    if tx.dialect.exclusive:  # another process starting at the same time waits here
        await tx.execute(tx.dialect.exclusive)
    await tx.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = await tx.fetch_one("SELECT MAX(version) AS version FROM schema_version")
    return int(row["version"]) if row is not None and row["version"] is not None else 0


async def migrate(db: Store, directory: Path | None = None) -> list[int]:
    """Apply the pending migrations in order; returns the versions applied (empty when up to date)."""
    migrations = load_migrations(migrations_dir(db) if directory is None else directory)
    current = await schema_version(db)
    if current > len(migrations):
        raise MigrationError(
            f"the database is at schema version {current}, newer than this code ({len(migrations)}): "
            "run the newer release, or restore a backup"
        )
    applied = []
    for migration in migrations[current:]:
        async with db.transaction() as tx:
            if await _version(tx) >= migration.version:  # another process applied it meanwhile
                continue
            for statement in migration.statements:
                await tx.execute(statement)
            await tx.execute("INSERT INTO schema_version (version) VALUES (?)", (migration.version,))
        applied.append(migration.version)
    return applied
