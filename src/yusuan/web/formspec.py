"""What the budget editor's form edits, per template: its sections, their fields and list columns.

One declarative description per template drives both the page and the parsing
(``yusuan.web.budgetform``), as the input workbook's sheets do (``yusuan.budget.workbook_layout``).
Each template's form follows its own workbook: Shanxi's 13 tables by the five sources of
funds, Shanghai's 9 tables by its six sources, with 公用经费 by 科目, the 经济科目 codes and the
sections of 其他相关情况说明. Table numbers in the notes are the template's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yusuan.budget.workbook_layout import KINDS, SH_SOURCES, SOURCES
from yusuan.templates import SHANGHAI, SHANXI, Template, get_template
from yusuan.templates.shanxi import ECONOMIC_GROUPS


@dataclass(frozen=True, slots=True)
class Field:
    path: str  # inside the data (single values) or inside one list item (columns)
    label: str
    kind: str = "text"  # text, textarea, amount (元), int, bool, choice
    choices: tuple[str, ...] = ()
    required: bool = False
    blank: Any = None  # the value of an empty input
    group: str = ""  # columns under a common header


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]
    items: str | None = None  # the BudgetData list the rows edit
    note: str = ""
    new_rows: int = 0  # empty rows offered for adding

    def header_rows(self) -> list[list[tuple[str, int, int]]]:
        """The table header of a list: (text, colspan, rowspan), grouped columns merged."""
        grouped = any(f.group for f in self.fields)
        top: list[tuple[str, int, int]] = []
        bottom: list[tuple[str, int, int]] = []
        for f in self.fields:
            if not f.group:
                top.append((f.label, 1, 2 if grouped else 1))
            elif top and top[-1][0] == f.group and bottom:
                top[-1] = (f.group, top[-1][1] + 1, 1)
                bottom.append((f.label, 1, 1))
            else:
                top.append((f.group, 1, 1))
                bottom.append((f.label, 1, 1))
        return [top, bottom] if grouped else [top]


def _sources(prefix: str, group: str, keys: tuple[tuple[str, str], ...] = SOURCES
             ) -> tuple[Field, ...]:  # fmt: skip
    return tuple(Field(f"{prefix}.{key}", name, "amount", group=group) for key, name in keys)


def _prior(items: tuple[tuple[str, str], ...]) -> tuple[Field, ...]:
    return tuple(f for key, label in items for f in (
        Field(f"prior_year.{key}.prior", f"上年{label}", "amount"),
        Field(f"prior_year.{key}.reason", f"{label}增减原因", blank=""),
    ))  # fmt: skip


def _table(template: Template, key: str) -> str:
    """The number the template prints a table under, as "表N"."""
    return f"表{template.number_of(key)}"


_UNIT = Field("unit.name", "单位名称", required=True, blank="")
_YEAR = Field("unit.year", "预算年度", "int", required=True)
_SCOPE = Field("unit.scope", "范围", "choice", ("单位", "部门"), required=True)
_CODE = Field("code", "科目编码", required=True, blank="")
_NAME = Field("name", "科目名称", required=True, blank="")
_GROUP = Field("group", "经济分类", "choice", ECONOMIC_GROUPS[:4], required=True, blank="")
_THREE_PUBLIC = (
    Field("three_public.abroad.general", "因公出国（境）费", "amount"),
    Field("three_public.reception.general", "公务接待费", "amount"),
    Field("three_public.car_purchase.general", "公务用车购置费", "amount"),
)
_FUNCTIONS_NOTE = "每行一个功能分类“项”级科目，按资金来源填写（元）；类、款和合计由系统计算。"

_SHANXI_PRIOR = (("total", "收支总计"), ("general_spending", "一般公共预算当年支出"),
                 ("three_public", "“三公”经费"), ("abroad", "因公出国（境）费"),
                 ("reception", "公务接待费"), ("car_total", "公务用车购置及运行费"),
                 ("car_purchase", "公务用车购置费"), ("car_operation", "公务用车运行维护费"),
                 ("operating_costs", "机关运行经费"))  # fmt: skip

SHANXI_SECTIONS: tuple[Section, ...] = (
    Section("unit", "单位信息", (
        _UNIT, _YEAR, _SCOPE,
        Field("unit.department", "主管部门"),
        Field("unit.department_code", "主管部门代码"),
        Field("unit.operating_costs_apply", "适用机关运行经费（行政单位、参公事业单位）", "bool"),
    )),
    Section("staffing", "人员编制", (
        Field("staffing.authorized", "编制人数", "int"),
        Field("staffing.actual", "实有人数", "int"),
        Field("staffing.internal_departments", "内设机构数", "int"),
        Field("staffing.retired", "退休人数", "int"),
    )),
    Section("functions", "功能科目（元）", (
        _CODE, _NAME, *_sources("basic", "基本支出"), *_sources("project", "项目支出"),
    ), items="functions", new_rows=3,
        note=_FUNCTIONS_NOTE + "上年结转按来源的金额在填报工作簿中编辑。"),
    Section("projects", "项目（元）", (
        Field("name", "项目名称", required=True, blank=""),
        Field("unit", "所属单位"),
        Field("kind", "项目类别", "choice", KINDS),
        *_sources("current", "本年预算"),
        Field("carryover.general", "上年结转（一般公共预算）", "amount"),
    ), items="projects", new_rows=2,
        note=f"本年预算合计即{_table(SHANXI, 'projects_current')}项目金额。"
             "绩效目标与指标在填报工作簿中编辑。"),
    Section("economic", "一般公共预算基本支出经济科目（元）", (
        _GROUP, _NAME,
        Field("gov_econ", "政府预算经济分类", blank=""),
        Field("personnel", "人员经费", "amount"),
        Field("public", "公用经费", "amount"),
    ), items="economic", new_rows=2,
        note="合计须等于功能科目中一般公共预算基本支出的合计。"),
    Section("three_public", "“三公”经费（元，一般公共预算）", (
        *_THREE_PUBLIC,
        Field("three_public.car_operation.general", "公务用车运行维护费", "amount"),
    )),
    Section("operating_costs", "机关运行经费（元）", (
        Field("unit", "单位名称", required=True, blank=""),
        *_sources("amounts", "金额", SOURCES[:3]),
    ), items="operating_costs", new_rows=1, note="行政单位和参公事业单位按单位填写。"),
    Section("prior_year", "上年数与增减原因（元）", _prior(_SHANXI_PRIOR),
            note="用于第三部分“比上年增加（减少）……主要原因是……”的说明。"),
    Section("procurement", "政府采购（元）", (
        Field("procurement.goods", "货物", "amount"),
        Field("procurement.works", "工程", "amount"),
        Field("procurement.services", "服务", "amount"),
    )),
    Section("texts", "文字说明", (
        Field("texts.duties", "单位职责", "textarea", blank=""),
        Field("texts.organization", "机构设置", "textarea", blank=""),
        Field("texts.purchase_of_services", "政府购买服务说明（十二（一））", "textarea", blank=""),
        Field("texts.other", "其他说明（十二（二））", "textarea", blank=""),
        Field("texts.operating_costs_note", "不适用机关运行经费时的说明（八）", "textarea",
              blank=""),
        Field("texts.whole_unit_goal", "编报整体绩效目标", "bool"),
    )),
)  # fmt: skip

_ECONOMIC = "basic_by_economic"
_SHANGHAI_PRIOR = (
    ("fiscal", "财政拨款收入（支出）"), ("general_spending", "一般公共预算拨款支出"),
    ("fund_spending", "政府性基金拨款支出"), ("capital_spending", "国有资本经营预算拨款支出"),
    ("three_public", "“三公”经费"), ("abroad", "因公出国（境）费"), ("reception", "公务接待费"),
    ("car_total", "公务用车购置及运行费"), ("car_purchase", "公务用车购置费"),
    ("car_operation", "公务用车运行费"), ("operating_costs", "机关运行经费"),
)  # fmt: skip

SHANGHAI_SECTIONS: tuple[Section, ...] = (
    Section("unit", "单位信息", (_UNIT, _YEAR, _SCOPE)),
    Section("functions", "功能科目（元）", (
        _CODE, _NAME, *_sources("basic", "基本支出", SH_SOURCES),
        *_sources("project", "项目支出", SH_SOURCES),
        Field("public", "基本支出中的公用经费", "amount"),
        Field("purpose", "主要用于", blank=""),
    ), items="functions", new_rows=3,
        note=_FUNCTIONS_NOTE + "基本支出中公用经费以外的为人员经费；“主要用于”写入预算编制说明。"),
    Section("economic", f"一般公共预算基本支出经济科目（元，{_table(SHANGHAI, _ECONOMIC)}）", (
        _GROUP,
        Field("code", "经济科目编码", required=True, blank=""),
        _NAME,
        Field("personnel", "人员经费", "amount"),
        Field("public", "公用经费", "amount"),
    ), items="economic", new_rows=2,
        note="经济科目编码为5位款级编码（如30101）；合计须等于功能科目中一般公共预算基本支出的合计。"),
    Section("three_public", f"“三公”经费（元，{_table(SHANGHAI, 'three_public')}按万元列示）", (
        *_THREE_PUBLIC,
        Field("three_public.car_operation.general", "公务用车运行费", "amount"),
    )),
    Section("operating_costs", "机关运行经费（元）", (
        Field("unit", "单位名称", required=True, blank=""),
        Field("amounts.general", "金额", "amount"),
    ), items="operating_costs", new_rows=1, note="行政单位和参公事业单位按单位填写。"),
    Section("prior_year", "上年数与增减原因（元）", _prior(_SHANGHAI_PRIOR),
            note="用于预算编制说明和其他相关情况说明中“比上年增加（减少）……”的说明。"),
    Section("procurement", "政府采购（元）", (
        Field("procurement.goods", "货物", "amount"),
        Field("procurement.works", "工程", "amount"),
        Field("procurement.services", "服务", "amount"),
        Field("procurement.sme", "面向中小企业预留", "amount"),
        Field("procurement.small_micro", "其中预留给小型和微型企业", "amount"),
    )),
    Section("goal_summary", "绩效目标设置情况", (
        Field("goal_summary.projects", "编报绩效目标的项目个数", "int"),
        Field("goal_summary.amount", "涉及项目预算资金（元）", "amount"),
        Field("goal_summary.detail", "补充说明", "textarea", blank=""),
    )),
    Section("texts", "文字说明", (
        Field("texts.duties", "主要职能", "textarea", blank=""),
        Field("texts.organization", "机构设置", "textarea", blank=""),
        Field("texts.operating_costs_scope",
              "机关运行经费覆盖的单位（如“下属1家机关和1家事业单位”）", blank=""),
    )),
    Section("notes", "其他相关情况说明（第五节起）", (
        Field("title", "标题", required=True, blank=""),
        Field("text", "内容", "textarea", blank=""),
    ), items="notes", new_rows=1, note="照录的各节（如国有资产占有使用情况），按顺序排列。"),
)  # fmt: skip

SECTIONS_BY_TEMPLATE: dict[str, tuple[Section, ...]] = {
    SHANXI.key: SHANXI_SECTIONS,
    SHANGHAI.key: SHANGHAI_SECTIONS,
}


def sections_for(template: str) -> tuple[Section, ...]:
    """The form of a template's budget data (Shanxi's for a template without its own)."""
    return SECTIONS_BY_TEMPLATE.get(get_template(template).key, SHANXI_SECTIONS)
