"""Read the text format of the published OPTW/TOPTW benchmark instances.

Line 1 is ``k v N t`` (only ``N``, the number of vertices, matters); line 2 is ``D Q`` to ignore, and ``D``
is missing in some files; then one line per vertex ``i x y d S f a list... O C``: number, coordinates,
service duration, score, two ignored fields, ``a`` ignored numbers, and the window ``[O, C]``. Vertex 0
is both start and end and its closing time is every route's budget. Travel time is the Euclidean distance
truncated to ``decimals`` decimals (1 for the Solomon-based sets, 2 for Cordeau's pr01-pr20).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from bot.domain.optw.model import Instance, Node, TimeWindow

# A vertex line has at least i x y d S f a O C.
_MIN_VERTEX_FIELDS = 9
# Line 2 ("D Q" or just "Q") is never longer than this; vertex lines always are.
_MAX_HEADER2_FIELDS = 2


class OptwFormatError(ValueError):
    """The text is not a valid OPTW instance; the message says where and why."""


def read_optw(path: str | Path, *, decimals: int = 1, routes: int = 1) -> Instance:
    """Parse an instance file; see :func:`parse_optw`."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise OptwFormatError(f"cannot read {file}: {error}") from error
    return parse_optw(text, decimals=decimals, routes=routes, name=file.stem)


def parse_optw(text: str, *, decimals: int = 1, routes: int = 1, name: str = "") -> Instance:
    """Parse the OPTW text format into an :class:`Instance` with ``routes`` routes."""
    if decimals < 0:
        raise OptwFormatError("decimals must be 0 or more")
    lines = [(number, line.split()) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, fields) for number, fields in lines if fields]
    if not lines:
        raise OptwFormatError("empty file")
    announced = _vertex_count(lines[0][1])
    body = lines[1:]
    if body and len(body[0][1]) <= _MAX_HEADER2_FIELDS:
        body = body[1:]  # the "D Q" line, with or without D
    # The published files count customers in N (the depot comes on top); tolerate files counting the depot.
    if len(body) not in (announced, announced + 1):
        raise OptwFormatError(
            f"line 1 announces N={announced} vertices besides the depot but {len(body)} vertex lines follow"
        )
    vertices = [_vertex(number, fields, index) for index, (number, fields) in enumerate(body)]
    return _build(vertices, decimals, routes, name)


def _vertex_count(fields: list[str]) -> int:
    if len(fields) < 3:
        raise OptwFormatError("line 1 must be 'k v N t'")
    count = _number(fields[2], 1, "N")
    if count != int(count) or count < 1:
        raise OptwFormatError(f"line 1: N must be a whole number of at least 1, got {fields[2]}")
    return int(count)


_Vertex = tuple[float, float, float, float, float, float]


def _vertex(line: int, fields: list[str], index: int) -> _Vertex:
    if len(fields) < _MIN_VERTEX_FIELDS:
        raise OptwFormatError(f"line {line}: a vertex needs 'i x y d S f a list... O C'")
    values = [_number(field, line, "value") for field in fields]
    if values[0] != index:
        raise OptwFormatError(f"line {line}: expected vertex {index}, found {fields[0]}")
    listed = values[6]
    if listed != int(listed) or len(values) != _MIN_VERTEX_FIELDS + int(listed):
        raise OptwFormatError(f"line {line}: the list length a={fields[6]} does not match the line")
    x, y, service, score = values[1:5]
    opening, closing = values[-2], values[-1]
    if service < 0 or score < 0 or closing < opening:
        raise OptwFormatError(f"line {line}: negative duration or score, or a window that closes before it opens")
    return x, y, service, score, opening, closing


def _number(text: str, line: int, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise OptwFormatError(f"line {line}: {what} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise OptwFormatError(f"line {line}: {what} {text!r} is not finite")
    return value


def _build(vertices: list[_Vertex], decimals: int, routes: int, name: str) -> Instance:
    coords = np.array([(x, y) for x, y, *_ in vertices], dtype=np.float64)
    delta = coords[:, None, :] - coords[None, :, :]
    scale = 10.0**decimals
    # Truncate, as the papers do; the tiny nudge keeps exact decimals (e.g. 5.0 stored as 4.9999…) intact.
    travel = np.floor(np.sqrt((delta**2).sum(axis=2)) * scale + 1e-9) / scale
    nodes = tuple(
        Node(score=score, service=service, windows=(TimeWindow(opening, closing),), label=str(index))
        for index, (_, _, service, score, opening, closing) in enumerate(vertices)
    )
    depot = vertices[0]
    return Instance(nodes, travel, start=0, end=0, budget=depot[5], routes=routes, name=name)
