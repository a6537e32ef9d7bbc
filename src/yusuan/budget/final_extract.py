"""Turn a published Shanghai 部门决算 into 决算 data (``yusuan data``): the tables' figures per 项
in 元 (``final_solve`` recovers the 元 behind the 万元 so that rendering the data prints every
figure again), and what the narrative says that no table prints: each 项's 年初预算 and the reason
for its difference, last year's totals with the reasons for the changes, the 三公 counts,
机关运行经费, 政府采购, 绩效 and 国有资产.

Last year's figures are taken from the change the text states against the figure the table prints
(a sentence that misprints this year's total still says by how much it changed). What the document
cannot say is returned in the notes, in Chinese.
"""

from __future__ import annotations

import re
from decimal import Decimal

from yusuan.budget.final_extract_text import Sums, narrative, prior_year
from yusuan.budget.final_model import (
    Adjustment,
    Balances,
    EconomicAmount,
    FinalData,
    FinalLine,
    Income,
    Item,
    Member,
    Split,
    Texts,
    ThreePublic,
    Unit,
)
from yusuan.budget.final_solve import fit
from yusuan.budget.final_tables import DEFAULT_CLASSES, FINAL, summary_classes
from yusuan.budget.model import GlossaryEntry
from yusuan.catalog import function_classes
from yusuan.model import Disclosure, Row, RowKind, Side, Table
from yusuan.money import WAN
from yusuan.names import normalize_name
from yusuan.templates import template_of

_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")
CODED = ("income_summary", "expenditure_summary", "general_expenditure", "fund_expenditure",
         "capital_expenditure")  # fmt: skip


def yuan(value: Decimal | None) -> Decimal | None:
    return None if value is None else value * WAN


def _rows(table: Table | None) -> dict[str, Row]:
    return {r.code: r for r in (table.rows if table is not None else []) if r.code}


def _amount(row: Row | None, key: str) -> Decimal | None:
    return row.amount(key) if row is not None else None


def _rest(whole: Decimal | None, parts: list[Decimal | None]) -> Decimal | None:
    """What a printed total leaves after its printed parts (None when nothing is left of a total
    that is all parts)."""
    if whole is None:
        return None
    rest = whole - sum((p for p in parts if p is not None), Decimal(0))
    return None if rest == 0 and any(p is not None for p in parts) else rest


def _lines(d: Disclosure) -> list[FinalLine]:
    tables = {key: _rows(d.table(key)) for key in CODED}
    codes = sorted({c for rows in tables.values() for c in rows})
    leaves = [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]
    t2, t3 = tables["income_summary"], tables["expenditure_summary"]
    t5, t8, t9 = (tables[k] for k in ("general_expenditure", "fund_expenditure",
                                      "capital_expenditure"))  # fmt: skip
    lines = []
    for code in leaves:
        row = next(rows[code] for rows in tables.values() if code in rows)
        f8, f9, r2, r3, r5 = t8.get(code), t9.get(code), t2.get(code), t3.get(code), t5.get(code)
        fund, capital = _amount(f8, "income"), _amount(f9, "income")
        general = Split(basic=_amount(r5, "basic"), project=_amount(r5, "project"))
        funds = Split(basic=_amount(f8, "basic"), project=_amount(f8, "project"))
        capitals = Split(basic=_amount(f9, "basic"), project=_amount(f9, "project"))
        other = Split(**{
            key: _rest(_amount(r3, key), [getattr(s, key) for s in (general, funds, capitals)])
            for key in ("basic", "project")
        })  # fmt: skip
        income = Income(
            general=_rest(_amount(r2, "fiscal"), [fund, capital]), fund=fund, capital=capital,
            **{k: _amount(r2, k) for k in ("superior", "business", "operating", "affiliated",
                                           "other")},
        )  # fmt: skip
        line = FinalLine(
            code=code, name=row.label, income=income, general=general, fund=funds,
            capital=capitals, other=other, to_superior=_amount(r3, "to_superior"),
            operating=_amount(r3, "operating"), to_affiliated=_amount(r3, "to_affiliated"),
            fund_start=_amount(f8, "carryover_start"),
            capital_start=_amount(f9, "carryover_start"),
        )  # fmt: skip
        lines.append(_in_yuan(line))
    return lines


def _in_yuan(line: FinalLine) -> FinalLine:
    for owner in (line.income, line.general, line.fund, line.capital, line.other, line):
        for name in type(owner).model_fields:
            value = getattr(owner, name)
            if isinstance(value, Decimal):
                setattr(owner, name, yuan(value))
    return line


def _labelled(table: Table | None, label: str, side: Side, column: str) -> Decimal | None:
    for row in table.rows if table is not None else []:
        if row.side == side and "".join(row.label.split()).startswith(label):
            return row.amount(column)
    return None


def _balances(d: Disclosure) -> Balances:
    t1, t4 = d.table("budget_summary"), d.table("fiscal_summary")
    start = _labelled(t1, "年初结转和结余", Side.INCOME, "amount")
    fiscal_start = _labelled(t4, "年初财政拨款结转和结余", Side.INCOME, "amount")
    general = None
    rows = [r for r in (t4.rows if t4 is not None else []) if r.side == Side.INCOME]
    for index, row in enumerate(rows):
        if row.label.startswith("年初财政拨款结转和结余") and index + 1 < len(rows):
            general = rows[index + 1].amount("amount")
    other = None if start is None else start - (fiscal_start or Decimal(0))
    return Balances(
        general_start=yuan(general), other_start=yuan(other) if other else None,
        use_of_balance=yuan(_labelled(t1, "使用非财政拨款结余", Side.INCOME, "amount")),
        distribution=yuan(_labelled(t1, "结余分配", Side.EXPENDITURE, "total")),
    )  # fmt: skip


