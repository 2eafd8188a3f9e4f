"""What /insight report and /insight export hand a manager: the summary embed, four charts (PNG bytes, drawn
headless like bot/ui/charts.py) and the CSV, JSON and Markdown files. Render only: the lead fetches the
report, the rows and the people, and decides where the files go.

A customer is named in an export only when they agreed to be quoted (``OptIn.QUOTES``, carried here as
``Person.quotes_ok``); anyone else reads as "a bookkeeper in Detroit" when we know what they do and where,
else "a customer". Their mentions inside the words follow the same rule, and an anonymised customer's jump
link is left out (it leads to who said it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import discord
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Annotation
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.domain.customers import spreadsheet_safe
from bot.domain.feedback import FeedbackSummary
from bot.domain.insights import Insight, InsightKind, InsightReport, InsightStatus
from bot.ui.charts import DPI, WIDTH_IN
from bot.ui.feedback import summary_line
from bot.ui.insights import KIND_ICONS
from bot.ui.style import BRAND, EMBED_FIELD_LIMIT, plural

__all__ = [
    "KIND_COLOURS",
    "Person",
    "customer_label",
    "export_csv",
    "export_json",
    "export_markdown",
    "report_charts",
    "report_embed",
]

EMBED_TAGS = 5
MAX_CITIES = 15
MAX_MEALS = 20
MAX_MONTH_LABELS = 24  # more months than this: every n-th month is labelled
CLOSED = (InsightStatus.PLANNED, InsightStatus.SHIPPED, InsightStatus.WONT_DO)

# The dark theme of bot/ui/charts.py, and one colour per kind in every chart (enum order never puts the two
# warm colours, pain point and churn risk, side by side in a stack).
_BACKGROUND, _INK, _MUTED, _GRID = "#2b2d31", "#f2f3f5", "#b5bac1", "#3f4147"
KIND_COLOURS: dict[InsightKind, str] = {
    InsightKind.PAIN_POINT: "#f0883e",
    InsightKind.FEATURE_REQUEST: "#5865f2",
    InsightKind.PRAISE: "#57f287",
    InsightKind.IDEA: "#fee75c",
    InsightKind.QUESTION: "#45c4d9",
    InsightKind.CHURN_RISK: "#ed4245",
    InsightKind.OTHER: "#949ba4",
}
_TAG_COLOUR = "#5865f2"
_GOOD, _BAD, _NEUTRAL = "#57f287", "#ed4245", "#949ba4"


# --------------------------------------------------------------------------------------------- the embed


def report_embed(report: InsightReport, *, scope: str, feedback: FeedbackSummary | None) -> discord.Embed:
    """The report a manager reads in ten seconds: how many, of which kind, how many closed the loop, the
    top tags, and the recommend score when there is feedback. Bounded by construction (7 kinds, 4 statuses,
    5 tags of ≤ 30 characters): far below 6,000 characters whatever the counts."""
    title = f"Insight report · {' '.join(scope.split())}"
    embed = discord.Embed(title=_cut(title, 256), colour=BRAND)
    closed = sum(report.by_status[s] for s in CLOSED)
    if not report.total:
        embed.description = "No insights in this scope yet. `/insight add` logs what a customer tells you."
    else:
        embed.description = (
            f"**{plural(report.total, 'insight')}** · **{closed:,}** closed the loop: planned, shipped or won't do "
            f"({_percent(closed, report.total)})"
        )
        kinds = [
            f"{KIND_ICONS[kind]} {kind.label} — **{count:,}** ({_percent(count, report.total)})"
            for kind, count in _by_count(report.by_kind)
        ]
        embed.add_field(name="By kind", value=_field(kinds), inline=True)
        statuses = [f"{status.label} — **{report.by_status[status]:,}**" for status in InsightStatus]
        embed.add_field(name="Closing the loop", value=_field(statuses), inline=True)
        tags = [f"`{tag}` — {count:,}" for tag, count in report.top_tags[:EMBED_TAGS]]
        if report.untagged:
            tags.append(f"*untagged — {report.untagged:,}*")
        embed.add_field(name="Top tags", value=_field(tags or ["No tags yet."]), inline=False)
    if feedback is not None:
        embed.add_field(name="Recommend score", value=_field([summary_line(feedback)]), inline=False)
    return embed


def _by_count(counts: Mapping[InsightKind, int]) -> list[tuple[InsightKind, int]]:
    """The kinds that occur, most first (ties in enum order)."""
    order = list(InsightKind)
    return sorted(((k, n) for k, n in counts.items() if n), key=lambda item: (-item[1], order.index(item[0])))


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _field(lines: Sequence[str]) -> str:
    text = "\n".join(lines)
    return text if len(text) <= EMBED_FIELD_LIMIT else text[: EMBED_FIELD_LIMIT - 1] + "…"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------- the charts

MealScore = tuple[str, int | None, int]  # (meal title, recommend score −100…100 or None, answers)


def report_charts(
    report: InsightReport,
    *,
    meal_scores: Sequence[MealScore],
    city_names: Mapping[int, str] | None = None,
) -> list[tuple[str, bytes]]:
    """The report's pictures as (filename, PNG bytes), leaving out any that would have nothing on it:
    kinds-per-city.png, trend.png, top-tags.png and recommend-by-meal.png, in that order."""
    charts: list[tuple[str, bytes]] = []
    if any(city is not None and sum(counts.values()) for city, counts in report.by_city.items()):
        charts.append(("kinds-per-city.png", kinds_per_city_png(report, city_names or {})))
    if report.total and report.by_month:
        charts.append(("trend.png", trend_png(report)))
    if report.top_tags:
        charts.append(("top-tags.png", top_tags_png(report)))
    if any(score is not None and answers for _, score, answers in meal_scores):
        charts.append(("recommend-by-meal.png", recommend_by_meal_png(meal_scores)))
    return charts


def kinds_per_city_png(report: InsightReport, city_names: Mapping[int, str]) -> bytes:
    """One bar per city (busiest on top), split by kind, with the city's total after it."""
    cities = [(city, counts) for city, counts in report.by_city.items() if sum(counts.values())]
    shown = cities[:MAX_CITIES][::-1]
    kinds = _kinds_in([counts for _, counts in shown])
    legend_rows = math.ceil(len(kinds) / 4)
    chart = _Canvas(rows=len(shown), legend_rows=legend_rows, footer_in=0.75)
    axes = chart.axes
    _style_counts(axes, axis="x")
    positions = list(range(len(shown)))
    left = [0] * len(shown)
    for kind in kinds:
        values = [counts.get(kind, 0) for _, counts in shown]
        axes.barh(positions, values, 0.62, left=left, color=KIND_COLOURS[kind], label=kind.label)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for position, total in zip(positions, left, strict=True):
        axes.annotate(
            f"{total:,}",
            (total, position),
            xytext=(5, 0),
            textcoords="offset points",
            va="center",
            color=_INK,
            fontsize=10,
            fontweight="bold",
        )
    names = [_two_lines(_city_name(city, city_names)) for city, _ in shown]
    axes.set_yticks(positions, names, fontsize=11, color=_INK)
    axes.set_ylim(-0.6, len(shown) - 0.4)
    axes.set_xlim(0, max([*left, 1]) * 1.12)
    axes.set_xlabel("insights", color=_MUTED, fontsize=10)
    more = f" · busiest {MAX_CITIES} shown" if len(cities) > MAX_CITIES else ""
    subtitle = f"{plural(report.total, 'insight')} · {plural(len(cities), 'city', 'cities')}{more}"
    chart.header("Insights per city, by kind", subtitle, kinds)
    chart.fit_left_labels()
    return chart.png()


