"""Read a text extraction into lines with provenance, and tell its extraction style.

Three styles occur in the wild:

* ``tab``: one table row per line, cells separated by tabs, blank cells kept.
* ``markdown``: output of PDF-to-Markdown converters: ``#`` headings, ``**`` and HTML tags,
  watermark lines repeated as text; tables as in ``tab``.
* ``layout``: space-aligned text: cells separated by single spaces with U+00A0 marking blank
  cells, long labels wrapped onto following lines, page markers and running headers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from yusuan.readers.encoding import decode_text
from yusuan.readers.limits import check_text

NBSP = "\u00a0"
_TAG = re.compile(r"</?(?:b|p|br|strong|em|i|u|span|div|td|tr|th|table|font)(?:\s[^>]*)?/?>", re.I)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_LIST = re.compile(r"^\s*[-*]\s+(?=\S)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(slots=True)
class Line:
    """One line of the document after format clean-up.

    ``cells`` is set for tab-separated lines; ``text`` is the cleaned line. ``number`` is the
    1-based line number in the file, ``page`` the page (counted by form feeds) when known.
    """

    number: int
    text: str
    cells: list[str] | None = None
    page: int | None = None
    # Per cell (PDF/OCR inputs): the cell's box on the page (x0, top, x1, bottom, in points from
    # the top-left corner) and the reader's confidence in its text (1.0 for a text layer).
    boxes: list[tuple[float, float, float, float] | None] | None = None
    confidences: list[float] | None = None
    compact: str = field(init=False, repr=False)  # the text without any whitespace

    def __post_init__(self) -> None:
        self.compact = "".join(self.text.split())  # without_space, inlined: once per line


def without_space(text: str) -> str:
    """Remove all whitespace, including U+3000 (ideographic) and U+00A0 (no-break) spaces."""
    return "".join(text.split())  # str.split() knows every Unicode space; fast in C


@dataclass(slots=True)
class TextDocument:
    path: str
    lines: list[Line]
    style: str
    encoding: str


def detect_style(raw_lines: list[str]) -> str:
    tabbed = sum(1 for line in raw_lines if "\t" in line)
    markdown = sum(1 for line in raw_lines if "#" in line and _MD_HEADING.match(line))
    layout_marks = sum(1 for line in raw_lines if NBSP in line or "@#@#@" in line)
    if layout_marks > tabbed:
        return "layout"
    if markdown >= 3:
        return "markdown"
    return "tab"


def _clean_markdown(line: str) -> str:
    if "<" not in line and "#" not in line and "*" not in line and "- " not in line:
        return line
    line = _TAG.sub("", line)
    line = _MD_HEADING.sub("", line)
    line = _MD_LIST.sub("", line)
    return _BOLD.sub(r"\1", line)


def _watermarks(raw_lines: list[str]) -> set[str]:
    """Short lines repeated through the document and standing next to each other (ignoring
    blank lines) are watermarks printed as text, e.g. 仅供内部审核."""
    stripped = [line.strip() for line in raw_lines]
    counts = Counter(s for s in stripped if s and "\t" not in s and len(s) <= 12)
    marks: set[str] = set()
    previous = ""
    for s in stripped:
        if not s:
            continue
        if s == previous and counts[s] >= 3 and not re.search(r"\d", s):
            marks.add(s)
        previous = s
    return marks


def read_text(path: str | Path, data: bytes | None = None) -> TextDocument:
    name = str(path)
    if data is None:
        data = Path(path).read_bytes()
    text, encoding = decode_text(data, name)
    check_text(name, text)
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    style = detect_style(raw_lines)
    marks = _watermarks(raw_lines)
    lines: list[Line] = []
    page = 1
    layout = style == "layout"
    strip = str.strip
    for number, raw in enumerate(raw_lines, start=1):
        if "\f" in raw:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        if marks and raw.strip() in marks:
            continue
        if not layout and ("<" in raw or "#" in raw or "*" in raw or "- " in raw):
            # Converters leave tags and Markdown marks in every style but layout text. (The test
            # of ``_clean_markdown`` is repeated here to spare most lines the call.)
            raw = _clean_markdown(raw)
        cells: list[str] | None = None
        if not layout and "\t" in raw:
            cells = list(map(strip, raw.split("\t")))
            # A converter's trailing tab + page number in the table of contents is not a table.
        lines.append(Line(number, raw.rstrip(" \t\r\n"), cells, page if layout else None))
    return TextDocument(name, lines, style, encoding)
