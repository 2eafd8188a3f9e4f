"""A tour plan on one printed page (PDF, through matplotlib's PDF backend): the title and summary, the route map,
then the days in two columns, the places left out, and a footer.

Everything must fit one page, from a one-day tour to a two-week one with three meals a day. The layout tries the
largest text first and steps down: with the map across the page while the text stays comfortable (≥ 8 pt), else
with the map at the top of the right column (about a third of the page more for text) while the text stays
readable (≥ 6.5 pt), else with a smaller map if that gives larger text. Columns are balanced; a day stays in one
column unless that alone keeps it from fitting (then it goes on under "Day 3 · … (continued)"). Text is real
text (TrueType fonts embedded), so it can be searched and copied from the PDF.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import matplotlib as mpl
from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager
from matplotlib.image import imread
from matplotlib.patches import Rectangle
from matplotlib.textpath import text_to_path

from bot.ui.route_map import TEAM_COLOURS
from bot.ui.tour_handout import Day, Handout, Kind, Row

A4 = (595.28, 841.89)  # points (1/72 in)
LETTER = (612.0, 792.0)
MARGIN = 34.0
GUTTER = 16.0
SIZES = tuple(size / 4 for size in range(34, 21, -1))  # body text from 8.5 pt down to 5.5 pt, by quarters
COMFORTABLE = 8.0  # the map keeps the page's width only while the text stays at least this big
READABLE = 6.5  # the map keeps a column's width while the text stays at least this big
SMALL_MAP = 0.7  # else it may shrink to this share of a column if that makes the text larger
TINY = (5.25, 5.0, 4.75, 4.5)  # whole but tiny (to zoom into) is better than cut: only with the small map
LEADING = 1.22
# DejaVu Sans ships with matplotlib (the same layout everywhere; it has → · – ☾); venues in other scripts use a
# font of the machine that has them, if there is one (else those letters are left blank).
FALLBACKS = ("Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans", "Droid Sans Fallback", "WenQuanYi Zen Hei")
FAMILY = ["DejaVu Sans", *(name for name in FALLBACKS if name in {font.name for font in fontManager.ttflist})]

INK = "#1f2328"
MUTED = "#59636e"
NIGHT = "#3b3f9e"
ALERT = "#b42318"
BAND = "#eceefa"
TEAM_BAND = "#d9ddf3"
FRAME = "#c5c9d3"


@dataclass(frozen=True, slots=True)
class Style:
    bold: bool = False
    italic: bool = False
    colour: str = INK


PLAIN = Style()
STRONG = Style(bold=True)
QUIET = Style(colour=MUTED)
NOTE = Style(italic=True, colour=MUTED)

Words = tuple[tuple[str, Style], ...]


@dataclass(frozen=True, slots=True)
class Line:
    """One laid-out line of a column: ``prefix`` (a time or a bullet) at the column's edge, ``words`` from
    ``indent``; a ``band`` line is a day's heading, with ``right`` flush right."""

    words: Words
    height: float
    indent: float = 0.0
    prefix: tuple[str, Style] | None = None
    band: bool = False
    right: str = ""
    bar: str = ""  # a team's colour on the map, as a bar at the band's left (tours of several teams)
    heavy: bool = False  # a team's heading: a darker band, a wider bar, larger text
    joined: bool = False  # it goes on with the line above (a wrapped row): a column never breaks before it


@dataclass(frozen=True, slots=True)
class Block:
    """A day or a section, kept in one column when it can be; ``again`` heads its continuation otherwise."""

    lines: tuple[Line, ...]
    again: Line | None = None
    gap: float = 0.0  # space above it


@dataclass(frozen=True)
class Frame:
    """Where things go on the page (points, from the lower left): the map's box and each column's top."""

    map_box: tuple[float, float, float, float]
    tops: tuple[float, float]
    column_width: float


