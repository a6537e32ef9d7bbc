"""Budget data (``BudgetData``, 元) of synthetic units, year after year.

A unit is a ``UnitState`` (``states``: staff, pay levels, vehicles, projects …) that ``advance``
moves on by one year with plausible growth: pay rises, staff come and go, recurring projects
continue with a new amount, one-off projects end (some leave money carried over to the next year)
and new ones start. ``unit_data`` (this module) turns a state into the primary figures a budget
officer enters; the department's data is the sum of its units' (``department_data``).
``actuals`` (``prior``) are the figures of a year that the next year's 比上年 sentences compare
with, and ``with_prior`` writes them into the next year's data, so year N's stated changes agree
with year N-1's published figures.

All money is ``Decimal`` in whole 元 (``money``); random factors are drawn as integers and turned
into ``Decimal``, never through ``float``.
"""

from __future__ import annotations

import random
from decimal import Decimal

from yusuan.budget.amounts import wan
from yusuan.budget.model import (
    Assets,
    BudgetData,
    EconomicItem,
    FiscalSources,
    FunctionLine,
    Goals,
    LevelSources,
    Procurement,
    Project,
    Sources,
    Staffing,
    Texts,
    ThreePublic,
    Unit,
    UnitCosts,
)
from yusuan.synth import texts
from yusuan.synth.money import ZERO, yuan
from yusuan.synth.states import VEHICLE_KINDS, ProjectState, UnitState
from yusuan.synth.units import (
    ADMIN,
    CIVIL,
    EXTRA_CODE_NAMES,
    DepartmentSpec,
    UnitSpec,
    code_name,
)

SOURCE_KEYS = ("general", "fund", "capital", "special", "unit")
PERSONNEL, PUBLIC = "personnel", "public"


# --- a unit's budget data --------------------------------------------------------------------


class _Lines:
    """Money by 功能分类 code, part (basic, project, carryover_*) and source, in 元."""

    def __init__(self) -> None:
        self.money: dict[str, dict[str, dict[str, Decimal]]] = {}

    def add(self, code: str, part: str, source: str, amount: Decimal) -> None:
        if amount:
            parts = self.money.setdefault(code, {})
            parts.setdefault(part, {})
            parts[part][source] = parts[part].get(source, ZERO) + amount

    def lines(self) -> list[FunctionLine]:
        result = []
        for code in sorted(self.money):
            parts = {
                part: Sources(**{k: v for k, v in by_source.items() if v})
                for part, by_source in self.money[code].items()
            }
            result.append(FunctionLine(code=code, name=code_name(code), **parts))
        return result


def _item(group: str, name: str, gov: str, amount: Decimal, column: str) -> EconomicItem:
    value = amount or None
    if column == PERSONNEL:
        return EconomicItem(group=group, name=name, gov_econ=gov, personnel=value)
    return EconomicItem(group=group, name=name, gov_econ=gov, public=value)


