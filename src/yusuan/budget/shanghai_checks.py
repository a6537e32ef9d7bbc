"""The identities Shanghai budget data must satisfy before it can make a disclosure whose tables
agree (the data's side of the template's SH-* rules); each problem is said in Chinese."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from yusuan.budget.amounts import ZERO, add
from yusuan.budget.model import BudgetData, FunctionLine

FISCAL = ("general", "fund", "capital")
NON_FISCAL = ("business", "operating", "other")
SOURCES = (*FISCAL, *NON_FISCAL)


def basic_spending(line: FunctionLine, keys: Iterable[str] = SOURCES) -> Decimal | None:
    """A line's basic spending from the Shanghai sources ``keys`` (``None`` when all blank)."""
    return add(getattr(line.basic, k) for k in keys)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}元"


def problems(data: BudgetData) -> list[str]:
    found: list[str] = []
    for line in data.functions:
        if len(line.code) != 7:
            found.append(f"功能科目{line.code}应为7位“项”级编码（上海模板按类、款、项分列）")
        spent_basic = basic_spending(line) or ZERO
        if line.public is not None and line.public > spent_basic:
            found.append(
                f"功能科目{line.code}的公用经费{_yuan(line.public)}超过其基本支出"
                f"{_yuan(spent_basic)}"
            )
    general_basic = add(line.basic.general for line in data.functions) or ZERO
    economic = add(add((i.personnel, i.public)) for i in data.economic) or ZERO
    if data.economic and economic != general_basic:
        found.append(
            f"经济科目合计{_yuan(economic)}不等于功能科目一般公共预算基本支出{_yuan(general_basic)}"
            "（一般公共预算基本支出部门预算经济分类预算表合计应等于一般公共预算基本支出）"
        )
    for item in data.economic:
        if item.code is None:
            found.append(f"经济科目“{item.name}”缺少5位款级编码（如30101）")
    return found
