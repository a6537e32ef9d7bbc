"""Mistakes injected into synthetic disclosures, each with the check rules that should find it.

Every kind mirrors a mistake seen in published documents: a table figure edited by hand so a total
no longer adds up, a Part 3 amount, share or rate that does not match, a 比上年 claim that
contradicts itself, a missing table, a wrong 科目 name, a project without its performance table,
本表无数据 on a table that has figures, an item in the wrong column of table 6, performance-table
funds that differ from table 12, a sentence missing its number. They are injected into the built
``Disclosure`` (its cells, section texts, tables) before rendering, so the written file carries
them exactly as a reader would meet them.

``cross_year`` is different: the document is consistent in itself but its 比上年 figures disagree
with the same unit's document of the year before. It is injected into the budget data (last year's
figure) and only a store holding both years can find it (rule ``XYEAR-CHANGE``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from yusuan.budget.amounts import wan
from yusuan.budget.model import BudgetData
from yusuan.catalog import function_codes
from yusuan.model import Cell, Disclosure, Row, RowKind, Section, Table
from yusuan.numerals import cn_numeral
from yusuan.templates import SHANXI
from yusuan.templates.shanxi import CLASS_CODES

CENT = Decimal("0.01")
CROSS_YEAR = "cross_year"
CROSS_YEAR_RULE = "XYEAR-CHANGE"


@dataclass(frozen=True, slots=True)
class Defect:
    kind: str
    rules: tuple[str, ...]  # rule ids that should report it (each with an error)
    location: str  # table/row/column or section, in Chinese
    description: str  # what was changed, in Chinese


Injector = Callable[[Disclosure, random.Random], Defect | None]


def _changed(rng: random.Random, value: Decimal) -> Decimal:
    """A different amount (万元): off by 5–30 %, at least 1.00, never below 0.01."""
    delta = max(Decimal(1), (value * rng.randint(5, 30) / 100).quantize(CENT))
    if value - delta >= CENT and rng.random() < 0.5:
        return value - delta
    return value + delta


def _header(table: Table, row: Row, key: str) -> str:
    column = table.column(key, row.side)
    return column.header if column is not None else key


def _row_name(row: Row) -> str:
    return f"{row.code} {row.label}" if row.code else row.label


# --- tables -----------------------------------------------------------------------------------

_CELL_TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "income_summary": (("general", "fund", "capital", "special", "unit"), "ARITH-CODE"),
    "expenditure_summary": (("basic", "project"), "ARITH-CODE"),
    "general_expenditure": (("basic", "project"), "ARITH-CODE"),
    "basic_by_economic": (("personnel", "public"), "ARITH-ECON"),
    "projects_current": (("general", "fund", "capital", "special", "unit"), "ARITH-SUBTOTAL"),
}
_ITEM_TABLES = ("expenditure_summary", "general_expenditure")  # 项 named by code
_CLASS_TABLES = ("income_summary", *_ITEM_TABLES)


def table_cell(d: Disclosure, rng: random.Random) -> Defect | None:
    """One figure of a detail row changed: the row's total and its parent no longer add up."""
    choices: list[tuple[Table, Row, str, str]] = []
    for key_of_table, (keys, rule) in _CELL_TABLES.items():
        table = d.table(key_of_table)
        if table is None:
            continue
        for row in table.rows:
            detail = bool(row.code and len(row.code) == 7)
            detail = detail or row.kind in (RowKind.ITEM, RowKind.PROJECT)
            if not detail or (table.key == "basic_by_economic" and row.kind != RowKind.ITEM):
                continue
            for key in keys:
                cell = row.cells.get(key)
                if cell is not None and cell.amount:
                    choices.append((table, row, key, rule))
    if not choices:
        return None
    table, row, key, rule = rng.choice(choices)
    cell = row.cells[key]
    old = cell.amount
    assert old is not None
    new = _changed(rng, old)
    row.cells[key] = Cell(f"{new:.2f}", new, cell.source)
    where = f"表{table.number} {_row_name(row)} / {_header(table, row, key)}"
    return Defect(
        "table_cell",
        ("ARITH-ROW", rule),
        where,
        f"{where}由{old:.2f}改为{new:.2f}，该行合计及上级合计不再相符",
    )


def table_missing(d: Disclosure, rng: random.Random) -> Defect | None:
    """A whole table left out of the document."""
    number = rng.choice(sorted(d.tables))
    del d.tables[number]
    name = SHANXI.spec(number).name
    return Defect("table_missing", ("COMP-TABLES",), f"表{number}", f"缺少表{number}“{name}”")


