"""The visible characters of a PDF page's text layer (``readers.pdf``), each with its box in
display coordinates: characters clipped away or outside the page, slanted or translucent ones
(watermarks) are left out; invisible text (an OCR layer over a scan) is kept, marked
``hidden``."""

from __future__ import annotations

import ctypes
import math
import unicodedata

import pypdfium2 as pdfium
import pypdfium2.raw as fpdf

from yusuan.readers.pdf_parts import Box, Char
from yusuan.readers.pdf_view import _Clips, _View

_BLANK = {0, 0xFFFE, 0xFFFF, 0x0A, 0x0D, 0x02, 0x03}


def _normalise(code: int) -> str:
    """One character as text: Kangxi radicals and CJK compatibility ideographs, which some PDF
    producers map CJK glyphs to, become the unified ideographs they look like (⼀ → 一)."""
    char = chr(code)
    if 0x2E80 <= code <= 0x2FDF or 0xF900 <= code <= 0xFAFF:
        return unicodedata.normalize("NFKC", char)
    return char


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
