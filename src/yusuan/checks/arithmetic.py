"""Family 1: arithmetic within each table."""

from __future__ import annotations

from yusuan.checks.engine import Checker, cell_figure, rule
from yusuan.checks.findings import Severity
from yusuan.checks.views import (
    children_by_code,
    class_lines,
    coded_sides,
    economic_groups,
    income_sources,
    labelled,
    numeric_keys,
    rows_of,
    subtotal_groups,
    total_row,
)
from yusuan.model import RowKind, Side, Table

# Row identities: (table, side) → (total column, part columns).
ROW_SUMS: dict[tuple[str, Side | None], tuple[str, tuple[str, ...]]] = {
    ("budget_summary", Side.EXPENDITURE): ("total", ("current", "carryover")),
    ("income_summary", None): ("total", ("general", "fund", "capital", "special", "unit")),
    ("expenditure_summary", None): ("total", ("basic", "project")),
    ("fiscal_summary", Side.EXPENDITURE): ("total", ("general", "fund", "capital")),
    ("general_expenditure", None): ("total", ("basic", "project")),
    ("basic_by_economic", None): ("total", ("personnel", "public")),
    ("fund_expenditure", None): ("total", ("basic", "project")),
    ("capital_budget", Side.EXPENDITURE): ("total", ("basic", "project")),
    ("three_public", None): ("total", ("general", "fund", "capital")),
    ("operating_costs", None): ("total", ("general", "fund", "capital")),
    ("projects_current", None): ("total", ("general", "fund", "capital", "special", "unit")),
    ("projects_carryover", None): ("total", ("general", "fund", "capital")),
}


@rule(
    "ARITH-ROW",
    "arithmetic",
    Severity.ERROR,
    "行合计不等于各列之和",
    "每一行的合计栏应等于其各组成栏之和，例如表3“合计 = 基本支出 + 项目支出”，"
    "表2“本年收入合计 = 一般公共预算 + 政府性基金 + 国有资本经营预算 + 财政专户管理资金 + "
    "单位资金”。",
)
def row_totals(ck: Checker) -> None:
    for (key, side), (total_key, parts) in ROW_SUMS.items():
        table = ck.table(key)
        if table is None:
            continue
        for row in rows_of(table, side):
            if total_key not in row.cells or not any(c.amount for c in row.cells.values()):
                continue
            ck.sum(
                cell_figure(table, row, total_key),
                [cell_figure(table, row, k) for k in parts if k in row.cells],
                f"表{table.number}“{row.label or row.code}”的合计",
            )


@rule(
    "ARITH-CODE",
    "arithmetic",
    Severity.ERROR,
    "类/款/项金额不衔接",
    "按功能分类科目列示的表中，每个“类”应等于其下各“款”之和，每个“款”应等于其下各“项”之和。",
)
def code_hierarchy(ck: Checker) -> None:
    for table, side, rows in coded_sides(ck.disclosure):
        by_code = children_by_code(rows)  # (children(rows, parent) for each: quadratic)
        keys = numeric_keys(table, side)
        for parent in rows:
            assert parent.code is not None
            kids = by_code.get(parent.code, [])
            if not kids:
                continue
            for key in keys:
                ck.sum(
                    cell_figure(table, parent, key),
                    [cell_figure(table, k, key) for k in kids],
                    f"表{table.number}科目{parent.code}“{parent.label}”等于其下级科目之和",
                )


@rule(
    "ARITH-TOTAL",
    "arithmetic",
    Severity.ERROR,
    "合计行不等于各类之和",
    "按功能分类科目列示的表中，“合计”行应等于各“类”（3位科目）之和。",
)
def table_totals(ck: Checker) -> None:
    for table, side, rows in coded_sides(ck.disclosure):
        total = total_row(table, side)
        classes = [r for r in rows if r.code and len(r.code) == 3]
        if total is None or not classes:
            continue
        for key in numeric_keys(table, side):
            ck.sum(
                cell_figure(table, total, key),
                [cell_figure(table, r, key) for r in classes],
                f"表{table.number}合计行等于各类之和",
            )


@rule(
    "ARITH-ECON",
    "arithmetic",
    Severity.ERROR,
    "经济分类合计不衔接",
    "表6中每个经济分类（工资福利支出、商品和服务支出、对个人和家庭的补助等）应等于其下各款之和，"
    "合计应等于各经济分类之和。",
)
def economic_sums(ck: Checker) -> None:
    table = ck.table("basic_by_economic")
    if table is None:
        return
    groups = list(economic_groups(table))
    keys = numeric_keys(table)
    for group, items in groups:
        if not items:
            continue
        for key in keys:
            ck.sum(
                cell_figure(table, group, key),
                [cell_figure(table, i, key) for i in items],
                f"表6“{group.label}”等于其下各款之和",
            )
    total = total_row(table)
    if total is not None and groups:
        for key in numeric_keys(table):
            ck.sum(
                cell_figure(table, total, key),
                [cell_figure(table, g, key) for g, _ in groups],
                "表6合计等于各经济分类之和",
            )


