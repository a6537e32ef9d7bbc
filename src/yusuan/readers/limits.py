"""Limits that keep every reader within bounded time and memory on hostile files.

Each limit is a named setting with a default for real disclosures (a few dozen pages, a few MB)
that an environment variable overrides (read at every call, so a worker process started with
its own environment follows it). A file beyond a limit is refused with a Chinese
``UnreadableFileError`` that names the file, the limit and the setting that raises it.

========================  =================================  =======================
setting                   what it bounds                     default
========================  =================================  =======================
YUSUAN_MAX_FILE_MB        bytes of any file read             200
YUSUAN_MAX_PDF_PAGES      pages of a PDF                     1000
YUSUAN_MAX_PAGE_POINTS    width or height of a PDF page      14400 (PDF's own limit)
YUSUAN_MAX_PAGE_OBJECTS   objects (paths, text) of a page    100000
YUSUAN_MAX_STREAM_MB      a decoded PDF stream (not images)  8
YUSUAN_MAX_RENDER_MPX     pixels of a page rendered for OCR  40
YUSUAN_MAX_IMAGE_MPX      pixels of a page image (PNG/JPEG)  60
YUSUAN_MAX_UNZIPPED_MB    a DOCX/XLSX member, unpacked       64
YUSUAN_MAX_ZIP_RATIO      unpacked : packed of a member      200 (beyond 1 MB)
YUSUAN_MAX_SHEET_ROWS     rows of all sheets of an XLSX      200000
YUSUAN_MAX_CELLS          cells of all sheets of an XLSX     4000000
YUSUAN_MAX_TEXT_LINES     lines of a text file               1000000
YUSUAN_MAX_HTML_TAGS      tags of an HTML page               2000000
========================  =================================  =======================

HTML nested deeper than libxml2's 256 levels is refused (``readers.html.MAX_DEPTH``).
"""

from __future__ import annotations

import io
import itertools
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from yusuan.errors import UnreadableFileError

MiB = 1024 * 1024
_ADJUST_HINT = "如确需读取，可调高环境变量 {} 后重试"


@dataclass(frozen=True, slots=True)
class Limits:
    max_file_bytes: int = 200 * MiB
    max_pdf_pages: int = 1000
    max_page_points: float = 14400.0
    max_page_objects: int = 100_000
    max_stream_bytes: int = 8 * MiB
    max_render_pixels: int = 40_000_000
    max_image_pixels: int = 60_000_000
    max_unzipped_bytes: int = 64 * MiB
    max_zip_ratio: int = 200
    max_sheet_rows: int = 200_000
    max_cells: int = 4_000_000
    max_text_lines: int = 1_000_000
    max_html_tags: int = 2_000_000


# setting → (field, unit multiplier)
SETTINGS: dict[str, tuple[str, int]] = {
    "YUSUAN_MAX_FILE_MB": ("max_file_bytes", MiB),
    "YUSUAN_MAX_PDF_PAGES": ("max_pdf_pages", 1),
    "YUSUAN_MAX_PAGE_POINTS": ("max_page_points", 1),
    "YUSUAN_MAX_PAGE_OBJECTS": ("max_page_objects", 1),
    "YUSUAN_MAX_STREAM_MB": ("max_stream_bytes", MiB),
    "YUSUAN_MAX_RENDER_MPX": ("max_render_pixels", 1_000_000),
    "YUSUAN_MAX_IMAGE_MPX": ("max_image_pixels", 1_000_000),
    "YUSUAN_MAX_UNZIPPED_MB": ("max_unzipped_bytes", MiB),
    "YUSUAN_MAX_ZIP_RATIO": ("max_zip_ratio", 1),
    "YUSUAN_MAX_SHEET_ROWS": ("max_sheet_rows", 1),
    "YUSUAN_MAX_CELLS": ("max_cells", 1),
    "YUSUAN_MAX_TEXT_LINES": ("max_text_lines", 1),
    "YUSUAN_MAX_HTML_TAGS": ("max_html_tags", 1),
}
_SETTING_OF = {field: name for name, (field, _) in SETTINGS.items()}


