"""A 决算's 情况说明 against its tables: every total, share and 完成预算 rate the fixed sentences
state; each 项's 年初预算 / 支出决算 with the direction and the reason the template asks for; and
the items 人员经费 and 公用经费 are said to include.

The template's sentences (附件2): "收入支出总计XXX万元", "财政拨款收入XXX万元，占XX%",
"一般公共服务支出（类）XXX万元，占XX%", "年初预算为XXX万元，支出决算为XXX万元，完成年初预算的XX%。
决算数大于（小于）预算数的主要原因：……", "人员经费XXX万元，主要包括：基本工资、……；公用经费……".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from yusuan.checks.engine import Checker, rule
from yusuan.checks.final import FINAL
from yusuan.checks.findings import Location, Severity
from yusuan.checks.tolerance import share_tolerance, sum_tolerance
from yusuan.checks.views import coded, section_label, total_row
from yusuan.final_sentences import change_sentences
from yusuan.model import Row, RowKind, Section, Side, Table
from yusuan.names import normalize_name
from yusuan.sentences import NUMBER, source_in

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Part:
    """A section or sub-section of the 情况说明, its text without line breaks."""

    section: Section
    title: str
    label: str
    text: str

    def location(self, quote: str, path: str) -> Location:
        return Location(source_in(self.section, quote, path), self.label, quote)


def all_parts(ck: Checker) -> list[Part]:
    memo = ck.memo.get("final_parts")
    if memo is None:
        d = ck.disclosure
        cached: list[Part] = []
        for section in d.sections:
            label = section_label(d, section)
            cached.append(Part(section, section.title, label, "".join(section.text.split())))
            for sub in section.subsections:
                cached.append(
                    Part(
                        section,
                        sub.title,
                        f"{label}{sub.number}{sub.title}",
                        "".join(sub.text.split()),
                    )
                )
        ck.memo["final_parts"] = memo = cached
    return memo  # type: ignore[return-value]


def parts(ck: Checker, title: str) -> Iterator[Part]:
    """The parts whose title starts with ``title`` ("收入支出决算总体情况" is not "财政拨款…")."""
    for part in all_parts(ck):
        if "".join(part.title.split()).startswith(title):
            yield part


def _row(table: Table | None, label: str, side: Side | None = None) -> Row | None:
    if table is None:
        return None
    return next(
        (
            r
            for r in table.rows
            if "".join(r.label.split()) == label and (side is None or r.side == side)
        ),
        None,
    )


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT)}"


def _rate(part: Decimal, whole: Decimal) -> Decimal:
    return (part / whole * HUNDRED).quantize(CENT, ROUND_HALF_UP)


# --- totals -----------------------------------------------------------------------------------

# (section title, words before the amount, table, row label, side, column, what the table calls it)
_TOTALS: tuple[tuple[str, str, str, str | None, Side | None, str], ...] = (
    ("收入支出决算总体情况", r"收入支出总计", "budget_summary", "总计", Side.INCOME, "amount"),
    ("收入决算情况说明", r"本年收入合计", "budget_summary", "本年收入合计", Side.INCOME, "amount"),
    (
        "支出决算情况说明",
        r"本年支出合计",
        "budget_summary",
        "本年支出合计",
        Side.EXPENDITURE,
        "total",
    ),
    (
        "财政拨款收入支出决算总体情况",
        r"财政拨款收入支出总计",
        "fiscal_summary",
        "总计",
        Side.INCOME,
        "amount",
    ),
    (
        "一般公共预算财政拨款支出决算总体情况",
        r"一般公共预算财政拨款支出",
        "general_expenditure",
        None,
        None,
        "total",
    ),
    (
        "一般公共预算财政拨款支出决算具体情况",
        r"支出决算为",
        "general_expenditure",
        None,
        None,
        "total",
    ),
    (
        "一般公共预算财政拨款基本支出决算情况说明",
        r"基本支出",
        "general_expenditure",
        None,
        None,
        "basic",
    ),
    (
        "一般公共预算财政拨款基本支出决算情况说明",
        r"人员经费",
        "basic_by_economic",
        "人员经费合计",
        None,
        "amount",
    ),
    (
        "一般公共预算财政拨款基本支出决算情况说明",
        r"公用经费",
        "basic_by_economic",
        "公用经费合计",
        None,
        "amount",
    ),
    (
        "财政拨款“三公”经费支出决算情况说明",
        r"“三公”经费财政拨款支出年初预算为",
        "three_public",
        None,
        None,
        "total_budget",
    ),
    ("财政拨款“三公”经费支出决算情况说明", r"支出决算为", "three_public", None, None, "total"),
    (
        "财政拨款“三公”经费支出决算情况说明",
        r"因公出国（境）费决算为",
        "three_public",
        None,
        None,
        "abroad",
    ),
    (
        "财政拨款“三公”经费支出决算情况说明",
        r"公务用车购置及运行维护费支出决算为",
        "three_public",
        None,
        None,
        "car_total",
    ),
    (
        "财政拨款“三公”经费支出决算情况说明",
        r"公务接待费支出决算为",
        "three_public",
        None,
        None,
        "reception",
    ),
)


def _table_amount(
    ck: Checker, key: str, label: str | None, side: Side | None, column: str
) -> tuple[Table, Row, Decimal] | None:
    table = ck.table(key)
    if table is None or table.no_data:
        return None
    if label:
        row = _row(table, label, side)
    else:  # the table's 合计 row (the 三公 table prints one row of figures)
        row = total_row(table) or (table.rows[0] if table.rows else None)
    if row is None:
        return None
    return table, row, row.amount(column) or Decimal(0)


@rule(
    "FINAL-NARR-AMOUNTS",
    "narrative",
    Severity.ERROR,
    "决算说明中的金额与决算表不一致",
    "情况说明各节写的收入支出总计、本年收入合计、本年支出合计、财政拨款收入支出总计、一般公共预算财政"
    "拨款支出及其基本支出、人员经费、公用经费、“三公”经费的年初预算和决算数，应等于相应决算表；万元"
    "四舍五入的差异为尾差。",
    FINAL,
)
def amounts(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for title, words, key, label, side, column in _TOTALS:
        found = _table_amount(ck, key, label, side, column)
        if found is None:
            continue
        table, row, expected = found
        for part in parts(ck, title):
            match = re.search(words + r"(?:为|是)?" + NUMBER + "万元", part.text)
            if match is None:
                continue
            stated = Decimal(match.group(1).replace(",", ""))
            difference = stated - expected
            if difference == 0:
                continue
            header = table.column(column, row.side)
            where = f"表{table.number}“{row.label}”{header.header if header else ''}"
            rounding = abs(difference) <= sum_tolerance(1)
            ck.report(
                f"{part.label}“{match.group(0)}”，{where}为{_money(expected)}万元"
                + ("（尾差）" if rounding else ""),
                [part.location(match.group(0), path)],
                expected=expected,
                actual=stated,
                severity=Severity.INFO if rounding else None,
                rounding=rounding,
            )


# --- shares and rates -------------------------------------------------------------------------

_INCOME_COLUMNS = {
    "财政拨款收入": "fiscal",
    "上级补助收入": "superior",
    "事业收入": "business",
    "经营收入": "operating",
    "附属单位上缴收入": "affiliated",
    "其他收入": "other",
}
_SPENDING_COLUMNS = {
    "基本支出": "basic",
    "项目支出": "project",
    "上缴上级支出": "to_superior",
    "经营支出": "operating",
    "对附属单位补助支出": "to_affiliated",
}
_SHARE = re.compile(r"([^，；：。]{2,30}?)" + NUMBER + r"万元[，,]占" + NUMBER + "%")


@rule(
    "FINAL-NARR-SHARES",
    "narrative",
    Severity.ERROR,
    "决算说明中的金额、占比或完成率有误",
    "收入、支出决算情况说明中各项收入、支出的金额和占比，一般公共预算财政拨款支出结构中各类（类）的"
    "金额和占比（占一般公共预算财政拨款支出的比重），以及“完成（年初）预算的XX%”，按决算表重算："
    "占比 = 该项 ÷ 合计，完成率 = 决算数 ÷ 年初预算数。",
    FINAL,
)
def shares(ck: Checker) -> None:
    income = ck.table("income_summary")
    spending = ck.table("expenditure_summary")
    general = ck.table("general_expenditure")
    groups: list[tuple[str, Table | None, dict[str, str] | None]] = [
        ("收入决算情况说明", income, _INCOME_COLUMNS),
        ("支出决算情况说明", spending, _SPENDING_COLUMNS),
        ("一般公共预算财政拨款支出决算结构情况", general, None),
    ]
    for title, table, columns in groups:
        total = total_row(table) if table is not None else None
        if table is None or total is None:
            continue
        whole = total.amount("total")
        for part in parts(ck, title):
            for match in _SHARE.finditer(part.text):
                name = re.sub(r"^(?:其中|主要用于以下方面)[：:]", "", match.group(1)).strip("，、 ")
                found = _share_figure(table, total, columns, name)
                if found is None or not whole:
                    continue
                _check_share(ck, part, match, found, whole)
    _completion(ck)


def _share_figure(
    table: Table, total: Row, columns: dict[str, str] | None, name: str
) -> tuple[str, Decimal] | None:
    """The table's figure for ``name``: a column of the 合计 row, or a 类 row of a coded table."""
    if columns is not None:
        column = columns.get(name)
        return (
            (f"表{table.number}合计“{name}”", total.amount(column) or Decimal(0))
            if column
            else None
        )
    wanted = normalize_name(re.sub(r"（类）$", "", name))
    for row in coded(table):
        if row.kind == RowKind.CLASS and normalize_name(row.label) == wanted:
            return f"表{table.number}“{row.code} {row.label}”", row.amount("total") or Decimal(0)
    return None


