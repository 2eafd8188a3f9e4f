"""Pure rules of customers: profile limits, websites, formula-safe cells, and reading an import CSV."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.cities import Gazetteer, default_gazetteer
from bot.domain.customer_import import plan_import, resolve_with_ids
from bot.domain.customers import FORMULA_STARTS, clean_note, clean_profile, clean_website, spreadsheet_safe
from bot.domain.errors import InvalidInput


def resolver(gazetteer: Gazetteer | None = None):  # type: ignore[no-untyped-def]
    return resolve_with_ids(gazetteer or default_gazetteer())


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("acme.com", "https://acme.com"),
        ("  https://www.acme.co.uk/about?x=1 ", "https://www.acme.co.uk/about?x=1"),
        ("http://shop.example.org", "http://shop.example.org"),
        ("", None),
        ("   ", None),
    ],
)
def test_websites_are_normalised(typed: str, stored: str | None) -> None:
    assert clean_website(typed) == stored


@pytest.mark.parametrize(
    "typed", ["javascript:alert(1)", "ftp://acme.com", "acme", "http://", "acme .com", "https://-acme.com", "a@b"]
)
def test_things_that_are_not_websites_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput, match="doesn't look like a website"):
        clean_website(typed)


def test_profile_limits_are_explained_not_cut() -> None:
    with pytest.raises(InvalidInput, match=r"What you do is 301 characters long; please keep it to 300\."):
        clean_profile(what_i_do="x" * 301, offer=None, seek=None, company=None, website=None)
    assert clean_note("  see you  ") == "see you"
    assert clean_note("") is None


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1 555", "'+1 555"),
        ("-2", "'-2"),
        ("@acme", "'@acme"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Bakery", "Bakery"),
        ("a=b", "a=b"),
        (None, ""),
        (42, "42"),
    ],
)
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(cell: object, written: str) -> None:
    assert spreadsheet_safe(cell) == written


@given(st.text(max_size=30))
def test_no_exported_cell_starts_like_a_formula(text: str) -> None:
    assert not spreadsheet_safe(text).startswith(FORMULA_STARTS)


def test_line_numbers_count_quoted_line_breaks() -> None:
    text = (
        "email,city,what_i_do\n"
        'a@example.com,Toronto,"two\nlines"\n'
        "\n"
        "b@example.com,Nowhereville Qx,\n"
    )

    plan = plan_import(text, resolver())

    assert [row.line for row in plan.rows] == [2]
    assert plan.rows[0].profile.what_i_do == "two\nlines"
    [problem] = plan.problems
    assert problem.line == 5 and problem.message.startswith("city “Nowhereville Qx”")


def test_header_problems_stop_the_whole_file() -> None:
    for text, expected in [
        ("", "The file is empty"),
        ("email,City,CITY\n", "`city` appears more than once in the header."),
        ("email,name\nx@y.z,X\n", "The header needs a `city` column."),
    ]:
        with pytest.raises(InvalidInput, match=re.escape(expected)):
            plan_import(text, resolver())


def test_extra_cells_and_excel_bom_and_ids() -> None:
    toronto = default_gazetteer().resolve("Toronto").city
    assert toronto is not None
    text = f"\ufeffDiscord_Name,City\n@Ana,{toronto.geonameid}\nben,Toronto,oops\n"

    plan = plan_import(text, resolver())

    [row] = plan.rows
    assert (row.discord_name, row.city) == ("ana", toronto)
    assert [str(p) for p in plan.problems] == [
        'line 3: more cells than columns (a comma inside a value needs "quotes")'
    ]


def test_too_many_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.domain.customer_import.MAX_ROWS", 3)
    text = "email,city\n" + "".join(f"u{i}@example.com,Toronto\n" for i in range(4))

    with pytest.raises(InvalidInput, match="At most 3 customers per file"):
        plan_import(text, resolver())


def test_a_shared_city_name_is_read_near_the_files_other_customers() -> None:
    text = (
        "email,city\n"
        "ana@example.com,Toronto\n"
        "ben@example.com,Montréal\n"
        "chen@example.com,Ottawa\n"
        "dara@example.com,Kingston\n"
    )

    plan = plan_import(text, resolver())

    assert plan.problems == ()
    kingston = plan.rows[3].city
    assert (kingston.name, kingston.region, kingston.country_code) == ("Kingston", "Ontario", "CA")
    alone = plan_import("email,city\ndara@example.com,Kingston\n", resolver())
    assert alone.rows[0].city.country_code == "JM"  # without other customers, Jamaica's capital


def test_a_pair_of_towns_in_a_file_asks_to_keep_one() -> None:
    plan = plan_import("email,city\nana@example.com,Kitchener-Waterloo\n", resolver())

    [problem] = plan.problems
    assert str(problem) == (
        "line 2: city “Kitchener-Waterloo” is two places (Kitchener, Ontario, CA; Waterloo, Ontario, CA): "
        "keep one of them"
    )
