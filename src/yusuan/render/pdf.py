"""The disclosure as a PDF (A4), walking the same outline as the DOCX and HTML renderers.

Chinese text is set in a CJK TrueType font found by ``fonts.cjk_font`` and embedded as a subset,
so the PDF reads the same in any viewer. Layout:

* a cover page, then 目录 with page numbers (drawn as form XObjects filled in when the build
  ends, so one pass suffices) and links, and a PDF outline (bookmarks) of parts, sections and
  tables;
* each template table on its own page: marker, title, 单位名称/单位 line, the header rows with the
  template's merged cells repeated on every page the table runs to, amounts right-aligned,
  column widths from the layout; the font shrinks for wide tables and, when even the smallest
  size would not fit, the table gets a landscape page;
* performance tables as label grids with merged cells and wrapped text;
* charts as images with captions; page numbers in the footer.

The output is deterministic (``invariant``: no dates or random ids) and written atomically.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib import textsplit as rl_textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    LayoutError,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import paragraph as rl_paragraph

from yusuan.errors import YusuanError
from yusuan.files import write_bytes_atomically
from yusuan.model import Disclosure
from yusuan.render import outline as ol
from yusuan.render.fonts import FontInfo, cjk_font
from yusuan.render.html import (
    SIGNATURE_LABELS,
    Placed,
    header_rows,
    is_total_row,
    label_rows,
    label_widths,
    toc_targets,
)
from yusuan.render.layout import Grid
from yusuan.version import __version__

MARGIN_X = 20 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
LINE = colors.HexColor("#333333")
HEAD = colors.HexColor("#eef1f5")
TOTAL = colors.HexColor("#f6f7f9")
MUTED = colors.HexColor("#666666")
TABLE_FONT_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5)
CELL_PAD = 3.0
MAX_CELL_HEIGHT = 320.0  # points: a taller performance-table text is continued in further rows
MAX_ROWSPAN = 16  # rows a merged performance-table cell may cover (a page break cannot split it)


# Full-width punctuation that must not begin a line. ReportLab's CJK line breaking knows the
# ideographic comma and full stop but not ，；：！？）, so a line could start with "，".
NO_LINE_START = "，。、；：！？）》」』】〕〉”’％…—"


def _line_start_rules() -> None:
    """Teach ReportLab's two CJK line breakers (one for single-run paragraphs, one for mixed
    markup) the full-width punctuation it lacks. Adding characters that cannot start a line only
    changes where CJK lines break."""
    for module in (rl_textsplit, rl_paragraph):
        current = str(getattr(module, "ALL_CANNOT_START", ""))
        missing = "".join(c for c in NO_LINE_START if c not in current)
        if missing:
            module.ALL_CANNOT_START = current + missing


@cache
def _register(font: FontInfo) -> str:
    """Register the CJK font with reportlab once per font file; returns the font name. The same
    face serves as bold and italic so ``<b>`` in markup never falls back to a non-CJK font."""
    digest = hashlib.sha1(f"{font.path}#{font.subfont_index}".encode()).hexdigest()[:8]
    name = f"YusuanCJK-{digest}"
    pdfmetrics.registerFont(TTFont(name, font.path, subfontIndex=font.subfont_index))
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)
    _line_start_rules()
    return name


@dataclass(slots=True)
class Styles:
    font: str
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    heading: dict[int, ParagraphStyle]
    body: ParagraphStyle
    center: ParagraphStyle
    note: ParagraphStyle
    toc: ParagraphStyle
    toc_part: ParagraphStyle
    marker: ParagraphStyle
    table_title: ParagraphStyle
    meta: ParagraphStyle
    meta_right: ParagraphStyle
    caption: ParagraphStyle
    cells: dict[tuple[float, str], ParagraphStyle] = field(default_factory=dict)

    def cell(self, size: float, kind: str = "text") -> ParagraphStyle:
        """Cell paragraph style: ``text`` (left), ``head`` (centred), ``label`` (centred)."""
        key = (size, kind)
        if key not in self.cells:
            self.cells[key] = ParagraphStyle(
                f"cell-{kind}-{size}",
                fontName=self.font,
                fontSize=size,
                leading=size * 1.3,
                alignment=TA_LEFT if kind == "text" else TA_CENTER,
                wordWrap="CJK",
            )
        return self.cells[key]


def _styles(font: str) -> Styles:
    def style(name: str, size: float, **kw: Any) -> ParagraphStyle:
        kw.setdefault("leading", size * 1.5)
        return ParagraphStyle(name, fontName=font, fontSize=size, wordWrap="CJK", **kw)

    return Styles(
        font=font,
        cover_title=style("cover", 26, alignment=TA_CENTER, leading=38),
        cover_subtitle=style("cover-sub", 18, alignment=TA_CENTER, spaceBefore=18),
        heading={
            1: style("h1", 16, alignment=TA_CENTER, spaceBefore=8, spaceAfter=14),
            2: style("h2", 13, spaceBefore=10, spaceAfter=6),
            3: style("h3", 11.5, spaceBefore=6, spaceAfter=4, leftIndent=10.5),
            4: style("h4", 11.5, alignment=TA_CENTER, spaceBefore=6, spaceAfter=4),
        },
        body=style(
            "body",
            10.5,
            leading=19,
            firstLineIndent=21,
            spaceAfter=4,
            alignment=TA_JUSTIFY,
            allowWidows=0,
            allowOrphans=0,
        ),
        center=style("center", 10.5, alignment=TA_CENTER, leading=19),
        note=style("note", 9.5, textColor=MUTED),
        toc=style("toc", 10.5, leading=17, leftIndent=21),
        toc_part=style("toc-part", 11, leading=19, spaceBefore=4),
        marker=style("marker", 9, leading=12),
        table_title=style("table-title", 15, alignment=TA_CENTER, spaceBefore=2, spaceAfter=6),
        meta=style("meta", 9, leading=12),
        meta_right=style("meta-right", 9, leading=12, alignment=TA_RIGHT),
        caption=style("caption", 9.5, alignment=TA_CENTER, textColor=MUTED, spaceAfter=8),
    )


def _text(text: str) -> str:
    """Document text as reportlab paragraph markup: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br/>")


