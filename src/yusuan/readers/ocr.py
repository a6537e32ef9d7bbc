"""Read scanned disclosures (PDFs without a text layer, page images) by OCR.

Each page is an image. It is turned upright (``orientation``) and straightened (``ocr_skew``:
the skew is measured on the tables' rules, or on the slant of the text lines on a page without
rules), and its ruled tables are found (``ocr_grid``). Pages are read two at a time
(``pipelined``). Text is found and read by RapidOCR
(PP-OCR models on onnxruntime, shipped inside the ``rapidocr`` wheel: nothing is downloaded at
run time): boxes are detected on the page at a low resolution, each box is put in the cell it lies
in (a box that runs across a rule is cut at the rule) and the pieces are read at full resolution.

A table row becomes one ``Line`` whose ``cells`` hold one entry per grid column, as a DOCX table
row does: a merged cell's text stands in its top-left position and the positions it covers are
``''``. ``boxes`` holds each cell's box on the page (points from the top-left corner) and
``confidences`` the OCR score of its text (0..1; a blank cell is ``''`` with 1.0). Text outside
tables becomes lines in reading order. Nothing is guessed: a cell that cannot be read stays as
read, with a low confidence. Only look-alikes that can mean one thing inside a number are mended
(``O`` between digits is ``0``, ``，`` before a group of three digits is ``,``) and such a cell's
confidence is lowered, so that it is reported with the cells below ``LOW_CONFIDENCE``. Ink the
text read does not account for lowers it too: a cell read as blank with something printed in it,
an amount whose printed width does not fit its digits (a blot or a faded digit dropped).

The heavy libraries (numpy, OpenCV, RapidOCR, pypdfium2, Pillow) are the ``ocr`` extra; they are
imported when a scanned file is read, so ``LOW_CONFIDENCE`` can be imported without them.
"""

from __future__ import annotations

import copy
import difflib
import importlib
import io
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yusuan.errors import UnreadableFileError
from yusuan.readers.limits import check_page_objects, render_scale
from yusuan.readers.ocr_grid import Grid, find_tables
from yusuan.readers.ocr_regions import detect_outside, ink_lines
from yusuan.readers.ocr_skew import _binarize, _rotate, _rule_skew, _text_skew
from yusuan.readers.orientation import page_rotation, turn
from yusuan.readers.pipelined import page_workers, pipelined
from yusuan.readers.progress import report_page
from yusuan.readers.text import Line, TextDocument

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Image = NDArray[np.uint8]

__all__ = ["LOW_CONFIDENCE", "normalize_number", "read_image", "read_scanned_pdf"]

# Cells read with a lower confidence are to be checked by a person (reported as reading issues).
LOW_CONFIDENCE = 0.9
# A cell whose look-alike characters were mended keeps this share of its OCR score.
MENDED_FACTOR = 0.85
# A cell that looks like a number but is not one after mending.
UNREADABLE_NUMBER = 0.5

_MIN_DPI, _MAX_DPI, _WORK_DPI = 100, 600, 200
_DETECT_DPI = 110  # text boxes are found on the page at this resolution, read at full
_A4_LONG_SIDE_IN = 11.69
_RED = 50  # red minus the larger of green and blue: a seal's ink, also after JPEG
_INSTALL_HINT = "请安装 OCR 组件：pip install 'yusuan[ocr]'"

Box = tuple[float, float, float, float]  # points from the top-left corner of the page
Region = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels


# --- entry points ----------------------------------------------------------------------------


def read_scanned_pdf(path: str | Path, data: bytes | None = None) -> TextDocument:
    """Lines of a PDF read by OCR, page by page (any text layer is ignored)."""
    name = str(path)
    _installed(name, "pypdfium2")
    if data is None:
        data = Path(path).read_bytes()
    return _document(name, _pdf_pages(name, data))


def read_image(path: str | Path, data: bytes | None = None) -> TextDocument:
    """Lines of one page image (PNG or JPEG; a multi-frame image is read frame by frame)."""
    name = str(path)
    _installed(name, "PIL.Image")
    if data is None:
        data = Path(path).read_bytes()
    return _document(name, _image_pages(name, data))


# --- page images -----------------------------------------------------------------------------


def _installed(name: str, *modules: str) -> None:
    """Raise a Chinese message naming the file when the ``ocr`` extra is not installed."""
    for module in ("numpy", "cv2", "rapidocr", *modules):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise UnreadableFileError(
                name, f"读取扫描件需要 OCR 组件，但未安装 {module}", _INSTALL_HINT
            ) from exc


