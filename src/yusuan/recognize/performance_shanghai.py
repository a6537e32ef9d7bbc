"""Shanghai's 财政项目支出绩效目标填报表, attached to some 预算 documents after the project notes.

One form per project: a label/value grid (项目名称, 项目性质, 项目类别, 主管部门, 实施单位,
the planned dates), the funds in 元 in two halves of the same rows (项目资金总额 with
其中：财政资金 and 其他资金; 年度资金申请总额 with 其中：当年财政拨款, 上年结转资金 and
其他资金), the two goals printed under their labels, and one indicator tree (一级/二级/三级指标,
年度(/项目)指标值). A form that continues a page without repeating its title starts at its
项目名称 row. The labels are the template's data (``yusuan.templates.shanghai``); values are read
by label, not by position.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from yusuan.model import Cell, FundSources, Indicator, PerformanceTable, Source
from yusuan.money import parse_amount
from yusuan.recognize.performance import _norm
from yusuan.templates.shanghai import (
    PERFORMANCE_ANNUAL_FUNDS,
    PERFORMANCE_FIELDS,
    PERFORMANCE_INDICATOR_HEADER,
    PERFORMANCE_PROJECT_FUNDS,
    PERFORMANCE_TEXTS,
    PERFORMANCE_TITLES,
)

if TYPE_CHECKING:
    from yusuan.readers.text import Line, TextDocument

_TITLES = tuple(_norm(t) for t in PERFORMANCE_TITLES)
_FIELDS = {_norm(label): attr for label, attr in PERFORMANCE_FIELDS}
_PROJECT = "project"  # the half of a fund row that is ``period_funds``
_ANNUAL = "annual"


def _fund_key(label: str) -> str:
    """A fund label without its "其中：" (printed on some forms, left out on others)."""
    return _norm(label).removeprefix("其中:").removeprefix("其中")


_FUNDS: dict[str, list[tuple[str, str]]] = {}  # label → the halves (and keys) it is printed in
for _half, _labels in ((_PROJECT, PERFORMANCE_PROJECT_FUNDS), (_ANNUAL, PERFORMANCE_ANNUAL_FUNDS)):
    for _label, _key in _labels:
        _FUNDS.setdefault(_fund_key(_label), []).append((_half, _key))
_TEXTS = {_norm(label): label for label in PERFORMANCE_TEXTS}
_LEVEL1, _LEVEL2, _LEVEL3, _VALUE = (_norm(h) for h in PERFORMANCE_INDICATOR_HEADER)
# Row labels that name a block rather than a value.
_BLOCKS = {"项目资金(元)", "项目资金", "项目绩效目标", "绩效指标", "绩效目标"}
_STOP = ("填报人", "负责人", "联系电话", "审核人", "填报日期")


def is_form_title(compact: str) -> bool:
    """The form's title, alone or with its year ("（2023年度）") on the same line."""
    return _norm(compact).startswith(_TITLES)


def _is_label(normed: str) -> bool:
    return (
        normed in _FIELDS
        or normed in _TEXTS
        or normed in _BLOCKS
        or _fund_key(normed) in _FUNDS
        or normed in (_LEVEL1, _LEVEL2, _LEVEL3)
    )


def _cells(line: Line) -> list[str]:
    if line.cells is not None:
        return [c.strip() for c in line.cells]
    return line.text.split()  # a text extraction: cells apart by spaces


def _source(doc: TextDocument, line: Line, column: int | None = None) -> Source:
    box = None
    if column is not None and line.boxes is not None and column < len(line.boxes):
        box = line.boxes[column]
    return Source(doc.path, line.number, line.page, box)


def _first(line: Line) -> str:
    return next((_norm(c) for c in _cells(line) if c.strip()), "")


def read_forms(lines: list[Line], doc: TextDocument) -> list[PerformanceTable]:
    """The forms of ``lines`` (a title line, then one or more forms up to the next title)."""
    title = lines[0].compact
    starts = [i for i, line in enumerate(lines) if _first(line) == "项目名称"]
    if not starts:  # a title over an image: nothing to read
        return [PerformanceTable(title=title, confidence=0.2, source=_source(doc, lines[0]))]
    forms = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        head = lines[0] if k == 0 else lines[start]  # the title, or the form's first row
        table = PerformanceTable(title=title, source=_source(doc, head))
        _read_form(table, lines[start:end], doc)
        forms.append(table)
    return forms


class _Form:
    """The state of reading one form: text labels waiting for their values below them, the
    indicator grid's columns once its header is seen, the levels carried down the grid."""

    def __init__(self, table: PerformanceTable, doc: TextDocument) -> None:
        self.table = table
        self.doc = doc
        self.texts: dict[int, str] = {}  # column → text label printed above its value
        self.grid: tuple[int, int, int, int] | None = None  # columns of 一级, 二级, 三级, 指标值
        self.level1 = ""
        self.level2 = ""
        self.annual_column: int | None = None  # where the 年度 half of the fund rows starts


