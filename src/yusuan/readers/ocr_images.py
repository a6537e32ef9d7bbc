"""The pages of a scanned file as grey images with their resolution (``readers.ocr``): the
pages of a PDF rendered at the resolution of their scan, the frames of a PNG or JPEG, with red
seals and stamps taken out of the ink."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from yusuan.errors import UnreadableFileError
from yusuan.readers.limits import check_page_objects, render_scale
from yusuan.readers.ocr_extra import _require
from yusuan.readers.progress import report_page

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Image = NDArray[np.uint8]

_MIN_DPI, _MAX_DPI, _WORK_DPI = 100, 600, 200
_A4_LONG_SIDE_IN = 11.69
_RED = 50  # red minus the larger of green and blue: a seal's ink, also after JPEG


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
