"""Map labels that don't collide: each label tries positions around its point (next to it first, then further
out with a leader line) and takes the one that covers the least of what is drawn — other labels, markers,
lines, boxes to keep clear — and that sits nearer its own point than any other marker. Greedy in the order
given (put what matters most first), then each label is placed again knowing where all the others went."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.figure import Figure
from matplotlib.offsetbox import AnnotationBbox, TextArea, VPacker
from matplotlib.transforms import Bbox
from numpy.typing import NDArray

# (box alignment x, y; direction x, y; preference): right of the point reads first, then around it.
_DIRECTIONS = (
    (0.0, 0.5, 1.0, 0.0, 0),
    (0.0, 0.0, 0.7, 0.7, 1),
    (0.0, 1.0, 0.7, -0.7, 1),
    (1.0, 0.5, -1.0, 0.0, 1),
    (0.5, 0.0, 0.0, 1.0, 2),
    (0.5, 1.0, 0.0, -1.0, 2),
    (1.0, 0.0, -0.7, 0.7, 2),
    (1.0, 1.0, -0.7, -0.7, 2),
)
_FURTHER_PX = (0.0, 16.0, 34.0, 56.0, 82.0, 115.0, 155.0)  # beyond the first ring a leader line points back
_LABEL_WEIGHT, _MARKER_WEIGHT, _LINE_WEIGHT, _OUTSIDE_WEIGHT = 10.0, 8.0, 30.0, 40.0
_RING_COST, _PREFERENCE_COST, _AMBIGUOUS_COST = 220.0, 25.0, 900.0
_LINE_SAMPLE_PX = 4.0
_REFINE_PASSES = 2
LEADER = "#c4c9d0"


@dataclass(frozen=True, slots=True)
class Label:
    xy: tuple[float, float]  # the point labelled, in data coordinates
    lines: tuple[str, ...]  # the first is the name (bold unless ``bold`` is False)
    gap: float = 8.0  # pixels between the point and the label: the marker's radius and a little
    required: bool = True  # an optional label is left out rather than cover anything
    colour: str = "#f2f3f5"
    fontsize: float = 11.0
    bold: bool = True
    box: str = "#1e1f22"  # background of the label
    edge: str = "#4e5058"


@dataclass
class Obstacles:
    """What labels should not cover, in display pixels."""

    boxes: list[Bbox]
    markers: list[tuple[float, float, float]]  # centre x, y and radius
    lines: NDArray[np.float64]  # points sampled along the drawn lines, shape (n, 2)

    @classmethod
    def of(
        cls,
        axes: Axes,
        *,
        markers: Sequence[tuple[float, float, float]] = (),
        lines: Sequence[Sequence[tuple[float, float]]] = (),
        boxes: Sequence[Bbox] = (),
    ) -> Obstacles:
        """Markers (x, y in data coordinates, radius in pixels) and polylines in data coordinates."""
        shown = [(*axes.transData.transform((x, y)), r) for x, y, r in markers]
        samples = [_sample(axes.transData.transform(np.asarray(line, dtype=float))) for line in lines if len(line) > 1]
        points = np.concatenate(samples) if samples else np.empty((0, 2))
        return cls(list(boxes), [(float(x), float(y), float(r)) for x, y, r in shown], points)

    def cover(self, box: Bbox) -> float:
        """How much of what is drawn a box would hide: markers count most, then lines, then labels."""
        area = np.array([box.extents])
        boxes = np.array([b.extents for b in self.boxes]).reshape(-1, 4)
        return float(
            _MARKER_WEIGHT * _overlaps(area, _squares(np.array(self.markers).reshape(-1, 3))).sum()
            + _LINE_WEIGHT * _inside(self.lines, area).sum()
            + _LABEL_WEIGHT * _overlaps(area, boxes).sum()
        )


@dataclass(frozen=True, slots=True)
class _Spot:
    cost: float
    box: Bbox  # the whole label, frame included, in display pixels
    offset: tuple[float, float]  # of the anchor from the point, pixels
    align: tuple[float, float]
    ring: int


def place_labels(axes: Axes, labels: Sequence[Label], obstacles: Obstacles) -> list[AnnotationBbox]:
    """Draw each label where it collides least; an optional label that would collide is left out."""
    figure = axes.get_figure()
    assert isinstance(figure, Figure)
    renderer: RendererBase = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    if not labels:
        return []
    frame = axes.get_window_extent(renderer)
    sizes = [_measure(axes, label, renderer) for label in labels]
    points = [(float(x), float(y)) for x, y in axes.transData.transform([label.xy for label in labels])]
    spots: dict[int, _Spot] = {}

    def best(index: int) -> _Spot:
        others = [spot.box for i, spot in spots.items() if i != index]
        return _best(labels[index], points[index], sizes[index], frame, obstacles, [*obstacles.boxes, *others])

    required = [i for i, label in enumerate(labels) if label.required]
    for _ in range(1 + _REFINE_PASSES):
        for index in required:
            spots[index] = best(index)
    for index, label in enumerate(labels):
        if not label.required and (spot := best(index)).cost < _RING_COST * 2:
            spots[index] = spot
    placed = []
    for index in sorted(spots):
        spot = spots[index]
        artist = _annotation(labels[index], spot.offset, spot.align, leader=spot.ring > 0, dpi=figure.dpi)
        axes.add_artist(artist)
        placed.append(artist)
    obstacles.boxes += [spot.box for spot in spots.values()]
    return placed


def _measure(axes: Axes, label: Label, renderer: RendererBase) -> tuple[float, float, float]:
    """Width and height of the text block, and the frame's padding around it (pixels)."""
    probe = _annotation(label, (0.0, 0.0), (0.0, 0.0), leader=False, dpi=72.0)
    axes.add_artist(probe)
    outer = probe.get_window_extent(renderer)
    inner = probe.offsetbox.get_window_extent(renderer)
    probe.remove()
    return inner.width, inner.height, max((outer.width - inner.width) / 2, 0.0)


