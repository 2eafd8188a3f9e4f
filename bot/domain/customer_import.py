"""Reading a customer CSV: every row checked, every problem reported by line number, nothing written here.

Columns (header row required, names case-insensitive, any order; only ``city`` and one way to identify
the person are required):

| column | meaning |
|---|---|
| ``discord_id`` | the member's Discord user id (17–20 digits) |
| ``discord_name`` | their Discord username (people not on the server yet are fine) |
| ``email`` | their email address |
| ``name`` | how to call them |
| ``city`` | where they live, as free text ("Portland, OR") or a geonames id |
| ``what_i_do`` · ``offer`` · ``seek`` · ``company`` · ``website`` | their profile |

A row is identified by ``discord_id``, else ``discord_name``, else ``email``; a person may appear once per
file. Re-importing the same file changes nothing (rows are matched to existing customers by the same keys).

The rows are read together: a city name several places share ("Kingston") is read near the file's other
customers (:func:`resolve_with_ids`; the context rule of :mod:`bot.domain.cities`), so "Kingston" in a list
of Toronto, Montréal and Ottawa customers is Kingston, Ontario, not Kingston, Jamaica.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from bot.domain.cities import PAIR_OPENING, City, Gazetteer, Resolution, ResolutionStatus
from bot.domain.customers import (
    FORMULA_STARTS,
    MAX_COMPANY,
    MAX_NAME,
    MAX_OFFER,
    MAX_SEEK,
    MAX_WHAT_I_DO,
    Profile,
    clean_text,
    clean_website,
)
from bot.domain.errors import InvalidInput

COLUMNS = ("discord_id", "discord_name", "name", "email", "city", "what_i_do", "offer", "seek", "company", "website")
IDENTITY_COLUMNS = ("discord_id", "discord_name", "email")
MAX_SNOWFLAKE = 2**63 - 1  # Discord ids are signed 64-bit integers (and so are the database's)
# Written by /customers export for people to read; ignored on import, so an export imports back unchanged.
EXPORT_ONLY_COLUMNS = ("city_label", "source", "consented", "allow_dms", "listed", "introductions", "quotes")
MAX_ROWS = 200_000
MAX_BYTES = 25 * 1024 * 1024

_DISCORD_ID = re.compile(r"^\d{17,20}$")
_DISCORD_NAME = re.compile(r"^[a-z0-9_.]{2,32}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")

Resolver = Callable[[Sequence[str]], list[Resolution]]


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    user_id: int | None
    discord_name: str | None
    email: str | None
    name: str | None
    city: City
    profile: Profile

    @property
    def keys(self) -> list[tuple[str, str]]:
        """The ways this row identifies its person: ("discord_id", "123"), ("discord_name", "ana"), …"""
        values = (("discord_id", self.user_id), ("discord_name", self.discord_name), ("email", self.email))
        return [(kind, str(value)) for kind, value in values if value is not None]


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The dry run's verdict: the rows that can be written and the problems of the others."""

    rows: tuple[ImportRow, ...]
    problems: tuple[RowProblem, ...]
    columns: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.problems)


@dataclass(frozen=True, slots=True)
class _RawRow:
    line: int
    cells: dict[str, str]
    extra_cells: bool = False


def read_rows(text: str) -> tuple[tuple[str, ...], list[_RawRow]]:
    """The header and the non-blank rows, each with the line it starts on; bad headers are refused."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput("The file is empty: it needs a header row, e.g. `discord_name,name,city`.") from None
    except csv.Error as error:
        raise InvalidInput(f"The header row is not valid CSV ({error}).") from None
    columns = tuple(name.strip().lower() for name in header)
    _check_header(columns)
    return columns, list(_body(reader, columns))


def _check_header(columns: tuple[str, ...]) -> None:
    unknown = [name for name in columns if name not in COLUMNS and name not in EXPORT_ONLY_COLUMNS]
    if unknown:
        raise InvalidInput(
            f"{_some(unknown)} in the header {'is not a column' if len(unknown) == 1 else 'are not columns'} I "
            f"know. Columns are: {', '.join(COLUMNS)}."
        )
    duplicated = sorted({name for name in columns if columns.count(name) > 1})
    if duplicated:
        raise InvalidInput(
            f"{_some(duplicated)} {'appears' if len(duplicated) == 1 else 'appear'} more than once in the header."
        )
    if "city" not in columns:
        raise InvalidInput("The header needs a `city` column.")
    if not any(name in columns for name in IDENTITY_COLUMNS):
        raise InvalidInput("The header needs a way to know who each row is: `discord_id`, `discord_name` or `email`.")


def _some(names: Sequence[str], shown: int = 5) -> str:
    """A few names in code, and how many more: the message must fit in Discord (2,000 characters), however wild
    the header."""
    listed = ", ".join(f"`{name[:40]}`" for name in names[:shown])
    return listed + (f" and {len(names) - shown:,} more" if len(names) > shown else "")


def _body(reader: Iterator[list[str]], columns: tuple[str, ...]) -> Iterator[_RawRow]:
    line = 2
    count = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InvalidInput(f"Line {line} is not valid CSV ({error}); nothing was imported.") from None
        start, line = line, reader.line_num + 1  # type: ignore[attr-defined]
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise InvalidInput(f"At most {MAX_ROWS:,} customers per file; split it and import each part.")
        padded = [_unescape(cell) for cell in cells] + [""] * (len(columns) - len(cells))
        yield _RawRow(start, dict(zip(columns, padded, strict=False)), extra_cells=len(cells) > len(columns))


def _unescape(cell: str) -> str:
    """Undo the apostrophe an export puts before formula-like text ("'=SUM" → "=SUM")."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_STARTS else cell