def trend_png(report: InsightReport) -> bytes:
    """Insights per month, stacked by kind: a bar per month (oldest on the left), the total above it."""
    months = report.by_month
    kinds = _kinds_in([m.by_kind for m in months])
    chart = _Canvas(height_in=5.4, legend_rows=math.ceil(len(kinds) / 4), footer_in=0.95)
    axes = chart.axes
    _style_counts(axes, axis="y")
    positions = list(range(len(months)))
    bottom = [0] * len(months)
    width = 0.72
    for kind in kinds:
        values = [m.by_kind.get(kind, 0) for m in months]
        axes.bar(positions, values, width, bottom=bottom, color=KIND_COLOURS[kind], label=kind.label)
        bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    step = math.ceil(len(months) / MAX_MONTH_LABELS)
    if step == 1:
        for position, total in zip(positions, bottom, strict=True):
            if total:
                axes.annotate(
                    f"{total:,}",
                    (position, total),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    color=_INK,
                    fontsize=8.5 if len(months) > 12 else 10,
                    fontweight="bold",
                )
    labelled = positions[::step]
    axes.set_xticks(labelled, _month_labels([months[i].month for i in labelled]), fontsize=9, color=_MUTED)
    pad = max(0.6, (6 - len(months)) / 2)  # a single month is a bar, not a wall
    axes.set_xlim(-pad, len(months) - 1 + pad)
    axes.set_ylim(0, max([*bottom, 1]) * 1.14)
    axes.set_ylabel("insights", color=_MUTED, fontsize=10)
    axes.set_xlabel("month (UTC)", color=_MUTED, fontsize=10)
    span = f"{_month_name(months[0].month)} – {_month_name(months[-1].month)}"
    subtitle = f"{plural(report.total, 'insight')} · {span}" if len(months) > 1 else plural(report.total, "insight")
    chart.header("Insights per month, by kind", subtitle, kinds)
    chart.fit_left_labels()
    return chart.png()


