"""The Shanghai 9-table template as data (上海市区级部门/单位预算).

Codes are printed in three columns (类, 款, 项) and joined into one code; table amounts are in 元,
except the 三公/机关运行经费 table (万元), which prints a single row of figures.
"""

from __future__ import annotations

import re

from yusuan.model import Side
from yusuan.recognize.profile import ColumnSpec, GroupSpec, TableSpec

_SPLIT = ("code_class", "code_section", "code_item", "name")
_CODED = re.compile(r"^(合计|\d{3})$")
_NEVER = re.compile(r"(?!)")  # no first-row label: the first row holding a number starts the body


def _title(body: str) -> re.Pattern[str]:
    # Some documents drop the year from a title ("部门“三公”经费和机关运行经费预算表").
    return re.compile(r"^(?:(\d{4})年)?(?:预算单位|预算部门|部门|单位|区级)?" + body + "$")


def _cols(*pairs: tuple[str, str]) -> tuple[ColumnSpec, ...]:
    return tuple(ColumnSpec(k, h) for k, h in pairs)


_BASIC = (("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"))

SHANGHAI_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        1, "sh_finance_summary", _title("财务收支预算总表"),
        (
            GroupSpec(Side.INCOME, ("name",), _cols(("amount", "本年收入/预算数"))),
            GroupSpec(Side.EXPENDITURE, ("name",), _cols(
                ("total", "本年支出/合计"), ("personnel", "本年支出/基本支出/人员经费"),
                ("public", "本年支出/基本支出/公用经费"), ("project", "本年支出/项目支出"))),
        ),
        re.compile(r"^一、"),
    ),
    TableSpec(
        2, "sh_income", _title("收入预算总表"),
        (GroupSpec(None, _SPLIT, _cols(
            ("total", "收入预算/合计"), ("fiscal", "收入预算/财政拨款收入"),
            ("business", "收入预算/事业收入"), ("operating", "收入预算/事业单位经营收入"),
            ("other", "收入预算/其他收入"))),),
        _CODED, hierarchy="code",
    ),
    TableSpec(
        3, "sh_expenditure", _title("支出预算总表"),
        (GroupSpec(None, _SPLIT, _cols(*((k, "支出预算/" + h) for k, h in _BASIC))),),
        _CODED, hierarchy="code",
    ),
    TableSpec(
        4, "sh_fiscal_summary", _title("财政拨款收支预算总表"),
        (
            GroupSpec(Side.INCOME, ("name",), _cols(("amount", "财政拨款收入/预算数"))),
            GroupSpec(Side.EXPENDITURE, ("name",), _cols(
                ("total", "财政拨款支出/合计"), ("general", "财政拨款支出/一般公共预算"),
                ("fund", "财政拨款支出/政府性基金预算"),
                ("capital", "财政拨款支出/国有资本经营预算"))),
        ),
        re.compile(r"^一、"),
    ),
    TableSpec(
        5, "sh_general", _title("一般公共预算支出功能分类预算表"),
        (GroupSpec(None, _SPLIT, _cols(*((k, "一般公共预算支出/" + h) for k, h in _BASIC))),),
        _CODED, hierarchy="code",
    ),
    TableSpec(
        6, "sh_fund", _title("政府性基金预算支出功能分类预算表"),
        (GroupSpec(None, _SPLIT, _cols(*((k, "政府性基金预算支出/" + h) for k, h in _BASIC))),),
        _CODED, hierarchy="code",
    ),
    TableSpec(
        7, "sh_capital", _title("国有资本经营预算支出功能分类预算表"),
        (GroupSpec(None, _SPLIT, _cols(*((k, "国有资本经营预算支出/" + h) for k, h in _BASIC))),),
        _CODED, hierarchy="code",
    ),
    TableSpec(
        8, "sh_basic_by_economic", _title("一般公共预算基本支出部门预算经济分类预算表"),
        (GroupSpec(None, ("code_class", "code_section", "name"), _cols(
            ("total", "一般公共预算基本支出/合计"), ("personnel", "一般公共预算基本支出/人员经费"),
            ("public", "一般公共预算基本支出/公用经费"))),),
        _CODED, hierarchy="econ_code",
    ),
    TableSpec(
        9, "sh_three_public", _title(r"[“\"]三公[”\"]经费和机关运行经费预算表"),
        (GroupSpec(None, (), _cols(
            ("total", "“三公”经费预算数/合计"), ("abroad", "“三公”经费预算数/因公出国(境)费"),
            ("reception", "“三公”经费预算数/公务接待费"),
            ("car_total", "“三公”经费预算数/公务用车购置及运行费/小计"),
            ("car_purchase", "“三公”经费预算数/公务用车购置及运行费/购置费"),
            ("car_operation", "“三公”经费预算数/公务用车购置及运行费/运行费"),
            ("operating", "机关运行经费预算数"))),),
        _NEVER,
    ),
)  # fmt: skip

SHANGHAI_TABLE_NAMES = {
    1: "财务收支预算总表", 2: "收入预算总表", 3: "支出预算总表", 4: "财政拨款收支预算总表",
    5: "一般公共预算支出功能分类预算表", 6: "政府性基金预算支出功能分类预算表",
    7: "国有资本经营预算支出功能分类预算表", 8: "一般公共预算基本支出部门预算经济分类预算表",
    9: "“三公”经费和机关运行经费预算表",
}  # fmt: skip
