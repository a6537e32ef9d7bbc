"""Write a disclosure as a Word document (DOCX) in the template's printed layout.

The document is the outline of ``render.outline`` laid out on A4: a cover, 目录, the four parts
with their headings, every table of Part 2 as a real Word table (template header rows with merged
cells, repeated on each page; amounts right-aligned; borders), the performance-goal tables as
bordered label grids, and the charts when their images are given. Chinese text is set in 宋体
(body) and 黑体 (headings) through the East Asian font slot, so Word and LibreOffice do not fall
back to a Latin font for it.

The body is written as WordprocessingML text and parsed once: building thousands of cells one
python-docx call at a time is slow, and template merges are simpler to state as ``gridSpan`` and
``vMerge`` directly. python-docx provides the package, the styles, the page set-up, the footer
and the pictures. Text is escaped, so names holding markup stay plain text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from yusuan.files import write_bytes_atomically
from yusuan.model import Disclosure
from yusuan.render.layout import BodyCell, Grid
from yusuan.render.outline import (
    Block,
    Chart,
    Heading,
    LabelGrid,
    PageBreak,
    Paragraph,
    TableBlock,
    build_outline,
)

__all__ = ["write_docx"]

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"

PAGE_WIDTH_CM = 21.0  # A4
PAGE_HEIGHT_CM = 29.7
MARGIN_TOP_CM = 2.5
MARGIN_BOTTOM_CM = 2.3
MARGIN_SIDE_CM = 2.0
_TWIPS_PER_CM = 566.93
TEXT_WIDTH_TWIPS = int((PAGE_WIDTH_CM - 2 * MARGIN_SIDE_CM) * _TWIPS_PER_CM)

BODY_SIZE = 12  # 小四
TABLE_SIZE = 9  # 小五
HEADING_SIZES = {1: 16, 2: 14, 3: 12, 4: 12}  # 三号, 四号, 小四
CHART_WIDTH_CM = 14.0
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
TABLE_STYLE = "TableText"  # paragraph styles of table cells, added to the template's styles
TABLE_HEADING_STYLE = "TableHeading"

_SPACE = re.compile(r"\s")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write_docx(disclosure: Disclosure, path: Path, charts: dict[str, bytes] | None = None) -> None:
    """Write ``disclosure`` to ``path`` as DOCX. ``charts`` maps a chart key of the outline
    (``STRUCTURE_CHART``, ``THREE_PUBLIC_CHART``) to PNG bytes; a chart without an image is
    printed as its caption only. The file is written atomically."""
    document = _build(disclosure, charts or {})
    buffer = io.BytesIO()
    document.save(buffer)
    write_bytes_atomically(Path(path), buffer.getvalue())


# --- document set-up -------------------------------------------------------------------------


def _build(disclosure: Disclosure, charts: dict[str, bytes]) -> DocxDocument:
    outline = build_outline(disclosure)
    document = Document()
    _drop_template_parts(document)
    _page_setup(document)
    _styles(document)
    properties = document.core_properties
    properties.title = _clean(f"{outline.title}{outline.subtitle}")
    properties.author = _clean(outline.title)
    properties.last_modified_by = "yusuan"
    properties.comments = "由 yusuan 生成"
    writer = _Writer(document, charts)
    for block in outline.blocks:
        writer.add(block)
    writer.finish()
    return document


def _drop_template_parts(document: DocxDocument) -> None:
    """Parts of python-docx's template that do not belong in the output: a thumbnail of an
    unrelated page (file browsers show it) and Word 2010's copy of every style (400 KB)."""
    for rels, reltype in (
        (document.part.package.rels, RT.THUMBNAIL),
        (document.part.rels, _STYLES_WITH_EFFECTS),
    ):
        for key, rel in list(rels.items()):
            if rel.reltype == reltype:
                del rels[key]