def top_tags_png(report: InsightReport) -> bytes:
    """The ten most used tags, most used on top, each with its count."""
    shown = report.top_tags[:10][::-1]
    chart = _Canvas(rows=len(shown), footer_in=0.75)
    axes = chart.axes
    _style_counts(axes, axis="x")
    positions = list(range(len(shown)))
    bars = axes.barh(positions, [n for _, n in shown], 0.62, color=_TAG_COLOUR)
    axes.bar_label(bars, labels=[f"{n:,}" for _, n in shown], padding=5, color=_INK, fontsize=10, fontweight="bold")
    axes.set_yticks(positions, [tag for tag, _ in shown], fontsize=11, color=_INK)
    axes.set_ylim(-0.6, len(shown) - 0.4)
    axes.set_xlim(0, max(n for _, n in shown) * 1.12)
    axes.set_xlabel("insights with the tag", color=_MUTED, fontsize=10)
    subtitle = plural(report.total, "insight") + (f" · {report.untagged:,} without a tag" if report.untagged else "")
    chart.header(f"Top {len(shown)} tags" if len(shown) > 1 else "Top tag", subtitle, [])
    chart.fit_left_labels()
    return chart.png()


def recommend_by_meal_png(meal_scores: Sequence[MealScore]) -> bytes:
    """The recommend score of each meal with answers (in the order given, first on top): a bar from the zero
    line, green above zero and red below, the score at its end and the number of answers on the right."""
    answered = [(title, score, n) for title, score, n in meal_scores if score is not None and n]
    shown = answered[:MAX_MEALS][::-1]
    chart = _Canvas(rows=len(shown), footer_in=0.75)
    axes = chart.axes
    axes.set_facecolor(_BACKGROUND)
    axes.spines[["top", "right", "left", "bottom"]].set_visible(False)
    axes.tick_params(axis="x", colors=_MUTED, labelsize=10, length=0)
    axes.tick_params(axis="y", length=0, pad=8)
    axes.grid(axis="x", color=_GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    positions = list(range(len(shown)))
    scores = [score or 0 for _, score, _ in shown]
    colours = [_GOOD if s > 0 else _BAD if s < 0 else _NEUTRAL for s in scores]
    axes.barh(positions, scores, 0.62, color=colours)
    axes.axvline(0, color=_INK, linewidth=1.2)
    for position, score in zip(positions, scores, strict=True):
        axes.annotate(
            _signed(score),
            (score, position),
            xytext=(5 if score >= 0 else -5, 0),
            textcoords="offset points",
            ha="left" if score >= 0 else "right",
            va="center",
            color=_INK,
            fontsize=10,
            fontweight="bold",
        )
    answers = [
        axes.annotate(
            plural(n, "answer"),
            (1.0, position),
            xycoords=("axes fraction", "data"),
            xytext=(10, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            color=_MUTED,
            fontsize=10,
        )
        for position, (_, _, n) in zip(positions, shown, strict=True)
    ]
    axes.set_yticks(positions, [_two_lines(title) for title, _, _ in shown], fontsize=11, color=_INK)
    axes.set_ylim(-0.6, len(shown) - 0.4)
    axes.set_xlim(-125, 125)  # −100…100 with room for the value at either end
    axes.set_xticks([-100, -50, 0, 50, 100])
    axes.set_xlabel("recommend score (promoters − detractors, −100 to +100)", color=_MUTED, fontsize=10)
    total = sum(n for _, _, n in answered)
    unanswered = len(meal_scores) - len(answered)
    parts = [plural(len(answered), "meal"), plural(total, "answer")]
    if len(answered) > MAX_MEALS:
        parts.append(f"first {MAX_MEALS} shown")
    if unanswered:
        parts.append(f"{plural(unanswered, 'meal')} without answers left out")
    chart.header("Recommend score by meal", " · ".join(parts), [])
    chart.fit_left_labels(right_texts=answers)
    return chart.png()


class _Canvas:
    """A dark figure 1200 px wide: a header (title, subtitle, a legend of kinds) over one axes, whose left
    edge is moved right of its tick labels once they are drawn (as in bot/ui/charts.py)."""

    _TITLE_IN, _LEGEND_ROW_IN, _ROW_IN = 0.8, 0.3, 0.5

    def __init__(
        self, *, rows: int = 0, height_in: float | None = None, legend_rows: int = 0, footer_in: float = 0.6
    ) -> None:
        self.header_in = self._TITLE_IN + self._LEGEND_ROW_IN * legend_rows
        self.height = height_in or self.header_in + footer_in + self._ROW_IN * max(rows, 1) + 0.1
        self.figure = Figure(figsize=(WIDTH_IN, self.height), dpi=DPI, facecolor=_BACKGROUND)
        FigureCanvasAgg(self.figure)
        bottom = footer_in / self.height
        self.axes = self.figure.add_axes((0.1, bottom, 0.85, 1 - bottom - self.header_in / self.height))

    def header(self, title: str, subtitle: str, kinds: Sequence[InsightKind]) -> None:
        top = 1 - 0.14 / self.height
        self.figure.text(0.02, top, title, va="top", ha="left", color=_INK, fontsize=14, fontweight="bold")
        self.figure.text(0.02, top - 0.38 / self.height, subtitle, va="top", ha="left", color=_MUTED, fontsize=10)
        if kinds:
            self.figure.legend(
                handles=[Patch(color=KIND_COLOURS[k], label=k.label) for k in kinds],
                loc="upper left",
                bbox_to_anchor=(0.02, top - 0.64 / self.height),
                ncol=min(len(kinds), 4),
                frameon=False,
                fontsize=10,
                labelcolor=_INK,
                handlelength=1.2,
                columnspacing=1.6,
                borderaxespad=0,
                borderpad=0,
            )

    def fit_left_labels(self, right_texts: Sequence[Annotation] = ()) -> None:
        """Move the axes right of its y tick labels (and left of texts drawn past its right edge)."""
        renderer = self.figure.canvas.get_renderer()  # type: ignore[attr-defined]
        ticks = [t for t in self.axes.get_yticklabels() if t.get_text()]
        names = max((t.get_window_extent(renderer).width for t in ticks), default=0.0)
        label = self.axes.yaxis.label  # drawn turned, left of the tick labels: its height is its width
        extra = label.get_window_extent(renderer).width + 12 if label.get_text() else 0.0
        left = (names + extra + 30) / (WIDTH_IN * DPI)
        right_width = max((t.get_window_extent(renderer).width for t in right_texts), default=0.0)
        right = 0.97 - (right_width + 14 if right_texts else 0) / (WIDTH_IN * DPI)
        position = self.axes.get_position()
        self.axes.set_position((left, position.y0, right - left, position.height))

    def png(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", facecolor=_BACKGROUND)
        return buffer.getvalue()


def _style_counts(axes: Axes, *, axis: Literal["x", "y"]) -> None:
    """Counts along ``axis`` ("x" or "y"): whole numbers, thousands separated, a faint grid."""
    other: Literal["x", "y"] = "y" if axis == "x" else "x"
    axes.set_facecolor(_BACKGROUND)
    axes.spines[["top", "right"]].set_visible(False)
    axes.spines["bottom" if axis == "x" else "left"].set_visible(False)
    axes.spines["left" if axis == "x" else "bottom"].set_color(_GRID)
    count_axis = axes.xaxis if axis == "x" else axes.yaxis
    count_axis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    count_axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axes.tick_params(axis=axis, colors=_MUTED, labelsize=10, length=0)
    axes.tick_params(axis=other, length=0, pad=8)
    axes.grid(axis=axis, color=_GRID, linewidth=0.8)
    axes.set_axisbelow(True)


def _kinds_in(counts: Sequence[Mapping[InsightKind, int]]) -> list[InsightKind]:
    """The kinds that occur somewhere, in enum order (so every chart stacks and colours them alike)."""
    return [kind for kind in InsightKind if any(c.get(kind, 0) for c in counts)]


def _city_name(city: int | None, names: Mapping[int, str]) -> str:
    return "(no city)" if city is None else names.get(city) or f"city #{city}"


def _two_lines(label: str, width: int = 26) -> str:
    """A long city or meal name on two lines at most, cut with "…" beyond: the bars keep their room."""
    lines = textwrap.wrap(" ".join(label.split()), width, break_long_words=True) or [""]
    if len(lines) > 2:
        lines = [lines[0], _cut(" ".join(lines[1:]), width)]
    return "\n".join(lines)


def _signed(score: int) -> str:
    """ "+45", "0", "−20" (a real minus sign, like the axis)."""
    return f"+{score}" if score > 0 else f"−{-score}" if score < 0 else "0"


def _month_name(month: str) -> str:
    return dt.date.fromisoformat(month + "-01").strftime("%b %Y")


def _month_labels(months: Sequence[str]) -> list[str]:
    """ "Mar" per month, with the year under the first and under each January."""
    labels, year = [], ""
    for month in months:
        day = dt.date.fromisoformat(month + "-01")
        labels.append(day.strftime("%b") + (f"\n{day.year}" if month[:4] != year else ""))
        year = month[:4]
    return labels


# --------------------------------------------------------------------------------------------- the exports


@dataclass(frozen=True, slots=True)
class Person:
    """What an export may say about a customer, filled by the lead from ``customers``."""

    name: str
    quotes_ok: bool  # OptIn.QUOTES: they agreed to be named in reports
    what_i_do: str | None = None
    city: str | None = None


_MENTION = re.compile(r"<@!?(\d+)>")
_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)
MAX_ROLE = 60


def customer_label(insight: Insight, people: Mapping[int, Person]) -> str | None:
    """Who said it, as an export may show it: their name with the quotes opt-in, else "a bookkeeper in
    Detroit" / "a customer"; None when the insight is about no one. A name typed for someone off Discord
    carries no consent, so it is never shown."""
    if insight.customer_user_id is None:
        return "a customer" if insight.customer_name else None
    return _person_label(people.get(insight.customer_user_id))


def _person_label(person: Person | None) -> str:
    if person is None:
        return "a customer"
    if person.quotes_ok and person.name.strip():
        return " ".join(person.name.split())
    role = _role(person)
    city = " ".join((person.city or "").split())
    who = f"{_article(role)} {role}" if role else "a customer"
    return f"{who} in {city}" if city and not _names(person, city) else who


def _role(person: Person) -> str:
    """What they do, as a noun after "a": "Bookkeeper" → "bookkeeper"; dropped when it would name them."""
    role = _ARTICLE.sub("", " ".join((person.what_i_do or "").split())).rstrip(".")
    if not role or len(role) > MAX_ROLE or _names(person, role) or not _a_noun(role):
        return ""
    # "Bookkeeper" reads "a bookkeeper"; an acronym ("CFO", "UX designer") keeps its capitals.
    return role if role[1:2].isupper() else role[0].lower() + role[1:]


_NOT_A_ROLE = frozenset({"i", "i'm", "im", "we", "we're", "my", "our", "me", "us", "for", "in", "at", "of", "and"})
MAX_ROLE_WORDS = 3


def _a_noun(role: str) -> bool:
    """Whether "a <role>" reads as a job: "bookkeeper", "UX designer", "coffee roaster" do; "I run a bakery with
    12 people" or "accounting for small businesses" (a sentence, a field of work) don't — they become "a
    customer"."""
    words = role.casefold().replace("’", "'").split()
    return (
        len(words) <= MAX_ROLE_WORDS and not any(word in _NOT_A_ROLE for word in words) and not words[0].endswith("ing")
    )


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _names(person: Person, text: str) -> bool:
    """Whether the text holds their name, or a part of it of 3+ letters, as a whole word."""
    parts = [p for p in person.name.split() if len(p) >= 3]
    if person.name.strip():
        parts.append(person.name.strip())
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text, re.IGNORECASE) for p in parts)


