"""An online, consistent copy of the SQLite store, through sqlite3's backup API (for `python -m bot backup`)."""

from __future__ import annotations

import errno
import sqlite3
from contextlib import closing
from pathlib import Path


def open_source(path: Path) -> sqlite3.Connection:
    """The store to copy; raises sqlite3.Error now if the file isn't a database (not half-way through)."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        connection.close()
        raise
    return connection


def copy_into(source: sqlite3.Connection, target: Path) -> None:
    """Copy into a new file at ``target``; on failure leave nothing half-written behind."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as error:  # a file sits where a folder of the path should be
        raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(target.parent)) from error
    try:
        # The backup API copies page by page under SQLite's own locking: safe while the bot writes.
        with closing(sqlite3.connect(target)) as destination:
            source.backup(destination)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
