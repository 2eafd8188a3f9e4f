"""`python -m bot backup`: an online, consistent copy of the SQLite store (sqlite3's backup API).

Exit status: 0 copied, 2 nothing to copy or a file that can't be read or written (one line on stderr, e.g.
``backup: cannot write /nope/copy.db: permission denied``).
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

from bot.cli import EXIT_FILE_ERROR, cannot
from bot.config import Settings, redact_url
from bot.domain.clock import Clock, system_clock
from storage.backup import copy_into, open_source
from storage.postgres.database import split_url


def default_output(settings: Settings, clock: Clock = system_clock) -> Path:
    return settings.data_dir / "backups" / f"listening-tour-{clock():%Y%m%d-%H%M%S}.db"


PG_DUMP = """backup: DATABASE_URL names a PostgreSQL database; back it up with PostgreSQL's own tools, which copy
it consistently while the bot runs:

    pg_dump --format=custom --file=listening-tour-$(date +%Y%m%d).dump '{url}'{schema}
{password}
and restore into an empty database with:

    pg_restore --dbname='postgresql://user@host:5432/database' listening-tour-YYYYMMDD.dump

(README.md, 'Several processes and PostgreSQL')."""


def backup_database(settings: Settings, output: str | None, clock: Clock = system_clock) -> int:
    if settings.uses_postgres:
        dsn, schema = split_url(settings.database_url)
        password = (
            "\n(*** stands for the password: give it in PGPASSWORD or ~/.pgpass rather than on the command line)\n"
            if urlsplit(dsn).password
            else ""
        )
        text = PG_DUMP.format(url=redact_url(dsn), schema=f" --schema={schema}" if schema else "", password=password)
        print(text, file=sys.stderr)
        return 2
    source = settings.database_path()
    if not source.exists():
        print(f"No database at {source}: nothing to back up (set DATABASE_URL or LT_DATA_DIR?).", file=sys.stderr)
        return 2
    target = Path(output) if output else default_output(settings, clock)
    if target.exists():
        print(f"{target} already exists; choose another --output.", file=sys.stderr)
        return 2
    try:
        src = open_source(source)
    except (OSError, sqlite3.Error) as error:
        print(cannot("backup", "read", source, error), file=sys.stderr)
        return EXIT_FILE_ERROR
    with closing(src):
        try:
            copy_into(src, target)
        except (OSError, sqlite3.Error) as error:
            print(cannot("backup", "write", target, error), file=sys.stderr)
            return EXIT_FILE_ERROR
    print(f"Backed up {source} to {target}")
    return 0
