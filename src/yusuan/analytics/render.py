"""Comparison and trend rows for people: rich tables in Chinese (amounts in 万元), or CSV and
JSON with every field (amounts in 元, exact decimal text)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rich.table import Table
from rich.text import Text

from yusuan.analytics.base import flatten, wan
from yusuan.analytics.compare import METRICS, ClassTotal
from yusuan.analytics.trend import COUNTS, RATIOS, CodeTrendRow, TrendRow

DASH = "—"


@dataclass(frozen=True, slots=True)
class Col:
    header: str
    get: Callable[[Any], Any]
    kind: str = "text"  # text, money (元 shown in 万元), count, pct, change (money, signed)


def cell(value: Any, kind: str) -> str:
    if value is None or value == "":
        return DASH
    if kind in ("money", "change"):
        shown = wan(Decimal(value))
        assert shown is not None
        return f"{shown:+,.2f}" if kind == "change" and shown else f"{shown:,.2f}"
    if kind == "pct":
        return f"{Decimal(value):.2f}%"
    if kind == "points":
        return f"{Decimal(value):+.2f}" if value else "0.00"
    if kind == "count":
        return f"{int(value):,}"
    return str(value)


def table(title: str, columns: Sequence[Col], rows: Sequence[Any], note: str = "") -> Table:
    out = Table(title=title, caption=note or None, title_justify="left", caption_justify="left")
    for col in columns:
        out.add_column(col.header, justify="left" if col.kind == "text" else "right",
                       no_wrap=col.kind != "text")  # fmt: skip
    for row in rows:
        out.add_row(*(Text(cell(col.get(row), col.kind)) for col in columns))
    return out


def _unit(r: Any) -> str:
    return str(r.ref.unit_name)


def _year(r: Any) -> str:
    return str(r.ref.year) if r.ref.year is not None else DASH


_WHO = [Col("单位", _unit), Col("年度", _year), Col("范围", lambda r: r.ref.scope)]

COMPARE_COLUMNS: dict[str, list[Col]] = {
    "three_public": [*_WHO, Col("“三公”经费", lambda r: r.three_public, "money"),
                     Col("因公出国（境）费", lambda r: r.abroad, "money"),
                     Col("公务接待费", lambda r: r.reception, "money"),
                     Col("公务用车购置及运行费", lambda r: r.vehicles, "money"),
                     Col("其中：购置费", lambda r: r.vehicle_purchase, "money"),
                     Col("运行维护费", lambda r: r.vehicle_operation, "money")],
    "operating_costs": [*_WHO, Col("机关运行经费", lambda r: r.operating_costs, "money"),
                        Col("公用经费（基本支出）", lambda r: r.public, "money")],
    "personnel_share": [*_WHO, Col("人员经费", lambda r: r.personnel, "money"),
                        Col("公用经费", lambda r: r.public, "money"),
                        Col("基本支出", lambda r: r.basic, "money"),
                        Col("人员经费占比", lambda r: r.share, "pct")],
    "class_spending": [*_WHO, Col("科目编码", lambda r: r.code), Col("类", lambda r: r.name),
                       Col("金额", lambda r: r.amount, "money"),
                       Col("占支出合计", lambda r: r.share, "pct")],
    "per_head": [*_WHO, Col("实有人数", lambda r: r.staff_actual, "count"),
                 Col("编制人数", lambda r: r.staff_authorized, "count"),
                 Col("支出总计", lambda r: r.expenditure_total, "money"),
                 Col("人均支出", lambda r: r.expenditure_per_head, "money"),
                 Col("基本支出", lambda r: r.basic, "money"),
                 Col("人均基本支出", lambda r: r.basic_per_head, "money")],
    "budget_final": [*_WHO, Col("项目", lambda r: r.label),
                     Col("预算数", lambda r: r.budget, "money"),
                     Col("决算所列年初预算", lambda r: r.stated_budget, "money"),
                     Col("决算数", lambda r: r.final, "money"),
                     Col("执行率", lambda r: r.rate, "pct")],
    "findings": [Col("排名", lambda r: r.rank, "count"), *_WHO,
                 Col("错误", lambda r: r.errors, "count"),
                 Col("警告", lambda r: r.warnings, "count"),
                 Col("提示", lambda r: r.infos, "count")],
}  # fmt: skip

CLASS_TOTAL_COLUMNS = [
    Col("科目编码", lambda t: t.code), Col("类", lambda t: t.name),
    Col("文件数", lambda t: t.disclosures, "count"), Col("金额", lambda t: t.amount, "money"),
]  # fmt: skip

MONEY_NOTE = "金额单位：万元（库中以元存储）"


def compare_table(metric: str, rows: Sequence[Any], year: int | None) -> Table:
    when = f"{year}年" if year is not None else "各年度"
    return table(f"{when}{METRICS[metric]}比较（{len(rows)}条）", COMPARE_COLUMNS[metric], rows,
                 MONEY_NOTE)  # fmt: skip


def class_totals_table(totals: Sequence[ClassTotal], year: int | None) -> Table:
    when = f"{year}年" if year is not None else "各年度"
    return table(f"{when}按功能分类“类”汇总", CLASS_TOTAL_COLUMNS, totals, MONEY_NOTE)


def _trend_kind(row: TrendRow, change: bool) -> str:
    if row.key in RATIOS:
        return "points" if change else "pct"
    if row.key in COUNTS:
        return "count"
    return "change" if change else "money"


def trend_table(unit: str, rows: Sequence[TrendRow]) -> Table:
    out = Table(title=f"{unit}历年数据", caption=MONEY_NOTE + "；增减率 = 增减额 ÷ 上年数",
                title_justify="left", caption_justify="left")  # fmt: skip
    for header in ("项目", "年度", "文件", "数值", "比上年增减", "增减率"):
        out.add_column(header, justify="left" if header in ("项目", "文件") else "right")
    previous = None
    for row in rows:
        value_kind = _trend_kind(row, change=False)
        change_kind = "count" if value_kind == "count" else _trend_kind(row, change=True)
        change = row.change
        shown_change = cell(change, change_kind)
        if value_kind == "count" and change is not None:
            shown_change = f"{int(change):+,}"
        out.add_row(
            row.label if row.key != previous else "", _year(row), f"#{row.ref.disclosure_id}",
            cell(row.value, value_kind), shown_change, cell(row.rate, "pct"),
        )  # fmt: skip
        previous = row.key
    return out


def code_trend_table(unit: str, rows: Sequence[CodeTrendRow]) -> Table:
    out = Table(title=f"{unit}按功能分类科目的历年支出", title_justify="left",
                caption=MONEY_NOTE + "；科目编码按最新年度目录对应（yusuan codemap）",
                caption_justify="left")  # fmt: skip
    for header in ("科目编码", "名称", "年度", "原编码", "金额", "比上年增减", "增减率"):
        out.add_column(header, justify="left" if header in ("科目编码", "名称", "原编码")
                       else "right")  # fmt: skip
    previous = None
    for row in rows:
        same = row.code == previous
        printed = row.printed_code if row.printed_code != row.code else ""
        out.add_row(
            "" if same else row.code, "" if same else row.name, _year(row), printed,
            cell(row.amount, "money"), cell(row.change, "change"), cell(row.rate, "pct"),
        )  # fmt: skip
        previous = row.code
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def records(rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in flatten(row).items()} for row in rows]


def to_json(rows: Sequence[Any], **meta: Any) -> str:
    body = {**meta, "amount_unit": "元", "rows": records(rows)}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def to_csv(rows: Sequence[Any]) -> str:
    flat = records(rows)
    if not flat:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(flat[0]), lineterminator="\n")
    writer.writeheader()
    for row in flat:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()
