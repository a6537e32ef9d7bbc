"""The XLSX input workbook a budget officer fills in (``yusuan template``), and reading it back.

One declarative description of the sheets drives both writing (the empty template, or a filled one
from existing data) and reading, so the two cannot drift apart. Amounts are entered in 元.
Errors name the sheet, the row and the column.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from yusuan.budget.model import BudgetData
from yusuan.budget.paths import get_path, set_path
from yusuan.budget.validate import DataFileError, validate
from yusuan.budget.workbook_layout import (
    FACTS,
    FISCAL,
    KINDS,
    SHEETS,
    SOURCES,
    TEMPLATE_LABEL,
    Col,
    Sheet,
    WorkbookLayout,
    layout_for,
)
from yusuan.files import write_atomically

_HEAD = Font(name="黑体", bold=True)
_BODY = Font(name="宋体")
_NOTE = Font(name="宋体", color="808080")
_FILL = PatternFill("solid", fgColor="DDEBF7")


def _cell_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    return value


def write_workbook(data: BudgetData | None, path: Path, template: str = "shanxi") -> None:
    """The input workbook of ``data``'s template (or of ``template`` for an empty one): empty or
    filled from ``data``. Written atomically. Raises ``UnsupportedStageError`` for a template
    without a workbook."""
    layout = layout_for(data.template if data is not None else template, str(path))
    wb = Workbook()
    guide = wb.active
    assert guide is not None
    guide.title = "填写说明"
    for i, line in enumerate(layout.instructions, start=1):
        guide.cell(i, 1, line).font = _HEAD if i == 1 else _BODY
    guide.column_dimensions["A"].width = 90
    facts = wb.create_sheet("基本信息")
    _write_facts(facts, data, layout.facts)
    for sheet in layout.sheets:
        _write_sheet(wb.create_sheet(sheet.title), sheet, data)
    _write_indicators(wb.create_sheet("绩效指标"), data)
    names = wb.create_sheet("科目名称")
    names.append(["科目编码", "科目名称"])
    for code, name in sorted((data.code_names if data else {}).items()):
        names.append([code, name])
    write_atomically(path, wb.save)


INDICATOR_HEADERS = ("项目名称", "期间", "一级指标", "二级指标", "三级指标", "指标值")


def _write_indicators(ws: Worksheet, data: BudgetData | None) -> None:
    ws.append(list(INDICATOR_HEADERS))
    for column, width in enumerate((36, 8, 14, 16, 30, 16), start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
        ws.cell(1, column).font, ws.cell(1, column).fill = _HEAD, _FILL
    period = DataValidation(type="list", formula1='"实施期,年度,整体"', allow_blank=True)
    ws.add_data_validation(period)
    period.add("B2:B5000")
    for project in data.projects if data else []:
        if project.goals is None:
            continue
        for label, items in (("实施期", project.goals.period_indicators),
                             ("年度", project.goals.annual_indicators)):  # fmt: skip
            for i in items:
                ws.append([project.name, label, i.level1, i.level2, i.level3, i.value])
    for i in data.whole_unit_goals if data else []:
        ws.append(["", "整体", i.level1, i.level2, i.level3, i.value])


def _read_indicators(wb: Any, raw: dict[str, Any]) -> None:
    if "绩效指标" not in wb.sheetnames:
        return
    projects = {p.get("name"): p for p in raw.get("projects", [])}
    for row in wb["绩效指标"].iter_rows(min_row=2, values_only=True):
        if not row or not any(row):
            continue
        cells = [("" if v is None else str(v).strip()) for v in (*row, "", "", "", "", "", "")][:6]
        name, period, *levels = cells
        indicator = dict(zip(("level1", "level2", "level3", "value"), levels, strict=True))
        if period == "整体":
            raw.setdefault("whole_unit_goals", []).append(indicator)
        elif name in projects:
            key = "period_indicators" if period == "实施期" else "annual_indicators"
            projects[name].setdefault("goals", {}).setdefault(key, []).append(indicator)


def _write_facts(
    ws: Worksheet, data: BudgetData | None, facts: tuple[tuple[str, str, str, str], ...] = FACTS
) -> None:
    for column, (header, width) in enumerate((("项目", 34), ("填写内容", 50), ("说明", 36)), 1):
        cell = ws.cell(1, column, header)
        cell.font, cell.fill = _HEAD, _FILL
        ws.column_dimensions[get_column_letter(column)].width = width
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    ws.add_data_validation(yes_no)
    for row, (label, path, kind, note) in enumerate(facts, start=2):
        ws.cell(row, 1, label).font = _BODY
        value = get_path(data, path) if data is not None else None
        if path == "template" and value is None:
            value = kind.split(":")[1].split(",")[-1]  # an empty workbook names its template
        target = ws.cell(row, 2, _cell_value(value))
        target.font = _BODY
        target.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row, 3, note).font = _NOTE
        if kind == "bool":
            yes_no.add(target)
        elif kind.startswith("choice:"):
            choice = DataValidation(type="list", formula1=f'"{kind[7:]}"', allow_blank=True)
            ws.add_data_validation(choice)
            choice.add(target)
        elif kind in ("amount", "int"):
            number = DataValidation(
                type="decimal" if kind == "amount" else "whole",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
            )
            number.error = "请填写不小于0的数字"
            ws.add_data_validation(number)
            number.add(target)
    ws.freeze_panes = "B2"


def _write_sheet(ws: Worksheet, sheet: Sheet, data: BudgetData | None) -> None:
    ws.cell(1, 1, sheet.note).font = _NOTE
    for column, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(2, column, col.header)
        cell.font, cell.fill = _HEAD, _FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = col.width
        area = f"{letter}3:{letter}1000"
        if col.kind == "amount":
            rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                                  allow_blank=True)  # fmt: skip
            rule.error = "金额应为不小于0的数字（元）"
            ws.add_data_validation(rule)
            rule.add(area)
        elif col.kind == "choice":
            rule = DataValidation(
                type="list", formula1=f'"{",".join(col.choices)}"', allow_blank=True
            )
            ws.add_data_validation(rule)
            rule.add(area)
    items = getattr(data, sheet.field) if data is not None else []
    for r, item in enumerate(items, start=3):
        for column, col in enumerate(sheet.columns, start=1):
            value = get_path(item, col.path)
            if value is not None and value != "":
                cell = ws.cell(r, column, _cell_value(value))
                cell.font = _BODY
                if col.kind == "amount":
                    cell.number_format = "0.00"
    ws.freeze_panes = "C3"


def _parse(value: Any, kind: str, where: str, problems: list[str]) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if kind == "amount":
        try:
            text = repr(value) if isinstance(value, float) else str(value).replace(",", "").strip()
            return Decimal(text)
        except InvalidOperation:
            problems.append(f"{where}：应为金额（元），实为“{value}”")
            return None
    if kind == "int":
        try:
            return int(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            problems.append(f"{where}：应为整数，实为“{value}”")
            return None
    if kind == "bool":
        text = str(value).strip()
        if text not in ("是", "否"):
            problems.append(f"{where}：应填“是”或“否”，实为“{value}”")
            return None
        return text == "是"
    if kind.startswith("choice:") and str(value).strip() not in kind[7:].split(","):
        problems.append(f"{where}：只能填 {kind[7:]}，实为“{value}”")
        return None
    text = str(value).strip()
    return str(int(value)) if isinstance(value, float) and value.is_integer() else text


def _layout_of(wb: Any, path: Path) -> WorkbookLayout:
    """The layout the workbook was written with: its 预算模板 row names it (Shanxi without)."""
    for row in wb["基本信息"].iter_rows(min_row=2, values_only=True):
        if row and row[0] == TEMPLATE_LABEL and len(row) > 1 and row[1]:
            return layout_for(str(row[1]).strip(), str(path))
    return layout_for("shanxi", str(path))


def read_workbook(path: Path) -> BudgetData:
    try:
        wb = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise DataFileError(str(path), f"无法打开工作簿（{type(exc).__name__}）",
                            "请确认是 yusuan template 生成的 .xlsx 文件") from None  # fmt: skip
    problems: list[str] = []
    raw: dict[str, Any] = {}
    if "基本信息" not in wb.sheetnames:
        raise DataFileError(str(path), "缺少工作表“基本信息”", "请使用 yusuan template 生成的模板")
    layout = _layout_of(wb, path)
    labels = {label: (p, kind) for label, p, kind, _ in layout.facts}
    for row in wb["基本信息"].iter_rows(min_row=2, values_only=True):
        if not row or row[0] not in labels:
            continue
        path_, kind = labels[str(row[0])]
        value = _parse(
            row[1] if len(row) > 1 else None, kind, f"工作表“基本信息”“{row[0]}”", problems
        )
        if value is not None:
            set_path(raw, path_, value)
    for sheet in layout.sheets:
        if sheet.title not in wb.sheetnames:
            continue
        items: list[dict[str, Any]] = []
        rows = wb[sheet.title].iter_rows(min_row=3, values_only=True)
        for number, row in enumerate(rows, start=3):
            if not row or all(v is None or str(v).strip() == "" for v in row):
                continue
            item: dict[str, Any] = {}
            for col, value in zip(sheet.columns, row, strict=False):
                where = f"工作表“{sheet.title}”第{number}行“{col.header}”"
                kind = "choice:" + ",".join(col.choices) if col.kind == "choice" else col.kind
                parsed = _parse(value, kind, where, problems)
                if parsed is None and col.path == "text" and col.kind == "text":
                    parsed = ""  # a note whose text is blank is a note with no text
                if parsed is not None:
                    set_path(item, col.path, parsed)
            items.append(item)
        raw[sheet.field] = items
    _read_indicators(wb, raw)
    if "科目名称" in wb.sheetnames:
        for row in wb["科目名称"].iter_rows(min_row=2, values_only=True):
            if row and row[0] and len(row) > 1 and row[1]:
                raw.setdefault("code_names", {})[str(row[0]).strip()] = str(row[1]).strip()
    wb.close()
    if problems:
        raise DataFileError(str(path), "工作簿填写有误：\n  " + "\n  ".join(problems[:20]),
                            "请修改后重试")  # fmt: skip
    return validate(raw, str(path))


__all__ = ["FACTS", "FISCAL", "KINDS", "SHEETS", "SOURCES", "Col", "Sheet", "read_workbook",
           "write_workbook"]  # fmt: skip
