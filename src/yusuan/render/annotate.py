"""The original PDF with each finding's cited cells and lines boxed in red on its page, numbered,
and a legend after the last page (number, severity, rule, page and message in Chinese): what a
reviewer sends back to the unit.

ReportLab draws the boxes (one overlay page per original page, in the page's displayed
coordinates) and the legend in the project's CJK font; PDFium lays each overlay page over its
original page as a form object (turned with the page's ``/Rotate``) and appends the legend.
Boxes are ``(x0, top, x1, bottom)`` in points from the top-left corner of the page as
displayed, as the readers give them. PDFium is not thread-safe: the caller holds its lock.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pypdfium2 as pdfium
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from yusuan.render.fonts import cjk_font
from yusuan.render.pdf_style import _register

RED = Color(0.86, 0.08, 0.08)
LINE_WIDTH = 1.4
PAD = 1.5  # points around a box, so the box does not cover the figure's strokes

Box = tuple[float, float, float, float]


@dataclass(slots=True)
class Annotation:
    number: int
    severity: str  # 错误, 警告 …
    rule: str
    title: str
    message: str
    boxes: list[tuple[int, Box]]  # 1-based page, box
    pages: list[int]


def annotate(source: Path | bytes, annotations: list[Annotation], heading: str) -> bytes:
    """The annotated PDF: every page of ``source`` with its boxes, then the legend."""
    pdf = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    try:
        geometry = [_geometry(pdf[i]) for i in range(len(pdf))]
        overlay = pdfium.PdfDocument(_overlay([g[0] for g in geometry], annotations))
        try:
            for index, (_, matrix) in enumerate(geometry):
                page = pdf[index]
                form = overlay.page_as_xobject(index, pdf).as_pageobject()
                form.transform(matrix)
                page.insert_obj(form)
                page.gen_content()
                page.close()
        finally:
            overlay.close()
        legend = pdfium.PdfDocument(_legend(annotations, heading))
        try:
            pdf.import_pages(legend)
        finally:
            legend.close()
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
    finally:
        pdf.close()


def _geometry(page: pdfium.PdfPage) -> tuple[tuple[float, float], pdfium.PdfMatrix]:
    """The page's displayed size and the matrix from displayed coordinates (origin bottom
    left) to the page's user space."""
    x0, y0, x1, y1 = page.get_cropbox()
    width, height = x1 - x0, y1 - y0
    rotation = page.get_rotation() % 360
    if rotation == 90:
        return (height, width), pdfium.PdfMatrix(0, 1, -1, 0, x0 + width, y0)
    if rotation == 180:
        return (width, height), pdfium.PdfMatrix(-1, 0, 0, -1, x0 + width, y0 + height)
    if rotation == 270:
        return (height, width), pdfium.PdfMatrix(0, -1, 1, 0, x0, y0 + height)
    return (width, height), pdfium.PdfMatrix(1, 0, 0, 1, x0, y0)


def _overlay(sizes: list[tuple[float, float]], annotations: list[Annotation]) -> bytes:
    font = _register(cjk_font())
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=sizes[0] if sizes else A4)
    for number, (width, height) in enumerate(sizes, 1):
        canvas.setPageSize((width, height))
        labelled: set[tuple[int, int]] = set()
        for item in annotations:
            for page, (left, top, right, bottom) in item.boxes:
                if page != number:
                    continue
                canvas.setStrokeColor(RED)
                canvas.setLineWidth(LINE_WIDTH)
                canvas.rect(left - PAD, height - bottom - PAD, right - left + 2 * PAD,
                            bottom - top + 2 * PAD, stroke=1, fill=0)  # fmt: skip
                if (item.number, page) not in labelled:
                    labelled.add((item.number, page))
                    canvas.setFillColor(RED)
                    canvas.setFont(font, 8)
                    canvas.drawString(left - PAD, height - top + PAD + 1.5, f"[{item.number}]")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _legend(annotations: list[Annotation], heading: str) -> bytes:
    font = _register(cjk_font())
    title = ParagraphStyle("t", fontName=font, fontSize=14, leading=20, wordWrap="CJK")
    body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK",
                          spaceAfter=5, leftIndent=14, firstLineIndent=-14)  # fmt: skip
    story: list[object] = [Paragraph(escape(f"审核批注说明：{heading}"), title), Spacer(1, 4 * mm)]
    note = "原页上的红框标出每个问题所引用的单元格或文字，框旁的编号即下列问题的编号。"
    story.append(Paragraph(escape(note), body))
    for item in annotations:
        where = "、".join(str(p) for p in item.pages)
        place = f"（第{where}页）" if where else "（未定位到页面）"
        text = (
            f"<font color='#db1414'>[{item.number}]</font> {escape(item.severity)} "
            f"{escape(item.title)} {escape(item.rule)}{escape(place)}：{escape(item.message)}"
        )
        story.append(Paragraph(text, body))
    if not annotations:
        story.append(Paragraph("未发现问题。", body))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm, title="审核批注")  # fmt: skip
    doc.build(story)
    return out.getvalue()