def plan_import(text: str, resolve: Resolver) -> ImportPlan:
    """Check every row of a customer CSV; ``resolve`` turns the city cells into cities, all in one batch so
    that each row is read in the context of the others (see :func:`resolve_with_ids`)."""
    columns, raw_rows = read_rows(text)
    resolutions = resolve([row.cells.get("city", "") for row in raw_rows])
    rows: list[ImportRow] = []
    problems: list[RowProblem] = []
    first_line: dict[tuple[str, str], int] = {}
    for raw, resolution in zip(raw_rows, resolutions, strict=True):
        try:
            row = _check_row(raw, resolution)
        except InvalidInput as problem:
            problems.append(RowProblem(raw.line, str(problem)))
            continue
        repeated = [(key, first_line[key]) for key in row.keys if key in first_line]
        if repeated:
            (kind, value), earlier = repeated[0]
            problems.append(RowProblem(row.line, f"same {kind} as line {earlier} ({value}): a person appears once"))
            continue
        first_line.update(dict.fromkeys(row.keys, row.line))
        rows.append(row)
    return ImportPlan(tuple(rows), tuple(problems), columns)


def _check_row(raw: _RawRow, resolution: Resolution) -> ImportRow:
    cells = raw.cells
    if raw.extra_cells:
        raise InvalidInput('more cells than columns (a comma inside a value needs "quotes")')
    user_id = _discord_id(cells.get("discord_id", ""))
    discord_name = _discord_name(cells.get("discord_name", ""))
    email = _email(cells.get("email", ""))
    if user_id is None and discord_name is None and email is None:
        raise InvalidInput("no discord_id, discord_name or email: I can't tell who this is")
    return ImportRow(
        line=raw.line,
        user_id=user_id,
        discord_name=discord_name,
        email=email,
        name=clean_text(cells.get("name"), field="name", limit=MAX_NAME),
        city=_city(cells.get("city", ""), resolution),
        profile=Profile(
            what_i_do=clean_text(cells.get("what_i_do"), field="what_i_do", limit=MAX_WHAT_I_DO),
            offer=clean_text(cells.get("offer"), field="offer", limit=MAX_OFFER),
            seek=clean_text(cells.get("seek"), field="seek", limit=MAX_SEEK),
            company=clean_text(cells.get("company"), field="company", limit=MAX_COMPANY),
            website=clean_website(cells.get("website")),
        ),
    )


def _discord_id(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not _DISCORD_ID.match(text) or int(text) > MAX_SNOWFLAKE:
        raise InvalidInput(f"discord_id “{text[:40]}” is not a Discord user id (17 to 20 digits)")
    return int(text)


def _discord_name(text: str) -> str | None:
    name = text.strip().removeprefix("@").lower()
    if not name:
        return None
    if not _DISCORD_NAME.match(name):
        raise InvalidInput(f"discord_name “{text.strip()[:40]}” is not a Discord username (2–32 of a–z, 0–9, _ and .)")
    return name


def _email(text: str) -> str | None:
    email = text.strip().lower()
    if not email:
        return None
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidInput(f"email “{text.strip()[:60]}” is not an email address")
    return email


def _city(text: str, resolution: Resolution) -> City:
    if not text.strip():
        raise InvalidInput("city is empty")
    if resolution.status is ResolutionStatus.RESOLVED and resolution.city is not None:
        return resolution.city
    if resolution.status is ResolutionStatus.AMBIGUOUS:
        options = "; ".join(choice.label for choice in resolution.choices[:3])
        if (resolution.message or "").startswith(PAIR_OPENING):
            raise InvalidInput(f"city “{text.strip()}” is two places ({options}): keep one of them")
        more = "…" if len(resolution.choices) > 3 else ""
        raise InvalidInput(f"city “{text.strip()}” could be several places ({options}{more}): add the state or country")
    reason = resolution.message or "I couldn't find it"
    raise InvalidInput(f"city “{text.strip()[:60]}”: {reason}")


CONTEXT = "your other customers"  # how messages name the context of a row's city


def resolve_with_ids(gazetteer: Gazetteer, *, about: str = CONTEXT) -> Resolver:
    """The resolver of a customer list: each city cell is free text or a geonames id (what /customers export
    writes), and the rows are context for each other. Two passes (:meth:`Gazetteer.resolve_together`): every
    cell once, then each contested name (ambiguous, or picked among namesakes) again near the rows that
    resolved without doubt."""

    def resolve(queries: Sequence[str]) -> list[Resolution]:
        return gazetteer.resolve_together(queries, about=about)

    return resolve


def problem_lines(problems: Sequence[RowProblem], *, max_chars: int) -> list[str]:
    """As many problems as fit in ``max_chars`` (one line each), then how many more there are."""
    lines: list[str] = []
    used = 0
    for index, problem in enumerate(problems):
        line = str(problem)
        reserve = len(f"… and {len(problems):,} more rows with problems") + 1
        if used + len(line) + 1 + reserve > max_chars:
            lines.append(f"… and {len(problems) - index:,} more rows with problems")
            break
        lines.append(line)
        used += len(line) + 1
    return lines
