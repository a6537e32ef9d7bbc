"""Spending by 功能分类 类: the by-类 comparison's source (``schema.ClassSpending`` rows)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from yusuan.model import Disclosure, RowKind
from yusuan.money import to_yuan

SPENDING_TABLE = "expenditure_summary"  # spending by 功能分类 code, with a 合计 column
_PERCENT_PLACES = Decimal("0.01")


def class_spending(d: Disclosure) -> list[dict[str, Any]]:
    """The 类 rows of the spending table with their 合计 amount (元) and their share (%) of the
    table's first 合计 row, exact."""
    table = d.table(SPENDING_TABLE)
    if table is None:
        return []
    unit = table.amount_unit or d.meta.amount_unit
    total_row = next((r for r in table.rows if r.kind == RowKind.TOTAL), None)
    total = to_yuan(total_row.amount("total"), unit) if total_row is not None else None
    found = []
    for row_no, row in enumerate(table.rows):
        if row.kind != RowKind.CLASS or not row.code:
            continue
        amount = to_yuan(row.amount("total"), unit)
        share = None
        if amount is not None and total:
            share = (amount / total * 100).quantize(_PERCENT_PLACES)
        found.append({"row_no": row_no, "code": row.code, "label": row.label, "amount": amount,
                      "share": share})  # fmt: skip
    return found
