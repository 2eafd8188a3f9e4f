"""Charts as PNG bytes, drawn headless (matplotlib's Agg backend, no display, no global pyplot state), for
Discord's dark theme and its ~520 px wide embeds (1200 px wide, text stays ≥ 9 px when shrunk)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.domain.cities import City
from bot.services.customers import CityCount

MAX_BARS = 15
WIDTH_IN, DPI = 8.0, 150  # 1200 px wide
_BACKGROUND = "#2b2d31"  # Discord's dark theme
_INK = "#f2f3f5"
_MUTED = "#b5bac1"
_GRID = "#3f4147"
_CUSTOMERS_COLOUR = "#5865f2"
_REQUESTS_COLOUR = "#f0b232"
_HEADER_IN, _FOOTER_IN, _ROW_IN = 0.95, 0.45, 0.52


def chart_height_inches(bars: int) -> float:
    """Grows with the number of cities shown, so bars keep their thickness."""
    return _HEADER_IN + _FOOTER_IN + _ROW_IN * max(min(bars, MAX_BARS), 1)


def city_chart_png(counts: Sequence[CityCount], *, title: str = "Customers and stop requests by city") -> bytes:
    """A pair of bars per city (biggest on top): customers and stop requests, each with its value."""
    shown = list(counts[:MAX_BARS])[::-1]
    height = chart_height_inches(len(shown))
    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor=_BACKGROUND)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.0, _FOOTER_IN / height, 1.0, 1 - (_HEADER_IN + _FOOTER_IN) / height))
    _style(axes)
    positions = range(len(shown))
    thickness = 0.38
    customers = axes.barh(
        [p + thickness / 2 for p in positions],
        [c.customers for c in shown],
        thickness,
        label="customers",
        color=_CUSTOMERS_COLOUR,
    )
    requests = axes.barh(
        [p - thickness / 2 for p in positions],
        [c.requests for c in shown],
        thickness,
        label="stop requests",
        color=_REQUESTS_COLOUR,
    )
    _values(axes, customers, [c.customers for c in shown])
    _values(axes, requests, [c.requests for c in shown])
    axes.set_yticks(list(positions), _names([c.city for c in shown]), fontsize=11, color=_INK)
    axes.set_ylim(-0.6, len(shown) - 0.4)
    top = max([c.customers for c in shown] + [c.requests for c in shown] + [1])
    axes.set_xlim(0, top * 1.14)  # room for the value after the longest bar
    _header(figure, title, counts, height, (customers, requests))
    # The city names take what they need on the left: measured, then the axes are moved right of them.
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    names = max((t.get_window_extent(renderer).width for t in axes.get_yticklabels()), default=0.0)
    left = (names + 36) / (WIDTH_IN * DPI)
    position = axes.get_position()
    axes.set_position((left, position.y0, 0.975 - left, position.height))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=_BACKGROUND)
    return buffer.getvalue()


def _style(axes: Axes) -> None:
    axes.set_facecolor(_BACKGROUND)
    axes.spines[["top", "right", "bottom"]].set_visible(False)
    axes.spines["left"].set_color(_GRID)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))  # counts: no 2.5 customers
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axes.tick_params(axis="x", colors=_MUTED, labelsize=10, length=0)
    axes.tick_params(axis="y", length=0, pad=8)
    axes.grid(axis="x", color=_GRID, linewidth=0.8)
    axes.set_axisbelow(True)


def _values(axes: Axes, bars: BarContainer, values: Sequence[int]) -> None:
    """The count just after each bar, thousands separated; nothing for zero (no bar either)."""
    axes.bar_label(
        bars,
        labels=[f"{v:,}" if v else "" for v in values],
        padding=5,
        color=_INK,
        fontsize=10,
        fontweight="bold",
    )


def _header(
    figure: Figure, title: str, counts: Sequence[CityCount], height: float, bars: Sequence[BarContainer]
) -> None:
    top = 1 - 0.14 / height
    figure.text(0.02, top, title, va="top", ha="left", color=_INK, fontsize=14, fontweight="bold")
    customers, requests = sum(c.customers for c in counts), sum(c.requests for c in counts)
    more = f" · top {MAX_BARS} shown" if len(counts) > MAX_BARS else ""
    figure.text(
        0.02,
        top - 0.38 / height,
        f"{_count(customers, 'customer')} · {_count(requests, 'stop request')} · "
        f"{_count(len(counts), 'city', 'cities')}{more}",
        va="top",
        ha="left",
        color=_MUTED,
        fontsize=10,
    )
    figure.legend(
        handles=list(bars),
        loc="upper right",
        bbox_to_anchor=(0.99, 1 - 0.06 / height),
        frameon=False,
        fontsize=10,
        labelcolor=_MUTED,
        ncol=1,
        handlelength=1.2,
    )


def _names(cities: Sequence[City]) -> list[str]:
    """ "Portland, OR", "Berlin, DE": short enough to leave the bars room; the full label when two would read
    the same."""
    hints = [city.hint for city in cities]
    return [_short(hint if hints.count(hint) == 1 else city.label) for hint, city in zip(hints, cities, strict=True)]


def _count(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def _short(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
