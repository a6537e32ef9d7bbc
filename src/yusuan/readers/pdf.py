"""Read a PDF that has a text layer into lines: text in reading order and table rows with cells.

PDFium (through pypdfium2) gives every character with its box and every path object (the rules
of ruled tables). Each page is rebuilt from coordinates only, never from the order in which the
producer wrote its text:

* **Ruled tables.** Horizontal and vertical rules (thin filled rectangles as WPS draws them,
  stroked lines as ReportLab draws them, the edges of stroked rectangles) that cross each other
  form a table. Their positions are the grid; a cell whose dividing rule is missing is merged
  with its neighbour, so a merged cell is a rectangle spanning several grid columns or rows.
  Every character goes to the cell its vertical centre and the left third of its box lie in
  (punctuation hanging past a cell's edge stays in its cell). Each grid row becomes one ``Line``
  whose ``cells`` has one entry per grid column: a merged cell's text stands in its top-left
  position and the positions it covers are ``''``, a blank cell is ``''`` (as the DOCX reader
  does), and ``boxes`` holds each position's rectangle on the page (a covered position has its
  merged cell's). Text wrapped inside a cell is one string.
* **Stream tables** (no rules): runs of at least three lines cut into pieces by wide gaps,
  whose pieces fall into three or more columns (the x-ranges of the fullest rows with amounts),
  become rows of cells, blank where a row has nothing in a column; a lone piece in the first
  column right under a row continues that row's label.
* **Text** outside tables: characters are grouped into lines by their vertical centre and joined
  left to right, with a space where the gap between two characters is wider than the line's
  usual one (justified lines spread all characters). Printed lines of one paragraph (a full line
  followed by one that is not indented) become one line, as the paragraph was written.
* **Furniture.** Characters clipped away or outside the page, rotated or transparent characters
  (watermarks) and dashed lines (dot leaders) are dropped; so are page numbers ("— 4 —",
  "第4页") and lines repeated at the same place at the top or bottom of many pages.
* **Tables continued on the next page** (a table first on its page, with the same left and right
  edges as the table that ended the page before): its rows are put in the columns of the first
  part (a continuation page holding only a 合计 row lacks the code columns' rules), and rows that
  repeat the first (header) rows of the table are dropped.

A PDF whose pages hold no text at all raises ``ScannedPdfError`` (``readers.load`` then hands it
to the OCR reader when there is one). In a mixed PDF the pages that are images without a usable
text layer (none, or a poor invisible OCR layer) are read by OCR page by page and take part in
furniture and table continuation like the others (``readers.mixed``). PDFium is not
thread-safe: read one PDF at a time per process.

Boxes are ``(x0, top, x1, bottom)`` in points from the top-left corner of the page as displayed.
Line numbers count the lines of the whole document from 1; ``page`` is the 1-based page.
"""

from __future__ import annotations

import ctypes
import itertools
import math
import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as fpdf

from yusuan.errors import UnreadableFileError
from yusuan.readers.limits import check_page_objects
from yusuan.readers.mixed import (
    image_cover,
    needs_ocr,
    read_scanned_pages,
    same_row,
    same_table_width,
)
from yusuan.readers.pdf_parts import Block, Box, Char, Page, Row
from yusuan.readers.text import Line, TextDocument

__all__ = ["STYLE", "ScannedPdfError", "read_pdf"]

STYLE = "pdf"
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

RULE_MAX_THICKNESS = 3.0  # points: a filled rectangle thinner than this is a rule
RULE_MIN_LENGTH = 4.0
SNAP = 1.6  # rules closer than this (points) are one rule; rules meeting within it cross
BOUNDARY_COVERED = 0.5  # share of a cell edge a rule must cover for the edge to exist
WORD_GAP = 0.25  # a gap wider than this (× character height) is a space inside a line
COLUMN_GAP = 1.5  # a gap wider than this (× character height) separates stream-table columns
FURNITURE_ZONE = 0.08  # share of the page height at the top and bottom where running heads sit
PAGE_NUMBER_ZONE = 0.12
_BLANK = {0, 0xFFFE, 0xFFFF, 0x0A, 0x0D, 0x02, 0x03}
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－_~·•\s]*(?:\d{1,4}|[一二三四五六七八九十百零〇]{1,4})[-—–－_~·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
_LEADER = re.compile(r"(?:…|\.|·|－|-|_){4,}")
_SENTENCE_END = ("。", "：", ":", "；", ";", "！", "？")
# A line opening a numbered heading or item: 五、 （三） 3. 3、 第二部分
_ENUMERATION = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+)"
)


class ScannedPdfError(UnreadableFileError):
    """The PDF has pages but no text layer: its pages are images (a scan)."""


# --- characters and rules of one page --------------------------------------------------------


@dataclass(slots=True)
class Rule:
    """A horizontal (``at`` = y, ``start``/``end`` = x) or vertical rule (``at`` = x)."""

    at: float
    start: float
    end: float


class _View:
    """PDF user space → the displayed page: origin top-left, y downwards, rotation applied."""

    def __init__(self, page: pdfium.PdfPage) -> None:
        left, bottom, right, top = page.get_cropbox()
        self.left, self.bottom, self.right, self.top = left, bottom, right, top
        self.rotation = page.get_rotation() % 360
        if self.rotation in (90, 270):
            self.width, self.height = top - bottom, right - left
        else:
            self.width, self.height = right - left, top - bottom

    def point(self, x: float, y: float) -> tuple[float, float]:
        if self.rotation == 90:
            return y - self.bottom, x - self.left
        if self.rotation == 180:
            return self.right - x, y - self.bottom
        if self.rotation == 270:
            return self.top - y, self.right - x
        return x - self.left, self.top - y

    def box(self, left: float, bottom: float, right: float, top: float) -> Box:
        ax, ay = self.point(left, bottom)
        bx, by = self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _normalise(code: int) -> str:
    """One character as text: Kangxi radicals and CJK compatibility ideographs, which some PDF
    producers map CJK glyphs to, become the unified ideographs they look like (⼀ → 一)."""
    char = chr(code)
    if 0x2E80 <= code <= 0x2FDF or 0xF900 <= code <= 0xFAFF:
        return unicodedata.normalize("NFKC", char)
    return char