def _economic(state: UnitState, basic_code: str, lines: _Lines) -> list[EconomicItem]:
    """Table 6 (general-budget basic spending), booking each item to its 功能分类 code: pay
    and 商品和服务支出 to the unit's own code (行政运行/事业运行), insurance, housing fund and
    pensions to theirs."""
    spec, n = state.spec, state.staff
    admin = spec.kind == ADMIN
    wage = state.wage * n
    pay = [
        ("基本工资", yuan(wage * Decimal("0.36"))),
        ("津贴补贴", yuan(wage * Decimal("0.42"))),
        ("奖金" if spec.kind in (ADMIN, CIVIL) else "绩效工资", yuan(wage * Decimal("0.22"))),
    ]
    if state.meal:
        pay.append(("伙食补助费", Decimal(3600) * n))
    base = sum((v for _, v in pay), ZERO)
    insurance = [
        ("机关事业单位基本养老保险缴费", yuan(base * Decimal("0.16")), "2080505"),
        ("职业年金缴费", yuan(base * Decimal("0.08")), "2080506"),
        ("职工基本医疗保险缴费", yuan(base * Decimal("0.085")), "2101101" if admin else "2101102"),
    ]
    if state.civil_medical:
        insurance.append(("公务员医疗补助缴费", yuan(base * Decimal("0.04")), "2101103"))
    other_insurance = yuan(base * Decimal("0.006"))
    fund = yuan(base * Decimal("0.12"))
    items = [_item("工资福利支出", name, "工资奖金津补贴", value, PERSONNEL) for name, value in pay]
    items += [_item("工资福利支出", name, "社会保障缴费", v, PERSONNEL) for name, v, _ in insurance]
    items.append(
        _item("工资福利支出", "其他社会保障缴费", "社会保障缴费", other_insurance, PERSONNEL)
    )
    items.append(_item("工资福利支出", "住房公积金", "住房公积金", fund, PERSONNEL))
    other_wage = state.other_wage * n
    if other_wage:
        items.append(_item("工资福利支出", "其他工资福利支出", "其他工资福利支出", other_wage,
                           PERSONNEL))  # fmt: skip
    for _, value, code in insurance:
        lines.add(code, "basic", "general", value)
    lines.add("2210201", "basic", "general", fund)
    lines.add(basic_code, "basic", "general", base + other_insurance + other_wage)
    public = _public_items(state, base)
    items += public
    lines.add(basic_code, "basic", "general", sum((i.public or ZERO for i in public), ZERO))
    retirement = "2080501" if admin else "2080502"
    pension = yuan(state.retired * state.wage * Decimal("0.08"), 100)
    for name, gov, value in (("退休费", "离退休费", pension),
                             ("生活补助", "社会福利和救助", state.relief)):  # fmt: skip
        if value:
            items.append(_item("对个人和家庭的补助", name, gov, value, PERSONNEL))
            lines.add(retirement, "basic", "general", value)
    lines.add(basic_code, "basic", "unit", state.unit_basic)
    return [i for i in items if i.personnel or i.public]


def _public_items(state: UnitState, pay: Decimal) -> list[EconomicItem]:
    n = state.staff
    budget = state.public_rate * n
    weights = sum(w for _, _, w in state.items)
    items = [
        _item("商品和服务支出", name, gov, yuan(budget * w / weights, 100), PUBLIC)
        for name, gov, w in state.items
    ]
    union = yuan(pay * Decimal("0.02"))
    items.insert(-1, _item("商品和服务支出", "工会经费", "办公经费", union, PUBLIC))
    cars = sum(state.vehicles.values())
    specials = [
        ("公务接待费", "公务接待费", state.reception),
        ("公务用车运行维护费", "公务用车运行维护费", state.car_cost * cars),
        ("因公出国（境）费用", "因公出国（境）费用", state.abroad),
    ]
    items[-1:-1] = [_item("商品和服务支出", n_, g, v, PUBLIC) for n_, g, v in specials if v]
    if state.car_purchase:
        items.append(
            _item("资本性支出", "公务用车购置", "公务用车购置", state.car_purchase, PUBLIC)
        )
    return items


def _goals(department: DepartmentSpec, unit: str, project: ProjectState, year: int) -> Goals:
    money = project.sources()
    fiscal = sum((money.get(k, ZERO) for k in ("general", "fund", "capital")), ZERO)
    levels = {"central": ZERO, "provincial": ZERO, "local": ZERO, "own": money.get("unit", ZERO)}
    levels[project.level] += fiscal
    other = money.get("special")
    annual = LevelSources(**levels, other=other)
    period = LevelSources()
    if project.period > 1:
        scaled = {k: v * project.period for k, v in levels.items()}
        period = LevelSources(
            total=project.amount * project.period,
            **scaled,
            other=other * project.period if other else None,
        )
    printed = f"{wan(project.amount) or ZERO:.2f}"
    whole = f"{wan(project.amount * project.period) or ZERO:.2f}"
    if project.recurring:
        attribute = "经常性项目（长期开展）"
    else:
        attribute = "一次性项目（1年结束）" if project.period == 1 else "一次性项目（跨年度）"
    quantity = 1 + len(project.name) % 9
    return Goals(
        department=f"{department.code}-{department.name}",
        implementer=unit,
        attribute=attribute,
        period=f"{project.period}年",
        period_funds=period,
        annual_funds=annual,
        texts=texts.project_texts(unit, department, project.name, project.recurring, printed, year),
        period_indicators=texts.indicators(
            project.name, whole, year, quantity * project.period, annual=project.period == 1
        ),
        annual_indicators=texts.indicators(project.name, printed, year, quantity, annual=True),
    )


