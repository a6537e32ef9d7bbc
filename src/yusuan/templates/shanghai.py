"""The Shanghai 预算 template (上海市区级部门/单位预算, 9 tables) as data.

Codes are printed in three columns (类, 款, 项) and joined into one code; table amounts are in 元,
except the 三公/机关运行经费 table (万元), which prints a single row of figures.
"""

from __future__ import annotations

import re
from dataclasses import replace

from yusuan.model import Side
from yusuan.templates.common import (
    BASIC_COLUMNS,
    CODED_START,
    NO_LABEL_START,
    SPLIT_CODES,
    SUMMARY_FACTS,
    WORDING,
    columns,
)
from yusuan.templates.spec import (
    ChecklistSpec,
    ClaimSpec,
    ColumnSpec,
    FactSpec,
    GroupSpec,
    TableSpec,
    Template,
)


def _title(body: str) -> re.Pattern[str]:
    # Some documents drop the year from a title ("部门“三公”经费和机关运行经费预算表").
    return re.compile(r"^(?:(\d{4})年)?(?:预算单位|预算部门|部门|单位|区级)?" + body + "$")


def _under(head: str) -> tuple[ColumnSpec, ...]:
    """合计/基本支出/项目支出 under a spanning header ("一般公共预算支出/合计" …)."""
    return columns(*((key, head + name) for key, name in BASIC_COLUMNS))


_SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        1, "budget_summary", _title("财务收支预算总表"),
        (
            GroupSpec(Side.INCOME, ("name",), columns(("amount", "本年收入/预算数"))),
            GroupSpec(Side.EXPENDITURE, ("name",), columns(
                ("total", "本年支出/合计"), ("personnel", "本年支出/基本支出/人员经费"),
                ("public", "本年支出/基本支出/公用经费"), ("project", "本年支出/项目支出"))),
        ),
        re.compile(r"^一、"),
    ),
    TableSpec(
        2, "income_summary", _title("收入预算总表"),
        (GroupSpec(None, SPLIT_CODES, columns(
            ("total", "收入预算/合计"), ("fiscal", "收入预算/财政拨款收入"),
            ("business", "收入预算/事业收入"), ("operating", "收入预算/事业单位经营收入"),
            ("other", "收入预算/其他收入"))),),
        CODED_START, hierarchy="code",
    ),
    TableSpec(
        3, "expenditure_summary", _title("支出预算总表"),
        (GroupSpec(None, SPLIT_CODES, columns(*((k, "支出预算/" + h) for k, h in BASIC_COLUMNS))),),
        CODED_START, hierarchy="code",
    ),
    TableSpec(
        4, "fiscal_summary", _title("财政拨款收支预算总表"),
        (
            GroupSpec(Side.INCOME, ("name",), columns(("amount", "财政拨款收入/预算数"))),
            GroupSpec(Side.EXPENDITURE, ("name",), columns(
                ("total", "财政拨款支出/合计"), ("general", "财政拨款支出/一般公共预算"),
                ("fund", "财政拨款支出/政府性基金预算"),
                ("capital", "财政拨款支出/国有资本经营预算"))),
        ),
        re.compile(r"^一、"),
    ),
    TableSpec(
        5, "general_expenditure", _title("一般公共预算支出功能分类预算表"),
        (GroupSpec(None, SPLIT_CODES, _under("一般公共预算支出/")),),
        CODED_START, hierarchy="code",
    ),
    TableSpec(
        6, "fund_expenditure", _title("政府性基金预算支出功能分类预算表"),
        (GroupSpec(None, SPLIT_CODES, _under("政府性基金预算支出/")),),
        CODED_START, hierarchy="code",
    ),
    TableSpec(
        7, "capital_expenditure", _title("国有资本经营预算支出功能分类预算表"),
        (GroupSpec(None, SPLIT_CODES, _under("国有资本经营预算支出/")),),
        CODED_START, hierarchy="code",
    ),
    TableSpec(
        8, "basic_by_economic", _title("一般公共预算基本支出部门预算经济分类预算表"),
        (GroupSpec(None, ("code_class", "code_section", "name"), columns(
            ("total", "一般公共预算基本支出/合计"), ("personnel", "一般公共预算基本支出/人员经费"),
            ("public", "一般公共预算基本支出/公用经费"))),),
        CODED_START, hierarchy="econ_code",
    ),
    TableSpec(
        9, "three_public", _title(r"[“\"]三公[”\"]经费和机关运行经费预算表"),
        (GroupSpec(None, (), columns(
            ("total", "“三公”经费预算数/合计"), ("abroad", "“三公”经费预算数/因公出国(境)费"),
            ("reception", "“三公”经费预算数/公务接待费"),
            ("car_total", "“三公”经费预算数/公务用车购置及运行费/小计"),
            ("car_purchase", "“三公”经费预算数/公务用车购置及运行费/购置费"),
            ("car_operation", "“三公”经费预算数/公务用车购置及运行费/运行费"),
            ("operating", "机关运行经费预算数"))),),
        NO_LABEL_START,
    ),
)  # fmt: skip