def _require(module: str) -> Any:
    """A module of the ``ocr`` extra (checked by ``_installed`` before reading)."""
    return importlib.import_module(module)


def _pdf_pages(name: str, data: bytes) -> Iterator[tuple[Image, float]]:
    """Each page of a PDF as an image at the resolution of its scan (150–200 dpi)."""
    pdfium = _require("pypdfium2")
    np = _require("numpy")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise UnreadableFileError(
                name, "PDF 文件已加密，无法读取", "请去掉密码保护后再读取"
            ) from exc
        raise UnreadableFileError(
            name, "PDF 文件已损坏或不完整，无法打开", "请重新导出或下载该文件"
        ) from exc
    try:
        if len(pdf) == 0:
            raise UnreadableFileError(name, "PDF 文件没有页面", "请确认文件内容完整")
        for index in range(len(pdf)):
            report_page(index, len(pdf))  # readers.progress: the work queue's "第 N / M 页"
            page = pdf[index]
            check_page_objects(name, index, page)  # vector paths by the hundred thousand
            dpi = _scan_dpi(pdfium, page)
            dpi = 72 * render_scale(page.get_width(), page.get_height(), dpi / 72)  # capped
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)  # RGB
            array = _ink(np.array(bitmap.to_numpy(), dtype=np.uint8))
            page.close()
            yield array, dpi
    finally:
        pdf.close()


def _scan_dpi(pdfium: Any, page: Any) -> float:
    """The resolution of the images on the page, kept within 150–200 dpi (200 when the page
    holds no image): more pixels than 200 dpi only slow the models down."""
    best = 0.0
    try:
        for obj in page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
            meta = obj.get_metadata()
            best = max(best, float(meta.horizontal_dpi), float(meta.vertical_dpi))
    except Exception:  # metadata is a hint only
        best = 0.0
    if best <= 0:
        return float(_WORK_DPI)
    return min(max(best, 150.0), float(_WORK_DPI))


def _ink(rgb: Image) -> Image:
    """A colour page as one grey channel for reading, with red seals and stamps (公章) taken
    out. Seal ink multiplies the page under it by the seal's colour; brightness survives JPEG
    compression where colour does not, so where a pixel is red its brightness is divided by the
    seal's own (the median brightness of the reddest pixels): the seal over paper becomes paper,
    black print under it stays black."""
    if rgb.ndim == 2:
        return rgb
    cv2 = _require("cv2")
    np = _require("numpy")
    gray: Image = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    channels = rgb.astype(np.int16)
    redness = channels[:, :, 0] - np.maximum(channels[:, :, 1], channels[:, :, 2])
    reddest = gray[redness > 2 * _RED]
    if reddest.size < 200:
        return gray
    seal = max(float(np.median(reddest)), 1.0)
    red = redness > _RED // 2
    lifted = np.minimum(255.0, gray[red].astype(float) * (255.0 / seal))
    gray[red] = lifted.astype(np.uint8)
    return gray


def _image_pages(name: str, data: bytes) -> Iterator[tuple[Image, float]]:
    pil = _require("PIL.Image")
    ops = _require("PIL.ImageOps")
    np = _require("numpy")
    try:
        image = pil.open(io.BytesIO(data))
        image.load()
    except (OSError, ValueError, SyntaxError) as exc:  # PIL.UnidentifiedImageError is an OSError
        raise UnreadableFileError(
            name, "图片文件已损坏或格式不受支持，无法读取", "请提供 PNG 或 JPEG 格式的页面图片"
        ) from exc
    frames = getattr(image, "n_frames", 1)
    for frame in range(frames):
        if frames > 1:
            image.seek(frame)
        page = ops.exif_transpose(image.convert("RGB")) if frame == 0 else image.convert("RGB")
        gray = _ink(np.array(page, dtype=np.uint8))
        dpi = _image_dpi(image.info.get("dpi"), gray.shape)
        yield gray, dpi


def _image_dpi(tagged: Any, shape: tuple[int, ...]) -> float:
    """The resolution an image declares, else the one it would have as an A4 page."""
    try:
        value = float(tagged[0]) if tagged else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    if not _MIN_DPI <= value <= _MAX_DPI:
        value = max(shape[:2]) / _A4_LONG_SIDE_IN
    return min(max(value, _MIN_DPI), _MAX_DPI)


# --- the document ----------------------------------------------------------------------------


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


