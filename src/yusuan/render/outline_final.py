"""The outline of a Shanghai 部门决算 as the published documents order it: the cover (unit name,
"2024年度部门决算"), the 目录, 第一部分 概况 (主要职能, 部门决算单位构成 with its table of units),
第二部分 the nine tables (titles without number or year, "单位：万元" above each), 第三部分 情况说明
with its eleven sections, 第四部分 名词解释. No charts: the template prints none.

The 基本支出 table is printed in two halves side by side (人员经费 on the left, 公用经费 on the
right), which the model keeps as one-sided rows sharing a position; its grid is made here.
"""

from __future__ import annotations

from dataclasses import replace

from yusuan.model import Disclosure, Row, RowKind, Table
from yusuan.money import format_amount
from yusuan.numerals import cn_numeral
from yusuan.render.blocks import (
    Block,
    Heading,
    LabelGrid,
    Outline,
    PageBreak,
    Paragraph,
    TableBlock,
)
from yusuan.render.layout import BodyCell, Grid, header_merges, printed_title, spec_of, table_grid
from yusuan.templates import template_of

PERSONNEL = ("301", "303")  # the left half of 一般公共预算财政拨款基本支出决算表
CONTENTS_TITLE = "目 录"


def _paragraphs(text: str) -> list[Block]:
    """Paragraphs of a text; a run of tab-separated lines is a table (序号 | 单位名称 | 备注)."""
    blocks: list[Block] = []
    rows: list[list[tuple[str, int]]] = []
    for line in [*text.split("\n"), ""]:
        if "\t" in line:
            rows.append([(cell.strip(), 1) for cell in line.split("\t")])
            continue
        if rows:
            width = max(len(r) for r in rows)
            blocks.append(LabelGrid("", "", [r + [("", 1)] * (width - len(r)) for r in rows],
                                    width))  # fmt: skip
            rows = []
        if line.strip():
            blocks.append(Paragraph(line.strip()))
    return blocks


def _left(row: Row) -> bool:
    return (row.code or "")[:3] in PERSONNEL or row.label == "人员经费合计"


def _half(row: Row | None) -> list[BodyCell]:
    if row is None:
        return [BodyCell("", False)] * 3 + [BodyCell("", True)]
    cell = row.cells.get("amount")
    amount = (cell.text or format_amount(cell.amount)) if cell is not None else ""
    if row.kind == RowKind.TOTAL or not row.code:
        return [BodyCell(row.label, False), BodyCell("", False), BodyCell("", False),
                BodyCell(amount, True)]  # fmt: skip
    code = row.code
    return [BodyCell(code[:3], False), BodyCell(code[3:5], False), BodyCell(row.label, False),
            BodyCell(amount, True)]  # fmt: skip


def economic_grid(table: Table, d: Disclosure) -> Grid:
    """The 基本支出 table: each printed line a left and a right half, paired by position."""
    spec = spec_of(table, template_of(d))
    header = [list(row) for row in spec.headers]
    lines: dict[int, dict[bool, Row]] = {}
    for index, row in enumerate(table.rows):
        position = row.position if row.position is not None else index
        lines.setdefault(position, {})[_left(row)] = row
    body = [_half(lines[p].get(True)) + _half(lines[p].get(False)) for p in sorted(lines)]
    year = str(d.meta.year or "")
    return Grid(
        number=table.number, title=printed_title(table, spec, year), marker="", unit_line="",
        amount_unit_line=f"单位：{table.amount_unit or d.meta.amount_unit}", header=header,
        merges=header_merges(header), body=body, no_data=table.no_data,
        widths=[0.6, 0.6, 2.6, 1.0] * 2, name=spec.name, note=table.note or "注：本表无数据",
    )  # fmt: skip


# The 三公 table's second header row as printed: each heading over its 预算数 and 决算数.
def final_grid(table: Table, d: Disclosure) -> Grid:
    """A table as the 决算 prints it: no 公开表 marker, no 单位名称 line, its own 注."""
    if table.key == "basic_by_economic":
        return economic_grid(table, d)
    grid = table_grid(table, d)
    return replace(grid, marker="", unit_line="", note=table.note or grid.note)


def build_final_outline(d: Disclosure) -> Outline:
    name, year = d.meta.unit_name, str(d.meta.year or "")
    scope = "部门" if d.meta.scope == "部门" else "单位"
    outline = Outline(name, f"{year}年度{scope}决算")
    blocks = outline.blocks
    blocks += [Heading(name, 0), Paragraph(outline.subtitle, "center"), PageBreak()]
    members = f"二、{scope}决算单位构成" if d.meta.units else "二、机构设置"
    parts = (f"第一部分 {name}概况", f"第二部分 {name}{year}年度{scope}决算表",
             f"第三部分 {name}{year}年度{scope}决算情况说明", "第四部分 名词解释")  # fmt: skip
    tables = [t for _, t in sorted(d.tables.items())]
    grids = [final_grid(t, d) for t in tables]
    toc = [parts[0], "一、主要职能", members, parts[1]]
    toc += [f"{cn_numeral(i)}、{g.name}" for i, g in enumerate(grids, start=1)]
    toc.append(parts[2])
    toc += [f"{s.number}、{s.title}" for s in d.sections]
    toc.append(parts[3])
    blocks += [Heading(CONTENTS_TITLE, 1), *(Paragraph(line, "toc") for line in toc), PageBreak()]
    blocks += [Heading(parts[0], 1), Heading("一、主要职能", 2), *_paragraphs(d.duties)]
    blocks += [Heading(members, 2), *_paragraphs(d.organization), PageBreak()]
    blocks.append(Heading(parts[1], 1))
    for grid in grids:
        blocks += [TableBlock(grid), PageBreak()]
    blocks.append(Heading(parts[2], 1))
    for section in d.sections:
        blocks += [Heading(f"{section.number}、{section.title}", 2), *_paragraphs(section.text)]
        for sub in section.subsections:
            blocks += [Heading(f"{sub.number}{sub.title}", 3), *_paragraphs(sub.text)]
    if d.glossary:
        blocks += [PageBreak(), Heading(parts[3], 1)]
        for i, entry in enumerate(d.glossary, start=1):
            blocks.append(Paragraph(f"{cn_numeral(i)}、{entry.term}：{entry.definition}"))
    return outline
