"""Read an HTML page into lines: paragraphs, headings and table rows in document order.

This is what a bureau's website publishes, what Word's "save as web page" writes and what
``render/html.py`` writes. Lines are made as a browser lays the page out:

* Block elements (``p``, ``div``, ``h1``…``h6``, ``li``, ``section`` …) and ``<br>`` end a line;
  inline elements (``span``, ``b``, ``a`` …) continue it. Runs of whitespace collapse to one space
  as a browser shows them (``<pre>`` keeps its own); ``&nbsp;`` reads as a space, and as nothing
  at the ends of a line or cell, so a cell holding only ``&nbsp;`` is blank. Entities are
  unescaped.
* A ``<table>`` row becomes one line whose ``cells`` hold one entry per column of the table grid,
  as ``readers/docx.py`` reads a Word table: a cell spanning columns or rows (``colspan``,
  ``rowspan``) stands in its first (top-left) position and the positions it covers are ``''``;
  rows are padded to the width of the table. Paragraphs and ``<br>`` inside a cell are joined with
  ``\\n``. A table that holds other tables, or has a single column, is page layout, not data: its
  cells are read as blocks and the tables inside it as tables.
* Nothing a browser does not show is read: ``<head>`` (the ``<title>`` too), scripts, styles,
  templates, form controls, images (a chart's ``alt`` repeats its caption), navigation
  (``<nav>``: a site's menus, or a page's table of contents as links, which reads like the
  headings it links to without the dot leaders that mark a printed 目录), elements with the
  ``hidden`` attribute or hidden by CSS. CSS is honoured where it decides what is a line: the
  ``style`` attribute and the page's own ``<style>`` rules (selectors made of tag, ``.class``,
  ``#id``, descendant and ``>``; ``@media`` blocks are skipped) that set ``display`` (``none``,
  block or inline; the children of a flex or grid container are blocks of their own) or hide
  with ``visibility``. External stylesheets are not loaded.
* ``number`` is the line in the HTML source where the line's text (for a table row: its ``<tr>``)
  starts, so a cited source points into the file as an editor or the web view shows it. (libxml2
  counts source lines up to 65,535; later lines all read as 65,535.)

The encoding comes from a byte order mark, else the page's ``<meta charset>`` (or
``http-equiv``) when the bytes decode in it, else the project's detection
(``readers/encoding.py``). A text extraction whose tables are HTML (a PDF-to-Markdown conversion
writing ``<table>`` blocks; see ``looks_like_html``) is read as a fragment: its line breaks
outside tables end lines, and Markdown marks and watermark lines are dropped as
``readers/text.py`` drops them.

Parsing is libxml2's HTML parser through lxml: forgiving of the tag soup of real web pages
(unclosed ``<p>``/``<td>``, stray end tags) and fast.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from yusuan.errors import UnreadableFileError
from yusuan.readers.encoding import decode_text
from yusuan.readers.limits import check_html
from yusuan.readers.text import Line, TextDocument, _clean_markdown, _watermarks

if TYPE_CHECKING:  # lxml is imported when a page is read, not when text is told from HTML
    from lxml import etree

__all__ = ["looks_like_html", "read_html"]

STYLE = "html"
MAX_DEPTH = 256  # libxml2's nesting limit without XML_PARSE_HUGE: a deeper page is refused

# --- telling HTML from text ------------------------------------------------------------------

_SNIFF_BYTES = 64 * 1024  # "early": a page's table starts within its first 64 KB
_DOCUMENT_START = re.compile(
    r"(?:<\?xml[^>]*>\s*|<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>/]", re.I | re.S
)
_TABLE_TAG = re.compile(r"<table[\s>]", re.I)
_TABLE_END = re.compile(r"</table\s*>", re.I)
_CELL_TAG = re.compile(r"<t[dh][\s>/]", re.I)


def _sniff_text(data: bytes) -> str:
    """The first 64 KB as text good enough to look for tags in: decoded when a BOM or the
    NULs of UTF-16 say how, else as Latin-1 (every encoding a page uses keeps ASCII as is)."""
    head = data[:_SNIFF_BYTES]
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(name, "ignore")
    if head[:200].count(0) > 40:  # UTF-16 without a BOM: ASCII with a NUL beside every byte
        even = head[0::2].count(0) < head[1::2].count(0)
        return head.decode("utf-16-le" if even else "utf-16-be", "ignore")
    return head.decode("latin-1")


def looks_like_html(data: bytes) -> bool:
    """Whether ``data`` is an HTML page, decided by its content alone.

    A page starts (after a BOM, whitespace, comments and an XML declaration) with
    ``<!DOCTYPE html``, ``<html``, ``<head`` or ``<body``. Text without that start is HTML when
    tables written as tags (``<table>`` with cells) make up at least a quarter of its first
    64 KB: a Markdown conversion whose tables are HTML. Text extractions that carry a few tags
    (``<b>``, ``<p>``) or an odd table fragment stay text."""
    head = _sniff_text(data).lstrip("\ufeff \t\r\n\f")
    if _DOCUMENT_START.match(head):
        return True
    inside = end = 0
    for table in _TABLE_TAG.finditer(head):
        if table.start() < end:
            continue  # a table nested in one already counted
        close = _TABLE_END.search(head, table.start())
        end = close.end() if close is not None else len(head)
        if len(_CELL_TAG.findall(head, table.start(), end)) >= 2:
            inside += end - table.start()
    return inside > 0 and inside >= len(head.strip()) / 4


# --- encoding --------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_META_SCAN_BYTES = 8 * 1024
# Labels browsers read as another encoding (the WHATWG Encoding Standard): GB2312 and GBK pages
# are decoded as GBK's superset GB18030, Latin-1 as windows-1252.
_GBK_LABELS = (
    "gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "chinese", "csgb2312", "iso-ir-58",
    "cp936", "windows-936", "ms936", "gb18030", "euc-cn",
)  # fmt: skip
_SUPERSETS = {
    **dict.fromkeys(_GBK_LABELS, "gb18030"),
    **dict.fromkeys(("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"), "cp1252"),
    **dict.fromkeys(("big5", "big5-hkscs", "x-x-big5", "cn-big5"), "big5hkscs"),
}


def declared_charset(data: bytes) -> str | None:
    """The Python codec named by the page's ``<meta charset>`` or ``http-equiv`` declaration in
    its first 8 KB, or None (no declaration, or a name Python does not know)."""
    found = _META_CHARSET.search(data[:_META_SCAN_BYTES])
    if found is None:
        return None
    label = found.group(1).decode("ascii").lower()
    if label.startswith(("utf-16", "utf-32", "ucs")):  # bytes that reach here are ASCII-based
        return "utf-8"
    if label in _SUPERSETS:
        return _SUPERSETS[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes, path: str) -> tuple[str, str]:
    """(text, encoding) of a page: BOM, then the declared charset if the bytes decode in it,
    then ``decode_text``'s detection (UTF-8, GB18030, charset-normalizer)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, path)
    declared = declared_charset(data)
    if declared is not None and b"\x00" not in data[:_META_SCAN_BYTES]:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # a page mislabelled by its server or editor: detect
    return decode_text(data, path)


