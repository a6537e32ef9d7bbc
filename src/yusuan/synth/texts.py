"""The Chinese wording of synthetic disclosures: duties, organisation, project texts, indicators,
reasons for changes. Figures come in as arguments; nothing here computes money."""

from __future__ import annotations

import random
from decimal import Decimal

from yusuan.budget.model import Indicator
from yusuan.synth.units import ADMIN, CIVIL, PUBLIC_1, PUBLIC_2, DepartmentSpec, UnitSpec

_KIND_WORDS = {
    ADMIN: "行政单位",
    CIVIL: "参照《中华人民共和国公务员法》管理的事业单位",
    PUBLIC_1: "公益一类事业单位",
    PUBLIC_2: "公益二类事业单位",
}
_PROVINCE_OFFICES = ("办公室", "人事处", "财务处", "政策法规处", "规划发展处", "监督检查处",
                     "科技信息处", "综合业务处", "行政审批处", "机关党委")  # fmt: skip
_CITY_OFFICES = ("办公室", "人事科", "财务科", "法规科", "规划科", "监督科", "信息科",
                 "综合业务科", "行政审批科")  # fmt: skip
_UNIT_OFFICES = ("综合部", "财务部", "业务一部", "业务二部", "技术保障部", "质量管理部", "信息部",
                 "服务部")  # fmt: skip
_SUPPORT = ("技术支撑", "服务保障", "业务支撑", "专业技术服务")


def _parent(department: DepartmentSpec) -> str:
    return "省委、省政府" if department.region == "示例省" else "市委、市政府"


def duties(department: DepartmentSpec, unit: UnitSpec | None) -> str:
    """第一部分 一、职责: the department's own duties for the department and its 机关."""
    theme = department.theme
    if unit is None or unit.kind == ADMIN:
        name = unit.name if unit is not None else department.name
        return (
            f"{name}主要职责是：{'；'.join(theme.duties)}；"
            f"完成{_parent(department)}交办的其他任务。"
        )
    first, *rest = theme.duties
    support = _SUPPORT[len(unit.suffix) % len(_SUPPORT)]
    return (
        f"{unit.name}主要职责是：为{department.name}{first.removeprefix('负责')}提供{support}；"
        f"承担{unit.suffix.removesuffix('中心')}相关业务的具体实施工作；"
        f"{rest[0] if rest else first}的有关事务性工作；完成{department.name}交办的其他任务。"
    )


def offices(department: DepartmentSpec, unit: UnitSpec | None, count: int) -> list[str]:
    pool: tuple[str, ...]
    if unit is not None and unit.kind != ADMIN:
        pool = _UNIT_OFFICES
    else:
        pool = _PROVINCE_OFFICES if department.region == "示例省" else _CITY_OFFICES
    return list(pool[: max(1, min(count, len(pool)))])


def unit_organization(
    department: DepartmentSpec,
    unit: UnitSpec,
    authorized: int,
    actual: int,
    retired: int,
    internal: int,
) -> str:
    kind = _KIND_WORDS.get(unit.kind, "事业单位")
    staff_kind = "行政" if unit.kind == ADMIN else "事业"
    names = "、".join(offices(department, unit, internal))
    if unit.kind == ADMIN:
        head = f"{unit.name}是{department.name}的机关本级，为{kind}。"
    else:
        head = f"{unit.name}是{department.name}所属的{kind}。"
    return (
        f"{head}核定{staff_kind}编制{authorized}名，实有在职人员{actual}名，退休人员{retired}名。"
        f"内设机构{len(names.split('、'))}个，分别是{names}。本单位无下属预算单位。"
    )


def department_organization(
    department: DepartmentSpec, authorized: int, actual: int, retired: int, internal: int
) -> str:
    units = [u.name for u in department.units]
    others = len(units) - 1
    scope = f"机关本级及所属{others}个预算单位" if others else "机关本级"
    return (
        f"{department.name}部门预算由{scope}的预算组成。全部门核定编制{authorized}名，"
        f"实有在职人员{actual}名，退休人员{retired}名。内设机构{internal}个。"
        f"下属预算单位包括：{'、'.join(units)}。"
    )


def stem(project: str) -> str:
    """ "政务云资源租赁服务项目" → "政务云资源租赁服务"."""
    return project.removesuffix("项目").removesuffix("经费") or project