# Two-character words a header or label is not broken inside (一般公共|预算, not 一般公|共预算).
_WORDS = """公共 预算 基金 资本 经营 专户 管理 资金 支出 结转 安排 收入 科目 编码 名称 指标 目标
财政 项目 部门 单位 合计 经费 代码 实施 总额 中央 省级 自筹 其他 属性 概况 依据 计划 措施 制度"""
WORDS = frozenset(_WORDS.split())


def _two_lines(text: str, width: float, font: str, size: float) -> list[str] | None:
    """The best break of ``text`` into two lines that fit: not inside a word, punctuation not
    first, lines as even as possible (the first one longer on a tie)."""
    best: tuple[int, int] | None = None  # (score, -break position)
    for i in range(1, len(text)):
        first, second = text[:i], text[i:]
        if second[0] in NO_LINE_START:
            continue
        if max(pdfmetrics.stringWidth(part, font, size) for part in (first, second)) > width:
            continue
        score = (10 if text[i - 1 : i + 1] in WORDS else 0) + abs(2 * i - len(text))
        if best is None or (score, -i) < best:
            best = (score, -i)
    return None if best is None else [text[: -best[1]], text[-best[1] :]]


def balanced(text: str, width: float, font: str, size: float) -> str:
    """Markup for a short label that needs more than one line in ``width``: broken between
    words into even lines (政府性 / 基金, 一般公共 / 预算) rather than leaving one character on
    the last line (政府性基 / 金)."""
    if "\n" in text or len(text) > 24 or pdfmetrics.stringWidth(text, font, size) <= width:
        return _text(text)
    two = _two_lines(text, width, font, size)
    if two is not None:
        return "<br/>".join(_text(line) for line in two)
    for count in range(3, 5):
        step = -(-len(text) // count)
        lines = [text[i : i + step] for i in range(0, len(text), step)]
        for i in range(1, len(lines)):  # punctuation stays at the end of the line before
            while lines[i] and lines[i][0] in NO_LINE_START:
                lines[i - 1] += lines[i][0]
                lines[i] = lines[i][1:]
        lines = [line for line in lines if line]
        if all(pdfmetrics.stringWidth(line, font, size) <= width for line in lines):
            return "<br/>".join(_text(line) for line in lines)
    return _text(text)


# ---------------------------------------------------------------- anchors and the 目录


class _Pages:
    """Pages the outline's anchors landed on, filled while the document is drawn."""

    def __init__(self) -> None:
        self.pages: dict[str, int] = {}
        self.referenced: set[str] = set()
        self.outline_level = -1


class _Anchor(Flowable):  # type: ignore[misc]
    """Zero-size mark: records its page, names the spot for links and adds a bookmark."""

    def __init__(self, key: str, title: str, level: int, pages: _Pages) -> None:
        super().__init__()
        self.key, self.title, self.level, self.pages = key, title, level, pages
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        self.pages.pages[self.key] = canvas.getPageNumber()
        canvas.bookmarkHorizontal(self.key, 0, 0)
        level = min(self.level, self.pages.outline_level + 1)
        canvas.addOutlineEntry(self.title, self.key, level=level, closed=level >= 1)
        self.pages.outline_level = level


class _TocLine(Flowable):  # type: ignore[misc]
    """One 目录 line: its text (as the outline prints it), a dotted leader drawn as graphics (so
    extracted text stays as printed) and the page number, drawn as a form filled in when the
    build ends. The whole line links to its target."""

    NUMBER_WIDTH = 30.0

    def __init__(
        self, text: str, key: str | None, style: ParagraphStyle, indent: float, pages: _Pages
    ) -> None:
        super().__init__()
        self.text, self.key, self.style, self.indent, self.pages = text, key, style, indent, pages
        self.size = float(style.fontSize)
        self.spaceBefore = style.spaceBefore
        if key is not None:
            pages.referenced.add(key)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        room = available_width - self.indent - self.NUMBER_WIDTH - 12
        font = self.style.fontName
        while self.size > 7 and pdfmetrics.stringWidth(self.text, font, self.size) > room:
            self.size -= 0.5
        self.height = float(self.style.leading)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        font = self.style.fontName
        baseline = self.height * 0.3
        canvas.setFont(font, self.size)
        canvas.drawString(self.indent, baseline, self.text)
        if self.key is None:
            return
        start = self.indent + pdfmetrics.stringWidth(self.text, font, self.size) + 4
        end = self.width - self.NUMBER_WIDTH - 2
        if end > start:
            canvas.saveState()
            canvas.setStrokeColor(colors.HexColor("#888888"))
            canvas.setLineWidth(0.9)
            canvas.setLineCap(1)
            canvas.setDash([0.01, 3.2])
            canvas.line(start, baseline + 1.2, end, baseline + 1.2)
            canvas.restoreState()
        canvas.saveState()
        canvas.translate(self.width, baseline)
        canvas.doForm(_form_name(self.key))
        canvas.restoreState()
        canvas.linkRect("", self.key, (0, 0, self.width, self.height), relative=1, thickness=0)


def _form_name(key: str) -> str:
    return f"pageref-{key}"


def _canvas_maker(pages: _Pages, font: str) -> Callable[..., Canvas]:
    class _Canvas(Canvas):  # type: ignore[misc]
        def save(self) -> None:
            for key in sorted(pages.referenced):
                self.beginForm(_form_name(key), -40, -5, 0, 15)
                self.setFont(font, 10.5)
                number = pages.pages.get(key)
                self.drawRightString(0, 0, str(number) if number is not None else "")
                self.endForm()
            super().save()

    def make(*args: Any, **kwargs: Any) -> Canvas:
        return _Canvas(*args, **kwargs)

    return make


# ---------------------------------------------------------------- page templates


def _decorate(font: str) -> Callable[[Canvas, Any], None]:
    """The footer: the page number, drawn after the page's content (so extracted text keeps the
    content first). No running header: it would read as document text."""

    def on_page_end(canvas: Canvas, doc: Any) -> None:
        width = canvas._pagesize[0]
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.setFillColor(MUTED)
        canvas.drawCentredString(width / 2, 11 * mm, f"— {canvas.getPageNumber()} —")
        canvas.restoreState()

    return on_page_end


def _frame(size: tuple[float, float], name: str) -> Frame:
    return Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        size[0] - 2 * MARGIN_X,
        size[1] - MARGIN_TOP - MARGIN_BOTTOM,
        id=name,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


PORTRAIT_WIDTH = A4[0] - 2 * MARGIN_X
LANDSCAPE_WIDTH = landscape(A4)[0] - 2 * MARGIN_X


# ---------------------------------------------------------------- tables


def _fits(grid: Grid, widths: list[float], font: str, size: float) -> bool:
    """Whether every amount and code fits its column on one line at ``size``."""
    for row in grid.body:
        for column, cell in enumerate(row):
            if not cell.text or (not cell.numeric and not _is_code(cell.text)):
                continue
            need = pdfmetrics.stringWidth(cell.text, font, size) + 2 * CELL_PAD
            if need > widths[column]:
                return False
    return True


def _is_code(text: str) -> bool:
    return text.isdigit()


def _column_widths(grid: Grid, total: float) -> list[float]:
    weights = grid.widths or [1.0] * grid.columns
    scale = total / sum(weights)
    return [w * scale for w in weights]


def table_layout(grid: Grid, font: str) -> tuple[bool, float, list[float]]:
    """(landscape, font size, column widths) for a table: the largest size at which amounts fit
    a portrait page, else a landscape page."""
    for width, is_landscape in ((PORTRAIT_WIDTH, False), (LANDSCAPE_WIDTH, True)):
        widths = _column_widths(grid, width)
        for size in TABLE_FONT_SIZES:
            if size > 8.5 and grid.columns > 6:
                continue
            if _fits(grid, widths, font, size):
                return is_landscape, size, widths
    widths = _column_widths(grid, LANDSCAPE_WIDTH)
    return True, TABLE_FONT_SIZES[-1], widths


def _grid_flowables(grid: Grid, styles: Styles, anchor: Flowable | None) -> list[Flowable]:
    font = styles.font
    _landscape, size, widths = table_layout(grid, font)
    head_style, text_style = styles.cell(size, "head"), styles.cell(size, "text")
    data: list[list[Any]] = []
    for line in header_rows(grid):
        row: list[Any] = [""] * grid.columns
        for cell in line:
            if cell.text:
                room = sum(widths[cell.column : cell.column + cell.colspan]) - 2 * CELL_PAD
                markup = balanced(cell.text, room, font, size)
                row[cell.column] = RLParagraph(markup, head_style)
        data.append(row)
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, size, size * 1.3),
        ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("BACKGROUND", (0, 0), (-1, len(grid.header) - 1), HEAD),
    ]
    for merge in grid.merges:
        commands.append(
            (
                "SPAN",
                (merge.column, merge.row),
                (merge.column + merge.columns - 1, merge.row + merge.rows - 1),
            )
        )
    first_body = len(data)
    numeric_columns: set[int] = set()
    for r, cells in enumerate(grid.body, start=first_body):
        row = []
        for column, body in enumerate(cells):
            if body.numeric:
                numeric_columns.add(column)
                row.append(body.text)
            elif body.text and not _is_code(body.text):
                row.append(RLParagraph(_text(body.text), text_style))
            else:
                row.append(body.text)
        data.append(row)
        if is_total_row(cells):
            commands.append(("BACKGROUND", (0, r), (-1, r), TOTAL))
    if grid.body:
        for column in sorted(numeric_columns):
            commands.append(("ALIGN", (column, first_body), (column, -1), "RIGHT"))
    table = Table(
        data,
        colWidths=widths,
        repeatRows=len(grid.header),
        style=TableStyle(commands),
        hAlign="CENTER",
    )
    meta = Table(
        [
            [
                RLParagraph(_text(grid.unit_line), styles.meta),
                RLParagraph(_text(grid.amount_unit_line), styles.meta_right),
            ]
        ],
        colWidths=[sum(widths) * 0.7, sum(widths) * 0.3],
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 9),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        ),
        hAlign="CENTER",
    )
    top: list[Flowable] = [] if anchor is None else [anchor]
    top += [
        RLParagraph(_text(grid.marker), styles.marker),
        RLParagraph(_text(grid.title), styles.table_title),
        meta,
    ]
    flowables: list[Flowable] = [*top, table]
    if grid.no_data:
        flowables.append(Spacer(1, 3))
        flowables.append(RLParagraph(_text(grid.note), styles.meta))
    return flowables