# --- CSS: only what decides lines -------------------------------------------------------------

_NONE, _INLINE, _BLOCK, _FLEX = 0, 1, 2, 3  # FLEX: a block whose children are blocks
_INLINE_DISPLAYS = {
    "inline", "inline-block", "inline-flex", "inline-grid", "inline-table", "contents", "ruby",
    "ruby-base", "ruby-text",
}  # fmt: skip
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_COMPOUND = re.compile(r"(\*|[A-Za-z][\w-]*)?((?:[.#][\w-]+)*)")
_SIMPLE = re.compile(r"([.#])([\w-]+)")
_SELECTOR_TOKEN = re.compile(r">|[^\s>]+")
_UNSUPPORTED_SELECTOR = re.compile(r"[\[\]:+~()\\\"'|,]")


def _display_kind(value: str) -> int | None:
    """What a CSS ``display`` value means for lines, or None when not understood."""
    words = value.replace("!important", " ").lower().split()
    if not words:
        return None
    if "none" in words:
        return _NONE
    if words[0] in _INLINE_DISPLAYS or "inline" in words:
        return _INLINE
    if any(w in ("flex", "grid") for w in words):
        return _FLEX
    if words[0] in ("inherit", "initial", "unset", "revert", "revert-layer"):
        return None
    return _BLOCK