def _words(insight: Insight, people: Mapping[int, Person]) -> str:
    """The insight's text with each mention written as the export may show that person."""
    return _MENTION.sub(lambda m: _person_label(people.get(int(m.group(1)))), insight.text)


def _named(insight: Insight, people: Mapping[int, Person]) -> bool:
    person = people.get(insight.customer_user_id) if insight.customer_user_id is not None else None
    return person is not None and person.quotes_ok and bool(person.name.strip())


def _record(insight: Insight, people: Mapping[int, Person], city_names: Mapping[int, str]) -> dict[str, object]:
    """One insight as an export shows it (shared by CSV and JSON, so they can't disagree on privacy)."""
    return {
        "id": insight.id,
        "created_at": insight.created_at.astimezone(dt.UTC).isoformat(),
        "kind": insight.kind.label,
        "status": insight.status.label,
        "status_note": insight.status_note,
        "status_changed_at": insight.status_changed_at.astimezone(dt.UTC).isoformat()
        if insight.status_changed_at
        else None,
        "tags": list(insight.tags),
        "text": _words(insight, people),
        "customer": customer_label(insight, people),
        "city": None if insight.city_id is None else city_names.get(insight.city_id),
        "city_id": insight.city_id,
        "meal_id": insight.meal_id,
        "tour_id": insight.tour_id,
        "source": insight.source.value,
        "message_url": insight.message_url if _named(insight, people) else None,
    }