def _economic(d: Disclosure) -> list[EconomicAmount]:
    table = d.table("basic_by_economic")
    rows = table.rows if table is not None else []
    return sorted(
        (EconomicAmount(code=r.code, name=r.label, amount=yuan(r.amount("amount")))
         for r in rows if r.kind == RowKind.ITEM and r.code and len(r.code) == 5
         and r.amount("amount") is not None),
        key=lambda item: item.code,
    )  # fmt: skip


def _three_public(d: Disclosure) -> ThreePublic:
    table = d.table("three_public")
    row = table.rows[0] if table is not None and table.rows else None
    items: dict[str, Item] = {}
    for suffix, kind in (("_budget", "budget"), ("", "final")):
        values = {k: _amount(row, k + suffix) for k in ("abroad", "car_purchase", "car_operation",
                                                        "reception", "car_total")}  # fmt: skip
        if values["car_purchase"] is None and values["car_operation"] is None:
            values["car_operation"] = values["car_total"]  # a 小计 printed without its parts
        for key in ("abroad", "car_purchase", "car_operation", "reception"):
            items.setdefault(key, Item())
            setattr(items[key], kind, yuan(values[key]))
    return ThreePublic(**items)


def _classes(d: Disclosure, year: int) -> list[str] | None:
    """The 类 收入支出决算总表 lists, by code (None: the year's standard list)."""
    t1 = d.table("budget_summary")
    names = {normalize_name(c.name): c.code for c in function_classes() if c.valid_in(year)}
    for table in (d.table(k) for k in CODED):
        for row in table.rows if table is not None else []:
            if row.code and len(row.code) == 3:
                names[normalize_name(row.label)] = row.code
    listed = []
    for row in t1.rows if t1 is not None else []:
        if row.side == Side.EXPENDITURE and _NUMBERED.match(row.label):
            code = names.get(normalize_name(_NUMBERED.sub("", row.label)))
            if code is not None:
                listed.append(code)
    return None if not listed or listed == list(DEFAULT_CLASSES) else listed


def _members(d: Disclosure) -> tuple[str, list[Member]]:
    """The 单位构成 text before its table, and each unit with its 备注."""
    text = d.organization
    at = text.find("序号")
    intro = (text[:at] if at >= 0 else text).strip()
    if at < 0:
        return intro, [Member(name=u) for u in d.meta.units]
    listing = "".join(text[at:].split())
    members = []
    for i, name in enumerate(d.meta.units, start=1):
        compact = "".join(name.split())
        start = listing.find(compact)
        if start < 0:
            members.append(Member(name=name))
            continue
        end = len(listing)
        if i < len(d.meta.units):
            following = listing.find(f"{i + 1}{''.join(d.meta.units[i].split())}", start)
            end = following if following >= 0 else end
        members.append(Member(name=name, note=listing[start + len(compact) : end]))
    return intro, members


def _adjusted(a: Adjustment) -> str:
    spec = FINAL.spec_for(a.table)
    assert spec is not None
    column = next((c.header for g in spec.groups for c in g.columns if c.key == a.column), "")
    word = "多" if a.amount > 0 else "少"
    return (f"表{spec.number}{spec.name}“{a.row}”（{column}）比其明细之和四舍五入{word}"
            f"{abs(a.amount)}万元，已作为尾差调整保留，生成时照原文打印")  # fmt: skip


def to_final_data(d: Disclosure) -> tuple[FinalData, list[str]]:
    """决算 data that re-creates the document ``d``, and notes on what had to be assumed."""
    template_of(d).require("data", d.meta.source_file)
    notes: list[str] = []
    year = d.meta.year or 2024
    intro, members = _members(d)
    tables = list(d.tables.values())
    data = FinalData(
        unit=Unit(name=d.meta.unit_name, year=year,
                  scope="部门" if d.meta.scope == "部门" else "单位"),
        texts=Texts(duties=d.duties, organization=intro),
        members=members,
        code_names={r.code: r.label for t in tables for r in t.rows
                    if r.code and len(r.code) in (3, 5) and t.key in CODED},
        classes=_classes(d, year),
        functions=_lines(d),
        balances=_balances(d),
        economic=_economic(d),
        three_public=_three_public(d),
        glossary=[GlossaryEntry(term=g.term, definition=g.definition) for g in d.glossary],
    )  # fmt: skip
    summary_classes(data)  # every 类 has its name
    sums: Sums = []
    narrative(d, data, sums, notes)
    solution = fit(d, data, sums)
    if not solution.exact:
        notes.append("文件中的表格数字相互不一致（超出尾差），已按各表明细数提取，合计将重新计算")
    data.adjustments = solution.adjustments
    notes += [_adjusted(a) for a in solution.adjustments]
    prior_year(d, data, notes)
    return data, notes


__all__ = ["to_final_data"]