def _best(
    label: Label,
    point: tuple[float, float],
    size: tuple[float, float, float],
    frame: Bbox,
    obstacles: Obstacles,
    boxes: list[Bbox],
) -> _Spot:
    """Every candidate spot scored at once (numpy): the cheapest wins."""
    (px, py), (width, height, pad) = point, size
    rings = np.repeat(np.arange(len(_FURTHER_PX)), len(_DIRECTIONS))
    ax, ay, ux, uy, preference = (
        np.tile(np.array(column, dtype=float), len(_FURTHER_PX)) for column in zip(*_DIRECTIONS, strict=True)
    )
    distance = label.gap + pad + np.asarray(_FURTHER_PX)[rings]
    dx, dy = ux * distance, uy * distance
    x0, y0 = px + dx - ax * width - pad, py + dy - ay * height - pad
    spots = np.column_stack([x0, y0, x0 + width + 2 * pad, y0 + height + 2 * pad])  # (k, 4)
    area = (width + 2 * pad) * (height + 2 * pad)
    cost = rings * _RING_COST + preference * _PREFERENCE_COST
    cost += _OUTSIDE_WEIGHT * (area - _overlaps(spots, np.array([frame.extents]))[:, 0])
    if boxes:
        others = np.array([box.extents for box in boxes])
        cost += _LABEL_WEIGHT * _overlaps(spots, others).sum(axis=1)
        cost += _LINE_WEIGHT * _leader_hits(px, py, spots, others) * (rings > 0)
    markers = np.array([m for m in obstacles.markers if abs(m[0] - px) >= 1 or abs(m[1] - py) >= 1])  # not its own
    if len(markers):
        r = markers[:, 2]
        cost += _MARKER_WEIGHT * _overlaps(spots, _squares(markers)).sum(axis=1)
        own = _distances(spots, np.array([[px, py]]))[:, 0]
        nearer = _distances(spots, markers[:, :2]) - r[None, :] < own[:, None] + 4
        cost += _AMBIGUOUS_COST * nearer.sum(axis=1)  # it would read as that marker's label
    if len(obstacles.lines):
        cost += _LINE_WEIGHT * _inside(obstacles.lines, spots).sum(axis=0)
    pick = int(np.argmin(cost))
    return _Spot(
        float(cost[pick]),
        Bbox.from_extents(*spots[pick]),
        (float(dx[pick]), float(dy[pick])),
        (float(ax[pick]), float(ay[pick])),
        int(rings[pick]),
    )


