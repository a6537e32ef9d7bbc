"""Budget data (``BudgetData``, 元) of synthetic units, year after year.

A unit is a ``UnitState`` (staff, pay levels, vehicles, projects …) that ``advance`` moves on by
one year with plausible growth: pay rises, staff come and go, recurring projects continue with a
new amount, one-off projects end (some leave money carried over to the next year) and new ones
start. ``unit_data`` turns a state into the primary figures a budget officer enters; the
department's data is the sum of its units' (``department_data``). ``actuals`` are the figures of a
year that the next year's 比上年 sentences compare with, and ``with_prior`` writes them into the
next year's data, so year N's stated changes agree with year N-1's published figures.

All money is ``Decimal`` in whole 元; random factors are drawn as integers and turned into
``Decimal``, never through ``float``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal

from yusuan.budget.amounts import wan
from yusuan.budget.model import (
    Assets,
    BudgetData,
    Change,
    EconomicItem,
    FiscalSources,
    FunctionLine,
    Goals,
    LevelSources,
    PriorYear,
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
from yusuan.synth.units import (
    ADMIN,
    CAPITAL_CODE,
    CIVIL,
    EXTRA_CODE_NAMES,
    GENERIC_PROJECTS,
    PUBLIC_1,
    PUBLIC_2,
    DepartmentSpec,
    ProjectIdea,
    UnitSpec,
    code_name,
)

ZERO = Decimal(0)
ONE = Decimal(1)
SOURCE_KEYS = ("general", "fund", "capital", "special", "unit")
VEHICLE_KINDS = ("领导用车", "机要通信用车", "应急保障用车", "执法执勤用车", "特种专业技术用车",
                 "事业单位业务用车", "其他公务用车")  # fmt: skip
# 商品和服务支出 items: (部门预算经济科目, 政府预算经济科目, relative weight).
PUBLIC_ITEMS = (
    ("办公费", "办公经费", 20), ("印刷费", "办公经费", 3), ("水费", "办公经费", 2),
    ("电费", "办公经费", 6), ("邮电费", "办公经费", 4), ("物业管理费", "办公经费", 12),
    ("差旅费", "办公经费", 10), ("维修（护）费", "维修（护）费", 4), ("租赁费", "办公经费", 3),
    ("会议费", "会议费", 3), ("培训费", "培训费", 3), ("委托业务费", "委托业务费", 4),
    ("福利费", "办公经费", 3), ("其他交通费用", "办公经费", 8),
    ("其他商品和服务支出", "其他商品和服务支出", 3),
)  # fmt: skip
PERSONNEL, PUBLIC = "personnel", "public"


def fraction(rng: random.Random, low: str, high: str) -> Decimal:
    """A random ``Decimal`` between ``low`` and ``high`` (1,000 steps)."""
    lo, hi = Decimal(low), Decimal(high)
    return lo + (hi - lo) * Decimal(rng.randint(0, 1000)) / 1000


def log_uniform(rng: random.Random, low_exponent: str, high_exponent: str) -> Decimal:
    """10 to a random power: sizes spread evenly over orders of magnitude."""
    return Decimal(10) ** fraction(rng, low_exponent, high_exponent)


def yuan(value: Decimal, step: int = 1) -> Decimal:
    """Whole 元, rounded to a multiple of ``step``."""
    return (value / step).quantize(ONE, rounding=ROUND_HALF_UP) * step


@dataclass(slots=True)
class ProjectState:
    name: str
    kind: str  # 其他运转类 / 特定目标类
    recurring: bool
    code: str  # 支出功能分类 (7 digits)
    source: str  # general, fund, capital or special
    amount: Decimal  # this year's money, 元
    unit_share: Decimal  # part paid from 单位资金
    period: int  # 项目期, years
    years_left: int  # this year included
    level: str  # level of government of its fiscal money: central, provincial or local

    def sources(self) -> dict[str, Decimal]:
        own = yuan(self.amount * self.unit_share, 100)
        money = {self.source: self.amount - own, "unit": own}
        return {k: v for k, v in money.items() if v}


@dataclass(slots=True)
class UnitState:
    spec: UnitSpec
    authorized: int
    staff: int
    retired: int
    internal: int
    wage: Decimal  # pay per head and year (基本工资 + 津贴补贴 + 奖金/绩效工资), 元
    public_rate: Decimal  # 商品和服务支出 per head
    meal: bool  # 伙食补助费
    civil_medical: bool  # 公务员医疗补助缴费
    other_wage: Decimal  # 其他工资福利支出 per head (0: none)
    relief: Decimal  # 生活补助 (对个人和家庭的补助), 0: none
    vehicles: dict[str, int]
    car_cost: Decimal  # 公务用车运行维护费 per vehicle
    reception: Decimal
    abroad: Decimal
    car_purchase: Decimal  # this year
    unit_basic: Decimal  # basic spending paid from 单位资金
    items: list[tuple[str, str, int]]  # this unit's 商品和服务支出 items
    projects: list[ProjectState] = field(default_factory=list)
    carryover: list[tuple[ProjectState, Decimal]] = field(default_factory=list)
    area: Decimal = ZERO
    equipment_50: int = 0
    equipment_100: int = 0
    rates: tuple[Decimal, Decimal, Decimal] = (ZERO, ZERO, ZERO)  # procurement shares


# --- a unit's first year --------------------------------------------------------------------

_SIZES = {ADMIN: ("6.7", "8.7"), PUBLIC_1: ("5.7", "7.7"), PUBLIC_2: ("5.7", "7.5")}


def new_unit(
    department: DepartmentSpec, spec: UnitSpec, rng: random.Random, used: set[str]
) -> UnitState:
    """A unit of size between about 50万元 and 5亿元 (机关 larger, 研究院 smaller)."""
    low, high = _SIZES.get(spec.kind, ("6.0", "8.0"))
    total = log_uniform(rng, low, high)
    magnitude = total.log10() - Decimal("5.7")  # 0 at 50万元, 3 at 5亿元
    share = Decimal("0.92") - Decimal("0.28") * magnitude + fraction(rng, "-0.05", "0.05")
    basic_share = min(Decimal("0.95"), max(Decimal("0.08"), share))
    staff = max(1, int(yuan(total * basic_share / 230000)))
    wage = yuan(fraction(rng, "90000", "140000"), 100)
    public_rate = yuan(fraction(rng, "15000", "45000"), 100)
    cars = 0 if staff < 5 else min(12, staff // rng.randint(8, 20))
    vehicles = dict.fromkeys(VEHICLE_KINDS, 0)
    for _ in range(cars):
        vehicles[rng.choice(VEHICLE_KINDS[1:] if spec.kind != ADMIN else VEHICLE_KINDS)] += 1
    public_unit = spec.kind in (PUBLIC_1, PUBLIC_2)
    chosen = [item for item in PUBLIC_ITEMS if item[0] == "办公费" or rng.random() < 0.7]
    state = UnitState(
        spec=spec,
        authorized=staff + rng.randint(0, max(1, staff // 8)),
        staff=staff,
        retired=rng.randint(0, max(1, staff // 4)),
        internal=max(1, min(10, staff // 6 + rng.randint(0, 2))),
        wage=wage,
        public_rate=public_rate,
        meal=rng.random() < 0.3,
        civil_medical=spec.kind in (ADMIN, CIVIL) and rng.random() < 0.6,
        other_wage=yuan(fraction(rng, "2000", "8000"), 100) if rng.random() < 0.2 else ZERO,
        relief=yuan(fraction(rng, "5000", "40000"), 100) if rng.random() < 0.2 else ZERO,
        vehicles=vehicles,
        car_cost=yuan(fraction(rng, "12000", "25000"), 100),
        reception=yuan(staff * fraction(rng, "300", "1200"), 100) if rng.random() < 0.8 else ZERO,
        abroad=yuan(fraction(rng, "30000", "200000"), 1000) if rng.random() < 0.08 else ZERO,
        car_purchase=ZERO,
        unit_basic=(
            yuan(total * basic_share * fraction(rng, "0.05", "0.4"), 100)
            if spec.kind == PUBLIC_2 or (public_unit and rng.random() < 0.3)
            else ZERO
        ),
        items=chosen,
        area=(staff * fraction(rng, "16", "32")).quantize(Decimal("0.01")),
        equipment_50=rng.randint(0, 3) if total > 5_000_000 else 0,
        rates=(
            fraction(rng, "0.03", "0.2"),
            fraction(rng, "0", "0.15"),
            fraction(rng, "0.1", "0.4"),
        ),
    )
    state.equipment_100 = rng.randint(0, state.equipment_50)
    budget = total * (1 - basic_share)
    count = 0 if budget < 50000 else min(16, 1 + int(budget / 300000).bit_length())
    weights = [rng.randint(1, 10) for _ in range(count)]
    for weight in weights:
        amount = budget * weight / sum(weights)
        state.projects.append(_new_project(department, state, rng, used, amount))
    return state


def _fresh_name(idea: ProjectIdea, spec: UnitSpec, used: set[str]) -> str:
    """A project name not used before in the department (a department's documents list every
    unit's projects, and each name needs its own performance table)."""
    candidates = [idea.name, f"{spec.suffix}{idea.name}"]
    candidates += [f"{idea.name}（{n}期）" for n in "二三四五六七八九"]
    for name in candidates:
        if name not in used:
            used.add(name)
            return name
    name = f"{spec.suffix}{idea.name}（{len(used)}）"
    used.add(name)
    return name


def _new_project(
    department: DepartmentSpec,
    state: UnitState,
    rng: random.Random,
    used: set[str],
    amount: Decimal,
) -> ProjectState:
    theme = department.theme
    idea = rng.choice(theme.projects + GENERIC_PROJECTS)
    code, source = rng.choice(theme.project_codes), "general"
    roll = rng.random()
    if theme.fund_code and state.spec.kind == ADMIN and roll < 0.25:
        code, source = theme.fund_code, "fund"
    elif theme.capital and state.spec.kind == ADMIN and roll < 0.1:
        code, source = CAPITAL_CODE, "capital"
    elif theme.special and state.spec.kind in (PUBLIC_1, PUBLIC_2) and roll < 0.4:
        source = "special"
    province = department.region == "示例省"
    level = "provincial" if province else "local"
    if rng.random() < 0.1:
        level = "central" if province else "provincial"
    period = 1 if not idea.recurring and rng.random() < 0.7 else rng.randint(2, 3)
    if idea.recurring and rng.random() < 0.6:
        period = 1
    share = ZERO
    if state.spec.kind in (PUBLIC_1, PUBLIC_2) and rng.random() < 0.35 and source != "special":
        share = fraction(rng, "0.2", "1")
    return ProjectState(
        name=_fresh_name(idea, state.spec, used),
        kind=idea.kind,
        recurring=idea.recurring,
        code=code,
        source=source,
        amount=max(yuan(amount, 100), Decimal(10000)),
        unit_share=share,
        period=period,
        years_left=10**6 if idea.recurring else period,
        level=level,
    )


# --- the next year --------------------------------------------------------------------------


def advance(
    department: DepartmentSpec, state: UnitState, rng: random.Random, used: set[str]
) -> None:
    """Move a unit on by one year."""
    state.wage = yuan(state.wage * fraction(rng, "1.0", "1.06"), 100)
    state.public_rate = yuan(state.public_rate * fraction(rng, "0.94", "1.06"), 100)
    state.staff = max(1, min(state.authorized + 2, state.staff + rng.randint(-1, 2)))
    state.authorized = max(state.authorized, state.staff)
    state.retired = max(0, state.retired + rng.randint(-1, 2))
    if state.reception:
        state.reception = yuan(state.reception * fraction(rng, "0.85", "1.08"), 100)
    if state.abroad or rng.random() < 0.05:
        state.abroad = (yuan(fraction(rng, "30000", "200000"), 1000)
                        if rng.random() < 0.6 else ZERO)  # fmt: skip
    cars = sum(state.vehicles.values())
    state.car_purchase = ZERO
    if cars and rng.random() < 0.1:
        state.car_purchase = yuan(fraction(rng, "150000", "250000"), 1000)
    if state.unit_basic:
        state.unit_basic = yuan(state.unit_basic * fraction(rng, "0.9", "1.15"), 100)
    goods, works, services = state.rates
    state.rates = (
        goods * fraction(rng, "0.8", "1.2"),
        works * fraction(rng, "0.8", "1.2"),
        services * fraction(rng, "0.8", "1.2"),
    )
    carried: list[tuple[ProjectState, Decimal]] = []
    kept: list[ProjectState] = []
    for project in state.projects:
        project.years_left -= 1
        ends = project.years_left <= 0 or (project.recurring and rng.random() < 0.08)
        fiscal = project.source in ("general", "fund", "capital")
        if fiscal and rng.random() < (0.35 if ends else 0.08):
            carried.append((project, yuan(project.amount * fraction(rng, "0.1", "0.4"), 100)))
        if ends:
            continue
        if project.recurring:
            project.amount = yuan(project.amount * fraction(rng, "0.9", "1.15"), 100)
        kept.append(project)
    state.projects = kept
    state.carryover = carried
    new = rng.choice((0, 0, 1, 1, 1, 2)) if state.projects else rng.choice((0, 1))
    typical = (sum((p.amount for p in kept), ZERO) / len(kept)) if kept else Decimal(200000)
    for _ in range(new):
        amount = typical * fraction(rng, "0.3", "1.8")
        state.projects.append(_new_project(department, state, rng, used, amount))


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


# --- figures a year states about the year before ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Actuals:
    """The figures of one year (元) that the next year's 比上年 sentences compare with."""

    total: Decimal
    general_spending: Decimal
    three_public: Decimal
    abroad: Decimal
    reception: Decimal
    car_total: Decimal
    car_purchase: Decimal
    car_operation: Decimal
    operating_costs: Decimal | None  # None where 机关运行经费 does not apply


def actuals(data: BudgetData) -> Actuals:
    total = sum(
        (
            part.total()
            for line in data.functions
            for part in (line.basic, line.project, line.carryover_basic, line.carryover_project)
        ),
        ZERO,
    )
    general = sum(((f.basic.general or ZERO) + (f.project.general or ZERO)
                   for f in data.functions), ZERO)  # fmt: skip
    t = data.three_public
    items = [t.abroad.total(), t.reception.total(), t.car_purchase.total(), t.car_operation.total()]
    operating = None
    if data.unit.operating_costs_apply:
        operating = sum((c.amounts.total() for c in data.operating_costs), ZERO)
    return Actuals(
        total=total,
        general_spending=general,
        three_public=sum(items, ZERO),
        abroad=items[0],
        reception=items[1],
        car_total=items[2] + items[3],
        car_purchase=items[2],
        car_operation=items[3],
        operating_costs=operating,
    )


def invented_prior(current: Actuals, rng: random.Random) -> Actuals:
    """Last year's figures of a unit's first year in the corpus (no document of it exists)."""

    def before(value: Decimal, step: int = 100) -> Decimal:
        if not value:
            return ZERO
        return yuan(value / fraction(rng, "0.92", "1.15"), step)

    items = (current.abroad, current.reception, current.car_purchase, current.car_operation)
    three = [before(v) if rng.random() < 0.5 else v for v in items]
    return Actuals(
        total=before(current.total),
        general_spending=before(current.general_spending),
        three_public=sum(three, ZERO),
        abroad=three[0],
        reception=three[1],
        car_total=three[2] + three[3],
        car_purchase=three[2],
        car_operation=three[3],
        operating_costs=(
            before(current.operating_costs) if current.operating_costs is not None else None
        ),
    )


def with_prior(data: BudgetData, prior: Actuals, rng: random.Random) -> BudgetData:
    """``data`` with last year's figures and the reasons for the changes filled in."""
    now = actuals(data)
    names = [p.name for p in data.projects if p.current.total()]
    hint = names[-1] if names else ""
    changes: dict[str, Change] = {}
    for f in fields(prior):
        before = getattr(prior, f.name)
        if before is None:
            changes[f.name] = Change()
            continue
        current = getattr(now, f.name) or ZERO
        why = ""
        if f.name in ("total", "general_spending", "three_public", "operating_costs"):
            why = texts.reason(rng, f.name, wan(current) or ZERO, wan(before) or ZERO, hint)
        changes[f.name] = Change(prior=before, reason=why)
    for name in ("abroad", "reception", "car_purchase", "car_operation"):
        changes[name] = changes[name].model_copy(update={"reason": changes["three_public"].reason})
    return data.model_copy(update={"prior_year": PriorYear(**changes)})


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
