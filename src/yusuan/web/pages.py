"""The pages of a document's stored original: their sizes, their images, and where on them each
finding's cited cells and lines stand.

A PDF (with a text layer or scanned) is rendered page by page with PDFium at ``SCALE`` and the
PNG kept under ``data_dir/pages/ab/<sha256>/`` (stored files never change, so neither do their
pages); an uploaded page image is itself its only page. Text, DOCX, XLSX and HTML documents have
no pages to show.

Boxes are ``(x0, top, x1, bottom)`` in points from the top-left corner of the page as displayed,
as the readers give them (``readers/pdf.py``, ``readers/ocr.py``); a page image measures
``pixels × 72 / dpi`` points, the resolution the OCR reader gave it. A cited cell's box comes
from the model (``DocumentView.boxes``); a cited line of text (a sentence of the 情况说明) from
the PDF's text layer, read once in a reader process and kept beside the page images.

PDFium is not thread-safe: every use of it in the server process holds ``PDFIUM``.
"""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from sqlalchemy import select

from yusuan.errors import YusuanError
from yusuan.files import write_bytes_atomically
from yusuan.pipeline import Failed
from yusuan.readers.kinds import kind_of
from yusuan.store import schema as s
from yusuan.web import access, documents
from yusuan.web.context import AppContext
from yusuan.web.documents import DocumentDetail
from yusuan.web.docview import Box, FindingView, PageBox
from yusuan.web.errors import NotFound
from yusuan.web.principal import Principal
from yusuan.web.reading import Task

log = logging.getLogger(__name__)

