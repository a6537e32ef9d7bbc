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
BASIC_COLUMNS = (("total", "合计"), ("basic", "基本支出"), ("project", "项目支出"))


def columns(*pairs: tuple[str, str]) -> tuple[ColumnSpec, ...]:
    """Column specs from (key, printed header) pairs."""
    return tuple(ColumnSpec(k, h) for k, h in pairs)