def _check_share(
    ck: Checker, part: Part, match: re.Match[str], found: tuple[str, Decimal], whole: Decimal
) -> None:
    path = ck.disclosure.meta.source_file
    where, figure = found
    stated = Decimal(match.group(2).replace(",", ""))
    share = Decimal(match.group(3))
    quote = match.group(0).lstrip("，、；")
    if abs(stated - figure) > sum_tolerance(1):
        ck.report(
            f"{part.label}“{quote}”：{where}为{_money(figure)}万元",
            [part.location(quote, path)],
            expected=figure,
            actual=stated,
        )
        return
    expected = _rate(figure, whole)
    if abs(share - expected) > share_tolerance(figure, whole):
        ck.report(
            f"{part.label}“{quote}”：按{where}{_money(figure)}万元 ÷ 合计{_money(whole)}万元，"
            f"占比应为{expected}%",
            [part.location(quote, path)],
            expected=expected,
            actual=share,
        )


_COMPLETION = re.compile(
    r"年初预算为"
    + NUMBER
    + r"万元[，,]支出决算为"
    + NUMBER
    + r"万元[，,]完成(?:年初)?预算的"
    + NUMBER
    + "%"
)


def _completion(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for part in all_parts(ck):
        for match in _COMPLETION.finditer(part.text):
            budget, final, rate = (Decimal(g.replace(",", "")) for g in match.groups())
            if not budget:
                continue  # "完成预算的0%" of nothing budgeted: the template still asks for it
            expected = _rate(final, budget)
            if abs(rate - expected) > share_tolerance(final, budget):
                ck.report(
                    f"{part.label}“{match.group(0)}”：{_money(final)} ÷ {_money(budget)}，"
                    f"完成率应为{expected}%",
                    [part.location(match.group(0), path)],
                    expected=expected,
                    actual=rate,
                )


# --- changes against last year ----------------------------------------------------------------

_AGREE = {"增加": "增长", "减少": "下降"}


@rule(
    "FINAL-NARR-CHANGE",
    "narrative",
    Severity.ERROR,
    "决算说明中与上年相比的增减率有误",
    "“X万元。与上年度相比，增加（减少）C万元，增长（下降）R%”：上年数为 X − C（增加）"
    "或 X + C（减少），"
    "R 应等于 C ÷ 上年数 × 100%，“增加”配“增长”、“减少”配“下降”。",
    FINAL,
)
def changes(ck: Checker) -> None:
    path = ck.disclosure.meta.source_file
    for part in all_parts(ck):
        for said in change_sentences(part.text):
            if said.direction == "持平" or said.rate is None:
                continue
            quote = said.quote
            if _AGREE[said.direction] != said.rate_word:
                ck.report(
                    f"{part.label}“{quote}”：{said.direction}却说{said.rate_word}",
                    [part.location(quote, path)],
                )
                continue
            current, moved = said.current, said.change
            prior = current - moved if said.direction == "增加" else current + moved
            if prior <= 0:
                continue
            expected = _rate(moved, prior)
            if abs(said.rate - expected) > share_tolerance(moved, prior):
                ck.report(
                    f"{part.label}“{quote}”：本年{_money(current)}万元、上年{_money(prior)}万元，"
                    f"{said.rate_word}率应为{expected}%",
                    [part.location(quote, path)],
                    expected=expected,
                    actual=said.rate,
                )
