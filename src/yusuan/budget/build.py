"""Derive the whole disclosure from budget data: the 13 tables, Part 3, performance tables.

Sums are taken in 元 and every printed figure is rounded to 万元 (two decimals, half up) on its
own, as budget systems do, so a generated document shows the same 尾差 a real one would and
passes the checks of ``yusuan.checks``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from yusuan.budget.amounts import CENT, WAN, ZERO, wan
from yusuan.budget.defaults import GLOSSARY
from yusuan.budget.model import BudgetData, FiscalSources, FunctionLine, Project, Sources
from yusuan.catalog import function_codes
from yusuan.model import (
    Annex,
    Cell,
    Column,
    Disclosure,
    GlossaryEntry,
    Meta,
    Row,
    RowKind,
    Side,
    Source,
    Staffing,
    Table,
)
from yusuan.templates import SHANXI, get_template
from yusuan.templates.shanxi import CLASS_CODES, ECONOMIC_GROUPS, NUMBERED_CLASSES
from yusuan.templates.spec import Template

# Printed titles that say more than the table's name.
_TITLE_SUFFIX = {
    key: "（不含上年结转）"
    for key in ("general_expenditure", "basic_by_economic", "fund_income", "fund_expenditure",
                "capital_budget")
}  # fmt: skip
SOURCES = ("general", "fund", "capital", "special", "unit")
INCOME_LABELS = ("一、一般公共预算", "二、政府性基金预算", "三、国有资本经营预算",
                 "四、财政专户管理资金", "五、单位资金")  # fmt: skip
FISCAL_LABELS = INCOME_LABELS[:3]


class DataError(ValueError):
    """Budget data that cannot make a disclosure; the message says which field and why."""


def _total(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


class TableMaker:
    """Builds one model table: rows with cells from exact 元 values."""

    def __init__(
        self,
        key: str,
        source: Source,
        year: int,
        template: Template = SHANXI,
        skip: frozenset[str] = frozenset(),
    ) -> None:
        spec = template.spec_for(key)
        assert spec is not None, key
        title = f"{year}年{spec.name}{_TITLE_SUFFIX.get(key, '') if template is SHANXI else ''}"
        self.table = Table(spec.number, spec.key, title, source=source)
        for group in spec.groups:
            for column in group.columns:
                if column.key in skip and group.side is not None:
                    continue  # a column this document does not print
                header = column.header.replace("{year}", str(year))
                self.table.columns.append(Column(column.key, header, column.numeric, group.side))
        self.source = source
        self.position = 0
        self.format: Callable[[Decimal | None], tuple[str, Decimal | None]] = _wan_cell

    def row(
        self,
        label: str,
        values: dict[str, Decimal | None],
        *,
        code: str | None = None,
        kind: RowKind = RowKind.LINE,
        side: Side | None = None,
        texts: dict[str, str] | None = None,
        position: int | None = None,
    ) -> Row:
        row = Row(label, code, kind, side, source=self.source)
        row.position = self.position if position is None else position
        if position is None:
            self.position += 1
        for column in self.table.columns:
            if column.side not in (None, side):
                continue
            if column.numeric:
                text, amount = self.format(values.get(column.key))
                row.cells[column.key] = Cell(text, amount, self.source)
            else:
                text = (texts or {}).get(column.key, "")
                row.cells[column.key] = Cell(text, None, self.source)
        self.table.rows.append(row)
        return row


def _wan_cell(yuan: Decimal | None) -> tuple[str, Decimal | None]:
    """A 万元 cell: the 元 amount rounded to 0.01 万元; zero prints blank."""
    amount = wan(yuan)
    return (f"{amount:.2f}" if amount is not None else ""), amount


def _code_name(data: BudgetData, code: str) -> str:
    for line in data.functions:
        if line.code == code:
            return line.name
    if code in data.code_names:
        return data.code_names[code]
    known = function_codes().get(code)
    if known is not None:
        return known[0]
    for class_code, name in CLASS_CODES:
        if class_code == code:
            return name
    raise DataError(f"科目{code}缺少名称：请在 code_names 中填写“{code}: 名称”")


def _all_codes(lines: list[FunctionLine]) -> list[str]:
    codes: set[str] = set()
    for line in lines:
        for length in range(3, len(line.code) + 1, 2):
            codes.add(line.code[:length])
    return sorted(codes)


def _lines_under(lines: list[FunctionLine], code: str) -> list[FunctionLine]:
    return [line for line in lines if line.code.startswith(code)]


def _kind(code: str) -> RowKind:
    return {3: RowKind.CLASS, 5: RowKind.SECTION}.get(len(code), RowKind.ITEM)


Picker = Callable[[FunctionLine], dict[str, Decimal | None]]


def _coded_table(
    maker: TableMaker,
    data: BudgetData,
    pick: Picker,
    lines: list[FunctionLine],
    side: Side | None = None,
) -> None:
    """A 类/款/项 table: 合计 then every code, each the exact sum of the lines under it."""

    def sums(chosen: list[FunctionLine]) -> dict[str, Decimal | None]:
        result: dict[str, Decimal | None] = {}
        for line in chosen:
            for key, value in pick(line).items():
                if value is not None:
                    result[key] = (result.get(key) or ZERO) + value
        return result

    maker.row("合计", sums(lines), kind=RowKind.TOTAL, side=side)
    for code in _all_codes(lines):
        maker.row(
            _code_name(data, code),
            sums(_lines_under(lines, code)),
            code=code,
            kind=_kind(code),
            side=side,
        )


def _has(values: Iterable[Decimal | None]) -> bool:
    return any(v for v in values)


def _spent(line: FunctionLine) -> list[Decimal | None]:
    return [
        *line.basic.values(),
        *line.project.values(),
        *line.carryover_basic.values(),
        *line.carryover_project.values(),
    ]


def build(data: BudgetData, source_file: str = "") -> Disclosure:
    """The complete disclosure of the budget data, in the data's template."""
    template = get_template(data.template)
    template.require("render", source_file)
    if template.key == "shanghai":
        from yusuan.budget.shanghai import build_shanghai

        return build_shanghai(data, source_file)
    return _build_shanxi(data, source_file)


