"""A tour plan to hand over: `/tour show export:` attaches it as Markdown or as a one-page PDF with the route map.

Both are laid out from one :class:`~bot.ui.tour_handout.Handout`, read from the itinerary as `/tour show` reads it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from enum import StrEnum

from bot.domain.errors import InvalidInput
from bot.domain.meals import Meal
from bot.domain.tour_planning import Itinerary
from bot.domain.tours import Tour
from bot.ui.tour_handout import Handout, Kind, Row, handout
from bot.ui.tour_pdf import one_page_pdf
from bot.ui.tour_views import MAP_FILE


class ExportFormat(StrEnum):
    PDF = "pdf"
    MARKDOWN = "markdown"

    @property
    def extension(self) -> str:
        return "pdf" if self is ExportFormat.PDF else "md"

    @property
    def label(self) -> str:
        return "a one-page PDF" if self is ExportFormat.PDF else "Markdown"

    @classmethod
    def parse(cls, text: str) -> ExportFormat:
        """The format of the `export:` option ("pdf", "PDF", "md", "markdown"); anything else is told, not guessed."""
        word = text.strip().casefold().lstrip(".")
        for choice in cls:
            if word in (choice.value, choice.extension):
                return choice
        raise InvalidInput(f"“{text[:20]}” is not an export format: choose PDF or Markdown.")


# ------------------------------------------------------------------------------------------- the files


def export_filename(tour: Tour, fmt: ExportFormat) -> str:
    """ "Winter listening tour" → "winter-listening-tour.pdf": ASCII letters, digits and dashes only (safe on
    every system and in Discord's attachment URLs); a name with none of them becomes "tour-7"."""
    ascii_name = unicodedata.normalize("NFKD", tour.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.casefold()).strip("-")[:60].rstrip("-")
    return f"{slug or f'tour-{tour.id}'}.{fmt.extension}"


def tour_markdown(tour: Tour, itinerary: Itinerary, meals: Iterable[Meal] = (), *, as_of: dt.datetime) -> str:
    """The plan as Markdown; the map is the ``tour-map.png`` attached beside it by /tour show."""
    return markdown(handout(tour, itinerary, meals, as_of=as_of))


def markdown(sheet: Handout) -> str:
    lines = [
        f"# {_md(sheet.title)}",
        "",
        sheet.summary,
        "",
        f"{sheet.dates} · {sheet.status}",
        "",
        f"![Route map of the tour]({MAP_FILE})",
        "",
    ]
    for team in sheet.teams:
        if team.heading:
            lines += [f"## {team.heading}", ""]
        level = "###" if team.heading else "##"  # a team's days sit under its heading
        for day in team.days:
            lines += [f"{level} {day.heading} · {day.driving}", ""]
            if day.note:
                lines += [f"*{day.note}*", ""]
            if day.rows:
                lines += [_md_row(row) for row in day.rows] + [""]
    if sheet.warnings:
        lines += ["## Needs attention", "", *(f"- {text}" for text in sheet.warnings), ""]
    if sheet.left_out:
        lines += [f"## {sheet.left_out_title}", "", *(f"- {text}" for text in sheet.left_out), ""]
    lines += ["---", "", f"*{sheet.footer}*", ""]
    return "\n".join(lines)


def _md_row(row: Row) -> str:
    title = f"**{row.title}**" if row.kind is Kind.MEAL else row.title
    parts = [part for part in (row.when, title, *row.details) if part]
    if row.venue:
        parts.append(f"at {_md(row.venue)}")
    if row.flag:
        parts.append(f"**{row.flag}**")
    return "- " + " · ".join(parts)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _md(text: str) -> str:
    """User text (a tour name, a venue) shown as typed, not as Markdown."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def tour_pdf(
    tour: Tour, itinerary: Itinerary, map_png: bytes, meals: Iterable[Meal] = (), *, as_of: dt.datetime
) -> bytes:
    """The plan on one page (Letter in North America, A4 elsewhere), with the route map."""
    start = itinerary.start.country_code
    return one_page_pdf(handout(tour, itinerary, meals, as_of=as_of), map_png, letter=start in LETTER_COUNTRIES)


LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PR", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO", "SV"})


def export_file(
    fmt: ExportFormat, tour: Tour, itinerary: Itinerary, map_png: bytes, meals: Iterable[Meal] = (),
    *, as_of: dt.datetime,
) -> tuple[str, bytes]:  # fmt: skip
    """(file name, content) of the export in ``fmt``."""
    if fmt is ExportFormat.PDF:
        content = tour_pdf(tour, itinerary, map_png, meals, as_of=as_of)
    else:
        content = tour_markdown(tour, itinerary, meals, as_of=as_of).encode()
    return export_filename(tour, fmt), content
