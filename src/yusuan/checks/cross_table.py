"""Family 2: identities between tables that the template implies.

Each identity is documented in its rule's explanation. Where an identity only holds under a
condition (e.g. no money outside the fiscal budget), the rule checks the condition first so a
correct document never gets a false error.
"""

from __future__ import annotations

from collections.abc import Iterator

from yusuan.checks.engine import Checker, cell_figure, rule
from yusuan.checks.findings import Severity
from yusuan.checks.views import (
    class_lines,
    coded,
    income_sources,
    labelled,
    numbered,
    subtotal_groups,
    total_row,
)
from yusuan.model import Row, RowKind, Side, Table

INCOME_KEYS = {
    "一般公共预算": "general",
    "政府性基金预算": "fund",
    "国有资本经营预算": "capital",
    "财政专户管理资金": "special",
    "单位资金": "unit",
}


def _by_code(table: Table, side: Side | None = None) -> dict[str, Row]:
    return {r.code: r for r in coded(table, side) if r.code}


def _pairs(
    ck: Checker, a: str, b: str, side_a: Side | None = None, side_b: Side | None = None
) -> Iterator[tuple[Table, Table, Row, Row | None]]:
    """Rows of table ``a`` with a code, each with the row of table ``b`` with the same code."""
    ta, tb = ck.table(a), ck.table(b)
    if ta is None or tb is None:
        return
    rows_b = _by_code(tb, side_b)
    for row in coded(ta, side_a):
        assert row.code is not None
        yield ta, tb, row, rows_b.get(row.code)


def _only_fiscal(ck: Checker) -> bool:
    """True when table 2 shows no 财政专户 or 单位资金 money (all money is 财政拨款)."""
    t2 = ck.table("income_summary")
    if t2 is None:
        return False
    total = total_row(t2)
    return total is not None and not total.amount("special") and not total.amount("unit")


@rule(
    "X-T1-T2-INCOME",
    "cross_table",
    Severity.ERROR,
    "表1收入与表2不一致",
    "表1各项收入（一般公共预算、政府性基金预算、国有资本经营预算、财政专户管理资金、单位资金）"
    "应等于表2合计行的相应栏目；表1“上年结转”应等于表2合计行的“上年结转”。",
)
def t1_income_vs_t2(ck: Checker) -> None:
    t1, t2 = ck.table("budget_summary"), ck.table("income_summary")
    if t1 is None or t2 is None:
        return
    total = total_row(t2)
    if total is None:
        return
    current, _ = income_sources(t1)
    for row in current:
        parts = numbered(row.label)
        key = INCOME_KEYS.get(parts[1]) if parts else None
        if key is None:
            continue
        ck.same(
            cell_figure(t1, row, "amount"),
            cell_figure(t2, total, key),
            f"表1“{row.label}”与表2合计行",
        )
    carry = labelled(t1, "上年结转", Side.INCOME)
    if carry is not None:
        ck.same(
            cell_figure(t1, carry, "amount"),
            cell_figure(t2, total, "carryover"),
            "表1上年结转与表2合计行上年结转",
        )


def _class_rows(table: Table) -> dict[str, Row]:
    """Tables 2/3/5: 类 rows by name."""
    return {r.label: r for r in coded(table) if r.code and len(r.code) == 3}


