"""Lines of a parsed HTML page as a browser lays it out: block and inline elements, whitespace,
hidden elements, and tables as rows of one cell per column of the table grid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from yusuan.readers.html_css import _BLOCK, _FLEX, _INLINE, _NONE, _declarations, _StyleSheet
from yusuan.readers.text import Line

if TYPE_CHECKING:  # lxml is imported when a page is read, not when text is told from HTML
    from lxml import etree

_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
    "li", "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre", "search", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "xmp",
})  # fmt: skip
_NEVER_SHOWN = frozenset({
    "head", "title", "meta", "link", "base", "style", "script", "noscript", "template", "iframe",
    "frame", "object", "embed", "param", "svg", "math", "canvas", "audio", "video", "source",
    "track", "map", "area", "img", "picture", "select", "option", "datalist", "input",
    "textarea", "button",
    "nav",  # navigation (site menus, a page's contents as links) is not the document's text
})  # fmt: skip
_PRE_TAGS = frozenset({"pre", "listing", "xmp", "plaintext"})
_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})
_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534  # HTML's limits
_SPACE = re.compile(r"[ \t\n\r\f]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_NORMAL, _PRE_LINE, _PRE = 0, 1, 2  # how whitespace is shown


class _Sink:
    """Collects the inline text of the current line and emits finished lines to ``out``."""

    def __init__(self, out: list[Line]) -> None:
        self.out = out
        self.parts: list[str] = []
        self.space = False
        self.start = 0

    def add(self, text: str, line: int) -> None:
        """Text whose whitespace collapses."""
        collapsed = _SPACE.sub(" ", text)
        if collapsed.startswith(" "):
            self.space = True
        words = collapsed.strip(" ")
        if words:
            self.raw(words, line)
            self.space = collapsed.endswith(" ")

    def raw(self, text: str, line: int) -> None:
        """Text kept as written (``<pre>``)."""
        if not self.parts:
            self.start = line
        elif self.space:
            self.parts.append(" ")
        self.parts.append(text)
        self.space = False

    def flush(self) -> None:
        if self.parts:
            text = "".join(self.parts).translate(_INVISIBLE).replace("\u00a0", " ").strip()
            if text:
                self.out.append(Line(self.start, text))
        self.parts = []
        self.space = False


def _span(value: str | None, limit: int) -> int:
    """A colspan/rowspan attribute as browsers read it: leading digits, 0 kept (rowspan 0 is
    "to the end of the row group"), anything else 1, capped at ``limit``."""
    if value is None:
        return 1
    digits = re.match(r"\s*(\d+)", value)
    if digits is None:
        return 1
    return min(int(digits.group(1)), limit)


@dataclass(slots=True)
class _TableParts:
    captions: list[etree._Element] = field(default_factory=list)
    groups: list[list[etree._Element]] = field(default_factory=list)
    strays: list[etree._Element] = field(default_factory=list)  # content misplaced in a table


class _Reader:
    def __init__(self, root: etree._Element, fragment: bool) -> None:
        self.css = _StyleSheet(root)
        self.fragment = fragment
        self.position = 1  # the source line being read

    def lines(self, root: etree._Element) -> list[Line]:
        out: list[Line] = []
        sink = _Sink(out)
        self.node(root, sink, _PRE_LINE if self.fragment else _NORMAL, False)
        sink.flush()
        return out

    def display(self, element: etree._Element, tag: str) -> int:
        if tag in _NEVER_SHOWN or element.get("hidden") is not None:
            return _NONE
        display, hidden = self.css.lookup(element, tag)
        inline = element.get("style")
        if inline:
            own_display, own_hidden = _declarations(inline)
            display = own_display if own_display is not None else display
            hidden = own_hidden if own_hidden is not None else hidden
        if hidden or display == _NONE:
            return _NONE
        if display is not None:
            return display
        return _BLOCK if tag in _BLOCK_TAGS else _INLINE

    def text(self, text: str, sink: _Sink, mode: int, item: bool) -> None:
        """A text node; ``item``: an anonymous flex item, a block of its own."""
        leading = len(text) - len(text.lstrip())
        line = self.position + text.count("\n", 0, leading)
        if mode == _NORMAL:
            if item and text.strip():
                sink.flush()
                sink.add(text, line)
                sink.flush()
            else:
                sink.add(text, line)
        else:
            for number, piece in enumerate(text.split("\n")):
                if number:
                    sink.flush()
                if mode == _PRE:
                    if piece:
                        sink.raw(piece, self.position + number)
                else:
                    sink.add(piece, self.position + number)
        self.position += text.count("\n")

    def content(self, element: etree._Element, sink: _Sink, mode: int, flex: bool) -> None:
        """An element's text and children (not its tail)."""
        if element.text:
            self.text(element.text, sink, mode, flex)
        for child in element:
            self.node(child, sink, mode, flex)
            if child.tail:
                self.text(child.tail, sink, mode, flex)

    def node(self, element: etree._Element, sink: _Sink, mode: int, item: bool) -> None:
        if not isinstance(element.tag, str):  # comments, processing instructions, entities
            return
        self.position = element.sourceline or self.position
        tag = element.tag.lower()
        display = self.display(element, tag)
        if display == _NONE:
            return
        if tag == "br":
            sink.flush()
            return
        if tag == "table":
            sink.flush()
            self.table(element, sink, mode)
            return
        if tag in _PRE_TAGS:
            mode = _PRE
        if display == _INLINE and not item:
            self.content(element, sink, mode, False)
            return
        sink.flush()
        self.content(element, sink, mode, display == _FLEX)
        sink.flush()

    # --- tables ------------------------------------------------------------------------------

    def parts(self, table: etree._Element) -> _TableParts:
        parts = _TableParts()
        heads: list[list[etree._Element]] = []
        bodies: list[list[etree._Element]] = []
        feet: list[list[etree._Element]] = []
        loose: list[etree._Element] | None = None  # rows outside any row group
        for child in table:
            if not isinstance(child.tag, str):
                continue
            tag = child.tag.lower()
            if tag == "tr":
                if loose is None:
                    loose = []
                    bodies.append(loose)
                loose.append(child)
                continue
            loose = None
            if tag in _ROW_GROUPS:
                if self.display(child, tag) == _NONE:
                    continue
                rows = [r for r in child if isinstance(r.tag, str) and r.tag.lower() == "tr"]
                {"thead": heads, "tbody": bodies, "tfoot": feet}[tag].append(rows)
            elif tag == "caption":
                parts.captions.append(child)
            elif tag not in ("colgroup", "col"):
                parts.strays.append(child)
        parts.groups = [
            [r for r in group if self.display(r, "tr") != _NONE] for group in heads + bodies + feet
        ]
        return parts

    def table(self, table: etree._Element, sink: _Sink, mode: int) -> None:
        parts = self.parts(table)
        for element in parts.strays:  # browsers show misplaced content before the table
            self.node(element, sink, mode, True)
        for caption in parts.captions:
            self.node(caption, sink, mode, True)
        sink.flush()
        cell_mode = _PRE if mode == _PRE else _NORMAL
        nested = next(table.iterdescendants("table"), None) is not None
        grid = [] if nested else self.grid(parts.groups, cell_mode)
        if nested or max((len(cells) for _, cells in grid), default=0) <= 1:
            for group in parts.groups:  # page layout: every cell is a block
                for row in group:
                    for cell in self.cells(row):
                        self.node(cell, sink, mode, True)
            sink.flush()
            return
        for number, cells in grid:
            sink.out.append(Line(number, "\t".join(cells), cells))

    def cells(self, row: etree._Element) -> list[etree._Element]:
        return [
            c
            for c in row
            if isinstance(c.tag, str)
            and c.tag.lower() in ("td", "th")
            and self.display(c, c.tag.lower()) != _NONE
        ]

    def cell_text(self, cell: etree._Element, mode: int) -> str:
        self.position = cell.sourceline or self.position
        if len(cell) == 0 and mode != _PRE:  # text only, most cells: what a _Sink would give
            text = cell.text or ""
            self.position += text.count("\n")
            return _SPACE.sub(" ", text).translate(_INVISIBLE).replace("\u00a0", " ").strip()
        out: list[Line] = []
        sink = _Sink(out)
        self.content(cell, sink, mode, False)
        sink.flush()
        return "\n".join(line.text for line in out)

    def grid(self, groups: list[list[etree._Element]], mode: int) -> list[tuple[int, list[str]]]:
        """Rows of the table grid: (source line of the row, one text per column)."""
        placed: list[tuple[int, dict[int, str]]] = []
        width = 0
        for group in groups:
            taken: dict[int, dict[int, str]] = {r: {} for r in range(len(group))}
            for r, row in enumerate(group):
                self.position = row.sourceline or self.position
                number = self.position
                column = 0
                for cell in self.cells(row):
                    while column in taken[r]:
                        column += 1
                    colspan = max(1, _span(cell.get("colspan"), _MAX_COLSPAN))
                    rowspan = _span(cell.get("rowspan"), _MAX_ROWSPAN)
                    rowspan = len(group) - r if rowspan == 0 else min(rowspan, len(group) - r)
                    text = self.cell_text(cell, mode)
                    for below in range(r, r + rowspan):
                        for right in range(column, column + colspan):
                            taken[below][right] = ""
                    taken[r][column] = text
                    column += colspan
                placed.append((number, taken[r]))
                width = max(width, max(taken[r], default=-1) + 1)
        return [(number, [row.get(c, "") for c in range(width)]) for number, row in placed]
