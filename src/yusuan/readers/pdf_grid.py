"""Ruled tables of a PDF page (``readers.pdf``): rules that cross each other form a table,
their positions are its grid, and a cell whose dividing rule is missing is merged with its
neighbour. Characters are placed in the cells and each grid row becomes a ``Row``."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

from yusuan.readers.pdf_lines import cell_text, group_lines
from yusuan.readers.pdf_parts import Box, Char, Row

SNAP = 1.6  # rules closer than this (points) are one rule; rules meeting within it cross
BOUNDARY_COVERED = 0.5  # share of a cell edge a rule must cover for the edge to exist


@dataclass(slots=True)
class Rule:
    """A horizontal (``at`` = y, ``start``/``end`` = x) or vertical rule (``at`` = x)."""

    at: float
    start: float
    end: float


@dataclass(slots=True)
class _Region:
    r0: int
    c0: int
    r1: int
    c1: int
    chars: list[Char] = field(default_factory=list)


def _merge_rules(rules: list[tuple[float, float, float]]) -> list[Rule]:
    """Rules at (nearly) the same position whose extents touch or overlap become one."""
    merged: list[Rule] = []
    groups: list[list[tuple[float, float, float]]] = []
    for rule in sorted(rules):
        if groups and rule[0] - groups[-1][-1][0] <= SNAP:
            groups[-1].append(rule)
        else:
            groups.append([rule])
    for group in groups:
        at = sum(r[0] for r in group) / len(group)
        spans = sorted((r[1], r[2]) for r in group)
        start, end = spans[0]
        for a, b in spans[1:]:
            if a <= end + SNAP:
                end = max(end, b)
            else:
                merged.append(Rule(at, start, end))
                start, end = a, b
        merged.append(Rule(at, start, end))
    return merged


def _cluster(values: list[float]) -> list[float]:
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= SNAP:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [sum(g) / len(g) for g in groups]


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _rule_groups(
    horizontal: list[Rule], vertical: list[Rule]
) -> list[tuple[list[Rule], list[Rule]]]:
    """Sets of rules that cross or touch each other; those with at least two rules each way
    (and so at least one closed cell) are tables."""
    parent = list(range(len(horizontal) + len(vertical)))
    for i, h in enumerate(horizontal):
        for j, v in enumerate(vertical):
            if v.start - SNAP <= h.at <= v.end + SNAP and h.start - SNAP <= v.at <= h.end + SNAP:
                a, b = _find(parent, i), _find(parent, len(horizontal) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list[Rule], list[Rule]]] = defaultdict(lambda: ([], []))
    for i, h in enumerate(horizontal):
        groups[_find(parent, i)][0].append(h)
    for j, v in enumerate(vertical):
        groups[_find(parent, len(horizontal) + j)][1].append(v)
    return [(hs, vs) for hs, vs in groups.values() if len(hs) >= 2 and len(vs) >= 2]


def _covered(spans: list[tuple[float, float]], a: float, b: float) -> bool:
    length = b - a
    if length <= 0:
        return True
    total = sum(max(0.0, min(end, b) - max(start, a)) for start, end in spans)
    return total >= BOUNDARY_COVERED * length


class Grid:
    """A ruled table: grid lines and the (possibly merged) cells between them."""

    def __init__(self, horizontal: list[Rule], vertical: list[Rule]) -> None:
        xs = _cluster([v.at for v in vertical])
        ys = _cluster([h.at for h in horizontal])
        left, right = min(h.start for h in horizontal), max(h.end for h in horizontal)
        top, bottom = min(v.start for v in vertical), max(v.end for v in vertical)
        # A table without outer side (or top/bottom) borders ends where its other rules end.
        if xs[0] - left > 2 * SNAP:
            xs.insert(0, left)
        if right - xs[-1] > 2 * SNAP:
            xs.append(right)
        if ys[0] - top > 2 * SNAP:
            ys.insert(0, top)
        if bottom - ys[-1] > 2 * SNAP:
            ys.append(bottom)
        self.xs, self.ys = xs, ys
        rows, columns = len(ys) - 1, len(xs) - 1
        v_at = [[(v.start, v.end) for v in vertical if abs(v.at - x) <= SNAP] for x in xs]
        h_at = [[(h.start, h.end) for h in horizontal if abs(h.at - y) <= SNAP] for y in ys]
        parent = list(range(rows * columns))
        for r in range(rows):
            for c in range(1, columns):
                if not _covered(v_at[c], ys[r], ys[r + 1]):
                    a, b = _find(parent, r * columns + c - 1), _find(parent, r * columns + c)
                    parent[a] = b
        for r in range(1, rows):
            for c in range(columns):
                if not _covered(h_at[r], xs[c], xs[c + 1]):
                    a, b = _find(parent, (r - 1) * columns + c), _find(parent, r * columns + c)
                    parent[a] = b
        regions: dict[int, _Region] = {}
        self.cells: list[list[_Region]] = []
        for r in range(rows):
            line: list[_Region] = []
            for c in range(columns):
                root = _find(parent, r * columns + c)
                region = regions.get(root)
                if region is None:
                    region = regions[root] = _Region(r, c, r, c)
                region.r0, region.c0 = min(region.r0, r), min(region.c0, c)
                region.r1, region.c1 = max(region.r1, r), max(region.c1, c)
                line.append(region)
            self.cells.append(line)

    @property
    def box(self) -> Box:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def region_box(self, region: _Region) -> Box:
        return (
            self.xs[region.c0],
            self.ys[region.r0],
            self.xs[region.c1 + 1],
            self.ys[region.r1 + 1],
        )

    def contains(self, char: Char) -> bool:
        x0, top, x1, bottom = self.box
        return x0 - 1 <= char.cx <= x1 + 1 and top - 1 <= char.cy <= bottom + 1

    def place(self, char: Char) -> None:
        """Put a character in its cell: by its vertical centre, and horizontally by a point in
        its left third, so punctuation hanging past a cell's right edge stays in its cell."""
        r = min(max(bisect_right(self.ys, char.cy) - 1, 0), len(self.ys) - 2)
        x = char.x0 + 0.3 * (char.x1 - char.x0)
        c = min(max(bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        self.cells[r][c].chars.append(char)

    def rows(self) -> list[Row]:
        texts: dict[int, str] = {}
        out: list[Row] = []
        for r, line in enumerate(self.cells):
            cells: list[str] = []
            boxes: list[Box | None] = []
            for c, region in enumerate(line):
                boxes.append(self.region_box(region))
                if region.r0 != r or region.c0 != c:
                    cells.append("")
                    continue
                key = id(region)
                if key not in texts:
                    texts[key] = cell_text(group_lines(region.chars), self.region_box(region))
                cells.append(texts[key])
            if any(cells):
                out.append(Row(cells, boxes))
        return out
