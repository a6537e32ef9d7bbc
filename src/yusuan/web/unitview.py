"""What the units pages show: tables of display texts (amounts in 万元, as the documents print
them) and chart descriptions for ``static/charts.js``.

A chart description is plain JSON data (``{"type", "unit", "categories", "series"}``) that the
page embeds with ``tojson`` inside ``<script type="application/json">``; the script reads it with
``JSON.parse`` and draws it with ECharts. Values are decimal strings, never markup.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from yusuan.analytics.base import wan
from yusuan.analytics.render import COMPARE_COLUMNS, DASH, cell
from yusuan.analytics.trend import COUNTS, RATIOS, CodeTrendRow, TrendRow

CHART_POINTS = 25  # bars in a comparison chart; the table lists every row
# Trend figures drawn by default (the others can be switched on in the chart's legend).
SHOWN = {"facts": ("income_total", "expenditure_total", "basic", "project", "three_public")}


def _year(ref: Any) -> str:
    return f"{ref.year}年" if ref.year is not None else "年度不详"


def kind_of(key: str) -> str:
    """How a trend figure is shown: money (元 → 万元), count or pct."""
    if key in RATIOS:
        return "pct"
    if key in COUNTS:
        return "count"
    return "money"


def _plain(value: Decimal | None, kind: str) -> str | None:
    """A chart value: 万元 for money, as decimal text (JSON carries no floats)."""
    if value is None:
        return None
    if kind == "money":
        shown = wan(Decimal(value))
        return None if shown is None else format(shown, "f")
    return format(Decimal(value), "f")


@dataclass(frozen=True, slots=True)
class TrendLine:
    year: str
    disclosure_id: int
    scope: str
    value: str
    change: str
    rate: str


@dataclass(frozen=True, slots=True)
class TrendGroup:
    key: str
    label: str
    kind: str
    lines: list[TrendLine]


def _change(value: Decimal | None, kind: str) -> str:
    if value is None:
        return DASH
    if kind == "count":
        return f"{int(value):+,}"
    return cell(value, "points" if kind == "pct" else "change")


def trend_groups(rows: Sequence[TrendRow]) -> list[TrendGroup]:
    """The trend rows as one group per figure, its years in order."""
    groups: dict[str, TrendGroup] = {}
    for row in rows:
        kind = kind_of(row.key)
        group = groups.setdefault(row.key, TrendGroup(row.key, row.label, kind, []))
        group.lines.append(TrendLine(
            _year(row.ref), row.ref.disclosure_id, row.ref.scope, cell(row.value, kind),
            _change(row.change, kind), cell(row.rate, "pct"),
        ))  # fmt: skip
    return list(groups.values())


def trend_chart(rows: Sequence[TrendRow], metric: str) -> dict[str, Any]:
    """Lines over the years: the metric's figures of its main kind (money, count or share)."""
    years: list[str] = []
    for row in rows:
        if _year(row.ref) not in years:
            years.append(_year(row.ref))
    kinds = [kind_of(r.key) for r in rows]
    main = max(("money", "pct", "count"), key=kinds.count) if kinds else "money"
    series: dict[str, dict[str, Any]] = {}
    shown = SHOWN.get(metric)
    for row in rows:
        if kind_of(row.key) != main:
            continue
        entry = series.setdefault(row.key, {
            "name": row.label, "data": [None] * len(years),
            "selected": shown is None or row.key in shown,
        })  # fmt: skip
        entry["data"][years.index(_year(row.ref))] = _plain(row.value, main)
    unit = {"money": "万元", "pct": "%", "count": ""}[main]
    return {"type": "line", "unit": unit, "categories": years, "series": list(series.values())}


@dataclass(frozen=True, slots=True)
class SpendingLine:
    code: str
    name: str
    amounts: list[str]  # per year, 万元


def spending_table(rows: Sequence[CodeTrendRow]) -> tuple[list[str], list[SpendingLine]]:
    """Spending by code: the years, and one line per code with its amount in each year."""
    years: list[str] = []
    by_code: dict[str, SpendingLine] = {}
    for row in rows:
        if _year(row.ref) not in years:
            years.append(_year(row.ref))
    for row in rows:
        line = by_code.setdefault(row.code, SpendingLine(row.code, row.name, [DASH] * len(years)))
        line.amounts[years.index(_year(row.ref))] = cell(row.amount, "money")
    return years, list(by_code.values())


