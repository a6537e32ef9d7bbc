"""The blocks a scanned page is read into (``readers.ocr``): a table's rows or a line of text,
in reading order; and the confidence below which a cell is to be checked by a person."""

from __future__ import annotations

from dataclasses import dataclass, field

# Cells read with a lower confidence are to be checked by a person (reported as reading issues).
LOW_CONFIDENCE = 0.9

Box = tuple[float, float, float, float]  # points from the top-left corner of the page
Region = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels


@dataclass(slots=True)
class _Block:
    """Lines of one page in reading order: a table (rows) or a line of text (with its box in
    pixels: ``top``, ``left``, ``right``, ``bottom`` and the height of its last line)."""

    top: float
    rows: list[tuple[list[str], list[Box | None], list[float]]] = field(default_factory=list)
    text: str = ""
    is_table: bool = False
    left: float = 0.0
    right: float = 0.0
    bottom: float = 0.0
    height: float = 0.0
    last_left: float = 0.0  # where the last printed line of a joined paragraph starts
