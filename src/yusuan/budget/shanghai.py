"""Derive a Shanghai disclosure (9 tables, amounts in 元) from budget data.

The Shanghai tables print 元 to the fen, so every printed figure is the exact sum of the data; only
the 三公/机关运行经费 table and the text print 万元 (rounded half up, each figure on its own). A
blank stays blank: a figure is printed only where the data gives an amount (0 included).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from yusuan.budget.amounts import add, wan_zero
from yusuan.budget.defaults import SHANGHAI_GLOSSARY
from yusuan.budget.model import BudgetData, EconomicItem, FiscalSources, FunctionLine, Sources
from yusuan.budget.shanghai_checks import FISCAL, NON_FISCAL, SOURCES, basic_spending, problems
from yusuan.budget.tables import (
    DataError,
    TableMaker,
    _all_codes,
    _code_name,
    _kind,
    _lines_under,
)
from yusuan.model import Disclosure, GlossaryEntry, Meta, RowKind, Side, Source
from yusuan.numerals import cn_numeral
from yusuan.templates import SHANGHAI

Values = dict[str, Decimal | None]
ALL = SOURCES
# Income lines of 财务收支预算总表: (label, sources summed).
INCOME_LINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("一、财政拨款收入", FISCAL),
    ("1、一般公共预算资金", ("general",)),
    ("2、政府性基金", ("fund",)),
    ("3、国有资本经营预算", ("capital",)),
    ("二、事业收入", ("business",)),
    ("三、事业单位经营收入", ("operating",)),
    ("四、其他收入", ("other",)),
)
FISCAL_INCOME = (("一、一般公共预算资金", "general"), ("二、政府性基金", "fund"),
                 ("三、国有资本经营预算", "capital"))  # fmt: skip


def _yuan_cell(yuan: Decimal | None) -> tuple[str, Decimal | None]:
    if yuan is None:
        return "", None
    amount = yuan.quantize(Decimal("0.01"))
    return f"{amount:,.2f}", amount


def _wan_cell(yuan: Decimal | None) -> tuple[str, Decimal | None]:
    amount = wan_zero(yuan)
    return (f"{amount:.2f}" if amount is not None else ""), amount


def _of(sources: Sources, keys: Iterable[str]) -> Decimal | None:
    return add(getattr(sources, k) for k in keys)


basic = basic_spending  # (the name the table makers use)


def project(line: FunctionLine, keys: Iterable[str] = ALL) -> Decimal | None:
    return _of(line.project, keys)


def spent(line: FunctionLine, keys: Iterable[str] = ALL) -> Decimal | None:
    keys = tuple(keys)
    return add((basic(line, keys), project(line, keys)))


def _split(keys: tuple[str, ...]) -> Callable[[FunctionLine], Values]:
    def pick(line: FunctionLine) -> Values:
        return {"total": spent(line, keys), "basic": basic(line, keys),
                "project": project(line, keys)}  # fmt: skip

    return pick


def _income(line: FunctionLine) -> Values:
    values: Values = {"total": spent(line), "fiscal": spent(line, FISCAL)}
    for key in NON_FISCAL:
        values[key] = spent(line, (key,))
    return values


def _sums(lines: list[FunctionLine], pick: Callable[[FunctionLine], Values]) -> Values:
    result: dict[str, list[Decimal | None]] = {}
    for line in lines:
        for key, value in pick(line).items():
            result.setdefault(key, []).append(value)
    return {key: add(values) for key, values in result.items()}


def _coded(m: TableMaker, data: BudgetData, lines: list[FunctionLine],
           pick: Callable[[FunctionLine], Values]) -> None:  # fmt: skip
    """Every 类/款/项 code with the sums of the lines under it, then 合计 (printed last)."""
    for code in _all_codes(lines):
        m.row(_code_name(data, code), _sums(_lines_under(lines, code), pick), code=code,
              kind=_kind(code))  # fmt: skip
    m.row("合计", _sums(lines, pick), kind=RowKind.TOTAL)


def _with(lines: list[FunctionLine], keys: tuple[str, ...]) -> list[FunctionLine]:
    return [line for line in lines if spent(line, keys) is not None]


def _classes(data: BudgetData, lines: list[FunctionLine]) -> list[tuple[str, list[FunctionLine]]]:
    codes = sorted({line.code[:3] for line in lines})
    return [(_code_name(data, c), [x for x in lines if x.code.startswith(c)]) for c in codes]


def _class_values(chosen: list[FunctionLine]) -> Values:
    total_basic = add(basic(x) for x in chosen)
    public = add(x.public for x in chosen)
    personnel = None
    if total_basic is not None and total_basic != (public or 0):
        personnel = total_basic - (public or Decimal(0))
    return {"total": add(spent(x) for x in chosen), "personnel": personnel, "public": public,
            "project": add(project(x) for x in chosen)}  # fmt: skip


def _budget_summary(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    for i, (label, keys) in enumerate(INCOME_LINES):
        amount = add(spent(x, keys) for x in lines)  # (a zero income line prints blank)
        m.row(label, {"amount": amount or None}, side=Side.INCOME, position=i)
    classes = _classes(data, lines)
    for i, (name, chosen) in enumerate(classes):
        m.row(f"{cn_numeral(i + 1)}、{name}", _class_values(chosen), side=Side.EXPENDITURE,
              position=i)  # fmt: skip
    end = max(len(INCOME_LINES), len(classes))
    m.row("收入总计", {"amount": add(spent(x) for x in lines)}, kind=RowKind.TOTAL,
          side=Side.INCOME, position=end)  # fmt: skip
    m.row("支出总计", _class_values(lines), kind=RowKind.TOTAL, side=Side.EXPENDITURE,
          position=end)  # fmt: skip


def _fiscal_values(chosen: list[FunctionLine]) -> Values:
    values: Values = {"total": add(spent(x, FISCAL) for x in chosen)}
    for key in FISCAL:
        values[key] = add(spent(x, (key,)) for x in chosen)
    return values


def _fiscal_summary(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    for i, (label, key) in enumerate(FISCAL_INCOME):
        m.row(label, {"amount": add(spent(x, (key,)) for x in lines)}, side=Side.INCOME,
              position=i)  # fmt: skip
    classes = _classes(data, _with(lines, FISCAL))
    for i, (name, chosen) in enumerate(classes):
        m.row(f"{cn_numeral(i + 1)}、{name}", _fiscal_values(chosen), side=Side.EXPENDITURE,
              position=i)  # fmt: skip
    end = max(len(FISCAL_INCOME), len(classes))
    m.row("收入总计", {"amount": add(spent(x, FISCAL) for x in lines)}, kind=RowKind.TOTAL,
          side=Side.INCOME, position=end)  # fmt: skip
    m.row("支出总计", _fiscal_values(lines), kind=RowKind.TOTAL, side=Side.EXPENDITURE,
          position=end)  # fmt: skip


def _economic(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    items = data.economic

    def values(chosen: list[EconomicItem]) -> Values:
        personnel = add(i.personnel for i in chosen)
        public = add(i.public for i in chosen)
        return {"total": add((personnel, public)), "personnel": personnel, "public": public}

    groups = list(dict.fromkeys((i.code or "")[:3] + "\t" + i.group for i in items))
    for key in sorted(groups, key=lambda g: (g.split("\t")[0] or "999", groups.index(g))):
        code, group = key.split("\t")
        members = [i for i in items if (i.code or "")[:3] == code and i.group == group]
        m.row(group, values(list(members)), code=code or None, kind=RowKind.GROUP)
        for item in sorted(members, key=lambda i: i.code or ""):
            m.row(item.name, values([item]), code=item.code, kind=RowKind.ITEM)
    m.row("合计", values(list(items)), kind=RowKind.TOTAL)


def _fiscal_total(sources: Iterable[FiscalSources]) -> Decimal | None:
    return add(add((s.general, s.fund, s.capital)) for s in sources)


def _three_public(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    t = data.three_public
    car = _fiscal_total([t.car_purchase, t.car_operation])
    values: Values = {
        "total": add((_fiscal_total([t.abroad]), _fiscal_total([t.reception]), car)),
        "abroad": _fiscal_total([t.abroad]),
        "reception": _fiscal_total([t.reception]),
        "car_total": car,
        "car_purchase": _fiscal_total([t.car_purchase]),
        "car_operation": _fiscal_total([t.car_operation]),
        "operating": _fiscal_total(c.amounts for c in data.operating_costs),
    }
    m.row("合计", values, kind=RowKind.TOTAL)


Maker = Callable[[TableMaker, BudgetData, list[FunctionLine]], None]


def _by_source(source: str) -> Maker:
    """A 功能分类 table of one fiscal source (一般公共预算, 政府性基金, 国有资本经营预算)."""

    def make(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
        _coded(m, data, _with(lines, (source,)), _split((source,)))

    return make


MAKERS: dict[str, Maker] = {
    "budget_summary": _budget_summary,
    "income_summary": lambda m, d, lines: _coded(m, d, lines, _income),
    "expenditure_summary": lambda m, d, lines: _coded(m, d, lines, _split(ALL)),
    "fiscal_summary": _fiscal_summary,
    "general_expenditure": _by_source("general"),
    "fund_expenditure": _by_source("fund"),
    "capital_expenditure": _by_source("capital"),
    "basic_by_economic": _economic,
    "three_public": _three_public,
}

# What a 部门 document leaves out: its 财务收支预算总表 prints 预算数 only.
DEPARTMENT_SKIPS = {"budget_summary": frozenset({"personnel", "public", "project"})}


def _title_prefix(key: str, department: bool) -> str:
    """Titles name whose budget it is: 部门, or 预算单位 (单位 for the 三公 table)."""
    if department:
        return "部门"
    return "单位" if key == "three_public" else "预算单位"


def build_shanghai(data: BudgetData, source_file: str = "") -> Disclosure:
    """The Shanghai disclosure of the budget data: 9 tables, the notes, the glossary."""
    from yusuan.budget.shanghai_text import write_notes

    found = problems(data)
    if found:
        raise DataError("预算数据不符合上海模板：" + "；".join(found[:10]))
    source = Source(source_file or "<budget data>")
    unit = data.unit
    d = Disclosure(
        meta=Meta(unit_name=unit.name, year=unit.year, scope=unit.scope, units=list(unit.units),
                  amount_unit=SHANGHAI.amount_unit, source_file=source_file, profile=SHANGHAI.key,
                  extraction="data"),
        duties=data.texts.duties,
        organization=data.texts.organization,
    )  # fmt: skip
    lines = [line for line in data.functions if spent(line) is not None]
    department = unit.scope == "部门"
    for spec in SHANGHAI.tables:
        skip = DEPARTMENT_SKIPS.get(spec.key, frozenset()) if department else frozenset()
        maker = TableMaker(spec.key, source, unit.year, SHANGHAI, skip)
        three_public = spec.key == "three_public"
        maker.format = _wan_cell if three_public else _yuan_cell
        MAKERS[spec.key](maker, data, lines)
        table = maker.table
        table.title = f"{unit.year}年{_title_prefix(spec.key, department)}{spec.name}"
        table.unit_name = unit.name
        table.amount_unit = "万元" if three_public else SHANGHAI.amount_unit
        table.no_data = not any(c.amount for r in table.rows for c in r.cells.values())
        d.tables[spec.number] = table
    glossary = [(g.term, g.definition) for g in data.glossary] or list(SHANGHAI_GLOSSARY)
    d.glossary = [GlossaryEntry(term, definition) for term, definition in glossary]
    write_notes(d, data)
    return d
