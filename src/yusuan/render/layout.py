"""The printed layout of the template's tables, shared by every renderer (DOCX, XLSX, HTML, PDF).

A renderer asks for a table's ``Grid``: the header rows as the template prints them (with merged
cells), the body rows with both halves of two-sided tables side by side, and the lines printed
around the table (title, 单位名称, 单位, 本表无数据). Renderers only decide how a grid looks.
Everything about a table comes from its template's ``TableSpec`` (found by the table's semantic
key): its header rows (``spec.headers``), its slots and its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from yusuan.model import Disclosure, Row, RowKind, Side, Table
from yusuan.money import format_amount
from yusuan.templates import Template, template_of
from yusuan.templates.spec import GroupSpec, TableSpec

NO_DATA_NOTE = "注：本表无数据"


@dataclass(frozen=True, slots=True)
class Merge:
    """A merged header cell: top-left corner and its size, in grid coordinates."""

    row: int
    column: int
    rows: int = 1
    columns: int = 1


@dataclass(slots=True)
class BodyCell:
    text: str
    numeric: bool  # right-aligned amount (blank amounts are numeric with empty text)


@dataclass(slots=True)
class Grid:
    number: int
    title: str  # "2025年预算收支总表"
    marker: str  # "预算公开表1" ("" where the template prints none)
    unit_line: str  # "单位名称：XX" or "部门名称：XX" (Shanghai: "编制单位：XX")
    amount_unit_line: str  # "单位：万元"
    header: list[list[str]]
    merges: list[Merge]
    body: list[list[BodyCell]]
    no_data: bool
    widths: list[float] = field(default_factory=list)  # relative column widths
    name: str = ""  # the template's name of the table (for 目录 lines "表一2025年…")
    note: str = NO_DATA_NOTE  # printed under a table without data

    @property
    def columns(self) -> int:
        return len(self.header[0])


def header_merges(header: list[list[str]]) -> list[Merge]:
    """Merged cells implied by a header grid: a heading spans the blank cells to its right that
    have headings below them, and the blank cells under it when nothing else claims them."""
    rows, cols = len(header), len(header[0])
    covered = [[False] * cols for _ in range(rows)]
    merges: list[Merge] = []
    for r in range(rows):
        for c in range(cols):
            if covered[r][c] or not header[r][c]:
                continue
            width = 1
            while (
                c + width < cols
                and not header[r][c + width]
                and not covered[r][c + width]
                and any(header[k][c + width] for k in range(r + 1, rows))
            ):
                width += 1
            height = 1
            while r + height < rows and all(
                not header[r + height][k] and not covered[r + height][k]
                for k in range(c, c + width)
            ):
                height += 1
            for rr in range(r, r + height):
                for cc in range(c, c + width):
                    covered[rr][cc] = True
            if width > 1 or height > 1:
                merges.append(Merge(r, c, height, width))
    return merges


def _cell_text(row: Row | None, key: str) -> str:
    if row is None:
        return ""
    cell = row.cells.get(key)
    if cell is None:
        return ""
    if cell.text:
        return cell.text
    return format_amount(cell.amount) if cell.amount is not None else ""


def _code_text(slot: str, code: str) -> str:
    """The part of a code a slot prints: the whole code, or 类 (3 digits), 款 or 项 (2 each)."""
    if slot == "code":
        return code
    start = {"code_class": 0, "code_section": 3, "code_item": 5}.get(slot, 0)
    return code[start : start + (3 if slot == "code_class" else 2)]


def _group_cells(
    group: GroupSpec, row: Row | None, repeat_label: bool = True, keep: set[str] | None = None
) -> list[BodyCell]:
    """One side of a printed row. In coded tables a row without a code (合计) prints its label in
    the first code column, as the template does. ``keep``: the value columns printed."""
    cells: list[BodyCell] = []
    code_slots = [slot for slot in group.text_slots if slot.startswith("code")]
    for slot in group.text_slots:
        text = ""
        if row is not None and slot in code_slots:
            if row.code:
                text = _code_text(slot, row.code)
            elif slot == code_slots[0] and repeat_label:
                text = row.label
        elif row is not None and slot == "name":
            text = row.label if (row.code or not code_slots) else ""
        elif row is not None:
            text = _cell_text(row, slot)
        cells.append(BodyCell(text, False))
    for column in group.columns:
        if column.numeric and (keep is None or column.key in keep):
            cells.append(BodyCell(_cell_text(row, column.key), True))
    return cells


def paired_rows(table: Table) -> list[tuple[Row | None, ...]]:
    """Body rows as printed: one tuple per printed row with one entry per side (a single entry for
    one-sided tables). Rows that share a ``position`` are printed on one line; rows without one
    (a disclosure built in code should set positions) follow their side's previous row."""
    sides = list(dict.fromkeys(c.side for c in table.columns)) or [None]
    if sides == [None]:
        return [(row,) for row in table.rows]
    lines: dict[int, dict[Side | None, Row]] = {}
    last: dict[Side | None, int] = {}
    for row in table.rows:
        position = row.position if row.position is not None else last.get(row.side, -1) + 1
        lines.setdefault(position, {})[row.side] = row
        last[row.side] = position
    return [tuple(lines[p].get(side) for side in sides) for p in sorted(lines)]


def spec_of(table: Table, template: Template) -> TableSpec:
    """The template's spec of a table, by its semantic key (by number for tables without one)."""
    spec = template.spec_for(table.key) if table.key else None
    return spec if spec is not None else template.spec(table.number)


