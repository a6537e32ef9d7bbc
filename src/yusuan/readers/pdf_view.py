"""The displayed page of a PDF (``readers.pdf``): PDF user space turned into points from the
top-left corner of the page as displayed (``_View``), and the clip boxes of page objects
(``_Clips``), which both the characters (``pdf_chars``) and the rules (``pdf_rules``) of a page
are read through."""

from __future__ import annotations

import ctypes
from collections import Counter

import pypdfium2 as pdfium
import pypdfium2.raw as fpdf

from yusuan.readers.pdf_parts import Box


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