_CSV_COLUMNS = (
    "id",
    "created_at",
    "kind",
    "status",
    "status_note",
    "status_changed_at",
    "tags",
    "text",
    "customer",
    "city",
    "city_id",
    "meal_id",
    "tour_id",
    "source",
    "message_url",
)


def export_csv(
    rows: Sequence[Insight], people: Mapping[int, Person], *, city_names: Mapping[int, str] | None = None
) -> bytes:
    """One line per insight; every cell safe to open in a spreadsheet; UTF-8 with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_CSV_COLUMNS)
    for insight in rows:
        record = _record(insight, people, city_names or {})
        record["tags"] = ", ".join(insight.tags)
        writer.writerow([spreadsheet_safe(record[column]) for column in _CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheets read UTF-8 correctly


def export_json(
    rows: Sequence[Insight], people: Mapping[int, Person], *, city_names: Mapping[int, str] | None = None
) -> bytes:
    """``{"insights": [...]}``, one object per insight with the CSV's fields (tags as a list), UTF-8."""
    records = [_record(insight, people, city_names or {}) for insight in rows]
    return json.dumps({"insights": records}, ensure_ascii=False, indent=2).encode()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
# A heading (#, or a line of = under text), a list item (-, +, 1. or 1)) of theirs would restructure the document.
_MD_LINE_START = re.compile(r"^(\s*)([#+\-]|=(?==*\s*$)|\d+(?=[.)]))", re.MULTILINE)