_X, _Y = ctypes.c_float(), ctypes.c_float()


def _clip_geometry(clip: fpdf.FPDF_CLIPPATH) -> Box | None:
    """The box (PDF user space) of a clip path. Its paths intersect; a path that is not a
    rectangle counts as its bounding box."""
    x, y = _X, _Y
    box: tuple[float, float, float, float] | None = None
    for index in range(fpdf.FPDFClipPath_CountPaths(clip)):
        count = fpdf.FPDFClipPath_CountPathSegments(clip, index)
        # A rectangle (re: move, 3 lines, close) is known by two opposite corners.
        picks = (0, 2) if count in (4, 5) else range(count)
        xs: list[float] = []
        ys: list[float] = []
        for k in picks:
            segment = fpdf.FPDFClipPath_GetPathSegment(clip, index, k)
            if fpdf.FPDFPathSegment_GetPoint(segment, x, y):
                xs.append(x.value)
                ys.append(y.value)
        if not xs:
            continue
        part = (min(xs), min(ys), max(xs), max(ys))
        if box is None:
            box = part
        else:
            box = (
                max(box[0], part[0]), max(box[1], part[1]),
                min(box[2], part[2]), min(box[3], part[3]),
            )  # fmt: skip
    return box


class _Clips:
    """Clip boxes of page objects. Reading a clip path takes a dozen calls into PDFium, and WPS
    writes every character as its own text object, so boxes are cached by the clip state the
    objects share: PDFium's ``CPDF_ClipPath`` is one reference-counted pointer to its path data,
    copied (not duplicated) from object to object. That layout is an internal of PDFium, so the
    first uses of each cached box are checked against the clip path itself; one mismatch turns
    the cache off for the page."""

    CHECKS = 2

    def __init__(self) -> None:
        self.boxes: dict[int, Box | None] = {}
        self.checked: Counter[int] = Counter()
        self.shared = True

    def box(self, obj: fpdf.FPDF_PAGEOBJECT) -> Box | None:
        clip = fpdf.FPDFPageObj_GetClipPath(obj)
        if not clip:
            return None
        key: int | None = None
        if self.shared:
            address = ctypes.cast(clip, ctypes.c_void_p).value
            key = ctypes.c_void_p.from_address(address).value if address else None
            if key and key in self.boxes and self.checked[key] >= self.CHECKS:
                return self.boxes[key]
        box = _clip_geometry(clip)
        if key:
            if key not in self.boxes:
                self.boxes[key] = box
            elif self.boxes[key] == box:
                self.checked[key] += 1
            else:
                self.shared = False
                self.boxes.clear()
        return box


def page_chars(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, view: _View) -> list[Char]:
    """The visible characters of a page (spaces the producer wrote included, as ``' '``)."""
    raw = textpage.raw
    rect = fpdf.FS_RECTF()
    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    objects: dict[int | None, tuple[bool, Box | None, bool]] = {}
    clips = _Clips()
    chars: list[Char] = []
    width, height = view.width, view.height
    for index in range(fpdf.FPDFText_CountChars(raw)):
        code = fpdf.FPDFText_GetUnicode(raw, index)
        if code in _BLANK or 0xD800 <= code <= 0xDFFF:
            continue
        if code in (0x20, 0xA0, 0x3000, 0x09) and fpdf.FPDFText_IsGenerated(raw, index):
            continue
        obj = fpdf.FPDFText_GetTextObject(raw, index)
        key = ctypes.cast(obj, ctypes.c_void_p).value if obj else None
        known = objects.get(key)
        if known is None:
            visible = True
            angle = math.degrees(fpdf.FPDFText_GetCharAngle(raw, index)) % 90
            if 3 < angle < 87:
                visible = False  # slanted text across the page: a watermark
            colour = obj and fpdf.FPDFPageObj_GetFillColor(obj, red, green, blue, alpha)
            if colour and alpha.value < 128:
                visible = False  # translucent: a watermark
            clip = clips.box(obj) if obj else None
            hidden = bool(obj) and (
                fpdf.FPDFTextObj_GetTextRenderMode(obj) == fpdf.FPDF_TEXTRENDERMODE_INVISIBLE
            )
            known = (visible, view.box(*clip) if clip is not None else None, hidden)
            objects[key] = known
        visible, clip, hidden = known
        if not visible or not fpdf.FPDFText_GetLooseCharBox(raw, index, rect):
            continue
        x0, top, x1, bottom = view.box(rect.left, rect.bottom, rect.right, rect.top)
        cx, cy = (x0 + x1) / 2, (top + bottom) / 2
        if not (0 <= cx <= width and 0 <= cy <= height):
            continue  # outside the page
        if clip is not None and not (clip[0] <= cx <= clip[2] and clip[1] <= cy <= clip[3]):
            continue  # clipped away
        text = " " if code in (0x20, 0xA0, 0x3000, 0x09) else _normalise(code)
        chars.append(Char(text, x0, top, x1, bottom, hidden))
    return chars


