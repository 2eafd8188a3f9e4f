"""Insight search on PostgreSQL: its own text search (a ``tsvector`` kept by the database, migration 0014)
instead of SQLite's FTS5; everything else is ``InsightRepository``'s SQL.

The person's words are parsed once, by ``bot.domain.insights.fts_match``, into terms built only of letters
and digits; ``tsquery`` turns that expression into PostgreSQL's syntax (phrases ``a <-> b``, prefixes
``word:*``, ``|`` for OR, ``&`` between terms), so no user character reaches the query as syntax. Ranking:
``ts_rank`` with a word in the text counting twice a word in the tags (as FTS5's bm25 weights), ties newest
first; highlights by ``ts_headline``. Differences from SQLite (docs/postgresql.md): English stop words alone
match nothing, and accents count ("cafe" does not find "café").
"""

from __future__ import annotations

import math
import re

from bot.domain.insights import HIGHLIGHT_END, HIGHLIGHT_START, Hit, Insight, SearchPage, SearchQuery
from storage.database import Transaction
from storage.insights import COUNT_CAP, EXPORT_LIMIT, SNIPPET_TOKENS, InsightRepository, _filters, _insight, _snippet

_TERM = re.compile(r'(OR )?"((?:[^"]|"")*)"( \*)?')
# Weights of D, C, B, A: the text is A, the tags B (migration 0014).
_RANK = "ts_rank('{0, 0, 0.5, 1.0}', i.search_vector, q.query)"
_HEADLINE = (
    f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords={SNIPPET_TOKENS}, "
    f"MinWords={SNIPPET_TOKENS // 2}, ShortWord=2, FragmentDelimiter=…"
)


def tsquery(match: str) -> str:
    """``"onboarding" OR "setup" "pay roll" "invoic" *`` → ``onboarding | setup & (pay <-> roll) & invoic:*``."""
    parts: list[str] = []
    for after_or, phrase, prefix in _TERM.findall(match):
        words = phrase.replace('""', '"').split()
        if not words:
            continue
        if prefix:
            words[-1] += ":*"
        term = words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"
        if parts:
            parts.append("|" if after_or else "&")
        parts.append(term)
    return " ".join(parts)


def _where(guild_id: int, query: SearchQuery) -> tuple[str, tuple[object, ...]]:
    where = _filters(guild_id, query)
    return where.sql.replace("+i.", "i."), where.params  # "+": SQLite's hint to leave an index alone


def _words(match: str | None) -> tuple[str, tuple[str, ...]]:
    """The condition (ending in AND) and parameter for the words of a search, none without words."""
    if match is None:
        return "", ()
    return "i.search_vector @@ to_tsquery('english', ?) AND ", (tsquery(match),)


class PostgresInsightRepository(InsightRepository):
    async def search(self, tx: Transaction, guild_id: int, query: SearchQuery) -> SearchPage:
        """One page: by rank (ties newest first) when there are words, else newest first; the exact total."""
        sql, params = _where(guild_id, query)
        offset = (query.page - 1) * query.page_size
        match = query.match
        if match is None:
            rows = await tx.fetch_all(
                f"SELECT i.*, NULL AS snippet, COUNT(*) OVER () AS found FROM insights i WHERE {sql}"  # noqa: S608
                " ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?",
                (*params, query.page_size, offset),
            )
        else:
            rows = await tx.fetch_all(
                "WITH q AS (SELECT to_tsquery('english', ?) AS query),"  # noqa: S608 - our SQL
                f" hits AS MATERIALIZED (SELECT i.id, {_RANK} AS score FROM insights i CROSS JOIN q"
                f" WHERE i.search_vector @@ q.query AND {sql})"
                " SELECT i.*, ts_headline('english', i.text, q.query, ?) AS snippet,"
                " (SELECT COUNT(*) FROM hits) AS found"
                " FROM hits JOIN insights i ON i.id = hits.id CROSS JOIN q"
                " ORDER BY hits.score DESC, i.id DESC LIMIT ? OFFSET ?",
                (tsquery(match), *params, _HEADLINE, query.page_size, offset),
            )
        total = int(rows[0]["found"]) if rows else await self._total(tx, sql, params, match)
        hits = [Hit(_insight(row), _snippet(row)) for row in rows]
        shown = min(total, COUNT_CAP)
        return SearchPage(hits, shown, query.page, math.ceil(shown / query.page_size), more=total > COUNT_CAP)

    async def _total(self, tx: Transaction, sql: str, params: tuple[object, ...], match: str | None) -> int:
        """The count for a page past the last one (it has no rows to carry it)."""
        words, word_params = _words(match)
        row = await tx.fetch_one(
            f"SELECT COUNT(*) AS n FROM insights i WHERE {words}{sql}",  # noqa: S608
            (*word_params, *params),
        )
        return 0 if row is None else int(row["n"])

    async def export_rows(self, tx: Transaction, guild_id: int, filters: SearchQuery) -> list[Insight]:
        sql, params = _where(guild_id, filters)
        words, word_params = _words(filters.match)
        rows = await tx.fetch_all(
            f"SELECT i.* FROM insights i WHERE {words}{sql} ORDER BY i.created_at, i.id LIMIT ?",  # noqa: S608
            (*word_params, *params, EXPORT_LIMIT),
        )
        return [_insight(row) for row in rows]
