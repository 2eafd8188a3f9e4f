"""`python -m bot backup`: an online, consistent copy of the SQLite store (sqlite3's backup API).

Exit status: 0 copied, 2 nothing to copy or a file that can't be read or written (one line on stderr, e.g.
``backup: cannot write /nope/copy.db: permission denied``).
"""

from __future__ import annotations

import errno
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from bot.cli import EXIT_FILE_ERROR, cannot
from bot.config import Settings
from bot.domain.clock import Clock, system_clock


def default_output(settings: Settings, clock: Clock = system_clock) -> Path:
    return settings.data_dir / "backups" / f"listening-tour-{clock():%Y%m%d-%H%M%S}.db"


def backup_database(settings: Settings, output: str | None, clock: Clock = system_clock) -> int:
    source = settings.database_path()
    if not source.exists():
        print(f"No database at {source}: nothing to back up (set DATABASE_URL or LT_DATA_DIR?).", file=sys.stderr)
        return 2
    target = Path(output) if output else default_output(settings, clock)
    if target.exists():
        print(f"{target} already exists; choose another --output.", file=sys.stderr)
        return 2
    try:
        src = sqlite3.connect(source)
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails now if it isn't a database
    except (OSError, sqlite3.Error) as error:
        print(cannot("backup", "read", source, error), file=sys.stderr)
        return EXIT_FILE_ERROR
    with closing(src):
        try:
            _copy(src, target)
        except (OSError, sqlite3.Error) as error:
            print(cannot("backup", "write", target, error), file=sys.stderr)
            return EXIT_FILE_ERROR
    print(f"Backed up {source} to {target}")
    return 0


def _copy(src: sqlite3.Connection, target: Path) -> None:
    """Copy into a new file at ``target``; on failure leave nothing half-written behind."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as error:  # a file sits where a folder of the path should be
        raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(target.parent)) from error
    try:
        # The backup API copies page by page under SQLite's own locking: safe while the bot writes.
        with closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
