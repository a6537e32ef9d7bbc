"""A unit's budget data: the primary figures a budget officer has, from which the whole disclosure
is derived. Amounts are in 元 (``Decimal``). ``template`` says which template the disclosure
follows: Shanxi's tables round them to 万元 at every level, Shanghai's print 元 (its 三公 table and
its text 万元). Fields a template does not print are left empty for it.

Nothing derivable is entered: tables 1, 4 and 5, every total and subtotal, shares and changes are
computed by ``yusuan.budget.build``. Two breakdowns of the same money are entered because they
are different facts and the template publishes both: spending by 功能分类 code (how the money is
booked) and spending by project (what it is for); ``validate`` checks that they reconcile.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DATA_SCHEMA_VERSION = "1.0"

Yuan = Decimal


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Sources(Strict):
    """Money by source (元). A missing source is ``None`` (blank in the tables), not 0."""

    general: Yuan | None = Field(None, description="一般公共预算")
    fund: Yuan | None = Field(None, description="政府性基金预算")
    capital: Yuan | None = Field(None, description="国有资本经营预算")
    special: Yuan | None = Field(None, description="财政专户管理资金")
    unit: Yuan | None = Field(None, description="单位资金")
    business: Yuan | None = Field(None, description="事业收入（上海）")
    operating: Yuan | None = Field(None, description="事业单位经营收入（上海）")
    other: Yuan | None = Field(None, description="其他收入（上海）")

    def total(self) -> Yuan:
        return sum((v for v in self.values() if v is not None), Decimal(0))

    def values(self) -> list[Yuan | None]:
        return [self.general, self.fund, self.capital, self.special, self.unit,
                self.business, self.operating, self.other]  # fmt: skip

    def fiscal(self) -> Yuan:
        return sum((v or Decimal(0) for v in (self.general, self.fund, self.capital)), Decimal(0))


class FunctionLine(Strict):
    """Spending booked to one 功能分类 code (normally a 7-digit 项), current year and carry-over."""

    code: str = Field(..., pattern=r"^\d{3}(\d{2}){0,2}$", description="科目编码")
    name: str = Field(..., description="科目名称")
    basic: Sources = Field(default_factory=Sources, description="基本支出（本年）")
    project: Sources = Field(default_factory=Sources, description="项目支出（本年）")
    carryover_basic: Sources = Field(default_factory=Sources, description="上年结转用于基本支出")
    carryover_project: Sources = Field(default_factory=Sources, description="上年结转用于项目支出")
    public: Yuan | None = Field(
        None, description="基本支出中的公用经费（上海表1按类列示；其余为人员经费）"
    )
    purpose: str = Field("", description="主要用于……（上海预算编制说明逐项列示）")


class Indicator(Strict):
    level1: str
    level2: str
    level3: str
    value: str = ""


class LevelSources(Strict):
    """Project funds by level of government (元), as the performance tables print them."""

    total: Yuan | None = None
    central: Yuan | None = Field(None, description="中央财政资金")
    provincial: Yuan | None = Field(None, description="省级财政资金")
    local: Yuan | None = Field(None, description="市县（区）财政资金")
    own: Yuan | None = Field(None, description="单位自筹")
    other: Yuan | None = Field(None, description="其他资金")


class Goals(Strict):
    """A project's performance goals (项目支出绩效目标表)."""

    department: str | None = Field(None, description="主管部门及代码")
    implementer: str | None = Field(None, description="实施单位")
    attribute: str | None = Field(None, description="项目属性")
    period: str | None = Field(None, description="项目期")
    period_funds: LevelSources = Field(default_factory=LevelSources, description="实施期资金")
    annual_funds: LevelSources = Field(
        default_factory=LevelSources, description="年度资金（总额由表12金额得出，可不填）"
    )
    texts: dict[str, str] = Field(default_factory=dict)
    period_indicators: list[Indicator] = Field(default_factory=list)
    annual_indicators: list[Indicator] = Field(default_factory=list)


class Project(Strict):
    name: str
    unit: str | None = Field(None, description="实施单位（部门预算中项目所属单位）")
    kind: str | None = Field(None, description="其他运转类 / 特定目标类 …")
    current: Sources = Field(default_factory=Sources, description="本年预算（表12）")
    carryover: Sources = Field(default_factory=Sources, description="上年结转（表13）")
    goals: Goals | None = None


class EconomicItem(Strict):
    """A 部门预算经济分类 item of general-budget basic spending (table 6)."""

    group: str = Field(..., description="工资福利支出 / 商品和服务支出 / 对个人和家庭的补助 …")
    code: str | None = Field(
        None, pattern=r"^\d{5}$", description="部门预算经济分类款级编码（上海表8），如30101"
    )
    name: str
    gov_econ: str = Field("", description="政府预算经济分类名称")
    personnel: Yuan | None = Field(None, description="人员经费")
    public: Yuan | None = Field(None, description="公用经费")


class FiscalSources(Strict):
    general: Yuan | None = None
    fund: Yuan | None = None
    capital: Yuan | None = None

    def total(self) -> Yuan:
        return sum((v or Decimal(0) for v in (self.general, self.fund, self.capital)), Decimal(0))


