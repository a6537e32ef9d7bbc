"""Text found and read by RapidOCR (``readers.ocr``): the engine with the models bundled in its
wheel, the text boxes detected on a page at a low resolution, and regions of the page read at
full resolution in batches of similar width."""

from __future__ import annotations

import copy
import importlib
import threading
from functools import cache
from typing import TYPE_CHECKING, Any

from yusuan.readers.ocr_extra import _require
from yusuan.readers.ocr_parts import Region
from yusuan.readers.pipelined import page_workers

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Image = NDArray[np.uint8]

_DETECT_DPI = 110  # text boxes are found on the page at this resolution, read at full

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