def _read_form(table: PerformanceTable, lines: list[Line], doc: TextDocument) -> None:
    form = _Form(table, doc)
    tabled = any(line.cells is not None for line in lines)
    for line in lines:
        if tabled and line.cells is None and form.grid is not None:
            break  # a paragraph after the grid: the form has ended
        cells = _cells(line)
        normed = [_norm(c) if c else "" for c in cells]
        if any(n.startswith(_STOP) for n in normed if n):
            break
        if _LEVEL1 in normed and _LEVEL3 in normed:
            form.grid = _grid(normed)
            form.texts = {}
            continue
        if form.grid is not None:
            _read_indicator(form, line, cells, normed)
            continue
        if form.texts and not any(_is_label(n) for n in normed if n):
            _read_texts(form, cells)
            continue
        _read_fields(form, line, cells, normed)


def _next_value(cells: list[str], normed: list[str], start: int) -> int | None:
    """The column of the first value after ``start``, unless a label comes first."""
    for k in range(start, len(cells)):
        if not cells[k]:
            continue
        return None if _is_label(normed[k]) else k
    return None


def _read_fields(form: _Form, line: Line, cells: list[str], normed: list[str]) -> None:
    table = form.table
    seen: set[str] = set()
    for j, n in enumerate(normed):
        if not n:
            continue
        attr = _FIELDS.get(n)
        if attr is not None:
            k = _next_value(cells, normed, j + 1)
            if k is not None and getattr(table, attr) in (None, ""):
                setattr(table, attr, "".join(cells[k].split()))
            continue
        if n in _TEXTS:
            form.texts[j] = _TEXTS[n]
            continue
        halves = _FUNDS.get(_fund_key(n))
        if halves is None:
            continue
        only = halves[0][0] if len(halves) == 1 else None
        if only == _ANNUAL and (form.annual_column is None or j < form.annual_column):
            form.annual_column = j
        if len(halves) == 1:
            half, key = halves[0]
        else:  # printed in both halves: the second of the row, or right of where 年度 starts
            annual = n in seen or (form.annual_column is not None and j >= form.annual_column)
            half, key = next(h for h in halves if (h[0] == _ANNUAL) == annual)
        seen.add(n)
        funds: FundSources = table.annual_funds if half == _ANNUAL else table.period_funds
        k = _next_value(cells, normed, j + 1)
        amount = parse_amount(cells[k]) if k is not None else None
        if k is not None and amount is not None and getattr(funds, key) is None:
            setattr(funds, key, Cell(cells[k], amount, _source(form.doc, line, k)))


def _read_texts(form: _Form, cells: list[str]) -> None:
    """The values under text labels: each label's column up to the next label's."""
    columns = sorted(form.texts)
    for i, column in enumerate(columns):
        stop = columns[i + 1] if i + 1 < len(columns) else len(cells)
        value = "".join(c for c in cells[column:stop] if c).strip()
        if value:
            label = form.texts[column]
            texts = form.table.texts
            texts[label] = texts[label] + value if label in texts else value


def _grid(normed: list[str]) -> tuple[int, int, int, int]:
    def at(label: str, default: int) -> int:
        return next((j for j, n in enumerate(normed) if n == label), default)

    level3 = at(_LEVEL3, 3)
    value = next((j for j, n in enumerate(normed) if "指标值" in n), level3 + 1)
    return at(_LEVEL1, level3 - 2), at(_LEVEL2, level3 - 1), level3, value


def _read_indicator(form: _Form, line: Line, cells: list[str], normed: list[str]) -> None:
    assert form.grid is not None
    c1, c2, c3, cv = form.grid
    level1 = level2 = ""
    names: list[str] = []
    values: list[str] = []
    for j, cell in enumerate(cells):
        if not cell or (j < c1 and normed[j] == "绩效指标"):
            continue
        if j == c1:
            level1 = cell
        elif j == c2:
            level2 = cell
        elif j >= cv:
            values.append(cell)
        elif j >= c3:
            names.append(cell)
    if not names and not values:
        if level1 or level2:  # a level named on a row of its own
            form.level1, form.level2 = (level1, level2) if level1 else (form.level1, level2)
        return
    if level1:
        form.level1, form.level2 = level1, ""
    if level2:
        form.level2 = level2
    if not values and len(names) > 1:  # the value drifted left of its column
        names, values = names[:-1], names[-1:]
    form.table.annual_indicators.append(
        Indicator(
            form.level1,
            form.level2,
            " ".join(names),
            " ".join(values),
            _source(form.doc, line),
        )
    )
