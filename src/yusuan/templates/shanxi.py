"""The Shanxi 预算 template (山西省部门/单位预算公开, 13 tables, amounts in 万元) as data.

Table titles, row shapes and column keys for the recognizers; the header rows the renderers print;
the Part 3 sections; the headline facts and the 检查表 items. A row shape is a list of *groups*,
one per side of the printed table. Each group has text slots (code, name, a second text column)
followed by numeric slots.
"""

from __future__ import annotations

import re
from dataclasses import replace

from yusuan.model import Side
from yusuan.numerals import cn_numeral
from yusuan.templates.common import SUMMARY_FACTS, WORDING
from yusuan.templates.spec import (
    ChecklistSpec,
    ClaimSpec,
    ColumnSpec,
    FactSpec,
    GroupSpec,
    TableSpec,
    Template,
)


def _cols(*pairs: tuple[str, str]) -> tuple[ColumnSpec, ...]:
    return tuple(ColumnSpec(k, h) for k, h in pairs)


# The 30 expenditure classes printed in tables 1 and 4 (2024-2025 Shanxi template).
EXPENDITURE_CLASSES = (
    "一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出",
    "文化旅游体育与传媒支出", "社会保障和就业支出", "社会保险基金支出", "卫生健康支出",
    "节能环保支出", "城乡社区支出", "农林水支出", "交通运输支出", "资源勘探工业信息等支出",
    "商业服务业等支出", "金融支出", "援助其他地区支出", "自然资源海洋气象等支出", "住房保障支出",
    "粮油物资储备支出", "国有资本经营预算支出", "灾害防治及应急管理支出", "预备费", "其他支出",
    "转移性支出", "债务还本支出", "债务付息支出", "债务发行费用支出", "抗疫特别国债安排的支出",
)  # fmt: skip

# 支出功能分类 "类" codes of the same 30 classes, in the same order.
CLASS_CODES = tuple(
    zip(
        (
            "201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212",
            "213", "214", "215", "216", "217", "219", "220", "221", "222", "223", "224", "227",
            "229", "230", "231", "232", "233", "234",
        ),
        EXPENDITURE_CLASSES,
        strict=True,
    )
)  # fmt: skip

INCOME_SOURCES = (
    "一般公共预算",
    "政府性基金预算",
    "国有资本经营预算",
    "财政专户管理资金",
    "单位资金",
)

NUMBERED_CLASSES = tuple(f"{cn_numeral(i + 1)}、{n}" for i, n in enumerate(EXPENDITURE_CLASSES))
NUMBERED_SOURCES = tuple(f"{cn_numeral(i + 1)}、{n}" for i, n in enumerate(INCOME_SOURCES))


def _title(body: str) -> re.Pattern[str]:
    return re.compile(r"^(?:表[一二三四五六七八九十]+)?(\d{4})年(?:度)?" + body + "$")


_FIN = (("general", "一般公共预算"), ("fund", "政府性基金预算"), ("capital", "国有资本经营预算"))
_BASIC = (("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"))
_BY_YEAR_BASIC = tuple((k, "{year}年预算数/" + h) for k, h in _BASIC)

_SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        1, "budget_summary", _title("预算收支总表"),
        (
            GroupSpec(Side.INCOME, ("name",), _cols(("amount", "收入/{year}年")),
                      NUMBERED_SOURCES),
            GroupSpec(Side.EXPENDITURE, ("name",), _cols(
                ("total", "支出/{year}年合计"), ("current", "支出/当年预算安排"),
                ("carryover", "支出/上年结转安排")), NUMBERED_CLASSES),
        ),
        re.compile(r"^一、"),
    ),
    TableSpec(
        2, "income_summary", _title("预算收入总表"),
        (GroupSpec(None, ("code", "name"), _cols(
            ("total", "本年收入/合计"), ("general", "本年收入/一般公共预算"),
            ("fund", "本年收入/政府性基金"), ("capital", "本年收入/国有资本经营预算"),
            ("special", "本年收入/财政专户管理资金"), ("unit", "本年收入/单位资金"),
            ("carryover", "上年结转"))),),
        re.compile(r"^(合计|\d{3,})$"), hierarchy="code",
    ),
    TableSpec(
        3, "expenditure_summary", _title("预算支出总表"),
        (GroupSpec(None, ("code", "name"), _cols(*_BY_YEAR_BASIC)),),
        re.compile(r"^(合计|\d{3,})$"), hierarchy="code",
    ),
    TableSpec(
        4, "fiscal_summary", _title("财政拨款收支总表"),
        (
            GroupSpec(Side.INCOME, ("name",), _cols(("amount", "收入/金额")), NUMBERED_SOURCES),
            GroupSpec(Side.EXPENDITURE, ("name",), _cols(
                ("total", "支出/金额/小计"), *((k, "支出/金额/" + h) for k, h in _FIN)),
                NUMBERED_CLASSES),
        ),
        re.compile(r"^一、"),
    ),
    TableSpec(
        5, "general_expenditure", _title(r"一般公共预算支出预算表（不含上年结转）"),
        (GroupSpec(None, ("code", "name"), _cols(*_BY_YEAR_BASIC)),),
        re.compile(r"^(合计|\d{3,})$"), hierarchy="code",
    ),
    TableSpec(
        6, "basic_by_economic", _title(r"一般公共预算安排基本支出分经济科目表（不含上年结转）"),
        (GroupSpec(None, ("name", "gov_econ"), (
            ColumnSpec("gov_econ", "政府预算支出经济科目名称", numeric=False),
            ColumnSpec("total", "{year}年预算数/合计"),
            ColumnSpec("personnel", "{year}年预算数/人员经费"),
            ColumnSpec("public", "{year}年预算数/公用经费"))),),
        re.compile(r"^合计$"), hierarchy="econ",
    ),
    TableSpec(
        7, "fund_income", _title(r"政府性基金预算收入表（不含上年结转）"),
        (GroupSpec(None, ("code", "name"), _cols(("amount", "政府性基金收入预算"))),),
        re.compile(r"^(合计|\d{3,})$"), hierarchy="code",
    ),
    TableSpec(
        8, "fund_expenditure", _title(r"政府性基金预算支出表（不含上年结转）"),
        (GroupSpec(None, ("code", "name"), _cols(*_BASIC)),),
        re.compile(r"^(合计|\d{3,})$"), hierarchy="code",
    ),
    TableSpec(
        9, "capital_budget", _title(r"国有资本经营预算收支预算表（不含上年结转）"),
        (
            GroupSpec(Side.INCOME, ("code", "name"), _cols(
                ("amount", "国有资本经营预算收入/国有资本经营收入预算"))),
            GroupSpec(Side.EXPENDITURE, ("code", "name"), _cols(
                *((k, "国有资本经营预算支出/" + h) for k, h in _BASIC))),
        ),
        re.compile(r"^(合计|\d{3,})$"), hierarchy="code",
    ),
    TableSpec(
        10, "three_public", _title(r"财政拨款安排[“\"]三公[”\"]经费支出预算表"),
        (GroupSpec(None, ("name",), _cols(
            ("total", "{year}年预算数/合计"), *((k, "{year}年预算数/" + h) for k, h in _FIN))),),
        re.compile(r"^因公出国"),
    ),
    TableSpec(
        11, "operating_costs", _title(r"财政拨款安排机关运行经费预算表"),
        (GroupSpec(None, ("name",), _cols(
            ("total", "{year}预算数/合计"), *((k, "{year}预算数/" + h) for k, h in _FIN))),),
        re.compile(r"^(部门合计|合计)$"),
    ),
    TableSpec(
        12, "projects_current", _title(r"项目支出预算表（本年预算）"),
        (GroupSpec(None, ("name",), _cols(
            ("total", "合计"), *((k, "{year}年财政拨款/" + h) for k, h in _FIN),
            ("special", "财政专户管理资金"), ("unit", "单位资金"))),),
        re.compile(r"^$"), numbered_header=True, hierarchy="projects",
    ),
    TableSpec(
        13, "projects_carryover", _title(r"项目支出预算表（上年结转）"),
        (GroupSpec(None, ("name",), _cols(
            ("total", "合计"), *((k, "{year}年财政拨款/" + h) for k, h in _FIN))),),
        re.compile(r"^$"), numbered_header=True, hierarchy="projects",
    ),
)  # fmt: skip

