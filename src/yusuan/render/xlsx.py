"""A disclosure's tables as the workbook a unit publishes: a 封面 sheet, then one sheet per table.

Every table sheet is laid out from the shared ``Grid`` (``render/layout.py``): row 1 the marker
(预算公开表N), row 2 the title merged across the table, row 3 单位名称 on the left and 单位：万元 on
the right, then the header rows with their merged cells and the body. A table without data keeps
its header and gets a 注：本表无数据 row.

Amounts are stored as numbers with a number format showing as many decimals as were printed
(``0.00`` for "1908.14"), so Excel shows the printed text and can still add them up; a blank cell
stays empty, never 0. Codes and labels are stored as text, so "2080505" stays a string. Storage is
a binary float, which holds every amount of up to 15 significant digits exactly as printed; a
longer one is stored as its text.

The file is written to a temporary file beside the target and moved into place, so a failure
leaves nothing half-written.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from rich.cells import cell_len

from yusuan.files import write_atomically
from yusuan.model import Disclosure
from yusuan.money import parse_amount
from yusuan.render.layout import Grid
from yusuan.render.outline import (
    Block,
    Chart,
    Heading,
    LabelGrid,
    Outline,
    PageBreak,
    Paragraph,
    TableBlock,
    build_outline,
)
from yusuan.templates import template_of

COVER_TITLE = "封面"
FONT_NAME = "宋体"
BODY_FONT = Font(name=FONT_NAME, size=11)
HEAD_FONT = Font(name=FONT_NAME, size=11, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
SMALL_FONT = Font(name=FONT_NAME, size=10)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TEXT_FORMAT = "@"
AMOUNT_FORMAT = "0.00"
# Named styles (one style lookup per cell instead of four): they also show in Excel's gallery.
HEAD_STYLE, TEXT_STYLE, AMOUNT_STYLE = "预算表表头", "预算表文字", "预算表金额"
CHARS_PER_WIDTH = 14.0  # characters per unit of the grid's relative widths (an amount column)
LANDSCAPE_FROM = 100.0  # tables wider than this many characters are printed landscape
LINE_HEIGHT = 15.0  # points per line of 11-point text
FIRST_HEADER_ROW = 4  # rows 1-3: marker, title, 单位名称 / 单位
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_xlsx(disclosure: Disclosure, path: Path) -> None:
    """Write the disclosure's tables to ``path`` (replaced atomically)."""
    workbook = build_workbook(disclosure)
    write_atomically(Path(path), workbook.save)


def _add_styles(workbook: Workbook) -> None:
    for name, font, alignment, number_format in (
        (HEAD_STYLE, HEAD_FONT, CENTER, "General"),
        (TEXT_STYLE, BODY_FONT, LEFT, TEXT_FORMAT),
        (AMOUNT_STYLE, BODY_FONT, RIGHT, AMOUNT_FORMAT),
    ):
        style = NamedStyle(name=name, font=font, alignment=alignment, border=BORDER)
        style.number_format = number_format
        workbook.add_named_style(style)


def build_workbook(disclosure: Disclosure) -> Workbook:
    workbook = Workbook()
    _add_styles(workbook)
    cover = workbook.active
    assert cover is not None  # a new workbook always has one sheet
    cover.title = COVER_TITLE
    used = {COVER_TITLE.casefold()}
    outline = build_outline(disclosure)
    named = template_of(disclosure).layout == "named_sections"
    parts = _named_parts(outline) if named else _parts(outline)
    if parts.get(1):
        write_text_sheet(workbook.create_sheet("概况" if named else "第一部分 概况"), parts[1])
    table_sheets: list[tuple[str, Grid]] = []
    for grid in (b.grid for b in outline.blocks if isinstance(b, TableBlock)):
        title = sheet_title(grid, used)
        sheet = workbook.create_sheet(title)
        write_table(sheet, grid)
        table_sheets.append((title, grid))
    after = ((3, "其他相关情况说明"),) if named else _AFTER_TABLES
    for number, title in after:
        if parts.get(number):
            write_text_sheet(workbook.create_sheet(title), parts[number])
    write_cover(cover, disclosure, table_sheets)
    return workbook


_AFTER_TABLES = ((3, "第三部分 情况说明"), (4, "第四部分 名词解释"))


