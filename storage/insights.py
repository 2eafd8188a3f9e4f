"""Insights: logging, full-text search (SQLite FTS5), tags in use, report figures, exports and privacy.

Every query is scoped to a guild. The FTS index (``insights_fts``) is kept in sync by triggers of
migration 0014, so this module writes only ``insights`` and ``insight_tags``; user words reach MATCH only
through ``bot.domain.insights.fts_match``, which quotes every term.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.insights import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    Hit,
    Insight,
    InsightKind,
    InsightReport,
    InsightSource,
    InsightStatus,
    Labelled,
    MonthCount,
    NewInsight,
    SearchPage,
    SearchQuery,
    TagUse,
    clean_status_note,
    join_tags,
    month_range,
    render_snippet,
    split_tags,
)
from storage.codecs import decode_datetime, decode_optional_datetime, encode_datetime
from storage.database import Row, Transaction

SNIPPET_TOKENS = 24  # words around the best match: about two lines of an embed field
PLAIN_SNIPPET = 160  # characters shown when there are no words to highlight
TOP_TAGS = 10
EXPORT_LIMIT = 200_000
COUNT_CAP = 1_000  # search totals are exact up to here, then "1,000+"
_LOWEST_ID = -(2**63)  # SQLite's smallest integer: "no lower bound" for an id
# A search with more matches than this ranks them by bm25 within slices of this many, the newest slice first
# (docs/insights.md "Ranking and pages"): what bounds the cost of a very common word. At least COUNT_CAP.
RANK_WINDOW = 2_000
# The FTS5 rank: bm25 with a word in the text counting twice a word in the tags.
_BM25 = "bm25(insights_fts, 1.0, 0.5)"


def _insight(row: Row) -> Insight:
    return Insight(
        id=row["id"],
        guild_id=row["guild_id"],
        text=row["text"],
        kind=InsightKind(row["kind"]),
        status=InsightStatus(row["status"]),
        tags=split_tags(row["tags"]),
        source=InsightSource(row["source"]),
        customer_user_id=row["customer_user_id"],
        customer_name=row["customer_name"],
        meal_id=row["meal_id"],
        city_id=row["city_id"],
        tour_id=row["tour_id"],
        message_url=row["message_url"],
        logged_by=row["logged_by"],
        created_at=decode_datetime(row["created_at"]),
        updated_at=decode_datetime(row["updated_at"]),
        status_note=row["status_note"],
        status_changed_at=decode_optional_datetime(row["status_changed_at"]),
    )


@dataclass(frozen=True, slots=True)
class _Where:
    """The filters of a query as SQL over ``i`` (insights), with their parameters in order."""

    sql: str
    params: tuple[object, ...]
    narrowed: bool = False  # a filter besides the server
    index: str | None = None  # the index a walk of insights without words takes (None: the planner's choice)

    @property
    def scan(self) -> str:
        """``insights i``, walking the index the filters call for (``_filters``)."""
        return "insights i" if self.index is None else f"insights i INDEXED BY {self.index}"


def _filters(guild_id: int, query: SearchQuery) -> _Where:
    """The filters; without words, the rarest one drives the walk, newest first: a customer (a person's
    insights are a handful), else a status other than new (what the team acted on: migration 0018), else the
    planner's choice among kind, city, tour and date, each with an index ending in ``created_at``. Without
    statistics the planner would walk a whole server's index for a customer or a rare status (200 ms over
    100,000 insights), and the status index for new, which most insights are (hence ``+``: not an index term).
    """
    clauses: list[str] = ["i.guild_id = ?"]
    params: list[object] = [guild_id]
    for column, value in (
        ("i.kind", query.kind),
        ("+i.status" if query.status is InsightStatus.NEW else "i.status", query.status),
        ("i.city_id", query.city_id),
        ("i.tour_id", query.tour_id),
        ("i.customer_user_id", query.customer_user_id),
    ):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if query.since is not None:
        clauses.append("i.created_at >= ?")
        params.append(encode_datetime(query.since))
    if query.until is not None:
        clauses.append("i.created_at < ?")
        params.append(encode_datetime(query.until))
    if query.tag is not None:
        clauses.append("i.id IN (SELECT insight_id FROM insight_tags WHERE guild_id = ? AND tag = ?)")
        params += [guild_id, query.tag]
    if query.customer_user_id is not None:
        index: str | None = "insights_by_customer"
    elif query.status is not None and query.status is not InsightStatus.NEW:
        index = "insights_by_status"
    else:
        index = None
    return _Where(" AND ".join(clauses), tuple(params), narrowed=len(clauses) > 1, index=index)


def _matches(where: _Where, match: str, *, lone: bool) -> _Where:
    """FROM … WHERE of the FTS5 matches within the filters; ``lone``: no filter, no other server's insights.

    ``INDEXED BY``: the planner would look each match up in the table by its rowid (the wide row, with the
    text); the narrow index of migration 0017, keyed by id, holds every column the filters read.
    """
    if lone:
        return _Where("insights_fts WHERE insights_fts MATCH ?", (match,))
    return _Where(
        "insights_fts CROSS JOIN insights i INDEXED BY insights_search_filters ON i.id = insights_fts.rowid"
        f" WHERE insights_fts MATCH ? AND {where.sql}",
        (match, *where.params),
        where.narrowed,
    )


async def _ranked(
    tx: Transaction, matches: _Where, match: str, *, lone: bool, offset: int, limit: int
) -> tuple[list[Row], int | None]:
    """The page's insights, best first, each with its ``snippet``, and the total when this pass counted it
    (COUNT_CAP + 1 meaning "more").

    The order (docs/insights.md): bm25, then the higher id. A search with more than RANK_WINDOW matches
    is ranked that way within slices of RANK_WINDOW matches, the newest slice first: bm25 costs ~1 µs per
    match it scores, and page 1 of a word found in 15,000 insights then scores 2,000 of them, not 15,000.

    With a check per match (filters, or other servers), that check is the cost, and a second walk for the
    count would pay it twice. So one walk in rowid order first keeps the passing matches with their scores
    (a materialized CTE), up to one past COUNT_CAP: when it ends before, it holds every match, and the page
    and the exact total come from it. Otherwise, and always for a lone server, the page is ranked within
    its slice, keeping the best ``offset + limit`` in a heap (``ORDER BY … LIMIT``) instead of FTS5's
    ``ORDER BY rank``, which sorts every match. Each of these is one statement with the page's rows and
    snippets (``_page_rows``): every round trip to SQLite's thread is a wait on a busy machine.
    """
    if not lone:
        kept = (
            f"passing AS MATERIALIZED (SELECT insights_fts.rowid AS id, {_BM25} AS score FROM {matches.sql}"  # noqa: S608
            " LIMIT ?), page AS MATERIALIZED (SELECT id, score, (SELECT COUNT(*) FROM passing) AS found"
            " FROM passing ORDER BY score, id DESC LIMIT ? OFFSET ?)"
        )
        rows = await _page_rows(tx, match, kept, (*matches.params, COUNT_CAP + 1, limit, offset))
        found = rows[0]["found"] if rows else (None if offset else 0)  # None: a page past the kept matches
        if found is not None and found <= COUNT_CAP:
            return rows, found
    if offset + limit <= RANK_WINDOW:
        # The newest RANK_WINDOW + 1 matches give the count (up to there) and where the newest slice ends;
        # the page is ranked within that slice (every match when there are no more), all in one statement.
        newest_slice = (
            "newest AS MATERIALIZED (SELECT COUNT(*) AS n, MIN(id) AS last FROM (SELECT insights_fts.rowid AS id"  # noqa: S608
            f" FROM {matches.sql} ORDER BY insights_fts.rowid DESC LIMIT ?)),"
            f" page AS MATERIALIZED (SELECT insights_fts.rowid AS id, {_BM25} AS score,"
            f" (SELECT n FROM newest) AS found FROM {matches.sql} AND insights_fts.rowid >="
            f" (SELECT CASE WHEN n > ? THEN last + 1 ELSE {_LOWEST_ID} END FROM newest)"
            " ORDER BY score, insights_fts.rowid DESC LIMIT ? OFFSET ?)"
        )
        params = (*matches.params, RANK_WINDOW + 1, *matches.params, RANK_WINDOW, limit, offset)
        rows = await _page_rows(tx, match, newest_slice, params)
        found = rows[0]["found"] if rows else (None if offset else 0)
        if found is None or found <= RANK_WINDOW:
            return rows, found
        return rows, COUNT_CAP + 1 if found > COUNT_CAP else None
    ids, counted = await _sliced(tx, matches, offset, limit)
    values = ", ".join("(?, ?, NULL)" for _ in ids) or "(NULL, NULL, NULL)"
    order = [value for position, id_ in enumerate(ids) for value in (id_, position)]
    return await _page_rows(tx, match, f"page (id, score, found) AS (VALUES {values})", order), counted


async def _sliced(tx: Transaction, matches: _Where, offset: int, limit: int) -> tuple[list[int], int | None]:
    """The ids of a page past the newest slice (or across its end): each slice it covers ranked on its own."""
    newest = await _nth_newest(tx, matches, RANK_WINDOW)
    if newest is None:  # no second slice: every match, ranked exactly
        return await _rank_slice(tx, matches, None, None, offset, limit), None
    ids: list[int] = []
    end = offset + limit
    for window in range(offset // RANK_WINDOW, (end - 1) // RANK_WINDOW + 1):
        first = window * RANK_WINDOW  # the position (0: the newest match) where this slice starts
        upper = None if window == 0 else await _nth_newest(tx, matches, first)
        if window and upper is None:
            break  # past the last match
        lower = newest if window == 0 else await _nth_newest(tx, matches, first + RANK_WINDOW)
        skip = max(offset, first) - first
        ids += await _rank_slice(tx, matches, lower, upper, skip, min(end, first + RANK_WINDOW) - first - skip)
    return ids, COUNT_CAP + 1 if RANK_WINDOW >= COUNT_CAP else None


async def _nth_newest(tx: Transaction, matches: _Where, position: int) -> int | None:
    """The id of the match at this position from the newest (0: the newest), None when there are fewer."""
    row = await tx.fetch_one(
        f"SELECT insights_fts.rowid AS id FROM {matches.sql} ORDER BY insights_fts.rowid DESC LIMIT 1 OFFSET ?",  # noqa: S608
        (*matches.params, position),
    )
    return None if row is None else int(row["id"])


async def _rank_slice(
    tx: Transaction, matches: _Where, lower: int | None, upper: int | None, offset: int, limit: int
) -> list[int]:
    """Ids of the matches with ``lower < id <= upper`` (None: unbounded), by bm25 then the higher id.

    FTS5 takes the id bounds as a range of its doclists: the matches outside are not even read.
    """
    sql, params = f"SELECT insights_fts.rowid AS id FROM {matches.sql}", [*matches.params]  # noqa: S608
    for bound, value in ((">", lower), ("<=", upper)):
        if value is not None:
            sql += f" AND insights_fts.rowid {bound} ?"
            params.append(value)
    rows = await tx.fetch_all(
        f"{sql} ORDER BY {_BM25}, insights_fts.rowid DESC LIMIT ? OFFSET ?", (*params, limit, offset)
    )
    return [row["id"] for row in rows]


async def _page_rows(tx: Transaction, match: str, page: str, params: Sequence[object]) -> list[Row]:
    """The insights of a page, in its order, each with its ``snippet`` and the page's ``found``: ``page`` is
    SQL for CTEs ending with ``page (id, score, found)``, ordered by score then the higher id.

    Snippets come from one walk of the matches between the page's lowest and highest id, made for the
    page's ids only (``+rowid`` keeps the IN list from FTS5): FTS5 answers ``rowid IN (…)`` with one lookup
    per id, each reopening every word's doclist (~0.2 ms an id for a phrase of common words).
    """
    return await tx.fetch_all(
        f"WITH {page}, snippets AS MATERIALIZED (SELECT rowid AS id,"  # noqa: S608 - our SQL
        f" snippet(insights_fts, 0, ?, ?, '…', {SNIPPET_TOKENS}) AS snippet FROM insights_fts"
        " WHERE insights_fts MATCH ? AND rowid BETWEEN (SELECT MIN(id) FROM page) AND (SELECT MAX(id) FROM page)"
        " AND +rowid IN (SELECT id FROM page))"
        " SELECT i.*, snippets.snippet AS snippet, page.found AS found FROM page CROSS JOIN insights i"
        " ON i.id = page.id LEFT JOIN snippets ON snippets.id = page.id ORDER BY page.score, page.id DESC",
        (*params, HIGHLIGHT_START, HIGHLIGHT_END, match),
    )


async def _alone(tx: Transaction, guild_id: int) -> bool:
    """No other server has insights (two probes of the by-guild index): its matches need no server check."""
    row = await tx.fetch_one(
        "SELECT EXISTS (SELECT 1 FROM insights WHERE guild_id < ?)"
        " OR EXISTS (SELECT 1 FROM insights WHERE guild_id > ?)",
        (guild_id, guild_id),
    )
    return row is not None and not row[0]


class InsightRepository:
    # ------------------------------------------------------------------------------- capture

    async def add(self, tx: Transaction, insight: NewInsight, at: dt.datetime) -> int:
        """Store a checked insight; a meal fills in its city and tour when the caller left them out.

        Raises LookupError when the meal is not one of the guild's (a stale autocomplete choice).
        """
        city_id, tour_id = insight.city_id, insight.tour_id
        if insight.meal_id is not None:
            meal = await tx.fetch_one(
                "SELECT geonameid, tour_id FROM meals WHERE id = ? AND guild_id = ?",
                (insight.meal_id, insight.guild_id),
            )
            if meal is None:
                raise LookupError(f"no meal {insight.meal_id} in guild {insight.guild_id}")
            city_id = meal["geonameid"] if city_id is None else city_id
            tour_id = meal["tour_id"] if tour_id is None else tour_id
        when = encode_datetime(at)
        insight_id = await tx.insert(
            "INSERT INTO insights (guild_id, text, tags, kind, customer_user_id, customer_name, meal_id, city_id,"
            " tour_id, source, message_url, logged_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                insight.guild_id,
                insight.text,
                join_tags(insight.tags),
                insight.kind.value,
                insight.customer_user_id,
                insight.customer_name,
                insight.meal_id,
                city_id,
                tour_id,
                insight.source.value,
                insight.message_url,
                insight.logged_by,
                when,
                when,
            ),
        )
        await tx.execute_many(
            "INSERT INTO insight_tags (insight_id, guild_id, tag) VALUES (?, ?, ?)",
            [(insight_id, insight.guild_id, tag) for tag in insight.tags],
        )
        return insight_id

    async def get(self, tx: Transaction, guild_id: int, insight_id: int) -> Insight | None:
        row = await tx.fetch_one("SELECT * FROM insights WHERE id = ? AND guild_id = ?", (insight_id, guild_id))
        return None if row is None else _insight(row)

    async def set_status(
        self,
        tx: Transaction,
        guild_id: int,
        insight_id: int,
        status: InsightStatus,
        note: str | None,
        at: dt.datetime,
    ) -> Insight | None:
        """Move the insight to a status with a note (what we did); None when there is no such insight.

        Setting the status it already has updates the note but keeps ``status_changed_at``: the caller can
        compare it with ``at`` to tell a change (close the loop) from a correction of the note.
        """
        when = encode_datetime(at)
        changed = await tx.execute(
            "UPDATE insights SET status_note = ?, updated_at = ?,"
            " status_changed_at = CASE WHEN status = ? THEN status_changed_at ELSE ? END, status = ?"
            " WHERE id = ? AND guild_id = ?",
            (clean_status_note(note), when, status.value, when, status.value, insight_id, guild_id),
        )
        return await self.get(tx, guild_id, insight_id) if changed else None

    async def linked_customers(self, tx: Transaction, guild_id: int, insight_id: int) -> list[int]:
        """The Discord users an insight is about (to tell them when its status changes)."""
        row = await tx.fetch_one(
            "SELECT customer_user_id FROM insights WHERE id = ? AND guild_id = ? AND customer_user_id IS NOT NULL",
            (insight_id, guild_id),
        )
        return [] if row is None else [row["customer_user_id"]]

    # ------------------------------------------------------------------------------- search

    async def search(self, tx: Transaction, guild_id: int, query: SearchQuery) -> SearchPage:
        """One page of results: by relevance (bm25, ties newest id first) when there are words, else newest
        first.

        With words, the page's ids come from a pass over the FTS5 matches (``_ranked``): each match's
        server and filters are checked in the narrow ``insights_search_filters`` index (not the wide row),
        bm25 is computed for the matches that pass only, and the best ``offset + page_size`` are kept in a
        heap instead of sorting every match; beyond RANK_WINDOW matches, within slices of that many, the
        newest first. When no other server has insights and there are no filters, even that index is
        skipped. Then the page's rows and snippets are read by id. The total is exact up to ``COUNT_CAP``
        ("1,000+" beyond): an exact count of a common word costs as much as the search itself
        (docs/insights.md); a page that is not full is the last one and gives the total.
        """
        where = _filters(guild_id, query)
        offset = (query.page - 1) * query.page_size
        match = query.match
        if match is None:
            # One walk, newest first, gives the page and the capped total: a count after the page would
            # walk the same rows again (and rebuild the tag filter's list of ids). Only the page's ids meet
            # the wide rows: joining the 1,001 kept ids before the LIMIT cost a third more (measured).
            rows = await tx.fetch_all(
                f"WITH newest AS MATERIALIZED (SELECT i.id, i.created_at FROM {where.scan} WHERE {where.sql}"  # noqa: S608
                " ORDER BY i.created_at DESC, i.id DESC LIMIT ?), page AS MATERIALIZED (SELECT id FROM newest"
                " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?)"
                " SELECT i.*, NULL AS snippet, (SELECT COUNT(*) FROM newest) AS found FROM page CROSS JOIN insights i"
                " ON i.id = page.id ORDER BY i.created_at DESC, i.id DESC",
                (*where.params, max(COUNT_CAP + 1, offset + query.page_size), query.page_size, offset),
            )
            matches, counted = None, rows[0]["found"] if rows else None
        else:
            lone = not where.narrowed and await _alone(tx, guild_id)
            matches = _matches(where, match, lone=lone)
            rows, counted = await _ranked(tx, matches, match, lone=lone, offset=offset, limit=query.page_size)
        if counted is not None:
            total = counted
        elif len(rows) < query.page_size and (rows or offset == 0):
            total = offset + len(rows)  # the last page: the count is known without walking the matches again
        else:
            total = await self._count(tx, where, matches)
        hits = [Hit(_insight(row), _snippet(row)) for row in rows]
        shown = min(total, COUNT_CAP)
        return SearchPage(hits, shown, query.page, math.ceil(shown / query.page_size), more=total > COUNT_CAP)

    async def _count(self, tx: Transaction, where: _Where, matches: _Where | None) -> int:
        """How many insights match, counting no further than one past COUNT_CAP."""
        if matches is None:
            source, params = f"SELECT 1 FROM {where.scan} WHERE {where.sql}", where.params  # noqa: S608
        else:
            source, params = f"SELECT 1 FROM {matches.sql}", matches.params  # noqa: S608
        row = await tx.fetch_one(f"SELECT COUNT(*) AS n FROM ({source} LIMIT ?)", (*params, COUNT_CAP + 1))  # noqa: S608
        return 0 if row is None else int(row["n"])

    async def tags_in_use(self, tx: Transaction, guild_id: int, prefix: str = "", limit: int = 25) -> list[TagUse]:
        """Tags of the guild starting with ``prefix`` (any case), most used first: for autocomplete."""
        pattern = re.sub(r"([\\%_])", r"\\\1", " ".join(prefix.split()).casefold()) + "%"
        rows = await tx.fetch_all(
            "SELECT tag, COUNT(*) AS n FROM insight_tags WHERE guild_id = ? AND tag LIKE ? ESCAPE '\\'"
            " GROUP BY tag ORDER BY n DESC, tag LIMIT ?",
            (guild_id, pattern, limit),
        )
        return [TagUse(row["tag"], row["n"]) for row in rows]

    async def labelled(self, tx: Transaction, guild_id: int, limit: int = 2000) -> list[Labelled]:
        """The newest insights as (text, kind, tags): what ``suggest`` learns from."""
        rows = await tx.fetch_all(
            "SELECT text, kind, tags FROM insights WHERE guild_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [(row["text"], InsightKind(row["kind"]), split_tags(row["tags"])) for row in rows]

    # ------------------------------------------------------------------------------- reports

    async def report(
        self,
        tx: Transaction,
        guild_id: int,
        *,
        tour_id: int | None = None,
        city_id: int | None = None,
        since: dt.datetime | None = None,
    ) -> InsightReport:
        """Counts by kind, status, city × kind, month × kind and top tags: one narrow scan of the scope,
        counted in Python (tags from the stored copy beside the text, no join). As fast as the equivalent
        GROUP BY queries, measured in benchmarks/insights.py, and one query instead of two."""
        where = _filters(guild_id, SearchQuery(tour_id=tour_id, city_id=city_id, since=since))
        rows = await tx.fetch_all(
            f"SELECT i.kind, i.status, i.city_id, i.created_at, i.tags FROM insights i WHERE {where.sql}",  # noqa: S608
            where.params,
        )
        by_kind = dict.fromkeys(InsightKind, 0)
        by_status = dict.fromkeys(InsightStatus, 0)
        by_city: dict[int | None, dict[InsightKind, int]] = defaultdict(lambda: dict.fromkeys(InsightKind, 0))
        by_month: dict[str, dict[InsightKind, int]] = defaultdict(lambda: dict.fromkeys(InsightKind, 0))
        tags: Counter[str] = Counter()
        untagged = 0
        kinds, statuses = {k.value: k for k in InsightKind}, {s.value: s for s in InsightStatus}
        for kind_value, status, city, created_at, stored_tags in rows:
            kind = kinds[kind_value]
            by_kind[kind] += 1
            by_status[statuses[status]] += 1
            by_city[city][kind] += 1
            by_month[created_at[:7]][kind] += 1  # UTC months: created_at is UTC ISO text
            if stored_tags:
                tags.update(split_tags(stored_tags))
            else:
                untagged += 1
        months = month_range(min(by_month), max(by_month)) if by_month else []
        return InsightReport(
            total=len(rows),
            by_kind=by_kind,
            by_status=by_status,
            by_city=dict(sorted(by_city.items(), key=lambda item: (-sum(item[1].values()), item[0] or 0))),
            by_month=[MonthCount(month, by_month.get(month) or dict.fromkeys(InsightKind, 0)) for month in months],
            top_tags=sorted(tags.items(), key=lambda item: (-item[1], item[0]))[:TOP_TAGS],
            untagged=untagged,
        )

    async def export_rows(self, tx: Transaction, guild_id: int, filters: SearchQuery) -> list[Insight]:
        """Every insight matching the filters (words included), oldest first, for CSV / JSON / Markdown."""
        where = _filters(guild_id, filters)
        match = filters.match
        if match is None:
            rows = await tx.fetch_all(
                f"SELECT i.* FROM {where.scan} WHERE {where.sql} ORDER BY i.created_at, i.id LIMIT ?",  # noqa: S608
                (*where.params, EXPORT_LIMIT),
            )
        else:
            rows = await tx.fetch_all(
                "SELECT i.* FROM insights_fts CROSS JOIN insights i ON i.id = insights_fts.rowid"  # noqa: S608
                f" WHERE insights_fts MATCH ? AND {where.sql} ORDER BY i.created_at, i.id LIMIT ?",
                (match, *where.params, EXPORT_LIMIT),
            )
        return [_insight(row) for row in rows]

    # ------------------------------------------------------------------------------- privacy

    async def export_user(self, tx: Transaction, guild_id: int, user_id: int) -> dict[str, object]:
        """The insights about this person, whole; of those they logged about others, only when and which."""
        about = await tx.fetch_all(
            "SELECT id, text, kind, status, tags, source, meal_id, city_id, tour_id, message_url, created_at,"
            " status_note, status_changed_at FROM insights WHERE guild_id = ? AND customer_user_id = ? ORDER BY id",
            (guild_id, user_id),
        )
        logged = await tx.fetch_all(
            "SELECT id, created_at FROM insights WHERE guild_id = ? AND logged_by = ?"
            " AND customer_user_id IS DISTINCT FROM ? ORDER BY id",
            (guild_id, user_id, user_id),
        )
        data: dict[str, object] = {}
        if about:
            data["insights"] = [dict(zip(row.keys(), row, strict=True)) for row in about]
        if logged:
            data["insights_logged"] = [dict(zip(row.keys(), row, strict=True)) for row in logged]
        return data

    async def forget_user(self, tx: Transaction, guild_id: int, user_id: int, *, names: Sequence[str] = ()) -> None:
        """Remove the person from insights. The rule (docs/insights.md): an insight about them whose text
        names them — their mention, or their stored name or username (or ``names`` the caller knows) as a
        whole word — is deleted; any other insight about them keeps its words and loses the link (customer,
        name, jump link). Their mention in other insights becomes "a customer"; what they logged loses
        ``logged_by``. Reads their names from ``customers``, so it must run before that row is deleted
        (register it first in the privacy sources; ``names`` covers the other order).
        """
        known = {*(n for n in names if n), *await _stored_names(tx, guild_id, user_id)}
        rows = await tx.fetch_all(
            "SELECT id, text, customer_name FROM insights WHERE guild_id = ? AND customer_user_id = ?",
            (guild_id, user_id),
        )
        naming = _names_pattern(user_id, known | {r["customer_name"] for r in rows if r["customer_name"]})
        doomed = [(row["id"],) for row in rows if naming.search(row["text"])]
        await tx.execute_many("DELETE FROM insights WHERE id = ?", doomed)
        await tx.execute(
            "UPDATE insights SET customer_user_id = NULL, customer_name = NULL, message_url = NULL"
            " WHERE guild_id = ? AND customer_user_id = ?",
            (guild_id, user_id),
        )
        mention = _mention(user_id)
        mentioned = await tx.fetch_all(
            "SELECT id, text FROM insights WHERE guild_id = ? AND (text LIKE ? OR text LIKE ?)",  # ids: no % or _
            (guild_id, f"%<@{user_id}>%", f"%<@!{user_id}>%"),
        )
        await tx.execute_many(
            "UPDATE insights SET text = ? WHERE id = ?",  # the update trigger re-indexes the new words
            [(mention.sub("a customer", row["text"]), row["id"]) for row in mentioned],
        )
        await tx.execute(
            "UPDATE insights SET logged_by = NULL WHERE guild_id = ? AND logged_by = ?", (guild_id, user_id)
        )


def _snippet(row: Row) -> str:
    """The text with the matched words in bold around the best passage, or its start: without words, or
    when the words matched only the tags (then the start reads better than a passage without a highlight).
    """
    highlighted = row["snippet"]
    if highlighted and HIGHLIGHT_START in highlighted:
        return render_snippet(highlighted)
    return _plain_snippet(row["text"])


def _plain_snippet(text: str) -> str:
    short = text if len(text) <= PLAIN_SNIPPET else text[: PLAIN_SNIPPET - 1].rsplit(" ", 1)[0] + "…"
    return render_snippet(short)


def _mention(user_id: int) -> re.Pattern[str]:
    return re.compile(rf"<@!?{user_id}>")


def _names_pattern(user_id: int, names: set[str]) -> re.Pattern[str]:
    """Their mention, or any of their names (the whole name, and each part of 3+ letters) as a whole word."""
    parts = {name.strip() for name in names if len(name.strip()) >= 2}
    parts |= {part for name in names for part in name.split() if len(part) >= 3}
    words = "|".join(re.escape(part) for part in sorted(parts, key=lambda p: (-len(p), p)))
    alternatives = rf"<@!?{user_id}>" + (rf"|(?<!\w)(?:{words})(?!\w)" if words else "")
    return re.compile(alternatives, re.IGNORECASE)


async def _stored_names(tx: Transaction, guild_id: int, user_id: int) -> set[str]:
    row = await tx.fetch_one(
        "SELECT name, discord_name FROM customers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
    )
    return set() if row is None else {value for value in (row["name"], row["discord_name"]) if value}