SHANGHAI_TABLE_NAMES = {
    1: "财务收支预算总表", 2: "收入预算总表", 3: "支出预算总表", 4: "财政拨款收支预算总表",
    5: "一般公共预算支出功能分类预算表", 6: "政府性基金预算支出功能分类预算表",
    7: "国有资本经营预算支出功能分类预算表", 8: "一般公共预算基本支出部门预算经济分类预算表",
    9: "“三公”经费和机关运行经费预算表",
}  # fmt: skip

_CODE_HEAD = ("功能分类科目编码", "", "", "功能分类科目名称")
BASIC_COLUMNS_HEAD = ("合计", "基本支出", "项目支出")


def _coded(top: str) -> tuple[tuple[str, ...], ...]:
    return (
        ("项目", "", "", "", top, "", ""),
        (*_CODE_HEAD, *BASIC_COLUMNS_HEAD),
        ("类", "款", "项", "", "", "", ""),
    )


# Header rows as the PDFs print them, one string per grid column ("" where a merged cell goes
# on). A table printed with fewer columns (a 部门 table 1 shows only 预算数) drops the columns
# its model table lacks.
SHANGHAI_HEADERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "budget_summary": (
        ("本年收入", "", "本年支出", "", "", "", ""),
        ("项目", "预算数", "项目", "预算数", "", "", ""),
        ("", "", "", "合计", "基本支出", "", "项目支出"),
        ("", "", "", "", "人员经费", "公用经费", ""),
    ),
    "income_summary": (
        ("项目", "", "", "", "收入预算", "", "", "", ""),
        (*_CODE_HEAD, "合计", "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入"),
        ("类", "款", "项", "", "", "", "", "", ""),
    ),
    "expenditure_summary": _coded("支出预算"),
    "fiscal_summary": (
        ("财政拨款收入", "", "财政拨款支出", "", "", "", ""),
        ("项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
    ),
    "general_expenditure": _coded("一般公共预算支出"),
    "fund_expenditure": _coded("政府性基金预算支出"),
    "capital_expenditure": _coded("国有资本经营预算支出"),
    "basic_by_economic": (
        ("项目", "", "", "一般公共预算基本支出", "", ""),
        ("经济分类科目编码", "", "部门经济分类科目名称", "合计", "人员经费", "公用经费"),
        ("类", "款", "", "", "", ""),
    ),
    "three_public": (
        ("“三公”经费预算数", "", "", "", "", "", "机关运行经费预算数"),
        ("合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", "", "", ""),
        ("", "", "", "小计", "购置费", "运行费", ""),
    ),
}  # fmt: skip

SHANGHAI_TABLES: tuple[TableSpec, ...] = tuple(
    replace(s, name=SHANGHAI_TABLE_NAMES[s.number], headers=SHANGHAI_HEADERS[s.key]) for s in _SPECS
)

# The sections of 其他相关情况说明, by number (预算编制说明 comes before the tables, unnumbered).
SECTIONS = {
    1: "“三公”经费预算情况说明", 2: "机关运行经费预算", 3: "政府采购预算情况",
    4: "绩效目标设置情况", 5: "国有资产占有使用情况",
}  # fmt: skip

