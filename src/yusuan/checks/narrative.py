"""Family 3: Part 3 (情况说明) against the tables.

Every amount, share and count restates a table figure; shares are recomputed; a change and its
rate must agree; lists of names must match the tables.
"""

from __future__ import annotations

import re
from decimal import Decimal

from yusuan.checks.changes import explicit_previous
from yusuan.checks.engine import Checker, Figure, cell_figure, rule
from yusuan.checks.findings import Location, Severity
from yusuan.checks.tolerance import share_tolerance, sum_tolerance
from yusuan.checks.views import (
    class_lines,
    coded,
    income_sources,
    labelled,
    numbered,
    section_label,
    total_row,
)
from yusuan.model import Figure as StatedFigure
from yusuan.model import RowKind, Section, Side, Source, Table
from yusuan.numerals import parse_cn_numeral
from yusuan.sentences import (
    Change,
    SectionText,
    Stated,
    amounts,
    changes,
    first_amount,
    item_list,
    line_at,
    shares,
)

HUNDRED = Decimal(100)


def section_texts(ck: Checker) -> dict[int, SectionText]:
    """Part 3 sections by number, read once per check run and shared by the rules."""
    cached = ck.memo.get("sections")
    if cached is None:
        d = ck.disclosure
        cached = {
            parse_cn_numeral(s.number) or 0: SectionText.of(s, d.meta.source_file)
            for s in d.sections
        }
        ck.memo["sections"] = cached
    return cached  # type: ignore[return-value]


def section_text(ck: Checker, number: int) -> SectionText | None:
    return section_texts(ck).get(number)


def _where(section: Section, stated: Stated | None = None) -> str:
    return f"第三部分 {section.number}、{section.title}"


def stated_figure(st: SectionText, stated: Stated) -> Figure:
    return Figure(stated.value, Location(stated.source, _where(st.section), stated.text))


def _table_total(table: Table | None, key: str, side: Side | None = None) -> Figure | None:
    if table is None:
        return None
    row = total_row(table, side)
    return cell_figure(table, row, key) if row is not None else None


def _check_amount(
    ck: Checker, st: SectionText, stated: Stated, figure: Figure | None, what: str
) -> None:
    if figure is None:
        return
    ck.same(stated_figure(st, stated), figure, f"{_where(st.section)}“{what}”与表格")


def _check_share(ck: Checker, st: SectionText, stated: Stated, whole: Decimal | None) -> None:
    if stated.share is None or whole is None:
        return
    if whole == 0:
        return
    expected = (stated.value / whole * HUNDRED).quantize(Decimal("0.01"))
    tolerance = share_tolerance(stated.value, whole)
    difference = stated.share - expected
    if abs(difference) <= tolerance:
        return
    ck.report(
        f"{_where(st.section)}“{stated.name}{stated.text}万元，占{stated.share_text}%”："
        f"按{whole}万元计算应占{expected}%，相差{difference}个百分点",
        [Location(stated.source, _where(st.section), f"{stated.share_text}%")],
        expected=expected,
        actual=stated.share,
    )


