"""What the document page shows: the tables as the model holds them, each cell with an id, and
the findings with the ids of the cells and the source lines they cite.

The tables part depends only on the stored model, so it is built once per document and cached;
findings and review decisions are read for every request.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from markupsafe import Markup

from yusuan.checks.engine import FAMILIES
from yusuan.model import Column, Disclosure, Row, Side, Table
from yusuan.money import format_amount
from yusuan.store import schema as s
from yusuan.store.accounts import DECISION_LABELS, FindingReview
from yusuan.store.records import located
from yusuan.web.sources import SourceLine

LOW_CONFIDENCE = 0.9
SIDE_LABELS = {None: "", Side.INCOME: "收入", Side.EXPENDITURE: "支出"}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示", "rounding": "尾差"}


@dataclass(slots=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(slots=True)
class CellView:
    id: str
    text: str
    numeric: bool
    low_confidence: bool = False


@dataclass(slots=True)
class RowView:
    id: str
    code: str
    label: str
    kind: str
    line: int | None
    cells: list[CellView]


@dataclass(slots=True)
class BlockView:
    """One side of a table (tables 1, 4 and 9 have an income and an expenditure side)."""

    label: str
    coded: bool
    header: list[list[HeaderCell]]
    rows: list[RowView]


@dataclass(slots=True)
class TableView:
    number: int
    anchor: str
    title: str
    amount_unit: str
    no_data: bool
    line: int | None
    blocks: list[BlockView]


Target = tuple[str, int | None]  # element id, source line
Box = tuple[float, float, float, float]  # x0, top, x1, bottom: points from the page's top left
PageBox = tuple[int, Box]  # 1-based page, box


@dataclass(slots=True)
class DocumentView:
    """The cached, model-only part of the document page."""

    tables: list[TableView]
    issues: list[str]
    lines: list[SourceLine]
    # The tables and source panes as HTML, rendered once from the autoescaping template
    # ``_document_panes.html`` (see ``documents.cached_view``).
    panes: Markup = field(default_factory=Markup)
    cells: dict[tuple[int, str, str], list[Target]] = field(default_factory=dict)
    rows: dict[tuple[int, str], list[Target]] = field(default_factory=dict)
    # Where each cell and row element stands on its page (inputs with pages only).
    boxes: dict[str, PageBox] = field(default_factory=dict)

    def targets(self, location: dict[str, Any]) -> list[str]:
        """Ids of the table elements a finding's location cites."""
        table, row, column = location.get("table"), location.get("row"), location.get("column")
        if not isinstance(table, int):
            return []
        if not isinstance(row, str):
            return [f"table-{table}"]
        found: list[Target] = []
        if isinstance(column, str):
            found = self.cells.get((table, row, column), [])
        if not found:
            found = self.rows.get((table, row), [])
        line = location.get("line")
        if len(found) > 1 and line is not None:
            on_line = [target for target in found if target[1] == line]
            found = on_line or found
        return [element for element, _ in found]


def header_rows(columns: list[Column], lead: list[str]) -> list[list[HeaderCell]]:
    """The printed header (levels joined with '/') as rows of merged cells, after ``lead``
    columns (科目编码, 科目名称 …) that span every header row."""
    levels = [column.header.split("/") for column in columns]
    depth = max((len(parts) for parts in levels), default=1)
    rows: list[list[HeaderCell]] = [[HeaderCell(text, 1, depth) for text in lead]]
    rows += [[] for _ in range(depth - 1)]
    for level in range(depth):
        index = 0
        while index < len(levels):
            parts = levels[index]
            if len(parts) <= level:
                index += 1
                continue
            last = level == len(parts) - 1
            span = 1
            while (
                not last
                and index + span < len(levels)
                and len(levels[index + span]) > level + 1
                and levels[index + span][: level + 1] == parts[: level + 1]
            ):
                span += 1
            rows[level].append(HeaderCell(parts[level], span, depth - level if last else 1))
            index += span
    return rows


def _cell_text(row: Row, key: str) -> tuple[str, float]:
    cell = row.cells.get(key)
    if cell is None:
        return "", 1.0
    return (cell.text or format_amount(cell.amount)), cell.confidence


def _sides(table: Table) -> list[Side | None]:
    found = {c.side for c in table.columns} | {r.side for r in table.rows}
    return [side for side in (None, Side.INCOME, Side.EXPENDITURE) if side in found]


def table_view(table: Table, view: DocumentView, default_unit: str) -> TableView:
    blocks: list[BlockView] = []
    index_of = {id(column): j for j, column in enumerate(table.columns)}
    row_index = {id(row): i for i, row in enumerate(table.rows)}
    for side in _sides(table):
        columns = [c for c in table.columns if c.side in (side, None)]
        rows = [r for r in table.rows if r.side == side]
        if not rows and not columns:
            continue
        coded = any(r.code for r in rows)
        lead = ["科目编码", "科目名称"] if coded else ["项目"]
        row_views = []
        for row in rows:
            i = row_index[id(row)]
            row_id = f"t{table.number}-r{i}"
            line = row.source.line if row.source else None
            view.rows.setdefault((table.number, row.key), []).append((row_id, line))
            cells = []
            for column in columns:
                cell_id = f"{row_id}-c{index_of[id(column)]}"
                text, confidence = _cell_text(row, column.key)
                cells.append(CellView(cell_id, text, column.numeric, confidence < LOW_CONFIDENCE))
                cell = row.cells.get(column.key)
                cell_line = cell.source.line if cell is not None and cell.source else line
                view.cells.setdefault((table.number, row.key, column.key), []).append(
                    (cell_id, cell_line)
                )
                if cell is not None and cell.source is not None:
                    _keep_box(view, cell_id, cell.source.page, cell.source.bbox)
            _keep_row_box(view, row_id, [c.id for c in cells])
            row_views.append(
                RowView(row_id, row.code or "", row.label, row.kind.value, line, cells)
            )
        blocks.append(BlockView(SIDE_LABELS[side], coded, header_rows(columns, lead), row_views))
    return TableView(
        number=table.number,
        anchor=f"table-{table.number}",
        title=f"表{table.number} {table.title}".strip(),
        amount_unit=table.amount_unit or default_unit,
        no_data=table.no_data,
        line=table.source.line if table.source else None,
        blocks=blocks,
    )