_T9 = "three_public"
FACTS: tuple[FactSpec, ...] = (
    *SUMMARY_FACTS,
    FactSpec("three_public", "“三公”经费", _T9, "total"),
    FactSpec("abroad", "因公出国（境）费", _T9, "abroad"),
    FactSpec("reception", "公务接待费", _T9, "reception"),
    FactSpec("vehicles", "公务用车购置及运行费", _T9, "car_total"),
    FactSpec("vehicle_purchase", "公务用车购置费", _T9, "car_purchase"),
    FactSpec("vehicle_operation", "公务用车运行维护费", _T9, "car_operation"),
    FactSpec("operating_costs", "机关运行经费", _T9, "operating"),
)  # fmt: skip

# 比上年 sentences: 预算编制说明 (section 0) and the 三公 and 机关运行经费 sections.
CLAIMS: tuple[ClaimSpec, ...] = (
    ClaimSpec(0, ("一般公共预算", "支出"), "general_spending"),
    *(ClaimSpec(1, (word,), key) for word, key in (
        ("三公", "three_public"), ("出国", "abroad"), ("接待", "reception"),
        ("购置及运行", "vehicles"), ("运行维护", "vehicle_operation"),
        ("运行费", "vehicle_operation"), ("购置费", "vehicle_purchase"))),
    ClaimSpec(2, ("机关运行经费",), "operating_costs"),
)  # fmt: skip

_PART1, _EXPLANATION, _TABLES, _NOTES, _GLOSSARY = (
    "主要职能和机构设置", "预算编制说明", "预算表", "其他相关情况说明", "名词解释",
)  # fmt: skip

CHECKLIST: tuple[ChecklistSpec, ...] = (
    ChecklistSpec("duties", _PART1, "主要职能"),
    ChecklistSpec("organization", _PART1, "机构设置"),
    ChecklistSpec("glossary", _GLOSSARY, "名词解释"),
    ChecklistSpec("explanation", _EXPLANATION, "预算编制说明"),
    *(ChecklistSpec(f"table:{s.key}", _TABLES, f"表{s.number} {s.name}") for s in SHANGHAI_TABLES),
    *(ChecklistSpec(f"section:{n}", _NOTES, f"{n}. {t}") for n, t in SECTIONS.items()),
)  # fmt: skip

# --- 财政项目支出绩效目标填报表, attached by some documents (recognize/performance_shanghai.py)

PERFORMANCE_TITLES = ("财政项目支出绩效目标填报表",)
# Printed label → PerformanceTable attribute.
PERFORMANCE_FIELDS: tuple[tuple[str, str], ...] = (
    ("项目名称", "project"), ("项目性质", "attribute"), ("项目类别", "category"),
    ("主管部门", "department"), ("实施单位", "implementer"),
    ("计划开始日期", "planned_start"), ("计划完成日期", "planned_end"),
)  # fmt: skip
# Printed label → FundSources key: 项目资金总额 and its parts (``period_funds``), then
# 年度资金申请总额 and its parts (``annual_funds``). "其他资金" is printed in both halves of a row.
PERFORMANCE_PROJECT_FUNDS: tuple[tuple[str, str], ...] = (
    ("项目资金总额", "total"), ("其中：财政资金", "fiscal"), ("其他资金", "other"),
)  # fmt: skip
PERFORMANCE_ANNUAL_FUNDS: tuple[tuple[str, str], ...] = (
    ("年度资金申请总额", "total"), ("其中：当年财政拨款", "fiscal"), ("上年结转资金", "carryover"),
    ("其他资金", "other"),
)  # fmt: skip
PERFORMANCE_TEXTS = ("项目总目标", "年度总体目标")
PERFORMANCE_INDICATOR_HEADER = ("一级指标", "二级指标", "三级指标", "年度(/项目)指标值")


SHANGHAI = Template(
    key="shanghai",
    name="上海市预算公开模板（9张表）",
    kind="预算",
    tables=SHANGHAI_TABLES,
    amount_unit="元",
    narrative_unit="万元",
    sections=SECTIONS,
    facts=FACTS,
    checklist=CHECKLIST,
    claims=CLAIMS,
    wording=WORDING,
    claim_defaults={2: "operating_costs"},
    stages=frozenset({"read", "check", "store", "data", "render", "workbook"}),
    layout="named_sections",
    section_label="其他相关情况说明",
)