SCALE = 2.0  # 144 dpi: figures of a scan legible beside the tables
PDFIUM = threading.Lock()
PAGED_KINDS = ("pdf", "png", "jpeg")
NO_PAGES = "该文件不是 PDF 或页面图片（{kind}），没有原页图像，请对照右侧原文查看"
KIND_NAMES = {"text": "文本", "html": "网页", "docx": "Word", "xlsx": "Excel"}
_ELLIPSIS = re.compile(r"…+|\.\.\.+")
_SUFFIX_KINDS = {".pdf": "pdf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".txt": "text",
                 ".html": "html", ".docx": "docx", ".xlsx": "xlsx"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PageSize:
    width: float  # points, as displayed
    height: float


@dataclass(slots=True)
class Original:
    """A document's stored source file."""

    disclosure_id: int
    path: Path
    sha256: str
    kind: str
    sizes: list[PageSize] = field(default_factory=list)

    @property
    def paged(self) -> bool:
        return bool(self.sizes)

    @property
    def no_pages_message(self) -> str:
        if self.kind in PAGED_KINDS:
            return "原始文件已不在服务器上，无法显示原页图像"
        return NO_PAGES.format(kind=KIND_NAMES.get(self.kind, self.kind))

    @property
    def cache_dir(self) -> Path:
        return Path(self.sha256[:2]) / self.sha256


def _kind(path: Path) -> str:
    known = _SUFFIX_KINDS.get(path.suffix.lower())
    if known is not None:
        return known
    try:
        return kind_of(path.read_bytes(), path)
    except (OSError, YusuanError):
        return "unknown"


def original(
    ctx: AppContext, principal: Principal, disclosure_id: int, sizes: bool = True
) -> Original:
    """The document's original (a 404 for a document the user may not see); ``sizes``: measure
    its pages."""
    with ctx.store.reader() as session:
        d = access.disclosure(session, principal, disclosure_id)
        source = session.get(s.SourceFile, d.source_file_id)
        path = Path(source.path) if source is not None else Path()
        sha = source.sha256 if source is not None else ""
    found = Original(disclosure_id, path, sha, _kind(path))
    if sizes and found.kind in PAGED_KINDS and sha and path.is_file():
        try:
            found.sizes = list(_sizes(str(path), sha, found.kind))
        except (OSError, pdfium.PdfiumError, ValueError):
            log.warning("pages of %s cannot be read", path, exc_info=True)
    return found


@lru_cache(maxsize=256)
def _sizes(path: str, sha: str, kind: str) -> tuple[PageSize, ...]:
    if kind != "pdf":
        image, dpi = _image(Path(path))
        return (PageSize(image.width * 72 / dpi, image.height * 72 / dpi),)
    with PDFIUM:
        pdf = pdfium.PdfDocument(path)
        try:
            return tuple(PageSize(*pdf.get_page_size(i)) for i in range(len(pdf)))
        finally:
            pdf.close()


def _image(path: Path) -> tuple[Any, float]:
    """A page image upright as the OCR reader read it, and its resolution."""
    from PIL import Image, ImageOps

    from yusuan.readers.ocr_images import _image_dpi  # the resolution the reader gave its boxes

    image = Image.open(path)
    image.load()
    upright = ImageOps.exif_transpose(image.convert("RGB"))
    return upright, _image_dpi(image.info.get("dpi"), (upright.height, upright.width))


def page_png(ctx: AppContext, found: Original, number: int) -> bytes:
    """Page ``number`` (1-based) as PNG, rendered once and kept on disk."""
    if not found.paged:
        raise NotFound(found.no_pages_message)
    if not 1 <= number <= len(found.sizes):
        raise NotFound(f"该文件共 {len(found.sizes)} 页，没有第 {number} 页")
    cached = ctx.settings.data_dir / "pages" / found.cache_dir / f"p{number}-x{SCALE:g}.png"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = _render(found, number)
    write_bytes_atomically(cached, data)
    return data


def _render(found: Original, number: int) -> bytes:
    out = io.BytesIO()
    if found.kind != "pdf":
        image, _ = _image(found.path)
        image.save(out, "PNG")
        return out.getvalue()
    with PDFIUM:
        pdf = pdfium.PdfDocument(str(found.path))
        try:
            page = pdf[number - 1]
            bitmap = page.render(scale=SCALE)
            bitmap.to_pil().save(out, "PNG", compress_level=6)
            page.close()
        finally:
            pdf.close()
    return out.getvalue()


def forget(ctx: AppContext, found: Original) -> None:
    """Remove the page images of a deleted document's original, unless another document still
    keeps the same file."""
    if not found.sha256:
        return
    with ctx.store.reader() as session:
        kept = session.scalar(select(s.SourceFile.id).where(s.SourceFile.sha256 == found.sha256))
    if kept is None:
        shutil.rmtree(ctx.settings.data_dir / "pages" / found.cache_dir, ignore_errors=True)


# --- where findings stand on the pages --------------------------------------------------------


def read_line_boxes(path: str) -> dict[int, PageBox]:
    """Each line of a PDF's text layer with its page and box (a reader-process task); nothing
    for a scan (its cells carry their boxes in the model, its lines are not read again)."""
    from yusuan.readers.pdf import ScannedPdfError, read_pdf

    try:
        document = read_pdf(path)
    except ScannedPdfError:
        return {}
    found: dict[int, PageBox] = {}
    for line in document.lines:
        boxes = [b for b in (line.boxes or []) if b is not None]
        if line.page and boxes:
            found[line.number] = (line.page, _union(boxes))
    return found


def line_boxes(ctx: AppContext, found: Original) -> dict[int, PageBox]:
    """``read_line_boxes`` of the original, kept on disk beside its page images."""
    if found.kind != "pdf" or not found.paged:
        return {}
    cached = ctx.settings.data_dir / "pages" / found.cache_dir / "lines.json"
    try:
        rows = json.loads(cached.read_text(encoding="utf-8"))
        return {int(n): (int(p), (x0, t, x1, b)) for n, p, x0, t, x1, b in rows}
    except (OSError, ValueError, TypeError):
        pass
    try:
        boxes = ctx.readers.run(Task(read_line_boxes, (str(found.path),), name=found.path.name))
    except (YusuanError, Failed):
        log.warning("line boxes of %s not read", found.path, exc_info=True)
        return {}
    rows = [[n, p, *box] for n, (p, box) in sorted(boxes.items())]
    write_bytes_atomically(cached, json.dumps(rows).encode("utf-8"))
    return dict(boxes)


@dataclass(slots=True)
class FindingBoxes:
    """One finding on the pages: its number in the document's list and its boxes."""

    number: int
    finding: FindingView
    boxes: list[PageBox]
    pages: list[int]  # every page it cites, boxed or not


Search = Callable[[int, str, Box | None], list[Box]]


def _no_search(page: int, text: str, near: Box | None) -> list[Box]:
    return []


def finding_boxes(
    findings: list[FindingView],
    cell_boxes: dict[str, PageBox],
    lines: dict[int, PageBox],
    pages: int,
    search: Search = _no_search,
) -> list[FindingBoxes]:
    """The boxes of every finding, location by location: its cited cells (the model's boxes),
    else the words it quotes where the page has them (near its line), else its line."""
    placed: list[FindingBoxes] = []
    for number, finding in enumerate(findings, 1):
        boxes: list[PageBox] = []
        for spot in finding.spots:
            found = [cell_boxes[t] for t in spot.targets if t in cell_boxes]
            line = lines.get(spot.line) if spot.line is not None else None
            if not found and spot.page and spot.text:
                near = line[1] if line is not None and line[0] == spot.page else None
                found = [(spot.page, box) for box in search(spot.page, spot.text, near)]
            if not found and line is not None:
                found = [line]
            boxes += [b for b in found if b not in boxes and 1 <= b[0] <= pages]
        cited = [p for p in finding.pages if 1 <= p <= pages]
        on = sorted({p for p, _ in boxes} | set(cited))
        placed.append(FindingBoxes(number, finding, boxes, on))
    return placed


class Quotes:
    """Finds quoted words on the pages of a PDF's text layer (``PDFIUM`` held while in use)."""

    def __init__(self, pdf: pdfium.PdfDocument) -> None:
        self.pdf = pdf
        self.pages: dict[int, tuple[pdfium.PdfTextPage, tuple[float, float, float, float]]] = {}

    def _page(self, number: int) -> tuple[pdfium.PdfTextPage, tuple[float, float, float, float]]:
        if number not in self.pages:
            page = self.pdf[number - 1]
            self.pages[number] = (page.get_textpage(), page.get_cropbox())
        return self.pages[number]

    def __call__(self, number: int, text: str, near: Box | None) -> list[Box]:
        piece = max(("".join(part.split()) for part in _ELLIPSIS.split(text)), key=len)
        if len(piece) < 2 or not 1 <= number <= len(self.pdf):
            return []
        if self.pdf[number - 1].get_rotation() % 360:
            return []
        textpage, (x0, _, _, y1) = self._page(number)
        searcher = textpage.search(piece, match_case=True)
        found: list[list[Box]] = []
        while len(found) < 20 and (hit := searcher.get_next()) is not None:
            index, count = hit
            rects = [textpage.get_rect(i) for i in range(textpage.count_rects(index, count))]
            found.append(_merge([(left - x0, y1 - top, right - x0, y1 - bottom)
                                 for left, bottom, right, top in rects]))  # fmt: skip
        searcher.close()
        if not found:
            return []
        if near is not None:
            for boxes in found:
                if any(_overlaps(box, near) for box in boxes):
                    return boxes
        return found[0]

    def close(self) -> None:
        for textpage, _ in self.pages.values():
            textpage.close()


def _merge(boxes: list[Box]) -> list[Box]:
    """The pieces of one quote (a run of one font each, in reading order) as one box per
    printed line."""
    merged: list[Box] = []
    for box in boxes:
        last = merged[-1] if merged else None
        if last is not None:
            overlap = min(last[3], box[3]) - max(last[1], box[1])
            if overlap > 0.5 * min(last[3] - last[1], box[3] - box[1]) and box[0] >= last[0]:
                merged[-1] = _union([last, box])
                continue
        merged.append(box)
    return merged


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def boxes_json(placed: list[FindingBoxes]) -> dict[str, object]:
    return {
        str(item.finding.id): {
            "number": item.number,
            "pages": item.pages,
            "boxes": [[page, *(round(v, 2) for v in box)] for page, box in item.boxes],
        }
        for item in placed
    }


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))  # fmt: skip


