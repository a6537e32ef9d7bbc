"""A unit's 决算 (final accounts) data: what it enters to publish its Shanghai 部门决算.

Amounts are in 元 (``Decimal``, to the fen), as the accounting system holds them: the tables and
the text print 万元 with two decimals, each figure rounded half up on its own from the exact sum in
元 (so a generated document shows the 尾差 a real one does). A blank is ``None``, not 0; codes are
strings.

Only primary figures are entered, per 功能分类 项: income by source, spending by source and kind,
the 政府性基金/国有资本经营 money carried in, and the 年初预算 with the reason for each difference.
Everything else is derived by ``final_tables`` and ``final_text``: every 类/款 and 合计, the tables
of the fiscal sources, the money carried out (年末结转和结余 = 年初结转和结余 + 本年收入 −
本年支出), shares, 完成预算 rates and the changes on last year.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from yusuan.budget.model import DATA_SCHEMA_VERSION, Change, GlossaryEntry, Strict

Yuan = Decimal
FINAL_TEMPLATE = "shanghai-final"


class Income(Strict):
    """本年收入 of a 项 by source (收入决算表; 财政拨款收入 = the first three)."""

    general: Yuan | None = Field(None, description="一般公共预算财政拨款收入")
    fund: Yuan | None = Field(None, description="政府性基金预算财政拨款收入")
    capital: Yuan | None = Field(None, description="国有资本经营预算财政拨款收入")
    superior: Yuan | None = Field(None, description="上级补助收入")
    business: Yuan | None = Field(None, description="事业收入")
    operating: Yuan | None = Field(None, description="经营收入")
    affiliated: Yuan | None = Field(None, description="附属单位上缴收入")
    other: Yuan | None = Field(None, description="其他收入")


class Split(Strict):
    basic: Yuan | None = Field(None, description="基本支出")
    project: Yuan | None = Field(None, description="项目支出")


class Budgeted(Strict):
    """年初预算 of a 项 by fiscal source (stated item by item in 第三部分 五、八、九)."""

    general: Yuan | None = Field(None, description="一般公共预算财政拨款年初预算")
    fund: Yuan | None = Field(None, description="政府性基金预算财政拨款年初预算")
    capital: Yuan | None = Field(None, description="国有资本经营预算财政拨款年初预算")


class FinalLine(Strict):
    """One 功能分类 项: its income and spending of the year, by source."""

    code: str = Field(..., pattern=r"^\d{7}$", description="项级科目编码")
    name: str = Field(..., description="科目名称")
    income: Income = Field(default_factory=Income)
    general: Split = Field(default_factory=Split, description="一般公共预算财政拨款支出")
    fund: Split = Field(default_factory=Split, description="政府性基金预算财政拨款支出")
    capital: Split = Field(default_factory=Split, description="国有资本经营预算财政拨款支出")
    other: Split = Field(default_factory=Split, description="非财政拨款资金安排的支出")
    to_superior: Yuan | None = Field(None, description="上缴上级支出")
    operating: Yuan | None = Field(None, description="经营支出")
    to_affiliated: Yuan | None = Field(None, description="对附属单位补助支出")
    fund_start: Yuan | None = Field(None, description="政府性基金年初结转和结余")
    capital_start: Yuan | None = Field(None, description="国有资本经营预算年初结转和结余")
    budget: Budgeted = Field(default_factory=Budgeted, description="年初预算")
    purpose: str = Field("", description="主要用于……")
    reason: str = Field("", description="决算数大于（小于）预算数的主要原因")


class Balances(Strict):
    """The money carried in at the start of the year and the balance flows of 收入支出决算总表
    (the year-end balances are derived)."""

    general_start: Yuan | None = Field(None, description="年初一般公共预算财政拨款结转和结余")
    other_start: Yuan | None = Field(None, description="年初非财政拨款结转和结余")
    use_of_balance: Yuan | None = Field(None, description="使用非财政拨款结余（含专用结余）")
    distribution: Yuan | None = Field(None, description="结余分配")


class EconomicAmount(Strict):
    """A 款 of 一般公共预算财政拨款基本支出 by 经济分类 (301/303: 人员经费; 302/310: 公用经费)."""

    code: str = Field(..., pattern=r"^\d{5}$", description="经济分类款级编码，如30101")
    name: str
    amount: Yuan | None = None


class Item(Strict):
    budget: Yuan | None = Field(None, description="预算数")
    final: Yuan | None = Field(None, description="决算数")


class ThreePublic(Strict):
    """财政拨款“三公”经费: 预算数 and 决算数 of each item, and what 七（二） says about them."""

    abroad: Item = Field(default_factory=Item, description="因公出国（境）费")
    car_purchase: Item = Field(default_factory=Item, description="公务用车购置费")
    car_operation: Item = Field(default_factory=Item, description="公务用车运行（维护）费")
    reception: Item = Field(default_factory=Item, description="公务接待费")
    reason: str = Field("", description="决算数小于（大于）预算数的主要原因")
    abroad_groups: int | None = Field(None, description="因公出国（境）团组数")
    abroad_people: int | None = Field(None, description="因公出国（境）人次")
    abroad_content: str = Field("", description="因公出国（境）费开支内容")
    cars_purchased: int | None = Field(None, description="公务用车购置数量")
    car_purchase_use: str = Field("", description="公务用车购置支出主要用于")
    car_operation_use: str = Field("", description="公务用车运行维护支出主要用于")
    cars_held: int | None = Field(None, description="公务用车保有量")
    reception_batches: int | None = Field(None, description="公务接待批次")
    reception_people: int | None = Field(None, description="公务接待人次")
    foreign_amount: Yuan | None = Field(None, description="外宾接待支出")
    foreign_batches: int | None = Field(None, description="接待外宾批次")
    foreign_people: int | None = Field(None, description="接待外宾人次")
    reception_use: str = Field("", description="公务接待费主要用于")


class PriorYear(Strict):
    """Last year's 决算 figures (元) and the reasons for the changes (与上年相比)."""

    total: Change = Field(default_factory=Change, description="收入支出总计")
    fiscal: Change = Field(default_factory=Change, description="财政拨款收入支出总计")
    general: Change = Field(default_factory=Change, description="一般公共预算财政拨款支出")
    three_public: Change = Field(default_factory=Change, description="“三公”经费")
    abroad: Change = Field(default_factory=Change, description="因公出国（境）费")
    car_total: Change = Field(default_factory=Change, description="公务用车购置及运行维护费")
    reception: Change = Field(default_factory=Change, description="公务接待费")
    operating_costs: Change = Field(default_factory=Change, description="机关运行经费")


