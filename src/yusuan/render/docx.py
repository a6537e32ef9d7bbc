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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from yusuan.files import write_bytes_atomically
from yusuan.model import Disclosure
from yusuan.render.layout import Grid
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

from yusuan.render.docx_tables import _grid_table_xml, _label_table_xml
from yusuan.render.docx_xml import (
    _STYLES_WITH_EFFECTS,
    BODY_FONT,
    BODY_SIZE,
    CHART_WIDTH_CM,
    HEADING_FONT,
    HEADING_SIZES,
    LATIN_FONT,
    MARGIN_BOTTOM_CM,
    MARGIN_SIDE_CM,
    MARGIN_TOP_CM,
    PAGE_HEIGHT_CM,
    PAGE_WIDTH_CM,
    TABLE_HEADING_STYLE,
    TABLE_SIZE,
    TABLE_STYLE,
    TEXT_WIDTH_TWIPS,
    _clean,
    _run_props,
    _runs,
    _twips,
)


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
