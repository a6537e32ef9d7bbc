"""The XML of the Word document's tables: column widths fitted to the amounts, ruled grids of
the budget tables and label grids of the performance forms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docx.oxml.ns import nsdecls

from yusuan.render.docx_xml import (
    _TWIPS_PER_CM,
    TABLE_HEADING_STYLE,
    TABLE_SIZE,
    TABLE_STYLE,
    TEXT_WIDTH_TWIPS,
    _runs,
)
from yusuan.render.layout import BodyCell, Grid
from yusuan.render.outline import (
    LabelGrid,
)


@dataclass(slots=True)
class _CellOut:
    text: str
    span: int = 1
    vmerge: str | None = None  # "restart" | "continue" | None
    align: str = "left"  # left | center | right
    header: bool = False
    middle: bool = False  # centred vertically (cells that may run over several lines)


def _widths(relative: Sequence[float], columns: int) -> list[int]:
    weights = list(relative[:columns]) + [1.0] * max(0, columns - len(relative))
    total = sum(weights) or 1.0
    widths = [int(TEXT_WIDTH_TWIPS * w / total) for w in weights]
    widths[-1] += TEXT_WIDTH_TWIPS - sum(widths)
    return widths


_DIGIT_TWIPS = TABLE_SIZE * 20 * 0.52  # a digit of Times New Roman at the table size
_CELL_PADDING_TWIPS = 2 * 57 + 40
_MIN_TEXT_TWIPS = int(1.6 * _TWIPS_PER_CM)


def _fit_amounts(widths: list[int], body: list[list[BodyCell]]) -> list[int]:
    """Widen amount columns whose longest amount would wrap, taking the room from the text
    columns (which wrap gracefully) as long as they keep a readable width."""
    needs = [0] * len(widths)
    for row in body:
        for c, cell in enumerate(row[: len(widths)]):
            if cell.numeric and cell.text:
                needs[c] = max(needs[c], int(len(cell.text) * _DIGIT_TWIPS) + _CELL_PADDING_TWIPS)
    short = sum(max(0, need - width) for need, width in zip(needs, widths, strict=True))
    donors = [c for c, need in enumerate(needs) if need == 0 and widths[c] > _MIN_TEXT_TWIPS]
    spare = sum(widths[c] - _MIN_TEXT_TWIPS for c in donors)
    if short == 0 or spare < short:
        return widths
    fitted = [max(width, need) for width, need in zip(widths, needs, strict=True)]
    for c in donors:
        fitted[c] -= int(short * (widths[c] - _MIN_TEXT_TWIPS) / spare) + 1
    fitted[donors[0]] += sum(widths) - sum(fitted)
    return fitted


def _grid_table_xml(grid: Grid) -> str:
    columns = grid.columns
    starts = {(m.row, m.column): m for m in grid.merges}
    covered: dict[tuple[int, int], tuple[int, int]] = {}  # cell → (merge column, merge width)
    for m in grid.merges:
        for r in range(m.row, m.row + m.rows):
            for c in range(m.column, m.column + m.columns):
                if (r, c) != (m.row, m.column):
                    covered[(r, c)] = (m.column, m.columns)
    rows: list[list[_CellOut]] = []
    for r, header_row in enumerate(grid.header):
        out: list[_CellOut] = []
        for c in range(columns):
            text = header_row[c] if c < len(header_row) else ""
            merge = starts.get((r, c))
            if merge is not None:
                vmerge = "restart" if merge.rows > 1 else None
                out.append(_CellOut(text, merge.columns, vmerge, "center", True))
            elif (r, c) in covered:
                first, width = covered[(r, c)]
                if c == first:  # the column where a vertical merge continues
                    out.append(_CellOut("", width, "continue", "center", True))
            else:
                out.append(_CellOut(text, 1, None, "center", True))
        rows.append(out)
    for body_row in grid.body:
        cells = [
            _CellOut(cell.text, align="right" if cell.numeric else "left")
            for cell in body_row[:columns]
        ]
        cells += [_CellOut("") for _ in range(columns - len(cells))]
        rows.append(cells)
    widths = _fit_amounts(_widths(grid.widths, columns), grid.body)
    return _table_xml(rows, widths, header_rows=len(grid.header))


def _label_table_xml(block: LabelGrid) -> str:
    columns = block.columns
    rows: list[list[_CellOut]] = []
    for row in block.rows:
        out: list[_CellOut] = []
        used = 0
        for text, span in row:
            span = max(1, min(span, columns - used))
            if span <= 0 or used >= columns:
                break
            out.append(_CellOut(text, span, middle=True))
            used += span
        if used < columns and out:
            out[-1].span += columns - used
        elif not out:
            out.append(_CellOut("", columns))
        rows.append(out)
    return _table_xml(rows, _widths([], columns), header_rows=0)


_BORDER = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'


def _table_xml(rows: list[list[_CellOut]], widths: list[int], header_rows: int) -> str:
    borders = "".join(
        _BORDER.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    parts = [
        f"<w:tbl {nsdecls('w')}>",
        "<w:tblPr>",
        '<w:tblStyle w:val="TableGrid"/>',
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>',
        '<w:jc w:val="center"/>',
        f"<w:tblBorders>{borders}</w:tblBorders>",
        '<w:tblLayout w:type="fixed"/>',
        "<w:tblCellMar>",
        '<w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>',
        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>',
        "</w:tblCellMar>",
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>',
        "</w:tblPr>",
        "<w:tblGrid>",
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    for r, row in enumerate(rows):
        parts.append("<w:tr>")
        parts.append("<w:trPr><w:cantSplit/>")
        if r < header_rows:
            parts.append("<w:tblHeader/>")
        parts.append("</w:trPr>")
        column = 0
        for cell in row:
            width = sum(widths[column : column + cell.span])
            column += cell.span
            parts.append(_cell_xml(cell, width))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _cell_xml(cell: _CellOut, width: int) -> str:
    """A cell: its paragraphs take the table styles, so each carries little more than its text
    (a document of a few thousand cells stays small and quick to open)."""
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if cell.span > 1:
        props.append(f'<w:gridSpan w:val="{cell.span}"/>')
    if cell.vmerge == "restart":
        props.append('<w:vMerge w:val="restart"/>')
    elif cell.vmerge == "continue":
        props.append("<w:vMerge/>")
    if cell.header or cell.middle:
        props.append('<w:vAlign w:val="center"/>')
    if cell.header:
        paragraph_props = f'<w:pPr><w:pStyle w:val="{TABLE_HEADING_STYLE}"/></w:pPr>'
    else:
        align = "" if cell.align == "left" else f'<w:jc w:val="{cell.align}"/>'
        paragraph_props = f'<w:pPr><w:pStyle w:val="{TABLE_STYLE}"/>{align}</w:pPr>'
    lines = cell.text.split("\n") if cell.text else [""]
    paragraphs = "".join(f"<w:p>{paragraph_props}{_runs(line, '')}</w:p>" for line in lines)
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{paragraphs}</w:tc>"