def _apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix applying ``inner`` and then ``outer``."""
    a, b, c, d, e, f = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


class _RuleCollector:
    """Horizontal and vertical rules of a page, in display coordinates."""

    def __init__(self, view: _View) -> None:
        self.view = view
        self.horizontal: list[tuple[float, float, float]] = []  # (y, x0, x1)
        self.vertical: list[tuple[float, float, float]] = []  # (x, y0, y1)
        self._matrix = fpdf.FS_MATRIX()
        self._float = [ctypes.c_float() for _ in range(4)]
        self._mode, self._stroke = ctypes.c_int(), ctypes.c_int()
        self.clips = _Clips()

    def collect(self, page: pdfium.PdfPage) -> None:
        for index in range(fpdf.FPDFPage_CountObjects(page.raw)):
            self._object(fpdf.FPDFPage_GetObject(page.raw, index), IDENTITY, 0)

    def _object(self, obj: fpdf.FPDF_PAGEOBJECT, outer: Matrix, depth: int) -> None:
        kind = fpdf.FPDFPageObj_GetType(obj)
        if kind == fpdf.FPDF_PAGEOBJ_PATH:
            self._path(obj, outer, depth)
        elif kind == fpdf.FPDF_PAGEOBJ_FORM and depth < 8:
            inner = self._object_matrix(obj)
            matrix = _compose(inner, outer)
            for index in range(fpdf.FPDFFormObj_CountObjects(obj)):
                self._object(fpdf.FPDFFormObj_GetObject(obj, index), matrix, depth + 1)

    def _object_matrix(self, obj: fpdf.FPDF_PAGEOBJECT) -> Matrix:
        m = self._matrix
        if not fpdf.FPDFPageObj_GetMatrix(obj, m):
            return IDENTITY
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    def _add(self, x0: float, y0: float, x1: float, y1: float, clip: Box | None) -> None:
        """A rule given by its box in user space (after the form matrices)."""
        left, top, right, bottom = self.view.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        width, height = right - left, bottom - top
        if max(width, height) < RULE_MIN_LENGTH or min(width, height) > RULE_MAX_THICKNESS:
            return
        if width >= height:
            y = (top + bottom) / 2
            if clip is not None:
                if not clip[1] - 1 <= y <= clip[3] + 1:
                    return
                left, right = max(left, clip[0]), min(right, clip[2])
            if right - left >= RULE_MIN_LENGTH:
                self.horizontal.append((y, left, right))
        else:
            x = (left + right) / 2
            if clip is not None:
                if not clip[0] - 1 <= x <= clip[2] + 1:
                    return
                top, bottom = max(top, clip[1]), min(bottom, clip[3])
            if bottom - top >= RULE_MIN_LENGTH:
                self.vertical.append((x, top, bottom))

    def _path(self, obj: fpdf.FPDF_PAGEOBJECT, outer: Matrix, depth: int) -> None:
        if fpdf.FPDFPageObj_GetDashCount(obj) > 0:
            return  # dotted leaders and dashed lines are no rules
        if not fpdf.FPDFPath_GetDrawMode(obj, self._mode, self._stroke):
            return
        filled, stroked = self._mode.value != 0, bool(self._stroke.value)
        if not filled and not stroked:
            return  # a clipping path
        clip_user = self.clips.box(obj) if depth == 0 else None
        clip = self.view.box(*clip_user) if clip_user is not None else None
        left, bottom, right, top = self._float
        if depth == 0 and fpdf.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            thickness = min(right.value - left.value, top.value - bottom.value)
            if thickness <= RULE_MAX_THICKNESS:
                self._add(left.value, bottom.value, right.value, top.value, clip)
                return
        matrix = _compose(self._object_matrix(obj), outer)
        width = ctypes.c_float()
        stroke_width = 1.0
        if stroked and fpdf.FPDFPageObj_GetStrokeWidth(obj, width):
            stroke_width = max(width.value, 0.1)
        for subpath in self._subpaths(obj, matrix):
            xs = [p[0] for p in subpath]
            ys = [p[1] for p in subpath]
            if min(max(xs) - min(xs), max(ys) - min(ys)) <= RULE_MAX_THICKNESS:
                if filled or stroked:
                    half = stroke_width / 2 if stroked else 0.0
                    self._add(min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half, clip)
                continue
            if not stroked:
                continue  # a filled area (a cell background) is no rule
            half = stroke_width / 2
            for (ax, ay), (bx, by) in itertools.pairwise(subpath):
                if abs(ax - bx) < 0.5 or abs(ay - by) < 0.5:
                    self._add(
                        min(ax, bx) - half, min(ay, by) - half, max(ax, bx) + half,
                        max(ay, by) + half, clip,
                    )  # fmt: skip

    def _subpaths(
        self, obj: fpdf.FPDF_PAGEOBJECT, matrix: Matrix
    ) -> list[list[tuple[float, float]]]:
        """Straight-line subpaths of a path (closed ones end at their start point); a subpath
        with curves is left out."""
        x, y = ctypes.c_float(), ctypes.c_float()
        subpaths: list[list[tuple[float, float]]] = []
        current: list[tuple[float, float]] = []
        curved = False
        for index in range(fpdf.FPDFPath_CountSegments(obj)):
            segment = fpdf.FPDFPath_GetPathSegment(obj, index)
            if not fpdf.FPDFPathSegment_GetPoint(segment, x, y):
                continue
            point = _apply(matrix, x.value, y.value)
            kind = fpdf.FPDFPathSegment_GetType(segment)
            if kind == fpdf.FPDF_SEGMENT_MOVETO:
                if current and not curved:
                    subpaths.append(current)
                current, curved = [point], False
                continue
            if kind == fpdf.FPDF_SEGMENT_BEZIERTO:
                curved = True
            current.append(point)
            if fpdf.FPDFPathSegment_GetClose(segment) and current:
                current.append(current[0])
        if current and not curved:
            subpaths.append(current)
        return subpaths


# --- text lines --------------------------------------------------------------------------------


def group_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines by their vertical centre; lines top to bottom, each left to
    right. A character overprinted at almost the same place (fake bold) is kept once."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: c.cy)
    lines: list[list[Char]] = []
    current = [ordered[0]]
    centre, height = ordered[0].cy, ordered[0].height
    for char in ordered[1:]:
        if abs(char.cy - centre) <= 0.45 * max(min(height, char.height), 1.0):
            current.append(char)
            centre += (char.cy - centre) / len(current)
            height = max(height, char.height)
        else:
            lines.append(current)
            current, centre, height = [char], char.cy, char.height
    lines.append(current)
    lines = _attach_punctuation(lines)
    result: list[list[Char]] = []
    for line in lines:
        line.sort(key=lambda c: c.x0)
        kept: list[Char] = []
        for char in line:
            previous = kept[-1] if kept else None
            if (
                previous is not None
                and char.text == previous.text
                and abs(char.x0 - previous.x0) < 0.3 * max(previous.x1 - previous.x0, 0.5)
            ):
                continue
            kept.append(char)
        result.append(kept)
    return result


def _punctuation(char: Char) -> bool:
    return char.text == " " or unicodedata.category(char.text[0]).startswith("P")


def _band(line: list[Char]) -> tuple[float, float]:
    """The vertical extent of a line's body text: the median top and bottom of its characters
    (digits of some fonts have boxes twice as tall as the CJK text beside them)."""
    tops = sorted(c.top for c in line)
    bottoms = sorted(c.bottom for c in line)
    return tops[len(tops) // 2], bottoms[len(bottoms) // 2]


def _attach_punctuation(lines: list[list[Char]]) -> list[list[Char]]:
    """Put back into their line the punctuation marks that were grouped as a line of their own.

    Some producers (ONLYOFFICE) give full-width marks such as ，：；“” a tight glyph box at the
    foot (or head) of the line instead of the font's box, so their centres stand below (above)
    the line and the marks came out as a separate line under it. A line of nothing but marks
    whose centres lie inside the body band of the line above or below it belongs to that line.
    """
    if len(lines) < 2:
        return lines
    marks = [all(_punctuation(c) for c in line) for line in lines]
    if not any(marks):
        return lines
    bands = [_band(line) if not mark else None for line, mark in zip(lines, marks, strict=True)]
    kept: list[list[Char]] = []
    for i, line in enumerate(lines):
        if not marks[i]:
            continue
        for j in (i - 1, i + 1, i - 2, i + 2):  # nearest text lines first
            band = bands[j] if 0 <= j < len(lines) else None
            if band is not None and all(band[0] <= c.cy <= band[1] for c in line):
                lines[j].extend(line)
                line.clear()
                break
    for line in lines:
        if line:
            kept.append(line)
    return kept


def line_text(chars: list[Char]) -> str:
    """The text of one line: a space where the producer wrote one or where the gap between two
    characters is wider than the line's usual gap; runs of spaces collapsed, ends stripped."""
    printed = [c for c in chars if c.text != " "]
    gaps = sorted(b.x0 - a.x1 for a, b in itertools.pairwise(printed))
    # Justified lines spread every character: only a gap wider than the usual one is a space.
    usual = max(gaps[len(gaps) // 2], 0.0) if len(gaps) >= 4 else 0.0
    parts: list[str] = []
    previous: Char | None = None
    for char in chars:
        if char.text == " ":
            parts.append(" ")
            continue
        if previous is not None:
            gap = char.x0 - previous.x1 - usual
            if gap > WORD_GAP * max(min(char.height, previous.height), 1.0):
                parts.append(" ")
        parts.append(char.text)
        previous = char
    return " ".join("".join(parts).split())


def _ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def join_wrapped(texts: list[str]) -> str:
    """Lines of one cell as one string: wrapped CJK text runs on; a space only between two
    Latin words."""
    out = ""
    for text in texts:
        if not text:
            continue
        latin = out and _ascii_word(out[-1]) and _ascii_word(text[0])
        if latin and (out[-1].isalpha() or text[0].isalpha()):
            out += " "
        out += text
    return out


def cell_text(lines: list[list[Char]], box: Box) -> str:
    """The text of a table cell from its printed lines. Wrapped lines run on; a left-aligned
    line of CJK text that stops well short of the cell's right edge (room for two more
    characters beyond the padding on its left) ended at a space the wrapping swallowed (CJK
    text wraps between any two characters, Latin words do not), so a space is kept."""
    texts: list[str] = []
    for k, line in enumerate(lines):
        text = line_text(line)
        if not text:
            continue
        if texts and k > 0:
            above = [c for c in lines[k - 1] if c.text != " "]
            first = next((c for c in line if c.text != " "), None)
            if above and first is not None:
                em = max(first.x1 - first.x0, first.height * 0.5)
                free = (box[2] - above[-1].x1) - (above[0].x0 - box[0])
                cjk = not first.text.isascii() and not above[-1].text.isascii()
                if cjk and abs(first.x0 - above[0].x0) <= 1.0 and free > 2 * em:
                    texts[-1] += " "
        texts.append(text)
    return join_wrapped(texts)


def segments(chars: list[Char]) -> list[list[Char]]:
    """A line cut where the gap between two characters is wide (stream-table columns)."""
    pieces: list[list[Char]] = []
    previous: Char | None = None
    for char in chars:
        if char.text == " ":
            continue
        gap = char.x0 - previous.x1 if previous is not None else 0.0
        if previous is None or gap > COLUMN_GAP * max(min(char.height, previous.height), 1.0):
            pieces.append([char])
        else:
            pieces[-1].append(char)
        previous = char
    return pieces


def _box_of(chars: list[Char]) -> Box:
    return (
        min(c.x0 for c in chars),
        min(c.top for c in chars),
        max(c.x1 for c in chars),
        max(c.bottom for c in chars),
    )


# --- blocks of a page --------------------------------------------------------------------------


@dataclass(slots=True)
class _Region:
    r0: int
    c0: int
    r1: int
    c1: int
    chars: list[Char] = field(default_factory=list)


def _merge_rules(rules: list[tuple[float, float, float]]) -> list[Rule]:
    """Rules at (nearly) the same position whose extents touch or overlap become one."""
    merged: list[Rule] = []
    groups: list[list[tuple[float, float, float]]] = []
    for rule in sorted(rules):
        if groups and rule[0] - groups[-1][-1][0] <= SNAP:
            groups[-1].append(rule)
        else:
            groups.append([rule])
    for group in groups:
        at = sum(r[0] for r in group) / len(group)
        spans = sorted((r[1], r[2]) for r in group)
        start, end = spans[0]
        for a, b in spans[1:]:
            if a <= end + SNAP:
                end = max(end, b)
            else:
                merged.append(Rule(at, start, end))
                start, end = a, b
        merged.append(Rule(at, start, end))
    return merged


def _cluster(values: list[float]) -> list[float]:
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= SNAP:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [sum(g) / len(g) for g in groups]


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _rule_groups(
    horizontal: list[Rule], vertical: list[Rule]
) -> list[tuple[list[Rule], list[Rule]]]:
    """Sets of rules that cross or touch each other; those with at least two rules each way
    (and so at least one closed cell) are tables."""
    parent = list(range(len(horizontal) + len(vertical)))
    for i, h in enumerate(horizontal):
        for j, v in enumerate(vertical):
            if v.start - SNAP <= h.at <= v.end + SNAP and h.start - SNAP <= v.at <= h.end + SNAP:
                a, b = _find(parent, i), _find(parent, len(horizontal) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, tuple[list[Rule], list[Rule]]] = defaultdict(lambda: ([], []))
    for i, h in enumerate(horizontal):
        groups[_find(parent, i)][0].append(h)
    for j, v in enumerate(vertical):
        groups[_find(parent, len(horizontal) + j)][1].append(v)
    return [(hs, vs) for hs, vs in groups.values() if len(hs) >= 2 and len(vs) >= 2]


def _covered(spans: list[tuple[float, float]], a: float, b: float) -> bool:
    length = b - a
    if length <= 0:
        return True
    total = sum(max(0.0, min(end, b) - max(start, a)) for start, end in spans)
    return total >= BOUNDARY_COVERED * length


class Grid:
    """A ruled table: grid lines and the (possibly merged) cells between them."""

    def __init__(self, horizontal: list[Rule], vertical: list[Rule]) -> None:
        xs = _cluster([v.at for v in vertical])
        ys = _cluster([h.at for h in horizontal])
        left, right = min(h.start for h in horizontal), max(h.end for h in horizontal)
        top, bottom = min(v.start for v in vertical), max(v.end for v in vertical)
        # A table without outer side (or top/bottom) borders ends where its other rules end.
        if xs[0] - left > 2 * SNAP:
            xs.insert(0, left)
        if right - xs[-1] > 2 * SNAP:
            xs.append(right)
        if ys[0] - top > 2 * SNAP:
            ys.insert(0, top)
        if bottom - ys[-1] > 2 * SNAP:
            ys.append(bottom)
        self.xs, self.ys = xs, ys
        rows, columns = len(ys) - 1, len(xs) - 1
        v_at = [[(v.start, v.end) for v in vertical if abs(v.at - x) <= SNAP] for x in xs]
        h_at = [[(h.start, h.end) for h in horizontal if abs(h.at - y) <= SNAP] for y in ys]
        parent = list(range(rows * columns))
        for r in range(rows):
            for c in range(1, columns):
                if not _covered(v_at[c], ys[r], ys[r + 1]):
                    a, b = _find(parent, r * columns + c - 1), _find(parent, r * columns + c)
                    parent[a] = b
        for r in range(1, rows):
            for c in range(columns):
                if not _covered(h_at[r], xs[c], xs[c + 1]):
                    a, b = _find(parent, (r - 1) * columns + c), _find(parent, r * columns + c)
                    parent[a] = b
        regions: dict[int, _Region] = {}
        self.cells: list[list[_Region]] = []
        for r in range(rows):
            line: list[_Region] = []
            for c in range(columns):
                root = _find(parent, r * columns + c)
                region = regions.get(root)
                if region is None:
                    region = regions[root] = _Region(r, c, r, c)
                region.r0, region.c0 = min(region.r0, r), min(region.c0, c)
                region.r1, region.c1 = max(region.r1, r), max(region.c1, c)
                line.append(region)
            self.cells.append(line)

    @property
    def box(self) -> Box:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def region_box(self, region: _Region) -> Box:
        return (
            self.xs[region.c0],
            self.ys[region.r0],
            self.xs[region.c1 + 1],
            self.ys[region.r1 + 1],
        )

    def contains(self, char: Char) -> bool:
        x0, top, x1, bottom = self.box
        return x0 - 1 <= char.cx <= x1 + 1 and top - 1 <= char.cy <= bottom + 1

    def place(self, char: Char) -> None:
        """Put a character in its cell: by its vertical centre, and horizontally by a point in
        its left third, so punctuation hanging past a cell's right edge stays in its cell."""
        r = min(max(bisect_right(self.ys, char.cy) - 1, 0), len(self.ys) - 2)
        x = char.x0 + 0.3 * (char.x1 - char.x0)
        c = min(max(bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        self.cells[r][c].chars.append(char)

    def rows(self) -> list[Row]:
        texts: dict[int, str] = {}
        out: list[Row] = []
        for r, line in enumerate(self.cells):
            cells: list[str] = []
            boxes: list[Box | None] = []
            for c, region in enumerate(line):
                boxes.append(self.region_box(region))
                if region.r0 != r or region.c0 != c:
                    cells.append("")
                    continue
                key = id(region)
                if key not in texts:
                    texts[key] = cell_text(group_lines(region.chars), self.region_box(region))
                cells.append(texts[key])
            if any(cells):
                out.append(Row(cells, boxes))
        return out


def _text_block(chars: list[Char]) -> Block:
    box = _box_of(chars)
    heights = sorted(c.height for c in chars)
    block = Block(box[1], box[3], line_text(chars), box, height=heights[len(heights) // 2])
    block.pieces, block.last = len(segments(chars)), box
    return block


def _stream_rows(lines: list[list[Char]], pieces: list[list[list[Char]]]) -> list[Row] | None:
    """Rows of a run of lines read as a table without rules, or ``None`` when the words do not
    fall into three or more columns. The columns are the x-ranges of the fullest rows (those
    with the most pieces, rows with amounts first, since headers are aligned differently);
    every piece goes to the column it overlaps most, or else the nearest one."""
    amounts = [any(_AMOUNT.match(line_text(p)) for p in ps) for ps in pieces]
    pool = [ps for ps, a in zip(pieces, amounts, strict=True) if a] or pieces
    most = max(len(ps) for ps in pool)
    spans = sorted(
        (min(c.x0 for c in p), max(c.x1 for c in p)) for ps in pool if len(ps) == most for p in ps
    )
    columns: list[list[float]] = []
    for start, end in spans:
        if columns and start <= columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], end)
        else:
            columns.append([start, end])
    if len(columns) < 3:
        return None

    def column_of(piece: list[Char]) -> int:
        start, end = min(c.x0 for c in piece), max(c.x1 for c in piece)
        overlaps = [min(end, b) - max(start, a) for a, b in columns]
        return max(range(len(columns)), key=lambda k: overlaps[k])

    rows: list[Row] = []
    previous_bottom = -1e9
    for line, line_pieces in zip(lines, pieces, strict=True):
        top, bottom = min(c.top for c in line), max(c.bottom for c in line)
        height = bottom - top
        if (
            len(line_pieces) == 1
            and rows
            and column_of(line_pieces[0]) == 0
            and rows[-1].cells[0]
            and top - previous_bottom < 0.6 * height
        ):
            first = rows[-1]  # the wrapped rest of the label above
            first.cells[0] = join_wrapped([first.cells[0], line_text(line_pieces[0])])
            old = first.boxes[0] or _box_of(line_pieces[0])
            new = _box_of(line_pieces[0])
            first.boxes[0] = (min(old[0], new[0]), old[1], max(old[2], new[2]), new[3])
            previous_bottom = bottom
            continue
        cells = [""] * len(columns)
        boxes: list[Box | None] = [(a, top, b, bottom) for a, b in columns]
        for piece in line_pieces:
            k = column_of(piece)
            cells[k] = (cells[k] + " " + line_text(piece)).strip()
            boxes[k] = _box_of(piece)
        rows.append(Row(cells, boxes))
        previous_bottom = bottom
    return rows


def _text_blocks(chars: list[Char]) -> list[Block]:
    """Text lines of a page, with runs of column-aligned lines read as stream tables."""
    lines = group_lines(chars)
    pieces = [segments(line) for line in lines]
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if len(pieces[i]) >= 2:
            j = i + 1
            while j < len(lines):
                height = max(c.height for c in lines[j - 1])
                gap = min(c.top for c in lines[j]) - max(c.bottom for c in lines[j - 1])
                if gap > 1.2 * height:
                    break
                if len(pieces[j]) < 2 and not (j + 1 < len(lines) and len(pieces[j + 1]) >= 2):
                    # a single piece: the wrapped end of a label, or the end of the run
                    first_x = min(c.x0 for c in lines[i])
                    if abs(min(c.x0 for c in lines[j]) - first_x) > 2 * height or gap > 0.6 * (
                        height
                    ):
                        break
                j += 1
            if sum(1 for p in pieces[i:j] if len(p) >= 2) >= 3:
                rows = _stream_rows(lines[i:j], pieces[i:j])
                if rows:
                    box = _box_of([c for line in lines[i:j] for c in line])
                    blocks.append(Block(box[1], box[3], box=box, rows=rows))
                    i = j
                    continue
        blocks.append(_text_block(lines[i]))
        i += 1
    return blocks


def page_blocks(chars: list[Char], horizontal: list[Rule], vertical: list[Rule]) -> list[Block]:
    """Text lines and tables of one page in reading order (top to bottom)."""
    grids = [
        Grid(hs, vs)
        for hs, vs in _rule_groups(_merge_rules(_raw(horizontal)), _merge_rules(_raw(vertical)))
    ]
    grids = [g for g in grids if len(g.xs) > 2 or len(g.ys) > 2]  # a lone frame is no table
    rest: list[Char] = []
    for char in chars:
        for grid in grids:
            if grid.contains(char):
                grid.place(char)
                break
        else:
            rest.append(char)
    blocks = _text_blocks(rest)
    for grid in grids:
        rows = grid.rows()
        if rows:
            box = grid.box
            blocks.append(Block(box[1], box[3], box=box, rows=rows, columns=grid.xs))
    blocks.sort(key=lambda b: (b.top, b.box[0] if b.box else 0.0))
    return blocks


def _raw(rules: list[Rule]) -> list[tuple[float, float, float]]:
    return [(r.at, r.start, r.end) for r in rules]


# --- the document ------------------------------------------------------------------------------


def _furniture(pages: list[Page]) -> set[tuple[int, int]]:
    """(page index, block index) of page numbers and of lines repeated at the top or bottom of
    many pages (running heads and feet, also with the page number in them)."""
    drop: set[tuple[int, int]] = set()
    exact: dict[str, list[tuple[int, int]]] = defaultdict(list)
    numbered: dict[str, list[tuple[int, int, list[int]]]] = defaultdict(list)
    for p, page in enumerate(pages):
        for b, block in enumerate(page.blocks):
            if block.rows is not None:
                continue
            edge = min(block.top, page.height - block.bottom) / max(page.height, 1.0)
            compact = "".join(block.text.split())
            if edge <= PAGE_NUMBER_ZONE and _PAGE_NUMBER.match(compact):
                drop.add((p, b))
                continue
            if edge <= FURNITURE_ZONE and compact:
                exact[compact].append((p, b))
                digits = [int(d) for d in _DIGITS.findall(compact)]
                if digits:
                    numbered[_DIGITS.sub("#", compact)].append((p, b, digits))
    needed = max(3, math.ceil(0.3 * len(pages)))
    for places in exact.values():
        if len({p for p, _ in places}) >= needed:
            drop.update(places)
    for occurrences in numbered.values():
        # A running head with the page number in it: one number grows with the page.
        by_offset: Counter[tuple[int, int]] = Counter()
        for p, _, digits in occurrences:
            for k, value in enumerate(digits):
                by_offset[(k, value - pages[p].number)] += 1
        for (k, offset), count in by_offset.items():
            if count >= needed:
                for p, b, digits in occurrences:
                    if k < len(digits) and digits[k] - pages[p].number == offset:
                        drop.add((p, b))
    return drop


def _paragraphs(page: Page) -> None:
    """Printed lines of one paragraph become one line, as the paragraph was written: a line
    that fills the text width runs on into the next when that one starts at the left edge (not
    indented as a new paragraph), in the same font size, right below it, unless a sentence ends
    there and the next line opens a numbered heading or item (一、 （二） 3.); 目录 lines (dot
    leaders) stay apart. Needs at least three full lines on the page to know the text width."""
    texts = [b for b in page.blocks if b.rows is None and b.pieces == 1 and b.box is not None]
    if len(texts) < 3:
        return
    right = max(b.box[2] for b in texts if b.box is not None)
    left = min(b.box[0] for b in texts if b.box is not None)
    if sum(1 for b in texts if b.box is not None and b.box[2] >= right - b.height) < 3:
        return
    kept: list[Block] = []
    for block in page.blocks:
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and previous.rows is None
            and block.rows is None
            and previous.pieces == 1
            and block.pieces == 1
            and previous.last is not None
            and block.box is not None
            and previous.last[2] >= right - 1.2 * previous.height
            and previous.last[2] - previous.last[0] >= 0.6 * (right - left)
            and block.box[0] <= previous.last[0] + 0.5 * block.height
            and abs(block.height - previous.height) <= 0.08 * previous.height
            and -0.2 * block.height <= block.top - previous.last[3] <= 0.9 * block.height
            and not (previous.text.endswith(_SENTENCE_END) and _ENUMERATION.match(block.text))
            and not _LEADER.search(previous.text)
            and not _LEADER.search(block.text)
        ):
            assert previous.box is not None
            previous.text = join_wrapped([previous.text, block.text])
            previous.box = (
                min(previous.box[0], block.box[0]), previous.box[1],
                max(previous.box[2], block.box[2]), block.box[3],
            )  # fmt: skip
            previous.bottom, previous.last = block.bottom, block.box
            continue
        kept.append(block)
    page.blocks = kept


def _continues(head: Block, block: Block) -> bool:
    """Whether ``block``, first on its page, continues the table ``head`` ended the page before
    with: both tables, and ruled tables with the same left and right edges."""
    if head.rows is None or block.rows is None:
        return False
    if head.columns is None or block.columns is None:
        return head.columns is None and block.columns is None
    if head.scanned or block.scanned:
        return same_table_width(head.columns, block.columns)
    return (
        abs(head.columns[0] - block.columns[0]) <= 2 * SNAP
        and abs(head.columns[-1] - block.columns[-1]) <= 2 * SNAP
    )


def _realign(block: Block, columns: list[float]) -> None:
    """Rows of a continuation in the columns of the table it continues. A continuation page
    can lack column rules the first page has (only a 合计 row whose cell spans the code
    columns), so its grid has fewer columns; each cell goes to the first column of the
    continued table inside its box, and the columns it covers read ''."""
    own = block.columns
    if own is None or block.rows is None or own == columns:
        return
    snap = 2 * SNAP
    if block.scanned:  # a scan sits a little elsewhere on its page than the table it continues
        shift = columns[0] - own[0]
        own = [x + shift for x in own]
        snap = max(snap, 0.01 * (columns[-1] - columns[0]))
    if not all(any(abs(x - c) <= snap for c in columns) for x in own):
        return  # not the same grid: leave the rows as printed
    count = len(columns) - 1
    middles = [(columns[j] + columns[j + 1]) / 2 for j in range(count)]
    offset = own[0] - (block.columns or own)[0]
    for row in block.rows:
        cells = [""] * count
        boxes: list[Box | None] = [None] * count
        scores = [1.0] * count
        confidences = row.confidences or [1.0] * len(row.cells)
        for text, box, score in zip(row.cells, row.boxes, confidences, strict=True):
            if box is None:
                continue
            inside = [j for j in range(count) if box[0] + offset <= middles[j] <= box[2] + offset]
            for j in inside:
                boxes[j] = box
            if text and inside:
                cells[inside[0]] = text
                scores[inside[0]] = score
        row.cells, row.boxes = cells, boxes
        if row.confidences is not None:
            row.confidences = scores
    block.columns = columns


def _drop_repeated_headers(pages: list[Page]) -> None:
    """A table that ends one page and starts the next is one table: its rows are put in the
    columns of the first part, and rows at the top of the continuation that repeat the first
    rows (the header printed again) are dropped."""
    head: Block | None = None
    for page in pages:
        if not page.blocks:
            continue
        first = page.blocks[0]
        if head is not None and head.rows is not None and _continues(head, first):
            assert first.rows is not None
            if head.columns is not None:
                _realign(first, head.columns)
            same = same_row if first.scanned or head.scanned else _same_cells
            k = 0
            while (
                k < len(first.rows) - 1
                and k < len(head.rows)
                and same(first.rows[k].cells, head.rows[k].cells)
            ):
                k += 1
            del first.rows[:k]
            continues = True
        else:
            continues = False
        last = page.blocks[-1]
        if last.rows is None:
            head = None
        elif not (continues and last is first):
            head = last


def _same_cells(a: list[str], b: list[str]) -> bool:
    return a == b


def _open(name: str, data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == fpdf.FPDF_ERR_PASSWORD:
            raise UnreadableFileError(
                name, "PDF 文件已加密，需要密码才能打开", "请去掉密码保护后再读取"
            ) from exc
        if getattr(exc, "err_code", None) == fpdf.FPDF_ERR_SECURITY:
            raise UnreadableFileError(
                name, "PDF 文件使用了不支持的加密方式，无法读取", "请去掉密码保护后再读取"
            ) from exc
        raise UnreadableFileError(
            name, "PDF 文件已损坏或不完整，无法打开", "请重新导出或下载该文件"
        ) from exc


def read_pages(name: str, data: bytes) -> list[Page]:
    """Every page as blocks, before furniture and repeated headers are dropped."""
    document = _open(name, data)
    pages: list[Page] = []
    try:
        count = len(document)
        for index in range(count):
            try:
                page = document[index]
            except pdfium.PdfiumError as exc:
                raise UnreadableFileError(
                    name, f"PDF 第{index + 1}页已损坏，无法读取", "请重新导出或下载该文件"
                ) from exc
            try:
                check_page_objects(name, index, page)  # before its objects are walked
                view = _View(page)
                textpage = page.get_textpage()
                try:
                    chars = page_chars(page, textpage, view)
                finally:
                    textpage.close()
                rules = _RuleCollector(view)
                rules.collect(page)
                scan = needs_ocr(chars, image_cover(page, view.width * view.height))
            finally:
                page.close()
            if scan:
                chars = []  # a page image, or one under a poor invisible OCR layer
            horizontal = [Rule(y, x0, x1) for y, x0, x1 in rules.horizontal]
            vertical = [Rule(x, y0, y1) for x, y0, y1 in rules.vertical]
            blocks = page_blocks(chars, horizontal, vertical)
            pages.append(Page(index + 1, view.height, blocks, scan))
    finally:
        document.close()
    return pages


def read_pdf(path: str | Path, data: bytes | None = None) -> TextDocument:
    """Lines of a PDF with a text layer (style ``pdf``). Raises ``ScannedPdfError`` when no page
    has any text (a scan) and ``UnreadableFileError`` when the file is damaged or encrypted."""
    name = str(path)
    if data is None:
        data = Path(path).read_bytes()
    pages = read_pages(name, data)
    if not pages:
        raise UnreadableFileError(name, "PDF 文件没有任何页面", "请确认文件内容完整")
    if not any(block.text or block.rows for page in pages for block in page.blocks):
        raise ScannedPdfError(
            name,
            "这是扫描件 PDF（页面是图片，没有文字层），暂时无法读取",
            "请提供带文字层的 PDF、DOCX 或 XLSX 文件，或先用 OCR 软件识别后再读取",
        )
    if any(page.scan for page in pages):  # a mixed PDF: its scanned pages by OCR
        read_scanned_pages(name, data, pages)
    drop = _furniture(pages)
    for p, page in enumerate(pages):
        page.blocks = [b for k, b in enumerate(page.blocks) if (p, k) not in drop]
    for page in pages:
        _paragraphs(page)
    _drop_repeated_headers(pages)
    lines: list[Line] = []
    for page in pages:
        for block in page.blocks:
            if block.rows is None:
                lines.append(
                    Line(len(lines) + 1, block.text, None, page.number, [block.box], [1.0])
                )
                continue
            for row in block.rows:
                lines.append(
                    Line(
                        len(lines) + 1,
                        "\t".join(row.cells),
                        row.cells,
                        page.number,
                        row.boxes,
                        row.confidences or [1.0] * len(row.cells),
                    )
                )
    return TextDocument(name, lines, STYLE, "utf-8")