TABLE_NAMES = {
    1: "预算收支总表", 2: "预算收入总表", 3: "预算支出总表", 4: "财政拨款收支总表",
    5: "一般公共预算支出预算表", 6: "一般公共预算安排基本支出分经济科目表",
    7: "政府性基金预算收入表", 8: "政府性基金预算支出表", 9: "国有资本经营预算收支预算表",
    10: "财政拨款安排“三公”经费支出预算表", 11: "财政拨款安排机关运行经费预算表",
    12: "项目支出预算表（本年预算）", 13: "项目支出预算表（上年结转）",
}  # fmt: skip

# Part 3 sections of the template, by number.
PART3_SECTIONS = {
    1: "收支数据变动情况及原因", 2: "收入预算情况说明", 3: "支出预算情况说明",
    4: "财政拨款收支预算总体情况说明", 5: "一般公共预算支出情况说明",
    6: "一般公共预算基本支出情况说明", 7: "“三公”经费增减变动原因说明",
    8: "机关运行经费增减变动原因说明", 9: "政府采购情况", 10: "绩效管理情况",
    11: "国有资产占有使用情况", 12: "其他说明",
}  # fmt: skip

ECONOMIC_GROUPS = (
    "工资福利支出", "商品和服务支出", "对个人和家庭的补助", "资本性支出", "对企业补助",
    "债务利息及费用支出", "其他支出",
)  # fmt: skip

_BASIC_HEADER = ["合计", "基本支出", "项目支出"]

