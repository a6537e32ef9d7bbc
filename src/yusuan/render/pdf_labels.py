"""Performance tables (label grids) in the PDF: merged cells and wrapped text on a fresh
portrait page, set denser until the signature line is not left alone on a page, and text taller
than about half a page continued in further rows so that a page break can fall inside it.
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from reportlab.platypus import Paragraph as RLParagraph

from yusuan.render import outline as ol
from yusuan.render.html import SIGNATURE_LABELS, Placed, label_rows, label_widths
from yusuan.render.pdf_pages import MARGIN_BOTTOM, MARGIN_TOP, PORTRAIT_WIDTH
from yusuan.render.pdf_style import CELL_PAD, HEAD, LINE, Styles, _text, balanced

MAX_CELL_HEIGHT = 320.0  # points: a taller performance-table text is continued in further rows
MAX_ROWSPAN = 16  # rows a merged performance-table cell may cover (a page break cannot split it)


# (font size, top padding, bottom padding) of performance tables, tried in turn until the
# signature line (负责人/经办人…) does not end up alone on a page.
LABEL_DENSITIES = ((8.0, 2.5, 3.0), (8.0, 1.5, 2.0), (7.5, 1.2, 1.6), (7.0, 1.0, 1.2))
FRAME_HEIGHT = A4[1] - MARGIN_TOP - MARGIN_BOTTOM


def _label_flowables(grid: ol.LabelGrid, styles: Styles, merge: bool = True) -> list[Flowable]:
    """A performance table at the top of a fresh page: title, subtitle and the label grid."""
    head = [
        RLParagraph(_text(grid.title), styles.heading[4]),
        RLParagraph(_text(grid.subtitle), styles.center),
        Spacer(1, 4),
    ]
    head_height = sum(
        f.wrap(PORTRAIT_WIDTH, FRAME_HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter()
        for f in head
    )
    table = None
    for size, top, bottom in LABEL_DENSITIES:
        table, signature = _label_table(grid, styles, merge, size, top, bottom)
        if signature is None or not _signature_alone(table, FRAME_HEIGHT - head_height):
            break
    assert table is not None
    return [*head, table]


def _signature_alone(table: Table, first: float) -> bool:
    """Whether the table, split page by page, would leave its last row alone on a page."""
    rest, available = table, first
    for _ in range(50):
        height = rest.wrap(PORTRAIT_WIDTH, available)[1]
        if height <= available:
            return rest is not table and len(rest._cellvalues) == 1
        parts = rest.split(PORTRAIT_WIDTH, available)
        if len(parts) < 2:
            return False
        rest, available = parts[1], FRAME_HEIGHT
    return False


def _label_table(
    grid: ol.LabelGrid, styles: Styles, merge: bool, size: float, top: float, bottom: float
) -> tuple[Table, int | None]:
    widths = label_widths(grid)
    scale = PORTRAIT_WIDTH / sum(widths)
    col_widths = [w * scale for w in widths]
    text_style, label_style = styles.cell(size, "text"), styles.cell(size, "label")
    placed = label_rows(grid, max_rowspan=MAX_ROWSPAN if merge else 1)
    rows = _split_tall_rows(placed, col_widths, text_style)
    data: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), styles.font, size, size * 1.3),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), top),
        ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
    ]
    signature_row = None
    for r, line in enumerate(rows):
        row: list[Any] = [""] * grid.columns
        for cell in line:
            room = sum(col_widths[cell.column : cell.column + cell.colspan]) - 2 * CELL_PAD
            row[cell.column] = _label_cell(cell, label_style, text_style, room)
            end = (cell.column + cell.colspan - 1, r + cell.rowspan - 1)
            if cell.rowspan > 1 or cell.colspan > 1:
                commands.append(("SPAN", (cell.column, r), end))
            if cell.label:
                commands.append(("BACKGROUND", (cell.column, r), end, HEAD))
        if line and line[0].text in SIGNATURE_LABELS:
            signature_row = r
        data.append(row)
    last = (signature_row - 1) if signature_row == len(rows) - 1 else len(rows) - 1
    commands.append(("GRID", (0, 0), (-1, last), 0.5, LINE))
    if signature_row is not None:
        commands.append(("TOPPADDING", (0, signature_row), (-1, signature_row), 8))
    table = Table(data, colWidths=col_widths, style=TableStyle(commands), hAlign="CENTER")
    return table, signature_row


def _chunks(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters, broken after sentences when possible."""
    sentences = [part for part in re.split(r"(?<=[。；;！？\n])", text) if part]
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        while len(sentence) > size:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:size])
            sentence = sentence[size:]
        if len(current) + len(sentence) > size:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def _split_tall_rows(
    rows: list[list[Placed]], widths: list[float], style: ParagraphStyle
) -> list[list[Placed]]:
    """A row whose text would be taller than about half a page is printed as several rows (the
    text continued, the label on the first), so a page break can fall between them. Rows inside
    vertical merges are left alone."""
    covered: set[int] = set()
    for r, line in enumerate(rows):
        for cell in line:
            covered.update(range(r + 1, r + cell.rowspan))
    result: list[list[Placed]] = []
    for r, line in enumerate(rows):
        pieces: dict[int, list[str]] = {}
        if r not in covered and all(cell.rowspan == 1 for cell in line):
            for cell in line:
                if cell.label or len(cell.text) < 200:
                    continue
                room = sum(widths[cell.column : cell.column + cell.colspan]) - 2 * CELL_PAD
                height = RLParagraph(_text(cell.text), style).wrap(room, 1e9)[1]
                if height > MAX_CELL_HEIGHT:
                    size = max(20, int(len(cell.text) * MAX_CELL_HEIGHT * 0.8 / height))
                    pieces[cell.column] = _chunks(cell.text, size)
        if not pieces:
            result.append(line)
            continue
        for k in range(max(len(p) for p in pieces.values())):
            result.append(
                [
                    Placed(
                        _piece(pieces[cell.column], k)
                        if cell.column in pieces
                        else (cell.text if k == 0 else ""),
                        cell.column,
                        colspan=cell.colspan,
                        label=cell.label,
                    )
                    for cell in line
                ]
            )
    return result


def _piece(pieces: list[str], k: int) -> str:
    return pieces[k] if k < len(pieces) else ""


def _label_cell(cell: Placed, label: ParagraphStyle, text: ParagraphStyle, room: float) -> Any:
    if not cell.text:
        return ""
    if cell.label:
        return RLParagraph(balanced(cell.text, room, label.fontName, label.fontSize), label)
    return RLParagraph(_text(cell.text), text)