def _document(name: str, pages: Iterable[tuple[Image, float]]) -> TextDocument:
    lines: list[Line] = []
    previous_header: list[list[str]] = []
    read = pipelined(pages, lambda page: read_page(*page), page_workers())
    for number, blocks in enumerate(read, start=1):
        previous_header = _drop_repeated_header(blocks, previous_header)
        for block in blocks:
            if block.is_table:
                for cells, boxes, confidences in block.rows:
                    lines.append(
                        Line(len(lines) + 1, "\t".join(cells), cells, number, boxes, confidences)
                    )
            else:
                lines.append(Line(len(lines) + 1, block.text, None, number))
    return TextDocument(name, lines, "ocr", "")


def _drop_repeated_header(blocks: list[_Block], previous: list[list[str]]) -> list[list[str]]:
    """A table continued from the previous page repeats its header rows there: drop them.
    ``previous`` holds the first rows of the table the previous page ended with; the same is
    returned for this page."""
    tables = [b for b in blocks if b.is_table]
    if not tables:
        return []
    first = tables[0]
    continued = False
    above = blocks[: blocks.index(first)]
    if previous and not any("表" in b.text for b in above):  # no title: a continuation
        drop = 0
        for (cells, _, _), header in zip(first.rows, previous, strict=False):
            if len(cells) != len(header) or not _same_row(cells, header):
                break
            drop += 1
        if 0 < drop < len(first.rows):
            del first.rows[:drop]
            continued = True
    if continued and len(tables) == 1:
        return previous
    return [cells for cells, _, _ in tables[-1].rows[:4]]


def _same_row(a: list[str], b: list[str]) -> bool:
    left, right = "".join(a), "".join(b)
    if not left or not right:
        return False
    return difflib.SequenceMatcher(None, left, right).ratio() >= 0.85


# --- one page --------------------------------------------------------------------------------


def read_page(gray: Image, dpi: float) -> list[_Block]:
    """The blocks of one page image (grayscale) in reading order."""
    cv2 = _require("cv2")
    if dpi > _WORK_DPI * 1.1:  # more pixels than the models need: scale down
        factor = _WORK_DPI / dpi
        gray = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        dpi = float(_WORK_DPI)
    gray = turn(gray, page_rotation(gray, dpi, _engine()))  # a page fed the wrong way
    angle = _rule_skew(gray, dpi)
    quads = None
    if angle is None:  # no rules (a page of text): the slant of the text lines
        quads = _detect_quads(gray, dpi)
        angle = _text_skew(quads)
    gray, matrix = _rotate(gray, angle)
    if quads is not None and matrix is not None:  # the boxes found turn with the page
        quads = quads @ matrix[:, :2].T + matrix[:, 2]
    binary = _binarize(gray, dpi)
    boxes = _boxes(quads, gray.shape) if quads is not None else None
    return _layout(gray, binary, find_tables(binary, dpi), dpi, boxes)


# --- OCR -------------------------------------------------------------------------------------


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


# RapidOCR's detector keeps the current image's resizing on itself: one page at a time.
_DETECTION = threading.Lock()


@cache
def _engine() -> Any:
    return new_engine()


def new_engine() -> Any:
    """A RapidOCR engine with the models bundled in its wheel (no download)."""
    rapidocr = _require("rapidocr")
    return rapidocr.RapidOCR(
        params={
            "Global.log_level": "warning",
            # Pages are read in parallel (``pipelined``): one thread per model run, not a pool
            # per run that would spin against the other page's.
            "EngineConfig.onnxruntime.intra_op_num_threads": 1 if page_workers() > 1 else -1,
            # Most cells are short numbers: batches are padded to this width, not 320.
            "Rec.rec_img_shape": [3, 48, 160],
        }
    )


def _detect(gray: Image, dpi: float, upscale: bool = True) -> list[Region]:
    """Text boxes (x0, y0, x1, y1 in pixels of ``gray``); ``upscale=False`` for a strip of a
    page, which the detector would otherwise enlarge to its least side (736 pixels)."""
    return _boxes(_detect_quads(gray, dpi, upscale), gray.shape)


def _detect_quads(gray: Image, dpi: float, upscale: bool = True) -> Any:
    """The quadrilaterals of the text the detector finds (an array of shape (n, 4, 2), pixels of
    ``gray``). Detection needs fewer pixels than reading: it runs on the page scaled to
    ``_DETECT_DPI``."""
    cv2 = _require("cv2")
    np = _require("numpy")
    factor = min(1.0, _DETECT_DPI / dpi)
    small = gray
    if factor < 1.0:
        small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    image = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    with _DETECTION:
        if upscale:
            result = _engine()(image, use_det=True, use_cls=False, use_rec=False)
        else:
            result = _strip_detector()(image)
    quads = getattr(result, "boxes", None)
    if quads is None:
        return np.zeros((0, 4, 2))
    return np.asarray(quads, dtype=float).reshape(-1, 4, 2) / factor


