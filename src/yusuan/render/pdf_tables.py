"""Template tables in the PDF: the orientation, font size and column widths a table needs
(``table_layout``: the largest size at which amounts fit a portrait page, else a landscape page),
and the table drawn with its marker, title, 单位名称/单位 line, header rows repeated on every page
and amounts right-aligned.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from reportlab.platypus import Paragraph as RLParagraph

from yusuan.render.html import header_rows, is_total_row
from yusuan.render.layout import Grid
from yusuan.render.pdf_pages import LANDSCAPE_WIDTH, PORTRAIT_WIDTH
from yusuan.render.pdf_style import CELL_PAD, HEAD, LINE, TOTAL, Styles, _text, balanced

TABLE_FONT_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5)


# ---------------------------------------------------------------- tables


def _fits(grid: Grid, widths: list[float], font: str, size: float) -> bool:
    """Whether every amount and code fits its column on one line at ``size``."""
    for row in grid.body:
        for column, cell in enumerate(row):
            if not cell.text or (not cell.numeric and not _is_code(cell.text)):
                continue
            need = pdfmetrics.stringWidth(cell.text, font, size) + 2 * CELL_PAD
            if need > widths[column]:
                return False
    return True


def _is_code(text: str) -> bool:
    return text.isdigit()


def _column_widths(grid: Grid, total: float) -> list[float]:
    weights = grid.widths or [1.0] * grid.columns
    scale = total / sum(weights)
    return [w * scale for w in weights]


def table_layout(grid: Grid, font: str) -> tuple[bool, float, list[float]]:
    """(landscape, font size, column widths) for a table: the largest size at which amounts fit
    a portrait page, else a landscape page."""
    for width, is_landscape in ((PORTRAIT_WIDTH, False), (LANDSCAPE_WIDTH, True)):
        widths = _column_widths(grid, width)
        for size in TABLE_FONT_SIZES:
            if size > 8.5 and grid.columns > 6:
                continue
            if _fits(grid, widths, font, size):
                return is_landscape, size, widths
    widths = _column_widths(grid, LANDSCAPE_WIDTH)
    return True, TABLE_FONT_SIZES[-1], widths


def _grid_flowables(grid: Grid, styles: Styles, anchor: Flowable | None) -> list[Flowable]:
    font = styles.font
    _landscape, size, widths = table_layout(grid, font)
    head_style, text_style = styles.cell(size, "head"), styles.cell(size, "text")
    data: list[list[Any]] = []
    for line in header_rows(grid):
        row: list[Any] = [""] * grid.columns
        for cell in line:
            if cell.text:
                room = sum(widths[cell.column : cell.column + cell.colspan]) - 2 * CELL_PAD
                markup = balanced(cell.text, room, font, size)
                row[cell.column] = RLParagraph(markup, head_style)
        data.append(row)
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, size, size * 1.3),
        ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("BACKGROUND", (0, 0), (-1, len(grid.header) - 1), HEAD),
    ]
    for merge in grid.merges:
        commands.append(
            (
                "SPAN",
                (merge.column, merge.row),
                (merge.column + merge.columns - 1, merge.row + merge.rows - 1),
            )
        )
    first_body = len(data)
    numeric_columns: set[int] = set()
    for r, cells in enumerate(grid.body, start=first_body):
        row = []
        for column, body in enumerate(cells):
            if body.numeric:
                numeric_columns.add(column)
                row.append(body.text)
            elif body.text and not _is_code(body.text):
                row.append(RLParagraph(_text(body.text), text_style))
            else:
                row.append(body.text)
        data.append(row)
        if is_total_row(cells):
            commands.append(("BACKGROUND", (0, r), (-1, r), TOTAL))
    if grid.body:
        for column in sorted(numeric_columns):
            commands.append(("ALIGN", (column, first_body), (column, -1), "RIGHT"))
    table = Table(
        data,
        colWidths=widths,
        repeatRows=len(grid.header),
        style=TableStyle(commands),
        hAlign="CENTER",
    )
    meta = Table(
        [
            [
                RLParagraph(_text(grid.unit_line), styles.meta),
                RLParagraph(_text(grid.amount_unit_line), styles.meta_right),
            ]
        ],
        colWidths=[sum(widths) * 0.7, sum(widths) * 0.3],
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 9),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        ),
        hAlign="CENTER",
    )
    top: list[Flowable] = [] if anchor is None else [anchor]
    top += [
        RLParagraph(_text(grid.marker), styles.marker),
        RLParagraph(_text(grid.title), styles.table_title),
        meta,
    ]
    flowables: list[Flowable] = [*top, table]
    if grid.no_data:
        flowables.append(Spacer(1, 3))
        flowables.append(RLParagraph(_text(grid.note), styles.meta))
    return flowables