def project_texts(
    unit: str, department: DepartmentSpec, project: str, recurring: bool, amount: str, year: int
) -> dict[str, str]:
    """The text fields of a 项目支出绩效目标表 (``amount`` as printed, 万元)."""
    what = stem(project)
    plan = f"《{department.region}{department.theme.key}事业发展“十四五”规划》"
    return {
        "项目概况": (
            f"{what}是{unit}的{'经常性' if recurring else '专项'}工作，"
            f"{year}年安排资金{amount}万元，用于保障{what}按计划实施。"
        ),
        "立项依据": f"{plan}及{department.name}{year}年工作要点",
        "项目设立必要性": (
            f"{what}是落实{department.name}年度重点任务的需要，对履行部门职责具有重要支撑作用。"
        ),
        "保证项目实施的制度、措施": (
            "严格执行《中华人民共和国预算法》和项目资金管理办法，实行专款专用、专账核算，"
            "按进度拨付资金，加强绩效监控。"
        ),
        "项目实施计划": (
            "1-3月完成前期准备和采购工作；4-10月组织实施；11-12月完成验收和绩效自评。"
        ),
        "总体目标（实施期）": (
            f"按计划完成{what}各项任务，资金使用规范，服务对象满意度不低于90%。"
        ),
        "总体目标（年度）": (
            f"{year}年完成{what}年度任务，项目验收合格，服务对象满意度不低于90%。"
        ),
    }


_OUTPUT, _EFFECT, _SATISFACTION = "产出指标", "效益指标", "满意度指标"
# The last row of every tree. Its level-3 name must not read as a level-2 name
# ("服务对象满意度" would), or a reader takes the row for a heading.
_SATISFIED = (_SATISFACTION, "服务对象满意度指标", "受益对象满意度", "≥90%")


def _tree(rows: list[tuple[str, str, str, str]]) -> list[Indicator]:
    return [Indicator(level1=a, level2=b, level3=c, value=d) for a, b, c, d in rows]


def indicators(
    project: str, amount: str, year: int, quantity: int, annual: bool
) -> list[Indicator]:
    """The indicator tree of a project (``quantity`` and ``amount`` for the period asked)."""
    what = stem(project)
    deadline = f"{year}年12月底前" if annual else f"{year + 2}年12月底前"
    return _tree(
        [
            (_OUTPUT, "数量指标", f"{what}完成数量", f"≥{quantity}项"),
            (_OUTPUT, "质量指标", "验收合格率", "100%"),
            (_OUTPUT, "时效指标", "任务完成时间", deadline),
            (_OUTPUT, "成本指标", f"{what}成本", f"≤{amount}万元"),
            (_EFFECT, "社会效益指标", "履职服务能力", "明显提升"),
            (_EFFECT, "可持续影响指标", "长效管理机制", "持续发挥作用"),
            _SATISFIED,
        ]
    )


def whole_unit_goals(name: str, basic: str, project: str, year: int) -> list[Indicator]:
    return _tree(
        [
            (_OUTPUT, "数量指标", "重点工作任务完成数", "≥10项"),
            (_OUTPUT, "质量指标", "重点任务完成率", "100%"),
            (_OUTPUT, "时效指标", "年度任务完成时间", f"{year}年12月底前"),
            (_OUTPUT, "成本指标", "基本支出预算控制数", f"≤{basic}万元"),
            (_OUTPUT, "成本指标", "项目支出预算控制数", f"≤{project}万元"),
            (_EFFECT, "社会效益指标", f"{name}履职效能", "明显提升"),
            _SATISFIED,
        ]
    )


_UP = {
    "total": ("新增{project}等项目", "人员经费随工资标准调整相应增加",
              "业务工作量增加，项目支出相应增加"),
    "general_spending": ("新增{project}等项目", "人员经费随工资标准调整相应增加"),
    "three_public": ("公务用车更新购置", "公务接待任务增加"),
    "operating_costs": ("在职人员增加，公用经费相应增加", "办公用房物业管理费用增加"),
}  # fmt: skip
_DOWN = {
    "total": ("{project}等一次性项目完成后不再安排", "严格落实过紧日子要求，压减一般性支出"),
    "general_spending": ("{project}等一次性项目完成后不再安排", "压减非刚性、非重点项目支出"),
    "three_public": ("严格落实中央八项规定精神，压减公务接待和公务用车运行费用",),
    "operating_costs": ("厉行节约，压减办公费、差旅费等一般性支出",),
}  # fmt: skip


def reason(rng: random.Random, field: str, current: Decimal, prior: Decimal, project: str) -> str:
    """Why a figure changed, in the words Part 3 uses (empty when it did not change)."""
    if current == prior:
        return ""
    choices = (_UP if current > prior else _DOWN)[field]
    return rng.choice(choices).format(project=project or "重点业务")


def purchase_of_services(scope: str, projects: list[tuple[str, str]]) -> str:
    """十二（一）: the projects bought as 政府购买服务, with their amounts as printed."""
    if not projects:
        return "无"
    listed = "、".join(f"{name}{amount}万元" for name, amount in projects)
    catalog = "《示例省部门政府购买服务指导性目录》"
    return f"根据{catalog}，我{scope}将以下事项纳入政府购买服务范围：{listed}。"