def _named_parts(outline: Outline) -> dict[int, list[Block]]:
    """A "named_sections" outline (Shanghai): the narrative before the tables (after the cover and
    its 目录) as part 1, the narrative after them as part 3."""
    parts: dict[int, list[Block]] = {}
    current = 0
    for block in outline.blocks:
        if isinstance(block, PageBreak) and current == 0:
            current = 1  # the cover and 目录 end at the first page break
        elif isinstance(block, TableBlock):
            current = 3
        elif current and not isinstance(block, PageBreak):
            parts.setdefault(current, []).append(block)
    return parts


def _parts(outline: Outline) -> dict[int, list[Block]]:
    """The outline's narrative blocks by part (1, 3, 4); the tables have sheets of their own."""
    parts: dict[int, list[Block]] = {}
    current = 0
    for block in outline.blocks:
        if isinstance(block, Heading) and block.level == 1 and block.text.startswith("第"):
            current = "一二三四".find(block.text[1]) + 1
        if current in (1, 3, 4) and not isinstance(block, TableBlock | PageBreak):
            parts.setdefault(current, []).append(block)
    return parts


def write_text_sheet(sheet: Worksheet, blocks: list[Block]) -> None:
    """Narrative as one paragraph per row in a wide first column; performance tables as grids."""
    sheet.column_dimensions["A"].width = 100
    row = 1
    for block in blocks:
        if isinstance(block, Heading | Paragraph):
            cell = _cell(sheet, row, 1)
            _put_text(cell, block.text)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(block, Heading):
                cell.font = Font(name="黑体", bold=True)
            sheet.row_dimensions[row].height = 15 * _lines_needed(block.text, 100)
            row += 1
        elif isinstance(block, Chart):
            _put_text(_cell(sheet, row, 1), block.caption)
            row += 1
        elif isinstance(block, LabelGrid):
            for text in (block.title, block.subtitle):
                _put_text(_cell(sheet, row, 1), text)
                row += 1
            for cells in block.rows:
                column = 1
                for text, span in cells:
                    target = _cell(sheet, row, column)
                    _put_text(target, text)
                    target.alignment = Alignment(wrap_text=True, vertical="top")
                    if span > 1:
                        sheet.merge_cells(
                            start_row=row,
                            start_column=column,
                            end_row=row,
                            end_column=column + span - 1,
                        )
                    column += span
                row += 1


def sheet_title(grid: Grid, used: set[str]) -> str:
    """A title such as 表1 预算收支总表: at most 31 characters, none Excel forbids, unique."""
    base = _SHEET_FORBIDDEN.sub("", f"表{grid.number} {grid.name}".strip())[:31]
    title, n = base, 2
    while title.casefold() in used:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.casefold())
    return title


def _cell(sheet: Worksheet, row: int, column: int) -> Cell:
    """A cell to write (cells are written before any merge covers them)."""
    cell = sheet.cell(row=row, column=column)
    assert isinstance(cell, Cell)
    return cell


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _put_text(cell: Cell, value: str) -> None:
    """Store a string as a string, even one that looks like a formula or a number."""
    cell.value = _text(value)
    cell.data_type = "s"


def _amount_format(text: str, amount: Decimal) -> str:
    """The number format that shows ``amount`` the way ``text`` printed it: "1908.14" → 0.00."""
    exponent = amount.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    digits = "0." + "0" * places if places else "0"
    return "#,##" + digits if "," in text else digits


def _put_amount(cell: Cell, text: str) -> None:
    """A printed amount as a number with a matching format; text that is no amount stays text;
    a blank stays empty (formatted for amounts, so a number typed in later looks right)."""
    text = text.strip()
    amount = parse_amount(text) if text else None
    cell.style = AMOUNT_STYLE
    if amount is None or len(amount.as_tuple().digits) > 15:
        if text:  # not a number, or more digits than a float (and Excel) keeps: stays text
            _put_text(cell, text)
        return
    cell.value = float(amount)
    shown = _amount_format(text, amount)
    if shown != AMOUNT_FORMAT:
        cell.number_format = shown


def _lines_needed(text: str, width_chars: float) -> int:
    if not text:
        return 1
    usable = max(width_chars - 1.5, 1.0)
    return sum(max(1, math.ceil(cell_len(part) / usable)) for part in text.split("\n"))


