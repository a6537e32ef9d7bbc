"""Family 3: Part 3 (情况说明) against the tables, sections 一 to 五 and the stated changes.

Every amount, share and count restates a table figure; shares are recomputed; a change and its
rate must agree; lists of names must match the tables. Sections 六 to 十 are in
``narrative_items``.
"""

from __future__ import annotations

from decimal import Decimal

from yusuan.checks.changes import explicit_previous
from yusuan.checks.engine import Checker, cell_figure, rule
from yusuan.checks.findings import Location, Severity
from yusuan.checks.section_figures import (
    HUNDRED,
    check_amount,
    check_share,
    section_name,
    section_text,
    section_texts,
    table_total,
)
from yusuan.checks.tolerance import sum_tolerance
from yusuan.checks.views import (
    class_lines,
    coded,
    income_sources,
    labelled,
    numbered,
    section_label,
)
from yusuan.model import Side, Table
from yusuan.sentences import (
    Change,
    SectionText,
    amounts,
    changes,
    first_amount,
    shares,
)

# --- 一、收支数据变动 -------------------------------------------------------------------------


@rule(
    "NARR-TOTALS",
    "narrative",
    Severity.ERROR,
    "收支总额说明与表1不一致",
    "第三部分一至五节所述收入总计、本年收入、上年结转、支出总计、基本支出、项目支出、财政拨款总额"
    "及一般公共预算当年支出，应分别等于表1、表3、表4、表5的对应数。",
)
def totals(ck: Checker) -> None:
    t1, t3 = ck.table("budget_summary"), ck.table("expenditure_summary")
    t4 = ck.table("fiscal_summary")
    one = section_text(ck, 1)
    if one is not None and t1 is not None:
        grand_in = labelled(t1, "收入总计", Side.INCOME)
        year_in = labelled(t1, "本年收入合计", Side.INCOME)
        carry_in = labelled(t1, "上年结转", Side.INCOME)
        grand_out = labelled(t1, "支出总计", Side.EXPENDITURE)
        for stated in amounts(one):
            figure = None
            if "收入总计" in stated.name and grand_in is not None:
                figure = cell_figure(t1, grand_in, "amount")
            elif "支出总计" in stated.name and grand_out is not None:
                figure = cell_figure(t1, grand_out, "total")
            elif stated.name in ("本年收入", "本年预算安排") and year_in is not None:
                figure = cell_figure(t1, year_in, "amount")
            elif stated.name == "上年结转" and carry_in is not None:
                figure = cell_figure(t1, carry_in, "amount")
            check_amount(ck, one, stated, figure, stated.name)
    two = section_text(ck, 2)
    if two is not None and t1 is not None:
        total = first_amount(two, "预算收入")
        grand = labelled(t1, "收入总计", Side.INCOME)
        if total is not None and grand is not None:
            check_amount(ck, two, total, cell_figure(t1, grand, "amount"), "预算收入")
    three = section_text(ck, 3)
    if three is not None and t3 is not None:
        total = first_amount(three, "支出预算")
        if total is not None:
            check_amount(ck, three, total, table_total(t3, "total"), "支出预算")
        for stated in shares(three):
            key = "basic" if "基本" in stated.name else "project" if "项目" in stated.name else None
            if key is not None:
                check_amount(ck, three, stated, table_total(t3, key), stated.name)
    four = section_text(ck, 4)
    if four is not None and t4 is not None:
        _fiscal_totals(ck, four, t4)
    five, t5 = section_text(ck, 5), ck.table("general_expenditure")
    if five is not None and t5 is not None:
        for stated in amounts(five):
            if stated.name.endswith("一般公共预算当年支出"):
                check_amount(ck, five, stated, table_total(t5, "total"), "一般公共预算当年支出")


def _fiscal_totals(ck: Checker, four: SectionText, t4: Table) -> None:
    grand_in = labelled(t4, "收入总计", Side.INCOME)
    grand_out = labelled(t4, "支出总计", Side.EXPENDITURE)
    year_in = labelled(t4, "本年收入合计", Side.INCOME)
    carry = labelled(t4, "上年财政拨款结转", Side.INCOME)
    keys = {
        "一般公共预算拨款": "general",
        "政府性基金预算拨款": "fund",
        "国有资本经营预算拨款": "capital",
    }
    classes = {numbered(r.label)[1]: r for r in class_lines(t4) if numbered(r.label)}  # type: ignore[index]
    for stated in amounts(four):
        figure = None
        if "总预算" in stated.name and grand_in is not None:
            figure = cell_figure(t4, grand_in, "amount")
        elif stated.name in keys and grand_out is not None:
            figure = cell_figure(t4, grand_out, keys[stated.name])
        elif "当年拨款收入" in stated.name and year_in is not None:
            figure = cell_figure(t4, year_in, "amount")
        elif "上年结转收入" in stated.name:
            figure = cell_figure(t4, carry, "amount") if carry is not None else None
        elif stated.name in classes:
            figure = cell_figure(t4, classes[stated.name], "total")
        check_amount(ck, four, stated, figure, stated.name)


# --- 二、三、五(二): shares ----------------------------------------------------------------------

_INCOME_NAMES = {
    "一般公共预算": "一、一般公共预算",
    "政府性基金预算": "二、政府性基金预算",
    "国有资本经营预算": "三、国有资本经营预算",
    "财政专户管理资金": "四、财政专户管理资金",
    "单位资金": "五、单位资金",
}


