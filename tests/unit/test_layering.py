"""What import-linter can't see (its contracts are in pyproject.toml and run in `dev.py test`): SQL lives
in storage/ only. Services, cogs and the UI ask repositories; they never hold a query."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE_STORAGE = [ROOT / "bot", ROOT / "cogs"]
SQL = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TEMP\s+)?TABLE"
    r"|BEGIN\s+IMMEDIATE|PRAGMA\s+\w+)\b",
    re.DOTALL,
)


def sql_strings(source: str) -> list[str]:
    """The string literals of a module that read like SQL statements."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return [t.string for t in tokens if t.type == tokenize.STRING and SQL.search(t.string)]


def test_no_sql_outside_storage() -> None:
    files = [path for folder in OUTSIDE_STORAGE for path in folder.rglob("*.py")]
    assert len(files) >= 50  # the check really looked at the application

    offenders = {str(p.relative_to(ROOT)): sql_strings(p.read_text("utf-8")) for p in files}

    assert {path: found for path, found in offenders.items() if found} == {}


def test_the_check_recognises_sql_and_leaves_prose_alone() -> None:
    code = (
        'a = "SELECT guild_id FROM meals WHERE id = ?"\n'
        'b = """\n    UPDATE tours SET status = ?\n"""\n'
        'c = "Select a city from the list, then update your settings."\n'
    )
    assert [s.strip('"').strip() for s in sql_strings(code)] == [
        "SELECT guild_id FROM meals WHERE id = ?",
        "UPDATE tours SET status = ?",
    ]