def _page_setup(document: DocxDocument) -> None:
    section = document.sections[0]
    section.page_width = Cm(PAGE_WIDTH_CM)
    section.page_height = Cm(PAGE_HEIGHT_CM)
    section.top_margin = Cm(MARGIN_TOP_CM)
    section.bottom_margin = Cm(MARGIN_BOTTOM_CM)
    section.left_margin = Cm(MARGIN_SIDE_CM)
    section.right_margin = Cm(MARGIN_SIDE_CM)
    section.header_distance = Cm(1.5)
    section.footer_distance = Cm(1.2)
    # Page numbers "— 1 —" centred in the footer; the cover has none.
    section.different_first_page_header_footer = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    runs = (
        '<w:t xml:space="preserve">— </w:t>',
        '<w:fldChar w:fldCharType="begin"/>',
        '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>',
        "<w:t>1</w:t>",
        '<w:fldChar w:fldCharType="end"/>',
        '<w:t xml:space="preserve"> —</w:t>',
    )
    for content in runs:
        footer._p.append(parse_xml(f"<w:r {nsdecls('w')}>{content}</w:r>"))


def _set_fonts(rpr: Any, east_asian: str, latin: str = LATIN_FONT) -> None:
    """Explicit fonts for every script slot, dropping theme fonts (which would win over them)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


def _styles(document: DocxDocument) -> None:
    styles_element = document.styles.element
    defaults = styles_element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _set_fonts(rpr, BODY_FONT)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:eastAsia"), "zh-CN")
        spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
        if spacing is not None:
            spacing.set(qn("w:after"), "0")
            spacing.set(qn("w:line"), "240")
    size = TABLE_SIZE * 2
    for style_xml in (
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{TABLE_STYLE}">'
        '<w:name w:val="表格文字"/><w:basedOn w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:left="0" w:firstLine="0"/></w:pPr>'
        f'<w:rPr><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>',
        f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" '
        f'w:styleId="{TABLE_HEADING_STYLE}">'
        f'<w:name w:val="表格标题行"/><w:basedOn w:val="{TABLE_STYLE}"/><w:qFormat/>'
        '<w:pPr><w:jc w:val="center"/></w:pPr>'
        f'<w:rPr><w:rFonts w:ascii="{HEADING_FONT}" w:hAnsi="{HEADING_FONT}" '
        f'w:eastAsia="{HEADING_FONT}" w:hint="eastAsia"/></w:rPr></w:style>',
    ):
        styles_element.append(parse_xml(style_xml))
    normal = document.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font.size = Pt(BODY_SIZE)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.5
    for level, size in HEADING_SIZES.items():
        style = document.styles[f"Heading {level}"]
        rpr = style.element.get_or_add_rPr()
        _set_fonts(rpr, HEADING_FONT)
        color = rpr.find(qn("w:color"))
        if color is not None:
            rpr.remove(color)
        style.font.size = Pt(size)
        style.font.bold = False
        style.font.italic = False
        fmt = style.paragraph_format
        fmt.space_before = Pt(12 if level == 1 else 6)
        fmt.space_after = Pt(6 if level == 1 else 3)
        fmt.line_spacing = 1.5
        if level == 1:
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER


# --- blocks ----------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Text safe for XML: control characters other than tab and newline dropped."""
    return _XML_INVALID.sub("", text)


def _twips(points: float) -> int:
    return round(points * 20)


def _run_props(size: float | None = None, font: str | None = None) -> str:
    props = []
    if font is not None:
        props.append(
            f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:hint="eastAsia"/>'
        )
    if size is not None:
        half_points = round(size * 2)
        props.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    return f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""


def _runs(text: str, run_props: str) -> str:
    """Runs of one line of text; tabs become Word tabs."""
    if not text:
        return ""
    content = "<w:tab/>".join(_text_xml(piece) for piece in _clean(text).split("\t"))
    return f"<w:r>{run_props}{content}</w:r>"


def _text_xml(text: str) -> str:
    if text and not _SPACE.search(text):
        return f"<w:t>{escape(text)}</w:t>"
    return f'<w:t xml:space="preserve">{escape(text)}</w:t>'  # spaces kept as printed


