"""Charts as PNG bytes, drawn headless (matplotlib's Agg backend, no display, no global pyplot state)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.services.customers import CityCount

MAX_BARS = 15
_CUSTOMERS_COLOUR = "#5865F2"
_REQUESTS_COLOUR = "#F0B232"


def city_chart_png(counts: Sequence[CityCount], *, title: str = "Customers and stop requests by city") -> bytes:
    """Horizontal bars per city (biggest on top): customers, and stop requests next to them."""
    shown = list(counts[:MAX_BARS])[::-1]
    figure = Figure(figsize=(8, 1.2 + 0.42 * max(len(shown), 1)), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = range(len(shown))
    height = 0.4
    axes.barh(
        [p + height / 2 for p in positions],
        [c.customers for c in shown],
        height,
        label="customers",
        color=_CUSTOMERS_COLOUR,
    )
    axes.barh(
        [p - height / 2 for p in positions],
        [c.requests for c in shown],
        height,
        label="stop requests",
        color=_REQUESTS_COLOUR,
    )
    axes.set_yticks(list(positions), [_short(c.city.label) for c in shown])
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2.5 customers
    axes.set_title(title)
    axes.legend(loc="best")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