def _squares(markers: NDArray[np.float64]) -> NDArray[np.float64]:
    """Markers (x, y, radius) as the boxes around them."""
    x, y, r = markers[:, 0], markers[:, 1], markers[:, 2]
    return np.column_stack([x - r, y - r, x + r, y + r])


def _overlaps(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Overlapping areas of boxes (x0, y0, x1, y1): a (k, 4) × b (n, 4) → (k, n)."""
    width = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    height = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    return np.asarray(np.clip(width, 0, None) * np.clip(height, 0, None), dtype=float)


def _distances(boxes: NDArray[np.float64], points: NDArray[np.float64]) -> NDArray[np.float64]:
    """From points (n, 2) to the nearest edge of boxes (k, 4), 0 inside → (k, n)."""
    x, y = points[None, :, 0], points[None, :, 1]
    dx = np.maximum(np.maximum(boxes[:, None, 0] - x, x - boxes[:, None, 2]), 0)
    dy = np.maximum(np.maximum(boxes[:, None, 1] - y, y - boxes[:, None, 3]), 0)
    return np.asarray(np.hypot(dx, dy), dtype=float)


def _inside(points: NDArray[np.float64], boxes: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which points (n, 2) fall in which boxes (k, 4) → (n, k)."""
    x, y = points[:, None, 0], points[:, None, 1]
    return (x >= boxes[None, :, 0]) & (x <= boxes[None, :, 2]) & (y >= boxes[None, :, 1]) & (y <= boxes[None, :, 3])


def _leader_hits(px: float, py: float, spots: NDArray[np.float64], others: NDArray[np.float64]) -> NDArray[np.int_]:
    """For each spot, how many other labels the leader from the point to the spot's centre passes through."""
    t = np.linspace(0.0, 1.0, 16)[None, :]
    xs = px + t * ((spots[:, 0:1] + spots[:, 2:3]) / 2 - px)  # (k, 16)
    ys = py + t * ((spots[:, 1:2] + spots[:, 3:4]) / 2 - py)
    hits = _inside(np.column_stack([xs.ravel(), ys.ravel()]), others).reshape(len(spots), t.size, len(others))
    return np.asarray(hits.any(axis=1).sum(axis=1))


def _sample(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Points every few pixels along a polyline (display coordinates)."""
    pieces = [points[:1]]
    for start, end in itertools.pairwise(points):
        steps = max(int(np.hypot(*(end - start)) / _LINE_SAMPLE_PX), 1)
        t = np.linspace(0, 1, steps + 1)[1:, None]
        pieces.append(start + t * (end - start))
    return np.concatenate(pieces)


def _annotation(
    label: Label, offset: tuple[float, float], align: tuple[float, float], *, leader: bool, dpi: float
) -> AnnotationBbox:
    areas = [
        TextArea(
            line,
            textprops={
                "color": label.colour,
                "fontsize": label.fontsize if number == 0 else label.fontsize * 0.88,
                "fontweight": "bold" if number == 0 and label.bold else "normal",
            },
        )
        for number, line in enumerate(label.lines)
    ]
    arrow = {"arrowstyle": "-", "color": LEADER, "linewidth": 1.2, "shrinkA": 0, "shrinkB": label.gap * 72 / dpi}
    return AnnotationBbox(
        VPacker(children=areas, align="left", pad=0, sep=2),  # type: ignore[arg-type]
        label.xy,
        xybox=offset,
        xycoords="data",
        boxcoords="offset pixels",
        box_alignment=align,
        bboxprops={"boxstyle": "round,pad=0.3", "facecolor": label.box, "edgecolor": label.edge, "alpha": 0.92},
        arrowprops=arrow if leader else None,
        zorder=9,
        annotation_clip=False,
    )