def spending_chart(rows: Sequence[CodeTrendRow]) -> dict[str, Any]:
    """Stacked bars: each year's spending by 类."""
    years: list[str] = []
    for row in rows:
        if _year(row.ref) not in years:
            years.append(_year(row.ref))
    series: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = series.setdefault(row.code, {"name": f"{row.code} {row.name}",
                                             "data": [None] * len(years)})  # fmt: skip
        entry["data"][years.index(_year(row.ref))] = _plain(row.amount, "money")
    return {"type": "stack", "unit": "万元", "categories": years, "series": list(series.values())}


# --- comparisons ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    numeric: bool
    unit_id: int | None = None  # the unit's name: a link to its page


@dataclass(frozen=True, slots=True)
class Table:
    headers: list[Cell]
    rows: list[list[Cell]]


def compare_table(metric: str, rows: Sequence[Any]) -> Table:
    columns = COMPARE_COLUMNS[metric]
    return Table(
        [Cell(c.header, c.kind != "text") for c in columns],
        [[Cell(cell(c.get(r), c.kind), c.kind != "text",
               r.ref.unit_id if c.header == "单位" else None) for c in columns]
         for r in rows],
    )  # fmt: skip


# metric → (series: (label, attribute, kind)); several series are stacked
_BARS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "three_public": (("因公出国（境）费", "abroad", "money"), ("公务接待费", "reception", "money"),
                     ("公务用车购置及运行费", "vehicles", "money")),
    "operating_costs": (("机关运行经费", "operating_costs", "money"),),
    "personnel_share": (("人员经费占基本支出比重", "share", "pct"),),
    "per_head": (("人均支出", "expenditure_per_head", "money"),
                 ("人均基本支出", "basic_per_head", "money")),
    "findings": (("错误", "errors", "count"), ("警告", "warnings", "count")),
    "budget_final": (("预算数", "budget", "money"), ("决算数", "final", "money")),
}  # fmt: skip
_STACKED = {"three_public", "findings"}


def _who(ref: Any, with_year: bool, with_scope: bool = False) -> str:
    said = [_year(ref)] if with_year else []
    if with_scope:
        said.append(f"{ref.scope}预算")
    return f"{ref.unit_name}（{'·'.join(said)}）" if said else str(ref.unit_name)


def _names(refs: Sequence[Any], with_year: bool) -> list[str]:
    """The chart label of each disclosure; a unit with a 单位 and a 部门 document of the same
    year (as Shanghai units publish both) is told apart by the scope."""
    plain = [_who(r, with_year) for r in refs]
    seen = Counter(plain)
    pairs = zip(refs, plain, strict=True)
    return [_who(r, with_year, True) if seen[p] > 1 else p for r, p in pairs]


def compare_chart(metric: str, rows: Sequence[Any], year: int | None) -> dict[str, Any]:
    """Horizontal bars, largest at the top; 类 spending as one stacked bar per disclosure."""
    with_year = year is None
    if metric == "class_spending":
        return _class_chart(rows, with_year)
    if metric == "budget_final":  # one pair of bars per 决算: its 一般公共预算 spending
        rows = [r for r in rows if r.key == "general_spending"]
    shown = list(rows[:CHART_POINTS])
    specs = _BARS[metric]
    kind = specs[0][2]
    series = [
        {"name": label, "data": [_plain(_number(getattr(r, attribute)), kind) for r in shown]}
        for label, attribute, _ in specs
    ]
    unit = {"money": "万元", "pct": "%", "count": "个"}[kind]
    return {
        "type": "hstack" if metric in _STACKED else "hbar",
        "unit": unit,
        "categories": _names([r.ref for r in shown], with_year),
        "series": series,
    }


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _class_chart(rows: Sequence[Any], with_year: bool) -> dict[str, Any]:
    refs: dict[int, Any] = {}
    for r in rows:
        refs.setdefault(r.ref.disclosure_id, r.ref)
    order = list(refs)[:CHART_POINTS]
    names = dict(zip(order, _names([refs[i] for i in order], with_year), strict=True))
    series: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r.ref.disclosure_id not in order:
            continue
        entry = series.setdefault(r.code, {"name": f"{r.code} {r.name}",
                                           "data": [None] * len(order)})  # fmt: skip
        entry["data"][order.index(r.ref.disclosure_id)] = _plain(r.amount, "money")
    return {"type": "hstack", "unit": "万元", "categories": [names[i] for i in order],
            "series": list(series.values())}  # fmt: skip
