"""Pages of the PDF: the A4 frames and page templates, the footer with the page number, and
the anchors that record the page each part, section and table lands on, for the PDF outline
(bookmarks) and for the 目录 lines whose page numbers are forms filled in when the build ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame

from yusuan.render.pdf_style import MUTED

MARGIN_X = 20 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm


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