# (font size, top padding, bottom padding) of performance tables, tried in turn until the
# signature line (负责人/经办人…) does not end up alone on a page.
LABEL_DENSITIES = ((8.0, 2.5, 3.0), (8.0, 1.5, 2.0), (7.5, 1.2, 1.6), (7.0, 1.0, 1.2))
FRAME_HEIGHT = A4[1] - MARGIN_TOP - MARGIN_BOTTOM


def _label_flowables(grid: ol.LabelGrid, styles: Styles, merge: bool = True) -> list[Flowable]:
    """A performance table at the top of a fresh page: title, subtitle and the label grid."""
    head = [
        RLParagraph(_text(grid.title), styles.heading[4]),
        RLParagraph(_text(grid.subtitle), styles.center),
        Spacer(1, 4),
    ]
    head_height = sum(
        f.wrap(PORTRAIT_WIDTH, FRAME_HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter()
        for f in head
    )
    table = None
    for size, top, bottom in LABEL_DENSITIES:
        table, signature = _label_table(grid, styles, merge, size, top, bottom)
        if signature is None or not _signature_alone(table, FRAME_HEIGHT - head_height):
            break
    assert table is not None
    return [*head, table]


def _signature_alone(table: Table, first: float) -> bool:
    """Whether the table, split page by page, would leave its last row alone on a page."""
    rest, available = table, first
    for _ in range(50):
        height = rest.wrap(PORTRAIT_WIDTH, available)[1]
        if height <= available:
            return rest is not table and len(rest._cellvalues) == 1
        parts = rest.split(PORTRAIT_WIDTH, available)
        if len(parts) < 2:
            return False
        rest, available = parts[1], FRAME_HEIGHT
    return False


def _label_table(
    grid: ol.LabelGrid, styles: Styles, merge: bool, size: float, top: float, bottom: float
) -> tuple[Table, int | None]:
    widths = label_widths(grid)
    scale = PORTRAIT_WIDTH / sum(widths)
    col_widths = [w * scale for w in widths]
    text_style, label_style = styles.cell(size, "text"), styles.cell(size, "label")
    placed = label_rows(grid, max_rowspan=MAX_ROWSPAN if merge else 1)
    rows = _split_tall_rows(placed, col_widths, text_style)
    data: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), styles.font, size, size * 1.3),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), top),
        ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
    ]
    signature_row = None
    for r, line in enumerate(rows):
        row: list[Any] = [""] * grid.columns
        for cell in line:
            room = sum(col_widths[cell.column : cell.column + cell.colspan]) - 2 * CELL_PAD
            row[cell.column] = _label_cell(cell, label_style, text_style, room)
            end = (cell.column + cell.colspan - 1, r + cell.rowspan - 1)
            if cell.rowspan > 1 or cell.colspan > 1:
                commands.append(("SPAN", (cell.column, r), end))
            if cell.label:
                commands.append(("BACKGROUND", (cell.column, r), end, HEAD))
        if line and line[0].text in SIGNATURE_LABELS:
            signature_row = r
        data.append(row)
    last = (signature_row - 1) if signature_row == len(rows) - 1 else len(rows) - 1
    commands.append(("GRID", (0, 0), (-1, last), 0.5, LINE))
    if signature_row is not None:
        commands.append(("TOPPADDING", (0, signature_row), (-1, signature_row), 8))
    table = Table(data, colWidths=col_widths, style=TableStyle(commands), hAlign="CENTER")
    return table, signature_row