def write_table(sheet: Worksheet, grid: Grid) -> None:
    columns = grid.columns
    widths = [w * CHARS_PER_WIDTH for w in (grid.widths or [1.0] * columns)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = round(width, 1)
    last = get_column_letter(columns)

    marker = _cell(sheet, row=1, column=1)
    _put_text(marker, grid.marker)
    marker.font = SMALL_FONT

    title = _cell(sheet, row=2, column=1)
    _put_text(title, grid.title)
    title.font = TITLE_FONT
    title.alignment = CENTER
    sheet.merge_cells(f"A2:{last}2")
    sheet.row_dimensions[2].height = 30

    unit = _cell(sheet, row=3, column=1)
    _put_text(unit, grid.unit_line)
    unit.font = BODY_FONT
    unit.alignment = Alignment(horizontal="left", vertical="center")
    if columns >= 3:
        sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=columns - 1)
    amount_unit = _cell(sheet, row=3, column=columns)
    _put_text(amount_unit, grid.amount_unit_line)
    amount_unit.font = BODY_FONT
    amount_unit.alignment = RIGHT

    # Header: every cell styled and bordered first, then merged (a merge keeps the borders).
    row = FIRST_HEADER_ROW
    spans = {(m.row, m.column): sum(widths[m.column : m.column + m.columns]) for m in grid.merges}
    for r, texts in enumerate(grid.header):
        lines = 1
        for c, text in enumerate(texts):
            cell = _cell(sheet, row=row + r, column=c + 1)
            if text:
                _put_text(cell, text)
                lines = max(lines, _lines_needed(text, spans.get((r, c), widths[c])))
            cell.style = HEAD_STYLE
        sheet.row_dimensions[row + r].height = LINE_HEIGHT * lines + 6
    for merge in grid.merges:
        sheet.merge_cells(
            start_row=row + merge.row,
            start_column=merge.column + 1,
            end_row=row + merge.row + merge.rows - 1,
            end_column=merge.column + merge.columns,
        )
    body_start = row + len(grid.header)

    row = body_start
    for body_row in grid.body:
        lines = 1
        for c, body_cell in enumerate(body_row, start=1):
            cell = _cell(sheet, row=row, column=c)
            if body_cell.numeric:
                _put_amount(cell, body_cell.text)
            else:
                cell.style = TEXT_STYLE
                if body_cell.text:
                    _put_text(cell, body_cell.text)
                    lines = max(lines, _lines_needed(body_cell.text, widths[c - 1]))
        sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 4
        row += 1

    if grid.no_data:
        note = _cell(sheet, row=row, column=1)
        _put_text(note, grid.note)
        note.font = BODY_FONT
        note.alignment = Alignment(horizontal="left", vertical="center")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)

    sheet.freeze_panes = f"A{body_start}"
    sheet.print_title_rows = f"{FIRST_HEADER_ROW}:{body_start - 1}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.orientation = "landscape" if sum(widths) > LANDSCAPE_FROM else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6


def write_cover(sheet: Worksheet, disclosure: Disclosure, tables: list[tuple[str, Grid]]) -> None:
    """Unit name, year and scope, then the list of tables, each linked to its sheet."""
    meta = disclosure.meta
    scope = "部门" if meta.scope == "部门" else "单位"
    year = f"{meta.year}年度" if meta.year else ""
    kind = "决算" if meta.kind == "决算" else "预算"
    sheet.column_dimensions["A"].width = 70
    lines: list[tuple[str, Font]] = [
        (meta.unit_name, Font(name=FONT_NAME, size=20, bold=True)),
        (f"{year}{scope}{kind}公开", Font(name=FONT_NAME, size=18, bold=True)),
        (f"公开范围：{scope}{kind}", BODY_FONT),
    ]
    if meta.units:
        lines.append((f"所属单位：{'、'.join(meta.units)}", BODY_FONT))
    unit = f"金额单位：{meta.amount_unit}"
    printed = disclosure.tables.values()
    others = [t for t in printed if t.amount_unit not in (None, meta.amount_unit)]
    if others:  # Shanghai: 元, but its 三公 table in 万元
        named = "、".join(f"表{t.number}" for t in others)
        unit += f"（{named}为{others[0].amount_unit}）"
    lines.append((unit, BODY_FONT))
    row = 2
    for text, font in lines:
        cell = _cell(sheet, row=row, column=1)
        _put_text(cell, text)
        cell.font = font
        cell.alignment = CENTER
        sheet.row_dimensions[row].height = font.size * 1.8 if font.size else LINE_HEIGHT
        row += 2 if font.bold else 1
    row += 1
    for title, _ in tables:
        cell = _cell(sheet, row=row, column=1)
        _put_text(cell, title)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{title}'!A1")
        cell.font = Font(name=FONT_NAME, size=11, color="0563C1", underline="single")
        row += 1
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_options.horizontalCentered = True
