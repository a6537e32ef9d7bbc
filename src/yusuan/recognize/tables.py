"""Build a model ``Table`` from the lines of one table region and its ``TableSpec``."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

from yusuan.model import Cell, Column, Row, RowKind, Source, Table
from yusuan.money import parse_amount
from yusuan.readers.text import Line
from yusuan.recognize.cells import (
    RawRow,
    assemble_layout_rows,
    is_amount,
    layout_tokens,
    tab_rows,
)
from yusuan.templates.shanxi import ECONOMIC_GROUPS
from yusuan.templates.spec import GroupSpec, TableSpec

_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_TOTAL_LABEL = re.compile(
    r"^(合计|总计|部门合计|本年收入合计|本年支出合计|收入总计|支出总计|人员经费合计|公用经费合计)$"
)
_NO_DATA = ("本表无数据", "为空表")
_SPACES = re.compile(r"\s+")
_NUMBERING = re.compile(r"^1(?:\s+\d+)+$")
_KIND_BY_CODE_LENGTH = {3: RowKind.CLASS, 5: RowKind.SECTION, 7: RowKind.ITEM}


_NUMBERED_LABEL = re.compile(r"^[一二三四五六七八九十]+、")


def _starts_body(spec: TableSpec, line: Line) -> bool:
    """The first body row: its first cell looks like a body label and the rest of the row is not
    more header words ("合计 人员经费 公用经费" is a header, "合计 582.81 …" is not)."""
    cells = line.cells if line.cells is not None else layout_tokens(line.text)
    if cells and not cells[0] and line.cells is not None:
        cells = [c for c in cells if c]  # a label in a later column ("合计" under 科目名称)
    if not cells or not spec.body_start.match(cells[0]):
        return False
    if _CODE.match(cells[0]) or _NUMBERED_LABEL.match(cells[0]):
        return True
    others = [c for c in cells[1:] if c]
    return not others or any(is_amount(c) for c in others)


def _is_numbering(line: Line) -> bool:
    if line.cells is not None:
        cells = [c for c in line.cells if c]
        return len(cells) > 2 and cells == [str(i + 1) for i in range(len(cells))]
    return bool(_NUMBERING.match(line.text.strip()))


def split_header(spec: TableSpec, lines: list[Line], style: str) -> tuple[list[Line], list[Line]]:
    """Split a table's lines into header lines and body lines."""
    if spec.numbered_header:
        for i, line in enumerate(lines):
            if _is_numbering(line):
                return lines[: i + 1], lines[i + 1 :]
    for i, line in enumerate(lines):
        if _starts_body(spec, line):
            return lines[:i], lines[i:]
    if spec.numbered_header:
        return lines, []
    # No recognisable first row: every line that holds a number is body.
    for i, line in enumerate(lines):
        cells = line.cells if line.cells is not None else layout_tokens(line.text)
        if any(is_amount(c) for c in cells):
            return lines[:i], lines[i:]
    return lines, []


_KIND_WORDS = ("类", "款", "项")


def unmerge_kind_header(spec: TableSpec, lines: list[Line]) -> list[Line]:
    """Lines with the 类/款/项 header cells taken out of a body row they share a grid row with
    (the rule between the header and the 合计 row is missing: "类 款 项 合计 2,946.25 …"): the
    header part becomes a line of its own before the row."""
    slots = spec.groups[0].text_slots
    n = sum(1 for slot in slots if slot.startswith("code_"))
    if n < 2:
        return lines
    words = _KIND_WORDS[:n]
    out: list[Line] = []
    for line in lines:
        cells = line.cells
        if (
            cells is None
            or len(cells) <= n
            or tuple(c.strip() for c in cells[:n]) != words
            or not any(is_amount(c.strip()) for c in cells[n:])
        ):
            out.append(line)
            continue
        blank = [""] * (len(cells) - n)
        head, rest = [*cells[:n], *blank], [""] * n + list(cells[n:])
        out.append(Line(line.number, "\t".join(head), head, line.page, line.boxes))
        out.append(Line(line.number, "\t".join(rest), rest, line.page, line.boxes,
                        line.confidences))  # fmt: skip
    return out