def one_page_pdf(sheet: Handout, map_png: bytes, *, letter: bool = False) -> bytes:
    width, height = LETTER if letter else A4
    picture = imread(io.BytesIO(map_png), format="png")
    aspect = picture.shape[1] / picture.shape[0]
    figure = Figure(figsize=(width / 72, height / 72), dpi=72, facecolor="white")
    FigureCanvasPdf(figure)
    page = _Page(figure, width, height)
    top = page.header(sheet)
    bottom = page.footer(sheet.footer)
    frame, size, columns = _fit(sheet, width, top, bottom, aspect)
    x, y, w, h = frame.map_box
    axes = figure.add_axes((x / width, y / height, w / width, h / height))
    axes.imshow(picture, interpolation="none", aspect="auto")
    axes.set_axis_off()
    figure.add_artist(Rectangle((x, y), w, h, transform=None, fill=False, edgecolor=FRAME, linewidth=0.6))
    for number, column in enumerate(columns):
        left = MARGIN + number * (frame.column_width + GUTTER)
        page.column(column, left, frame.tops[number], frame.column_width, size)
    buffer = io.BytesIO()
    metadata = {"Title": sheet.title, "Subject": "Listening tour plan", "Creator": "Listening Tour",
                "CreationDate": sheet.as_of}  # fmt: skip
    with mpl.rc_context({"pdf.fonttype": 42, "pdf.compression": 6}):  # 42: TrueType, so the text can be copied
        figure.savefig(buffer, format="pdf", metadata=metadata)
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------------- layout


def _fit(
    sheet: Handout, width: float, top: float, bottom: float, aspect: float
) -> tuple[Frame, float, list[list[Block]]]:
    """The largest text (and map) that fits: the map across the page while the text stays comfortable, else the
    map atop the right column while the text stays readable, else whichever of that or a smaller map lets the
    text be larger (down to tiny). Never more than one page: past all that, the last lines give way to a line
    saying so."""
    column_width = (width - 2 * MARGIN - GUTTER) / 2
    right = MARGIN + column_width + GUTTER
    frames = []
    for map_width, left in ((width - 2 * MARGIN, MARGIN), (column_width, right), (column_width * SMALL_MAP, None)):
        map_height = map_width / aspect
        x = right + column_width - map_width if left is None else left
        tops = (top - map_height - 12,) * 2 if map_width > column_width else (top, top - map_height - 12)
        frames.append(Frame((x, top - map_height, map_width, map_height), tops, column_width))
    wide, narrow, small = frames
    wide_sizes = [size for size in SIZES if size >= COMFORTABLE]
    best = {
        wide: _largest(sheet, wide, bottom, wide_sizes),
        narrow: _largest(sheet, narrow, bottom, SIZES),
        small: _largest(sheet, small, bottom, (*SIZES, *TINY)),
    }
    for frame, least in ((wide, COMFORTABLE), (narrow, READABLE), (small, 0.0)):
        found = best[frame]
        if found is not None and found[0] >= least and (frame is not small or _larger(found, best[narrow])):
            return frame, *found
    fallback = best[narrow] or best[small]
    if fallback is not None:
        return narrow if best[narrow] else small, *fallback
    size = TINY[-1]
    blocks = _blocks(sheet, column_width, size)
    return small, size, _truncated(blocks, [t - bottom for t in small.tops], size, column_width)


def _largest(
    sheet: Handout, frame: Frame, bottom: float, sizes: Sequence[float]
) -> tuple[float, list[list[Block]]] | None:
    """The largest text size whose blocks fit the frame's columns (keeping each day whole if it can)."""
    for size in sizes:
        blocks = _blocks(sheet, frame.column_width, size)
        for split in (False, True):
            columns = _columns(blocks, [t - bottom for t in frame.tops], split=split)
            if columns is not None:
                return size, columns
    return None


def _larger(small: tuple[float, list[list[Block]]], narrow: tuple[float, list[list[Block]]] | None) -> bool:
    return narrow is None or small[0] > narrow[0]


def _columns(blocks: Sequence[Block], room: Sequence[float], *, split: bool) -> list[list[Block]] | None:
    """Blocks in columns as even as they can be (the shortest cap on the first column that lets all fit)."""
    low, high = 0.0, room[0]
    if _fill(blocks, [high, *room[1:]], split=split) is None:
        return None
    while high - low > 1.0:
        middle = (low + high) / 2
        if _fill(blocks, [middle, *room[1:]], split=split) is None:
            low = middle
        else:
            high = middle
    return _fill(blocks, [high, *room[1:]], split=split)