def limits() -> Limits:
    """The limits in force: the defaults, overridden by the environment (a value that is not a
    positive number is ignored)."""
    values: dict[str, Any] = {}
    for name, (field, unit) in SETTINGS.items():
        raw = os.environ.get(name, "").strip()
        try:
            number = float(raw) if raw else 0.0
        except ValueError:
            continue
        if number > 0:
            values[field] = number * unit if field == "max_page_points" else int(number * unit)
    return Limits(**values)


def refuse(name: str, message: str, field: str) -> UnreadableFileError:
    """The error for a file beyond the limit ``field``; its hint names the setting."""
    return UnreadableFileError(name, message, _ADJUST_HINT.format(_SETTING_OF[field]))


def _mb(size: int) -> str:
    return f"{size / MiB:.0f} MB"


def check_file_size(name: str, size: int) -> None:
    limit = limits().max_file_bytes
    if size > limit:
        raise refuse(name, f"文件过大（{_mb(size)}，上限 {_mb(limit)}）", "max_file_bytes")


def check_text(name: str, text: str) -> None:
    """Refuse text of more lines than the limit, before it is split into lines."""
    limit = limits().max_text_lines
    count = text.count("\n") or text.count("\r")
    if count > limit:
        raise refuse(name, f"文本行数过多（{count} 行，上限 {limit} 行）", "max_text_lines")


def check_html(name: str, text: str) -> None:
    """Refuse a page of more tags than the limit, before it is parsed."""
    limit = limits().max_html_tags
    count = text.count("<")
    if count > limit:
        raise refuse(name, f"网页过大（约 {count} 个标签，上限 {limit} 个）", "max_html_tags")


# --- ZIP containers (DOCX, XLSX) --------------------------------------------------------------


def check_zip(name: str, data: bytes, what: str) -> None:
    """Refuse a ZIP container (``what``: "Word 文件"/"Excel 工作簿") whose members would unpack to
    more than the limits allow, judged from the sizes the central directory records before
    anything is unpacked (``zipfile`` never unpacks more than a member's recorded size). A
    container too damaged to list is left to its reader, which says so."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return
    bounds = limits()
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > bounds.max_unzipped_bytes:
            raise refuse(
                name,
                f"{what}中的 {info.filename} 解压后过大（{_mb(info.file_size)}，"
                f"上限 {_mb(bounds.max_unzipped_bytes)}），可能是恶意构造的压缩包",
                "max_unzipped_bytes",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MiB and ratio > bounds.max_zip_ratio:
            raise refuse(
                name,
                f"{what}中的 {info.filename} 压缩比异常（{ratio:.0f} 倍，上限 "
                f"{bounds.max_zip_ratio} 倍），可能是恶意构造的压缩包（“压缩炸弹”）",
                "max_zip_ratio",
            )
    if total > 4 * bounds.max_unzipped_bytes:
        raise refuse(
            name,
            f"{what}解压后过大（共 {_mb(total)}，上限 {_mb(4 * bounds.max_unzipped_bytes)}）",
            "max_unzipped_bytes",
        )


# --- page images ------------------------------------------------------------------------------


def check_image(name: str, data: bytes) -> None:
    """Refuse a page image whose header declares more pixels than the limit, before anything is
    decoded (Pillow reads only the header here); also bounds Pillow's own bomb check."""
    from PIL import Image

    limit = limits().max_image_pixels
    Image.MAX_IMAGE_PIXELS = None  # the header only: its size is judged here, in Chinese
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except Exception:  # damage is the OCR reader's to report in Chinese
        return
    finally:
        Image.MAX_IMAGE_PIXELS = limit  # Pillow's own bomb check when the image is decoded
    if width * height > limit:
        raise refuse(
            name,
            f"图片尺寸过大（{width} × {height} 像素，上限 {limit // 1_000_000} 百万像素）",
            "max_image_pixels",
        )


# --- PDF --------------------------------------------------------------------------------------

_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_CHUNK = 1 << 20
_DICTIONARY_BYTES = 4096  # how far before ``stream`` a stream's dictionary is looked for


def render_scale(width: float, height: float, scale: float) -> float:
    """``scale`` (pixels per point) lowered so that a page of ``width`` × ``height`` points
    renders to at most the pixel limit."""
    pixels = width * height * scale * scale
    limit = limits().max_render_pixels
    if pixels <= limit:
        return scale
    return float(scale * (limit / pixels) ** 0.5)