def _chunks(text: str, size: int) -> list[str]:
    """``text`` in pieces of at most ``size`` characters, broken after sentences when possible."""
    sentences = [part for part in re.split(r"(?<=[。；;！？\n])", text) if part]
    pieces: list[str] = []
    current = ""
    for sentence in sentences:
        while len(sentence) > size:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:size])
            sentence = sentence[size:]
        if len(current) + len(sentence) > size:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def _split_tall_rows(
    rows: list[list[Placed]], widths: list[float], style: ParagraphStyle
) -> list[list[Placed]]:
    """A row whose text would be taller than about half a page is printed as several rows (the
    text continued, the label on the first), so a page break can fall between them. Rows inside
    vertical merges are left alone."""
    covered: set[int] = set()
    for r, line in enumerate(rows):
        for cell in line:
            covered.update(range(r + 1, r + cell.rowspan))
    result: list[list[Placed]] = []
    for r, line in enumerate(rows):
        pieces: dict[int, list[str]] = {}
        if r not in covered and all(cell.rowspan == 1 for cell in line):
            for cell in line:
                if cell.label or len(cell.text) < 200:
                    continue
                room = sum(widths[cell.column : cell.column + cell.colspan]) - 2 * CELL_PAD
                height = RLParagraph(_text(cell.text), style).wrap(room, 1e9)[1]
                if height > MAX_CELL_HEIGHT:
                    size = max(20, int(len(cell.text) * MAX_CELL_HEIGHT * 0.8 / height))
                    pieces[cell.column] = _chunks(cell.text, size)
        if not pieces:
            result.append(line)
            continue
        for k in range(max(len(p) for p in pieces.values())):
            result.append(
                [
                    Placed(
                        _piece(pieces[cell.column], k)
                        if cell.column in pieces
                        else (cell.text if k == 0 else ""),
                        cell.column,
                        colspan=cell.colspan,
                        label=cell.label,
                    )
                    for cell in line
                ]
            )
    return result


