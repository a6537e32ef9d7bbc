"""Ways to look at a table that several rules share: code hierarchy, totals, sides."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from yusuan.model import Disclosure, Row, RowKind, Section, Side, Table
from yusuan.templates import template_of

_NUMBERED = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
TOTAL_LABELS = ("合计", "总计", "部门合计")


def section_label(d: Disclosure, section: Section) -> str:
    """A narrative section as findings name it: "第三部分 七、…" (Shanxi), "其他相关情况说明
    一、…" (Shanghai), or the title of an unnumbered section (预算编制说明)."""
    if not section.number:
        return section.title
    return f"{template_of(d).section_label} {section.number}、{section.title}"


def coded_tables(disclosure: Disclosure) -> list[Table]:
    """The tables the document's template lists by 类/款/项 code, in template order."""
    found = []
    for spec in template_of(disclosure).tables:
        table = disclosure.table(spec.key) if spec.hierarchy == "code" else None
        if table is not None:
            found.append(table)
    return found


def coded_sides(disclosure: Disclosure) -> Iterator[tuple[Table, Side | None, list[Row]]]:
    """Each side of each coded table present, with its coded rows."""
    for table in coded_tables(disclosure):
        for side in sides(table):
            yield table, side, coded(table, side)


def numeric_keys(table: Table, side: Side | None = None) -> list[str]:
    return [c.key for c in table.columns if c.numeric and (side is None or c.side == side)]


def sides(table: Table) -> list[Side | None]:
    found = {c.side for c in table.columns}
    return [s for s in (None, Side.INCOME, Side.EXPENDITURE) if s in found]


def rows_of(table: Table, side: Side | None) -> list[Row]:
    return [r for r in table.rows if r.side == side]


def coded(table: Table, side: Side | None = None) -> list[Row]:
    return [r for r in rows_of(table, side) if r.code]


def children(rows: list[Row], parent: Row) -> list[Row]:
    """Direct children in the 类/款/项 hierarchy: codes two digits longer with the same prefix."""
    assert parent.code is not None
    length = len(parent.code) + 2
    return [r for r in rows if r.code and len(r.code) == length and r.code.startswith(parent.code)]


def children_by_code(rows: list[Row]) -> dict[str, list[Row]]:
    """``children(rows, parent)`` for every parent at once, by the parent's code: a row is a
    direct child of the code its own code is without its last two digits."""
    found: dict[str, list[Row]] = {}
    for row in rows:
        if row.code:
            found.setdefault(row.code[:-2], []).append(row)
    return found


def total_row(table: Table, side: Side | None = None) -> Row | None:
    for row in table.rows:  # (rows_of(table, side) without building the list)
        if row.side == side and row.label in TOTAL_LABELS and not row.code:
            return row
    return None


def labelled(table: Table, label: str, side: Side | None = None) -> Row | None:
    for row in table.rows:
        if row.label == label and row.side == side:
            return row
    return None


@lru_cache(maxsize=4096)  # asked of the same few labels by many rules
def numbered(label: str) -> tuple[str, str] | None:
    """ "八、社会保障和就业支出" → ("八", "社会保障和就业支出")."""
    found = _NUMBERED.match(label)
    return (found.group(1), found.group(2)) if found else None


def class_lines(table: Table) -> list[Row]:
    """Tables 1 and 4: the numbered expenditure class lines."""
    return [r for r in rows_of(table, Side.EXPENDITURE) if numbered(r.label)]


def income_sources(table: Table) -> tuple[list[Row], list[Row]]:
    """Tables 1 and 4: numbered income lines of the current year, and those under 上年结转."""
    current: list[Row] = []
    carried: list[Row] = []
    target = current
    for row in rows_of(table, Side.INCOME):
        if row.label.startswith("上年") and not numbered(row.label):
            target = carried
        elif numbered(row.label):
            target.append(row)
    return current, carried


def subtotal_groups(table: Table) -> Iterator[tuple[Row, list[Row]]]:
    """Tables 12/13: each department or unit row with the rows it sums up."""
    rows = [r for r in table.rows if r.kind != RowKind.TOTAL]
    for i, row in enumerate(rows):
        if row.kind == RowKind.UNIT:
            members = []
            for nxt in rows[i + 1 :]:
                if nxt.kind != RowKind.PROJECT:
                    break
                members.append(nxt)
            yield row, members
        elif row.kind == RowKind.DEPARTMENT:
            members = []
            for nxt in rows[i + 1 :]:
                if nxt.kind == RowKind.DEPARTMENT:
                    break
                if nxt.kind == RowKind.UNIT:
                    members.append(nxt)
            yield row, members


def economic_groups(table: Table) -> Iterator[tuple[Row, list[Row]]]:
    """Table 6: each economic group (工资福利支出 …) with the items printed under it."""
    group: Row | None = None
    items: list[Row] = []
    for row in table.rows:
        if row.kind == RowKind.GROUP:
            if group is not None:
                yield group, items
            group, items = row, []
        elif row.kind == RowKind.ITEM and group is not None:
            items.append(row)
    if group is not None:
        yield group, items