def _fill(blocks: Sequence[Block], room: Sequence[float], *, split: bool) -> list[list[Block]] | None:
    columns: list[list[Block]] = [[] for _ in room]
    queue = list(blocks)
    column, used = 0, 0.0
    while queue:
        block = queue.pop(0)
        gap = block.gap if columns[column] else 0.0
        need = gap + sum(line.height for line in block.lines)
        if used + need <= room[column]:
            columns[column].append(block if columns[column] else replace(block, gap=0.0))
            used += need
            continue
        if split and block.again is not None:
            head, rest = _split(block, room[column] - used - gap)
            if head is not None:
                columns[column].append(head if columns[column] else replace(head, gap=0.0))
                queue.insert(0, rest)
                column, used = column + 1, 0.0
                if column == len(room):
                    return None
                continue
        if not columns[column]:
            return None  # it doesn't fit even in an empty column
        queue.insert(0, block)
        column, used = column + 1, 0.0
        if column == len(room):
            return None
    return columns


def _split(block: Block, room: float) -> tuple[Block | None, Block]:
    """As many lines as fit (the heading and at least one more), and the rest under a "continued" heading."""
    assert block.again is not None
    taken, used = 0, 0.0
    for line in block.lines:
        if used + line.height > room:
            break
        used += line.height
        taken += 1
    while 0 < taken < len(block.lines) and block.lines[taken].joined:
        taken -= 1  # not inside a row
    if taken < 2 or taken == len(block.lines):
        return None, block
    return (
        Block(block.lines[:taken], None, block.gap),
        Block((block.again, *block.lines[taken:]), block.again, 0.0),
    )


def _truncated(blocks: Sequence[Block], room: Sequence[float], size: float, width: float) -> list[list[Block]]:
    """Last resort (never reached by a 14-day tour): as many lines as fit, and a line saying what is missing."""
    lines = [line for block in blocks for line in block.lines]
    columns: list[list[Block]] = []
    for space in room:
        taken: list[Line] = []
        used = 0.0
        while lines and used + lines[0].height <= space - size * LEADING:
            used += lines[0].height
            taken.append(lines.pop(0))
        columns.append([Block(tuple(taken))])
    if lines:
        words = _words(f"… and {len(lines)} more lines: /tour show has the whole plan.", Style(bold=True, colour=ALERT))
        columns[-1][0] = Block((*columns[-1][0].lines, *_wrapped(words, width, size)))
    return columns


# ------------------------------------------------------------------------------------------- the text


def _blocks(sheet: Handout, width: float, size: float) -> list[Block]:
    days = [day for team in sheet.teams for day in team.days]
    when = max((_width(row.when, PLAIN, size) for day in days for row in day.rows), default=0.0)
    when += size * 0.7 if when else 0.0
    blocks = []
    for team in sheet.teams:
        bar = _team_colour(team.number) if team.heading else ""
        days_of_team = [_day(day, width, size, when, team.name, bar) for day in team.days]
        if team.heading and days_of_team:  # the team's heading stays with its first day
            heading = Line(_words(team.name, STRONG), size * 2.0, band=True, bar=bar, heavy=True)
            summary = _wrapped(_words(team.heading.removeprefix(team.name).removeprefix(" · "), QUIET), width, size)
            first = days_of_team[0]
            days_of_team[0] = replace(first, lines=(heading, *summary, *first.lines), gap=size * 1.2)
        blocks += days_of_team
    bullet = _width("•", PLAIN, size) + size * 0.5
    for title, items, colour in (
        ("Needs attention", sheet.warnings, ALERT),
        (sheet.left_out_title, sheet.left_out, INK),
    ):
        if not items:
            continue
        heading = Line(_words(title, Style(bold=True, colour=colour)), size * 1.7, band=True)
        lines = [heading]
        for item in items:
            lines += _wrapped(_words(item, PLAIN), width - bullet, size, indent=bullet, prefix=("•", QUIET))
        blocks.append(Block(tuple(lines), replace(heading, words=_words(f"{title} (continued)", STRONG)), size))
    return blocks