def _find(stated: list[Stated], *words: str) -> Stated | None:
    for item in stated:
        if any(w in item.name for w in words):
            return item
    return None


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
            _check_amount(ck, one, stated, figure, stated.name)
    two = section_text(ck, 2)
    if two is not None and t1 is not None:
        total = first_amount(two, "预算收入")
        grand = labelled(t1, "收入总计", Side.INCOME)
        if total is not None and grand is not None:
            _check_amount(ck, two, total, cell_figure(t1, grand, "amount"), "预算收入")
    three = section_text(ck, 3)
    if three is not None and t3 is not None:
        total = first_amount(three, "支出预算")
        if total is not None:
            _check_amount(ck, three, total, _table_total(t3, "total"), "支出预算")
        for stated in shares(three):
            key = "basic" if "基本" in stated.name else "project" if "项目" in stated.name else None
            if key is not None:
                _check_amount(ck, three, stated, _table_total(t3, key), stated.name)
    four = section_text(ck, 4)
    if four is not None and t4 is not None:
        _fiscal_totals(ck, four, t4)
    five, t5 = section_text(ck, 5), ck.table("general_expenditure")
    if five is not None and t5 is not None:
        for stated in amounts(five):
            if stated.name.endswith("一般公共预算当年支出"):
                _check_amount(ck, five, stated, _table_total(t5, "total"), "一般公共预算当年支出")


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
        _check_amount(ck, four, stated, figure, stated.name)


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
                _check_amount(ck, two, stated, cell_figure(t1, row, "amount"), stated.name)
            _check_share(ck, two, stated, total.value if total else None)
    three = section_text(ck, 3)
    if three is not None:
        total = first_amount(three, "支出预算")
        for stated in shares(three):
            _check_share(ck, three, stated, total.value if total else None)
    five = section_text(ck, 5)
    if five is not None:
        total = first_amount(five, "一般公共预算当年支出")
        for stated in shares(five):
            _check_share(ck, five, stated, total.value if total else None)


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
                _check_amount(ck, st, stated, cell_figure(table, row, key), stated.name)
                continue
            same_amount = [n for n, r in rows.items() if r.amount(key) == stated.value]
            hint = (
                f"，表{table.number}中金额为{stated.value}万元的类是“{same_amount[0]}”"
                if same_amount
                else ""
            )
            ck.report(
                f"{_where(st.section)}所列“{stated.name}{stated.text}万元”不是表{table.number}中的支出类名称{hint}",
                [Location(stated.source, _where(st.section), stated.name)],
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


# --- 六、基本支出 ----------------------------------------------------------------------------


@rule(
    "NARR-BASIC",
    "narrative",
    Severity.ERROR,
    "基本支出说明与表6不一致",
    "第三部分六所述基本支出、人员经费、公用经费应等于表6合计行；"
    "“主要包括”列出的科目应与表6中有人员经费（或公用经费）的科目一致。",
)
def basic(ck: Checker) -> None:
    st = section_text(ck, 6)
    t6 = ck.table("basic_by_economic")
    if st is None or t6 is None:
        return
    total = total_row(t6)
    if total is None:
        return
    for pattern, key in (("基本支出", "total"), ("人员经费", "personnel"), ("公用经费", "public")):
        stated = first_amount(st, pattern)
        if stated is not None:
            _check_amount(ck, st, stated, cell_figure(t6, total, key), pattern)
    for head, key in (("人员经费", "personnel"), ("公用经费", "public")):
        listed = item_list(st, head)
        if listed is None:
            continue
        items = {r.label for r in t6.rows if r.kind == RowKind.ITEM and r.amount(key)}
        missing = sorted(items - set(listed))
        extra = sorted(set(listed) - items)
        location = Location(st.source_at(head), _where(st.section), head)
        if missing:
            ck.report(
                f"{_where(st.section)}{head}“主要包括”未列出表6中的：{'、'.join(missing)}",
                [location],
                severity=Severity.WARNING,
            )
        if extra:
            ck.report(
                f"{_where(st.section)}{head}“主要包括”列出了表6中没有{head}的科目：{'、'.join(extra)}",
                [location],
            )


# --- 七、“三公”, 八、机关运行经费 --------------------------------------------------------------

_THREE_PUBLIC = (
    ("因公出国（境）费", "因公出国（境）费"),
    ("公务接待费", "公务接待费"),
    ("公务用车购置及运行费", "公务用车购置及运行费"),
    ("公务用车运行维护费", "②公务用车运行维护费"),
    ("公务用车购置费", "①公务用车购置费"),
)


@rule(
    "NARR-THREE-PUBLIC",
    "narrative",
    Severity.ERROR,
    "“三公”经费说明与表10不一致",
    "第三部分七所述“三公”经费总额及因公出国（境）费、公务接待费、公务用车购置及运行费、"
    "公务用车购置费、运行维护费，应等于表10“合计”栏；写明“无三公经费预算”时表10应无数据。",
)
def three_public(ck: Checker) -> None:
    st = section_text(ck, 7)
    t10 = ck.table("three_public")
    if st is None or t10 is None:
        return
    total = labelled(t10, "合计")
    flat = st.text.replace("\n", "")
    if re.search(r"无[“\"]?三公[”\"]?经费", flat):
        if total is not None and total.amount("total"):
            ck.report(
                f"{_where(st.section)}称无“三公”经费预算，表10合计为{total.amount('total')}万元",
                [cell_figure(t10, total, "total").location],
            )
        return
    stated_total = first_amount(st, '[“"]三公[”"]经费预算')
    if stated_total is not None and total is not None:
        _check_amount(ck, st, stated_total, cell_figure(t10, total, "total"), "“三公”经费预算")
    for word, label in _THREE_PUBLIC:
        stated = first_amount(st, word)
        row = labelled(t10, label)
        if stated is not None and row is not None:
            _check_amount(ck, st, stated, cell_figure(t10, row, "total"), word)


@rule(
    "NARR-OPERATING",
    "narrative",
    Severity.ERROR,
    "机关运行经费说明与表11不一致",
    "第三部分八所述机关运行经费财政拨款预算应等于表11“部门合计”；写明无机关运行经费时表11应无数据。",
)
def operating(ck: Checker) -> None:
    st = section_text(ck, 8)
    t11 = ck.table("operating_costs")
    if st is None or t11 is None:
        return
    total = total_row(t11)
    stated = first_amount(st, "机关运行经费(?:财政拨款)?(?:预算)?")
    if stated is not None and total is not None:
        _check_amount(ck, st, stated, cell_figure(t11, total, "total"), "机关运行经费")
    elif stated is None and "无机关运行经费" in st.text and total and total.amount("total"):
        ck.report(
            f"{_where(st.section)}称无机关运行经费，表11合计为{total.amount('total')}万元",
            [cell_figure(t11, total, "total").location],
        )


# --- 九、政府采购, 十、绩效 ----------------------------------------------------------------------


@rule(
    "NARR-PROCUREMENT",
    "narrative",
    Severity.ERROR,
    "政府采购总额不等于货物、工程、服务之和",
    "第三部分九：政府采购预算总额 = 货物 + 工程 + 服务。",
    ("shanxi", "shanghai"),
)
def procurement(ck: Checker) -> None:
    p = ck.disclosure.procurement
    if p.total is None:
        return
    parts = [f for f in (p.goods, p.works, p.services) if f is not None]
    label = "第三部分 九、政府采购情况"
    ck.sum(
        Figure(p.total.value, Location(p.total.source, label, p.total.text)),
        [Figure(f.value, Location(f.source, label, f.text)) for f in parts],
        "政府采购预算总额等于货物、工程、服务之和",
    )


@rule(
    "NARR-PERFORMANCE",
    "narrative",
    Severity.ERROR,
    "绩效管理说明与表12不一致",
    "第三部分十：纳入绩效目标管理的项目个数应等于表12项目个数（同名项目计一个），金额应等于表12合计；"
    "各类项目个数、金额之和应等于总数；公开项目的金额及占比应自洽；整体绩效目标涉及资金应等于收入总计"
    "或本年收入合计（整体绩效目标覆盖单位全部预算资金）。",
)
def performance(ck: Checker) -> None:
    d = ck.disclosure
    perf = d.performance
    t12 = ck.table("projects_current")
    label = "第三部分 十、绩效管理情况"

    def fig(f: StatedFigure) -> Figure:
        return Figure(f.value, Location(f.source, label, f.text))

    if t12 is not None and perf.amount is not None:
        projects = [r for r in t12.rows if r.kind == RowKind.PROJECT]
        names = {r.label for r in projects}
        if perf.projects is not None and perf.projects not in (len(names), len(projects)):
            ck.report(
                f"{label}称纳入绩效目标管理的项目{perf.projects}个，表12列有{len(names)}个项目",
                [Location(perf.amount.source, label, str(perf.projects))],
                expected=str(len(names)),
                actual=str(perf.projects),
            )
        tops = [r for r in t12.rows if r.kind == RowKind.UNIT] or projects
        ck.sum(
            fig(perf.amount),
            [cell_figure(t12, r, "total") for r in tops if r.kind == RowKind.UNIT]
            or [cell_figure(t12, r, "total") for r in projects],
            f"{label}项目金额与表12合计",
        )
    for kinds, count, amount, what in (
        (perf.kinds, perf.projects, perf.amount, "纳入绩效目标管理的项目"),
        (perf.published_kinds, perf.published_projects, perf.published_amount, "公开项目"),
    ):
        if not kinds or amount is None:
            continue
        if count is not None and sum(k.count for k in kinds) != count:
            ck.report(
                f"{label}{what}各类个数之和{sum(k.count for k in kinds)}不等于总数{count}",
                [Location(amount.source, label, str(count))],
            )
        ck.sum(
            fig(amount),
            [fig(k.amount) for k in kinds if k.amount is not None],
            f"{label}{what}各类金额之和",
        )
    published, ratio = perf.published_amount, perf.published_share
    st = section_text(ck, 10)
    if published and ratio and perf.amount and perf.amount.value and published.value and st:
        share = Stated(
            "公开项目", published.value, published.text, "", ratio.source, ratio.value, ratio.text
        )
        _check_share(ck, st, share, perf.amount.value)
    t1 = ck.table("budget_summary")
    whole = perf.whole_unit_amount
    if whole is not None and not perf.whole_unit_goal:
        if whole.value:
            ck.report(
                f"{label}称无整体绩效目标，却写明涉及资金{whole.text}万元",
                [fig(whole).location],
                expected=Decimal(0),
                actual=whole.value,
            )
        return
    if perf.whole_unit_amount is not None and t1 is not None:
        grand = labelled(t1, "收入总计", Side.INCOME)
        current = labelled(t1, "本年收入合计", Side.INCOME)
        allowed = {r.amount("amount") for r in (grand, current) if r is not None}
        if grand is not None and perf.whole_unit_amount.value not in allowed:
            ck.report(
                f"{label}整体绩效目标涉及资金{perf.whole_unit_amount.text}万元，"
                f"与收入总计{grand.amount('amount')}万元、本年收入合计均不同",
                [fig(perf.whole_unit_amount).location, cell_figure(t1, grand, "amount").location],
                expected=grand.amount("amount"),
                actual=perf.whole_unit_amount.value,
            )


# --- sentences with holes ------------------------------------------------------------------

_HOLES = (
    (re.compile(r"[\u4e00-\u9fff]万元"), "金额缺失"),
    (re.compile(r"占\s*%"), "占比缺失"),
    (re.compile(r"(?:增长|下降)\s*%"), "增减率缺失"),
    (re.compile(r"原因(?:是|为|主要是)?[：:]?\s*[。；;，,]"), "原因缺失"),
)
_NOT_HOLES = ("百万元", "千万元", "亿万元", "每万元")


@rule(
    "NARR-HOLES",
    "narrative",
    Severity.ERROR,
    "说明语句缺少数字或原因",
    "固定句式中应填写的金额、占比、增减率或原因为空，例如“收入总计万元”“主要原因是。”。",
    ("shanxi", "shanghai", "shanghai-final"),
)
def holes(ck: Checker) -> None:
    d = ck.disclosure
    path = d.meta.source_file
    texts: list[tuple[str, str, list[tuple[int, int]], Source | None]] = []
    for section in d.sections:
        for part in [section, *section.subsections]:
            texts.append((part.text, section_label(d, section), part.line_map, section.source))
    for annex in d.annexes:
        texts.append((annex.text, f"附件“{annex.title}”", annex.line_map, annex.source))
    for text, where, line_map, fallback in texts:
        for pattern, what in _HOLES:
            for match in pattern.finditer(text):
                start = max(0, match.start() - 14)
                context = text[start : match.end() + 2].replace("\n", "")
                if any(w in context for w in _NOT_HOLES):
                    continue
                line = line_at(line_map, match.start())
                source = Source(path, line) if line is not None else fallback
                ck.report(f"{where}{what}：“…{context}…”", [Location(source, where, context)])


@rule(
    "NARR-UNIT-NAME",
    "narrative",
    Severity.WARNING,
    "单位名称前后不一致",
    "第三部分各节句首的单位名称应与表格的“单位名称/部门名称”一致。",
)
def unit_name(ck: Checker) -> None:
    d = ck.disclosure
    name = d.meta.unit_name
    if not name:
        return
    pattern = re.compile(
        r"\d{4}年度?(?:我单位|本单位)?([\u4e00-\u9fff（）()]{4,30}?)"
        r"(?:预算收入总计|预算收入|支出预算|财政拨款收支总预算|一般公共预算当年支出|"
        r"一般公共预算安排基本支出|财政拨款安排的|政府采购预算总额|纳入绩效目标管理)"
    )
    reported: set[str] = set()
    for st in section_texts(ck).values():
        section = st.section
        for match in pattern.finditer(st.text.replace("\n", "")):
            found = match.group(1)
            if found in (name, *d.meta.units) or found in reported:
                continue
            reported.add(found)
            ck.report(
                f"{_where(section)}称“{found}”，表格单位名称为“{name}”",
                [Location(st.source_at(found), _where(section), found)],
                expected=name,
                actual=found,
            )
