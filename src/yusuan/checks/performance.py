"""Family 5: project performance-goal tables against the budget and against themselves."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from yusuan.checks.engine import Checker, Figure, cell_figure, rule
from yusuan.checks.findings import Location, Severity
from yusuan.checks.views import section_label
from yusuan.model import Cell, FundSources, PerformanceTable, Row, RowKind
from yusuan.money import WAN
from yusuan.names import comparable
from yusuan.templates.shanghai import PERFORMANCE_ANNUAL_FUNDS, PERFORMANCE_PROJECT_FUNDS

_VALUE_LIKE = re.compile(r"^[≥≤<>=＞＜]|\d|%$|^(?:及时|有效|提升|提高|逐年|显著|明显|长期)")
_SOURCES = (
    ("central", "中央财政资金"),
    ("provincial", "省级财政资金"),
    ("local", "市县（区）财政资金"),
    ("own", "单位自筹"),
    ("other", "其他资金"),
)
_PERIODS = (("period_funds", "实施期"), ("annual_funds", "年度"))
BOTH = ("shanxi", "shanghai")  # the rules that read Shanghai's 财政项目支出绩效目标填报表 too


@dataclass(frozen=True, slots=True)
class _Half:
    """One half of a table's funds as the template prints it: the table's attribute, the half's
    name, the label of its total, its parts (FundSources key, label) and what their sum is
    called; ``prefix`` tells the parts of the two halves apart where their labels are the same."""

    attr: str
    word: str
    total: str
    parts: tuple[tuple[str, str], ...]
    sums: str
    prefix: str = ""

    def funds(self, table: PerformanceTable) -> FundSources:
        funds: FundSources = getattr(table, self.attr)
        return funds

    def name(self, key: str) -> str:
        return next(label for k, label in self.parts if k == key)

    def label(self, key: str) -> str:
        return self.prefix + self.name(key)


def _printed(attr: str, word: str, labels: tuple[tuple[str, str], ...]) -> _Half:
    """A Shanghai half: its total's label and its parts' (key, label), "其中：" left out."""
    total = next(label for label, key in labels if key == "total")
    parts = tuple((k, label.removeprefix("其中：")) for label, k in labels if k != "total")
    return _Half(
        attr, word, total, parts, f"{total}与其中各项（{'、'.join(n for _, n in parts)}）之和"
    )


_SHANXI_HALVES = tuple(
    _Half(attr, period, f"{period}资金总额", _SOURCES, f"{period}资金来源之和", period)
    for attr, period in _PERIODS
)
_SHANGHAI_HALVES = (
    _printed("period_funds", "项目资金", PERFORMANCE_PROJECT_FUNDS),
    _printed("annual_funds", "年度资金", PERFORMANCE_ANNUAL_FUNDS),
)


def _halves(ck: Checker) -> tuple[_Half, ...]:
    """The project (实施期) half and the year's half of the document's template."""
    return _SHANGHAI_HALVES if ck.disclosure.meta.profile == "shanghai" else _SHANXI_HALVES


def _where(table: PerformanceTable) -> str:
    return f"附件 绩效目标表“{table.project}”"


def _readable(ck: Checker) -> list[PerformanceTable]:
    return [t for t in ck.disclosure.performance_tables if not t.whole_unit and t.confidence >= 0.5]


def _fund_figure(table: PerformanceTable, cell: Cell | None, what: str) -> Figure:
    return Figure(
        cell.amount if cell is not None else None,
        Location(
            cell.source if cell else table.source,
            f"{_where(table)} {what}",
            cell.text if cell else "",
        ),
    )


def _projects_by_name(ck: Checker) -> dict[str, list[Row]]:
    t12 = ck.table("projects_current")
    found: dict[str, list[Row]] = defaultdict(list)
    for row in t12.rows if t12 is not None else []:
        if row.kind == RowKind.PROJECT:
            found[comparable(row.label)].append(row)
    return found


@rule(
    "PERF-FUNDS-T12",
    "performance",
    Severity.ERROR,
    "绩效目标表年度资金与表12不一致",
    "项目支出绩效目标表的“年度资金总额”（元）应等于表12该项目金额（万元）× 10000；"
    "同名项目在表12中列有多行时按合计。表12金额舍入到0.01万元，故允许每行50元以内的差异。",
)
def funds_vs_t12(ck: Checker) -> None:
    t12 = ck.table("projects_current")
    if t12 is None:
        return
    projects = _projects_by_name(ck)
    for table in _readable(ck):
        rows = projects.get(comparable(table.project))
        if not rows:
            continue
        amount = sum((r.amount("total") or Decimal(0) for r in rows), Decimal(0))
        expected = amount * WAN
        annual = table.annual_funds.total
        t12_locations = [cell_figure(t12, r, "total").location for r in rows]
        if annual is None or annual.amount is None:
            ck.report(
                f"{_where(table)}未填写年度资金总额，表12该项目为{amount}万元（应为{expected:,.0f}元）",
                [
                    Location(
                        table.annual_funds.label_source or table.source,
                        _where(table),
                        "年度资金总额：",
                    ),
                    *t12_locations,
                ],
                expected=expected,
            )
            continue
        difference = annual.amount - expected
        if abs(difference) > Decimal(50) * len(rows):
            ck.report(
                f"{_where(table)}年度资金总额{annual.text}元，表12该项目{amount}万元"
                f"（{expected:,.0f}元），相差{difference:,.0f}元",
                [_fund_figure(table, annual, "年度资金总额").location, *t12_locations],
                expected=expected,
                actual=annual.amount,
            )


@rule(
    "PERF-SOURCES-SUM",
    "performance",
    Severity.ERROR,
    "绩效目标表资金来源之和不等于资金总额",
    "实施期和年度的资金总额都应等于中央、省级、市县（区）财政资金、单位自筹和其他资金之和；"
    "实施期资金总额不应小于年度资金总额。上海的财政项目支出绩效目标填报表：项目资金总额 = "
    "财政资金 + 其他资金，年度资金申请总额 = 当年财政拨款 + 上年结转资金 + 其他资金，"
    "项目资金总额不应小于年度资金申请总额。",
    BOTH,
)
def sources_sum(ck: Checker) -> None:
    halves = _halves(ck)
    for table in _readable(ck):
        for half in halves:
            funds = half.funds(table)
            if funds.total is None:
                continue
            parts = [_fund_figure(table, getattr(funds, k), half.label(k)) for k, _ in half.parts]
            if all(p.value is None for p in parts):
                continue
            total = _fund_figure(table, funds.total, half.total)
            ck.sum(total, parts, f"{_where(table)}{half.sums}")
        period_total, annual_total = table.period_funds.total, table.annual_funds.total
        if (
            period_total is not None
            and annual_total is not None
            and period_total.amount is not None
            and annual_total.amount is not None
            and period_total.amount < annual_total.amount
        ):
            ck.report(
                f"{_where(table)}{halves[0].total}{period_total.text}元小于"
                f"{halves[1].total}{annual_total.text}元",
                [_fund_figure(table, period_total, halves[0].total).location],
                expected=annual_total.amount,
                actual=period_total.amount,
            )


_YEAR = re.compile(r"^(\d{4})")


def _one_year(table: PerformanceTable) -> bool:
    """A project planned to last one year: 项目期 1年, 项目属性 …1年结束, or (Shanghai) planned
    to start and end within one calendar year."""
    if (table.period or "").strip() in ("1年", "一年") or "1年结束" in (table.attribute or ""):
        return True
    start, end = (_YEAR.match(d or "") for d in (table.planned_start, table.planned_end))
    return start is not None and end is not None and start.group(1) == end.group(1)


@rule(
    "PERF-SOURCES-ATTRIBUTION",
    "performance",
    Severity.WARNING,
    "实施期与年度资金来源归属不一致",
    "年度资金是实施期资金的一部分：某一来源年度有资金而实施期为0，说明资金来源填报前后不一致"
    "（例如实施期填为中央财政资金、年度填为省级财政资金）；一年期项目的实施期与年度资金总额应相同"
    "（上海填报表：计划开始、完成日期在同一年的项目，项目资金总额应等于年度资金申请总额）。",
    BOTH,
)
def sources_attribution(ck: Checker) -> None:
    project, year = _halves(ck)
    shared = [k for k, _ in year.parts if k in {key for key, _ in project.parts}]
    for table in _readable(ck):
        for key in shared:
            period = getattr(table.period_funds, key)
            annual = getattr(table.annual_funds, key)
            if annual is None or not annual.amount:
                continue
            if period is not None and period.amount == 0:
                named = year.name(key)
                own = project.name(key)
                said = "该来源" if own == named else f"“{own}”"
                ck.report(
                    f"{_where(table)}{year.word}“{named}”{annual.text}元，{project.word}{said}为0",
                    [_fund_figure(table, annual, year.label(key)).location],
                )
        p, a = table.period_funds.total, table.annual_funds.total
        same = p is None or a is None or None in (p.amount, a.amount) or p.amount == a.amount
        if _one_year(table) and not same:
            assert p is not None and a is not None
            ck.report(
                f"{_where(table)}为一年期项目，{project.total}{p.text}元与{year.total}{a.text}元不同",
                [_fund_figure(table, p, project.total).location],
                expected=a.amount,
                actual=p.amount,
            )


@rule(
    "PERF-SUMMARY",
    "performance",
    Severity.ERROR,
    "绩效目标设置情况与所附绩效目标表不一致",
    "其他相关情况说明“绩效目标设置情况”所述编报绩效目标的项目个数应等于所附财政项目支出绩效目标填报表"
    "的张数（不等时为警告）；个数相符时，所述项目预算资金（万元）应等于各表年度资金申请总额（元）之和换算"
    "为万元，末位四舍五入或截位的差异不算错误。未附绩效目标表的文件不核对。",
    ("shanghai",),
)
def summary(ck: Checker) -> None:
    d = ck.disclosure
    perf, tables = d.performance, _readable(ck)
    if not tables or perf.projects is None or perf.amount is None:
        return
    section = next((s for s in d.sections if "绩效" in s.title), None)
    label = section_label(d, section) if section is not None else "绩效目标设置情况"
    stated, year = perf.amount, _halves(ck)[1]
    said = f"{label}称编报绩效目标的项目{perf.projects}个"
    if len(tables) != perf.projects:
        ck.report(
            f"{said}，所附绩效目标表{len(tables)}张",
            [Location(stated.source, label, str(perf.projects)),
             *(Location(t.source, _where(t), t.project) for t in tables)],
            expected=str(len(tables)),
            actual=str(perf.projects),
            severity=Severity.WARNING,
        )  # fmt: skip
        return
    totals = [t.annual_funds.total for t in tables]
    amounts = [c.amount for c in totals if c is not None and c.amount is not None]
    if stated.value is None or len(amounts) < len(tables):
        return  # a form without its year's total: PERF-HEADER and PERF-SOURCES-SUM say so
    yuan = sum(amounts, Decimal(0))
    _, _, places = stated.text.replace(",", "").partition(".")
    unit = Decimal(1).scaleb(-len(places))  # the last printed place of the stated amount
    exact = yuan / WAN
    rounded = exact.quantize(unit, rounding=ROUND_HALF_UP)
    if stated.value == rounded:
        return
    close = abs(stated.value - exact) < unit  # truncated instead of rounded
    where = [
        Location(stated.source, label, stated.text),
        *(_fund_figure(t, t.annual_funds.total, year.total).location for t in tables),
    ]
    ck.report(
        f"{said}，涉及项目预算资金{stated.text}万元；所附{len(tables)}张绩效目标表{year.total}合计"
        f"{yuan:,.2f}元（{rounded}万元），相差{stated.value - rounded}万元"
        + ("（尾差，舍入可以解释）" if close else ""),
        where,
        expected=rounded,
        actual=stated.value,
        severity=Severity.INFO if close else None,
        rounding=close,
    )


@rule(
    "PERF-DEPARTMENT",
    "performance",
    Severity.WARNING,
    "主管部门名称或代码前后不一致",
    "同一文件中各绩效目标表的“主管部门及代码”（上海填报表：“主管部门”）应相同。",
    BOTH,
)
def department(ck: Checker) -> None:
    tables = [t for t in _readable(ck) if t.department]
    counts = Counter(comparable(t.department or "") for t in tables)
    if len(counts) < 2:
        return
    usual = counts.most_common(1)[0][0]
    for table in tables:
        if comparable(table.department or "") != usual:
            ck.report(
                f"{_where(table)}主管部门及代码为“{table.department}”，其他绩效目标表为“{usual}”",
                [Location(table.source, _where(table), table.department or "")],
                expected=usual,
                actual=table.department,
            )


@rule(
    "PERF-INDICATORS",
    "performance",
    Severity.WARNING,
    "绩效指标缺少指标值",
    "每个三级指标都应有指标值；没有任何绩效指标的绩效目标表也应补充。",
    BOTH,
)
def indicators(ck: Checker) -> None:
    whole = [t for t in ck.disclosure.performance_tables if t.whole_unit and t.confidence >= 0.5]
    for table in _readable(ck) + whole:
        if not table.period_indicators and not table.annual_indicators:
            ck.report(f"{_where(table)}没有绩效指标", [Location(table.source, _where(table))])
            continue
        for indicator in table.period_indicators + table.annual_indicators:
            if not indicator.level3 or indicator.value:
                continue
            where = [Location(indicator.source or table.source, _where(table), indicator.level3)]
            if _VALUE_LIKE.search(indicator.level3):
                ck.report(
                    f"{_where(table)}指标值“{indicator.level3}”没有对应的三级指标名称（表格列可能错位）",
                    where,
                )
            else:
                ck.report(f"{_where(table)}三级指标“{indicator.level3}”没有指标值", where)


@rule(
    "PERF-UNREADABLE",
    "performance",
    Severity.WARNING,
    "绩效目标表无法识读",
    "扫描件识别不清的绩效目标表无法核对，需人工查看原件。",
    BOTH,
)
def unreadable(ck: Checker) -> None:
    for table in ck.disclosure.performance_tables:
        if table.confidence < 0.5:
            ck.report(
                f"{_where(table)}为扫描识别文本，内容无法可靠读取，未核对资金与指标，请人工查看",
                [Location(table.source, _where(table))],
            )


@rule(
    "PERF-HEADER",
    "performance",
    Severity.WARNING,
    "绩效目标表项目属性、项目期或实施期资金不完整",
    "项目属性应前后一致（经常性项目对应“长期开展”，一次性项目对应“1年结束”）；其他表都填了项目期的，"
    "本表也应填写；年度有资金的，实施期资金总额不应空白。",
    BOTH,
)
def headers(ck: Checker) -> None:
    tables = [t for t in _readable(ck) if not t.whole_unit]
    project, year = _halves(ck)
    with_period = sum(1 for t in tables if t.period)
    for table in tables:
        period_total, annual_total = table.period_funds.total, table.annual_funds.total
        near = next((c.source for c in (period_total, annual_total) if c and c.source), None)
        where = [Location(near or table.source, _where(table), table.attribute or "")]
        attribute = "".join((table.attribute or "").split())
        if ("经常性" in attribute and ("1年结束" in attribute or "一次性" in attribute)) or (
            "一次性" in attribute and "长期" in attribute
        ):
            ck.report(f"{_where(table)}项目属性“{attribute}”自相矛盾", where)
        if not table.period and with_period >= max(2, len(tables) // 2):
            label, at = table.field_labels.get("attribute", ("", table.source))
            after = f"；本表“{label}”一行之后没有“项目期”一栏" if label else ""
            ck.report(f"{_where(table)}未填项目期（其他{with_period}张表均已填写{after}）",
                      [Location(at, _where(table), label)])  # fmt: skip
        if (period_total is None or period_total.amount is None) and (
            annual_total is not None and annual_total.amount
        ):
            ck.report(
                f"{_where(table)}{year.total}{annual_total.text}元，{project.total}却为空白",
                [Location(annual_total.source, _where(table), annual_total.text)],
            )


# "46,00368": thousands separators in the wrong places; "服务参保群众 ≥40万元": people in 万元.
_BAD_GROUPING = re.compile(r"\d,(?:\d{1,2}|\d{4,})(?!\d)|\d{4,},\d")
_PEOPLE = re.compile(r"人|群众|人次|户数|家庭")


@rule(
    "PERF-VALUES",
    "performance",
    Severity.WARNING,
    "绩效指标值书写有误",
    "指标值中的千分位逗号应每三位一个（不应写成“46,00368”）；以人数计的指标（如服务参保群众）"
    "不应以“万元”为单位。",
    BOTH,
)
def indicator_values(ck: Checker) -> None:
    for table in _readable(ck):
        for item in [*table.annual_indicators, *table.period_indicators]:
            value = "".join(item.value.split())
            where = [Location(item.source or table.source, _where(table), item.value)]
            if _BAD_GROUPING.search(value):
                ck.report(
                    f"{_where(table)}指标“{item.level3}”的值“{value}”千分位逗号位置有误", where
                )
            elif _PEOPLE.search(item.level3) and "万元" in value and "费" not in item.level3:
                ck.report(
                    f"{_where(table)}指标“{item.level3}”以人计，指标值却写作“{value}”（万元）",
                    where,
                )
