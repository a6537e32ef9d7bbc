"""Which way up a scanned page is: pages fed the wrong way (turned by 90°, 180° or 270°) are
turned upright before they are read.

Two cheap measurements on the page scaled down to ``_WORK_DPI``:

* **Lying or standing text.** The rules are taken out of the binarised page (openings with
  long thin kernels), and what remains (characters) is smeared along one axis with a kernel of
  about a character's width. Characters of a line stand side by side, lines are farther apart,
  so on an upright (or upside-down) page the smeared blobs are wide and flat, on a page turned
  by a quarter they are tall and narrow. The ink in elongated blobs of either kind decides.
* **Upside down or not.** The PP-OCR direction classifier (shipped with RapidOCR beside the
  detection and recognition models) reads up to ``_SAMPLES`` of the longest line blobs, turned
  both ways; the summed scores of "0°" against "180°" decide. A page with too few line blobs
  keeps its orientation.

The cost is a few tens of milliseconds per page (measured in ``bench/scans.py``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Image = NDArray[np.uint8]

__all__ = ["page_rotation", "turn", "upright"]

_WORK_DPI = 60.0  # resolution the orientation is measured at
_SAMPLES = 16  # line blobs read by the direction classifier
_MIN_LINES = 3  # fewer elongated blobs than this: orientation unknown, page kept as is
_QUARTER_MARGIN = 1.5  # the standing ink must exceed the lying ink by this factor


def _require(module: str) -> Any:
    return importlib.import_module(module)


def turn(gray: Image, rotation: int) -> Image:
    """The page turned clockwise by ``rotation`` degrees (0, 90, 180 or 270)."""
    cv2 = _require("cv2")
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    if rotation % 360 == 0:
        return gray
    turned: Image = cv2.rotate(gray, codes[rotation % 360])
    return turned


def _text_ink(gray: Image, dpi: float) -> tuple[Image, float]:
    """The page at ``_WORK_DPI``, binarised, without its rules, and that resolution."""
    cv2 = _require("cv2")
    factor = min(1.0, _WORK_DPI / dpi)
    small = gray
    if factor < 1.0:
        small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    work = dpi * factor
    ink = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15
    )
    rect = cv2.MORPH_RECT
    long = max(8, int(work * 0.4))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(rect, (long, 1)))
    rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(rect, (1, long)))
    rules = cv2.dilate(rules, cv2.getStructuringElement(rect, (3, 3)))
    text: Image = cv2.bitwise_and(ink, cv2.bitwise_not(rules))
    return text, work


def _blobs(text: Image, work: float, axis: int) -> list[tuple[int, int, int, int, int]]:
    """Blobs of ``text`` smeared along ``axis`` (0: horizontally, 1: vertically): x, y, w, h,
    area of those elongated along that axis (at least three times as long as thick)."""
    cv2 = _require("cv2")
    reach = max(3, int(work * 0.12))  # about a character and its spacing at 10.5 pt
    size = (reach, 1) if axis == 0 else (1, reach)
    smeared = cv2.morphologyEx(
        text, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, size)
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    least = max(2, int(work * 0.05))
    out = []
    for x, y, w, h, area in stats[1:count]:
        long, thick = (w, h) if axis == 0 else (h, w)
        if thick >= least and long >= 3 * thick and thick <= work * 0.5:
            out.append((int(x), int(y), int(w), int(h), int(area)))
    return out


def page_rotation(gray: Image, dpi: float, engine: Any | None = None) -> int:
    """The clockwise turn (0, 90, 180 or 270 degrees) that makes the page upright. ``engine``
    is the RapidOCR engine whose direction classifier decides between 0° and 180°; without one
    only quarter turns are found."""
    text, work = _text_ink(gray, dpi)
    lying = _blobs(text, work, 0)
    standing = _blobs(text, work, 1)
    ink_lying = sum(b[4] for b in lying)
    ink_standing = sum(b[4] for b in standing)
    quarter = len(standing) >= _MIN_LINES and ink_standing > _QUARTER_MARGIN * ink_lying
    if quarter:
        text = turn(text, 90)  # now upright or upside down
        lines = _blobs(text, work, 0)
    else:
        lines = lying
    if engine is None or len(lines) < _MIN_LINES:
        return 90 if quarter else 0
    flipped = _upside_down(gray, dpi, work, lines, quarter, engine)
    if quarter:
        return 270 if flipped else 90
    return 180 if flipped else 0


def _upside_down(
    gray: Image,
    dpi: float,
    work: float,
    lines: list[tuple[int, int, int, int, int]],
    quarter: bool,
    engine: Any,
) -> bool:
    """Whether the longest text lines read better turned by 180° (direction classifier)."""
    cv2 = _require("cv2")
    np = _require("numpy")
    page = turn(gray, 90) if quarter else gray
    scale = dpi / work
    height, width = page.shape[:2]
    crops = []
    for x, y, w, h, _ in sorted(lines, key=lambda b: -b[2])[:_SAMPLES]:
        pad = 1
        x0, y0 = max(0, int((x - pad) * scale)), max(0, int((y - pad) * scale))
        x1, y1 = min(width, int((x + w + pad) * scale)), min(height, int((y + h + pad) * scale))
        crop = page[y0:y1, x0:x1]
        if crop.size:
            crops.append(cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_GRAY2BGR))
    if not crops:
        return False
    classifier = engine._load_cls_model()
    result = classifier([c.copy() for c in crops])
    up = down = 0.0
    for label, score in result.cls_res or ():
        if "180" in str(label):
            down += float(score)
        else:
            up += float(score)
    return down > up


def upright(gray: Image, dpi: float, engine: Any | None = None) -> tuple[Image, int]:
    """The page turned upright and the clockwise turn applied."""
    rotation = page_rotation(gray, dpi, engine)
    return turn(gray, rotation), rotation
