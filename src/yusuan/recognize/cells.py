"""Turn the lines of one table region into rows of cells, whatever the extraction style.

Tab-style lines already carry cells. Layout lines carry tokens separated by single spaces, with a
U+00A0 token for a blank cell; labels wrap onto following lines and blank cells are sometimes
plain spaces. Those rows are rebuilt slot by slot from the table's row shape: a text token where
a number is due skips to the next text slot on the same line, and a lone text line right after a
label continues that label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from yusuan.readers.text import NBSP, Line
from yusuan.templates.spec import TableSpec

BLANK = ""
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_GLUED = re.compile(r"^([-−]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+)(\D.*)$")  # "2800.16一、一般…"
_ROW_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\d{3}(?:\d{2}){0,2}$|合计|部门合计|本年|收入总计|支出总计|"
    r"上年|年终|[①②③④⑤]|因公|公务)"
)


def is_amount(token: str) -> bool:
    return bool(_AMOUNT.match(token))


def is_code(token: str) -> bool:
    """A 科目编码: 3, 5 or 7 digits (类/款/项)."""
    return bool(_CODE.match(token))


@dataclass(slots=True)
class RawRow:
    """One printed row: its cells in slot order and the lines it came from."""

    cells: list[str]
    lines: list[int] = field(default_factory=list)
    indent: int = 0  # leading ideographic spaces (table 12 nests units and projects by indent)
    overflow: list[str] = field(default_factory=list)  # non-blank cells beyond the template
    page: int | None = None
    boxes: list[tuple[float, float, float, float] | None] = field(default_factory=list)
    confidences: list[float] = field(default_factory=list)


def layout_tokens(text: str) -> list[str]:
    """Split a layout line into tokens; a token of no-break spaces is one blank cell."""
    tokens: list[str] = []
    for part in text.replace("\u3000", " ").split(" "):
        if part == "":
            continue
        if part.strip(NBSP) == "":
            tokens.append(BLANK)
            continue
        part = part.strip(NBSP)
        glued = _GLUED.match(part)
        if glued:
            tokens.extend([glued.group(1), glued.group(2)])
        else:
            tokens.append(part)
    return tokens


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip("\u3000"))


class _SlotFiller:
    """Fills the slots of a row shape from a stream of layout tokens."""

    def __init__(self, spec: TableSpec) -> None:
        self.kinds: list[str] = []  # "code", "text" or "num" per slot
        self.group_starts: list[tuple[int, tuple[str, ...]]] = []  # first slot, labels
        for group in spec.groups:
            self.group_starts.append((len(self.kinds), group.labels))
            self.kinds += ["code" if s.startswith("code") else "text" for s in group.text_slots]
            self.kinds += ["num"] * sum(1 for c in group.columns if c.numeric)
        self.known = spec.known_labels
        self.rows: list[RawRow] = []
        self.pending: list[str] = []
        self.lines: list[int] = []
        self.indent = 0
        self.last_text_slot = -1

    def _flush(self) -> None:
        if self.pending and any(c != BLANK for c in self.pending):
            cells = self.pending + [BLANK] * (len(self.kinds) - len(self.pending))
            self.rows.append(RawRow(cells, self.lines, self.indent))
        self.pending, self.lines, self.last_text_slot = [], [], -1

    def _continues_label(self, tokens: list[str]) -> bool:
        """Is this line the wrapped rest of the label just read?"""
        if not self.pending or self.last_text_slot != len(self.pending) - 1:
            return False
        first = tokens[0]
        if is_amount(first) or first == BLANK or _ROW_START.match(first):
            return False
        label = self.pending[self.last_text_slot]
        if self.known and label in self.known:
            return False
        remaining_numbers = sum(1 for k in self.kinds[len(self.pending) :] if k == "num")
        rest = tokens[1:]
        return len(rest) == 0 or (
            len(rest) <= remaining_numbers and all(t == BLANK or is_amount(t) for t in rest)
        )

    def feed(self, line: Line) -> None:
        tokens = layout_tokens(line.text)
        if not tokens:
            return
        if self._continues_label(tokens):
            self.pending[self.last_text_slot] += tokens.pop(0)
            self.lines.append(line.number)
        elif self.pending and len(self.pending) < len(self.kinds):
            # A new line that does not continue the label: does it finish the pending row?
            remaining = self.kinds[len(self.pending) :]
            fits = len(tokens) <= len(remaining) and all(
                (t == BLANK or is_amount(t)) == (k == "num") or t == BLANK
                for t, k in zip(tokens, remaining, strict=False)
            )
            if not fits:
                self._flush()
        if not self.pending:
            self.indent = _indent(line.text)
        if tokens:
            self.lines.append(line.number)
        for token in tokens:
            self._place(token)

    def _place(self, token: str) -> None:
        if len(self.pending) >= len(self.kinds):
            self._flush()
        while True:
            slot = len(self.pending)
            kind = self.kinds[slot]
            if kind == "code":
                if is_code(token):
                    self.pending.append(token)
                    break
                kind = "text"  # "合计" stands where the code would
            numeric = token == BLANK or is_amount(token)
            later = self._later_group_of(token, slot)
            if kind == "text" and later is not None:
                # A label only a later side prints: the earlier side's cells were lost.
                self.pending += [BLANK] * (later - slot)
                continue
            if kind == "text" and numeric and token != BLANK and slot + 1 < len(self.kinds):
                # A number where a label is due: the label cell is blank (e.g. "合计 2800.16").
                self.pending.append(BLANK)
                continue
            if kind == "num" and not numeric:
                # Text where a number is due: the numbers of this side are blank.
                nxt = next(
                    (i for i in range(slot, len(self.kinds)) if self.kinds[i] == "text"), None
                )
                if nxt is None:
                    self._flush()
                    continue
                self.pending += [BLANK] * (nxt - slot)
                continue
            self.pending.append(token)
            if kind == "text":
                self.last_text_slot = slot
            break
        if len(self.pending) == len(self.kinds):
            self._flush()

    def _later_group_of(self, token: str, slot: int) -> int | None:
        if not token or is_amount(token):
            return None
        for start, labels in self.group_starts:
            if start > slot and any(label.startswith(token) for label in labels):
                mine = [lb for s, lbs in self.group_starts if s <= slot for lb in lbs]
                if not any(label.startswith(token) for label in mine):
                    return start
        return None

    def finish(self) -> list[RawRow]:
        self._flush()
        return self.rows


def assemble_layout_rows(spec: TableSpec, lines: list[Line]) -> list[RawRow]:
    filler = _SlotFiller(spec)
    for line in lines:
        filler.feed(line)
    return filler.finish()


def _is_total_with_figures(cells: list[str]) -> bool:
    rest = [c for c in cells[1:] if c]
    return (
        cells[0] in ("合计", "总计")
        and bool(rest)
        and all(is_amount(c) for c in rest)
        and len(rest) == len(cells) - 1
    )


def tab_rows(spec: TableSpec, lines: list[Line]) -> list[RawRow]:
    """Rows of tab-style lines, padded or cut to the table's width."""
    rows: list[RawRow] = []
    width = spec.width
    spans_columns = len(spec.groups[0].text_slots) > 1
    strip = str.strip
    for line in lines:
        cells = line.cells if line.cells is not None else [line.text.strip()]
        if NBSP in "".join(cells):  # (one test for the whole row: most rows have none)
            cells = [c.replace(NBSP, "").strip() for c in cells]
        else:
            cells = list(map(strip, cells))
        if not any(cells):
            continue
        if len(cells) < width and spans_columns and _is_total_with_figures(cells):
            # A total row printed on a page of its own, its merged label cell spanning the
            # code and name columns: the label goes first, the figures in the last columns.
            gap = width - len(cells)
            cells = cells[:1] + [BLANK] * gap + cells[1:]
        extra: list[str] = []
        if len(cells) < width:
            cells += [BLANK] * (width - len(cells))  # (``cells`` is a fresh list: ours to pad)
        elif len(cells) > width:
            extra = [c for c in cells[width:] if c]
            cells = cells[:width]
        text = line.text
        indent = _indent(text) if text.startswith("\u3000") else 0
        boxes = line.boxes[:width] if line.boxes else []
        confidences = line.confidences[:width] if line.confidences else []
        rows.append(
            RawRow(
                cells,
                [line.number],
                indent,
                extra,
                line.page,
                boxes + [None] * (width - len(boxes)) if boxes else [],
                confidences + [1.0] * (width - len(confidences)) if confidences else [],
            )
        )
    return rows