# --- what the routes call ---------------------------------------------------------------------


@dataclass(slots=True)
class OnPages:
    original: Original
    detail: DocumentDetail
    findings: list[FindingBoxes]


def on_pages(ctx: AppContext, principal: Principal, disclosure_id: int) -> OnPages:
    """The document, its original and where its findings stand on the original's pages."""
    found = original(ctx, principal, disclosure_id)
    detail = documents.detail(ctx, principal, disclosure_id)
    wanted = any(f.lines for f in detail.findings)
    lines = line_boxes(ctx, found) if wanted else {}
    cells, count = detail.view.boxes, len(found.sizes)
    if found.kind != "pdf" or not found.paged or not wanted:
        return OnPages(found, detail, finding_boxes(detail.findings, cells, lines, count))
    with PDFIUM:
        pdf = pdfium.PdfDocument(str(found.path))
        quotes = Quotes(pdf)
        try:
            placed = finding_boxes(detail.findings, cells, lines, count, quotes)
        finally:
            quotes.close()
            pdf.close()
    return OnPages(found, detail, placed)


def pages_json(ctx: AppContext, principal: Principal, disclosure_id: int) -> dict[str, object]:
    placed = on_pages(ctx, principal, disclosure_id)
    sizes = placed.original.sizes
    return {
        "pages": [{"width": round(p.width, 2), "height": round(p.height, 2)} for p in sizes],
        "message": "" if sizes else placed.original.no_pages_message,
        "findings": boxes_json(placed.findings),
    }


def annotated_pdf(ctx: AppContext, principal: Principal, disclosure_id: int) -> tuple[bytes, str]:
    """The original PDF with the findings (without 尾差 and those 驳回) boxed, and its name."""
    from yusuan.render.annotate import Annotation, annotate

    placed = on_pages(ctx, principal, disclosure_id)
    found, summary = placed.original, placed.detail.summary
    if found.kind != "pdf" or not found.paged:
        raise NotFound("该文件不是 PDF，没有批注版 PDF" if found.kind != "pdf"
                       else found.no_pages_message)  # fmt: skip
    shown = [p for p in placed.findings
             if not p.finding.rounding and p.finding.decision != "dismissed"]  # fmt: skip
    notes = [
        Annotation(
            number,
            p.finding.severity_label,
            p.finding.rule,
            p.finding.title,
            p.finding.message,
            p.boxes,
            p.pages,
        )
        for number, p in enumerate(shown, 1)
    ]
    heading = f"{summary.unit_name or summary.file_name} {summary.year or ''}".strip()
    with PDFIUM:
        data = annotate(found.path, notes, heading)
    stem = Path(summary.file_name or found.path.name).stem
    return data, f"{stem}（批注）.pdf"