def _code_parts(code: str, parts: int) -> list[str]:
    """ "2050205" as 类/款/项 ("205", "02", "05"); "20502" as ("205", "02", "")."""
    pieces = [code[:3], code[3:5], code[5:7]][:parts]
    return [p for p in pieces if p] + [""] * (parts - len([p for p in pieces if p]))


def widen_code_columns(spec: TableSpec, lines: list[Line]) -> list[Line]:
    """A table printed with each code in one column (功能分类科目编码 "2050205", as the official
    决算 template draws it) where the template has 类/款/项 columns: its rows of cells widened to
    the template's slots, the code split into its parts. Only when most rows are that narrow."""
    counts = [sum(1 for slot in g.text_slots if slot.startswith("code_")) for g in spec.groups]
    if max(counts, default=0) < 2:
        return lines
    narrow = spec.width - sum(k - 1 for k in counts if k > 1)
    rows = [line for line in lines if line.cells is not None]
    if not rows or 2 * sum(1 for line in rows if len(line.cells or ()) == narrow) <= len(rows):
        return lines
    out: list[Line] = []
    for line in lines:
        if line.cells is None or len(line.cells) != narrow:
            out.append(line)
            continue
        positions: list[int] = []  # the printed cell each template slot takes its box from
        cells: list[str] = []
        at = 0
        for group, k in zip(spec.groups, counts, strict=True):
            width = group.width - (k - 1 if k > 1 else 0)
            part = line.cells[at : at + width]
            if k > 1:
                code = "".join(part[0].split())
                head = _code_parts(code, k) if _CODE.match(code) else [part[0], *[""] * (k - 1)]
                cells += head + part[1:]
                positions += [at] * k + list(range(at + 1, at + width))
            else:
                cells += part
                positions += list(range(at, at + width))
            at += width
        boxes = [line.boxes[i] for i in positions] if line.boxes else None
        sure = [line.confidences[i] for i in positions] if line.confidences else None
        out.append(Line(line.number, "\t".join(cells), cells, line.page, boxes, sure))
    return out


def header_paths(header: list[Line], width: int) -> list[str]:
    """Printed header of each column: merged cells forward-filled, levels joined with '/'.

    A blank header cell is part of the merged cell on its left when a lower header row has a
    heading in that column and the row above spans both columns.
    """
    grid: list[list[str]] = []
    for line in header:
        if line.cells is None or _is_numbering(line):
            continue
        cells = [_SPACES.sub("", c) for c in line.cells][:width]
        grid.append(cells + [""] * (width - len(cells)))
    for r, cells in enumerate(grid):
        for c in range(1, width):
            if cells[c] or not cells[c - 1]:
                continue
            lower = any(grid[k][c] for k in range(r + 1, len(grid)))
            same_parent = r == 0 or grid[r - 1][c] == grid[r - 1][c - 1]
            if lower and same_parent:
                cells[c] = cells[c - 1]
    paths: list[str] = []
    for c in range(width):
        levels: list[str] = []
        for cells in grid:
            if cells[c] and (not levels or levels[-1] != cells[c]):
                levels.append(cells[c])
        paths.append("/".join(levels))
    return paths


def _code_part(slot: str, text: str) -> str:
    """One printed part of a code; 款 and 项 printed without their leading zero get it back."""
    part = "".join(text.split())
    if slot in ("code_section", "code_item") and part.isdigit() and len(part) == 1:
        return "0" + part
    return part


def _row_kind(spec: TableSpec, code: str | None, label: str, gov_econ: str | None) -> RowKind:
    if _TOTAL_LABEL.match(label):
        return RowKind.TOTAL
    if spec.hierarchy == "econ_code" and code:  # economic codes: 301 group, 30101 item
        return RowKind.GROUP if len(code) == 3 else RowKind.ITEM
    if code:
        return _KIND_BY_CODE_LENGTH.get(len(code), RowKind.ITEM)
    if spec.hierarchy == "econ":
        return RowKind.GROUP if label in ECONOMIC_GROUPS and not gov_econ else RowKind.ITEM
    return RowKind.LINE