def unit_data(
    department: DepartmentSpec, state: UnitState, year: int, rng: random.Random
) -> BudgetData:
    """The unit's budget data for ``year`` (its ``prior_year`` is filled by ``with_prior``)."""
    theme = department.theme
    spec = state.spec
    lines = _Lines()
    basic_code = theme.admin_code if spec.kind == ADMIN else theme.service_code
    economic = _economic(state, basic_code, lines)
    projects: list[Project] = []
    for project in state.projects:
        for source, amount in project.sources().items():
            lines.add(project.code, "project", source, amount)
        projects.append(
            Project(
                name=project.name,
                kind=project.kind,
                current=Sources(**project.sources()),
                goals=_goals(department, spec.name, project, year),
            )
        )
    for project, amount in state.carryover:
        source = project.source if project.source in ("general", "fund", "capital") else "general"
        lines.add(project.code, "carryover_project", source, amount)
        projects.append(
            Project(name=project.name, kind=project.kind, carryover=Sources(**{source: amount}))
        )
    functions = lines.lines()
    public = sum((i.public or ZERO for i in economic), ZERO)
    cars = sum(state.vehicles.values())
    project_total = sum((p.amount for p in state.projects), ZERO)
    goods, works, services = (yuan(project_total * r, 100) for r in state.rates)
    basic = sum((f.basic.total() for f in functions), ZERO)
    return BudgetData(
        unit=Unit(
            name=spec.name,
            year=year,
            scope="单位",
            department=department.name,
            department_code=department.code,
            operating_costs_apply=spec.operating_costs_apply,
        ),
        staffing=Staffing(
            authorized=state.authorized,
            actual=state.staff,
            internal_departments=len(texts.offices(department, spec, state.internal)),
            retired=state.retired,
        ),
        texts=Texts(
            duties=texts.duties(department, spec),
            organization=texts.unit_organization(
                department, spec, state.authorized, state.staff, state.retired, state.internal
            ),
            purchase_of_services=texts.purchase_of_services("单位", _bought(projects)),
            operating_costs_note=_not_applicable(spec),
            whole_unit_goal=True,
        ),
        code_names=_code_names(functions),
        functions=functions,
        projects=projects,
        economic=economic,
        three_public=_three_public(
            state.reception, state.abroad, state.car_purchase, state.car_cost * cars
        ),
        operating_costs=(
            [UnitCosts(unit=spec.name, amounts=FiscalSources(general=public))]
            if spec.operating_costs_apply and public
            else []
        ),
        procurement=Procurement(
            goods=goods or None, works=works or None, services=services or None
        ),
        assets=Assets(
            as_of=f"{year - 1}年12月31日",
            vehicles_authorized=cars + (1 if cars and rng.random() < 0.3 else 0),
            vehicles=dict(state.vehicles),
            office_area=state.area,
            equipment_50=state.equipment_50,
            equipment_100=state.equipment_100,
        ),
        whole_unit_goals=texts.whole_unit_goals(
            spec.name, _printed(basic), _printed(project_total), year
        ),
    )


def _printed(value: Decimal) -> str:
    return f"{wan(value) or ZERO:.2f}"


def _bought(projects: list[Project]) -> list[tuple[str, str]]:
    """Projects bought as 政府购买服务 (by their names), with their amounts as printed."""
    return [
        (p.name, _printed(p.current.total()))
        for p in projects
        if p.current.total() and any(word in p.name for word in ("服务", "运维", "委托", "测评"))
    ][:3]


def _not_applicable(spec: UnitSpec) -> str:
    if spec.operating_costs_apply:
        return ""
    return f"本单位为{spec.kind}事业单位，不适用机关运行经费。"


def _code_names(functions: list[FunctionLine]) -> dict[str, str]:
    names: dict[str, str] = {}
    for line in functions:
        for length in (3, 5, 7):
            part = line.code[:length]
            if part in EXTRA_CODE_NAMES:
                names[part] = EXTRA_CODE_NAMES[part]
    return names