class Reasons(Strict):
    general: str = Field("", description="一般公共预算财政拨款决算数大于（小于）年初预算的原因")


class OperatingCosts(Strict):
    applies: bool = Field(True, description="是否有机关运行经费支出（行政单位和参公事业单位）")
    amount: Yuan | None = Field(None, description="机关运行经费（空：等于公用经费合计）")


class Procurement(Strict):
    goods: Yuan | None = Field(None, description="货物采购金额")
    works: Yuan | None = Field(None, description="工程采购金额")
    services: Yuan | None = Field(None, description="服务采购金额")
    sme_reserved: Yuan | None = Field(None, description="面向中小企业预留政府采购项目预算金额")
    small_reserved: Yuan | None = Field(None, description="面向小微企业预留政府采购项目预算金额")
    sme_awarded: Yuan | None = Field(None, description="预留项目中由中小企业中标或成交的金额")
    small_awarded: Yuan | None = Field(None, description="预留项目中由小微企业中标或成交的金额")
    other_sme_awarded: Yuan | None = Field(
        None, description="其他政府采购项目中由中小企业中标或成交的金额"
    )


class Performance(Strict):
    """十、预算绩效管理情况."""

    system: str = Field(
        "", description="制度与机制（“本部门建立了如下预算绩效管理制度：……全过程绩效管理实施情况”）"
    )
    goal_projects: int | None = Field(None, description="编报绩效目标的项目数")
    goal_amount: Yuan | None = None
    tracked_projects: int | None = Field(None, description="绩效跟踪评价的项目数")
    tracked_amount: Yuan | None = None
    evaluated_projects: int | None = Field(None, description="绩效自评的项目数")
    evaluated_amount: Yuan | None = None
    average_score: Decimal | None = Field(None, description="平均得分")
    excellent: int | None = Field(None, description="绩效评级为“优”的项目数")
    good: int | None = Field(None, description="绩效评级为“良”的项目数")
    passed: int | None = Field(None, description="绩效评级为“合格”的项目数")
    failed: int | None = Field(None, description="绩效评级为“不合格”的项目数")
    problems: int | None = Field(None, description="绩效自评中发现问题数")
    fixed: int | None = Field(None, description="已经完成整改的问题数")
    fixing: int | None = Field(None, description="正在整改的问题数")