@cache
def _strip_detector() -> Any:
    """The engine's text detector, sharing its model, that never enlarges its image."""
    detector = copy.copy(_engine()._load_det_model())
    detector.limit_type, detector.limit_side_len = "max", 8192
    return detector


def _boxes(quads: Any, shape: tuple[int, ...]) -> list[Region]:
    """The upright boxes of text quadrilaterals, within the page."""
    height, width = shape[:2]
    boxes: list[Region] = []
    for quad in quads:
        x0, y0 = quad.min(axis=0)
        x1, y1 = quad.max(axis=0)
        box = (max(0, int(x0)), max(0, int(y0)), min(width, int(x1) + 1), min(height, int(y1) + 1))
        if box[2] - box[0] >= 3 and box[3] - box[1] >= 3:
            boxes.append(box)
    return boxes


def _read(gray: Image, regions: list[Region], pad: int = 0) -> list[tuple[str, float]]:
    """Text and score of each region of the page, read in one batch (with a white margin of
    ``pad`` pixels around each)."""
    if not regions:
        return []
    cv2 = _require("cv2")
    crops = [
        cv2.copyMakeBorder(
            cv2.cvtColor(gray[y0:y1, x0:x1], cv2.COLOR_GRAY2BGR),
            pad,
            pad,
            pad,
            pad,
            cv2.BORDER_CONSTANT,
            value=(255, 255, 255),
        )
        for x0, y0, x1, y1 in regions
    ]
    recognizer = _engine()._load_rec_model()
    rec_input = importlib.import_module("rapidocr.ch_ppocr_rec").TextRecInput
    out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    for batch in _rec_batches(crops):
        result = recognizer(rec_input(img=[crops[i] for i in batch]))
        for i, text, score in zip(batch, result.txts or (), result.scores or (), strict=False):
            out[i] = (str(text), float(score))
    return out


_REC_HEIGHT = 48  # the recognition model's input height: every crop is scaled to it
_REC_BATCH = 6  # crops per model run
_REC_BATCH_WIDTH = 6 * 320  # pixels of scaled width per model run


def _rec_batches(crops: list[Image]) -> list[list[int]]:
    """The crops in batches of similar width (less padding), each batch at most ``_REC_BATCH``
    crops and ``_REC_BATCH_WIDTH`` pixels wide once padded: the model's working memory grows
    with a batch's padded width, and a few long lines of text in one batch took 250 MB."""
    widths = [_REC_HEIGHT * crop.shape[1] / max(1, crop.shape[0]) for crop in crops]
    batches: list[list[int]] = []
    for i in sorted(range(len(crops)), key=widths.__getitem__):
        batch = batches[-1] if batches else None
        if batch and len(batch) < _REC_BATCH and widths[i] * (len(batch) + 1) <= _REC_BATCH_WIDTH:
            batch.append(i)
        else:
            batches.append([i])
    return batches


# --- assembling a page -----------------------------------------------------------------------


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


@dataclass(slots=True)
class _Piece:
    x: float
    y: float
    height: float
    text: str
    score: float


_INSET = 3  # pixels kept clear of a cell's rules


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


_LEADER = re.compile(r"(?:…|\.|·|－|-|_){4,}")
_SENTENCE_END = ("。", "：", ":", "；", ";", "！", "？")
_ENUMERATION = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+)"
)


def _paragraphs(blocks: list[_Block]) -> list[_Block]:
    """Printed lines of one paragraph become one line: a line that fills the text width runs on
    into the next when that one starts at the left edge (a new paragraph is indented), right
    below it and in the same size, unless a sentence ends and the next line opens a numbered
    heading (一、 （二） 3.). Needs three full lines on the page to know the text width."""
    texts = [b for b in blocks if not b.is_table]
    if len(texts) < 3:
        return blocks
    left = min(b.left for b in texts)
    right = max(b.right for b in texts)
    if sum(1 for b in texts if b.right >= right - b.height) < 3:
        return blocks
    kept: list[_Block] = []
    for block in blocks:
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and not previous.is_table
            and not block.is_table
            and previous.right >= right - 1.2 * previous.height
            and previous.right - previous.last_left >= 0.6 * (right - left)
            and block.left <= previous.last_left + 0.5 * block.height
            and abs(block.height - previous.height) <= 0.25 * previous.height
            and -0.3 * block.height <= block.top - previous.bottom <= 1.0 * block.height
            and not (previous.text.endswith(_SENTENCE_END) and _ENUMERATION.match(block.text))
            and not _LEADER.search(previous.text)
            and not _LEADER.search(block.text)
        ):
            joint = _needs_space(previous.text[-1:], block.text[:1])
            previous.text += (" " if joint else "") + block.text
            previous.right, previous.bottom = block.right, block.bottom
            previous.last_left = block.left
            continue
        kept.append(block)
    return kept


