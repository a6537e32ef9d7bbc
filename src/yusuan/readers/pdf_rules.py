"""The rules drawn on a PDF page (``readers.pdf``): thin filled rectangles, stroked lines and
the edges of stroked rectangles, also inside form objects, as horizontal and vertical rules in
display coordinates. Dashed lines (dot leaders) and filled areas are no rules."""

from __future__ import annotations

import ctypes
import itertools

import pypdfium2 as pdfium
import pypdfium2.raw as fpdf

from yusuan.readers.pdf_parts import Box
from yusuan.readers.pdf_view import _Clips, _View

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

RULE_MAX_THICKNESS = 3.0  # points: a filled rectangle thinner than this is a rule
RULE_MIN_LENGTH = 4.0


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
