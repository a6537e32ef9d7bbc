"""The ruled tables of a straightened page (``yusuan.readers.ocr``).

Found by morphology: openings with long thin kernels keep the horizontal and the vertical rules;
a rule position that spans a whole row band is a column boundary; where a rule is missing
between two grid cells they are one merged cell.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module as _require
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Image = NDArray[np.uint8]


@dataclass(slots=True)
class Grid:
    """A ruled table: row rules ``ys`` and column rules ``xs`` (pixels), and for each grid cell
    (band r, column c) the id of the merged cell it belongs to."""

    xs: list[int]
    ys: list[int]
    owner: list[list[int]]
    rects: dict[int, tuple[int, int, int, int]]  # merged cell id → x0, y0, x1, y1

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]


def _groups(positions: Iterator[int] | list[int], gap: int = 2) -> list[list[int]]:
    out: list[list[int]] = []
    for p in positions:
        if out and p - out[-1][-1] <= gap:
            out[-1].append(p)
        else:
            out.append([p])
    return out


def _prefix(ink: Image) -> Any:
    """Prefix sums of the positions along a rule that hold ink (0 prepended)."""
    np = _require("numpy")
    return np.concatenate(([0], np.cumsum(ink > 0)))


def _share(prefix: Any, start: int, stop: int) -> float:
    """Share of the positions ``start:stop`` from their prefix sums."""
    start, stop = max(0, start), min(len(prefix) - 1, stop)
    if stop <= start:
        return 0.0
    return float(prefix[stop] - prefix[start]) / (stop - start)


def _rules(binary: Image, dpi: float) -> tuple[Image, Image]:
    """Horizontal and vertical runs of ink long enough for rules (candidates: a vertical one is
    told from a stroke by spanning a row band). Breaks of a pixel or two in a rule (a stamp
    crossing it, a crease) are closed afterwards, on the runs only, so text is never joined."""
    cv2 = _require("cv2")
    rect = cv2.MORPH_RECT
    long_h = max(10, int(dpi * 0.35))  # longer than any stroke or run of text
    long_v = max(4, int(dpi * 0.04))
    gap = max(3, int(dpi * 0.015))
    horizontal = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(rect, (long_h, 1))
    )
    horizontal = cv2.morphologyEx(
        horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(rect, (gap, 1))
    )
    vertical = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(rect, (1, long_v))
    )
    vertical = cv2.morphologyEx(
        vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(rect, (1, gap))
    )
    return horizontal, vertical


def find_tables(binary: Image, dpi: float) -> list[Grid]:
    """The ruled tables of a straightened page."""
    cv2 = _require("cv2")
    np = _require("numpy")
    horizontal, vertical = _rules(binary, dpi)
    frame = cv2.dilate(horizontal | vertical, np.ones((3, 3), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(frame, connectivity=8)
    grids: list[Grid] = []
    for label in range(1, count):
        x, y, w, h = (int(v) for v in stats[label][:4])
        if w < dpi or h < dpi * 0.2:
            continue
        grid = _grid(horizontal, vertical, (x, y, x + w, y + h), dpi)
        if grid is not None:
            grids.append(grid)
    return sorted(grids, key=lambda g: g.ys[0])


def _grid(
    horizontal: Image, vertical: Image, box: tuple[int, int, int, int], dpi: float
) -> Grid | None:
    x0, y0, x1, y1 = box
    pad = 2
    rows = (horizontal[y0:y1, x0:x1] > 0).sum(axis=1)
    y_candidates = [
        y0 + (g[0] + g[-1]) // 2 for g in _groups(i for i, n in enumerate(rows) if n >= dpi * 0.35)
    ]
    columns = (vertical[y0:y1, x0:x1] > 0).sum(axis=0)
    x_candidates = [
        x0 + (g[0] + g[-1]) // 2
        for g in _groups(i for i, n in enumerate(columns) if n >= dpi * 0.08)
    ]

    # Coverage of a rule window from prefix sums of "ink at this position" along each candidate
    # rule: the windows are tested thousands of times per page.
    v_prefix = {
        x: _prefix(vertical[:, max(0, x - pad) : x + pad + 1].max(axis=1)) for x in x_candidates
    }
    h_prefix = {
        y: _prefix(horizontal[max(0, y - pad) : y + pad + 1, :].max(axis=0)) for y in y_candidates
    }

    def spans(x: int, top: int, bottom: int) -> float:
        margin = max(2, (bottom - top) // 10)
        return _share(v_prefix[x], top + margin, bottom - margin)

    def h_spans(y: int, left: int, right: int) -> float:
        margin = max(2, (right - left) // 10)
        return _share(h_prefix[y], left + margin, right - margin)

    # A rule runs through a whole cell: a vertical one from rule to rule of at least one row
    # band, a horizontal one across at least one column. Strokes, blots and underlines do
    # not; each validation uses the other's positions, so it is done twice.
    ys, xs = y_candidates, x_candidates
    for _ in range(2):
        bands = list(itertools.pairwise(ys))
        xs = [x for x in x_candidates if any(spans(x, t, b) >= 0.9 for t, b in bands)]
        columns_spans = list(itertools.pairwise(xs))
        ys = [y for y in y_candidates if any(h_spans(y, a, b) >= 0.9 for a, b in columns_spans)]
    bands = list(itertools.pairwise(ys))
    xs = [x for x in x_candidates if any(spans(x, t, b) >= 0.9 for t, b in bands)]
    if len(xs) < 2 or len(ys) < 2:
        return None
    # Which boundaries exist: vertical ones per band, horizontal ones per column.
    v_present = [[spans(x, top, bottom) >= 0.6 for x in xs] for top, bottom in bands]
    columns_spans = list(itertools.pairwise(xs))
    h_present = [[h_spans(y, left, right) >= 0.6 for left, right in columns_spans] for y in ys]
    n_rows, n_cols = len(bands), len(columns_spans)
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not v_present[r][c + 1]:
                union(r * n_cols + c, r * n_cols + c + 1)
            if r + 1 < n_rows and not h_present[r + 1][c]:
                union(r * n_cols + c, (r + 1) * n_cols + c)
    owner = [[find(r * n_cols + c) for c in range(n_cols)] for r in range(n_rows)]
    rects: dict[int, tuple[int, int, int, int]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            cell = owner[r][c]
            left, top, right, bottom = xs[c], ys[r], xs[c + 1], ys[r + 1]
            if cell in rects:
                a, b, cc, d = rects[cell]
                rects[cell] = (min(a, left), min(b, top), max(cc, right), max(d, bottom))
            else:
                rects[cell] = (left, top, right, bottom)
    return Grid(xs, ys, owner, rects)
