"""Performance-goal tables (项目支出绩效目标表, 整体支出绩效目标申报表) in the annexes.

These tables are laid out as label/value grids whose columns drift from one unit to the next, so
they are read by their labels, not by position. Tables that only survive as OCR noise keep their
project name and a low confidence; no value is guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from yusuan.model import Cell, Indicator, PerformanceTable, Source
from yusuan.money import parse_amount
from yusuan.readers.text import Line
from yusuan.templates.shanghai import PERFORMANCE_TITLES

if TYPE_CHECKING:
    from yusuan.readers.text import TextDocument


@lru_cache(maxsize=8192)  # the same labels recur in every table of a document
def _norm(text: str) -> str:
    """Compare labels without spaces and with half-width punctuation."""
    text = "".join(text.split())
    for full, half in (("（", "("), ("）", ")"), ("：", ":"), ("；", ";"), ("，", ",")):
        if full in text:
            text = text.replace(full, half)
    return text.rstrip(":")


_FORM_TITLES = tuple(PERFORMANCE_TITLES)  # Shanghai's 财政项目支出绩效目标填报表


def is_performance_title(compact: str) -> bool:
    return (
        ("绩效目标表" in compact or "绩效目标申报表" in compact or compact.startswith(_FORM_TITLES))
        and len(compact) < 60
        and "见附件" not in compact
        and not compact.startswith("详见")  # "详见单位的项目绩效目标表": a reference, not a title
        and "公开情况" not in compact
    )


_FIELDS = (
    ("project", ("项目名称", "部门名称")),  # 部门名称: the whole-unit table names the unit
    ("department", ("主管部门及代码",)),
    ("implementer", ("实施单位",)),
    ("attribute", ("项目属性", "项目性质")),
    ("period", ("项目期", "项目日期")),
)
_TEXTS = (
    "项目概况", "立项依据", "项目设立必要性", "保证项目实施的制度、措施", "项目实施计划",
    "部门职责", "部门战略目标", "年度绩效目标",
)  # fmt: skip
_FUND_LABELS = (
    ("total", re.compile(r"^(?:实施期|年度)资金总额")),
    ("central", re.compile(r"^(?:其中[:,])?中央财政资金")),
    ("provincial", re.compile(r"^省级财[政改]资金")),
    ("local", re.compile(r"^市县\(区\)财政资金?")),
    ("own", re.compile(r"^单位自筹")),
    ("other", re.compile(r"^其他资金")),
)
_AMOUNT_IN_CELL = re.compile(r"([0-9][0-9,]*(?:\.\d+)?)")
_ALL_LABELS = tuple(k for _, keys in _FIELDS for k in keys) + _TEXTS + ("总体目标", "项目资金(元)")
_LEVEL1 = {"产出指标", "效益指标", "满意度指标"}
_LEVEL2 = re.compile(
    r"^(数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|满意度|"
    r"经济成本|社会成本|生态环境成本)(指标)?$"
)


# Any of the _FUND_LABELS, searched for in whole rows. Spelled out so that every alternative
# starts with a literal character: the regex engine then jumps to the places where one of those
# characters occurs instead of trying each alternative at every position of long rows. Keep it
# in step with _FUND_LABELS.
_ANY_FUND = re.compile(
    r"实施期资金总额|年度资金总额|其中[:,]中央财政资金|中央财政资金|省级财[政改]资金"
    r"|市县\(区\)财政资金?|单位自筹|其他资金"
)
_FIELD_LABEL = re.compile(r"^\d*(?:" + "|".join(k for _, ks in _FIELDS for k in ks) + ")")
_ANY_LABEL = re.compile(
    "|".join(
        [re.escape(_norm(label)) for label in _ALL_LABELS]
        + [p.pattern[1:] for _, p in _FUND_LABELS]
    )
)
_TEXT_LABELS = {_norm(label): label for label in _TEXTS}
_TEXT_WORDS = {*_TEXT_LABELS, "总体目标"}  # the cells ``_read_texts`` reads after
_FIELD_WORD = re.compile("|".join(re.escape(k) for _, ks in _FIELDS for k in ks))  # _FIELD_LABEL
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"</?\w+[^>]*>")


@lru_cache(maxsize=8192)
def _is_label(cell: str) -> bool:
    return bool(_ANY_LABEL.match(_norm(cell)))


@lru_cache(maxsize=4096)
def _is_level2(normed: str) -> bool:
    return bool(_LEVEL2.match(normed))


def _cells(line: Line) -> list[str]:
    return list(map(str.strip, line.cells)) if line.cells is not None else [line.text.strip()]


def _next_value(cells: list[str], start: int) -> str | None:
    for cell in cells[start:]:
        if cell:
            return None if _is_label(cell) else cell
    return None


def _is_label_normed(normed: str) -> bool:
    return bool(_ANY_LABEL.match(normed))


_SCANNED_NOTE = re.compile(r"^附[：:]“(.+)”项目支出绩效目标表原件为扫描件")


def read_performance_table(lines: list[Line], doc: TextDocument) -> PerformanceTable:
    title = lines[0].compact
    table = PerformanceTable(
        title=title,
        whole_unit="整体" in title,
        source=Source(doc.path, lines[0].number, lines[0].page),
    )
    scanned = _SCANNED_NOTE.match(title)
    if scanned:  # the note renderers print for a table kept only as OCR noise (outline.py)
        table.project, table.confidence = scanned.group(1), 0.2
        return table
    if doc.style == "layout":
        _read_ocr_noise(table, lines)
        return table
    indicator_rows: list[list[str]] = []
    indicator_sources: list[Source] = []  # the line of each indicator row
    header: list[str] | None = None
    source_seen: dict[str, int] = {}
    below: dict[int, str] = {}
    for line in lines[1:]:
        cells = _cells(line)
        if header is not None:
            if "负责人" in line.compact:
                break
            indicator_rows.append(cells)
            indicator_sources.append(Source(doc.path, line.number, line.page))
            continue
        normed = [_norm(c) if c else "" for c in cells]
        if "一级指标" in normed or "三级指标" in normed:
            header = normed
            continue
        first = next(filter(None, normed), "")
        if first == "绩效指标" or first in _LEVEL1:
            header = []  # the tree starts without its header row
            indicator_rows.append(cells)
            indicator_sources.append(Source(doc.path, line.number, line.page))
            continue
        # Most rows name one kind of label: a search of the whole row first spares the cell by
        # cell look for the other kinds (a cell's label at its start is found by either).
        joined = "\n".join(normed)
        has_field = _FIELD_WORD.search(joined) is not None
        if has_field or below:  # (otherwise there is nothing to read nor to carry forward)
            below = _read_fields(table, cells, normed if has_field else [], below,
                                 Source(doc.path, line.number, line.page))  # fmt: skip
        if _ANY_FUND.search(joined):
            _read_funds(table, cells, normed, source_seen, doc.path, line.number)
        if not _TEXT_WORDS.isdisjoint(normed):
            _read_texts(table, cells, normed)
    _read_indicators(table, header or [], indicator_rows, indicator_sources)
    return table


def _read_fields(
    table: PerformanceTable, cells: list[str], normed: list[str], below: dict[int, str],
    source: Source,
) -> dict[int, str]:  # fmt: skip
    """Read header fields of one row. A label whose value is not on its row is printed in the
    same column of the next row; ``below`` carries such labels (column → attribute) forward."""
    used: set[int] = set()
    waiting: dict[int, str] = {}
    for j, n in enumerate(normed):
        if not n or not _FIELD_LABEL.match(n):
            continue
        for attr, labels in _FIELDS:
            for label in labels:
                if not n.startswith(label) and not (n.endswith(label) and n[0].isdigit()):
                    continue
                if getattr(table, attr) not in (None, ""):
                    continue
                rest = n.split(label, 1)[1]
                value = rest or _next_value(cells, j + 1)
                table.field_labels.setdefault(attr, (label, source))
                if value:
                    used.add(next((k for k in range(j + 1, len(cells)) if cells[k]), j))
                    setattr(table, attr, _SPACES.sub("", value))
                else:
                    waiting[j] = attr
    for column, attr in below.items():
        value = cells[column] if column < len(cells) and column not in used else ""
        if value and not _is_label(value) and getattr(table, attr) in (None, ""):
            setattr(table, attr, _SPACES.sub("", value))
    return waiting


@lru_cache(maxsize=4096)  # the same labels in every table
def _fund_labels(normed: str) -> tuple[tuple[str, str], ...]:
    """The fund keys whose label a cell starts with, each with the rest of the cell after it."""
    return tuple(
        (key, normed[found.end() :].lstrip(":"))
        for key, pattern in _FUND_LABELS
        if (found := pattern.match(normed)) is not None
    )


def _read_funds(
    table: PerformanceTable,
    cells: list[str],
    normed: list[str],
    seen: dict[str, int],
    path: str,
    line: int,
) -> None:
    for j, n in enumerate(normed):
        if not n or not _ANY_FUND.match(n):
            continue
        for key, rest in _fund_labels(n):
            if key == "total":
                funds = table.period_funds if n.startswith("实施期") else table.annual_funds
                if funds.label_source is None:
                    funds.label_source = Source(path, line)
            else:
                count = seen.get(key, 0)
                seen[key] = count + 1
                if count > 1:
                    continue
                funds = table.period_funds if count == 0 else table.annual_funds
            # The value is in the next cell; failing that, printed inside the label cell
            # ("其中: 中央财政资金 0").
            following = _next_value(cells, j + 1)
            glued = _AMOUNT_IN_CELL.fullmatch(rest) if rest else None
            text = following if following and parse_amount(following) is not None else None
            if text is None and glued:
                text = glued.group(1)
            amount = parse_amount(text) if text else None
            if getattr(funds, key) is None:
                cell = (
                    Cell(text, amount, Source(path, line)) if text and amount is not None else None
                )
                setattr(funds, key, cell)


def _read_texts(table: PerformanceTable, cells: list[str], normed: list[str]) -> None:
    for j, n in enumerate(normed):
        label = _TEXT_LABELS.get(n)
        if label is not None and label not in table.texts:
            value = _next_value(cells, j + 1)
            if value:
                table.texts[label] = _strip_tags(value)
        if n == "总体目标":
            goals = [c for c in cells[j + 1 :] if c]
            if goals:
                table.texts.setdefault("总体目标（实施期）", _strip_tags(goals[0]))
            if len(goals) > 1:
                table.texts.setdefault("总体目标（年度）", _strip_tags(goals[1]))


def _strip_tags(text: str) -> str:
    return _TAG.sub("", text).strip()


def _read_indicators(
    table: PerformanceTable, header: list[str], rows: list[list[str]], sources: list[Source]
) -> None:
    second = [j for j, c in enumerate(header) if c == "二级指标"]
    split = second[1] if len(second) > 1 else None
    level1 = ""
    level2 = ["", ""]
    single_period = len(second) == 1  # the whole-unit table has one indicator tree
    for cells, source in zip(rows, sources, strict=True):
        if split is None and not single_period:
            # No header: the 年度 half starts where a second-level name repeats.
            names = [(j, _norm(c)) for j, c in enumerate(cells) if c]
            named = [(j, n) for j, n in names if n not in _LEVEL1 and _is_level2(n)]
            if len(named) > 1 and named[0][1] == named[1][1]:
                split = named[1][0]
        halves: list[list[str]] = [[], []]
        for j, cell in enumerate(cells):
            if not cell:
                continue
            n = _norm(cell)
            if not n or (j == 0 and n == "绩效指标"):
                continue
            half = 1 if split is not None and j >= split else 0
            if n in _LEVEL1:
                level1 = n
            elif _is_level2(n):
                level2[half] = n
            else:
                halves[half].append(cell.strip())
        left, right = halves
        if split is not None:
            if len(left) > 2 and len(right) < 2:
                right = left[2:] + right
                left = left[:2]
            elif len(right) > 2 and len(left) < 2:
                left = left + right[: len(right) - 2]
                right = right[len(right) - 2 :]
        for target, contents, l2 in (
            (table.period_indicators, left, level2[0]),
            (table.annual_indicators, right, level2[1] or level2[0]),
        ):
            if not contents:
                continue
            if len(contents) > 2:
                contents = contents[-2:]  # a name repeated into the level-2 column
            name = contents[0]
            value = contents[1] if len(contents) > 1 else ""
            target.append(Indicator(level1, l2, name, value, source))


def _read_ocr_noise(table: PerformanceTable, lines: list[Line]) -> None:
    """A scanned annex read by OCR into noise: keep the project name only, flag the rest."""
    table.confidence = 0.2
    for line in lines:
        compact = line.compact
        if compact.startswith("项目名称"):
            table.project = compact[len("项目名称") :]
            break