def _kept(spec: TableSpec, table: Table) -> list[set[str]]:
    """Per group, the value columns the table has (a model table may print fewer columns than
    its template: Shanghai's 部门 table 1 prints only 预算数)."""
    present = {(c.key, c.side) for c in table.columns}
    kept = []
    for group in spec.groups:
        keys = {c.key for c in group.columns if c.numeric}
        have = {k for k in keys if (k, group.side) in present}
        kept.append(have if have else keys)
    return kept


def _header(spec: TableSpec, kept: list[set[str]], year: str) -> list[list[str]]:
    """The spec's header rows without the columns the table does not print."""
    keep: list[bool] = []
    for group, columns in zip(spec.groups, kept, strict=True):
        keep += [True] * len(group.text_slots)
        keep += [c.key in columns for c in group.columns if c.numeric]
    rows = [
        [cell.replace("{year}", year) for cell, k in zip(printed, keep, strict=True) if k]
        for printed in spec.headers
    ]
    if not all(keep):  # a heading left with one column keeps no sub-heading ("预算数/合计")
        for r in range(len(rows) - 1, 0, -1):
            above, row = rows[r - 1], rows[r]
            for c, text in enumerate(row):
                alone = c + 1 == len(row) or bool(above[c + 1])
                if text and above[c] and alone:
                    row[c] = ""
    return [row for row in rows if any(row)]


def table_grid(table: Table, disclosure: Disclosure) -> Grid:
    template = template_of(disclosure)
    spec = spec_of(table, template)
    year = str(disclosure.meta.year or "")
    kept = _kept(spec, table)
    header = _header(spec, kept, year)
    body = []
    for printed in paired_rows(table):
        cells: list[BodyCell] = []
        first_label = None
        for group, row, keep in zip(spec.groups, printed, kept, strict=True):
            # A total printed once across both halves (a two-sided 合计) is not repeated.
            repeat = row is None or row.kind != RowKind.TOTAL or row.label != first_label
            cells += _group_cells(group, row, repeat_label=repeat, keep=keep)
            if row is not None and first_label is None:
                first_label = row.label
        body.append(cells)
    department = disclosure.meta.scope == "部门"
    unit = table.unit_name or disclosure.meta.unit_name
    named = template.layout == "named_sections"
    if named:  # Shanghai: "编制单位：XX", no 公开表 marker
        unit_line = f"编制{'部门' if department else '单位'}：{unit}"
    else:
        unit_line = f"{'部门' if department else '单位'}名称：{unit}"
    return Grid(
        number=table.number,
        title=printed_title(table, spec, year),
        marker="" if named else f"{_MARKER_WORD.get(spec.key, '预算')}公开表{spec.number}",
        unit_line=unit_line,
        amount_unit_line=f"单位：{table.amount_unit or disclosure.meta.amount_unit}",
        header=header,
        merges=header_merges(header),
        body=body,
        no_data=table.no_data,
        widths=_widths(spec, kept),
        name=spec.name,
        note=_no_data_note(template, spec, disclosure) if table.no_data else NO_DATA_NOTE,
    )


def _no_data_note(template: Template, spec: TableSpec, disclosure: Disclosure) -> str:
    """Shanghai says why a table is empty: "注:本单位2025年无政府性基金预算财政拨款安排的预算，
    故本表为空表。"; Shanxi prints 注：本表无数据."""
    if template.layout != "named_sections":
        return NO_DATA_NOTE
    scope = "部门" if disclosure.meta.scope == "部门" else "单位"
    what = spec.name.split("支出")[0] if "预算支出" in spec.name else spec.name.removesuffix("表")
    return f"注：本{scope}{disclosure.meta.year or ''}年无{what}财政拨款安排的预算，故本表为空表。"


# The word before 公开表N where a template's marker is not 预算公开表N (Shanxi's capital table).
_MARKER_WORD = {"capital_budget": "部门"}
_LEADING_NUMBER = re.compile(r"^表[一二三四五六七八九十]+")


def printed_title(table: Table, spec: TableSpec, year: str) -> str:
    """The title as printed: the table's own (as read or built, without a leading 表N), else
    the year and the template's name of the table."""
    title = _LEADING_NUMBER.sub("", "".join(table.title.split())) if table.title else ""
    if title and spec.title.match(title):
        return title
    return f"{year}年{spec.name}"


_UNIT_ROWS = ("operating_costs",)  # tables whose rows are units: long names


def _widths(spec: TableSpec, kept: list[set[str]]) -> list[float]:
    """Relative column widths: names wide, codes narrow, amounts even."""
    widths: list[float] = []
    two_sided = spec.two_sided
    for index, (group, columns) in enumerate(zip(spec.groups, kept, strict=True)):
        coded = any(slot.startswith("code") for slot in group.text_slots)
        for slot in group.text_slots:
            if slot.startswith("code"):
                widths.append(1.0 if slot == "code" else 0.6)
            elif slot == "name" and spec.hierarchy == "projects":
                widths.append(3.6)
            elif slot == "name" and two_sided and coded:
                widths.append(2.0)
            elif slot == "name" and two_sided:
                widths.append(2.2 if index == 0 else 2.6)
            elif slot == "name" and spec.hierarchy == "econ":
                widths.append(2.4)
            elif slot == "name":
                wide = coded or spec.hierarchy != "" or spec.key in _UNIT_ROWS
                widths.append(2.8 if wide else 2.4)
            else:
                widths.append(2.0)  # a second text column (政府预算经济科目名称)
        widths += [1.0] * sum(1 for c in group.columns if c.numeric and c.key in columns)
    return widths


def grids(disclosure: Disclosure) -> list[Grid]:
    return [table_grid(t, disclosure) for _, t in sorted(disclosure.tables.items())]


def amount_text(value: Decimal | None) -> str:
    return format_amount(value)
