"""`python -m bot migrate-to-postgres`: move the bot's data from its SQLite file into PostgreSQL.

Exit status: 0 copied and checked; 1 the copy did not match (nothing kept); 2 nothing to copy, a bad URL, or
a target that already holds data (without --overwrite).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from bot.config import POSTGRES_SCHEMES, Settings, redact_url
from storage.database import Database
from storage.migrate import migrate
from storage.postgres.copy import CopyRefused, copy_into_postgres
from storage.postgres.database import PostgresDatabase


def migrate_to_postgres(settings: Settings, sqlite: str | None, url: str | None, overwrite: bool) -> int:
    if url is None and settings.uses_postgres:
        url = settings.database_url
    if url is None or urlsplit(url).scheme not in POSTGRES_SCHEMES:
        print(
            "migrate-to-postgres: name the PostgreSQL database with --to postgresql://user@host:5432/database "
            "(or POSTGRES_URL)",
            file=sys.stderr,
        )
        return 2
    source = Path(sqlite) if sqlite else _default_sqlite(settings)
    if not source.is_file():
        print(f"migrate-to-postgres: no SQLite database at {source} (use --sqlite FILE)", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_copy(source, url, overwrite))
    except (OSError, asyncpg.PostgresError) as error:
        print(f"migrate-to-postgres: cannot use {redact_url(url)}: {error}", file=sys.stderr)
        return 2


def _default_sqlite(settings: Settings) -> Path:
    if settings.uses_postgres:  # DATABASE_URL already names the target: the file is the default one
        return settings.data_dir / "listening-tour.db"
    return settings.database_path()


async def _copy(source: Path, url: str, overwrite: bool) -> int:
    async with await Database.open(source) as sqlite, await PostgresDatabase.open(url) as postgres:
        await migrate(sqlite)  # both at this release's schema, as the bot would on its next start
        await migrate(postgres)
        where = redact_url(url).partition("?")[0] + (f" (schema {postgres.schema})" if postgres.schema else "")
        print(f"Copying {source} into {where} …")
        try:
            report = await copy_into_postgres(sqlite, postgres, overwrite=overwrite)
        except CopyRefused as error:
            print(f"migrate-to-postgres: {error}", file=sys.stderr)
            return 1 if "does not match" in str(error) else 2
    print(
        f"Copied {report.rows:,} rows in {len(report.tables)} tables; row counts and the sums of "
        f"{sum(t.checked_columns for t in report.tables)} columns match. Set DATABASE_URL={redact_url(url)} "
        "and start the bot."
    )
    return 0
