"""What the input workbook (``yusuan template``) holds, declared once per template: its list
sheets and their columns, the single values of its 基本信息 sheet, and its 填写说明. The writer
and the reader in ``workbook`` both walk these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass

from yusuan.templates import get_template
from yusuan.templates.shanxi import ECONOMIC_GROUPS

SOURCES = (("general", "一般公共预算"), ("fund", "政府性基金预算"), ("capital", "国有资本经营预算"),
           ("special", "财政专户管理资金"), ("unit", "单位资金"))  # fmt: skip
FISCAL = SOURCES[:3]
KINDS = ("其他运转类", "特定目标类")


@dataclass(frozen=True, slots=True)
class Col:
    header: str
    path: str  # dotted path inside one item, e.g. "basic.general"
    kind: str = "text"  # text, amount (元), int, choice
    width: float = 14
    choices: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str
    field: str  # BudgetData field holding the list
    columns: tuple[Col, ...]
    note: str


def _amounts(prefix: str, label: str, sources: tuple[tuple[str, str], ...]) -> tuple[Col, ...]:
    return tuple(Col(f"{label}-{name}", f"{prefix}.{key}", "amount") for key, name in sources)


SHEETS = (
    Sheet(
        "功能科目",
        "functions",
        (
            Col("科目编码", "code", width=12, note="7位“项”级编码，如2080505"),
            Col("科目名称", "name", width=28),
            *_amounts("basic", "基本支出", SOURCES),
            *_amounts("project", "项目支出", SOURCES),
            *_amounts("carryover_basic", "上年结转基本", FISCAL),
            *_amounts("carryover_project", "上年结转项目", FISCAL),
        ),
        "每行一个功能分类“项”级科目，按资金来源填写基本支出和项目支出（元）；类、款和合计由系统计算。",
    ),
    Sheet(
        "项目",
        "projects",
        (
            Col("项目名称", "name", width=36),
            Col("所属单位", "unit", width=20, note="部门预算填写；单位预算可空"),
            Col("项目类别", "kind", "choice", 12, KINDS),
            *_amounts("current", "本年", SOURCES),
            *_amounts("carryover", "上年结转", FISCAL),
            Col("主管部门及代码", "goals.department", width=20),
            Col("项目属性", "goals.attribute", width=18),
            Col("项目期", "goals.period", width=8),
            Col("实施期资金总额", "goals.period_funds.total", "amount"),
            Col("项目概况", "goals.texts.项目概况", width=30),
            Col("立项依据", "goals.texts.立项依据", width=30),
            Col("总体目标（实施期）", "goals.texts.总体目标（实施期）", width=30),
            Col("总体目标（年度）", "goals.texts.总体目标（年度）", width=30),
        ),
        "每行一个项目（元）。本年金额合计即表12项目金额；绩效目标表的年度资金总额由此得出。",
    ),
    Sheet(
        "经济科目",
        "economic",
        (
            Col("经济分类", "group", "choice", 18, ECONOMIC_GROUPS[:4]),
            Col("科目名称", "name", width=24),
            Col("政府预算经济分类", "gov_econ", width=22),
            Col("人员经费", "personnel", "amount"),
            Col("公用经费", "public", "amount"),
        ),
        "一般公共预算基本支出按部门预算经济分类填写（元），合计须等于功能科目中一般公共预算基本支出。",
    ),
    Sheet(
        "机关运行经费",
        "operating_costs",
        (Col("单位名称", "unit", width=30), *_amounts("amounts", "金额", FISCAL)),
        "行政单位和参公事业单位填写，按单位（元）。",
    ),
)

# Single values: (sheet row label, dotted path in BudgetData, kind, note)
FACTS: tuple[tuple[str, str, str, str], ...] = (
    ("单位名称", "unit.name", "text", "与公开文件一致"),
    ("预算年度", "unit.year", "int", "如 2025"),
    ("范围", "unit.scope", "choice:单位,部门", "单位预算或部门预算"),
    ("主管部门", "unit.department", "text", ""),
    ("主管部门代码", "unit.department_code", "text", "如 066"),
    ("是否适用机关运行经费", "unit.operating_costs_apply", "bool", "行政单位、参公事业单位填“是”"),
    ("编制人数", "staffing.authorized", "int", ""),
    ("实有人数", "staffing.actual", "int", ""),
    ("内设机构数", "staffing.internal_departments", "int", ""),
    ("退休人数", "staffing.retired", "int", ""),
    ("单位职责", "texts.duties", "text", ""),
    ("机构设置", "texts.organization", "text", ""),
    ("政府购买服务说明", "texts.purchase_of_services", "text", "第三部分十二（一）"),
    ("其他说明", "texts.other", "text", "第三部分十二（二）"),
    ("是否编报整体绩效目标", "texts.whole_unit_goal", "bool", ""),
    ("因公出国（境）费-一般公共预算", "three_public.abroad.general", "amount", "元"),
    ("公务接待费-一般公共预算", "three_public.reception.general", "amount", "元"),
    ("公务用车购置费-一般公共预算", "three_public.car_purchase.general", "amount", "元"),
    ("公务用车运行维护费-一般公共预算", "three_public.car_operation.general", "amount", "元"),
    ("上年收支总计", "prior_year.total.prior", "amount", "元，用于“比上年增减”"),
    ("收支总计变动原因", "prior_year.total.reason", "text", ""),
    ("上年一般公共预算当年支出", "prior_year.general_spending.prior", "amount", "元"),
    ("一般公共预算支出变动原因", "prior_year.general_spending.reason", "text", ""),
    ("上年“三公”经费", "prior_year.three_public.prior", "amount", "元"),
    ("“三公”经费变动原因", "prior_year.three_public.reason", "text", ""),
    ("上年机关运行经费", "prior_year.operating_costs.prior", "amount", "元"),
    ("机关运行经费变动原因", "prior_year.operating_costs.reason", "text", ""),
    ("政府采购-货物", "procurement.goods", "amount", "元"),
    ("政府采购-工程", "procurement.works", "amount", "元"),
    ("政府采购-服务", "procurement.services", "amount", "元"),
    ("资产截至日期", "assets.as_of", "text", "如 2024年12月31日"),
    ("公务用车编制数", "assets.vehicles_authorized", "int", ""),
    *(
        (f"实有{kind}（辆）", f"assets.vehicles.{kind}", "int", "")
        for kind in (
            "领导用车",
            "机要通信用车",
            "应急保障用车",
            "执法执勤用车",
            "特种专业技术用车",
            "事业单位业务用车",
            "其他公务用车",
        )
    ),
    ("办公用房面积（平方米）", "assets.office_area", "amount", ""),
    ("50万元以上通用设备（台套）", "assets.equipment_50", "int", ""),
    ("100万元以上通用设备（台套）", "assets.equipment_100", "int", ""),
)

INSTRUCTIONS: tuple[str, ...] = (
    "本工作簿用于填写单位（部门）预算公开所需的基础数据，填好后运行：",
    "    yusuan render 本文件.xlsx -o 输出目录",
    "即可生成全部13张公开表、情况说明、绩效目标表及图表（DOCX、PDF、HTML、XLSX）。",
    "",
    "填写要求：",
    "1. 金额一律以“元”为单位填写，可保留两位小数；没有的金额留空，不要填0。",
    "2. “基本信息”页逐项填写；灰色为说明。",
    "3. “功能科目”页每行一个“项”级科目，合计、类、款由系统计算，不需填写。",
    "4. “项目”页每行一个项目；表12、表13及绩效目标表由此生成。",
    "5. “经济科目”页的合计应等于功能科目中一般公共预算基本支出的合计。",
    "6. 表1、表4、表5及所有合计、占比、增减变动均由系统计算，不需填写。",
    "7. 填写有误时，系统会指出工作表、行和列。",
)

# --- Shanghai (9 tables, 元) ------------------------------------------------------------------

SH_SOURCES = (
    *FISCAL, ("business", "事业收入"), ("operating", "事业单位经营收入"), ("other", "其他收入")
)  # fmt: skip
TEMPLATE_LABEL = "预算模板"

SHANGHAI_SHEETS = (
    Sheet(
        "功能科目",
        "functions",
        (
            Col("科目编码", "code", width=12, note="7位“项”级编码，如2010301"),
            Col("科目名称", "name", width=28),
            *_amounts("basic", "基本支出", SH_SOURCES),
            *_amounts("project", "项目支出", SH_SOURCES),
            Col("基本支出中的公用经费", "public", "amount", note="其余基本支出为人员经费"),
            Col("主要用于", "purpose", width=40, note="预算编制说明逐项列示"),
        ),
        "每行一个功能分类“项”级科目，按资金来源填写基本支出和项目支出（元）；类、款和合计由系统计算。",
    ),
    Sheet(
        "经济科目",
        "economic",
        (
            Col("经济分类", "group", "choice", 18, ECONOMIC_GROUPS[:4]),
            Col("经济科目编码", "code", width=12, note="5位款级编码，如30101"),
            Col("科目名称", "name", width=24),
            Col("人员经费", "personnel", "amount"),
            Col("公用经费", "public", "amount"),
        ),
        "一般公共预算基本支出按部门预算经济分类填写（元），合计须等于功能科目中一般公共预算基本支出。",
    ),
    Sheet(
        "机关运行经费",
        "operating_costs",
        (Col("单位名称", "unit", width=30), Col("金额", "amounts.general", "amount")),
        "机关运行经费（元），行政单位和参公事业单位填写。",
    ),
    Sheet(
        "其他说明",
        "notes",
        (Col("标题", "title", width=30), Col("内容", "text", width=90)),
        "其他相关情况说明中照录的各节（如国有资产占有使用情况），按顺序排在第五节起。",
    ),
)

_SH_PRIOR = (
    ("fiscal", "财政拨款收入（支出）"), ("general_spending", "一般公共预算拨款支出"),
    ("fund_spending", "政府性基金拨款支出"), ("capital_spending", "国有资本经营预算拨款支出"),
    ("three_public", "“三公”经费"), ("abroad", "因公出国（境）费"), ("reception", "公务接待费"),
    ("car_total", "公务用车购置及运行费"), ("car_purchase", "公务用车购置费"),
    ("car_operation", "公务用车运行费"), ("operating_costs", "机关运行经费"),
)  # fmt: skip

SHANGHAI_FACTS: tuple[tuple[str, str, str, str], ...] = (
    (TEMPLATE_LABEL, "template", "choice:shanxi,shanghai", "shanghai：上海9张表"),
    ("单位名称", "unit.name", "text", "与公开文件一致"),
    ("预算年度", "unit.year", "int", "如 2025"),
    ("范围", "unit.scope", "choice:单位,部门", "单位预算或部门预算"),
    ("主要职能", "texts.duties", "text", ""),
    ("机构设置", "texts.organization", "text", ""),
    ("机关运行经费覆盖单位", "texts.operating_costs_scope", "text", "如“下属1家机关和1家事业单位”"),
    ("因公出国（境）费", "three_public.abroad.general", "amount", "元"),
    ("公务接待费", "three_public.reception.general", "amount", "元"),
    ("公务用车购置费", "three_public.car_purchase.general", "amount", "元"),
    ("公务用车运行费", "three_public.car_operation.general", "amount", "元"),
    *(item for key, name in _SH_PRIOR for item in (
        (f"上年{name}", f"prior_year.{key}.prior", "amount", "元，用于“比上年增减”"),
        (f"{name}变动原因", f"prior_year.{key}.reason", "text", ""),
    )),
    ("政府采购-货物", "procurement.goods", "amount", "元"),
    ("政府采购-工程", "procurement.works", "amount", "元"),
    ("政府采购-服务", "procurement.services", "amount", "元"),
    ("面向中小企业预留", "procurement.sme", "amount", "元"),
    ("其中预留给小型和微型企业", "procurement.small_micro", "amount", "元"),
    ("编报绩效目标的项目个数", "goal_summary.projects", "int", ""),
    ("涉及项目预算资金", "goal_summary.amount", "amount", "元"),
    ("绩效目标补充说明", "goal_summary.detail", "text", ""),
)  # fmt: skip

SHANGHAI_INSTRUCTIONS: tuple[str, ...] = (
    "本工作簿用于填写上海市区级部门（单位）预算公开所需的基础数据，填好后运行：",
    "    yusuan render 本文件.xlsx -o 输出目录",
    "即可生成9张预算表、预算编制说明和其他相关情况说明（DOCX、PDF、HTML、XLSX）。",
    "",
    "填写要求：",
    "1. 金额一律以“元”为单位填写，可保留两位小数；没有的金额留空。说明中的金额由系统换算为万元。",
    "2. “基本信息”页逐项填写；“预算模板”一行保持 shanghai。",
    "3. “功能科目”页每行一个“项”级科目，合计、类、款由系统计算，不需填写。",
    "4. “经济科目”页的合计应等于功能科目中一般公共预算基本支出的合计。",
    "5. 财务收支预算总表、财政拨款收支预算总表及所有合计均由系统计算，不需填写。",
    "6. 填写有误时，系统会指出工作表、行和列。",
)


@dataclass(frozen=True, slots=True)
class WorkbookLayout:
    sheets: tuple[Sheet, ...]
    facts: tuple[tuple[str, str, str, str], ...]
    instructions: tuple[str, ...]


LAYOUTS = {
    "shanxi": WorkbookLayout(SHEETS, FACTS, INSTRUCTIONS),
    "shanghai": WorkbookLayout(SHANGHAI_SHEETS, SHANGHAI_FACTS, SHANGHAI_INSTRUCTIONS),
}


def layout_for(template: str, path: str = "") -> WorkbookLayout:
    """The workbook of a template; a template without one says so (``UnsupportedStageError``)."""
    get_template(template).require("workbook", path)
    return LAYOUTS[get_template(template).key]