def _keep_box(view: DocumentView, element: str, page: int | None, bbox: Any) -> None:
    if page and bbox is not None and len(bbox) == 4:
        x0, top, x1, bottom = (float(v) for v in bbox)
        view.boxes[element] = (page, (x0, top, x1, bottom))


def _keep_row_box(view: DocumentView, row_id: str, cell_ids: list[str]) -> None:
    """A row's box: the union of its cells' boxes on the page of its first one."""
    found = [view.boxes[c] for c in cell_ids if c in view.boxes]
    if not found:
        return
    page = found[0][0]
    boxes = [box for p, box in found if p == page]
    view.boxes[row_id] = (page, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                 max(b[2] for b in boxes), max(b[3] for b in boxes)))  # fmt: skip


def document_view(model: Disclosure, lines: list[SourceLine]) -> DocumentView:
    view = DocumentView(tables=[], issues=[issue.message for issue in model.issues], lines=lines)
    for _, table in sorted(model.tables.items()):
        view.tables.append(table_view(table, view, model.meta.amount_unit))
    return view


# --- findings ---------------------------------------------------------------------------------


@dataclass(slots=True)
class LocationView:
    label: str
    text: str
    where: str


@dataclass(frozen=True, slots=True)
class Spot:
    """One location of a finding as the page images place it: the elements it cites, else its
    line, page and the words it quotes."""

    targets: tuple[str, ...]
    line: int | None
    page: int | None
    text: str


@dataclass(slots=True)
class FindingView:
    id: int
    rule: str
    family: str
    severity: str
    severity_label: str
    rounding: bool
    title: str
    message: str
    expected: str | None
    actual: str | None
    difference: str | None
    locations: list[LocationView]
    targets: list[str]
    lines: list[int]
    decision: str | None = None
    decision_label: str = ""
    reason: str = ""
    pages: list[int] = field(default_factory=list)  # the pages its locations cite
    spots: list[Spot] = field(default_factory=list)


@dataclass(slots=True)
class FindingGroup:
    key: str
    label: str
    findings: list[FindingView]


def _where(location: dict[str, Any], file_name: str) -> str:
    line, page = location.get("line"), location.get("page")
    name = file_name or PurePath(str(location.get("file") or "")).name
    if line is None and page is None:
        return ""
    text = name
    if line is not None:
        text += f":{line}"
    if page is not None:
        text += f"（第{page}页）"
    return text


def finding_view(
    finding: s.Finding,
    view: DocumentView | None,
    file_name: str,
    review: FindingReview | None,
    own_file: str = "",
) -> FindingView:
    """``own_file``: the document's stored path (its locations are stored without it)."""
    locations = [located(x, own_file) for x in json.loads(finding.locations or "[]")]
    targets: list[str] = []
    lines: list[int] = []
    pages: list[int] = []
    spots: list[Spot] = []
    for location in locations:
        cited = view.targets(location) if view is not None else []
        targets += [t for t in cited if t not in targets]
        line = location.get("line")
        if isinstance(line, int) and line not in lines:
            lines.append(line)
        page = location.get("page")
        if isinstance(page, int) and page not in pages:
            pages.append(page)
        spots.append(Spot(tuple(cited), line if isinstance(line, int) else None,
                          page if isinstance(page, int) else None,
                          str(location.get("text") or "")))  # fmt: skip
    return FindingView(
        id=finding.id,
        rule=finding.rule,
        family=FAMILIES.get(finding.family, finding.family),
        severity=finding.severity,
        severity_label=SEVERITY_LABELS.get(finding.severity, finding.severity),
        rounding=finding.rounding,
        title=finding.title,
        message=finding.message,
        expected=finding.expected,
        actual=finding.actual,
        difference=None if finding.difference is None else f"{finding.difference.normalize():f}",
        locations=[
            LocationView(
                str(loc.get("label") or ""), str(loc.get("text") or ""), _where(loc, file_name)
            )
            for loc in locations
        ],
        targets=targets,
        lines=lines,
        decision=review.decision if review else None,
        decision_label=DECISION_LABELS.get(review.decision, "") if review else "",
        reason=review.reason if review else "",
        pages=pages,
        spots=spots,
    )


def finding_groups(findings: list[FindingView]) -> list[FindingGroup]:
    """错误, 警告, 提示 (without 尾差), then every 尾差 as a group of its own."""
    by_key: dict[str, list[FindingView]] = defaultdict(list)
    for finding in findings:
        by_key["rounding" if finding.rounding else finding.severity].append(finding)
    return [
        FindingGroup(key, SEVERITY_LABELS[key], by_key[key])
        for key in ("error", "warning", "info", "rounding")
        if by_key.get(key)
    ]
