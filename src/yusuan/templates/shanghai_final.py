"""The Shanghai 部门决算 template (上海市部门决算公开, 附件2: 9 tables in 万元) as data.

A 决算 (final accounts) reports what was received and spent in the year against the budget, with
the money carried over at the start (年初结转和结余) and the end of the year (年末结转和结余).
Codes are printed in 类/款/项 columns (the official template prints them in one column; both
read). Tables mean the same as the 预算 tables of the same semantic key; the document's kind
(``Template.kind``, ``Disclosure.meta.kind``) says that their figures are final, not budgeted.
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
    # "收入决算表", "2024年度收入决算表", "上海市XX局2024年度部门收入决算表", "表一 收入决算表"
    return re.compile(
        r"^(?:表[一二三四五六七八九十]+)?(?:\S{0,40}?(\d{4})年度?)?(?:部门|单位)?" + body + "$"
    )


_THREE = (
    ("total", "合计"), ("abroad", "因公出国（境）费"), ("car_total", "公务用车购置及运行费/小计"),
    ("car_purchase", "公务用车购置及运行费/公务用车购置费"),
    ("car_operation", "公务用车购置及运行费/公务用车运行费"), ("reception", "公务接待费"),
)  # fmt: skip


def _funds() -> GroupSpec:
    """政府性基金 / 国有资本经营预算财政拨款收入支出决算表: carry-over, income, spending."""
    return GroupSpec(None, SPLIT_CODES, columns(
        ("carryover_start", "年初结转和结余"), ("income", "本年收入"),
        ("total", "本年支出/小计"), ("basic", "本年支出/基本支出"),
        ("project", "本年支出/项目支出"), ("carryover_end", "年末结转和结余")))  # fmt: skip


_SPECS: tuple[TableSpec, ...] = (
    TableSpec(
        1, "budget_summary", _title("收入支出决算总表"),
        (
            GroupSpec(Side.INCOME, ("name",), columns(("amount", "收入/决算数"))),
            GroupSpec(Side.EXPENDITURE, ("name",), columns(("total", "支出/决算数"))),
        ),
        re.compile(r"^一、"),
    ),
    TableSpec(
        2, "income_summary", _title("收入决算表"),
        (GroupSpec(None, SPLIT_CODES, columns(
            ("total", "本年收入合计"), ("fiscal", "财政拨款收入"), ("superior", "上级补助收入"),
            ("business", "事业收入"), ("operating", "经营收入"),
            ("affiliated", "附属单位上缴收入"), ("other", "其他收入"))),),
        CODED_START, hierarchy="code",
    ),
    TableSpec(
        3, "expenditure_summary", _title("支出决算表"),
        (GroupSpec(None, SPLIT_CODES, columns(
            ("total", "本年支出合计"), ("basic", "基本支出"), ("project", "项目支出"),
            ("to_superior", "上缴上级支出"), ("operating", "经营支出"),
            ("to_affiliated", "对附属单位补助支出"))),),
        CODED_START, hierarchy="code",
    ),
    TableSpec(
        4, "fiscal_summary", _title("财政拨款收入支出决算总表"),
        (
            GroupSpec(Side.INCOME, ("name",), columns(("amount", "收入/决算数"))),
            GroupSpec(Side.EXPENDITURE, ("name",), columns(
                ("total", "支出/合计"), ("general", "支出/一般公共预算财政拨款"),
                ("fund", "支出/政府性基金预算财政拨款"),
                ("capital", "支出/国有资本经营预算财政拨款"))),
        ),
        re.compile(r"^一、"),
    ),
    TableSpec(
        5, "general_expenditure", _title("一般公共预算财政拨款支出决算表"),
        (GroupSpec(None, SPLIT_CODES, columns(*BASIC_COLUMNS)),),
        CODED_START, hierarchy="code",
    ),
    TableSpec(
        6, "basic_by_economic", _title("一般公共预算财政拨款基本支出决算表"),
        # Printed in two halves side by side: 人员经费 (301, 303) on the left, 公用经费 (302, 310)
        # on the right, each closing with its 合计 row.
        tuple(
            GroupSpec(None, ("code_class", "code_section", "name"), columns(("amount", "决算数")))
            for _ in range(2)
        ),
        CODED_START, hierarchy="econ_code",
    ),
    TableSpec(
        7, "three_public", _title(r"财政拨款[“\"]三公[”\"]经费支出决算表"),
        (GroupSpec(None, (), tuple(
            ColumnSpec(key + suffix, f"财政拨款“三公”经费/{head}/{kind}")
            for key, head in _THREE
            for suffix, kind in (("_budget", "预算数"), ("", "决算数"))
        )),),
        NO_LABEL_START,
    ),
    TableSpec(
        8, "fund_expenditure", _title("政府性基金预算财政拨款收入支出决算表"),
        (_funds(),), CODED_START, hierarchy="code",
    ),
    TableSpec(
        9, "capital_expenditure", _title("国有资本经营预算财政拨款收入支出决算表"),
        (_funds(),), CODED_START, hierarchy="code",
    ),
)  # fmt: skip

TABLE_NAMES = {
    1: "收入支出决算总表", 2: "收入决算表", 3: "支出决算表", 4: "财政拨款收入支出决算总表",
    5: "一般公共预算财政拨款支出决算表", 6: "一般公共预算财政拨款基本支出决算表",
    7: "财政拨款“三公”经费支出决算表", 8: "政府性基金预算财政拨款收入支出决算表",
    9: "国有资本经营预算财政拨款收入支出决算表",
}  # fmt: skip

_CODE_HEAD = ("支出功能分类科目编码", "", "", "科目名称")
_KINDS = ("类", "款", "项")


def _coded(*columns: str) -> tuple[tuple[str, ...], ...]:
    blank = ("",) * len(columns)
    return (("项目", "", "", "", *columns), (*_CODE_HEAD, *blank), (*_KINDS, "", *blank))


def _three_header() -> tuple[tuple[str, ...], ...]:
    heads = ("合计", "", "因公出国（境）费", "", "公务用车购置及运行费", "", "", "", "", "",
             "公务接待费", "")  # fmt: skip
    cars = ("", "", "", "", "小计", "", "公务用车购置费", "", "公务用车运行费", "", "", "")
    return (
        ("财政拨款“三公”经费", *("",) * 11),
        heads,
        cars,
        ("预算数", "决算数") * 6,
    )


# Header rows as the real document prints them, one string per grid column ("" where a merged
# cell goes on).
HEADERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "budget_summary": (("收入", "", "支出", ""), ("项目", "决算数", "项目", "决算数")),
    "income_summary": _coded("本年收入合计", "财政拨款收入", "上级补助收入", "事业收入",
                             "经营收入", "附属单位上缴收入", "其他收入"),
    "expenditure_summary": _coded("本年支出合计", "基本支出", "项目支出", "上缴上级支出",
                                  "经营支出", "对附属单位补助支出"),
    "fiscal_summary": (
        ("收入", "", "支出", "", "", "", ""),
        ("项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
         "国有资本经营预算财政拨款"),
    ),
    "general_expenditure": _coded("合计", "基本支出", "项目支出"),
    "basic_by_economic": (
        ("经济分类科目编码", "", "科目名称", "决算数") * 2, ("类", "款", "", "") * 2,
    ),
    "three_public": _three_header(),
    "fund_expenditure": (
        ("项目", "", "", "", "年初结转和结余", "本年收入", "本年支出", "", "", "年末结转和结余"),
        (*_CODE_HEAD, "", "", "小计", "基本支出", "项目支出", ""),
        (*_KINDS, "", "", "", "", "", "", ""),
    ),
}  # fmt: skip
HEADERS["capital_expenditure"] = HEADERS["fund_expenditure"]

FINAL_TABLES: tuple[TableSpec, ...] = tuple(
    replace(s, name=TABLE_NAMES[s.number], headers=HEADERS[s.key]) for s in _SPECS
)

# 第三部分 部门决算情况说明, by number.
SECTIONS = {
    1: "收入支出决算总体情况说明", 2: "收入决算情况说明", 3: "支出决算情况说明",
    4: "财政拨款收入支出决算总体情况说明", 5: "一般公共预算财政拨款支出决算情况说明",
    6: "一般公共预算财政拨款基本支出决算情况说明", 7: "财政拨款“三公”经费支出决算情况说明",
    8: "政府性基金预算财政拨款收入支出决算情况说明",
    9: "国有资本经营预算财政拨款收入支出决算情况说明", 10: "预算绩效管理情况",
    11: "其他重要事项的情况说明",
}  # fmt: skip

# The part headings (compact, without spaces): 第一部分 上海市XX局概况, 第二部分 上海市XX局2024年度
# 部门决算表, 第三部分 上海市XX局2024年度部门决算情况说明, 第四部分 名词解释.
PART_HEADINGS = (
    re.compile(r"^第一部分\S{0,40}?概况$"),
    re.compile(r"^第二部分\S{0,40}?\d{4}年度?(单位|部门)决算表$"),
    re.compile(r"^第三部分\S{0,40}?\d{4}年度?(单位|部门)决算情况说明$"),
    re.compile(r"^第四部分名词解释$"),
)

_T1, _T4, _T5, _T7 = "budget_summary", "fiscal_summary", "general_expenditure", "three_public"
FACTS: tuple[FactSpec, ...] = (
    FactSpec("income_total", "收入总计", _T1, "amount", "总计", Side.INCOME),
    FactSpec("expenditure_total", "支出总计", _T1, "total", "总计", Side.EXPENDITURE),
    FactSpec("basic", "基本支出", "expenditure_summary", "basic"),
    FactSpec("project", "项目支出", "expenditure_summary", "project"),
    FactSpec("fiscal_total", "财政拨款收支总计", _T4, "amount", "总计", Side.INCOME),
    FactSpec("general_spending", "一般公共预算当年支出", _T5, "total"),
    FactSpec("general_basic", "一般公共预算基本支出", _T5, "basic"),
    FactSpec("personnel", "人员经费", "basic_by_economic", "amount", "人员经费合计"),
    FactSpec("public", "公用经费", "basic_by_economic", "amount", "公用经费合计"),
    FactSpec("three_public", "“三公”经费", _T7, "total"),
    FactSpec("abroad", "因公出国（境）费", _T7, "abroad"),
    FactSpec("reception", "公务接待费", _T7, "reception"),
    FactSpec("vehicles", "公务用车购置及运行费", _T7, "car_total"),
    FactSpec("vehicle_purchase", "公务用车购置费", _T7, "car_purchase"),
    FactSpec("vehicle_operation", "公务用车运行维护费", _T7, "car_operation"),
)  # fmt: skip

# 与上年相比 sentences (sections 一, 四, 五, 七) and which fact they are about.
CLAIMS: tuple[ClaimSpec, ...] = (
    ClaimSpec(1, ("收入支出总计",), "income_total"),
    ClaimSpec(4, ("财政拨款",), "fiscal_total"),
    ClaimSpec(5, ("一般公共预算",), "general_spending"),
    *(ClaimSpec(7, (word,), key) for word, key in (
        ("三公", "three_public"), ("出国", "abroad"), ("接待", "reception"),
        ("购置及运行", "vehicles"), ("运行维护", "vehicle_operation"),
        ("购置", "vehicle_purchase"))),
)  # fmt: skip

_PART1, _PART2, _PART3, _PART4 = (
    "第一部分 概况", "第二部分 部门决算表", "第三部分 部门决算情况说明", "第四部分 名词解释",
)  # fmt: skip

CHECKLIST: tuple[ChecklistSpec, ...] = (
    ChecklistSpec("duties", _PART1, "一、主要职能"),
    ChecklistSpec("organization", _PART1, "二、部门决算单位构成"),
    *(ChecklistSpec(f"table:{s.key}", _PART2, f"{s.number}. {s.name}") for s in FINAL_TABLES),
    *(ChecklistSpec(f"section:{n}", _PART3, f"{n}. {t}") for n, t in SECTIONS.items()),
    ChecklistSpec("glossary", _PART4, "名词解释"),
)  # fmt: skip

SHANGHAI_FINAL = Template(
    key="shanghai-final",
    name="上海市部门决算公开模板（9张表）",
    kind="决算",
    budget_of="shanghai",
    tables=FINAL_TABLES,
    amount_unit="万元",
    narrative_unit="万元",
    sections=SECTIONS,
    facts=FACTS,
    checklist=CHECKLIST,
    claims=CLAIMS,
    wording=WORDING,
    stages=frozenset({"read", "check", "store", "data", "render"}),
    layout="parts",
    section_label="第三部分",
    part_headings=PART_HEADINGS,
)