class TableBuilder:
    def __init__(self, spec: TableSpec, path: str, year: int | None, style: str) -> None:
        self.spec = spec
        self.path = path
        self.year = year
        self.style = style
        self.warnings: list[tuple[str, Source]] = []
        self.numeric_keys = {c.key for g in spec.groups for c in g.columns if c.numeric}
        # Per group, worked out once rather than for every row: its width and its code slots.
        self._shapes = [
            (g, g.width, tuple(slot for slot in g.text_slots if slot.startswith("code")))
            for g in spec.groups
        ]

    def _columns(self, header: list[Line]) -> list[Column]:
        printed = header_paths(header, self.spec.width) if self.style != "layout" else []
        columns: list[Column] = []
        position = 0
        year = str(self.year) if self.year else ""
        for group in self.spec.groups:
            text_positions = {slot: position + i for i, slot in enumerate(group.text_slots)}
            position += len(group.text_slots)
            for col in group.columns:
                if col.numeric:
                    index = position
                    position += 1
                else:
                    index = text_positions.get(col.key, -1)
                shown = printed[index] if 0 <= index < len(printed) else ""
                header_text = shown or col.header.format(year=year)
                columns.append(Column(col.key, header_text, col.numeric, group.side))
        return columns

    def build(self, title: str, lines: list[Line], source: Source) -> Table:
        table = Table(self.spec.number, self.spec.key, title, source=source)
        body_lines = []
        no_data_a, no_data_b = _NO_DATA
        for line in lines:
            if no_data_a in line.compact or no_data_b in line.compact:
                table.no_data = True
                table.note = line.compact
                table.note_source = Source(self.path, line.number, line.page)
            else:
                body_lines.append(line)
        body_lines = unmerge_kind_header(self.spec, widen_code_columns(self.spec, body_lines))
        header, body = split_header(self.spec, body_lines, self.style)
        table.columns = self._columns(header)
        if self.style == "layout":
            raw_rows = assemble_layout_rows(self.spec, body)
        else:
            raw_rows = tab_rows(self.spec, body)
        for position, raw in enumerate(raw_rows):
            for row in self._rows(raw):
                row.position = position
                table.rows.append(row)
            if raw.overflow:
                self.warnings.append(
                    (
                        f"表{self.spec.number}第{raw.lines[0]}行比模板多出单元格"
                        f"（{'、'.join(raw.overflow)}），未读取；请核对表格列是否与模板一致",
                        Source(self.path, raw.lines[0]),
                    )
                )
        if self.spec.hierarchy == "projects":
            _classify_by_indent(table, raw_rows)
        return table

    def _rows(self, raw: RawRow) -> list[Row]:
        rows: list[Row] = []
        position = 0
        source = Source(self.path, raw.lines[0] if raw.lines else None, raw.page)
        first_label = ""
        for group, width, code_slots in self._shapes:
            cells = raw.cells[position : position + width]
            start = position
            position += width
            row = self._group_row(group, cells, source, code_slots)
            if row is not None and raw.boxes:
                self._locate_cells(group, row, raw, start, source)
            if row is None:
                continue
            if not row.label and not row.code and _TOTAL_LABEL.match(first_label):
                row.label = first_label  # a total printed once across both halves
                row.kind = RowKind.TOTAL
            first_label = first_label or row.label
            rows.append(row)
        return rows

    def _locate_cells(
        self, group: GroupSpec, row: Row, raw: RawRow, start: int, source: Source
    ) -> None:
        """Give each cell its own box and confidence (PDF and OCR inputs)."""
        index = {slot: start + i for i, slot in enumerate(group.text_slots)}
        numeric = start + len(group.text_slots)
        for column in group.columns:
            slot = index.get(column.key, -1) if not column.numeric else numeric
            if column.numeric:
                numeric += 1
            cell = row.cells.get(column.key)
            if cell is None or not 0 <= slot < len(raw.boxes):
                continue
            cell.source = Source(self.path, source.line, raw.page, raw.boxes[slot])
            if raw.confidences:
                cell.confidence = min(cell.confidence, raw.confidences[slot])

    def _group_row(
        self, group: GroupSpec, cells: list[str], source: Source, code_slots: tuple[str, ...]
    ) -> Row | None:
        texts = dict(zip(group.text_slots, cells, strict=False))
        numbers = cells[len(group.text_slots) :]
        code: str | None = None
        label = "".join(texts.get("name", "").split())
        # A code printed in one column ("code") or split over 类/款/项 columns ("code_*").
        raw_code = "".join([_code_part(slot, texts[slot]) for slot in code_slots])
        if raw_code:
            if _CODE.match(raw_code):
                code = raw_code
            else:
                label = raw_code + label
        # (cells are strings: a blank one is cells.BLANK, the empty string)
        if not group.text_slots and any(numbers):
            label = "合计"  # a table of one printed row of figures (Shanghai's 三公 table)
        if not label and not code and not any(numbers):
            return None
        gov_econ = texts.get("gov_econ")
        row = Row(label, code, side=group.side, source=source)
        printed = [" ".join(texts[slot].split()) for slot in code_slots if texts[slot].strip()]
        if code and "".join(printed) != code:
            row.printed_code = " ".join(printed)  # "301 2": a 款 printed without its leading 0
        numeric_iter = iter(numbers)
        row_cells = row.cells
        numeric_keys = self.numeric_keys
        for col in group.columns:  # (inlined: this runs for every cell of every table)
            key = col.key
            if col.numeric:
                text = next(numeric_iter, "").strip()
                if not text:
                    row_cells[key] = Cell(text, None, source)
                    continue
                amount = parse_amount(text)
                if amount is not None:
                    row_cells[key] = Cell(text, amount, source, 1.0)
                    continue
                row_cells[key] = Cell(text, None, source, 0.0)
            else:
                text = texts.get(key, "").strip()
                row_cells[key] = Cell(text, None, source)
                if not text or key not in numeric_keys:
                    continue
            # Printed text where the template has a number (column keys are unique in a group,
            # so warning here keeps the order of the row's cells).
            self.warnings.append(
                (f"表{self.spec.number}“{label}”的“{key}”不是数字：{text}", source)
            )
        row.kind = _row_kind(self.spec, code, label, gov_econ.strip() if gov_econ else None)
        return row