def no_data_note(d: Disclosure, rng: random.Random) -> Defect | None:
    """注：本表无数据 printed under a table that has figures."""
    full = [
        t for n, t in sorted(d.tables.items())
        if not t.no_data and any(c.amount for r in t.rows for c in r.cells.values())
    ]  # fmt: skip
    if not full:
        return None
    table = rng.choice(full)
    table.no_data = True
    return Defect(
        "no_data_note",
        ("COMP-NO-DATA",),
        f"表{table.number}",
        f"表{table.number}“{SHANXI.spec(table.number).name}”列有金额，却注明“本表无数据”",
    )


_ITEM_NAMES = ("行政运行", "一般行政管理事务", "事业运行", "机关服务", "其他支出")


def item_name(d: Disclosure, rng: random.Random) -> Defect | None:
    """A 项 printed under another 项's name in table 3 or 5 (table 2 keeps the right one)."""
    choices = [
        (t, r) for k in _ITEM_TABLES for t in [d.table(k)] if t is not None
        for r in t.rows if r.code and len(r.code) == 7
    ]  # fmt: skip
    if not choices:
        return None
    table, row = rng.choice(choices)
    known = function_codes().get(row.code or "")
    names = [n for n in _ITEM_NAMES if n != row.label and (known is None or n not in known[1])]
    old, row.label = row.label, rng.choice(names)
    return Defect(
        "item_name",
        ("CODE-CATALOG",),
        f"表{table.number} {row.code}",
        f"表{table.number}科目{row.code}名称“{old}”误写为“{row.label}”，与表2不一致",
    )


def class_name(d: Disclosure, rng: random.Random) -> Defect | None:
    """A 类 printed under the name of another 类."""
    choices = [
        (t, r) for k in _CLASS_TABLES for t in [d.table(k)] if t is not None
        for r in t.rows if r.code and len(r.code) == 3
    ]  # fmt: skip
    if not choices:
        return None
    table, row = rng.choice(choices)
    others = [name for code, name in CLASS_CODES if code != row.code and name != row.label]
    old, row.label = row.label, rng.choice(others[:24])
    return Defect(
        "class_name",
        ("CODE-CLASS-NAMES",),
        f"表{table.number} {row.code}",
        f"表{table.number}功能分类“类”{row.code}的名称“{old}”误写为“{row.label}”",
    )


def economic_column(d: Disclosure, rng: random.Random) -> Defect | None:
    """A 工资福利支出 item's money printed in the 公用经费 column of table 6."""
    table = d.table("basic_by_economic")
    if table is None:
        return None
    group = ""
    choices = []
    for row in table.rows:
        if row.kind == RowKind.GROUP:
            group = row.label
        elif row.kind == RowKind.ITEM and group == "工资福利支出" and row.amount("personnel"):
            choices.append(row)
    if not choices:
        return None
    row = rng.choice(choices)
    personnel = row.cells["personnel"]
    row.cells["public"] = Cell(personnel.text, personnel.amount, personnel.source)
    row.cells["personnel"] = Cell("", None, personnel.source)
    return Defect(
        "economic_column",
        ("CODE-ECONOMIC",),
        f"表6 {row.label} / 公用经费",
        f"表6“{row.label}”（工资福利支出）的{personnel.text}万元列入了公用经费栏",
    )


def performance_missing(d: Disclosure, rng: random.Random) -> Defect | None:
    """A project of table 12 published without its performance-goal table."""
    projects = [t for t in d.performance_tables if not t.whole_unit]
    if not projects:
        return None
    gone = rng.choice(projects)
    d.performance_tables.remove(gone)
    return Defect(
        "performance_missing",
        ("COMP-PERF-TABLES",),
        f"附件 绩效目标表“{gone.project}”",
        f"表12项目“{gone.project}”缺少项目支出绩效目标表",
    )


def performance_funds(d: Disclosure, rng: random.Random) -> Defect | None:
    """A performance table's 年度资金总额 that is not table 12's amount of the project."""
    projects = [t for t in d.performance_tables if not t.whole_unit]
    funded = [t for t in projects if t.annual_funds.total and t.annual_funds.total.amount]
    if not funded:
        return None
    table = rng.choice(funded)
    cell = table.annual_funds.total
    assert cell is not None and cell.amount is not None
    delta = max(
        Decimal(1000), (cell.amount * rng.randint(5, 20) / 10000).quantize(Decimal(1)) * 100
    )
    new = cell.amount + delta if rng.random() < 0.5 or cell.amount <= delta else cell.amount - delta
    table.annual_funds.total = Cell(f"{new:,.0f}", new, cell.source)
    return Defect(
        "performance_funds",
        ("PERF-FUNDS-T12",),
        f"附件 绩效目标表“{table.project}” 年度资金总额",
        f"绩效目标表“{table.project}”年度资金总额由{cell.text}元改为{new:,.0f}元，与表12不符",
    )


