"""The printed layout of the template's tables, shared by every renderer (DOCX, XLSX, HTML, PDF).

A renderer asks for a table's ``Grid``: the header rows as the template prints them (with merged
cells), the body rows with both halves of two-sided tables side by side, and the lines printed
around the table (title, 单位名称, 单位, 本表无数据). Renderers only decide how a grid looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from yusuan.model import Disclosure, Row, RowKind, Side, Table
from yusuan.money import format_amount
from yusuan.templates.shanxi import SHANXI_TABLES, TABLE_NAMES
from yusuan.templates.spec import GroupSpec

_BASIC = ["合计", "基本支出", "项目支出"]

# Header rows of each table as the Shanxi template prints them ({year}: the budget year).
HEADERS: dict[int, list[list[str]]] = {
    1: [
        ["收入", "", "支出", "", "", ""],
        ["项目", "{year}年", "项目", "{year}年合计", "当年预算安排", "上年结转安排"],
    ],
    2: [
        ["项目", "", "本年收入", "", "", "", "", "", "上年结转"],
        ["科目编码", "科目名称", "合计", "一般公共预算", "政府性基金", "国有资本经营预算",
         "财政专户管理资金", "单位资金", ""],
    ],
    3: [["项目", "", "{year}年预算数", "", ""], ["科目编码", "科目名称", *_BASIC]],
    4: [
        ["收入", "", "支出", "", "", "", ""],
        ["项目", "金额", "项目", "金额", "", "", ""],
        ["", "", "", "小计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
    ],
    5: [["项目", "", "{year}年预算数", "", ""], ["科目编码", "科目名称", *_BASIC]],
    6: [
        ["部门预算支出经济科目名称", "政府预算支出经济科目名称", "{year}年预算数", "", ""],
        ["", "", "合计", "人员经费", "公用经费"],
    ],
    7: [["项目", "", "政府性基金收入预算"], ["收入科目编码", "科目名称", ""]],
    8: [["科目编码", "科目名称", *_BASIC]],
    9: [
        ["国有资本经营预算收入", "", "", "国有资本经营预算支出", "", "", "", ""],
        ["项目", "", "国有资本经营收入预算", "科目编码", "科目名称", *_BASIC],
        ["收入科目编码", "科目名称", "", "", "", "", "", ""],
    ],
    10: [
        ["项目", "{year}年预算数", "", "", ""],
        ["", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
    ],
    11: [
        ["单位名称", "{year}预算数", "", "", ""],
        ["", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
    ],
    12: [
        ["项目名称", "合计", "{year}年财政拨款", "", "", "财政专户管理资金", "单位资金"],
        ["", "", "一般公共预算", "政府性基金预算", "国有资本经营预算", "", ""],
        ["1", "2", "3", "4", "5", "6", "7"],
    ],
    13: [
        ["项目名称", "合计", "{year}年财政拨款", "", ""],
        ["", "", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
        ["1", "2", "3", "4", "5"],
    ],
}  # fmt: skip

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
    marker: str  # "预算公开表1"
    unit_line: str  # "单位名称：XX" or "部门名称：XX"
    amount_unit_line: str  # "单位：万元"
    header: list[list[str]]
    merges: list[Merge]
    body: list[list[BodyCell]]
    no_data: bool
    widths: list[float] = field(default_factory=list)  # relative column widths

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


def _group_cells(group: GroupSpec, row: Row | None, repeat_label: bool = True) -> list[BodyCell]:
    """One side of a printed row. In coded tables a row without a code (合计) prints its label in
    the code column, as the template does."""
    cells: list[BodyCell] = []
    coded = "code" in group.text_slots
    for slot in group.text_slots:
        text = ""
        if row is not None and slot == "code":
            text = row.code or (row.label if repeat_label else "")
        elif row is not None and slot == "name":
            text = row.label if (row.code or not coded) else ""
        elif row is not None:
            text = _cell_text(row, slot)
        cells.append(BodyCell(text, False))
    for column in group.columns:
        if column.numeric:
            cells.append(BodyCell(_cell_text(row, column.key), True))
    return cells


def paired_rows(table: Table) -> list[tuple[Row | None, ...]]:
    """Body rows as printed: one tuple per printed row with one entry per side (a single entry for
    one-sided tables). Rows that share a ``position`` are printed on one line; rows without one
    (a disclosure built in code should set positions) follow their side's previous row."""
    spec = SHANXI_TABLES[table.number - 1]
    sides = [g.side for g in spec.groups]
    if sides == [None]:
        return [(row,) for row in table.rows]
    lines: dict[int, dict[Side | None, Row]] = {}
    last: dict[Side | None, int] = {}
    for row in table.rows:
        position = row.position if row.position is not None else last.get(row.side, -1) + 1
        lines.setdefault(position, {})[row.side] = row
        last[row.side] = position
    return [tuple(lines[p].get(side) for side in sides) for p in sorted(lines)]


def table_grid(table: Table, disclosure: Disclosure) -> Grid:
    spec = SHANXI_TABLES[table.number - 1]
    year = str(disclosure.meta.year or "")
    header = [[cell.replace("{year}", year) for cell in row] for row in HEADERS[table.number]]
    body = []
    for printed in paired_rows(table):
        cells: list[BodyCell] = []
        first_label = None
        for group, row in zip(spec.groups, printed, strict=True):
            # A total printed once across both halves (table 9's 合计) is not repeated.
            repeat = row is None or row.kind != RowKind.TOTAL or row.label != first_label
            cells += _group_cells(group, row, repeat_label=repeat)
            if row is not None and first_label is None:
                first_label = row.label
        body.append(cells)
    scope = "部门" if disclosure.meta.scope == "部门" else "单位"
    unit = table.unit_name or disclosure.meta.unit_name
    return Grid(
        number=table.number,
        title=f"{year}年{_title_body(table.number)}",
        marker=f"{'部门' if table.number == 9 else '预算'}公开表{table.number}",
        unit_line=f"{scope}名称：{unit}",
        amount_unit_line=f"单位：{table.amount_unit or disclosure.meta.amount_unit}",
        header=header,
        merges=header_merges(header),
        body=body,
        no_data=table.no_data,
        widths=_widths(table.number, len(header[0])),
    )


def _title_body(number: int) -> str:
    names = {
        5: "一般公共预算支出预算表（不含上年结转）",
        6: "一般公共预算安排基本支出分经济科目表（不含上年结转）",
        7: "政府性基金预算收入表（不含上年结转）",
        8: "政府性基金预算支出表（不含上年结转）",
        9: "国有资本经营预算收支预算表（不含上年结转）",
    }
    return names.get(number, TABLE_NAMES[number])


def _widths(number: int, columns: int) -> list[float]:
    """Relative column widths: names wide, codes narrow, amounts even."""
    wide = {1: {0: 2.2, 2: 2.6}, 4: {0: 2.2, 2: 2.6}, 6: {0: 2.4, 1: 2.0}, 10: {0: 2.4},
            11: {0: 2.8}, 12: {0: 3.6}, 13: {0: 3.6}}  # fmt: skip
    coded = {2, 3, 5, 7, 8}
    widths = [1.0] * columns
    for column, width in wide.get(number, {}).items():
        widths[column] = width
    if number in coded:
        widths[0], widths[1] = 1.0, 2.8
    if number == 9:
        widths[1], widths[4] = 2.0, 2.0
    return widths


def grids(disclosure: Disclosure) -> list[Grid]:
    return [table_grid(t, disclosure) for _, t in sorted(disclosure.tables.items())]


def amount_text(value: Decimal | None) -> str:
    return format_amount(value)