class ThreePublic(Strict):
    """“三公”经费 (table 10), by fiscal source."""

    abroad: FiscalSources = Field(default_factory=FiscalSources, description="因公出国（境）费")
    reception: FiscalSources = Field(default_factory=FiscalSources, description="公务接待费")
    car_purchase: FiscalSources = Field(default_factory=FiscalSources, description="公务用车购置费")
    car_operation: FiscalSources = Field(
        default_factory=FiscalSources, description="公务用车运行维护费"
    )


class UnitCosts(Strict):
    unit: str
    amounts: FiscalSources = Field(default_factory=FiscalSources)


class Change(Strict):
    """Last year's figure and the reason for the change (for the 比上年 sentences)."""

    prior: Yuan | None = Field(None, description="上年数（元）")
    reason: str = ""


class PriorYear(Strict):
    total: Change = Field(default_factory=Change, description="收入/支出总计")
    general_spending: Change = Field(default_factory=Change, description="一般公共预算当年支出")
    three_public: Change = Field(default_factory=Change, description="“三公”经费合计")
    abroad: Change = Field(default_factory=Change)
    reception: Change = Field(default_factory=Change)
    car_total: Change = Field(default_factory=Change, description="公务用车购置及运行费")
    car_purchase: Change = Field(default_factory=Change)
    car_operation: Change = Field(default_factory=Change)
    operating_costs: Change = Field(default_factory=Change, description="机关运行经费")
    fiscal: Change = Field(default_factory=Change, description="财政拨款收入/支出（上海）")
    fund_spending: Change = Field(default_factory=Change, description="政府性基金拨款支出（上海）")
    capital_spending: Change = Field(
        default_factory=Change, description="国有资本经营预算拨款支出（上海）"
    )


class Procurement(Strict):
    goods: Yuan | None = None
    works: Yuan | None = None
    services: Yuan | None = None
    sme: Yuan | None = Field(None, description="面向中小企业预留（上海）")
    small_micro: Yuan | None = Field(None, description="其中预留给小型和微型企业（上海）")


class GoalSummary(Strict):
    """绩效目标设置情况 of a template without a project table (Shanghai)."""

    projects: int | None = Field(None, description="编报绩效目标的项目个数")
    amount: Yuan | None = Field(None, description="涉及项目预算资金（元）")
    detail: str = Field("", description="其后的说明（照录）")


class Assets(Strict):
    as_of: str | None = Field(None, description="截至日期，如 2024年12月31日")
    vehicles_authorized: int | None = None
    vehicles: dict[str, int] = Field(default_factory=dict, description="各类公务用车数")
    office_area: Decimal | None = Field(None, description="办公用房建筑总面积（平方米）")
    equipment_50: int | None = None
    equipment_100: int | None = None


class Staffing(Strict):
    authorized: int | None = None
    actual: int | None = None
    internal_departments: int | None = None
    retired: int | None = None


class Annex(Strict):
    title: str
    text: str


class GlossaryEntry(Strict):
    term: str
    definition: str


class Unit(Strict):
    name: str
    year: int = Field(..., ge=2000, le=2100)
    scope: Literal["单位", "部门"] = "单位"
    department: str | None = Field(None, description="主管部门名称")
    department_code: str | None = Field(None, description="主管部门代码")
    units: list[str] = Field(default_factory=list, description="部门所属单位（部门预算）")
    operating_costs_apply: bool = Field(
        True, description="是否适用机关运行经费（行政单位和参公事业单位）"
    )


class Texts(Strict):
    duties: str = ""
    organization: str = ""
    purchase_of_services: str = Field("无", description="十二（一）政府购买服务指导性目录")
    other: str = Field("无", description="十二（二）其他")
    operating_costs_note: str = Field("", description="八：不适用时的说明")
    whole_unit_goal: bool = Field(True, description="是否编报整体绩效目标")
    operating_costs_scope: str = Field(
        "", description="上海：机关运行经费覆盖的单位，如“下属1家机关和1家事业单位”"
    )


class BudgetData(Strict):
    """Everything a unit enters to publish its budget disclosure."""

    schema_version: str = DATA_SCHEMA_VERSION
    template: Literal["shanxi", "shanghai"] = Field(
        "shanxi", description="公开模板：shanxi（山西13张表）或 shanghai（上海9张表）"
    )
    unit: Unit
    staffing: Staffing = Field(default_factory=Staffing)
    texts: Texts = Field(default_factory=Texts)
    code_names: dict[str, str] = Field(
        default_factory=dict, description="类/款科目名称（目录中没有时需填写）"
    )
    functions: list[FunctionLine] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    economic: list[EconomicItem] = Field(default_factory=list)
    three_public: ThreePublic = Field(default_factory=ThreePublic)
    operating_costs: list[UnitCosts] = Field(default_factory=list)
    prior_year: PriorYear = Field(default_factory=PriorYear)
    procurement: Procurement = Field(default_factory=Procurement)
    assets: Assets = Field(default_factory=Assets)
    whole_unit_goals: list[Indicator] = Field(default_factory=list)
    annexes: list[Annex] = Field(default_factory=list)
    glossary: list[GlossaryEntry] = Field(default_factory=list)
    goal_summary: GoalSummary = Field(default_factory=GoalSummary, description="上海：绩效目标")
    notes: list[Annex] = Field(
        default_factory=list, description="上海：其他相关情况说明中照录的各节（国有资产等）"
    )