@rule(
    "X-T1-T3-CLASS",
    "cross_table",
    Severity.ERROR,
    "表1支出与表2、表3不一致",
    "表1每一类支出的“合计”应等于表3同类的“合计”，“当年预算安排”应等于表2同类的“合计”，"
    "“上年结转安排”应等于表2同类的“上年结转”；表1列出金额的类在表3中应有对应的类。",
)
def t1_classes_vs_t3(ck: Checker) -> None:
    t1 = ck.table("budget_summary")
    t2 = ck.table("income_summary")
    t3 = ck.table("expenditure_summary")
    if t1 is None or t3 is None:
        return
    t3_classes = _class_rows(t3)
    t2_classes = _class_rows(t2) if t2 is not None else {}
    for row in class_lines(t1):
        parts = numbered(row.label)
        assert parts is not None
        name = parts[1]
        t3_row = t3_classes.get(name)
        if t3_row is None:
            if row.amount("total"):
                ck.report(
                    f"表1“{row.label}”列有金额{row.amount('total')}，表3没有这一类支出",
                    [cell_figure(t1, row, "total").location],
                )
            continue
        ck.same(
            cell_figure(t1, row, "total"),
            cell_figure(t3, t3_row, "total"),
            f"表1“{row.label}”与表3同类合计",
        )
        t2_row = t2_classes.get(name)
        if t2 is not None and t2_row is not None:
            ck.same(
                cell_figure(t1, row, "current"),
                cell_figure(t2, t2_row, "total"),
                f"表1“{row.label}”当年预算安排与表2同类合计",
            )
            ck.same(
                cell_figure(t1, row, "carryover"),
                cell_figure(t2, t2_row, "carryover"),
                f"表1“{row.label}”上年结转安排与表2同类上年结转",
            )
    names = {numbered(r.label)[1] for r in class_lines(t1) if numbered(r.label)}  # type: ignore[index]
    for name, t3_row in t3_classes.items():
        if name not in names and t3_row.amount("total"):
            ck.report(
                f"表3的“{t3_row.code} {name}”在表1中没有对应的支出类",
                [cell_figure(t3, t3_row, "total").location],
            )


@rule(
    "X-T3-T2",
    "cross_table",
    Severity.ERROR,
    "表3与表2不一致",
    "表3每个科目的支出合计应等于表2同一科目的“本年收入合计 + 上年结转”，两表科目应一一对应。",
)
def t3_vs_t2(ck: Checker) -> None:
    for t3, t2, row, other in _pairs(ck, "expenditure_summary", "income_summary"):
        total = cell_figure(t3, row, "total")
        if other is None:
            if total.value:
                ck.report(
                    f"表3科目{row.code}“{row.label}”在表2中没有",
                    [total.location],
                )
            continue
        ck.sum(
            total,
            [cell_figure(t2, other, "total"), cell_figure(t2, other, "carryover")],
            f"表3科目{row.code}“{row.label}”合计等于表2本年收入与上年结转之和",
        )
    table3, table2 = ck.table("expenditure_summary"), ck.table("income_summary")
    if table3 is not None and table2 is not None:
        t3, t2 = table3, table2
        t3_total, t2_total = total_row(t3), total_row(t2)
        if t3_total is not None and t2_total is not None:
            ck.sum(
                cell_figure(t3, t3_total, "total"),
                [cell_figure(t2, t2_total, "total"), cell_figure(t2, t2_total, "carryover")],
                "表3合计等于表2本年收入合计与上年结转之和",
            )
        codes3 = _by_code(t3)
        for code, row in _by_code(t2).items():
            if code not in codes3 and (row.amount("total") or row.amount("carryover")):
                ck.report(
                    f"表2科目{code}“{row.label}”在表3中没有",
                    [cell_figure(t2, row, "total").location],
                )


@rule(
    "X-T5-T2",
    "cross_table",
    Severity.ERROR,
    "表5与表2一般公共预算不一致",
    "表5（一般公共预算支出，不含上年结转）每个科目的合计应等于表2同一科目的“一般公共预算”栏，"
    "合计行亦同。",
)
def t5_vs_t2(ck: Checker) -> None:
    t5, t2 = ck.table("general_expenditure"), ck.table("income_summary")
    if t5 is None or t2 is None:
        return
    rows5 = _by_code(t5)
    for code, row2 in _by_code(t2).items():
        general = cell_figure(t2, row2, "general")
        row5 = rows5.get(code)
        if row5 is None:
            if general.value:
                ck.report(
                    f"表2科目{code}“{row2.label}”有一般公共预算{general.value}，表5没有这一科目",
                    [general.location],
                )
            continue
        ck.same(cell_figure(t5, row5, "total"), general, f"表5科目{code}与表2一般公共预算")
    for code, row5 in rows5.items():
        if code not in _by_code(t2) and row5.amount("total"):
            ck.report(
                f"表5科目{code}“{row5.label}”在表2中没有",
                [cell_figure(t5, row5, "total").location],
            )
    total5, total2 = total_row(t5), total_row(t2)
    if total5 is not None and total2 is not None:
        ck.same(
            cell_figure(t5, total5, "total"),
            cell_figure(t2, total2, "general"),
            "表5合计与表2一般公共预算合计",
        )