def _paragraph_xml(
    text: str,
    *,
    style: str | None = None,
    size: float | None = None,
    font: str | None = None,
    align: str | None = None,
    keep_next: bool = False,
    page_break_before: bool = False,
    right_tab: int | None = None,
    before: float | None = None,
    after: float | None = None,
    line: float | None = None,
    first_line_chars: int = 0,
    left: float | None = None,
) -> str:
    """One paragraph. Sizes and spacing in points, ``line`` a multiple of single spacing."""
    props = []
    if style is not None:
        props.append(f'<w:pStyle w:val="{style}"/>')
    if keep_next:
        props.append("<w:keepNext/>")
    if page_break_before:
        props.append("<w:pageBreakBefore/>")
    if right_tab is not None:
        props.append(f'<w:tabs><w:tab w:val="right" w:pos="{right_tab}"/></w:tabs>')
    spacing = []
    if before is not None:
        spacing.append(f'w:before="{_twips(before)}"')
    if after is not None:
        spacing.append(f'w:after="{_twips(after)}"')
    if line is not None:
        spacing.append(f'w:line="{round(line * 240)}" w:lineRule="auto"')
    if spacing:
        props.append(f"<w:spacing {' '.join(spacing)}/>")
    if first_line_chars or left is not None:
        indent = []
        if left is not None:
            indent.append(f'w:left="{_twips(left)}"')
        if first_line_chars:
            indent.append(
                f'w:firstLineChars="{first_line_chars * 100}" '
                f'w:firstLine="{_twips(first_line_chars * BODY_SIZE)}"'
            )
        props.append(f"<w:ind {' '.join(indent)}/>")
    if align is not None:
        props.append(f'<w:jc w:val="{align}"/>')
    run_props = _run_props(size, font)
    paragraph_props = f"<w:pPr>{''.join(props)}{run_props}</w:pPr>"
    return f"<w:p>{paragraph_props}{_runs(text, run_props)}</w:p>"


_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
_TEXT_WIDTH_STOP = TEXT_WIDTH_TWIPS - 10


class _Writer:
    """Collects the body as WordprocessingML text; ``finish`` parses it once into the document
    (far faster than building hundreds of paragraphs and cells through python-docx)."""

    def __init__(self, document: DocxDocument, charts: dict[str, bytes]) -> None:
        self.document = document
        self.charts = charts
        self.parts: list[str] = []
        self.pictures: list[Any] = []  # inline drawings, in the order of their placeholders
        self.page_start = True  # nothing printed since the last page break
        self.only_headings = True  # nothing but headings printed since the last page break

    def add(self, block: Block) -> None:
        if isinstance(block, Heading):
            self._heading(block)
        elif isinstance(block, Paragraph):
            self._paragraph(block)
        elif isinstance(block, TableBlock):
            self._table(block.grid)
        elif isinstance(block, LabelGrid):
            self._label_grid(block)
        elif isinstance(block, Chart):
            self._chart(block)
        elif isinstance(block, PageBreak):
            if not self.page_start:
                self.parts.append(_PAGE_BREAK)
            self.page_start = self.only_headings = True
            return
        self.page_start = False
        if not isinstance(block, Heading):
            self.only_headings = False

    def finish(self) -> None:
        namespaces = nsdecls("w", "r", "wp", "a", "pic")
        fragment = parse_xml(f"<w:body {namespaces}>{''.join(self.parts)}</w:body>")
        placeholders = list(fragment.iter(qn("w:drawing")))
        for drawing, inline in zip(placeholders, self.pictures, strict=True):
            drawing.append(inline)
        body = self.document.element.body
        sect_pr = body.find(qn("w:sectPr"))
        for child in list(fragment):
            if sect_pr is not None:
                sect_pr.addprevious(child)
            else:
                body.append(child)

    def _heading(self, block: Heading) -> None:
        if block.level == 0:  # the cover
            self.parts.append(
                _paragraph_xml(
                    block.text, size=26, font=HEADING_FONT, align="center", before=200, after=30
                )
            )
            return
        level = min(max(block.level, 1), 4)
        self.parts.append(_paragraph_xml(block.text, style=f"Heading{level}"))

    def _paragraph(self, block: Paragraph) -> None:
        if block.style == "center":
            xml = _paragraph_xml(block.text, size=18, font=HEADING_FONT, align="center")
        elif block.style == "note":
            xml = _paragraph_xml(block.text, size=TABLE_SIZE, line=1.0)
        elif block.style == "toc":
            xml = _paragraph_xml(block.text, left=0 if block.text.startswith("第") else 24)
        else:
            xml = _paragraph_xml(block.text, first_line_chars=2, align="both")
        self.parts.append(xml)

    def _chart(self, block: Chart) -> None:
        image = self.charts.get(block.key)
        if image is not None:
            inline = self.document.part.new_pic_inline(io.BytesIO(image), Cm(CHART_WIDTH_CM))
            self.pictures.append(inline)
            self.parts.append(
                '<w:p><w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr>'
                "<w:r><w:drawing/></w:r></w:p>"
            )
        self.parts.append(
            _paragraph_xml(block.caption, size=10.5, font=HEADING_FONT, align="center", after=6)
        )

    # tables

    def _table_head(self, lines: Sequence[tuple[str, str]]) -> None:
        """Lines printed above a table, kept on the table's page: (kind, text) pairs. A table
        starts a new page unless only headings stand before it on the current one."""
        for i, (kind, text) in enumerate(lines):
            common: dict[str, Any] = {
                "keep_next": True,
                "line": 1.15,
                "page_break_before": i == 0 and not self.only_headings,
            }
            if kind == "title":
                xml = _paragraph_xml(
                    text, size=15, font=HEADING_FONT, align="center", before=6, after=6, **common
                )
            elif kind == "subtitle":
                xml = _paragraph_xml(text, size=10.5, align="center", after=3, **common)
            elif kind == "units":
                xml = _paragraph_xml(text, size=10.5, right_tab=_TEXT_WIDTH_STOP, **common)
            else:  # marker
                xml = _paragraph_xml(text, size=10.5, **common)
            self.parts.append(xml)

    def _table(self, grid: Grid) -> None:
        self._table_head(
            [
                ("marker", grid.marker),
                ("title", grid.title),
                ("units", f"{grid.unit_line}\t{grid.amount_unit_line}"),
            ]
        )
        self.parts.append(_grid_table_xml(grid))
        if grid.no_data:
            self.parts.append(_paragraph_xml(grid.note, size=10.5, before=3))

    def _label_grid(self, block: LabelGrid) -> None:
        self._table_head([("title", block.title), ("subtitle", block.subtitle)])
        self.parts.append(_label_table_xml(block))