def _classify_by_indent(table: Table, raw_rows: list[RawRow]) -> None:
    """Tables 12/13 from layout text: the levels are indented with ideographic spaces."""
    rows = [r for r in table.rows if r.kind != RowKind.TOTAL]
    indents = [raw.indent for raw in raw_rows if raw.cells and raw.cells[0]]
    if len(set(indents)) < 2 or len(indents) != len(rows):
        return
    levels = sorted(set(indents))
    for row, indent in zip(rows, indents, strict=True):
        depth = len(levels) - 1 - levels.index(indent)
        row.kind = (RowKind.PROJECT, RowKind.UNIT, RowKind.DEPARTMENT)[min(depth, 2)]


def classify_projects(table: Table, unit_names: set[str]) -> None:
    """Tables 12/13 without indentation: a row named after the department or one of its units is
    a subtotal; failing names, a row is a subtotal when the rows after it add up to it. Two
    subtotals in a row are a department followed by its unit."""
    rows = [r for r in table.rows if r.kind != RowKind.TOTAL]
    if any(r.kind != RowKind.LINE for r in rows):
        return  # already told apart by indentation
    named = [r.label in unit_names for r in rows]
    for row, is_subtotal in zip(rows, named, strict=True):
        row.kind = RowKind.UNIT if is_subtotal else RowKind.PROJECT
    if not any(named):
        i = 0
        while i < len(rows):
            end = _end_of_sum(rows, i + 1, rows[i].amount("total"))
            if end is not None:
                rows[i].kind = RowKind.UNIT
                i = end
            else:
                i += 1
    for a, b in itertools.pairwise(rows):
        if a.kind == RowKind.UNIT and b.kind == RowKind.UNIT:
            a.kind = RowKind.DEPARTMENT


def _end_of_sum(rows: list[Row], start: int, target: Decimal | None) -> int | None:
    """Index after the run of at least two rows from ``start`` whose totals add up to
    ``target`` within rounding (0.01 per summand), or ``None``."""
    if target is None:
        return None
    running = Decimal(0)
    for k in range(start, len(rows)):
        running += rows[k].amount("total") or Decimal(0)
        count = k - start + 1
        if count >= 2 and abs(running - target) <= Decimal("0.01") * count:
            return k + 1
        if running > target + Decimal("0.01") * count:
            return None
    return None
