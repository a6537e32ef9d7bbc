"""Readers know file formats, not budgets: they turn a file into lines or cells with provenance."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from yusuan.errors import UnreadableFileError
from yusuan.readers.kinds import FileKind, kind_of, sniff
from yusuan.readers.limits import check_file_size, check_image, check_pdf, check_pdf_streams
from yusuan.readers.text import Line, TextDocument, read_text

__all__ = ["FileKind", "Line", "TextDocument", "kind_of", "load", "sniff"]


def load(path: str | Path, data: bytes | None = None) -> TextDocument:
    """Read any supported file into a ``TextDocument``. With ``data``, read those bytes (the
    content of ``path``, which then only names the source: the file need not exist here). The
    reader is chosen by the content (``readers.kinds.kind_of``)."""
    p = Path(path)
    if data is None:
        data = _read_bytes(path)
    check_file_size(str(path), len(data))
    kind = kind_of(data, path)
    if kind == "pdf":
        return _read_pdf(p, data)
    if kind == "docx":
        from yusuan.readers.docx import read_docx

        return read_docx(p, data)
    if kind == "xlsx":
        return _read_xlsx(p, data)
    if kind in ("png", "jpeg"):  # a scan
        from yusuan.readers.ocr import read_image

        check_image(str(p), data)

        return read_image(p, data)
    if kind == "html":  # a web page, or a text extraction made of HTML tables
        from yusuan.readers.html import read_html

        return read_html(p, data)
    return read_text(p, data)


def _read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    if not p.exists():
        raise UnreadableFileError(str(path), "文件不存在", "请检查路径是否正确")
    if p.is_dir():
        raise UnreadableFileError(str(path), "这是一个文件夹，不是文件", "请指定具体的文件")
    try:
        check_file_size(str(path), p.stat().st_size)  # before reading a huge file
        return p.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(str(path), f"无法读取文件（{exc.strerror}）") from exc


def _read_xlsx(path: Path, data: bytes) -> TextDocument:
    reader = _xlsx_reader()
    if reader is None:
        raise UnreadableFileError(
            str(path), "暂不支持直接读取 XLSX", "请先导出为文本，XLSX 读取功能正在开发中"
        )
    return reader(path, data)


def _read_pdf(path: Path, data: bytes) -> TextDocument:
    """A PDF by its text layer; a scanned PDF (no text layer) by OCR once ``readers.ocr``
    exists (it is written separately)."""
    from yusuan.readers.pdf import ScannedPdfError, _open, read_pdf

    check_pdf_streams(str(path), data)  # before PDFium decodes any of them
    document = _open(str(path), data)  # an encrypted or damaged file is named here
    try:
        check_pdf(str(path), document)
    finally:
        document.close()
    try:
        return read_pdf(path, data)
    except ScannedPdfError:
        reader = _ocr_reader()
        if reader is None:
            raise
        return reader(path, data)


def _ocr_reader() -> Callable[[Path, bytes], TextDocument] | None:
    """``readers.ocr.read_scanned_pdf`` once that module exists."""
    try:
        module = importlib.import_module("yusuan.readers.ocr")
    except ModuleNotFoundError as exc:
        if exc.name == "yusuan.readers.ocr":
            return None
        raise
    reader: Callable[[Path, bytes], TextDocument] = module.read_scanned_pdf
    return reader


def _xlsx_reader() -> Callable[[Path, bytes], TextDocument] | None:
    """``readers.xlsx.read_xlsx`` once that module exists (it is written separately)."""
    try:
        module = importlib.import_module("yusuan.readers.xlsx")
    except ModuleNotFoundError as exc:
        if exc.name == "yusuan.readers.xlsx":
            return None
        raise
    reader: Callable[[Path, bytes], TextDocument] = module.read_xlsx
    return reader