# --- table XML -------------------------------------------------------------------------------


@dataclass(slots=True)
class _CellOut:
    text: str
    span: int = 1
    vmerge: str | None = None  # "restart" | "continue" | None
    align: str = "left"  # left | center | right
    header: bool = False
    middle: bool = False  # centred vertically (cells that may run over several lines)


def _widths(relative: Sequence[float], columns: int) -> list[int]:
    weights = list(relative[:columns]) + [1.0] * max(0, columns - len(relative))
    total = sum(weights) or 1.0
    widths = [int(TEXT_WIDTH_TWIPS * w / total) for w in weights]
    widths[-1] += TEXT_WIDTH_TWIPS - sum(widths)
    return widths


_DIGIT_TWIPS = TABLE_SIZE * 20 * 0.52  # a digit of Times New Roman at the table size
_CELL_PADDING_TWIPS = 2 * 57 + 40
_MIN_TEXT_TWIPS = int(1.6 * _TWIPS_PER_CM)


def _fit_amounts(widths: list[int], body: list[list[BodyCell]]) -> list[int]:
    """Widen amount columns whose longest amount would wrap, taking the room from the text
    columns (which wrap gracefully) as long as they keep a readable width."""
    needs = [0] * len(widths)
    for row in body:
        for c, cell in enumerate(row[: len(widths)]):
            if cell.numeric and cell.text:
                needs[c] = max(needs[c], int(len(cell.text) * _DIGIT_TWIPS) + _CELL_PADDING_TWIPS)
    short = sum(max(0, need - width) for need, width in zip(needs, widths, strict=True))
    donors = [c for c, need in enumerate(needs) if need == 0 and widths[c] > _MIN_TEXT_TWIPS]
    spare = sum(widths[c] - _MIN_TEXT_TWIPS for c in donors)
    if short == 0 or spare < short:
        return widths
    fitted = [max(width, need) for width, need in zip(widths, needs, strict=True)]
    for c in donors:
        fitted[c] -= int(short * (widths[c] - _MIN_TEXT_TWIPS) / spare) + 1
    fitted[donors[0]] += sum(widths) - sum(fitted)
    return fitted


