"""Repository SQL, written for SQLite, made PostgreSQL's: placeholders, LIKE (SQLite's ignores case), temp.

The repositories write portable SQL (``ON CONFLICT``, ``RETURNING``, ``CASE``), with ``?`` or ``:name``
placeholders as sqlite3 takes them. asyncpg wants ``$1, $2 …``, so ``translate`` rewrites them outside string
literals and quoted names, and keeps the order of named parameters. What can't be rewritten by text (row
locks, claiming with SKIP LOCKED, JSON fields) is ``Transaction.dialect``, chosen by the repository.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storage.database import Dialect, Params

POSTGRESQL = Dialect(
    "postgresql",
    lock_row="FOR UPDATE",  # two processes deciding about one meal's seats take turns on its row
    skip_locked="FOR UPDATE SKIP LOCKED",  # a row another process is claiming is left to it, not waited for
    json_int="(({column})::jsonb ->> '{key}')::bigint",
    exclusive="SELECT pg_advisory_xact_lock(7236117)",  # two processes starting at once migrate in turn
)

_NAME_START = re.compile(r"[A-Za-z_]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TEMP = re.compile(r"\btemp\.", re.IGNORECASE)
_LIKE = re.compile(r"\bLIKE\b", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    sql: str
    names: tuple[str, ...] | None  # for ``:name`` parameters: the name of $1, $2 …; None for ``?``

    def args(self, params: Params) -> Sequence[Any]:
        if self.names is None:
            if isinstance(params, Mapping):
                raise TypeError("named parameters given to a statement with ? placeholders")
            return params
        if not isinstance(params, Mapping):
            raise TypeError("positional parameters given to a statement with :name placeholders")
        return [params[name] for name in self.names]


def _skipped_to(sql: str, start: int) -> int:
    """Where the literal, quoted name ('' and "" inside included) or comment starting at ``start`` ends."""
    if sql.startswith("--", start):
        end = sql.find("\n", start)
        return len(sql) if end < 0 else end
    quote, end = sql[start], start + 1
    while end < len(sql):
        if sql[end] == quote:
            if sql.startswith(quote * 2, end):
                end += 2
                continue
            return end + 1
        end += 1
    return end


@functools.lru_cache(maxsize=2048)
def translate(sql: str) -> Statement:
    """``SELECT … WHERE a = ? AND b = ?`` → ``… a = $1 AND b = $2``; ``:now`` → ``$n``, the same n each time."""
    out: list[str] = []
    names: list[str] = []
    positional = 0
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if char in "'\"" or sql.startswith("--", i):  # a literal, a quoted name or a comment: as it is
            end = _skipped_to(sql, i)
            out.append(sql[i:end])
            i = end
        elif char == "?":
            positional += 1
            out.append(f"${positional}")
            i += 1
        elif char == ":" and sql.startswith("::", i):  # a PostgreSQL cast in a dialect fragment
            out.append("::")
            i += 2
        elif char == ":" and i + 1 < n and _NAME_START.match(sql[i + 1]):
            match = _NAME.match(sql, i + 1)
            assert match is not None
            name = match.group()
            if name not in names:
                names.append(name)
            out.append(f"${names.index(name) + 1}")
            i = match.end()
        else:
            end = i + 1
            while end < n and sql[end] not in "'\"-?:":
                end += 1
            out.append(_LIKE.sub("ILIKE", _TEMP.sub("pg_temp.", sql[i:end])))  # SQLite's LIKE ignores case
            i = end
    if positional and names:
        raise ValueError(f"mixed ? and :name placeholders in {sql[:80]!r}")
    return Statement("".join(out), tuple(names) if names else None)
