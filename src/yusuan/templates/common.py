"""Data templates share: the headline figures read from the tables all templates have (by
semantic key), the same cells in Shanxi and Shanghai alike; the pieces Shanghai's 预算 and 决算
tables are both made of."""

from __future__ import annotations

import re

from yusuan.model import Side
from yusuan.templates.spec import ColumnSpec, FactSpec

SUMMARY_FACTS: tuple[FactSpec, ...] = (
    FactSpec("income_total", "收入总计", "budget_summary", "amount", "收入总计", Side.INCOME),
    FactSpec("expenditure_total", "支出总计", "budget_summary", "total", "支出总计",
             Side.EXPENDITURE),
    FactSpec("basic", "基本支出", "expenditure_summary", "basic"),
    FactSpec("project", "项目支出", "expenditure_summary", "project"),
    FactSpec("fiscal_total", "财政拨款收支总计", "fiscal_summary", "amount", "收入总计",
             Side.INCOME),
    FactSpec("general_spending", "一般公共预算当年支出", "general_expenditure", "total"),
    FactSpec("general_basic", "一般公共预算基本支出", "basic_by_economic", "total"),
    FactSpec("personnel", "人员经费", "basic_by_economic", "personnel"),
    FactSpec("public", "公用经费", "basic_by_economic", "public"),
)  # fmt: skip

# --- Shanghai's 预算 and 决算 tables -----------------------------------------------------------

# Codes printed in three columns (类, 款, 项) before the name, joined into one code.
SPLIT_CODES = ("code_class", "code_section", "code_item", "name")
CODED_START = re.compile(r"^(合计|\d{3})$")  # the body starts at 合计 or a 类 code
NO_LABEL_START = re.compile(r"(?!)")  # no first-row label: the first row holding a number starts
# Terms every budget template's sentences use (see ``Template.wording``).
WORDING = (
    "涉及资金", "主要原因", "主要用于", "比上年", "预算安排", "财政拨款", "一般公共预算",
    "政府性基金", "国有资本经营", "机关运行经费", "政府采购", "国有资产", "绩效目标", "公务接待费",
    "公务用车", "因公出国", "基本支出", "项目支出", "人员经费", "公用经费", "事业收入", "经营收入",
    "上年结转", "名词解释", "部门预算", "单位预算", "收支预算", "预算执行", "资产占用",
)  # fmt: skip
BASIC_COLUMNS = (("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"))


def columns(*pairs: tuple[str, str]) -> tuple[ColumnSpec, ...]:
    """Column specs from (key, printed header) pairs."""
    return tuple(ColumnSpec(k, h) for k, h in pairs)
