"""The Shanxi 13-table template as data: table titles, row shapes and column keys.

A row shape is a list of *groups*, one per side of the printed table. Each group has text slots
(code, name, a second text column) followed by numeric slots. Readers of cell-less text (layout
style) fill these slots token by token; tab-style rows are read by position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yusuan.model import Side


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str
    header: str  # template header path, levels joined with '/'; {year} is the budget year
    numeric: bool = True


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """One side of a printed row: text slots then value columns."""

    side: Side | None
    text_slots: tuple[str, ...]  # "code", "name" or a text column key such as "gov_econ"
    columns: tuple[ColumnSpec, ...]
    labels: tuple[str, ...] = ()  # labels only this side prints (to place rows that lost blanks)

    @property
    def width(self) -> int:
        return len(self.text_slots) + sum(1 for c in self.columns if c.numeric)


@dataclass(frozen=True, slots=True)
class TableSpec:
    number: int
    key: str
    title: re.Pattern[str]
    groups: tuple[GroupSpec, ...]
    body_start: re.Pattern[str]  # first cell of the first body row
    numbered_header: bool = False  # header ends with a column-number row "1 2 3 …"
    hierarchy: str = ""  # "code" (类/款/项), "econ" (table 6) or "projects" (tables 12/13)

    @property
    def width(self) -> int:
        return sum(g.width for g in self.groups)

    @property
    def known_labels(self) -> tuple[str, ...]:
        return tuple(label for g in self.groups for label in g.labels)


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

_CN_NUMBERS = "一二三四五六七八九十"


def cn_numeral(n: int) -> str:
    """1..99 as printed in headings: 一, 十, 十一, 二十, 二十一."""
    if n <= 10:
        return _CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_NUMBERS[tens - 1]
    return head + "十" + (_CN_NUMBERS[ones - 1] if ones else "")


def parse_cn_numeral(text: str) -> int | None:
    """Inverse of ``cn_numeral`` (also accepts Arabic digits)."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_NUMBERS for ch in text):
        return None
    if "十" not in text:
        return _CN_NUMBERS.index(text) + 1 if len(text) == 1 else None
    head, _, tail = text.partition("十")
    tens = _CN_NUMBERS.index(head) + 1 if head else 1
    ones = _CN_NUMBERS.index(tail) + 1 if tail else 0
    return tens * 10 + ones


NUMBERED_CLASSES = tuple(f"{cn_numeral(i + 1)}、{n}" for i, n in enumerate(EXPENDITURE_CLASSES))
NUMBERED_SOURCES = tuple(f"{cn_numeral(i + 1)}、{n}" for i, n in enumerate(INCOME_SOURCES))


def _title(body: str) -> re.Pattern[str]:
    return re.compile(r"^(?:表[一二三四五六七八九十]+)?(\d{4})年(?:度)?" + body + "$")


_FIN = (("general", "一般公共预算"), ("fund", "政府性基金预算"), ("capital", "国有资本经营预算"))
_BASIC = (("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"))
_BY_YEAR_BASIC = tuple((k, "{year}年预算数/" + h) for k, h in _BASIC)

SHANXI_TABLES: tuple[TableSpec, ...] = (
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