VEHICLE_KINDS = ("部级领导干部用车", "主要领导干部用车", "机要通信用车", "应急保障用车",
                 "执法执勤用车", "特种专业技术用车", "离退休干部用车", "其他用车")  # fmt: skip


class Assets(Strict):
    as_of: str = Field("", description="截至日期，如 2024年12月31日（空：决算年度12月31日）")
    vehicles: dict[str, int] = Field(default_factory=dict, description="各类车辆数")
    equipment_100: int | None = Field(None, description="单价100万元（含）以上设备台（套）数")


class Member(Strict):
    name: str
    note: str = Field("", description="备注，如“预算不单列，并入本级”")


class Adjustment(Strict):
    """尾差调整: a printed figure moved by a fen of 万元 so that a summary table adds up, as the
    published document printed it (``yusuan data`` keeps them; new data needs none)."""

    table: str = Field(..., description="表的语义键，如 budget_summary")
    row: str = Field(..., description="行：科目编码或行名称")
    column: str
    side: Literal["income", "expenditure"] | None = None
    amount: Decimal = Field(..., description="调整额（万元），如 -0.01")


class Unit(Strict):
    name: str
    year: int = Field(..., ge=2000, le=2100)
    scope: Literal["单位", "部门"] = "部门"


class Texts(Strict):
    duties: str = Field("", description="一、主要职能")
    organization: str = Field("", description="二、部门决算单位构成（或机构设置）的说明")


class FinalData(Strict):
    """Everything a unit enters to publish its 决算 (Shanghai 部门决算, amounts in 元)."""

    schema_version: str = DATA_SCHEMA_VERSION
    template: Literal["shanghai-final"] = Field("shanghai-final", description="公开模板")
    unit: Unit
    texts: Texts = Field(default_factory=Texts)
    members: list[Member] = Field(default_factory=list, description="部门决算单位构成")
    code_names: dict[str, str] = Field(default_factory=dict, description="类/款科目名称")
    classes: list[str] | None = Field(
        None, description="收入支出决算总表按类列示的科目（空：当年全部支出功能分类）"
    )
    functions: list[FinalLine] = Field(default_factory=list)
    balances: Balances = Field(default_factory=Balances)
    economic: list[EconomicAmount] = Field(default_factory=list)
    three_public: ThreePublic = Field(default_factory=ThreePublic)
    reasons: Reasons = Field(default_factory=Reasons)
    prior_year: PriorYear = Field(default_factory=PriorYear)
    operating_costs: OperatingCosts = Field(default_factory=OperatingCosts)
    procurement: Procurement = Field(default_factory=Procurement)
    performance: Performance = Field(default_factory=Performance)
    assets: Assets = Field(default_factory=Assets)
    glossary: list[GlossaryEntry] = Field(default_factory=list)
    adjustments: list[Adjustment] = Field(default_factory=list, description="尾差调整")