def _day(day: Day, width: float, size: float, when: float, team: str, bar: str) -> Block:
    """A day under its heading; in a tour of several teams, ``team`` ("Team 2") and its colour mark each day, so a
    day at the top of a column says whose it is."""
    right = f"{team} · {day.driving}" if team else day.driving
    room = width - _width(day.heading, STRONG, size + 0.5) - size * 2.5
    if _width(right, QUIET, size) > room:
        right = day.driving
    heading = Line(_words(day.heading, STRONG), size * 1.7, band=True, right=right, bar=bar)
    lines = [heading]
    if day.note:
        lines += _wrapped(_words(day.note, NOTE), width, size)
    for row in day.rows:
        lines += _wrapped(_row_words(row), width - when, size, indent=when, prefix=(row.when, QUIET))
    again = replace(heading, words=_words(f"{team + ' · ' if team else ''}{day.heading} (continued)", STRONG), right="")
    return Block(tuple(lines), again, size * 0.45)


def _team_colour(team: int) -> str:
    return TEAM_COLOURS[team % len(TEAM_COLOURS)]


def _row_words(row: Row) -> Words:
    """The title, then the details in one piece ("· 400 km · 4.5 h", "· arrive 17:45 CST": a line never breaks
    inside them); a venue is user text of any length, so it may break between words."""
    title, details = {
        Kind.MEAL: (STRONG, PLAIN),
        Kind.DRIVE: (QUIET, QUIET),
        Kind.NIGHT: (Style(bold=True, colour=NIGHT), Style(colour=NIGHT)),
    }[row.kind]
    words = _words(row.title, title)
    if row.details:
        words += ((f"· {' · '.join(row.details)}", details),)
    if row.venue:
        words += _words(f"· at {row.venue}", details)
    if row.flag:
        words += ((f"· {row.flag}", Style(bold=True, colour=ALERT)),)
    return words


def _words(text: str, style: Style) -> Words:
    return tuple((word, style) for word in text.split(" ") if word)


def _wrapped(
    words: Words, width: float, size: float, *, indent: float = 0.0, prefix: tuple[str, Style] | None = None
) -> list[Line]:
    """Greedy word wrap; a word longer than the line (a URL as a venue) is cut where it must be."""
    lines: list[Line] = []
    current: list[tuple[str, Style]] = []
    used = 0.0
    for word, style in _fitting_words(words, width, size):
        extra = _width(word, style, size) + (_width(" ", style, size) if current else 0.0)
        if current and used + extra > width * 0.99:
            lines.append(Line(tuple(current), size * LEADING, indent, prefix if not lines else None))
            current, used = [], 0.0
            extra = _width(word, style, size)
        current.append((word, style))
        used += extra
    if current or not lines:
        lines.append(Line(tuple(current), size * LEADING, indent, prefix if not lines else None))
    return [lines[0], *(_without_separator(replace(line, joined=True)) for line in lines[1:])]


def _without_separator(line: Line) -> Line:
    """A line that goes on with "· 4.5 h" reads better as "4.5 h"."""
    if not line.words or not line.words[0][0].startswith("· "):
        return line
    (first, style), *rest = line.words
    return replace(line, words=((first[2:], style), *rest))


def _fitting_words(words: Words, width: float, size: float) -> Iterator[tuple[str, Style]]:
    limit = width * 0.99
    for word, style in words:
        rest = word
        while len(rest) > 1 and _width(rest, style, size) > limit:
            cut = next((n for n in range(len(rest) - 1, 0, -1) if _width(rest[:n], style, size) <= limit), 1)
            yield rest[:cut], style
            rest = rest[cut:]
        yield rest, style


def _width(text: str, style: Style, size: float) -> float:
    return _em(text, style.bold, style.italic) * size


@functools.lru_cache(maxsize=8192)
def _em(text: str, bold: bool, italic: bool) -> float:
    """Width of ``text`` at 1 pt (unhinted, as the PDF draws it)."""
    width, _, _ = text_to_path.get_text_width_height_descent(text, _font(bold, italic, 100.0), ismath=False)
    return float(width) / 100