@rule(
    "ARITH-THREE-PUBLIC",
    "arithmetic",
    Severity.ERROR,
    "“三公”经费合计不衔接",
    "表10中“公务用车购置及运行费 = ①公务用车购置费 + ②公务用车运行维护费”，"
    "“合计 = 因公出国（境）费 + 公务接待费 + 公务用车购置及运行费”。",
)
def three_public_sums(ck: Checker) -> None:
    table = ck.table("three_public")
    if table is None:
        return
    rows = {r.label: r for r in table.rows}
    car = rows.get("公务用车购置及运行费")
    buy, run = rows.get("①公务用车购置费"), rows.get("②公务用车运行维护费")
    abroad, reception = rows.get("因公出国（境）费"), rows.get("公务接待费")
    total = rows.get("合计")
    for key in numeric_keys(table):
        if car is not None and buy is not None and run is not None:
            ck.sum(
                cell_figure(table, car, key),
                [cell_figure(table, buy, key), cell_figure(table, run, key)],
                "表10公务用车购置及运行费等于购置费与运行维护费之和",
            )
        if total is not None and car is not None and abroad is not None and reception is not None:
            ck.sum(
                cell_figure(table, total, key),
                [cell_figure(table, r, key) for r in (abroad, reception, car)],
                "表10合计等于三项“三公”经费之和",
            )


@rule(
    "ARITH-SUBTOTAL",
    "arithmetic",
    Severity.ERROR,
    "单位/部门小计不等于明细之和",
    "表11“部门合计”应等于各单位之和；表12、表13中每个单位行应等于其下各项目之和，"
    "部门行应等于其下各单位之和。",
)
def subtotals(ck: Checker) -> None:
    t11 = ck.table("operating_costs")
    if t11 is not None:
        total = total_row(t11)
        units = [r for r in t11.rows if r.kind != RowKind.TOTAL]
        if total is not None and units:
            for key in numeric_keys(t11):
                ck.sum(
                    cell_figure(t11, total, key),
                    [cell_figure(t11, u, key) for u in units],
                    "表11部门合计等于各单位之和",
                )
    for key_ in ("projects_current", "projects_carryover"):
        table = ck.table(key_)
        if table is None:
            continue
        number = table.number
        keys = numeric_keys(table)
        for head, members in subtotal_groups(table):
            if not members:
                continue
            for key in keys:
                ck.sum(
                    cell_figure(table, head, key),
                    [cell_figure(table, m, key) for m in members],
                    f"表{number}“{head.label}”等于其下明细之和",
                )


def _balance(ck: Checker, table: Table, carry_label: str) -> None:
    n = table.number
    current, carried = income_sources(table)
    income_total = labelled(table, "本年收入合计", Side.INCOME)
    carry = labelled(table, carry_label, Side.INCOME)
    grand_income = labelled(table, "收入总计", Side.INCOME)
    if income_total is not None and current:
        ck.sum(
            cell_figure(table, income_total, "amount"),
            [cell_figure(table, r, "amount") for r in current],
            f"表{n}本年收入合计等于各项收入之和",
        )
    if carry is not None and carried:
        ck.sum(
            cell_figure(table, carry, "amount"),
            [cell_figure(table, r, "amount") for r in carried],
            f"表{n}{carry_label}等于其分项之和",
        )
    if grand_income is not None and income_total is not None:
        parts = [cell_figure(table, income_total, "amount")]
        if carry is not None:
            parts.append(cell_figure(table, carry, "amount"))
        ck.sum(cell_figure(table, grand_income, "amount"), parts, f"表{n}收入总计")
    spend_total = labelled(table, "本年支出合计", Side.EXPENDITURE)
    year_end = labelled(table, "年终结转", Side.EXPENDITURE)
    grand_spend = labelled(table, "支出总计", Side.EXPENDITURE)
    classes = class_lines(table)
    for key in numeric_keys(table, Side.EXPENDITURE):
        if spend_total is not None and classes:
            ck.sum(
                cell_figure(table, spend_total, key),
                [cell_figure(table, r, key) for r in classes],
                f"表{n}本年支出合计等于各类支出之和",
            )
        if grand_spend is not None and spend_total is not None:
            parts = [cell_figure(table, spend_total, key)]
            if year_end is not None:
                parts.append(cell_figure(table, year_end, key))
            ck.sum(cell_figure(table, grand_spend, key), parts, f"表{n}支出总计")
    if grand_income is not None and grand_spend is not None:
        ck.same(
            cell_figure(table, grand_income, "amount"),
            cell_figure(table, grand_spend, "total"),
            f"表{n}收入总计等于支出总计",
        )


@rule(
    "ARITH-BALANCE",
    "arithmetic",
    Severity.ERROR,
    "收支总表不平衡",
    "表1、表4中本年收入合计等于各项收入之和，收入总计 = 本年收入合计 + 上年结转，"
    "本年支出合计等于各类支出之和，支出总计 = 本年支出合计 + 年终结转，且收入总计 = 支出总计。",
)
def balance(ck: Checker) -> None:
    t1 = ck.table("budget_summary")
    if t1 is not None:
        _balance(ck, t1, "上年结转")
    t4 = ck.table("fiscal_summary")
    if t4 is not None:
        _balance(ck, t4, "上年财政拨款结转")