# --- Part 3 -----------------------------------------------------------------------------------


def _sections(d: Disclosure) -> Iterator[tuple[int, Section]]:
    """Part 3 sections and their sub-sections, with the number of the top section."""
    for number, section in enumerate(d.sections, start=1):
        yield number, section
        for sub in section.subsections:
            yield number, sub


def _where(d: Disclosure, number: int) -> str:
    section = d.sections[number - 1]
    return f"第三部分 {cn_numeral(number)}、{section.title}"


_MONEY = r"(\d[\d,]*\.\d{2})"
# (section, phrase before the amount, rule that compares it): amounts stated in Part 3.
_AMOUNTS = (
    (1, "预算收入总计", "NARR-TOTALS"),
    (3, "基本支出", "NARR-TOTALS"),
    (3, "项目支出", "NARR-TOTALS"),
    (4, "财政拨款收支总预算", "NARR-TOTALS"),
    (6, "人员经费", "NARR-BASIC"),
    (6, "公用经费", "NARR-BASIC"),
    (7, "“三公”经费预算", "NARR-THREE-PUBLIC"),
    (8, "机关运行经费财政拨款预算", "NARR-OPERATING"),
    (9, "政府采购预算总额", "NARR-PROCUREMENT"),
    (10, "共计金额", "NARR-PERFORMANCE"),
)


def _replace(
    d: Disclosure, number: int, pattern: str, edit: Callable[[re.Match[str]], str | None]
) -> tuple[str, str] | None:
    """Apply ``edit`` to the first match of ``pattern`` in section ``number``; returns the old and
    new text of the match, or ``None`` when there is no match or ``edit`` declines."""
    compiled = re.compile(pattern)
    for top, section in _sections(d):
        if top != number:
            continue
        found = compiled.search(section.text)
        if found is None:
            continue
        new = edit(found)
        if new is None:
            return None
        section.text = section.text[: found.start()] + new + section.text[found.end() :]
        return found.group(0), new
    return None


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def narrative_amount(d: Disclosure, rng: random.Random) -> Defect | None:
    """An amount in Part 3 that is not the table's figure."""
    for number, phrase, rule in rng.sample(_AMOUNTS, len(_AMOUNTS)):
        if number > len(d.sections):
            continue

        def edit(found: re.Match[str], phrase: str = phrase) -> str:
            old = Decimal(found.group(1).replace(",", ""))
            return f"{phrase}{_money(_changed(rng, old))}万元"

        done = _replace(d, number, re.escape(phrase) + _MONEY + "万元", edit)
        if done is not None:
            return Defect(
                "narrative_amount",
                (rule,),
                _where(d, number),
                f"{_where(d, number)}“{done[0]}”误写为“{done[1]}”",
            )
    return None


def narrative_share(d: Disclosure, rng: random.Random) -> Defect | None:
    """A share (占X%) in sections 二, 三 or 五 that does not follow from the amounts."""
    for number in rng.sample((2, 3, 5), 3):
        if number > len(d.sections):
            continue

        def edit(found: re.Match[str]) -> str:
            old = Decimal(found.group(1))
            step = Decimal(rng.randint(150, 1000)) / 100
            new = old - step if old - step > 0 else old + step
            return f"占{new:.2f}%"

        done = _replace(d, number, r"占(\d+\.\d{2})%", edit)
        if done is not None:
            return Defect(
                "narrative_share",
                ("NARR-SHARES",),
                _where(d, number),
                f"{_where(d, number)}占比“{done[0]}”误写为“{done[1]}”",
            )
    return None


_CHANGE = r"比上年(增加|减少)" + _MONEY + r"万元，(增长|下降)(\d+\.\d{2})%"


def change_rate(d: Disclosure, rng: random.Random) -> Defect | None:
    """A 比上年 rate that does not follow from the change and the current figure."""
    for number in rng.sample((1, 5), 2):

        def edit(found: re.Match[str]) -> str:
            old = Decimal(found.group(4))
            step = Decimal(rng.randint(200, 1000)) / 100
            new = old - step if old - step > 0 else old + step
            return f"比上年{found.group(1)}{found.group(2)}万元，{found.group(3)}{new:.2f}%"

        done = _replace(d, number, _CHANGE, edit)
        if done is not None:
            return Defect(
                "change_rate",
                ("NARR-CHANGE",),
                _where(d, number),
                f"{_where(d, number)}“{done[0]}”误写为“{done[1]}”，增减率与增减额不符",
            )
    return None