@functools.lru_cache(maxsize=64)
def _font(bold: bool, italic: bool, size: float) -> FontProperties:
    return FontProperties(
        family=FAMILY, weight="bold" if bold else "normal", style="italic" if italic else "normal", size=size
    )


# ------------------------------------------------------------------------------------------- drawing


class _Page:
    def __init__(self, figure: Figure, width: float, height: float) -> None:
        self._figure = figure
        self._width = width
        self._height = height

    def text(self, x: float, y: float, text: str, style: Style, size: float, *, right: bool = False) -> None:
        self._figure.text(
            x / self._width, y / self._height, text, fontproperties=_font(style.bold, style.italic, size),
            color=style.colour, ha="right" if right else "left", va="baseline", parse_math=False,
        )  # fmt: skip

    def header(self, sheet: Handout) -> float:
        """Title, summary, dates and status across the top; returns where the rest may start."""
        full = self._width - 2 * MARGIN
        title_size = min(18.0, 18.0 * full / max(_width(sheet.title, STRONG, 1.0) * 18.0, 1.0))
        y = self._height - MARGIN - title_size * 0.8
        self.text(MARGIN, y, sheet.title, STRONG, title_size)
        y -= title_size * 0.5
        summary = _summary_words(sheet.summary)
        for style_words, size in ((summary, 9.5), (_words(f"{sheet.dates} · {sheet.status}", QUIET), 8.5)):
            for line in _wrapped(style_words, full, size):
                y -= line.height
                self.line(line, MARGIN, y, size)
        return y - 10

    def footer(self, text: str) -> float:
        size = 6.5
        lines = _wrapped(_words(text, QUIET), self._width - 2 * MARGIN, size)
        y = MARGIN - 6
        for line in reversed(lines):
            self.line(line, MARGIN, y, size)
            y += line.height
        return y + 6

    def column(self, blocks: Sequence[Block], left: float, top: float, width: float, size: float) -> None:
        y = top
        for block in blocks:
            y -= block.gap
            for line in block.lines:
                y -= line.height
                if line.band:
                    self._band(line, left, y, width, size)
                else:
                    self.line(line, left, y + line.height - size * 1.0, size)

    def _band(self, line: Line, left: float, bottom: float, width: float, size: float) -> None:
        inset = line.height * 0.12
        self._figure.add_artist(
            Rectangle((left, bottom + inset), width, line.height - 2 * inset, transform=None,
                      facecolor=TEAM_BAND if line.heavy else BAND, edgecolor="none", zorder=0)
        )  # fmt: skip
        indent = size * 0.4
        if line.bar:
            bar = size * (0.6 if line.heavy else 0.3)
            self._figure.add_artist(
                Rectangle((left, bottom + inset), bar, line.height - 2 * inset, transform=None,
                          facecolor=line.bar, edgecolor=INK, linewidth=0.3, zorder=1)
            )  # fmt: skip
            indent += bar
        baseline = bottom + line.height / 2 - size * 0.36
        self.line(replace(line, indent=indent), left, baseline, size + (1.0 if line.heavy else 0.5))
        if line.right:
            self.text(left + width - size * 0.4, baseline, line.right, QUIET, size, right=True)

    def line(self, line: Line, left: float, baseline: float, size: float) -> None:
        if line.prefix is not None and line.prefix[0]:
            self.text(left, baseline, line.prefix[0], line.prefix[1], size)
        x = left + line.indent
        for text, style in _runs(line.words):
            self.text(x, baseline, text, style, size)
            x += _width(text + " ", style, size)


def _runs(words: Words) -> Iterator[tuple[str, Style]]:
    """Neighbouring words of one style, drawn as one piece of text."""
    run: list[str] = []
    current: Style | None = None
    for word, style in words:
        if style != current and run:
            assert current is not None
            yield " ".join(run), current
            run = []
        run.append(word)
        current = style
    if run and current is not None:
        yield " ".join(run), current


def _summary_words(summary: str) -> Words:
    """The summary line with its **bold** route (it is /tour show's line, in Discord's Markdown); each of its
    "· …" parts stays on one line."""
    route, _, rest = summary.removeprefix("**").partition("**")
    return (*_words(route, STRONG), *((f"· {part}", PLAIN) for part in rest.split(" · ")[1:]))
