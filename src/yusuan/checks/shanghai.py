"""Rules of the Shanghai 9-table template: its own identities, and its narrative (万元) against
its tables (元)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from yusuan.checks.engine import Checker, Figure, cell_figure, rule
from yusuan.checks.findings import Location, Severity
from yusuan.checks.views import children, coded, labelled, numeric_keys, rows_of, total_row
from yusuan.model import RowKind, Side, Table
from yusuan.money import WAN
from yusuan.sentences import source_in

SH = ("shanghai",)
CODED = (
    "income_summary",
    "expenditure_summary",
    "general_expenditure",
    "fund_expenditure",
    "capital_expenditure",
)
ROW_SUMS: dict[tuple[str, Side | None], tuple[str, tuple[str, ...]]] = {
    ("budget_summary", Side.EXPENDITURE): ("total", ("personnel", "public", "project")),
    ("income_summary", None): ("total", ("fiscal", "business", "operating", "other")),
    ("expenditure_summary", None): ("total", ("basic", "project")),
    ("fiscal_summary", Side.EXPENDITURE): ("total", ("general", "fund", "capital")),
    ("general_expenditure", None): ("total", ("basic", "project")),
    ("fund_expenditure", None): ("total", ("basic", "project")),
    ("capital_expenditure", None): ("total", ("basic", "project")),
    ("basic_by_economic", None): ("total", ("personnel", "public")),
    ("three_public", None): ("total", ("abroad", "reception", "car_total")),
}
_CLASS_LINE = re.compile(r"^[一二三四五六七八九十]+、")


@rule(
    "SH-ARITH-ROW",
    "arithmetic",
    Severity.ERROR,
    "行合计不等于各列之和",
    "上海模板各表每行的合计等于各组成栏之和，如支出预算总表“合计 = 基本支出 + 项目支出”、"
    "收入预算总表“合计 = 财政拨款收入 + 事业收入 + 事业单位经营收入 + 其他收入”、"
    "“三公”经费合计 = 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费，"
    "公务用车小计 = 购置费 + 运行费。",
    SH,
)
def row_sums(ck: Checker) -> None:
    for (key, side), (total_key, parts) in ROW_SUMS.items():
        table = ck.table(key)
        if table is None:
            continue
        for row in rows_of(table, side):
            present = [k for k in parts if k in row.cells and row.cells[k].amount is not None]
            if total_key not in row.cells or not present:
                continue  # e.g. a 部门 table 1 printing only 预算数
            ck.sum(
                cell_figure(table, row, total_key),
                [cell_figure(table, row, k) for k in parts if k in row.cells],
                f"表{table.number}“{row.label or row.code}”的合计",
            )
    t9 = ck.table("three_public")
    first = t9.rows[0] if t9 is not None and t9.rows else None
    if t9 is not None and first is not None and "car_total" in first.cells:
        ck.sum(
            cell_figure(t9, first, "car_total"),
            [cell_figure(t9, first, "car_purchase"), cell_figure(t9, first, "car_operation")],
            f"表{t9.number}公务用车购置及运行费等于购置费与运行费之和",
        )


@rule(
    "SH-ARITH-CODE",
    "arithmetic",
    Severity.ERROR,
    "类/款/项金额不衔接，或合计不等于各类之和",
    "按科目列示的表中，类 = Σ款、款 = Σ项，合计 = Σ类；经济分类表中每个类等于其下各款之和。",
    (*SH, "shanghai-final"),
)
def code_sums(ck: Checker) -> None:
    for key in (*CODED, "basic_by_economic"):
        table = ck.table(key)
        if table is None:
            continue
        number = table.number
        rows = coded(table)
        keys = numeric_keys(table)
        for parent in rows:
            kids = children(rows, parent)
            for key in keys if kids else []:
                ck.sum(
                    cell_figure(table, parent, key),
                    [cell_figure(table, k, key) for k in kids],
                    f"表{number}科目{parent.code}“{parent.label}”等于其下级科目之和",
                )
        total = total_row(table)
        tops = [r for r in rows if r.code and len(r.code) == 3]
        for key in keys if total is not None and tops else []:
            assert total is not None
            ck.sum(
                cell_figure(table, total, key),
                [cell_figure(table, r, key) for r in tops],
                f"表{number}合计等于各类之和",
            )


def _numbered(table: Table, side: Side) -> tuple[list, list]:  # type: ignore[type-arg]
    """Top-level (一、二、…) and second-level (1、2、…) income lines of tables 1 and 4."""
    tops, subs = [], []
    for row in rows_of(table, side):
        if re.match(r"^[一二三四五六七八九十]+、", row.label):
            tops.append(row)
        elif re.match(r"^\d+[、.．]", row.label):
            subs.append(row)
    return tops, subs


@rule(
    "SH-BALANCE",
    "arithmetic",
    Severity.ERROR,
    "收支总表不平衡",
    "财务收支预算总表和财政拨款收支预算总表中：收入总计 = 各项收入之和，"
    "财政拨款收入 = 其下各项资金之和，"
    "支出总计 = 各类支出之和，收入总计 = 支出总计。",
    SH,
)
def balance(ck: Checker) -> None:
    for key in ("budget_summary", "fiscal_summary"):
        table = ck.table(key)
        if table is None:
            continue
        number = table.number
        grand_in = labelled(table, "收入总计", Side.INCOME)
        grand_out = labelled(table, "支出总计", Side.EXPENDITURE)
        tops, subs = _numbered(table, Side.INCOME)
        if grand_in is not None and tops:
            incomes = [cell_figure(table, r, "amount") for r in tops]
            ck.sum(cell_figure(table, grand_in, "amount"), incomes, f"表{number}收入总计")
        if key == "budget_summary" and tops and subs:
            ck.sum(cell_figure(table, tops[0], "amount"),
                   [cell_figure(table, r, "amount") for r in subs],
                   f"表{number}{tops[0].label}等于其下各项资金之和")  # fmt: skip
        classes = [
            r
            for r in rows_of(table, Side.EXPENDITURE)
            if re.match(r"^[一二三四五六七八九十]+、", r.label)
        ]
        for key in numeric_keys(table, Side.EXPENDITURE):
            if grand_out is not None and classes and key in grand_out.cells:
                spent = [cell_figure(table, r, key) for r in classes]
                ck.sum(cell_figure(table, grand_out, key), spent, f"表{number}支出总计")
        if grand_in is not None and grand_out is not None:
            ck.same(cell_figure(table, grand_in, "amount"), cell_figure(table, grand_out, "total"),
                    f"表{number}收入总计等于支出总计")  # fmt: skip


@rule(
    "SH-CROSS",
    "cross_table",
    Severity.ERROR,
    "表间数据不一致",
    "支出预算总表每个科目的合计等于收入预算总表同一科目的合计；财务收支预算总表各类支出等于支出预算总表"
    "同类合计；财政拨款收支预算总表一般公共预算各类支出等于一般公共预算支出功能分类表同类合计；"
    "经济分类表合计等于一般公共预算支出功能分类表的基本支出；财务收支预算总表财政拨款收入等于收入预算总表"
    "财政拨款收入合计。",
    SH,
)
def cross(ck: Checker) -> None:
    t1, t2, t3, t4, t5, t8 = (
        ck.table(key)
        for key in ("budget_summary", "income_summary", "expenditure_summary", "fiscal_summary",
                    "general_expenditure", "basic_by_economic")
    )  # fmt: skip
    if t2 is not None and t3 is not None:
        rows2 = {r.code: r for r in coded(t2)}
        for row in coded(t3):
            other = rows2.get(row.code)
            if other is not None:
                ck.same(cell_figure(t3, row, "total"), cell_figure(t2, other, "total"),
                        f"表{t3.number}科目{row.code}与表{t2.number}")  # fmt: skip
    for table, other_table, key, side in ((t1, t3, "total", Side.EXPENDITURE),
                                          (t4, t5, "general", Side.EXPENDITURE)):  # fmt: skip
        if table is None or other_table is None:
            continue
        classes = {r.label: r for r in coded(other_table) if r.code and len(r.code) == 3}
        for row in rows_of(table, side):
            name = re.sub(r"^[一二三四五六七八九十]+、", "", row.label)
            match = classes.get(name)
            if match is not None and key in row.cells:
                ck.same(cell_figure(table, row, key), cell_figure(other_table, match, "total"),
                        f"表{table.number}“{row.label}”与表{other_table.number}同类")  # fmt: skip
    if t8 is not None and t5 is not None:
        total8, total5 = total_row(t8), total_row(t5)
        if total8 is not None and total5 is not None:
            ck.same(cell_figure(t8, total8, "total"), cell_figure(t5, total5, "basic"),
                    f"表{t8.number}合计与表{t5.number}基本支出合计")  # fmt: skip
    if t1 is not None and t2 is not None:
        tops, _ = _numbered(t1, Side.INCOME)
        total2 = total_row(t2)
        fiscal = next((r for r in tops if "财政拨款" in r.label), None)
        if fiscal is not None and total2 is not None:
            ck.same(cell_figure(t1, fiscal, "amount"), cell_figure(t2, total2, "fiscal"),
                    f"表{t1.number}财政拨款收入与表{t2.number}财政拨款收入合计")  # fmt: skip


def _wan(value: Decimal | None) -> Decimal | None:
    return (
        (value / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if value is not None
        else None
    )


def _stated(ck: Checker, pattern: str) -> tuple[Decimal, str, Location] | None:
    for section in ck.disclosure.sections:
        text = "".join((section.text + "".join(s.text for s in section.subsections)).split())
        found = re.search(pattern + r"(?:为|是)?(\d[\d,]*(?:\.\d+)?)万元", text)
        if found:
            value = Decimal(found.group(1).replace(",", ""))
            label = (
                f"其他相关情况说明 {section.number}{'、' if section.number else ''}{section.title}"
            )
            source = source_in(section, found.group(0), ck.disclosure.meta.source_file)
            return value, found.group(1), Location(source, label, found.group(1))
    return None


@rule(
    "SH-NARRATIVE",
    "narrative",
    Severity.ERROR,
    "说明中的金额与表格不一致",
    "“三公”经费预算数、机关运行经费预算数应等于“三公”经费和机关运行经费预算表；编制说明中的收入预算、"
    "支出预算（万元）应等于财务收支预算总表的收入总计、支出总计（元，换算为万元并四舍五入）。",
    SH,
)
def narrative(ck: Checker) -> None:
    t9, t1 = ck.table("three_public"), ck.table("budget_summary")
    row9 = t9.rows[0] if t9 is not None and t9.rows else None
    checks: list[tuple[str, Decimal | None, Location | None]] = []
    if row9 is not None:
        loc9 = cell_figure(t9, row9, "total").location  # type: ignore[arg-type]
        checks.append(('[“"]三公[”"]经费预算数', row9.amount("total") or Decimal(0), loc9))
        checks.append(("机关运行经费预算", row9.amount("operating") or Decimal(0),
                       cell_figure(t9, row9, "operating").location))  # type: ignore[arg-type]  # fmt: skip
    if t1 is not None:
        grand_in = labelled(t1, "收入总计", Side.INCOME)
        if grand_in is not None:
            checks.append(("收入预算", _wan(grand_in.amount("amount")),
                           cell_figure(t1, grand_in, "amount").location))  # fmt: skip
            checks.append(("支出预算", _wan(grand_in.amount("amount")),
                           cell_figure(t1, grand_in, "amount").location))  # fmt: skip
    for pattern, expected, where in checks:
        stated = _stated(ck, pattern)
        if stated is None or expected is None:
            continue
        value, _, location = stated
        name = re.sub(r"[\[\]\"“”]", "", pattern)
        ck.same(Figure(value, location), Figure(expected, where), f"说明中的“{name}”")


__all__ = ["RowKind"]


# “类名-款名-项名”科目X万元, or “类名（类）款名（款）项名（项）”X万元
_SUBJECT = re.compile(r"“([^“”]+?)”(?:科目)?(\d[\d,]*(?:\.\d+)?)万元")
_PATH_SPLIT = re.compile(r"（[类款项]）|\([类款项]\)|-")


@rule(
    "SH-NARRATIVE-CODES",
    "narrative",
    Severity.ERROR,
    "编制说明中科目金额与表格不一致",
    "预算编制说明逐项列出的“类-款-项”科目财政拨款支出（万元），应等于一般公共预算、政府性基金预算、"
    "国有资本经营预算支出功能分类预算表中该科目合计之和（元，换算为万元）。",
    SH,
)
def narrative_codes(ck: Checker) -> None:
    explanation = next((s for s in ck.disclosure.sections if not s.number), None)
    t3 = ck.table("expenditure_summary")
    if explanation is None or t3 is None:
        return
    names: dict[str, str] = {}  # "类名-款名-项名" → 7-digit code
    rows = {r.code: r for r in coded(t3) if r.code}
    for item_code, row in rows.items():
        if len(item_code) == 7 and item_code[:3] in rows and item_code[:5] in rows:
            labels = (rows[item_code[:3]].label, rows[item_code[:5]].label, row.label)
            names["-".join(labels)] = item_code
    text = "".join(explanation.text.split())
    seen: set[str] = set()
    for match in _SUBJECT.finditer(text):
        parts = [p for p in _PATH_SPLIT.split("".join(match.group(1).split())) if p]
        path, printed = "-".join(parts), match.group(2)
        code: str | None = names.get(path)
        if code is None or match.group(0) in seen:
            continue  # a sentence repeated by an overflowing text box is checked once
        seen.add(match.group(0))
        fiscal = [
            ck.table(k) for k in ("general_expenditure", "fund_expenditure", "capital_expenditure")
        ]
        figures = [
            cell_figure(t, r, "total") for t in fiscal if t is not None
            for r in coded(t) if r.code == code
        ]  # fmt: skip
        total = sum((f.value or Decimal(0) for f in figures), Decimal(0))
        source = source_in(explanation, match.group(0), ck.disclosure.meta.source_file)
        where = Location(source, f"预算编制说明 “{path}”科目", printed)
        ck.same(
            Figure(Decimal(printed.replace(",", "")), where),
            Figure(_wan(total), figures[0].location if figures else where),
            f"预算编制说明“{path}”科目金额（万元）",
        )
