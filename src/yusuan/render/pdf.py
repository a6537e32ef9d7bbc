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

The parts are drawn by ``pdf_style`` (font, paragraph styles, markup), ``pdf_pages`` (page
templates, footer, anchors and 目录 lines), ``pdf_tables`` (template tables) and ``pdf_labels``
(performance tables); this module walks the outline into one story and builds the document.

The output is deterministic (``invariant``: no dates or random ids) and written atomically.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Image,
    KeepTogether,
    LayoutError,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
)
from reportlab.platypus import Paragraph as RLParagraph

from yusuan.errors import YusuanError
from yusuan.files import write_bytes_atomically
from yusuan.model import Disclosure
from yusuan.render import outline as ol
from yusuan.render.fonts import cjk_font
from yusuan.render.html import toc_targets
from yusuan.render.pdf_labels import _label_flowables
from yusuan.render.pdf_pages import (
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PORTRAIT_WIDTH,
    _Anchor,
    _canvas_maker,
    _decorate,
    _frame,
    _Pages,
    _TocLine,
)
from yusuan.render.pdf_style import Styles, _register, _styles, _text
from yusuan.render.pdf_tables import _grid_flowables, table_layout
from yusuan.version import __version__


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
