"""The skew of a scanned page and its straightening (``yusuan.readers.ocr``).

The skew angle is measured on the long horizontal rules of the tables: found by the
probabilistic Hough transform at a low resolution, each rule's slope then fitted to its pixels
at full resolution. A page without rules (a page of text) takes the slant of the text lines the
detector finds (``text_skew``). The page is rotated back by that angle.
"""

from __future__ import annotations

from importlib import import_module as _require
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Image = NDArray[np.uint8]


def _binarize(gray: Image, dpi: float) -> Image:
    """Ink = 255 on a 0 background: pixels clearly darker than the paper around them. The
    paper's shade is the page closed with a kernel wider than strokes and rules, so light
    shading (header and total rows) and uneven lighting are paper, and a blot stays solid."""
    cv2 = _require("cv2")
    size = max(15, int(dpi * 0.2))
    paper = cv2.morphologyEx(
        gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    )
    relative = cv2.divide(gray, paper, scale=255)
    _, ink = cv2.threshold(relative, 190, 255, cv2.THRESH_BINARY_INV)
    result: Image = cv2.bitwise_and(ink, cv2.compare(gray, 225, cv2.CMP_LT))
    return result


def skew_angle(gray: Image, dpi: float) -> float:
    """The skew of a page in degrees (counter-clockwise positive), measured on long horizontal
    rules; 0.0 when the page has none."""
    return _rule_skew(gray, dpi) or 0.0


_SKEW_SEARCH_DPI = 100.0  # long rules are found at this resolution, then measured at full


def _rule_skew(gray: Image, dpi: float) -> float | None:
    """``skew_angle``, or None when the page has no long horizontal rule. The rules are found
    by the Hough transform on the page scaled to ``_SKEW_SEARCH_DPI`` (a quarter of the pixels
    at 200 dpi, and the transform's time with them); each one's slope is then fitted to its
    pixels at full resolution, which is more exact than the ends of a Hough segment."""
    cv2 = _require("cv2")
    np = _require("numpy")
    binary = _binarize(gray, dpi)
    fragments = cv2.morphologyEx(
        binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (int(dpi * 0.1), 1))
    )
    if cv2.countNonZero(fragments) > fragments.size // 2:  # a black page: no rules to find, and
        return None  # the Hough transform would take seconds over its millions of ink pixels
    factor = min(1.0, _SKEW_SEARCH_DPI / dpi)
    small = fragments
    if factor < 1.0:
        small = cv2.resize(fragments, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        small = cv2.threshold(small, 60, 255, cv2.THRESH_BINARY)[1]
    low = dpi * factor
    segments = cv2.HoughLinesP(
        small,
        1,
        np.pi / 720,
        threshold=int(low),
        minLineLength=int(low * 1.5),
        maxLineGap=max(1, int(low * 0.05)),
    )
    if segments is None:
        return None
    angles: list[tuple[float, float]] = []
    for x1, y1, x2, y2 in np.asarray(segments, dtype=float).reshape(-1, 4) / factor:
        dx, dy = x2 - x1, y2 - y1
        if dx <= 0 or abs(dy) > dx * 0.2:
            continue
        slope = _fitted_slope(fragments, (x1, y1, x2, y2))
        if slope is not None:
            angles.append((float(np.degrees(np.arctan(slope))), float(np.hypot(dx, dy))))
    return _weighted_median(angles)


def _fitted_slope(fragments: Image, segment: tuple[float, float, float, float]) -> float | None:
    """The slope (dy/dx) of the rule pixels within 3 pixels of a segment, by least squares;
    None when too few pixels lie there."""
    np = _require("numpy")
    x1, y1, x2, y2 = segment
    height, width = fragments.shape[:2]
    left, right = int(max(0, x1)), int(min(width, x2 + 1))
    top, bottom = int(max(0, min(y1, y2) - 4)), int(min(height, max(y1, y2) + 5))
    ys, xs = np.nonzero(fragments[top:bottom, left:right])
    xs, ys = xs + left, ys + top
    near = np.abs(ys - (y1 + (xs - x1) * (y2 - y1) / (x2 - x1))) <= 3
    if int(near.sum()) < 20:
        return None
    return float(np.polyfit(xs[near], ys[near], 1)[0])


def _weighted_median(angles: list[tuple[float, float]]) -> float | None:
    """The length-weighted median of slopes (degrees in image coordinates, y down) as a skew
    (counter-clockwise positive); None without any."""
    if not angles:
        return None
    angles.sort()
    half = sum(w for _, w in angles) / 2
    running = 0.0
    for angle, weight in angles:
        running += weight
        if running >= half:
            return -angle
    return -angles[-1][0]


def _text_skew(quads: Any) -> float:
    """The skew of a page without rules, from the text boxes the detector found (quadrilaterals
    that follow the slant of the text): the median slope of the long edges of line-shaped boxes
    (at least four times as long as high, as a line of text is); 0.0 with fewer than three."""
    np = _require("numpy")
    angles: list[tuple[float, float]] = []
    for quad in quads:
        edges = [quad[(k + 1) % 4] - quad[k] for k in range(4)]
        lengths = [float(np.hypot(*e)) for e in edges]
        k = int(np.argmax(lengths))
        if lengths[k] < 4 * max(min(lengths), 1.0):
            continue
        dx, dy = (float(v) for v in edges[k])
        if dx < 0:
            dx, dy = -dx, -dy
        if abs(dy) > dx * 0.1:  # steeper than about 6°: not a line of text on a skewed page
            continue
        angles.append((float(np.degrees(np.arctan2(dy, dx))), lengths[k]))
    if len(angles) < 3:
        return 0.0
    return _weighted_median(angles) or 0.0


def deskew(gray: Image, dpi: float) -> Image:
    """The page rotated so that its rules are horizontal."""
    return _rotate(gray, skew_angle(gray, dpi))[0]


def _rotate(gray: Image, angle: float) -> tuple[Image, Any]:
    """The page turned back by ``angle`` (degrees, counter-clockwise positive) and the affine
    matrix that took it there; the page itself and None for less than 0.05°."""
    if abs(angle) < 0.05:
        return gray, None
    cv2 = _require("cv2")
    height, width = gray.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    rotated: Image = cv2.warpAffine(
        gray,
        matrix,
        (width, height),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )
    return rotated, matrix