def _declarations(text: str) -> tuple[int | None, bool | None]:
    """(display kind, hidden) set by a declaration block; None where not set."""
    display: int | None = None
    hidden: bool | None = None
    for declaration in text.split(";"):
        name, _, value = declaration.partition(":")
        name = name.strip().lower()
        if name == "display":
            display = _display_kind(value)
        elif name == "visibility":
            hidden = value.replace("!important", "").strip().lower() in ("hidden", "collapse")
    return display, hidden


@dataclass(frozen=True, slots=True)
class _Compound:
    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]

    def matches(self, element: etree._Element) -> bool:
        if self.tag is not None and element.tag != self.tag:
            return False
        if self.ids and element.get("id") not in self.ids:
            return False
        if self.classes:
            present = set((element.get("class") or "").split())
            return all(c in present for c in self.classes)
        return True


@dataclass(slots=True)
class _Rule:
    chain: list[tuple[str, _Compound]]  # (combinator to the compound on its left, compound)
    rank: tuple[int, int, int, int]  # specificity, then order in the page
    display: int | None
    hidden: bool | None

    # (ancestor, compound) pairs already tried, for the page being read: a long descendant
    # chain that fails on a deep page costs elements × length, not depth to the power of length
    seen: dict[tuple[etree._Element, int], bool] = field(default_factory=dict)

    def matches(self, element: etree._Element, index: int | None = None) -> bool:
        at = len(self.chain) - 1 if index is None else index
        combinator, compound = self.chain[at]
        if not compound.matches(element):
            return False
        if at == 0:
            return True
        seen = self.seen
        parent = element.getparent()
        while parent is not None:
            key = (parent, at - 1)
            if key not in seen:
                seen[key] = self.matches(parent, at - 1)
            if seen[key]:
                return True
            if combinator == ">":
                return False
            parent = parent.getparent()
        return False


def _parse_selector(text: str) -> list[tuple[str, _Compound]] | None:
    """Tag, class, id, ``*``, descendant and child combinators; None for anything else
    (attributes, pseudo-classes, siblings), whose rules are then not applied."""
    if not text or _UNSUPPORTED_SELECTOR.search(text):
        return None
    chain: list[tuple[str, _Compound]] = []
    combinator = " "
    for token in _SELECTOR_TOKEN.findall(text):
        if token == ">":
            combinator = ">"
            continue
        found = _COMPOUND.fullmatch(token)
        if found is None or not token:
            return None
        tag = found.group(1)
        simple = _SIMPLE.findall(found.group(2))
        chain.append(
            (
                combinator,
                _Compound(
                    tag.lower() if tag and tag != "*" else None,
                    tuple(name for kind, name in simple if kind == "#"),
                    tuple(name for kind, name in simple if kind == "."),
                ),
            )
        )
        combinator = " "
    return chain or None


def _style_rules(css: str) -> Iterator[tuple[str, str]]:
    """(selector list, declarations) of the top-level rules; @-rules and their blocks skipped."""
    css = _CSS_COMMENT.sub(" ", css).replace("<!--", " ").replace("-->", " ")  # old-page guards
    at, end = 0, len(css)
    while at < end:
        opening = css.find("{", at)
        if opening < 0:
            return
        prelude = css[at:opening].rsplit(";", 1)[-1].strip()  # after @import …; @charset …;
        depth, close = 1, opening + 1
        while close < end and depth:
            if css[close] == "{":
                depth += 1
            elif css[close] == "}":
                depth -= 1
            close += 1
        if not prelude.startswith("@"):
            yield prelude, css[opening + 1 : close - 1]
        at = close


