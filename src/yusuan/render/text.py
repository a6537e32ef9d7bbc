"""The disclosure as a tab-separated text extraction, walking the same outline as DOCX and HTML.

The text is what a person gets by copying a published document into a text file (the "tab"
style that ``readers/text.py`` reads): every heading and paragraph on its own line, blank lines
between blocks, and one line per table row with its cells separated by tabs. Blank cells are
kept, and a merged cell prints its text in its first position with the positions it covers left
empty, as a DOCX table reads. The tables come from ``render/layout.py`` and the order of the
document from ``render/outline.py``; this module only decides how a block is written as lines.

Text is by far the cheapest format to write, so large synthetic corpora are written in it.
"""

from __future__ import annotations

from yusuan.model import Disclosure
from yusuan.render.layout import Grid
from yusuan.render.outline import (
    Block,
    Chart,
    Heading,
    LabelGrid,
    PageBreak,
    Paragraph,
    TableBlock,
    build_outline,
)


def _cell(text: str) -> str:
    """A cell's text on one line: a tab or line break inside it would split the row."""
    if "\t" in text or "\n" in text or "\r" in text:
        return " ".join(text.replace("\t", " ").split())
    return text


def _row(cells: list[str]) -> str:
    return "\t".join(_cell(c) for c in cells)


def grid_lines(grid: Grid) -> list[str]:
    """A template table: marker, title, unit lines, header rows, body rows, 本表无数据."""
    lines = [grid.marker, "", grid.title, "", grid.unit_line, "", grid.amount_unit_line, ""]
    lines += [_row(row) for row in grid.header]
    lines += [_row([cell.text for cell in row]) for row in grid.body]
    if grid.no_data:
        lines += ["", grid.note]
    return lines


def label_grid_lines(grid: LabelGrid) -> list[str]:
    """A performance table: title, subtitle, then each row with spans as empty cells."""
    lines = [grid.title, "", grid.subtitle, ""]
    for row in grid.rows:
        cells: list[str] = []
        for text, span in row:
            cells.append(text)
            cells += [""] * (max(span, 1) - 1)
        cells += [""] * (grid.columns - len(cells))
        lines.append(_row(cells))
    return lines


def block_lines(block: Block) -> list[str]:
    if isinstance(block, Heading | Paragraph):
        return [_cell(block.text)]
    if isinstance(block, TableBlock):
        return grid_lines(block.grid)
    if isinstance(block, LabelGrid):
        return label_grid_lines(block)
    if isinstance(block, Chart):
        return [block.caption]
    assert isinstance(block, PageBreak)
    return []


def to_text(disclosure: Disclosure) -> str:
    """The whole disclosure as tab-separated text (UTF-8 when written; ``\\n`` line ends)."""
    out: list[str] = []
    for block in build_outline(disclosure).blocks:
        lines = block_lines(block)
        if lines:
            out += lines
            out.append("")
    return "\n".join(out)