def _grid_table_xml(grid: Grid) -> str:
    columns = grid.columns
    starts = {(m.row, m.column): m for m in grid.merges}
    covered: dict[tuple[int, int], tuple[int, int]] = {}  # cell → (merge column, merge width)
    for m in grid.merges:
        for r in range(m.row, m.row + m.rows):
            for c in range(m.column, m.column + m.columns):
                if (r, c) != (m.row, m.column):
                    covered[(r, c)] = (m.column, m.columns)
    rows: list[list[_CellOut]] = []
    for r, header_row in enumerate(grid.header):
        out: list[_CellOut] = []
        for c in range(columns):
            text = header_row[c] if c < len(header_row) else ""
            merge = starts.get((r, c))
            if merge is not None:
                vmerge = "restart" if merge.rows > 1 else None
                out.append(_CellOut(text, merge.columns, vmerge, "center", True))
            elif (r, c) in covered:
                first, width = covered[(r, c)]
                if c == first:  # the column where a vertical merge continues
                    out.append(_CellOut("", width, "continue", "center", True))
            else:
                out.append(_CellOut(text, 1, None, "center", True))
        rows.append(out)
    for body_row in grid.body:
        cells = [
            _CellOut(cell.text, align="right" if cell.numeric else "left")
            for cell in body_row[:columns]
        ]
        cells += [_CellOut("") for _ in range(columns - len(cells))]
        rows.append(cells)
    widths = _fit_amounts(_widths(grid.widths, columns), grid.body)
    return _table_xml(rows, widths, header_rows=len(grid.header))


def _label_table_xml(block: LabelGrid) -> str:
    columns = block.columns
    rows: list[list[_CellOut]] = []
    for row in block.rows:
        out: list[_CellOut] = []
        used = 0
        for text, span in row:
            span = max(1, min(span, columns - used))
            if span <= 0 or used >= columns:
                break
            out.append(_CellOut(text, span, middle=True))
            used += span
        if used < columns and out:
            out[-1].span += columns - used
        elif not out:
            out.append(_CellOut("", columns))
        rows.append(out)
    return _table_xml(rows, _widths([], columns), header_rows=0)


_BORDER = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'


def _table_xml(rows: list[list[_CellOut]], widths: list[int], header_rows: int) -> str:
    borders = "".join(
        _BORDER.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    parts = [
        f"<w:tbl {nsdecls('w')}>",
        "<w:tblPr>",
        '<w:tblStyle w:val="TableGrid"/>',
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>',
        '<w:jc w:val="center"/>',
        f"<w:tblBorders>{borders}</w:tblBorders>",
        '<w:tblLayout w:type="fixed"/>',
        "<w:tblCellMar>",
        '<w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>',
        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>',
        "</w:tblCellMar>",
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>',
        "</w:tblPr>",
        "<w:tblGrid>",
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    for r, row in enumerate(rows):
        parts.append("<w:tr>")
        parts.append("<w:trPr><w:cantSplit/>")
        if r < header_rows:
            parts.append("<w:tblHeader/>")
        parts.append("</w:trPr>")
        column = 0
        for cell in row:
            width = sum(widths[column : column + cell.span])
            column += cell.span
            parts.append(_cell_xml(cell, width))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _cell_xml(cell: _CellOut, width: int) -> str:
    """A cell: its paragraphs take the table styles, so each carries little more than its text
    (a document of a few thousand cells stays small and quick to open)."""
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if cell.span > 1:
        props.append(f'<w:gridSpan w:val="{cell.span}"/>')
    if cell.vmerge == "restart":
        props.append('<w:vMerge w:val="restart"/>')
    elif cell.vmerge == "continue":
        props.append("<w:vMerge/>")
    if cell.header or cell.middle:
        props.append('<w:vAlign w:val="center"/>')
    if cell.header:
        paragraph_props = f'<w:pPr><w:pStyle w:val="{TABLE_HEADING_STYLE}"/></w:pPr>'
    else:
        align = "" if cell.align == "left" else f'<w:jc w:val="{cell.align}"/>'
        paragraph_props = f'<w:pPr><w:pStyle w:val="{TABLE_STYLE}"/>{align}</w:pPr>'
    lines = cell.text.split("\n") if cell.text else [""]
    paragraphs = "".join(f"<w:p>{paragraph_props}{_runs(line, '')}</w:p>" for line in lines)
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{paragraphs}</w:tc>"
