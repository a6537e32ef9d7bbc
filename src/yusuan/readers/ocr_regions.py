"""Where the OCR reads on a ruled page, without running the text detector over the tables.

The grid of a table is known from its ruling lines, so the text of its cells is found from the
ink inside each cell (``ink_lines``: the connected strokes grouped into printed lines) and read
directly; the detector runs only on the bands of the page outside the tables (title, 单位, notes,
the text between tables), stacked into one image (``detect_outside``). On a table page this
saves most of the detector's time (it is the most expensive model run), with the same cells read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Region = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels
BAND_MARGIN = 4  # pixels above and below a band, so text touching a table's outer rule is whole
BAND_GAP = 16  # white pixels between the stacked bands
LEAST_BAND = 8  # a band thinner than this holds no text line


def bands_outside(height: int, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The horizontal bands (y0, y1) of a page of ``height`` that no table span covers."""
    bands: list[tuple[int, int]] = []
    y = 0
    for top, bottom in sorted(spans):
        if top - y > LEAST_BAND:
            bands.append((max(0, y - BAND_MARGIN), min(height, top + BAND_MARGIN)))
        y = max(y, bottom)
    if height - y > LEAST_BAND:
        bands.append((max(0, y - BAND_MARGIN), height))
    return bands


def detect_outside(
    gray: Any, spans: Sequence[tuple[int, int]], detect: Callable[[Any], list[Region]]
) -> list[Region]:
    """The text boxes of the page outside the table spans: the bands stacked into one image for
    one run of ``detect`` (boxes in pixels of the image it is given), mapped back to the page."""
    np = __import__("numpy")
    height, width = gray.shape[:2]
    bands = bands_outside(height, spans)
    if not bands:
        return []
    stacked = sum(y1 - y0 for y0, y1 in bands) + BAND_GAP * (len(bands) - 1)
    canvas = np.full((stacked, width), 255, dtype=gray.dtype)
    placed: list[tuple[int, int, int]] = []  # (where in the canvas, band top, band height)
    at = 0
    for y0, y1 in bands:
        canvas[at : at + (y1 - y0)] = gray[y0:y1]
        placed.append((at, y0, y1 - y0))
        at += (y1 - y0) + BAND_GAP
    boxes: list[Region] = []
    for x0, y0, x1, y1 in detect(canvas):
        middle = (y0 + y1) / 2
        for start, top, size in placed:
            if start <= middle < start + size:
                low, high = max(y0, start), min(y1, start + size)
                boxes.append((x0, top + low - start, x1, top + high - start))
                break
    return boxes


def ink_lines(parts: Sequence[Region], overlap: float = 0.3) -> list[list[int]]:
    """The printed lines of one cell from its ink (connected strokes): strokes that overlap
    vertically by ``overlap`` of the smaller height are one line. Top to bottom."""

    def shared(a: Sequence[int], b: Sequence[int]) -> bool:
        common = min(a[3], b[3]) - max(a[1], b[1])
        return common >= overlap * min(a[3] - a[1], b[3] - b[1])

    lines: list[list[int]] = []
    for part in sorted(parts, key=lambda p: (p[1] + p[3]) / 2):
        for line in lines:
            if shared(part, line):
                line[:] = [min(line[0], part[0]), min(line[1], part[1]),
                           max(line[2], part[2]), max(line[3], part[3])]  # fmt: skip
                break
        else:
            lines.append(list(part))
    merged = True
    while merged:  # two lines that grew into each other are one
        merged = False
        pairs = [(i, j) for i in range(len(lines)) for j in range(i + 1, len(lines))]
        for i, j in pairs:
            a, b = lines[i], lines[j]
            if shared(a, b):
                lines[i] = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]
                del lines[j]
                merged = True
                break
    return sorted(lines, key=lambda line: line[1])
