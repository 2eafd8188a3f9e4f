"""The repositories' SQLite-style SQL as PostgreSQL receives it (storage/postgres/sql.py)."""

from __future__ import annotations

import pytest

from storage.postgres.sql import translate


def test_question_marks_become_numbered_parameters() -> None:
    statement = translate("SELECT * FROM meals WHERE id = ? AND guild_id = ? LIMIT ?")
    assert statement.sql == "SELECT * FROM meals WHERE id = $1 AND guild_id = $2 LIMIT $3"
    assert statement.args((1, 2, 3)) == (1, 2, 3)


def test_named_parameters_keep_one_number_each_and_are_given_in_that_order() -> None:
    statement = translate("UPDATE outbox SET lease_until = :until WHERE due_at <= :now OR lease_until <= :now")
    assert statement.sql == "UPDATE outbox SET lease_until = $1 WHERE due_at <= $2 OR lease_until <= $2"
    assert statement.args({"now": "N", "until": "U"}) == ["U", "N"]


def test_literals_quoted_names_comments_and_casts_are_left_alone() -> None:
    statement = translate(
        "SELECT 'what? :no' AS \"a?b\", x::bigint -- why? :because\nFROM t WHERE y = ? AND z = 'it''s ?'"
    )
    assert statement.sql == (
        "SELECT 'what? :no' AS \"a?b\", x::bigint -- why? :because\nFROM t WHERE y = $1 AND z = 'it''s ?'"
    )


def test_like_ignores_case_as_in_sqlite_and_temp_tables_live_in_pg_temp() -> None:
    assert translate("SELECT tag FROM t WHERE tag LIKE ? ESCAPE '\\'").sql == (
        "SELECT tag FROM t WHERE tag ILIKE $1 ESCAPE '\\'"
    )
    assert translate("SELECT id FROM temp.wanted_ids").sql == "SELECT id FROM pg_temp.wanted_ids"
    assert translate("SELECT 'temp.x LIKE'").sql == "SELECT 'temp.x LIKE'"  # inside a literal: text


def test_a_statement_mixing_both_styles_is_refused() -> None:
    with pytest.raises(ValueError, match="mixed"):
        translate("SELECT ? WHERE a = :a")
    with pytest.raises(TypeError, match="named parameters"):
        translate("SELECT ?").args({"a": 1})