_FULL_WIDTH = {":": "：", ",": "，", ";": "；", "?": "？", "!": "！"}


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def cjk_punctuation(text: str) -> str:
    """Half-width punctuation that OCR prints for the full-width marks of Chinese text:
    parentheses around Chinese words, a colon after a Chinese word, a comma between Chinese
    words. Numbers and Latin text keep theirs ("(2025)年度" stays)."""
    if not any(ch in text for ch in "():,;?!"):
        return text
    chars = list(text)
    opened: list[int] = []
    for i, ch in enumerate(chars):
        if ch in "(（":  # OCR may print one of a pair full-width and the other not
            opened.append(i)
        elif ch in ")）" and opened:
            start = opened.pop()
            if any(_is_cjk(c) for c in chars[start + 1 : i]):
                chars[start], chars[i] = "（", "）"
        elif ch in _FULL_WIDTH:
            before = chars[i - 1] if i else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if _is_cjk(before) and (ch == ":" or _is_cjk(after)):
                chars[i] = _FULL_WIDTH[ch]
    return "".join(chars)


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


def _needs_space(before: str, after: str) -> bool:
    """Between two Latin words (wrapped CJK text runs on without a space)."""
    return before.isascii() and after.isascii() and before.isalpha() and after.isalpha()


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


# --- amounts ---------------------------------------------------------------------------------

_NUMBERISH = re.compile(r"^[-−－—一]?[0-9OoＯ〇lI|，,。.．\s]+$")
_AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_WIDTH = str.maketrans("０１２３４５６７８９．－Ｏ", "0123456789.-O")  # width only: no guess
_BETWEEN_DIGITS = {"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1"}


def normalize_number(text: str) -> tuple[str, bool]:
    """Mend OCR look-alikes in a cell that reads as a number, where only one reading is
    possible. Returns the text and whether a look-alike was replaced (full-width digits are not
    look-alikes). Text that is not a number is returned as it is."""
    width = text.translate(_WIDTH).strip()
    if not _NUMBERISH.match(width) or not any(ch.isdigit() for ch in width):
        return text, False
    compact = "".join(width.split())
    mended = compact != width  # spaces inside a number
    chars = list(compact)
    for i, ch in enumerate(chars):
        between = 0 < i < len(chars) - 1 and _digitish(chars[i - 1]) and _digitish(chars[i + 1])
        if ch in _BETWEEN_DIGITS and between:
            chars[i] = _BETWEEN_DIGITS[ch]
            mended = True
        elif ch == "。" and between and i == len(chars) - 3:
            chars[i] = "."  # "1325。14": the decimal point of a two-decimal amount
            mended = True
    result = "".join(chars)
    # "，" before exactly three digits is a thousands separator; before two it is ambiguous.
    thousands = re.sub(r"(?<=\d)，(?=\d{3}(?:[.,，]|$))", ",", result)
    if thousands != result:
        result, mended = thousands, True
    if result[:1] in "−－—一" and _AMOUNT.match("-" + result[1:]):
        result, mended = "-" + result[1:], True
    return result, mended


def _digitish(ch: str) -> bool:
    return ch.isdigit() or ch in _BETWEEN_DIGITS or ch in ".,"


def _mend(text: str, score: float) -> tuple[str, float]:
    """A cell's text and confidence after mending look-alikes in numbers."""
    if not text:
        return text, score
    mended_text, mended = normalize_number(text)
    numberish = bool(_NUMBERISH.match(text.translate(_WIDTH).strip())) and any(
        ch.isdigit() for ch in text
    )
    if not numberish:
        return text, score
    if not _AMOUNT.match(mended_text):
        return text, min(score, UNREADABLE_NUMBER)  # still no number: keep what was read
    return mended_text, score * MENDED_FACTOR if mended else score