def _piece(pieces: list[str], k: int) -> str:
    return pieces[k] if k < len(pieces) else ""


def _label_cell(cell: Placed, label: ParagraphStyle, text: ParagraphStyle, room: float) -> Any:
    if not cell.text:
        return ""
    if cell.label:
        return RLParagraph(balanced(cell.text, room, label.fontName, label.fontSize), label)
    return RLParagraph(_text(cell.text), text)


def _chart_flowables(block: ol.Chart, charts: dict[str, bytes], styles: Styles) -> list[Flowable]:
    png = charts.get(block.key)
    caption = RLParagraph(_text(block.caption), styles.caption)
    if not png:
        return [RLParagraph(_text(f"（{block.caption}：无数据）"), styles.center), caption]
    image = Image(io.BytesIO(png))
    scale = min(1.0, PORTRAIT_WIDTH * 0.92 / image.imageWidth)
    # PNGs are drawn at 150 dpi: show them at their physical size or smaller.
    scale = min(scale, 72 / 150)
    image.drawWidth = image.imageWidth * scale
    image.drawHeight = image.imageHeight * scale
    image.hAlign = "CENTER"
    return [KeepTogether([Spacer(1, 4), image, caption])]


# ---------------------------------------------------------------- the document


def _toc_line(
    block: ol.Paragraph,
    key: str | None,
    styles: Styles,
    pages: _Pages,
) -> Flowable:
    text = block.text
    if text.startswith("第"):
        return _TocLine(text, key, styles.toc_part, 0, pages)
    return _TocLine(text, key, styles.toc, 21 if text.startswith("表") else 10.5, pages)


