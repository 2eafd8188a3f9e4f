"""Pure rules of insights: kinds and statuses, tags, text, the safe FTS5 query builder, suggestions."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.errors import InvalidInput
from bot.domain.insights import (
    MAX_TERMS,
    InsightKind,
    InsightSource,
    InsightStatus,
    NewInsight,
    SearchQuery,
    clean_insight_text,
    clean_tags,
    fts_match,
    keyword_prior,
    month_range,
    render_snippet,
    suggest,
)

# ----------------------------------------------------------------------------------- kinds and statuses


def test_kinds_and_statuses_read_like_a_manager_says_them() -> None:
    assert InsightKind.PAIN_POINT.label == "pain point"
    assert InsightKind.CHURN_RISK.label == "churn risk"
    assert InsightStatus.WONT_DO.label == "won't do"
    assert InsightKind.parse("Feature request") is InsightKind.FEATURE_REQUEST
    assert InsightKind.parse("pain_point") is InsightKind.PAIN_POINT
    assert InsightStatus.parse("Won’t  do") is InsightStatus.WONT_DO
    with pytest.raises(InvalidInput, match=r"“bug” is not an insight kind; choose one of: pain point, feature"):
        InsightKind.parse("bug")


# ----------------------------------------------------------------------------------- tags and text


def test_tags_are_lower_case_trimmed_unique_and_sorted() -> None:
    assert clean_tags("Pricing, onboarding ,ONBOARDING") == ("onboarding", "pricing")
    assert clean_tags(["Self-serve  Onboarding", "api, API "]) == ("api", "self-serve onboarding")
    assert clean_tags(" , ,") == ()
    assert clean_tags(None) == ()
    assert clean_tags("Café, 請求") == ("café", "請求")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("pricing!", r"“pricing!” may only hold letters, digits, spaces and hyphens"),
        ("#billing", "may only hold letters"),
        ("a--b", "may only hold letters"),
        ("-api", "may only hold letters"),
        ("x" * 31, r"is 31 characters long; please keep tags to 30"),
        (",".join(f"t{i}" for i in range(11)), r"That is 11 tags; an insight takes at most 10"),
    ],
)
def test_bad_tags_are_refused_with_what_to_fix(typed: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        clean_tags(typed)


def test_insight_text_is_one_to_two_thousand_characters() -> None:
    assert clean_insight_text("  Billing export\x00 is slow \n") == "Billing export is slow"
    assert len(clean_insight_text("x" * 2000)) == 2000
    with pytest.raises(InvalidInput, match="The insight is empty"):
        clean_insight_text("  \n ")
    with pytest.raises(InvalidInput, match=r"The insight is 2001 characters long; please keep it to 2000\."):
        clean_insight_text("x" * 2001)


def test_a_new_insight_is_checked_and_normalised() -> None:
    new = NewInsight.create(
        guild_id=1,
        text=" The invoice PDF crashes ",
        kind="Pain point",
        logged_by=7,
        tags="Billing, PDF",
        customer_user_id=42,
        customer_name="ignored: the link wins",
        message_url="https://discord.com/channels/1/2/3",
        source=InsightSource.MESSAGE,
    )
    assert (new.text, new.kind, new.tags, new.customer_name) == (
        "The invoice PDF crashes",
        InsightKind.PAIN_POINT,
        ("billing", "pdf"),
        None,
    )
    with pytest.raises(InvalidInput, match="not a link to a Discord message"):
        NewInsight.create(guild_id=1, text="x", kind="idea", logged_by=7, message_url="https://evil.example/1/2/3")


def test_search_queries_are_checked() -> None:
    since = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    query = SearchQuery.create(text="  slow   export ", kind="pain point", tag=" Billing ", status="won't do")
    assert (query.text, query.kind, query.tag, query.status) == (
        "slow export",
        InsightKind.PAIN_POINT,
        "billing",
        InsightStatus.WONT_DO,
    )
    chosen = SearchQuery.create(kind=InsightKind.PRAISE, status=InsightStatus.SHIPPED)  # from a select, as enums
    assert (chosen.kind, chosen.status) == (InsightKind.PRAISE, InsightStatus.SHIPPED)
    with pytest.raises(InvalidInput, match="A page shows 1 to 25 insights"):
        SearchQuery.create(page_size=26)
    with pytest.raises(InvalidInput, match="ends before it starts"):
        SearchQuery.create(since=since, until=since)
    with pytest.raises(InvalidInput, match="please keep it to 500"):
        SearchQuery.create(text="word " * 120)


# ----------------------------------------------------------------------------------- the FTS5 query builder


@pytest.mark.parametrize(
    ("typed", "expression"),
    [
        ("slow export", '"slow" "export"'),
        ('"bulk export" csv', '"bulk export" "csv"'),
        ("onboard*", '"onboard" *'),
        ("pricing OR billing", '"pricing" OR "billing"'),
        ("problems with the onboarding", '"problems" "onboarding"'),
        ("the", '"the"'),  # nothing but filler words: keep them
        ("can't log in", '"can t" "log"'),  # "in" is filler; the apostrophe splits like the index does
        ("e-mail", '"e mail"'),
        ("café", '"café"'),
        ("", None),
        ("   ", None),
        ('"', None),
        ("* - ^ : ( )", None),
        ("🔥🔥", None),
    ],
)
def test_search_words_become_quoted_fts_terms(typed: str, expression: str | None) -> None:
    assert fts_match(typed) == expression


HOSTILE = [
    '"',
    '""',
    '"""',
    "*",
    "-",
    "--",
    "NEAR(",
    "NEAR(a b, 3)",
    "OR",
    "OR OR",
    "a OR",
    "AND",
    "NOT x",
    "x NOT",
    '"unbalanced',
    'a "b c',
    "text:secret",
    "tags:billing",
    "^start",
    "{text tags}: x",
    "a + b",
    "(a OR b",
    "x" * 500,
    "word " * 100,
    "🔥 onboarding 💥",
    "\x00\x01",
    "'; DROP TABLE insights; --",
    '\\"',
    "é*",
    "a*b*",
]