def _three_public(
    reception: Decimal, abroad: Decimal, purchase: Decimal, operation: Decimal
) -> ThreePublic:
    def fiscal(value: Decimal) -> FiscalSources:
        return FiscalSources(general=value or None)

    return ThreePublic(
        abroad=fiscal(abroad),
        reception=fiscal(reception),
        car_purchase=fiscal(purchase),
        car_operation=fiscal(operation),
    )


# --- a department: the sum of its units -------------------------------------------------------


def department_data(
    department: DepartmentSpec, year: int, units: list[BudgetData], rng: random.Random
) -> BudgetData:
    """The department's budget (部门预算): every unit's money, projects and staff together."""
    lines = _Lines()
    economic: dict[tuple[str, str, str], list[Decimal]] = {}
    projects: list[Project] = []
    operating: list[UnitCosts] = []
    for data in units:
        for line in data.functions:
            for part in ("basic", "project", "carryover_basic", "carryover_project"):
                sources: Sources = getattr(line, part)
                for key in SOURCE_KEYS:
                    lines.add(line.code, part, key, getattr(sources, key) or ZERO)
        for item in data.economic:
            money = economic.setdefault((item.group, item.name, item.gov_econ), [ZERO, ZERO])
            money[0] += item.personnel or ZERO
            money[1] += item.public or ZERO
        projects += [p.model_copy(update={"unit": data.unit.name}) for p in data.projects]
        # Every unit is listed in table 11, so that its total equals table 6's 公用经费
        # (X-T11-T6) and a reader learns the department's units from it.
        public = sum((item.public or ZERO for item in data.economic), ZERO)
        operating.append(
            UnitCosts(unit=data.unit.name, amounts=FiscalSources(general=public or None))
        )
    functions = lines.lines()
    staffing = [d.staffing for d in units]
    authorized = sum(s.authorized or 0 for s in staffing)
    actual = sum(s.actual or 0 for s in staffing)
    retired = sum(s.retired or 0 for s in staffing)
    internal = sum(s.internal_departments or 0 for s in staffing)
    basic = sum((f.basic.total() for f in functions), ZERO)
    project_total = sum((p.current.total() for p in projects), ZERO)

    def added(attribute: str) -> Decimal | None:
        total = sum((getattr(d.procurement, attribute) or ZERO for d in units), ZERO)
        return total or None

    vehicles = {kind: sum(d.assets.vehicles.get(kind, 0) for d in units) for kind in VEHICLE_KINDS}
    three = [d.three_public for d in units]
    return BudgetData(
        unit=Unit(
            name=department.name,
            year=year,
            scope="部门",
            department=department.name,
            department_code=department.code,
            units=[d.unit.name for d in units],
            operating_costs_apply=True,
        ),
        staffing=Staffing(
            authorized=authorized, actual=actual, internal_departments=internal, retired=retired
        ),
        texts=Texts(
            duties=texts.duties(department, None),
            organization=texts.department_organization(
                department, authorized, actual, retired, internal
            ),
            purchase_of_services=texts.purchase_of_services("部门", _bought(projects)),
            whole_unit_goal=True,
        ),
        code_names=_code_names(functions),
        functions=functions,
        projects=projects,
        economic=[
            EconomicItem(group=g, name=n, gov_econ=gov, personnel=m[0] or None, public=m[1] or None)
            for (g, n, gov), m in economic.items()
        ],
        three_public=_three_public(
            *(
                sum((getattr(t, k).total() for t in three), ZERO)
                for k in ("reception", "abroad", "car_purchase", "car_operation")
            )
        ),
        operating_costs=operating,
        procurement=Procurement(
            goods=added("goods"), works=added("works"), services=added("services")
        ),
        assets=Assets(
            as_of=f"{year - 1}年12月31日",
            vehicles_authorized=sum(d.assets.vehicles_authorized or 0 for d in units),
            vehicles=vehicles,
            office_area=sum((d.assets.office_area or ZERO for d in units), ZERO),
            equipment_50=sum(d.assets.equipment_50 or 0 for d in units),
            equipment_100=sum(d.assets.equipment_100 or 0 for d in units),
        ),
        whole_unit_goals=texts.whole_unit_goals(
            department.name, _printed(basic), _printed(project_total), year
        ),
    )