def _story(
    disclosure: Disclosure,
    charts: dict[str, bytes],
    styles: Styles,
    pages: _Pages,
    merge_labels: bool = True,
) -> list[Flowable]:
    outline = ol.build_outline(disclosure)
    year = str(disclosure.meta.year or "")
    targets = toc_targets(outline, year)
    linked = set(targets.values())
    story: list[Flowable] = []
    orientation = "cover"
    at_page_top = True

    def new_page(template: str) -> None:
        nonlocal orientation, at_page_top
        if template != orientation:
            story.append(NextPageTemplate(template))
            orientation = template
        story.append(PageBreak())
        at_page_top = True

    def add(*flowables: Flowable) -> None:
        nonlocal at_page_top
        story.extend(flowables)
        at_page_top = False

    previous: ol.Block | None = None
    for index, block in enumerate(outline.blocks):
        key = f"b{index}" if index in linked else None
        if isinstance(block, ol.Heading):
            anchor = [_Anchor(key, block.text, block.level - 1, pages)] if key is not None else []
            if block.level == 0:
                add(Spacer(1, 190), RLParagraph(_text(block.text), styles.cover_title))
            else:
                level = min(block.level, 4)
                add(*anchor, RLParagraph(_text(block.text), styles.heading[level]))
        elif isinstance(block, ol.Paragraph):
            if block.style == "toc":
                target = targets.get(index)
                add(_toc_line(block, f"b{target}" if target is not None else None, styles, pages))
            elif block.style == "center" and orientation == "cover":
                add(RLParagraph(_text(block.text), styles.cover_subtitle))
            else:
                style = {"center": styles.center, "note": styles.note}.get(block.style)
                add(RLParagraph(_text(block.text), style or styles.body))
        elif isinstance(block, ol.TableBlock):
            grid = block.grid
            wide = table_layout(grid, styles.font)[0]
            template = "landscape" if wide else "portrait"
            if not (isinstance(previous, ol.Heading) and template == orientation) and not (
                at_page_top and template == orientation
            ):
                new_page(template)
            anchor = _Anchor(key or f"t{index}", grid.title, 1, pages)
            add(*_grid_flowables(grid, styles, anchor))
            if wide:
                story.append(NextPageTemplate("portrait"))
                orientation = "portrait"
        elif isinstance(block, ol.LabelGrid):
            if orientation != "portrait" or not at_page_top:
                new_page("portrait")
            add(*_label_flowables(block, styles, merge_labels))
        elif isinstance(block, ol.Chart):
            add(*_chart_flowables(block, charts, styles))
        elif isinstance(block, ol.PageBreak):
            new_page("portrait")
        previous = block
    return story


