"""The XLSX input workbook a budget officer fills in (``yusuan template``), and reading it back.

One declarative description of the sheets drives both writing (the empty template, or a filled one
from existing data) and reading, so the two cannot drift apart. Amounts are entered in 元.
Errors name the sheet, the row and the column.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from yusuan.files import write_atomically
from yusuan.templates.shanxi import ECONOMIC_GROUPS

SOURCES = (("general", "一般公共预算"), ("fund", "政府性基金预算"), ("capital", "国有资本经营预算"),
           ("special", "财政专户管理资金"), ("unit", "单位资金"))  # fmt: skip
FISCAL = SOURCES[:3]
KINDS = ("其他运转类", "特定目标类")


@dataclass(frozen=True, slots=True)
class Col:
    header: str
    path: str  # dotted path inside one item, e.g. "basic.general"
    kind: str = "text"  # text, amount (元), int, choice
    width: float = 14
    choices: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str
    field: str  # BudgetData field holding the list
    columns: tuple[Col, ...]
    note: str


def _amounts(prefix: str, label: str, sources: tuple[tuple[str, str], ...]) -> tuple[Col, ...]:
    return tuple(Col(f"{label}-{name}", f"{prefix}.{key}", "amount") for key, name in sources)


SHEETS = (
    Sheet(
        "功能科目",
        "functions",
        (
            Col("科目编码", "code", width=12, note="7位“项”级编码，如2080505"),
            Col("科目名称", "name", width=28),
            *_amounts("basic", "基本支出", SOURCES),
            *_amounts("project", "项目支出", SOURCES),
            *_amounts("carryover_basic", "上年结转基本", FISCAL),
            *_amounts("carryover_project", "上年结转项目", FISCAL),
        ),
        "每行一个功能分类“项”级科目，按资金来源填写基本支出和项目支出（元）；类、款和合计由系统计算。",
    ),
    Sheet(
        "项目",
        "projects",
        (
            Col("项目名称", "name", width=36),
            Col("所属单位", "unit", width=20, note="部门预算填写；单位预算可空"),
            Col("项目类别", "kind", "choice", 12, KINDS),
            *_amounts("current", "本年", SOURCES),
            *_amounts("carryover", "上年结转", FISCAL),
            Col("主管部门及代码", "goals.department", width=20),
            Col("项目属性", "goals.attribute", width=18),
            Col("项目期", "goals.period", width=8),
            Col("实施期资金总额", "goals.period_funds.total", "amount"),
            Col("项目概况", "goals.texts.项目概况", width=30),
            Col("立项依据", "goals.texts.立项依据", width=30),
            Col("总体目标（实施期）", "goals.texts.总体目标（实施期）", width=30),
            Col("总体目标（年度）", "goals.texts.总体目标（年度）", width=30),
        ),
        "每行一个项目（元）。本年金额合计即表12项目金额；绩效目标表的年度资金总额由此得出。",
    ),
    Sheet(
        "经济科目",
        "economic",
        (
            Col("经济分类", "group", "choice", 18, ECONOMIC_GROUPS[:4]),
            Col("科目名称", "name", width=24),
            Col("政府预算经济分类", "gov_econ", width=22),
            Col("人员经费", "personnel", "amount"),
            Col("公用经费", "public", "amount"),
        ),
        "一般公共预算基本支出按部门预算经济分类填写（元），合计须等于功能科目中一般公共预算基本支出。",
    ),
    Sheet(
        "机关运行经费",
        "operating_costs",
        (Col("单位名称", "unit", width=30), *_amounts("amounts", "金额", FISCAL)),
        "行政单位和参公事业单位填写，按单位（元）。",
    ),
)

# Single values: (sheet row label, dotted path in BudgetData, kind, note)
FACTS: tuple[tuple[str, str, str, str], ...] = (
    ("单位名称", "unit.name", "text", "与公开文件一致"),
    ("预算年度", "unit.year", "int", "如 2025"),
    ("范围", "unit.scope", "choice:单位,部门", "单位预算或部门预算"),
    ("主管部门", "unit.department", "text", ""),
    ("主管部门代码", "unit.department_code", "text", "如 066"),
    ("是否适用机关运行经费", "unit.operating_costs_apply", "bool", "行政单位、参公事业单位填“是”"),
    ("编制人数", "staffing.authorized", "int", ""),
    ("实有人数", "staffing.actual", "int", ""),
    ("内设机构数", "staffing.internal_departments", "int", ""),
    ("退休人数", "staffing.retired", "int", ""),
    ("单位职责", "texts.duties", "text", ""),
    ("机构设置", "texts.organization", "text", ""),
    ("政府购买服务说明", "texts.purchase_of_services", "text", "第三部分十二（一）"),
    ("其他说明", "texts.other", "text", "第三部分十二（二）"),
    ("是否编报整体绩效目标", "texts.whole_unit_goal", "bool", ""),
    ("因公出国（境）费-一般公共预算", "three_public.abroad.general", "amount", "元"),
    ("公务接待费-一般公共预算", "three_public.reception.general", "amount", "元"),
    ("公务用车购置费-一般公共预算", "three_public.car_purchase.general", "amount", "元"),
    ("公务用车运行维护费-一般公共预算", "three_public.car_operation.general", "amount", "元"),
    ("上年收支总计", "prior_year.total.prior", "amount", "元，用于“比上年增减”"),
    ("收支总计变动原因", "prior_year.total.reason", "text", ""),
    ("上年一般公共预算当年支出", "prior_year.general_spending.prior", "amount", "元"),
    ("一般公共预算支出变动原因", "prior_year.general_spending.reason", "text", ""),
    ("上年“三公”经费", "prior_year.three_public.prior", "amount", "元"),
    ("“三公”经费变动原因", "prior_year.three_public.reason", "text", ""),
    ("上年机关运行经费", "prior_year.operating_costs.prior", "amount", "元"),
    ("机关运行经费变动原因", "prior_year.operating_costs.reason", "text", ""),
    ("政府采购-货物", "procurement.goods", "amount", "元"),
    ("政府采购-工程", "procurement.works", "amount", "元"),
    ("政府采购-服务", "procurement.services", "amount", "元"),
    ("资产截至日期", "assets.as_of", "text", "如 2024年12月31日"),
    ("公务用车编制数", "assets.vehicles_authorized", "int", ""),
    *(
        (f"实有{kind}（辆）", f"assets.vehicles.{kind}", "int", "")
        for kind in (
            "领导用车",
            "机要通信用车",
            "应急保障用车",
            "执法执勤用车",
            "特种专业技术用车",
            "事业单位业务用车",
            "其他公务用车",
        )
    ),
    ("办公用房面积（平方米）", "assets.office_area", "amount", ""),
    ("50万元以上通用设备（台套）", "assets.equipment_50", "int", ""),
    ("100万元以上通用设备（台套）", "assets.equipment_100", "int", ""),
)

INSTRUCTIONS = (
    "本工作簿用于填写单位（部门）预算公开所需的基础数据，填好后运行：",
    "    yusuan render 本文件.xlsx -o 输出目录",
    "即可生成全部13张公开表、情况说明、绩效目标表及图表（DOCX、PDF、HTML、XLSX）。",
    "",
    "填写要求：",
    "1. 金额一律以“元”为单位填写，可保留两位小数；没有的金额留空，不要填0。",
    "2. “基本信息”页逐项填写；灰色为说明。",
    "3. “功能科目”页每行一个“项”级科目，合计、类、款由系统计算，不需填写。",
    "4. “项目”页每行一个项目；表12、表13及绩效目标表由此生成。",
    "5. “经济科目”页的合计应等于功能科目中一般公共预算基本支出的合计。",
    "6. 表1、表4、表5及所有合计、占比、增减变动均由系统计算，不需填写。",
    "7. 填写有误时，系统会指出工作表、行和列。",
)

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


def write_workbook(data: BudgetData | None, path: Path) -> None:
    """The input workbook: empty (a template) or filled from ``data``. Written atomically."""
    wb = Workbook()
    guide = wb.active
    assert guide is not None
    guide.title = "填写说明"
    for i, line in enumerate(INSTRUCTIONS, start=1):
        guide.cell(i, 1, line).font = _HEAD if i == 1 else _BODY
    guide.column_dimensions["A"].width = 90
    facts = wb.create_sheet("基本信息")
    _write_facts(facts, data)
    for sheet in SHEETS:
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


def _write_facts(ws: Worksheet, data: BudgetData | None) -> None:
    for column, (header, width) in enumerate((("项目", 34), ("填写内容", 50), ("说明", 36)), 1):
        cell = ws.cell(1, column, header)
        cell.font, cell.fill = _HEAD, _FILL
        ws.column_dimensions[get_column_letter(column)].width = width
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    ws.add_data_validation(yes_no)
    for row, (label, path, kind, note) in enumerate(FACTS, start=2):
        ws.cell(row, 1, label).font = _BODY
        target = ws.cell(row, 2, _cell_value(get_path(data, path)) if data is not None else None)
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
    labels = {label: (p, kind) for label, p, kind, _ in FACTS}
    for row in wb["基本信息"].iter_rows(min_row=2, values_only=True):
        if not row or row[0] not in labels:
            continue
        path_, kind = labels[str(row[0])]
        value = _parse(
            row[1] if len(row) > 1 else None, kind, f"工作表“基本信息”“{row[0]}”", problems
        )
        if value is not None:
            set_path(raw, path_, value)
    for sheet in SHEETS:
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