class _StyleSheet:
    """The page's own ``<style>`` rules that set ``display`` or ``visibility``, indexed by the
    id, class or tag their last compound selector requires."""

    def __init__(self, root: etree._Element) -> None:
        self.index: dict[tuple[str, str], list[_Rule]] = {}
        order = 0
        for style in root.iter("style"):
            media = (style.get("media") or "all").lower()
            if "all" not in media and "screen" not in media:
                continue
            for selectors, body in _style_rules("".join(style.itertext())):
                display, hidden = _declarations(body)
                if display is None and hidden is None:
                    continue
                for selector in selectors.split(","):
                    chain = _parse_selector(selector.strip())
                    if chain is None:
                        continue
                    order += 1
                    compounds = [c for _, c in chain]
                    rank = (
                        sum(len(c.ids) for c in compounds),
                        sum(len(c.classes) for c in compounds),
                        sum(c.tag is not None for c in compounds),
                        order,
                    )
                    last = chain[-1][1]
                    key = (
                        ("#", last.ids[0])
                        if last.ids
                        else (".", last.classes[0])
                        if last.classes
                        else ("t", last.tag)
                        if last.tag
                        else ("*", "")
                    )
                    self.index.setdefault(key, []).append(_Rule(chain, rank, display, hidden))

    def lookup(self, element: etree._Element, tag: str) -> tuple[int | None, bool | None]:
        if not self.index:
            return None, None
        ident, classes = element.get("id"), element.get("class")
        keys = [("t", tag), ("*", "")]
        if not ident and not classes and keys[0] not in self.index and keys[1] not in self.index:
            return None, None
        if ident:
            keys.append(("#", ident))
        if classes:
            keys += [(".", name) for name in classes.split()]
        rules = [r for key in keys for r in self.index.get(key, ()) if r.matches(element)]
        display: int | None = None
        hidden: bool | None = None
        for rule in sorted(rules, key=lambda r: r.rank):
            if rule.display is not None:
                display = rule.display
            if rule.hidden is not None:
                hidden = rule.hidden
        return display, hidden


# --- elements --------------------------------------------------------------------------------

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


# --- reading ---------------------------------------------------------------------------------

_DAMAGED_MESSAGE = "网页文件已损坏或不是有效的 HTML，无法读取"
_DAMAGED_HINT = "请重新下载该网页，或在浏览器中打开后另存为“网页，仅 HTML”"


def read_html(path: str | Path, data: bytes) -> TextDocument:
    """Lines of an HTML page (see the module docstring). Raises ``UnreadableFileError`` (Chinese
    message) when the page cannot be decoded or parsed, or shows no text."""
    from lxml import etree

    name = str(path)
    text, encoding = decode_html(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    check_html(name, text)
    fragment = not _DOCUMENT_START.match(text.lstrip("\ufeff \t\n\f"))
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except (etree.LxmlError, ValueError) as exc:
        raise UnreadableFileError(name, _DAMAGED_MESSAGE, _DAMAGED_HINT) from exc
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):  # libxml2's limits
        raise UnreadableFileError(
            name, f"网页元素嵌套过深（超过 {MAX_DEPTH} 层）或过大，无法读取", _DAMAGED_HINT
        )
    if root is None:
        raise UnreadableFileError(name, "网页中没有任何内容", "请确认下载或上传的文件是否完整")
    try:
        lines = _Reader(root, fragment).lines(root)
    except RecursionError as exc:  # elements nested thousands deep: not a real page
        raise UnreadableFileError(name, _DAMAGED_MESSAGE, _DAMAGED_HINT) from exc
    if fragment:  # a text extraction with HTML tables: clean it as readers/text.py does
        marks = _watermarks([line.text for line in lines if line.cells is None])
        lines = [
            line if line.cells is not None else Line(line.number, _clean_markdown(line.text))
            for line in lines
            if line.cells is not None or line.text.strip() not in marks
        ]
    if not any(line.compact for line in lines):
        raise UnreadableFileError(name, "网页中没有可读取的文字", "请确认下载或上传的文件是否完整")
    return TextDocument(name, lines, STYLE, encoding)