def _build_shanxi(data: BudgetData, source_file: str) -> Disclosure:
    from yusuan.budget.narrative import write_part3
    from yusuan.budget.performance import performance_tables

    source = Source(source_file or "<budget data>")
    unit = data.unit
    d = Disclosure(
        meta=Meta(
            unit_name=unit.name,
            year=unit.year,
            scope=unit.scope,
            units=list(unit.units),
            amount_unit="万元",
            source_file=source_file,
            profile=SHANXI.key,
            extraction="data",
        ),
        duties=data.texts.duties,
        organization=data.texts.organization,
        staffing=Staffing(**data.staffing.model_dump()),
    )
    year = unit.year
    lines = [line for line in data.functions if _has(_spent(line))]
    makers = {
        "income_summary": _table2, "expenditure_summary": _table3, "general_expenditure": _table5,
        "fund_income": _table7, "fund_expenditure": _table8, "capital_budget": _table9,
        "budget_summary": _table1, "fiscal_summary": _table4, "basic_by_economic": _table6,
        "three_public": _table10, "operating_costs": _table11, "projects_current": _table12,
        "projects_carryover": _table13,
    }  # fmt: skip
    for spec in SHANXI.tables:
        maker = TableMaker(spec.key, source, year)
        makers[spec.key](maker, data, lines)
        table = maker.table
        table.unit_name, table.amount_unit = unit.name, "万元"
        table.no_data = not any(c.amount for r in table.rows for c in r.cells.values())
        d.tables[spec.number] = table
    d.annexes = [Annex(a.title, a.text) for a in data.annexes]
    glossary = [(g.term, g.definition) for g in data.glossary] or list(GLOSSARY)
    d.glossary = [GlossaryEntry(term, definition) for term, definition in glossary]
    write_part3(d, data)
    d.performance_tables = performance_tables(d, data)
    return d


