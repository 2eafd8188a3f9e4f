"""What a manager gets from /insight report and /insight export: a summary that fits Discord whatever the
numbers, real pictures (left out when they would be empty), and files that name a customer only when they
agreed to be quoted and open safely in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from collections import Counter

import pytest

from bot.domain.feedback import FeedbackSummary
from bot.domain.insights import (
    Insight,
    InsightKind,
    InsightReport,
    InsightSource,
    InsightStatus,
    MonthCount,
    month_range,
)
from bot.ui.insight_report import (
    Person,
    customer_label,
    export_csv,
    export_json,
    export_markdown,
    report_charts,
    report_embed,
)

PNG = b"\x89PNG\r\n\x1a\n"
CITIES = {
    5128581: "New York City, NY",
    4990729: "Detroit, MI",
    4930956: "Boston, MA",
    4887398: "Chicago, IL",
    5809844: "Seattle, WA",
    5746545: "Portland, OR",
    4671654: "Austin, TX",
    6167865: "Toronto, ON",
}
TAGS = [
    "onboarding", "pricing", "invoices", "mobile app", "bank sync", "payroll", "reports", "export", "support",
    "self-serve onboarding", "receipts", "taxes", "integrations", "api", "permissions", "multi-currency",
    "performance", "search", "notifications", "dashboard", "billing", "accountant access", "inventory", "sso",
    "audit log", "dark mode", "offline", "time tracking", "quotes", "approvals",
]  # fmt: skip
MEALS = [
    "Breakfast with bookkeepers in Detroit", "Lunch in Boston", "Dinner at Joe's, Chicago", "Seattle lunch",
    "Portland founders' dinner at the long table by the river", "Austin BBQ lunch", "Toronto breakfast",
    "NYC accountants' dinner", "Boston dinner", "Chicago breakfast", "Detroit dinner", "Seattle breakfast",
]  # fmt: skip


def realistic_report(months: int = 18, seed: int = 7) -> InsightReport:
    """About 8 cities, `months` months, 30 tags: what a community looks like after a year and a half, built
    insight by insight so every figure agrees with the others."""
    rng = random.Random(seed)
    kinds, cities = list(InsightKind), [*CITIES, None]
    names = month_range("2024-11", "2026-12")[:months]
    by_kind = dict.fromkeys(InsightKind, 0)
    by_status = dict.fromkeys(InsightStatus, 0)
    by_city: dict[int | None, dict[InsightKind, int]] = {c: dict.fromkeys(InsightKind, 0) for c in cities}
    by_month = {m: dict.fromkeys(InsightKind, 0) for m in names}
    tags: Counter[str] = Counter()
    untagged = 0
    for _ in range(40 * months if months < 6 else 420):
        kind = rng.choices(kinds, [30, 24, 14, 10, 9, 6, 4])[0]
        city = rng.choices(cities, [9, 8, 7, 6, 5, 4, 3, 2, 3])[0]
        month = names[min(int(rng.triangular(0, months, months * 0.8)), months - 1)]
        status = rng.choices(list(InsightStatus), [60, 15, 18, 7])[0]
        by_kind[kind] += 1
        by_status[status] += 1
        by_city[city][kind] += 1
        by_month[month][kind] += 1
        chosen = {rng.choices(TAGS, [30 - i for i in range(len(TAGS))])[0] for _ in range(rng.randint(0, 3))}
        tags.update(chosen)
        untagged += not chosen
    return InsightReport(
        total=sum(by_kind.values()),
        by_kind=by_kind,
        by_status=by_status,
        by_city=dict(sorted(by_city.items(), key=lambda item: -sum(item[1].values()))),
        by_month=[MonthCount(m, counts) for m, counts in by_month.items()],
        top_tags=sorted(tags.items(), key=lambda item: (-item[1], item[0]))[:10],
        untagged=untagged,
    )


def meal_scores() -> list[tuple[str, int | None, int]]:
    rng = random.Random(3)
    scores: list[tuple[str, int | None, int]] = [(title, rng.randint(-60, 100), rng.randint(2, 24)) for title in MEALS]
    scores[4] = (MEALS[4], -100, 3)
    scores[7] = (MEALS[7], 0, 5)
    return [*scores, ("Cancelled lunch in Denver", None, 0)]


def empty_report() -> InsightReport:
    return InsightReport(0, dict.fromkeys(InsightKind, 0), dict.fromkeys(InsightStatus, 0), {}, [], [])


def insight(
    id_: int, text: str, *, customer: int | None = None, name: str | None = None, kind: InsightKind = InsightKind.IDEA
) -> Insight:
    at = dt.datetime(2026, 3, id_, 18, tzinfo=dt.UTC)
    return Insight(
        id=id_, guild_id=1, text=text, kind=kind, status=InsightStatus.PLANNED, tags=("invoices", "pricing"),
        source=InsightSource.MANUAL, customer_user_id=customer, customer_name=name, meal_id=None,
        city_id=4990729, tour_id=None, message_url=f"https://discord.com/channels/1/2/{id_}", logged_by=9,
        created_at=at, updated_at=at,
    )  # fmt: skip


ANA, BOB, CY = 101, 102, 103
PEOPLE = {
    ANA: Person("Ana Costa", quotes_ok=True, what_i_do="Bookkeeper", city="Detroit"),
    BOB: Person("Bob Marley", quotes_ok=False, what_i_do="Bookkeeper", city="Detroit"),
    CY: Person("Cy Twombly", quotes_ok=False),
}


def rows() -> list[Insight]:
    return [
        insight(1, "Invoices take me an hour every Friday.", customer=ANA, kind=InsightKind.PAIN_POINT),
        insight(2, "Please add a receipt scanner. <@101> agrees.", customer=BOB, kind=InsightKind.FEATURE_REQUEST),
        insight(3, '=HYPERLINK("http://evil", "x") would be great', customer=CY),
        insight(4, "Told at the door; <@102> nodded.", name="Dora Maar"),
    ]


# --------------------------------------------------------------------------------------------- the embed


def test_the_summary_says_how_many_of_which_kind_and_how_many_closed_the_loop() -> None:
    report = realistic_report()
    embed = report_embed(report, scope="Spring tour 2026", feedback=FeedbackSummary(40, 22, 10, 8, 25, 9, 6, 12))
    text = str(embed.to_dict())
    closed = sum(report.by_status[s] for s in (InsightStatus.PLANNED, InsightStatus.SHIPPED, InsightStatus.WONT_DO))
    assert "Spring tour 2026" in (embed.title or "")
    assert f"{report.total:,} insights" in (embed.description or "")
    assert f"**{closed:,}** closed the loop" in (embed.description or "")
    assert "🩹 pain point" in text and "⚠️ churn risk" in text
    assert "won't do" in text
    assert text.count("`") == 10  # the five top tags
    assert "Recommend score **+35** on −100…+100 from 40 answers" in text


def test_a_huge_report_with_a_long_scope_still_fits_discord() -> None:
    report = realistic_report()
    big = InsightReport(
        total=123_456_789,
        by_kind=dict.fromkeys(InsightKind, 17_636_684),
        by_status=dict.fromkeys(InsightStatus, 30_864_197),
        by_city=report.by_city,
        by_month=report.by_month,
        top_tags=[("x" * 30, 9_999_999)] * 10,
        untagged=1_000_000,
    )
    embed = report_embed(big, scope="A tour with a very long name " * 20, feedback=FeedbackSummary(10**6, 10**6))
    assert len(embed) <= 6000 and len(embed.title or "") <= 256
    assert all(len(field.value or "") <= 1024 and len(field.name or "") <= 256 for field in embed.fields)


def test_an_empty_scope_says_so_instead_of_showing_zeros() -> None:
    embed = report_embed(empty_report(), scope="Detroit", feedback=None)
    assert "No insights" in (embed.description or "") and not embed.fields


# --------------------------------------------------------------------------------------------- the charts


@pytest.mark.parametrize("months", [1, 18, 24])
def test_each_chart_is_a_real_picture(months: int) -> None:
    charts = dict(report_charts(realistic_report(months), meal_scores=meal_scores(), city_names=CITIES))
    assert list(charts) == ["kinds-per-city.png", "trend.png", "top-tags.png", "recommend-by-meal.png"]
    for name, data in charts.items():
        assert data.startswith(PNG), name
        assert len(data) > 5_000, name


def test_a_chart_with_nothing_to_show_is_left_out() -> None:
    assert report_charts(empty_report(), meal_scores=[], city_names=CITIES) == []
    report = realistic_report()
    no_city_no_tags = InsightReport(
        report.total, report.by_kind, report.by_status, {None: report.by_kind}, report.by_month, [], report.total
    )
    unanswered = [("Lunch in Boston", None, 0), ("Dinner in Austin", 50, 0)]
    charts = report_charts(no_city_no_tags, meal_scores=unanswered)
    assert [name for name, _ in charts] == ["trend.png"]


def test_cities_without_a_name_are_still_drawn() -> None:
    charts = dict(report_charts(realistic_report(), meal_scores=[]))
    assert charts["kinds-per-city.png"].startswith(PNG)


# --------------------------------------------------------------------------------------------- the exports


def test_only_a_customer_who_agreed_to_be_quoted_is_named() -> None:
    labels = [customer_label(row, PEOPLE) for row in rows()]
    assert labels == ["Ana Costa", "a bookkeeper in Detroit", "a customer", "a customer"]
    assert customer_label(insight(5, "No one in particular."), PEOPLE) is None
    assert customer_label(insight(6, "Unknown to us.", customer=999), PEOPLE) == "a customer"


def test_what_someone_does_is_left_out_when_it_would_name_them() -> None:
    people = {1: Person("Eve Smith", quotes_ok=False, what_i_do="Founder of Smith & Co", city="Austin")}
    assert customer_label(insight(1, "Hi", customer=1), people) == "a customer in Austin"
    people = {1: Person("Eve Smith", quotes_ok=False, what_i_do="an Accountant", city=None)}
    assert customer_label(insight(1, "Hi", customer=1), people) == "an accountant"


@pytest.mark.parametrize("export", ["csv", "json", "markdown"])
def test_exports_never_name_someone_without_the_quotes_opt_in(export: str) -> None:
    if export == "csv":
        data = export_csv(rows(), PEOPLE, city_names=CITIES).decode("utf-8-sig")
    elif export == "json":
        data = export_json(rows(), PEOPLE, city_names=CITIES).decode()
    else:
        data = export_markdown(realistic_report(), rows(), PEOPLE, scope="Detroit", city_names=CITIES).decode()
    for hidden in ("Bob", "Marley", "Twombly", "Dora", "Maar", "<@102>"):
        assert hidden not in data
    assert "Ana Costa" in data and "a bookkeeper in Detroit" in data
    assert "https://discord.com/channels/1/2/1" in data  # Ana's message: she may be quoted
    assert "https://discord.com/channels/1/2/2" not in data  # Bob's message would say who he is


def test_the_csv_opens_safely_in_a_spreadsheet() -> None:
    data = export_csv(rows(), PEOPLE, city_names=CITIES)
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(table) == 4
    assert table[2]["text"].startswith("'=HYPERLINK")
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in table for cell in row.values())
    assert table[0] | {"created_at": ""} == table[0] | {
        "created_at": "",
        "kind": "pain point",
        "status": "planned",
        "tags": "invoices, pricing",
        "customer": "Ana Costa",
        "city": "Detroit, MI",
    }
    assert table[1]["text"] == "Please add a receipt scanner. Ana Costa agrees."


def test_the_json_keeps_tags_as_a_list_and_dates_in_utc() -> None:
    records = json.loads(export_json(rows(), PEOPLE))["insights"]
    assert records[0]["tags"] == ["invoices", "pricing"]
    assert records[0]["created_at"] == "2026-03-01T18:00:00+00:00"
    assert records[2]["customer"] == "a customer" and records[2]["message_url"] is None


def test_the_markdown_report_reads_as_a_document() -> None:
    text = export_markdown(
        realistic_report(), rows(), PEOPLE, scope="Spring tour", city_names=CITIES, feedback=FeedbackSummary(4, 2, 1, 1)
    ).decode()
    assert text.startswith("# Insight report: Spring tour\n")
    assert "## Summary" in text and "## Insights" in text
    assert "### Idea (2)" in text and "### Pain point (1)" in text
    assert "- **2026-03-01** · Ana Costa · Detroit, MI · *planned* · tags: invoices, pricing" in text
    assert "  > Invoices take me an hour every Friday." in text
    assert "Recommend score **+25** on −100…+100 from 4 answers" in text
    # Their words can't turn into a heading, a link or HTML of the document.
    odd = insight(7, "# Big\n[click](http://x) <b>", customer=ANA)
    assert (
        "  > \\# Big\n  > \\[click\\](http://x) \\<b\\>"
        in export_markdown(empty_report(), [odd], PEOPLE, scope="x").decode()
    )


def test_an_anonymised_customer_reads_as_a_job_or_as_a_customer_never_as_a_broken_sentence() -> None:
    from bot.ui.insight_report import Person, _person_label

    assert _person_label(Person("Dara", False, "Bookkeeper", "Detroit")) == "a bookkeeper in Detroit"
    assert _person_label(Person("Ana", False, "I run a bakery with 12 people", "Toronto")) == "a customer in Toronto"
    assert _person_label(Person("Dara", False, "Accounting for small businesses", "Chicago")) == (
        "a customer in Chicago"
    )
    assert _person_label(Person("Gus", False, "Coffee roaster", None)) == "a coffee roaster"