@rule(
    "X-T6-T5",
    "cross_table",
    Severity.ERROR,
    "表6与表5基本支出不一致",
    "表6（一般公共预算基本支出分经济科目）的合计应等于表5合计行的“基本支出”。",
)
def t6_vs_t5(ck: Checker) -> None:
    t5, t6 = ck.table("general_expenditure"), ck.table("basic_by_economic")
    if t5 is None or t6 is None:
        return
    total5, total6 = total_row(t5), total_row(t6)
    if total5 is None or total6 is None:
        return
    ck.same(
        cell_figure(t6, total6, "total"),
        cell_figure(t5, total5, "basic"),
        "表6合计与表5基本支出合计",
    )


@rule(
    "X-T4-T1",
    "cross_table",
    Severity.ERROR,
    "表4财政拨款与表1、表2不一致",
    "表4各项财政拨款收入应等于表1相应收入；表4每类支出的小计应等于表2同类的"
    "“一般公共预算 + 政府性基金 + 国有资本经营预算”加上年结转"
    "（仅在没有财政专户和单位资金时核对）。",
)
def t4_vs_t1(ck: Checker) -> None:
    t1, t4, t2 = ck.table("budget_summary"), ck.table("fiscal_summary"), ck.table("income_summary")
    if t1 is None or t4 is None:
        return
    current1, _ = income_sources(t1)
    by_name = {numbered(r.label)[1]: r for r in current1 if numbered(r.label)}  # type: ignore[index]
    current4, _ = income_sources(t4)
    for row in current4:
        parts = numbered(row.label)
        other = by_name.get(parts[1]) if parts else None
        if other is None:
            continue
        ck.same(
            cell_figure(t4, row, "amount"),
            cell_figure(t1, other, "amount"),
            f"表4“{row.label}”与表1",
        )
    if t2 is None or not _only_fiscal(ck):
        return
    classes2 = _class_rows(t2)
    for row in class_lines(t4):
        parts = numbered(row.label)
        assert parts is not None
        row2 = classes2.get(parts[1])
        if row2 is None:
            if row.amount("total"):
                ck.report(
                    f"表4“{row.label}”列有金额{row.amount('total')}，表2没有这一类",
                    [cell_figure(t4, row, "total").location],
                )
            continue
        ck.sum(
            cell_figure(t4, row, "total"),
            [cell_figure(t2, row2, k) for k in ("general", "fund", "capital", "carryover")],
            f"表4“{row.label}”小计与表2财政拨款加上年结转",
        )


@rule(
    "X-FUNDS",
    "cross_table",
    Severity.ERROR,
    "政府性基金、国有资本经营预算表与表2不一致",
    "表7合计应等于表2合计行的“政府性基金”；表8每个科目的合计应等于表2同一科目的“政府性基金”；"
    "表9支出每个科目的合计应等于表2同一科目的“国有资本经营预算”，表9收入合计亦同。",
)
def fund_tables_vs_t2(ck: Checker) -> None:
    t2 = ck.table("income_summary")
    if t2 is None:
        return
    total2 = total_row(t2)
    t7 = ck.table("fund_income")
    if t7 is not None and total2 is not None:
        total7 = total_row(t7)
        if total7 is not None:
            ck.same(
                cell_figure(t7, total7, "amount"),
                cell_figure(t2, total2, "fund"),
                "表7合计与表2政府性基金合计",
            )
    for table_key, key, side in (("fund_expenditure", "fund", None),
                                 ("capital_budget", "capital", Side.EXPENDITURE)):  # fmt: skip
        table = ck.table(table_key)
        if table is None:
            continue
        number = table.number
        rows = _by_code(table, side)
        for code, row2 in _by_code(t2).items():
            figure2 = cell_figure(t2, row2, key)
            row = rows.get(code)
            if row is None:
                if figure2.value:
                    ck.report(
                        f"表2科目{code}“{row2.label}”有金额{figure2.value}，表{number}没有",
                        [figure2.location],
                    )
                continue
            ck.same(cell_figure(table, row, "total"), figure2, f"表{number}科目{code}与表2")
        total = total_row(table, side)
        if total is not None and total2 is not None:
            ck.same(
                cell_figure(table, total, "total"),
                cell_figure(t2, total2, key),
                f"表{number}合计与表2合计行",
            )
    t9 = ck.table("capital_budget")
    if t9 is not None and total2 is not None:
        income = total_row(t9, Side.INCOME)
        if income is not None:
            ck.same(
                cell_figure(t9, income, "amount"),
                cell_figure(t2, total2, "capital"),
                "表9收入合计与表2国有资本经营预算合计",
            )


