"""Headline figures of a disclosure under stable keys, for comparisons across units and years.

Each fact is read from the one table that defines it (Shanxi template): 收支总计 from table 1,
基本/项目支出 from table 3, 财政拨款收支总计 from table 4, 一般公共预算当年支出 from table 5,
一般公共预算基本支出 (合计) and 人员经费/公用经费 from table 6, 三公经费 from table 10, 机关运行经费
from table 11, staffing from Part 1. Money is converted to 元; a figure the document leaves blank
is not stored (no fact), never 0. Shanghai documents give the totals their tables share.
"""

from __future__ import annotations

from decimal import Decimal

from yusuan.model import Disclosure, Row, RowKind, Side, Table

WAN = Decimal(10000)

# key → Chinese label, in the order reports list them.
FACT_LABELS: dict[str, str] = {
    "income_total": "收入总计",
    "expenditure_total": "支出总计",
    "basic": "基本支出",
    "project": "项目支出",
    "personnel": "人员经费",
    "public": "公用经费",
    "fiscal_total": "财政拨款收支总计",
    "general_spending": "一般公共预算当年支出",
    "general_basic": "一般公共预算基本支出",
    "three_public": "“三公”经费",
    "abroad": "因公出国（境）费",
    "reception": "公务接待费",
    "vehicles": "公务用车购置及运行费",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_operation": "公务用车运行维护费",
    "operating_costs": "机关运行经费",
    "staff_authorized": "编制人数",
    "staff_actual": "实有人数",
    "retired": "退休人数",
}
COUNT_FACTS = ("staff_authorized", "staff_actual", "retired")

_THREE_PUBLIC_ROWS = {
    "因公出国（境）费": "abroad",
    "公务接待费": "reception",
    "公务用车购置及运行费": "vehicles",
    "①公务用车购置费": "vehicle_purchase",
    "②公务用车运行维护费": "vehicle_operation",
}


def to_yuan(amount: Decimal | None, unit: str | None) -> Decimal | None:
    if amount is None:
        return None
    return amount * WAN if (unit or "万元") == "万元" else amount


def _total_row(table: Table, side: Side | None = None) -> Row | None:
    """The table's last total row (合计 of the side asked for)."""
    totals = [r for r in table.rows if r.kind == RowKind.TOTAL and (side is None or r.side == side)]
    return totals[-1] if totals else None


def facts(disclosure: Disclosure) -> dict[str, Decimal]:
    """The disclosure's headline figures in 元 (counts as whole numbers), blank ones left out."""
    found: dict[str, Decimal | None] = {}

    def unit_of(table: Table) -> str:
        return table.amount_unit or disclosure.meta.amount_unit

    def put(key: str, table: Table | None, row_label: str | None, column: str,
            side: Side | None = None) -> None:  # fmt: skip
        if table is None:
            return
        if row_label is None:
            row = _total_row(table, side)
        else:
            row = next((r for r in table.rows if r.label == row_label), None)
        if row is not None:
            found[key] = to_yuan(row.amount(column), unit_of(table))

    if disclosure.meta.profile == "shanxi":
        t1 = disclosure.table("budget_summary")
        if t1 is not None:
            income = next((r for r in t1.rows if r.label == "收入总计"), None)
            spent = next((r for r in t1.rows if r.label == "支出总计"), None)
            if income is not None:
                found["income_total"] = to_yuan(income.amount("amount"), unit_of(t1))
            if spent is not None:
                found["expenditure_total"] = to_yuan(spent.amount("total"), unit_of(t1))
        put("basic", disclosure.table("expenditure_summary"), None, "basic")
        put("project", disclosure.table("expenditure_summary"), None, "project")
        t4 = disclosure.table("fiscal_summary")
        fiscal = next((r for r in t4.rows if r.label == "收入总计"), None) if t4 else None
        if t4 is not None and fiscal is not None:
            found["fiscal_total"] = to_yuan(fiscal.amount("amount"), unit_of(t4))
        put("general_spending", disclosure.table("general_expenditure"), None, "total")
        put("general_basic", disclosure.table("basic_by_economic"), None, "total")
        put("personnel", disclosure.table("basic_by_economic"), None, "personnel")
        put("public", disclosure.table("basic_by_economic"), None, "public")
        t10 = disclosure.table("three_public")
        put("three_public", t10, None, "total")
        for label, key in _THREE_PUBLIC_ROWS.items():
            put(key, t10, label, "total")
        put("operating_costs", disclosure.table("operating_costs"), None, "total")
    staffing = disclosure.staffing
    for key, count in (
        ("staff_authorized", staffing.authorized),
        ("staff_actual", staffing.actual),
        ("retired", staffing.retired),
    ):
        if count is not None:
            found[key] = Decimal(count)
    return {k: v for k, v in found.items() if v is not None}
