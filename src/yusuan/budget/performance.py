"""Performance-goal tables from budget data: one per project of table 12, funds derived."""

from __future__ import annotations

from decimal import Decimal

from yusuan.budget.model import BudgetData, Indicator, LevelSources, Project
from yusuan.model import Cell, Disclosure, FundSources, PerformanceTable
from yusuan.model import Indicator as ModelIndicator

LEVELS = ("total", "central", "provincial", "local", "own", "other")


def _yuan_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = (
        f"{value:,.2f}".rstrip("0").rstrip(".") if value != value.to_integral() else f"{value:,.0f}"
    )
    return text


def _funds(sources: LevelSources) -> FundSources:
    funds = FundSources()
    for key in LEVELS:
        value = getattr(sources, key)
        if value is not None:
            setattr(funds, key, Cell(_yuan_text(value), value))
    return funds


def _indicators(items: list[Indicator]) -> list[ModelIndicator]:
    return [ModelIndicator(i.level1, i.level2, i.level3, i.value) for i in items]


def _annual(project: Project, total: Decimal) -> LevelSources:
    """The year's funds: the total is the project's table 12 amount (all its rows); the split by
    level of government is the data's, or all 本级 (市县) money when the data gives none."""
    given = project.goals.annual_funds if project.goals else LevelSources()
    split = given.model_copy()
    split.total = total
    parts = [given.central, given.provincial, given.local, given.own, given.other]
    if all(p is None for p in parts):
        split.central, split.provincial, split.own = Decimal(0), Decimal(0), Decimal(0)
        split.local = total
    return split


def performance_tables(d: Disclosure, data: BudgetData) -> list[PerformanceTable]:
    department = data.unit.department or data.unit.name
    code = data.unit.department_code
    tables: list[PerformanceTable] = []
    if data.texts.whole_unit_goal and data.whole_unit_goals:
        tables.append(
            PerformanceTable(
                title="预算部门（单位）整体支出绩效目标申报表",
                project=data.unit.name,
                whole_unit=True,
                period_indicators=_indicators(data.whole_unit_goals),
            )
        )
    totals: dict[str, Decimal] = {}
    for project in data.projects:
        totals[project.name] = totals.get(project.name, Decimal(0)) + project.current.total()
    seen: set[str] = set()
    for project in data.projects:
        if not project.current.total() or project.name in seen:
            continue
        seen.add(project.name)
        goals = project.goals
        annual = _annual(project, totals[project.name])
        period = goals.period_funds if goals and goals.period_funds.total else annual
        table = PerformanceTable(
            title="项目支出绩效目标表",
            project=project.name,
            department=(goals.department if goals and goals.department else
                        f"{code}-{department}" if code else department),
            implementer=(goals.implementer if goals and goals.implementer else
                         project.unit or data.unit.name),
            attribute=goals.attribute if goals else None,
            period=goals.period if goals else None,
            period_funds=_funds(period),
            annual_funds=_funds(annual),
            texts=dict(goals.texts) if goals else {},
            period_indicators=_indicators(goals.period_indicators) if goals else [],
            annual_indicators=_indicators(goals.annual_indicators) if goals else [],
        )  # fmt: skip
        tables.append(table)
    return tables
