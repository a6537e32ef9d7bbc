"""The parts a PDF page is read into (``readers.pdf``), shared with the reading of its scanned
pages (``readers.mixed``): characters, table rows, blocks and pages. Boxes are
``(x0, top, x1, bottom)`` in points from the top-left corner of the page as displayed."""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[float, float, float, float]


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    hidden: bool = False  # drawn invisibly (text render mode 3): an OCR layer over a scan

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class Row:
    cells: list[str]
    boxes: list[Box | None]
    confidences: list[float] | None = None  # OCR scores (a scanned page); None: 1.0 each


@dataclass(slots=True)
class Block:
    """A text line (``rows`` is ``None``) or a table (its rows) on one page."""

    top: float
    bottom: float
    text: str = ""
    box: Box | None = None
    rows: list[Row] | None = None
    height: float = 0.0  # of the characters (text lines)
    pieces: int = 1  # parts separated by wide gaps (text lines)
    last: Box | None = None  # the last printed line of a paragraph
    columns: list[float] | None = None  # x of the grid lines (ruled tables)
    scanned: bool = False  # read by OCR (a scanned page of a mixed PDF)


@dataclass(slots=True)
class Page:
    number: int
    height: float
    blocks: list[Block]
    scan: bool = False  # an image without a usable text layer: read by OCR (readers.mixed)
