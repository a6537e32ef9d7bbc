"""Data every template shares: the headline figures read from the tables all templates have (by
semantic key), the same cells in Shanxi and Shanghai alike."""

from __future__ import annotations

from yusuan.model import Side
from yusuan.templates.spec import FactSpec

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