@rule(
    "X-T11-T6",
    "cross_table",
    Severity.ERROR,
    "机关运行经费与表6公用经费不一致",
    "机关运行经费是行政单位和参公事业单位财政拨款基本支出中的公用经费：表11有数据时，"
    "其合计应等于表6合计行的“公用经费”。表11无数据（不适用的事业单位）时不核对。",
)
def t11_vs_t6(ck: Checker) -> None:
    t11, t6 = ck.table("operating_costs"), ck.table("basic_by_economic")
    if t11 is None or t6 is None or t11.no_data:
        return
    total11, total6 = total_row(t11), total_row(t6)
    if total11 is None or total6 is None or total11.amount("total") is None:
        return
    ck.same(
        cell_figure(t11, total11, "total"),
        cell_figure(t6, total6, "public"),
        "表11机关运行经费与表6公用经费合计",
    )


def _top_rows(table: Table) -> list[Row]:
    """Tables 12/13: the rows whose sum is the table's total (合计, or the top level)."""
    total = total_row(table)
    if total is not None:
        return [total]
    for kind in (RowKind.DEPARTMENT, RowKind.UNIT):
        tops = [head for head, _ in subtotal_groups(table) if head.kind == kind]
        if tops:
            return tops
    return [r for r in table.rows if r.kind == RowKind.PROJECT]


@rule(
    "X-PROJECTS",
    "cross_table",
    Severity.ERROR,
    "项目支出表与表3、表5不一致",
    "表12（本年项目支出）与表13（上年结转项目支出）之和应等于表3合计行的“项目支出”；"
    "表12“一般公共预算”栏合计应等于表5合计行的“项目支出”。",
)
def projects_vs_t3(ck: Checker) -> None:
    t3 = ck.table("expenditure_summary")
    t12, t13 = ck.table("projects_current"), ck.table("projects_carryover")
    if t3 is None or t12 is None:
        return
    total3 = total_row(t3)
    if total3 is not None:
        parts = [
            cell_figure(table, row, "total")
            for table in (t12, t13)
            if table is not None
            for row in _top_rows(table)
        ]
        ck.sum(cell_figure(t3, total3, "project"), parts, "表3项目支出与表12、表13项目合计")
    t5 = ck.table("general_expenditure")
    total5 = total_row(t5) if t5 is not None else None
    if t5 is not None and total5 is not None:
        ck.sum(
            cell_figure(t5, total5, "project"),
            [cell_figure(t12, row, "general") for row in _top_rows(t12)],
            "表5项目支出与表12一般公共预算",
        )


@rule(
    "X-T10-T6",
    "cross_table",
    Severity.WARNING,
    "“三公”经费与表6对应科目不一致",
    "表10一般公共预算安排的公务用车运行维护费、公务接待费应与表6同名经济科目一致"
    "（表6只含一般公共预算基本支出，项目支出中安排的“三公”经费会使两者不同，故为警告）。",
)
def t10_vs_t6(ck: Checker) -> None:
    t10, t6 = ck.table("three_public"), ck.table("basic_by_economic")
    if t10 is None or t6 is None:
        return
    pairs = (("②公务用车运行维护费", "公务用车运行维护费"), ("公务接待费", "公务接待费"))
    for label10, label6 in pairs:
        row10 = labelled(t10, label10)
        row6 = labelled(t6, label6)
        if row10 is None:
            continue
        figure10 = cell_figure(t10, row10, "general")
        if row6 is None:
            continue
        figure6 = cell_figure(t6, row6, "total")
        if figure10.value is None and figure6.value is None:
            continue
        ck.same(figure10, figure6, f"表10“{label10}”与表6“{label6}”")