def _build(
    disclosure: Disclosure, charts: dict[str, bytes], font: str, merge_labels: bool
) -> bytes:
    styles = _styles(font)
    pages = _Pages()
    meta = disclosure.meta
    scope = "部门" if meta.scope == "部门" else "单位"
    title = f"{meta.unit_name}{meta.year or ''}年度{scope}预算公开"
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=title,
        author=meta.unit_name,
        subject=title,
        creator=f"yusuan {__version__}",
        producer=f"yusuan {__version__} (ReportLab)",
        invariant=1,
        initialFontName=font,
        initialFontSize=10.5,
        lang="zh-CN",
        displayDocTitle=1,
    )
    decorate = _decorate(font)
    doc.addPageTemplates(
        [
            PageTemplate("cover", [_frame(A4, "cover")]),
            PageTemplate("portrait", [_frame(A4, "portrait")], onPageEnd=decorate),
            PageTemplate(
                "landscape",
                [_frame(landscape(A4), "landscape")],
                onPageEnd=decorate,
                pagesize=landscape(A4),
            ),
        ]
    )
    story = _story(disclosure, charts, styles, pages, merge_labels)
    doc.build(story, canvasmaker=_canvas_maker(pages, font))
    return buffer.getvalue()


def render_pdf(disclosure: Disclosure, charts: dict[str, bytes] | None = None) -> bytes:
    """The PDF as bytes (see ``write_pdf``)."""
    if charts is None:
        from yusuan.render.charts import charts as draw

        charts = draw(disclosure)
    font = _register(cjk_font())
    try:
        return _build(disclosure, charts, font, merge_labels=True)
    except LayoutError:
        pass
    # A merged performance-table cell taller than a page cannot be broken: print the
    # performance tables without vertical merges, every row breakable.
    try:
        return _build(disclosure, charts, font, merge_labels=False)
    except LayoutError as error:
        raise YusuanError(
            disclosure.meta.source_file or disclosure.meta.unit_name,
            f"PDF 排版失败：有内容超过一页，无法分页（{error}）",
            "请缩短该处文字后重试",
        ) from error


def write_pdf(disclosure: Disclosure, path: Path, charts: dict[str, bytes] | None = None) -> None:
    """Write the disclosure as an A4 PDF to ``path`` (atomically: a temporary file in the same
    folder replaces ``path`` only when complete). ``charts`` maps the outline's chart keys to
    PNG bytes; ``None`` draws them, ``{}`` prints the captions without images."""
    data = render_pdf(disclosure, charts)
    write_bytes_atomically(Path(path), data)