def change_direction(d: Disclosure, rng: random.Random) -> Defect | None:
    """比上年增加…却写“下降”: the change and its rate point in opposite directions."""
    for number in rng.sample((1, 5), 2):

        def edit(found: re.Match[str]) -> str:
            flipped = "下降" if found.group(3) == "增长" else "增长"
            return f"比上年{found.group(1)}{found.group(2)}万元，{flipped}{found.group(4)}%"

        done = _replace(d, number, _CHANGE, edit)
        if done is not None:
            return Defect(
                "change_direction",
                ("NARR-CHANGE",),
                _where(d, number),
                f"{_where(d, number)}“{done[0]}”误写为“{done[1]}”，增减方向前后矛盾",
            )
    return None


_HOLES = ((1, "预算收入总计"), (3, "支出预算"), (4, "财政拨款收支总预算"))


def narrative_hole(d: Disclosure, rng: random.Random) -> Defect | None:
    """A fixed sentence whose amount was left blank: “支出预算万元”."""
    for number, phrase in rng.sample(_HOLES, len(_HOLES)):
        if number > len(d.sections):
            continue
        blank = f"{phrase}万元"

        def edit(found: re.Match[str], blank: str = blank) -> str:
            return blank

        done = _replace(d, number, re.escape(phrase) + _MONEY + "万元", edit)
        if done is not None:
            return Defect(
                "narrative_hole",
                ("NARR-HOLES",),
                _where(d, number),
                f"{_where(d, number)}“{done[0]}”漏填金额，写作“{done[1]}”",
            )
    return None


INJECTORS: dict[str, Injector] = {
    "table_cell": table_cell,
    "table_missing": table_missing,
    "no_data_note": no_data_note,
    "item_name": item_name,
    "class_name": class_name,
    "economic_column": economic_column,
    "performance_missing": performance_missing,
    "performance_funds": performance_funds,
    "narrative_amount": narrative_amount,
    "narrative_share": narrative_share,
    "change_rate": change_rate,
    "change_direction": change_direction,
    "narrative_hole": narrative_hole,
}
KINDS = (*INJECTORS, CROSS_YEAR)
KIND_LABELS = {
    "table_cell": "表内数字被改动，行合计或上级科目不再相符",
    "table_missing": "缺少一张预算公开表",
    "no_data_note": "有数据的表注明“本表无数据”",
    "item_name": "“项”级科目名称写错（与表2不一致）",
    "class_name": "“类”级科目名称写错",
    "economic_column": "表6工资福利支出列入公用经费栏",
    "performance_missing": "项目缺少绩效目标表",
    "performance_funds": "绩效目标表年度资金与表12不符",
    "narrative_amount": "情况说明中的金额与表格不符",
    "narrative_share": "情况说明中的占比与金额不符",
    "change_rate": "比上年增减率与增减额不符",
    "change_direction": "比上年增加却写下降（或相反）",
    "narrative_hole": "情况说明语句漏填金额",
    CROSS_YEAR: "比上年数与同一单位上年公开文件不符（需入库后跨年度核对）",
}


def inject(
    d: Disclosure, rng: random.Random, kinds: tuple[str, ...] = tuple(INJECTORS)
) -> Defect | None:
    """Inject one defect of a kind drawn from ``kinds`` (another when the drawn one does not apply
    to this document); ``None`` when none applies."""
    for kind in rng.sample(kinds, len(kinds)):
        injector = INJECTORS.get(kind)
        if injector is None:
            continue
        defect = injector(d, rng)
        if defect is not None:
            return defect
    return None


# --- across years -----------------------------------------------------------------------------


def cross_year(data: BudgetData, rng: random.Random) -> tuple[BudgetData, Defect] | None:
    """Last year's figure stated in the 比上年 sentences made to differ from what last year's
    document published (the document stays consistent in itself)."""
    prior = data.prior_year
    choices = [("total", "预算收入总计", "一、")]
    if data.unit.operating_costs_apply and prior.operating_costs.prior:
        choices.append(("operating_costs", "机关运行经费", "八、"))
    field, what, section = rng.choice(choices)
    change = getattr(prior, field)
    if not change.prior:
        return None
    old = change.prior
    delta = max(Decimal(20000), (old * rng.randint(3, 15) / 100).quantize(Decimal(100)))
    new = old + delta if rng.random() < 0.5 or old <= delta else old - delta
    changed = prior.model_copy(update={field: change.model_copy(update={"prior": new})})
    year = data.unit.year
    return data.model_copy(update={"prior_year": changed}), Defect(
        CROSS_YEAR,
        (CROSS_YEAR_RULE,),
        f"第三部分 {section}{what}（比上年）",
        f"“比上年”按上年{what}{wan(new)}万元计算，{year - 1}年公开的为{wan(old)}万元",
    )
