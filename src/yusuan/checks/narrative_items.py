"""Family 3: Part 3 (情况说明) against the tables, sections 六 to 十: 基本支出, “三公”经费,
机关运行经费, 政府采购, 绩效, and sentences left with holes and the unit's name."""

from __future__ import annotations

import re
from decimal import Decimal

from yusuan.checks.engine import Checker, Figure, cell_figure, rule
from yusuan.checks.findings import Location, Severity
from yusuan.checks.section_figures import (
    check_amount,
    check_share,
    section_name,
    section_text,
    section_texts,
)
from yusuan.checks.views import (
    labelled,
    section_label,
    total_row,
)
from yusuan.model import Figure as StatedFigure
from yusuan.model import RowKind, Side, Source
from yusuan.sentences import (
    Stated,
    first_amount,
    item_list,
    line_at,
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
            check_amount(ck, st, stated, cell_figure(t6, total, key), pattern)
    for head, key in (("人员经费", "personnel"), ("公用经费", "public")):
        listed = item_list(st, head)
        if listed is None:
            continue
        items = {r.label for r in t6.rows if r.kind == RowKind.ITEM and r.amount(key)}
        missing = sorted(items - set(listed))
        extra = sorted(set(listed) - items)
        location = Location(st.source_at(head), section_name(st.section), head)
        if missing:
            ck.report(
                f"{section_name(st.section)}{head}“主要包括”未列出表6中的：{'、'.join(missing)}",
                [location],
                severity=Severity.WARNING,
            )
        if extra:
            ck.report(
                f"{section_name(st.section)}{head}“主要包括”列出了表6中没有{head}的科目：{'、'.join(extra)}",
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
                f"{section_name(st.section)}称无“三公”经费预算，表10合计为{total.amount('total')}万元",
                [cell_figure(t10, total, "total").location],
            )
        return
    stated_total = first_amount(st, '[“"]三公[”"]经费预算')
    if stated_total is not None and total is not None:
        check_amount(ck, st, stated_total, cell_figure(t10, total, "total"), "“三公”经费预算")
    for word, label in _THREE_PUBLIC:
        stated = first_amount(st, word)
        row = labelled(t10, label)
        if stated is not None and row is not None:
            check_amount(ck, st, stated, cell_figure(t10, row, "total"), word)


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
        check_amount(ck, st, stated, cell_figure(t11, total, "total"), "机关运行经费")
    elif stated is None and "无机关运行经费" in st.text and total and total.amount("total"):
        ck.report(
            f"{section_name(st.section)}称无机关运行经费，表11合计为{total.amount('total')}万元",
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
        check_share(ck, st, share, perf.amount.value)
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
                f"{section_name(section)}称“{found}”，表格单位名称为“{name}”",
                [Location(st.source_at(found), section_name(section), found)],
                expected=name,
                actual=found,
            )