def export_markdown(
    report: InsightReport,
    rows: Sequence[Insight],
    people: Mapping[int, Person],
    *,
    scope: str,
    city_names: Mapping[int, str] | None = None,
    feedback: FeedbackSummary | None = None,
) -> bytes:
    """A report to paste into a document: the summary, then the insights grouped by kind (most first), each
    with its date, who said it (as allowed), status and tags, and the words quoted."""
    names = city_names or {}
    lines = [f"# Insight report: {_md(' '.join(scope.split()))}", "", "## Summary", ""]
    closed = sum(report.by_status[s] for s in CLOSED)
    lines += [
        f"- **{plural(report.total, 'insight')}**, {closed:,} closed the loop ({_percent(closed, report.total)})",
        "- By kind: " + (", ".join(f"{k.label} {n:,}" for k, n in _by_count(report.by_kind)) or "none"),
        "- By status: " + ", ".join(f"{s.label} {report.by_status[s]:,}" for s in InsightStatus),
    ]
    if report.top_tags:
        lines.append("- Top tags: " + ", ".join(f"{tag} ({n:,})" for tag, n in report.top_tags))
    busiest = [(city, sum(counts.values())) for city, counts in report.by_city.items() if city is not None]
    if busiest := [(city, total) for city, total in busiest if total][:5]:
        lines.append("- Busiest cities: " + ", ".join(f"{_md(_city_name(c, names))} ({n:,})" for c, n in busiest))
    if feedback is not None:
        lines.append("- " + summary_line(feedback))
    grouped: dict[InsightKind, list[Insight]] = {kind: [] for kind in InsightKind}
    for insight in rows:
        grouped[insight.kind].append(insight)
    lines += ["", "## Insights", ""] if rows else []
    for kind, insights in sorted(grouped.items(), key=lambda item: -len(item[1])):
        if not insights:
            continue
        lines += [f"### {kind.label.capitalize()} ({len(insights):,})", ""]
        for insight in insights:
            lines += [*_md_insight(insight, people, names), ""]
    return ("\n".join(lines).rstrip() + "\n").encode()


def _md_insight(insight: Insight, people: Mapping[int, Person], city_names: Mapping[int, str]) -> list[str]:
    parts = [f"**{insight.created_at.astimezone(dt.UTC).date().isoformat()}**"]
    if (who := customer_label(insight, people)) is not None:
        parts.append(_md(who))
    if insight.city_id is not None and insight.city_id in city_names:
        parts.append(_md(city_names[insight.city_id]))
    parts.append(f"*{insight.status.label}*")
    if insight.tags:
        parts.append("tags: " + ", ".join(insight.tags))
    if insight.message_url and _named(insight, people):
        parts.append(f"[message]({insight.message_url})")
    lines = [f"- {' · '.join(parts)}"]
    lines += [f"  > {line}" if line.strip() else "  >" for line in _md(_words(insight, people)).splitlines()]
    if insight.status_note:
        lines.append(f"  *{insight.status.label.capitalize()}:* {_md(' '.join(insight.status_note.split()))}")
    return lines


def _md(text: str) -> str:
    """Someone's words, escaped so they read as written (no heading, list, link, bold or HTML of theirs)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m[1] + (m[2] + "\\" if m[2][0].isdigit() else "\\" + m[2]), escaped)
