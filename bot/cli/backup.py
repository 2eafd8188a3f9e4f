"""`python -m bot backup`: an online, consistent copy of the SQLite store (sqlite3's backup API)."""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from bot.config import Settings
from bot.domain.clock import Clock, system_clock


def backup_database(settings: Settings, output: str | None, clock: Clock = system_clock) -> int:
    source = settings.database_path()
    if not source.exists():
        print(f"No database at {source}: nothing to back up (set DATABASE_URL or LT_DATA_DIR?).", file=sys.stderr)
        return 2
    stamp = clock().strftime("%Y%m%d-%H%M%S")
    target = Path(output) if output else settings.data_dir / "backups" / f"listening-tour-{stamp}.db"
    if target.exists():
        print(f"{target} already exists; choose another --output.", file=sys.stderr)
        return 2
    target.parent.mkdir(parents=True, exist_ok=True)
    # The backup API copies page by page under SQLite's own locking: safe while the bot writes.
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    print(f"Backed up {source} to {target}")
    return 0
