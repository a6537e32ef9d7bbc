"""One straightened page assembled into blocks (``readers.ocr``): each text box put in the cell
it lies in (a box that runs across a rule is cut at the rule), the text lines of each cell read
(a doubtful one twice), a table's rows with one entry per grid column, and the text outside
tables as lines in reading order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from yusuan.readers.ocr_amounts import _mend
from yusuan.readers.ocr_engine import _detect, _read
from yusuan.readers.ocr_extra import _require
from yusuan.readers.ocr_grid import Grid
from yusuan.readers.ocr_ink import _INSET, _check_ink, _printed
from yusuan.readers.ocr_parts import LOW_CONFIDENCE, Box, Region, _Block
from yusuan.readers.ocr_regions import detect_outside, ink_lines
from yusuan.readers.ocr_text import _needs_space, _paragraphs, cjk_punctuation

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Image = NDArray[np.uint8]


@dataclass(slots=True)
class _Text:
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels
    text: str
    score: float

    @property
    def center(self) -> tuple[float, float]:
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


@dataclass(slots=True)
class _Piece:
    x: float
    y: float
    height: float
    text: str
    score: float


def _cell_regions(binary: Image, grid: Grid, box: Region) -> list[tuple[int, Region]]:
    """The cell(s) a text box belongs to, with the part of the box inside each. A box lying in
    one cell goes there whole; a box that runs across rules is cut at them (each piece that
    holds ink is read on its own)."""
    x0, y0, x1, y1 = box
    area = max(1.0, float((x1 - x0) * (y1 - y0)))
    shares: list[tuple[float, int]] = []
    for cell, (left, top, right, bottom) in grid.rects.items():
        inter = _overlap(x0, x1, left, right) * _overlap(y0, y1, top, bottom)
        if inter > 0:
            shares.append((inter / area, cell))
    shares.sort(reverse=True)
    whole = bool(shares) and shares[0][0] >= 0.8
    placed: list[tuple[int, Region]] = []
    for share, cell in shares[:1] if whole else shares:
        if share < 0.05:
            continue
        left, top, right, bottom = grid.rects[cell]
        region = (
            max(x0, left + _INSET),
            max(y0, top + _INSET),
            min(x1, right - _INSET + 1),
            min(y1, bottom - _INSET + 1),
        )
        if region[2] - region[0] < 4 or region[3] - region[1] < 4:
            continue
        ink = binary[region[1] : region[3], region[0] : region[2]]
        if not whole and int((ink > 0).sum()) < 12:
            continue
        placed.append((cell, region))
    return placed


def _read_twice_if_doubtful(
    gray: Image, regions: list[Region], readings: list[tuple[str, float]]
) -> list[tuple[str, float]]:
    """Read a region whose score is low once more with a white margin around it. The models
    are sensitive to the exact crop: when both readings give the same text, the better score
    stands; when they differ, the text is doubtful and the lower score stands."""
    doubtful = [
        i for i, (text, score) in enumerate(readings) if text.strip() and score < LOW_CONFIDENCE
    ]
    if not doubtful:
        return readings
    out = list(readings)
    again = _read(gray, [regions[i] for i in doubtful], pad=6)
    for i, (text, score) in zip(doubtful, again, strict=True):
        first_text, first_score = readings[i]
        if text == first_text:
            out[i] = (text, max(score, first_score))
        else:
            out[i] = (first_text, min(score, first_score))
    return out


def _cell_lines(
    binary: Image, rect: tuple[int, int, int, int], regions: list[Region], dpi: float
) -> list[Region]:
    """The text lines of one cell, each as one region to read: the boxes detected on a line
    joined, and widened over the ink beside them (a character the detector left out at either
    end, such as the 二 of 二、). A cell where nothing was detected but ink of a character's
    size is printed is read as one region."""
    cv2 = _require("cv2")
    left, top, right, bottom = rect
    x_lo, y_lo, x_hi, y_hi = left + _INSET, top + _INSET, right - _INSET + 1, bottom - _INSET + 1
    if x_hi - x_lo < 4 or y_hi - y_lo < 4:
        return []
    _, _, stats, _ = cv2.connectedComponentsWithStats(binary[y_lo:y_hi, x_lo:x_hi], connectivity=8)
    parts = [
        (x_lo + int(x), y_lo + int(y), x_lo + int(x + w), y_lo + int(y + h))
        for x, y, w, h, area in stats[1:]
        if area >= 3  # not a speck
    ]
    lines: list[list[int]] = []
    for region in sorted(regions, key=lambda r: r[1] + r[3]):
        for line in lines:
            least = 0.5 * min(region[3] - region[1], line[3] - line[1])
            if _overlap(region[1], region[3], line[1], line[3]) >= least:
                line[:] = [
                    min(line[0], region[0]),
                    min(line[1], region[1]),
                    max(line[2], region[2]),
                    max(line[3], region[3]),
                ]
                break
        else:
            lines.append(list(region))
    if not lines and parts:  # not detected (the detector does not run over tables): the ink
        for x0, y0, x1, y1 in ink_lines(parts):
            pixels = int((binary[y0:y1, x0:x1] > 0).sum())
            if _printed(pixels, x1 - x0, y1 - y0, dpi):
                lines.append([x0 - 2, y0 - 2, x1 + 2, y1 + 2])
    out: list[Region] = []
    for x0, y0, x1, y1 in lines:
        mine = [p for p in parts if _overlap(p[1], p[3], y0, y1) >= 0.6 * (p[3] - p[1])]
        gap = 0.8 * (y1 - y0)
        grown = True
        while grown:
            grown = False
            for p in mine:
                if p[0] < x0 and p[2] >= x0 - gap:
                    x0, grown = p[0], True
                if p[2] > x1 and p[0] <= x1 + gap:
                    x1, grown = p[2], True
        out.append((max(x_lo, x0 - 2), max(y_lo, y0), min(x_hi, x1 + 2), min(y_hi, y1)))
    return out


def _layout(
    gray: Image, binary: Image, grids: list[Grid], dpi: float, boxes: list[Region] | None = None
) -> list[_Block]:
    if boxes is None and grids:  # the cells are read from their ink: detect outside tables
        spans = [(g.bbox[1], g.bbox[3]) for g in grids]
        boxes = detect_outside(gray, spans, lambda band: _detect(band, dpi, upscale=False))
    elif boxes is None:
        boxes = _detect(gray, dpi)
    regions: list[Region] = []
    owners: list[tuple[int, int] | None] = []  # (grid, cell) or None for text outside tables
    in_cells: dict[tuple[int, int], list[Region]] = {}
    for box in boxes:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        index = next((i for i, g in enumerate(grids) if g.contains(cx, cy)), None)
        if index is None:
            regions.append(box)
            owners.append(None)
            continue
        for cell, region in _cell_regions(binary, grids[index], box):
            in_cells.setdefault((index, cell), []).append(region)
    for index, grid in enumerate(grids):
        for cell, rect in grid.rects.items():
            for region in _cell_lines(binary, rect, in_cells.get((index, cell), []), dpi):
                regions.append(region)
                owners.append((index, cell))
    pieces: dict[tuple[int, int], list[_Piece]] = {}
    free: list[_Text] = []
    readings = _read_twice_if_doubtful(gray, regions, _read(gray, regions))
    for region, owner, (text, score) in zip(regions, owners, readings, strict=True):
        if not text.strip():
            continue
        if owner is None:
            free.append(_Text(tuple(float(v) for v in region), text, score))  # type: ignore[arg-type]
            continue
        piece = _Piece(
            (region[0] + region[2]) / 2,
            (region[1] + region[3]) / 2,
            float(region[3] - region[1]),
            text,
            score,
        )
        pieces.setdefault(owner, []).append(piece)
    tables = [_table_block(i, grid, pieces, dpi) for i, grid in enumerate(grids)]
    _check_ink(tables, grids, binary, dpi)
    blocks = tables + _text_blocks(free)
    blocks.sort(key=lambda b: b.top)
    return _paragraphs(blocks)


def _join(pieces: list[_Piece]) -> tuple[str, float]:
    """The text of one cell: pieces line by line, left to right; the lowest score."""
    if not pieces:
        return "", 1.0
    ordered = sorted(pieces, key=lambda p: p.y)
    lines: list[list[_Piece]] = []
    for piece in ordered:
        if lines and abs(piece.y - lines[-1][-1].y) < 0.5 * max(piece.height, 1.0):
            lines[-1].append(piece)
        else:
            lines.append([piece])
    text = ""
    for line in lines:
        for piece in sorted(line, key=lambda p: p.x):
            part = piece.text.strip()
            if text and part and _needs_space(text[-1], part[0]):
                text += " "
            text += part
    return text, min(p.score for p in pieces)


def _table_block(
    index: int, grid: Grid, pieces: dict[tuple[int, int], list[_Piece]], dpi: float
) -> _Block:
    scale = 72.0 / dpi
    block = _Block(float(grid.ys[0]), is_table=True)
    seen: set[int] = set()
    for r, owners in enumerate(grid.owner):
        cells: list[str] = []
        boxes: list[Box | None] = []
        confidences: list[float] = []
        for c, cell in enumerate(owners):
            left, top, right, bottom = grid.rects[cell]
            boxes.append((left * scale, top * scale, right * scale, bottom * scale))
            if (
                cell in seen
                or (c > 0 and owners[c - 1] == cell)
                or (r > 0 and grid.owner[r - 1][c] == cell)
            ):
                cells.append("")
                confidences.append(1.0)
                continue
            seen.add(cell)
            text, score = _join(pieces.get((index, cell), []))
            text, score = _mend(cjk_punctuation(text), score)
            cells.append(text)
            confidences.append(round(score, 4))
        block.rows.append((cells, boxes, confidences))
    return block


def _text_blocks(items: list[_Text]) -> list[_Block]:
    """Text outside tables as lines: boxes side by side on one line, left to right."""
    lines: list[list[_Text]] = []
    for item in sorted(items, key=lambda t: t.center[1]):
        for line in lines:
            top = min(t.box[1] for t in line)
            bottom = max(t.box[3] for t in line)
            if _overlap(item.box[1], item.box[3], top, bottom) >= 0.5 * min(
                item.height, bottom - top
            ):
                line.append(item)
                break
        else:
            lines.append([item])
    blocks: list[_Block] = []
    for line in lines:
        line.sort(key=lambda t: t.box[0])
        text = ""
        for k, item in enumerate(line):
            if k:
                gap = item.box[0] - line[k - 1].box[2]
                text += " " if gap > 0.8 * max(item.height, 1.0) else ""
            text += item.text.strip()
        blocks.append(
            _Block(
                min(t.box[1] for t in line),
                text=cjk_punctuation(text),
                left=line[0].box[0],
                right=max(t.box[2] for t in line),
                bottom=max(t.box[3] for t in line),
                height=max(t.height for t in line),
                last_left=line[0].box[0],
            )
        )
    return blocks