def _table2(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    def pick(line: FunctionLine) -> dict[str, Decimal | None]:
        values: dict[str, Decimal | None] = {}
        for key in SOURCES:
            parts = [getattr(line.basic, key), getattr(line.project, key)]
            values[key] = _total(parts) if _has(parts) else None
        current = [*line.basic.values(), *line.project.values()]
        values["total"] = _total(current) if _has(current) else None
        carried = [*line.carryover_basic.values(), *line.carryover_project.values()]
        values["carryover"] = _total(carried) if _has(carried) else None
        return values

    _coded_table(m, data, pick, lines)


def _table3(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    def pick(line: FunctionLine) -> dict[str, Decimal | None]:
        basic = [*line.basic.values(), *line.carryover_basic.values()]
        project = [*line.project.values(), *line.carryover_project.values()]
        return {
            "total": _total(basic + project),
            "basic": _total(basic) if _has(basic) else None,
            "project": _total(project) if _has(project) else None,
        }

    _coded_table(m, data, pick, lines)


def _by_source(key: str, lines: list[FunctionLine], carry: bool = False) -> list[FunctionLine]:
    def has(line: FunctionLine) -> bool:
        parts = [getattr(line.basic, key), getattr(line.project, key)]
        if carry:
            parts += [getattr(line.carryover_basic, key), getattr(line.carryover_project, key)]
        return _has(parts)

    return [line for line in lines if has(line)]


def _split(key: str) -> Picker:
    def pick(line: FunctionLine) -> dict[str, Decimal | None]:
        basic, project = getattr(line.basic, key), getattr(line.project, key)
        return {"total": _total([basic, project]), "basic": basic, "project": project}

    return pick


def _table5(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    _coded_table(m, data, _split("general"), _by_source("general", lines))


def _table7(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    def pick(line: FunctionLine) -> dict[str, Decimal | None]:
        return {"amount": _total([line.basic.fund, line.project.fund])}

    _coded_table(m, data, pick, _by_source("fund", lines))


def _table8(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    _coded_table(m, data, _split("fund"), _by_source("fund", lines))


def _table9(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    chosen = _by_source("capital", lines)
    if not chosen:
        m.row("合计", {}, kind=RowKind.TOTAL, side=Side.INCOME)
        return
    # Both halves list the same codes, one printed row each.
    start = m.position
    _coded_table(
        m,
        data,
        lambda line: {"amount": _total([line.basic.capital, line.project.capital])},
        chosen,
        Side.INCOME,
    )
    m.position = start
    _coded_table(m, data, _split("capital"), chosen, Side.EXPENDITURE)


def _classes(lines: list[FunctionLine], pick: Picker) -> dict[str, dict[str, Decimal | None]]:
    result: dict[str, dict[str, Decimal | None]] = {}
    for code, _ in CLASS_CODES:
        chosen = _lines_under(lines, code)
        if chosen:
            values: dict[str, Decimal | None] = {}
            for line in chosen:
                for key, value in pick(line).items():
                    if value is not None:
                        values[key] = (values.get(key) or ZERO) + value
            result[code] = values
    return result


def _grand(classes: dict[str, dict[str, Decimal | None]], key: str) -> Decimal | None:
    values = [v.get(key) for v in classes.values()]
    return _total(values) if _has(values) else None


def _table1(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    def sources(line: FunctionLine) -> dict[str, Decimal | None]:
        values: dict[str, Decimal | None] = {}
        for key in SOURCES:
            parts = [getattr(line.basic, key), getattr(line.project, key)]
            values[key] = _total(parts) if _has(parts) else None
        current = [*line.basic.values(), *line.project.values()]
        carried = [*line.carryover_basic.values(), *line.carryover_project.values()]
        values["current"] = _total(current) if _has(current) else None
        values["carryover"] = _total(carried) if _has(carried) else None
        values["total"] = _total(current + carried)
        return values

    classes = _classes(lines, sources)
    incomes = [
        (label, _grand(classes, key)) for label, key in zip(INCOME_LABELS, SOURCES, strict=True)
    ]
    for i, (label, value) in enumerate(incomes):
        m.row(label, {"amount": value}, side=Side.INCOME, position=i)
    for i, label in enumerate(NUMBERED_CLASSES):
        values = classes.get(CLASS_CODES[i][0], {})
        m.row(label, values, side=Side.EXPENDITURE, position=i)
    m.position = len(NUMBERED_CLASSES)
    current, carried = _grand(classes, "current"), _grand(classes, "carryover")
    grand = {"total": _grand(classes, "total"), "current": current, "carryover": carried}
    m.row(
        "本年收入合计",
        {"amount": current},
        kind=RowKind.TOTAL,
        side=Side.INCOME,
        position=m.position,
    )
    m.row("本年支出合计", grand, kind=RowKind.TOTAL, side=Side.EXPENDITURE)
    m.row("上年结转", {"amount": carried}, side=Side.INCOME, position=m.position)
    m.row("年终结转", {}, side=Side.EXPENDITURE)
    m.row(
        "收入总计",
        {"amount": grand["total"]},
        kind=RowKind.TOTAL,
        side=Side.INCOME,
        position=m.position,
    )
    m.row("支出总计", grand, kind=RowKind.TOTAL, side=Side.EXPENDITURE)


FISCAL = ("general", "fund", "capital")


def _table4(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    def fiscal(line: FunctionLine) -> dict[str, Decimal | None]:
        values: dict[str, Decimal | None] = {}
        for key in FISCAL:
            parts = [
                getattr(s, key)
                for s in (line.basic, line.project, line.carryover_basic, line.carryover_project)
            ]
            values[key] = _total(parts) if _has(parts) else None
            current = [getattr(line.basic, key), getattr(line.project, key)]
            values[f"current_{key}"] = _total(current) if _has(current) else None
            carried = [getattr(line.carryover_basic, key), getattr(line.carryover_project, key)]
            values[f"carry_{key}"] = _total(carried) if _has(carried) else None
        present = [values[k] for k in FISCAL]
        values["total"] = _total(present) if _has(present) else None
        return values  # fmt: skip

    classes = _classes(lines, fiscal)
    for i, (label, key) in enumerate(zip(FISCAL_LABELS, FISCAL, strict=True)):
        m.row(label, {"amount": _grand(classes, f"current_{key}")}, side=Side.INCOME, position=i)
    for i, label in enumerate(NUMBERED_CLASSES):
        m.row(label, classes.get(CLASS_CODES[i][0], {}), side=Side.EXPENDITURE, position=i)
    m.position = len(NUMBERED_CLASSES)
    current = [_grand(classes, f"current_{k}") for k in FISCAL]
    carried = [_grand(classes, f"carry_{k}") for k in FISCAL]
    grand = {k: _grand(classes, k) for k in ("total", *FISCAL)}
    m.row(
        "本年收入合计",
        {"amount": _total(current) if _has(current) else None},
        kind=RowKind.TOTAL,
        side=Side.INCOME,
        position=m.position,
    )
    m.row("本年支出合计", grand, kind=RowKind.TOTAL, side=Side.EXPENDITURE)
    m.row(
        "上年财政拨款结转",
        {"amount": _total(carried) if _has(carried) else None},
        side=Side.INCOME,
        position=m.position,
    )
    m.row("年终结转", {}, side=Side.EXPENDITURE)
    for label, value in zip(FISCAL_LABELS, carried, strict=True):
        m.row(label, {"amount": value}, side=Side.INCOME)
    m.row(
        "收入总计",
        {"amount": grand["total"]},
        kind=RowKind.TOTAL,
        side=Side.INCOME,
        position=m.position,
    )
    m.row("支出总计", grand, kind=RowKind.TOTAL, side=Side.EXPENDITURE)  # fmt: skip


def _table6(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    items = data.economic
    personnel = [i.personnel for i in items]
    public = [i.public for i in items]

    def values(p: list[Decimal | None], q: list[Decimal | None]) -> dict[str, Decimal | None]:
        return {
            "total": _total(p + q),
            "personnel": _total(p) if _has(p) else None,
            "public": _total(q) if _has(q) else None,
        }

    m.row("合计", values(personnel, public), kind=RowKind.TOTAL)
    groups = [g for g in ECONOMIC_GROUPS if any(i.group == g for i in items)]
    groups += [i.group for i in items if i.group not in groups]
    for group in dict.fromkeys(groups):
        members = [i for i in items if i.group == group]
        m.row(group, values([i.personnel for i in members], [i.public for i in members]),
              kind=RowKind.GROUP)  # fmt: skip
        for item in members:
            m.row(item.name, values([item.personnel], [item.public]), kind=RowKind.ITEM,
                  texts={"gov_econ": item.gov_econ})  # fmt: skip


def _fiscal_values(sources: Iterable[FiscalSources]) -> dict[str, Decimal | None]:
    chosen = list(sources)
    values: dict[str, Decimal | None] = {}
    for key in FISCAL:
        parts = [getattr(s, key) for s in chosen]
        values[key] = _total(parts) if _has(parts) else None
    values["total"] = _total(values[k] for k in FISCAL)
    return values


def _table10(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    t = data.three_public
    m.row("因公出国（境）费", _fiscal_values([t.abroad]))
    m.row("公务接待费", _fiscal_values([t.reception]))
    m.row("公务用车购置及运行费", _fiscal_values([t.car_purchase, t.car_operation]))
    m.row("①公务用车购置费", _fiscal_values([t.car_purchase]))
    m.row("②公务用车运行维护费", _fiscal_values([t.car_operation]))
    m.row("合计", _fiscal_values([t.abroad, t.reception, t.car_purchase, t.car_operation]),
          kind=RowKind.TOTAL)  # fmt: skip


def _table11(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    costs = data.operating_costs
    m.row("部门合计", _fiscal_values([c.amounts for c in costs]), kind=RowKind.TOTAL)
    for cost in costs:
        m.row(cost.unit, _fiscal_values([cost.amounts]))


def _project_values(sources: Iterable[Sources], keys: tuple[str, ...]) -> dict[str, Decimal | None]:
    chosen = list(sources)
    values: dict[str, Decimal | None] = {}
    for key in keys:
        parts = [getattr(s, key) for s in chosen]
        values[key] = _total(parts) if _has(parts) else None
    values["total"] = _total(values[k] for k in keys)
    return values


def _projects_table(m: TableMaker, data: BudgetData, attribute: str, keys: tuple[str, ...]) -> None:
    projects = [p for p in data.projects if getattr(p, attribute).total()]
    if not projects:
        return
    units: dict[str, list[Project]] = {}
    for project in projects:
        units.setdefault(project.unit or data.unit.name, []).append(project)

    def money(chosen: list[Project]) -> dict[str, Decimal | None]:
        return _project_values((getattr(p, attribute) for p in chosen), keys)

    if data.unit.scope == "部门":
        m.row(data.unit.name, money(projects), kind=RowKind.DEPARTMENT)
    for unit_name, members in units.items():
        m.row(unit_name, money(members), kind=RowKind.UNIT)
        for project in members:
            m.row(project.name, money([project]), kind=RowKind.PROJECT)


def _table12(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    _projects_table(m, data, "current", SOURCES)


def _table13(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    _projects_table(m, data, "carryover", FISCAL)


__all__ = ["CENT", "WAN", "ZERO", "DataError", "TableMaker", "build", "wan"]
