"""The 13 Shanxi tables from budget data: each an exact sum in 元 of the data's lines, printed in
万元 (rounded half up, each figure on its own)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from yusuan.budget.model import BudgetData, FiscalSources, FunctionLine, Project, Sources
from yusuan.budget.tables import (
    ZERO,
    Picker,
    TableMaker,
    _coded_table,
    _has,
    _lines_under,
    _total,
)
from yusuan.model import RowKind, Side
from yusuan.templates.shanxi import CLASS_CODES, ECONOMIC_GROUPS, NUMBERED_CLASSES

SOURCES = ("general", "fund", "capital", "special", "unit")
INCOME_LABELS = ("一、一般公共预算", "二、政府性基金预算", "三、国有资本经营预算",
                 "四、财政专户管理资金", "五、单位资金")  # fmt: skip
FISCAL_LABELS = INCOME_LABELS[:3]


def _income_summary(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
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


def _expenditure_summary(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
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


def _general_expenditure(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    _coded_table(m, data, _split("general"), _by_source("general", lines))


def _fund_income(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    def pick(line: FunctionLine) -> dict[str, Decimal | None]:
        return {"amount": _total([line.basic.fund, line.project.fund])}

    _coded_table(m, data, pick, _by_source("fund", lines))


def _fund_expenditure(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    _coded_table(m, data, _split("fund"), _by_source("fund", lines))


def _capital_budget(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
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


def _budget_summary(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
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


def _fiscal_summary(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
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


def _basic_by_economic(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
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


def _three_public(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    t = data.three_public
    m.row("因公出国（境）费", _fiscal_values([t.abroad]))
    m.row("公务接待费", _fiscal_values([t.reception]))
    m.row("公务用车购置及运行费", _fiscal_values([t.car_purchase, t.car_operation]))
    m.row("①公务用车购置费", _fiscal_values([t.car_purchase]))
    m.row("②公务用车运行维护费", _fiscal_values([t.car_operation]))
    m.row("合计", _fiscal_values([t.abroad, t.reception, t.car_purchase, t.car_operation]),
          kind=RowKind.TOTAL)  # fmt: skip


def _operating_costs(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
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


def _projects_current(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    _projects_table(m, data, "current", SOURCES)


def _projects_carryover(m: TableMaker, data: BudgetData, lines: list[FunctionLine]) -> None:
    _projects_table(m, data, "carryover", FISCAL)


MAKERS = {
    "income_summary": _income_summary,
    "expenditure_summary": _expenditure_summary,
    "general_expenditure": _general_expenditure,
    "fund_income": _fund_income,
    "fund_expenditure": _fund_expenditure,
    "capital_budget": _capital_budget,
    "budget_summary": _budget_summary,
    "fiscal_summary": _fiscal_summary,
    "basic_by_economic": _basic_by_economic,
    "three_public": _three_public,
    "operating_costs": _operating_costs,
    "projects_current": _projects_current,
    "projects_carryover": _projects_carryover,
}