def fts_database() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(text, tags, tokenize='porter unicode61 remove_diacritics 2')")
    connection.executemany(
        "INSERT INTO t (text, tags) VALUES (?, ?)",
        [
            ("Onboarding took us two weeks; the OR gate near the door", "onboarding"),
            ("The NEAR feature is great, text secret", "praise"),
            ("Crashes when exporting", "export"),
        ],
    )
    return connection


@pytest.mark.parametrize("typed", HOSTILE)
def test_hostile_search_text_never_reaches_fts5_as_syntax(typed: str) -> None:
    expression = fts_match(typed)
    if expression is None:
        return
    rows = fts_database().execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()
    assert isinstance(rows, list)  # no sqlite3.OperationalError: the expression is valid FTS5
    assert expression.count('"') % 2 == 0


def test_hostile_words_match_as_plain_words() -> None:
    connection = fts_database()

    def found(typed: str) -> list[int]:
        expression = fts_match(typed)
        assert expression is not None
        return [r[0] for r in connection.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", (expression,))]

    assert found("NEAR(") == [1, 2]  # the word "near", not the operator
    assert found("text:secret") == [2]  # not a column filter: the words "text secret"
    assert found("🔥 onboarding 💥") == [1]
    assert found("crash") == [3]  # porter: "crash" finds "Crashes"
    assert found("export*") == [3]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_valid_expression(typed: str) -> None:
    expression = fts_match(typed)
    if expression is not None:
        fts_database().execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()
        assert expression.count(" OR ") + expression.count('"') // 2 <= 2 * MAX_TERMS


def test_long_searches_are_cut_to_a_few_terms() -> None:
    expression = fts_match(" ".join(f"word{i}" for i in range(50)))
    assert expression is not None and expression.count('"') == 2 * MAX_TERMS


def test_snippets_escape_markdown_and_bold_the_matches() -> None:
    assert render_snippet("the \x02export\x03 is **slow** [x](y)") == r"the **export** is \*\*slow\*\* \[x\](y)"
    assert render_snippet("\x02bulk\x03\x02export\x03") == "**bulkexport**"


def test_month_range_spans_years() -> None:
    assert month_range("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert month_range("2026-03", "2026-03") == ["2026-03"]


# ----------------------------------------------------------------------------------- suggestions


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The app crashes every time I open the invoice tab", InsightKind.PAIN_POINT),
        ("It would be great if you could add a Xero integration", InsightKind.FEATURE_REQUEST),
        ("We love the new dashboard, thanks!", InsightKind.PRAISE),
        ("How do I export my customers to Excel?", InsightKind.QUESTION),
        ("Honestly it's too expensive, we may switch to a competitor", InsightKind.CHURN_RISK),
        ("What if meals had a theme?", InsightKind.IDEA),  # "what if" weighs as much as the "?"
        ("Our weather has been fine", None),
    ],
)
def test_an_empty_server_gets_the_keyword_prior(text: str, kind: InsightKind | None) -> None:
    assert suggest(text, []).kind is kind


def test_would_be_great_is_a_request_before_it_is_praise() -> None:
    prior = keyword_prior("Would be great to have dark mode")
    assert prior.most_common(1)[0][0] is InsightKind.FEATURE_REQUEST


LABELLED = [
    ("The QuickBooks sync duplicates invoices", InsightKind.PAIN_POINT, ("billing", "quickbooks")),
    ("Invoices sync twice from QuickBooks", InsightKind.PAIN_POINT, ("billing", "quickbooks")),
    ("QuickBooks sync creates duplicate invoices again", InsightKind.PAIN_POINT, ("quickbooks",)),
    ("Please add a Shopify connector", InsightKind.FEATURE_REQUEST, ("integrations", "shopify")),
    ("A Shopify connector would help our store", InsightKind.FEATURE_REQUEST, ("shopify",)),
    ("The team loved the Austin lunch", InsightKind.PRAISE, ("meals",)),
]


def test_the_servers_own_labels_win_over_the_keyword_prior() -> None:
    # No keyword of the prior in it; the neighbours are the QuickBooks pain points.
    suggestion = suggest("QuickBooks sync duplicated our invoices", LABELLED)
    assert suggestion.kind is InsightKind.PAIN_POINT
    assert suggestion.tags == ("quickbooks", "billing")
    assert suggestion.neighbours == 3
    shopify = suggest("Any plan for a Shopify connector", LABELLED)
    assert shopify.kind is InsightKind.FEATURE_REQUEST and shopify.tags[0] == "shopify"


def test_a_tag_in_use_named_by_the_text_is_suggested() -> None:
    assert "meals" in suggest("More meals in Ohio please", LABELLED).tags


def test_suggestions_are_deterministic() -> None:
    shuffled = list(reversed(LABELLED))
    first = suggest("QuickBooks sync duplicated our invoices", LABELLED)
    assert suggest("QuickBooks sync duplicated our invoices", shuffled) == first
    assert suggest("", LABELLED).kind is None