def check_pdf(name: str, document: Any) -> None:
    """Refuse an opened PDF (``pypdfium2.PdfDocument``) with too many pages or a page larger
    than PDF allows."""
    bounds = limits()
    count = len(document)
    if count > bounds.max_pdf_pages:
        raise refuse(
            name, f"PDF 页数过多（{count} 页，上限 {bounds.max_pdf_pages} 页）", "max_pdf_pages"
        )
    for index in range(count):
        try:
            width, height = document.get_page_size(index)
        except Exception:  # a damaged page is the reader's to report
            continue
        if max(width, height) > bounds.max_page_points:
            raise refuse(
                name,
                f"PDF 第{index + 1}页尺寸过大（{width:.0f} × {height:.0f} 磅，"
                f"上限 {bounds.max_page_points:.0f} 磅）",
                "max_page_points",
            )


def check_page_objects(name: str, index: int, page: Any) -> None:
    """Refuse the page ``index`` (a ``pypdfium2.PdfPage``, loaded) when it holds more objects
    than the limit, before they are walked, rendered or recognised: a page of hundreds of
    thousands of vector paths takes seconds to walk and far longer to read by OCR.
    Only the page's own objects are counted (PDFium's count, no parsing of ours)."""
    import pypdfium2.raw as pdfium_raw

    limit = limits().max_page_objects
    count = int(pdfium_raw.FPDFPage_CountObjects(page.raw))
    if count > limit:
        raise refuse(
            name,
            f"PDF 第{index + 1}页图形对象过多（{count} 个，上限 {limit} 个），"
            "可能是恶意构造的文件，无法读取",
            "max_page_objects",
        )


def check_pdf_streams(name: str, data: bytes) -> None:
    """Refuse a PDF holding a compressed stream (a page's content, a font, an object stream)
    that decodes to more than the limit: PDFium decodes such a stream whole and aborts the
    process when memory runs out. Every stream that starts as zlib data is decoded (through a
    second and third FlateDecode when its result is zlib data again) up to just past the limit;
    images are skipped (PDFium decodes them only to their stated size, and renders them scaled
    down). Streams of an encrypted file cannot be judged and pass."""
    limit = limits().max_stream_bytes
    for found in _STREAM.finditer(data):
        start = found.end()
        if not _is_zlib(data[start : start + 2]):
            continue
        before = data[max(0, found.start() - _DICTIONARY_BYTES) : found.start()]
        if _IMAGE.search(before, before.rfind(b"obj") + 1):
            continue
        end = data.find(b"endstream", start)
        if _decoded_size(data[start : end if end > 0 else len(data)], limit) > limit:
            raise refuse(
                name,
                f"PDF 中有数据流解压后过大（超过 {_mb(limit)}），"
                "可能是恶意构造的文件（“压缩炸弹”）",
                "max_stream_bytes",
            )


def _is_zlib(head: bytes) -> bool:
    """Whether ``head`` is a zlib header (deflate, a window of at most 32 KB, a valid check)."""
    return (
        len(head) == 2
        and head[0] & 0x0F == 8
        and head[0] >> 4 <= 7
        and ((head[0] << 8) | head[1]) % 31 == 0
    )


def _inflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The zlib data ``chunks`` decoded, a MB at a time."""
    decoder = zlib.decompressobj()
    for chunk in chunks:
        pending = chunk
        while pending and not decoder.eof:
            out = decoder.decompress(pending, _CHUNK)
            pending = decoder.unconsumed_tail
            if not out:
                break
            yield out
        if decoder.eof:
            return


def _decoded_size(packed: bytes, limit: int) -> int:
    """Bytes the zlib data ``packed`` decodes to, counted up to just past ``limit``; decoded
    through up to three levels when each result is zlib data again."""
    size = 0
    try:
        decoded: Iterator[bytes] = _inflate(iter([packed]))
        for _ in range(2):
            first = next(decoded, b"")
            decoded = itertools.chain([first], decoded)
            if not _is_zlib(first[:2]):
                break
            decoded = _inflate(decoded)
        for out in decoded:
            size += len(out)
            if size > limit:
                break
    except zlib.error:
        pass  # damaged or not zlib after all: PDFium stops decoding there too
    return size