@rule(
    "NARR-SHARES",
    "narrative",
    Severity.ERROR,
    "占比与金额或表格不一致",
    "第三部分所列各项收入、支出的金额应等于表格数，所述占比按“该项金额 ÷ 所述总额 × 100%”重新"
    "计算，保留两位小数；舍入以内的差异不报告。",
)
def shares_rule(ck: Checker) -> None:
    t1 = ck.table("budget_summary")
    two = section_text(ck, 2)
    if two is not None and t1 is not None:
        total = first_amount(two, "预算收入")
        current, _ = income_sources(t1)
        by_name = {numbered(r.label)[1]: r for r in current if numbered(r.label)}  # type: ignore[index]
        carry = labelled(t1, "上年结转", Side.INCOME)
        for stated in shares(two):
            row = None
            for word, label in _INCOME_NAMES.items():
                if word in stated.name:
                    row = by_name.get(label.split("、", 1)[1])
            if row is None and "上年结转" in stated.name:
                row = carry
            if row is not None:
                check_amount(ck, two, stated, cell_figure(t1, row, "amount"), stated.name)
            check_share(ck, two, stated, total.value if total else None)
    three = section_text(ck, 3)
    if three is not None:
        total = first_amount(three, "支出预算")
        for stated in shares(three):
            check_share(ck, three, stated, total.value if total else None)
    five = section_text(ck, 5)
    if five is not None:
        total = first_amount(five, "一般公共预算当年支出")
        for stated in shares(five):
            check_share(ck, five, stated, total.value if total else None)


@rule(
    "NARR-CLASSES",
    "narrative",
    Severity.ERROR,
    "支出类别名称或金额与表格不一致",
    "第三部分四、五节列举的各类支出，名称应是表4、表5中的功能分类“类”名称，金额应等于表中同类金额；"
    "名称写错时按金额指出应为哪一类。",
)
def classes(ck: Checker) -> None:
    for number, table_key in ((4, "fiscal_summary"), (5, "general_expenditure")):
        st = section_text(ck, number)
        table = ck.table(table_key)
        key = "total"
        if st is None or table is None:
            continue
        if table_key == "fiscal_summary":
            rows = {numbered(r.label)[1]: r for r in class_lines(table) if numbered(r.label)}  # type: ignore[index]
            listed = [s for s in amounts(st) if s.name.endswith("支出") and "包括" in s.clause]
        else:
            rows = {r.label: r for r in coded(table) if r.code and len(r.code) == 3}
            listed = [s for s in shares(st)]
        for stated in listed:
            row = rows.get(stated.name)
            if row is not None:
                check_amount(ck, st, stated, cell_figure(table, row, key), stated.name)
                continue
            same_amount = [n for n, r in rows.items() if r.amount(key) == stated.value]
            hint = (
                f"，表{table.number}中金额为{stated.value}万元的类是“{same_amount[0]}”"
                if same_amount
                else ""
            )
            ck.report(
                f"{section_name(st.section)}所列“{stated.name}{stated.text}万元”不是表{table.number}中的支出类名称{hint}",
                [Location(stated.source, section_name(st.section), stated.name)],
                expected=same_amount[0] if same_amount else None,
                actual=stated.name,
            )


# --- changes -------------------------------------------------------------------------------


@rule(
    "NARR-CHANGE",
    "narrative",
    Severity.ERROR,
    "增减额与增减率不一致",
    "“比上年增加（减少）X万元，增长（下降）Y%”意味着上年数为“本年数 − X”（或 + X），"
    "Y 应等于 X ÷ 上年数 × 100%；增加对应增长、减少对应下降。百分比未保留两位小数时提示。",
    ("shanxi", "shanghai", "shanghai-final"),
)
def change_rates(ck: Checker) -> None:
    for st in section_texts(ck).values():
        label = section_label(ck.disclosure, st.section)
        for change in changes(st):
            _check_change(ck, label, change)


def _check_change(ck: Checker, label: str, change: Change) -> None:
    where = Location(change.source, label, change.rate_text or change.amount_text)
    if change.rate_word and (change.direction == "增加") != (change.rate_word == "增长"):
        ck.report(
            f"{label}“{change.direction}{change.amount_text}万元”却写作"
            f"“{change.rate_word}{change.rate_text}%”",
            [where],
        )
    if change.current is None or explicit_previous(change.clause, ck.disclosure.meta.year):
        return  # (a sentence that states last year's figure: TEXT-CHANGE-RECOMPUTE)
    sign = 1 if change.direction == "增加" else -1
    prior = change.current.value - sign * change.amount
    if prior < 0:
        ck.report(
            f"{label}“{change.current.name}{change.current.text}万元，{change.direction}"
            f"{change.amount_text}万元”：推算上年数为{prior}万元，不可能",
            [where],
        )
        return
    if change.rate is None:
        return
    if prior == 0:
        ck.report(
            f"{label}“{change.current.name}{change.current.text}万元”上年为0，"
            f"“{change.rate_word}{change.rate_text}%”无从计算",
            [where],
            severity=Severity.WARNING,
        )
        return
    expected = (change.amount / prior * HUNDRED).quantize(Decimal("0.01"))
    decimals = len(change.rate_text.split(".")[1]) if "." in change.rate_text else 0
    printed = Decimal(1).scaleb(-decimals) / 2
    tolerance = printed + HUNDRED * sum_tolerance(2) * (1 / prior + change.amount / prior / prior)
    difference = change.rate - expected
    if abs(difference) > tolerance:
        ck.report(
            f"{label}“{change.direction}{change.amount_text}万元，"
            f"{change.rate_word}{change.rate_text}%”：按上年{prior}万元计算应为{expected}%",
            [where],
            expected=expected,
            actual=change.rate,
        )
    elif decimals < 2 and difference != 0:
        ck.report(
            f"{label}“{change.rate_word}{change.rate_text}%”未保留两位小数，"
            f"按上年{prior}万元计算为{expected}%",
            [where],
            expected=expected,
            actual=change.rate,
            severity=Severity.INFO,
        )
