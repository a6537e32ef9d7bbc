"""Headline figures of a disclosure under stable keys, for comparisons across units and years.

Each fact is read from the one cell its template names (``Template.facts``): a row label, or the
table's last total row. Money is converted to 元; a figure the document leaves blank is not stored
(no fact), never 0. Staffing counts come from Part 1.
"""

from __future__ import annotations

from decimal import Decimal

from yusuan.model import Disclosure, Row, RowKind, Side, Table
from yusuan.money import to_yuan
from yusuan.templates import TEMPLATES, template_of

# key → Chinese label, in the order reports list them: every template's facts, then the counts.
FACT_LABELS: dict[str, str] = {
    **{f.key: f.label for t in TEMPLATES.values() for f in t.facts},
    "staff_authorized": "编制人数",
    "staff_actual": "实有人数",
    "retired": "退休人数",
}
COUNT_FACTS = ("staff_authorized", "staff_actual", "retired")


def _row(table: Table, label: str | None, side: Side | None) -> Row | None:
    """The row labelled ``label`` (of ``side``), or the table's last total row when None."""
    if label is None:
        totals = [
            r for r in table.rows if r.kind == RowKind.TOTAL and (side is None or r.side == side)
        ]
        return totals[-1] if totals else None
    return next(
        (r for r in table.rows if r.label == label and (side is None or r.side == side)), None
    )


def facts(disclosure: Disclosure) -> dict[str, Decimal]:
    """The disclosure's headline figures in 元 (counts as whole numbers), blank ones left out."""
    found: dict[str, Decimal | None] = {}
    for spec in template_of(disclosure).facts:
        table = disclosure.table(spec.table)
        if table is None:
            continue
        row = _row(table, spec.row, spec.side)
        if row is not None:
            unit = table.amount_unit or disclosure.meta.amount_unit
            found[spec.key] = to_yuan(row.amount(spec.column), unit)
    staffing = disclosure.staffing
    for key, count in (
        ("staff_authorized", staffing.authorized),
        ("staff_actual", staffing.actual),
        ("retired", staffing.retired),
    ):
        if count is not None:
            found[key] = Decimal(count)
    return {k: v for k, v in found.items() if v is not None}
