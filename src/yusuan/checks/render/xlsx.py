"""The 检查表 a finance bureau files, as an Excel workbook: a 汇总 sheet with one row per document,
then one sheet per document listing every part and table of the Shanxi template with 是否公开,
是否符合要求 (是/否), the defects in plain Chinese and their number.

尾差 are listed (marked 尾差) but never make an item non-compliant. The file is written to a
temporary file beside the target and moved into place, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from rich.cells import cell_len

from yusuan.checks.render.common import (
    checklist,
    counts,
    short_file,
    year_text,
    yes_no,
)
from yusuan.checks.report import Report
from yusuan.files import write_atomically

CellValue = str | int | None
SUMMARY_TITLE = "汇总"
CHECKLIST_HEADERS = (
    ("序号", 6),
    ("部分", 18),
    ("检查项目", 38),
    ("是否公开（是/否）", 12),
    ("是否符合要求（是/否）", 14),
    ("问题描述", 80),
    ("问题数", 8),
)
SUMMARY_HEADERS = (
    ("序号", 6),
    ("单位名称", 34),
    ("年度", 8),
    ("范围", 8),
    ("文件", 34),
    ("错误", 8),
    ("警告", 8),
    ("提示", 8),
    ("其中尾差", 10),
    ("不符合要求的项目数", 12),
    ("问题总数", 10),
    ("检查时间", 20),
)

FONT_NAME = "宋体"
HEAD_FONT = Font(name="黑体", bold=True, size=11)
BODY_FONT = Font(name=FONT_NAME, size=11)
TITLE_FONT = Font(name="黑体", bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="D9E2F3")
NO_FILL = PatternFill("solid", fgColor="FCE4E4")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)
LINE_HEIGHT = 15  # points per line of 11-point text

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_NAME_NOISE = re.compile(r"[（(][^）)]*[）)]|\s+")


def sheet_titles(reports: list[Report]) -> list[str]:
    """A unique sheet title per document: the unit name without spaces or bracketed notes, at
    most 31 characters, never 汇总; a repeated name gets its year or a number."""
    used = {SUMMARY_TITLE.casefold(), "history"}
    titles = []
    for index, report in enumerate(reports, start=1):
        base = _SHEET_FORBIDDEN.sub("", _NAME_NOISE.sub("", report.unit_name)).strip("'")
        base = base or f"文件{index}"
        candidates = [base[:31]]
        if report.year is not None:
            candidates.append(f"{base[:27]}{report.year}")
        candidates += [f"{base[:27]}（{n}）" for n in range(2, len(reports) + 3)]
        title = next(c for c in candidates if c.casefold() not in used)
        used.add(title.casefold())
        titles.append(title)
    return titles


def _header(sheet: Worksheet, row: int, headers: tuple[tuple[str, int], ...]) -> None:
    for column, (name, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=name)
        cell.font = HEAD_FONT
        cell.fill = HEAD_FILL
        cell.border = BORDER
        cell.alignment = CENTER
        sheet.column_dimensions[get_column_letter(column)].width = width


def _title(sheet: Worksheet, text: str, columns: int) -> None:
    sheet.cell(row=1, column=1, value=text).font = TITLE_FONT
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    sheet.row_dimensions[1].height = 24


def _row_height(values: list[CellValue], headers: tuple[tuple[str, int], ...]) -> float:
    """Excel does not grow a wrapped row when it opens a file: estimate the lines it needs."""
    lines = 1
    for value, (_, width) in zip(values, headers, strict=True):
        if value is None:
            continue
        needed = sum(
            max(1, math.ceil(cell_len(part) / max(width - 1, 1))) for part in str(value).split("\n")
        )
        lines = max(lines, needed)
    return LINE_HEIGHT * lines + 3


def _body_row(
    sheet: Worksheet, row: int, values: list[CellValue], headers: tuple[tuple[str, int], ...]
) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.font = BODY_FONT
        cell.border = BORDER
        cell.alignment = WRAP_TOP if isinstance(value, str) and len(value) > 4 else CENTER
        if value == "否":
            cell.fill = NO_FILL
    sheet.row_dimensions[row].height = _row_height(values, headers)


def _checklist_sheet(sheet: Worksheet, report: Report) -> int:
    """Fill one document's 检查表; return the number of items that do not comply."""
    columns = len(CHECKLIST_HEADERS)
    _title(
        sheet,
        f"{report.unit_name}{year_text(report.year)}{report.scope}预算公开检查表",
        columns,
    )
    _header(sheet, 2, CHECKLIST_HEADERS)
    failing = 0
    row = 3
    for number, item in enumerate(checklist(report), start=1):
        failing += 0 if item.compliant else 1
        values: list[CellValue] = [
            number,
            item.part,
            item.name,
            yes_no(item.disclosed),
            yes_no(item.compliant),
            "\n".join(item.description_lines()),
            item.problem_count,
        ]
        _body_row(sheet, row, values, CHECKLIST_HEADERS)
        row += 1
    last = row - 1
    choice = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    choice.add(f"D3:E{last}")
    sheet.add_data_validation(choice)
    note = sheet.cell(
        row=last + 2,
        column=1,
        value=f"文件：{report.file}　检查时间：{report.checked_at}　"
        "说明：尾差为舍入可以解释的差额，列出备查，不计为不符合要求。",
    )
    note.font = Font(name=FONT_NAME, size=10, color="666666")
    if report.reading_issues:
        issues = "读取提示：" + "；".join(report.reading_issues)
        cell = sheet.cell(row=last + 3, column=1, value=issues)
        cell.font = Font(name=FONT_NAME, size=10, color="666666")
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return failing


def build_workbook(reports: list[Report]) -> Workbook:
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = SUMMARY_TITLE
    _title(summary, "预算公开检查汇总", len(SUMMARY_HEADERS))
    _header(summary, 2, SUMMARY_HEADERS)
    for index, (report, title) in enumerate(zip(reports, sheet_titles(reports), strict=True)):
        failing = _checklist_sheet(workbook.create_sheet(title), report)
        c = counts(report)
        values: list[CellValue] = [
            index + 1,
            report.unit_name,
            report.year,
            report.scope,
            short_file(report.file),
            c["error"],
            c["warning"],
            c["info"],
            c["rounding"],
            failing,
            c["total"] - c["rounding"],
            report.checked_at,
        ]
        _body_row(summary, index + 3, values, SUMMARY_HEADERS)
        link = summary.cell(row=index + 3, column=2)
        link.hyperlink = f"#'{title}'!A1"
        link.font = Font(name=FONT_NAME, size=11, color="0563C1", underline="single")
    summary.freeze_panes = "A3"
    return workbook


def write_xlsx(reports: list[Report], path: Path) -> None:
    write_atomically(path, build_workbook(reports).save)
