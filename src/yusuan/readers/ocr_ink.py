"""Ink in a scanned table's cells that the text read does not account for (``readers.ocr``): a
cell read as blank with something printed in it, an amount whose printed width does not fit its
digits (a blot or a faded digit dropped). Such a cell's confidence is lowered."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from yusuan.readers.ocr_extra import _require
from yusuan.readers.ocr_grid import Grid
from yusuan.readers.ocr_parts import _Block

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Image = NDArray[np.uint8]

_INSET = 3  # pixels kept clear of a cell's rules

_DECIMAL = re.compile(r"^-?\d+\.\d+$")
# A number whose ink is wider or narrower than its digits by this share of a digit's width has
# a character that was not read (a blot, a faded digit) or one read twice.
_WIDTH_TOLERANCE = 0.45
UNEXPLAINED_INK = 0.6  # the confidence of such a cell
UNREAD_INK = 0.3  # a cell read as blank although something is printed in it


def _ink_box(binary: Image, rect: tuple[int, int, int, int]) -> tuple[int, int, int]:
    """Pixels, width and height of the ink inside a cell, clear of its rules."""
    np = _require("numpy")
    left, top, right, bottom = rect
    inset = _INSET + 1
    inside = binary[top + inset : bottom - inset + 1, left + inset : right - inset + 1] > 0
    if inside.size == 0:
        return 0, 0, 0
    columns = np.flatnonzero(inside.any(axis=0))
    rows = np.flatnonzero(inside.any(axis=1))
    if not len(columns):
        return 0, 0, 0
    width = int(columns[-1] - columns[0] + 1)
    return int(inside.sum()), width, int(rows[-1] - rows[0] + 1)


def _printed(pixels: int, width: int, height: int, dpi: float) -> bool:
    """Ink of a character's size (not specks, not the faint edge of a stamp)."""
    return height >= 0.04 * dpi and width >= 0.02 * dpi and pixels >= 0.0008 * dpi**2


def _check_ink(tables: list[_Block], grids: list[Grid], binary: Image, dpi: float) -> None:
    """Lower the confidence of cells whose ink the text read does not account for.

    * A cell read as blank that holds ink of a character's size: something is printed there
      that the OCR did not read (``UNREAD_INK``).
    * An amount whose printed width does not fit its digits (``UNEXPLAINED_INK``). Digits of a
      table font have one width, so on one page the ink of an amount such as "1325.14" is
      ``pitch × digits + constant`` wide (the constant holds the decimal point and the side
      bearings). Both are fitted on the page's amounts, robustly; an amount that misses the fit
      by half a digit was not read whole (a blot, a faded digit) even when its OCR score is
      high.
    """
    samples: list[tuple[int, int, int, int]] = []  # table, row, column, digits
    widths: list[int] = []
    for t, (block, grid) in enumerate(zip(tables, grids, strict=True)):
        first: set[int] = set()
        for r, (cells, _, confidences) in enumerate(block.rows):
            for c, text in enumerate(cells):
                cell = grid.owner[r][c]
                if cell in first:
                    continue  # a position covered by a merged cell
                first.add(cell)
                pixels, width, height = _ink_box(binary, grid.rects[cell])
                if not text:
                    if _printed(pixels, width, height, dpi):
                        confidences[c] = min(confidences[c], UNREAD_INK)
                elif _DECIMAL.match(text):
                    samples.append((t, r, c, sum(ch.isdigit() for ch in text)))
                    widths.append(width)
    if len(samples) < 6 or len({d for *_, d in samples}) < 2:
        return
    fit = _robust_line([d for *_, d in samples], widths)
    if fit is None:
        return
    pitch, constant = fit
    for (t, r, c, digits), width in zip(samples, widths, strict=True):
        if abs(width - (pitch * digits + constant)) > _WIDTH_TOLERANCE * pitch:
            confidences = tables[t].rows[r][2]
            confidences[c] = min(confidences[c], UNEXPLAINED_INK)


def _robust_line(xs: list[int], ys: list[int]) -> tuple[float, float] | None:
    """Least squares ``y = a·x + b``, refitted without the points far from the line."""
    np = _require("numpy")
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    keep = np.ones(len(x), dtype=bool)
    a = b = 0.0
    for _ in range(3):
        if keep.sum() < 4 or len(set(x[keep].tolist())) < 2:
            return None
        a, b = (float(v) for v in np.polyfit(x[keep], y[keep], 1))
        if a <= 0:
            return None
        keep = np.abs(y - (a * x + b)) <= 0.3 * a
    return a, b