# Header rows of each table as the template prints them ({year}: the budget year).
_HEADERS: dict[int, list[list[str]]] = {
    1: [
        ["收入", "", "支出", "", "", ""],
        ["项目", "{year}年", "项目", "{year}年合计", "当年预算安排", "上年结转安排"],
    ],
    2: [
        ["项目", "", "本年收入", "", "", "", "", "", "上年结转"],
        ["科目编码", "科目名称", "合计", "一般公共预算", "政府性基金", "国有资本经营预算",
         "财政专户管理资金", "单位资金", ""],
    ],
    3: [["项目", "", "{year}年预算数", "", ""], ["科目编码", "科目名称", *_BASIC_HEADER]],
    4: [
        ["收入", "", "支出", "", "", "", ""],
        ["项目", "金额", "项目", "金额", "", "", ""],
        ["", "", "", "小计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
    ],
    5: [["项目", "", "{year}年预算数", "", ""], ["科目编码", "科目名称", *_BASIC_HEADER]],
    6: [
        ["部门预算支出经济科目名称", "政府预算支出经济科目名称", "{year}年预算数", "", ""],
        ["", "", "合计", "人员经费", "公用经费"],
    ],
    7: [["项目", "", "政府性基金收入预算"], ["收入科目编码", "科目名称", ""]],
    8: [["科目编码", "科目名称", *_BASIC_HEADER]],
    9: [
        ["国有资本经营预算收入", "", "", "国有资本经营预算支出", "", "", "", ""],
        ["项目", "", "国有资本经营收入预算", "科目编码", "科目名称", *_BASIC_HEADER],
        ["收入科目编码", "科目名称", "", "", "", "", "", ""],
    ],
    10: [
        ["项目", "{year}年预算数", "", "", ""],
        ["", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
    ],
    11: [
        ["单位名称", "{year}预算数", "", "", ""],
        ["", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
    ],
    12: [
        ["项目名称", "合计", "{year}年财政拨款", "", "", "财政专户管理资金", "单位资金"],
        ["", "", "一般公共预算", "政府性基金预算", "国有资本经营预算", "", ""],
        ["1", "2", "3", "4", "5", "6", "7"],
    ],
    13: [
        ["项目名称", "合计", "{year}年财政拨款", "", ""],
        ["", "", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
        ["1", "2", "3", "4", "5"],
    ],
}  # fmt: skip

SHANXI_TABLES: tuple[TableSpec, ...] = tuple(
    replace(s, name=TABLE_NAMES[s.number], headers=tuple(tuple(r) for r in _HEADERS[s.number]))
    for s in _SPECS
)

_THREE_PUBLIC_ROWS = (
    ("abroad", "因公出国（境）费", "因公出国（境）费"),
    ("reception", "公务接待费", "公务接待费"),
    ("vehicles", "公务用车购置及运行费", "公务用车购置及运行费"),
    ("vehicle_purchase", "公务用车购置费", "①公务用车购置费"),
    ("vehicle_operation", "公务用车运行维护费", "②公务用车运行维护费"),
)

# Headline figures and the one cell each is read from.
FACTS: tuple[FactSpec, ...] = (
    *SUMMARY_FACTS,
    FactSpec("three_public", "“三公”经费", "three_public", "total"),
    *(FactSpec(key, label, "three_public", "total", row) for key, label, row in _THREE_PUBLIC_ROWS),
    FactSpec("operating_costs", "机关运行经费", "operating_costs", "total"),
)  # fmt: skip


def _claims(section: int, *pairs: tuple[str | tuple[str, ...], str]) -> tuple[ClaimSpec, ...]:
    return tuple(
        ClaimSpec(section, (words,) if isinstance(words, str) else words, key)
        for words, key in pairs
    )


# Part 3's 比上年 sentences: which fact the amount a sentence names is, by section.
CLAIMS: tuple[ClaimSpec, ...] = (
    *_claims(1, ("收入总计", "income_total"), ("预算收入", "income_total"),
             ("支出总计", "expenditure_total")),
    *_claims(2, ("收入总计", "income_total"), ("预算收入", "income_total")),
    *_claims(3, ("基本支出", "basic"), ("项目支出", "project"), ("支出", "expenditure_total")),
    *_claims(4, (("财政拨款", "总"), "fiscal_total")),
    *_claims(5, (("一般公共预算", "支出"), "general_spending")),
    *_claims(6, ("人员经费", "personnel"), ("公用经费", "public"), ("基本支出", "general_basic")),
    *_claims(7, ("三公", "three_public"), ("出国", "abroad"), ("接待", "reception"),
             ("购置及运行", "vehicles"), ("运行维护", "vehicle_operation"),
             ("购置费", "vehicle_purchase")),
    *_claims(8, ("机关运行经费", "operating_costs")),
)  # fmt: skip

PART1, PART2, PART3, ANNEX, PART4 = (
    "第一部分 概况", "第二部分 预算表", "第三部分 情况说明", "附件", "第四部分 名词解释",
)  # fmt: skip

CHECKLIST: tuple[ChecklistSpec, ...] = (
    ChecklistSpec("duties", PART1, "一、职责"),
    ChecklistSpec("organization", PART1, "二、机构设置"),
    *(ChecklistSpec(f"table:{s.key}", PART2, f"表{s.number} {s.name}") for s in SHANXI_TABLES),
    *(ChecklistSpec(f"section:{n}", PART3, f"{cn_numeral(n)}、{t}")
      for n, t in PART3_SECTIONS.items()),
    ChecklistSpec("performance", ANNEX, "项目支出绩效目标表"),
    ChecklistSpec("glossary", PART4, "名词解释"),
)  # fmt: skip

SHANXI = Template(
    key="shanxi",
    name="山西省预算公开模板（13张表）",
    kind="预算",
    tables=SHANXI_TABLES,
    amount_unit="万元",
    narrative_unit="万元",
    sections=PART3_SECTIONS,
    facts=FACTS,
    checklist=CHECKLIST,
    claims=CLAIMS,
    wording=WORDING,
    claim_defaults={8: "operating_costs"},
    stages=frozenset({"read", "check", "store", "data", "render", "workbook"}),
)
