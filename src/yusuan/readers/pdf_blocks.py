"""The blocks of one PDF page in reading order (``readers.pdf``): its ruled tables
(``pdf_grid``), runs of column-aligned lines read as stream tables, and text lines."""

from __future__ import annotations

import re

from yusuan.readers.pdf_grid import Grid, Rule, _merge_rules, _rule_groups
from yusuan.readers.pdf_lines import _box_of, group_lines, join_wrapped, line_text, segments
from yusuan.readers.pdf_parts import Block, Box, Char, Row

_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")


def _text_block(chars: list[Char]) -> Block:
    box = _box_of(chars)
    heights = sorted(c.height for c in chars)
    block = Block(box[1], box[3], line_text(chars), box, height=heights[len(heights) // 2])
    block.pieces, block.last = len(segments(chars)), box
    return block


def _stream_rows(lines: list[list[Char]], pieces: list[list[list[Char]]]) -> list[Row] | None:
    """Rows of a run of lines read as a table without rules, or ``None`` when the words do not
    fall into three or more columns. The columns are the x-ranges of the fullest rows (those
    with the most pieces, rows with amounts first, since headers are aligned differently);
    every piece goes to the column it overlaps most, or else the nearest one."""
    amounts = [any(_AMOUNT.match(line_text(p)) for p in ps) for ps in pieces]
    pool = [ps for ps, a in zip(pieces, amounts, strict=True) if a] or pieces
    most = max(len(ps) for ps in pool)
    spans = sorted(
        (min(c.x0 for c in p), max(c.x1 for c in p)) for ps in pool if len(ps) == most for p in ps
    )
    columns: list[list[float]] = []
    for start, end in spans:
        if columns and start <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], end)
        else:
            columns.append([start, end])
    if len(columns) < 3:
        return None

    def column_of(piece: list[Char]) -> int:
        start, end = min(c.x0 for c in piece), max(c.x1 for c in piece)
        overlaps = [min(end, b) - max(start, a) for a, b in columns]
        return max(range(len(columns)), key=lambda k: overlaps[k])

    rows: list[Row] = []
    previous_bottom = -1e9
    for line, line_pieces in zip(lines, pieces, strict=True):
        top, bottom = min(c.top for c in line), max(c.bottom for c in line)
        height = bottom - top
        if (
            len(line_pieces) == 1
            and rows
            and column_of(line_pieces[0]) == 0
            and rows[-1].cells[0]
            and top - previous_bottom < 0.6 * height
        ):
            first = rows[-1]  # the wrapped rest of the label above
            first.cells[0] = join_wrapped([first.cells[0], line_text(line_pieces[0])])
            old = first.boxes[0] or _box_of(line_pieces[0])
            new = _box_of(line_pieces[0])
            first.boxes[0] = (min(old[0], new[0]), old[1], max(old[2], new[2]), new[3])
            previous_bottom = bottom
            continue
        cells = [""] * len(columns)
        boxes: list[Box | None] = [(a, top, b, bottom) for a, b in columns]
        for piece in line_pieces:
            k = column_of(piece)
            cells[k] = (cells[k] + " " + line_text(piece)).strip()
            boxes[k] = _box_of(piece)
        rows.append(Row(cells, boxes))
        previous_bottom = bottom
    return rows


def _text_blocks(chars: list[Char]) -> list[Block]:
    """Text lines of a page, with runs of column-aligned lines read as stream tables."""
    lines = group_lines(chars)
    pieces = [segments(line) for line in lines]
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if len(pieces[i]) >= 2:
            j = i + 1
            while j < len(lines):
                height = max(c.height for c in lines[j - 1])
                gap = min(c.top for c in lines[j]) - max(c.bottom for c in lines[j - 1])
                if gap > 1.2 * height:
                    break
                if len(pieces[j]) < 2 and not (j + 1 < len(lines) and len(pieces[j + 1]) >= 2):
                    # a single piece: the wrapped end of a label, or the end of the run
                    first_x = min(c.x0 for c in lines[i])
                    if abs(min(c.x0 for c in lines[j]) - first_x) > 2 * height or gap > 0.6 * (
                        height
                    ):
                        break
                j += 1
            if sum(1 for p in pieces[i:j] if len(p) >= 2) >= 3:
                rows = _stream_rows(lines[i:j], pieces[i:j])
                if rows:
                    box = _box_of([c for line in lines[i:j] for c in line])
                    blocks.append(Block(box[1], box[3], box=box, rows=rows))
                    i = j
                    continue
        blocks.append(_text_block(lines[i]))
        i += 1
    return blocks


def page_blocks(chars: list[Char], horizontal: list[Rule], vertical: list[Rule]) -> list[Block]:
    """Text lines and tables of one page in reading order (top to bottom)."""
    grids = [
        Grid(hs, vs)
        for hs, vs in _rule_groups(_merge_rules(_raw(horizontal)), _merge_rules(_raw(vertical)))
    ]
    grids = [g for g in grids if len(g.xs) > 2 or len(g.ys) > 2]  # a lone frame is no table
    rest: list[Char] = []
    for char in chars:
        for grid in grids:
            if grid.contains(char):
                grid.place(char)
                break
        else:
            rest.append(char)
    blocks = _text_blocks(rest)
    for grid in grids:
        rows = grid.rows()
        if rows:
            box = grid.box
            blocks.append(Block(box[1], box[3], box=box, rows=rows, columns=grid.xs))
    blocks.sort(key=lambda b: (b.top, b.box[0] if b.box else 0.0))
    return blocks


def _raw(rules: list[Rule]) -> list[tuple[float, float, float]]:
    return [(r.at, r.start, r.end) for r in rules]
