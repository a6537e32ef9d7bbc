"""The state of a synthetic unit (``UnitState``: staff, pay levels, vehicles, projects …):
drawn for its first year by ``new_unit`` and moved on by one year by ``advance`` with plausible
growth: pay rises, staff come and go, recurring projects continue with a new amount, one-off
projects end (some leave money carried over to the next year) and new ones start.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from yusuan.synth.money import ZERO, fraction, log_uniform, yuan
from yusuan.synth.units import (
    ADMIN,
    CAPITAL_CODE,
    CIVIL,
    GENERIC_PROJECTS,
    PUBLIC_1,
    PUBLIC_2,
    DepartmentSpec,
    ProjectIdea,
    UnitSpec,
)

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
