"""Readers know file formats, not budgets: they turn a file into lines or cells with provenance."""

from __future__ import annotations

import importlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from yusuan.errors import UnreadableFileError
from yusuan.readers.text import Line, TextDocument, read_text

__all__ = ["Line", "TextDocument", "load"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy .doc/.xls, encrypted Office


def load(path: str | Path, data: bytes | None = None) -> TextDocument:
    """Read any supported file into a ``TextDocument``. With ``data``, read those bytes (the
    content of ``path``, which then only names the source: the file need not exist here)."""
    p = Path(path)
    if data is None:
        data = _read_bytes(path)
    if data[:5] == b"%PDF-" or (b"%PDF-" in data[:1024] and b"%%EOF" in data[-2048:]):
        return _read_pdf(p, data)  # a PDF may have up to 1 KB before its header
    if data[:4] == b"PK\x03\x04":
        return _read_office(p, data)
    if data[:8] == _OLE2:
        raise UnreadableFileError(
            str(path),
            "这是加密的 Office 文件或旧版 .doc/.xls 文件，无法读取",
            "请去掉密码保护，或在 Word/Excel 中另存为 .docx/.xlsx 后再读取",
        )
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff":  # PNG, JPEG: a scan
        from yusuan.readers.ocr import read_image

        return read_image(p, data)
    from yusuan.readers.html import looks_like_html, read_html  # lxml only once a page is read

    if looks_like_html(data):  # a web page, or a text extraction made of HTML tables
        return read_html(p, data)
    return read_text(p, data)


def _read_bytes(path: str | Path) -> bytes:
    p = Path(path)
    if not p.exists():
        raise UnreadableFileError(str(path), "文件不存在", "请检查路径是否正确")
    if p.is_dir():
        raise UnreadableFileError(str(path), "这是一个文件夹，不是文件", "请指定具体的文件")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(str(path), f"无法读取文件（{exc.strerror}）") from exc


_WORD_SUFFIXES = {".docx", ".docm", ".dotx", ".dotm"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}


def _office_kind(path: Path, data: bytes) -> str:
    """``docx`` or ``xlsx`` by the members of the ZIP container, not by the file name. A
    container too damaged to list goes by its suffix, so that its reader names the damage."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
    ) as exc:
        suffix = path.suffix.lower()
        if suffix in _WORD_SUFFIXES:
            return "docx"
        if suffix in _EXCEL_SUFFIXES:
            return "xlsx"
        raise UnreadableFileError(
            str(path), "文件已损坏或不完整，无法作为 DOCX/XLSX 打开", "请重新导出或下载该文件"
        ) from exc
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return ""


def _read_office(path: Path, data: bytes) -> TextDocument:
    kind = _office_kind(path, data)
    if kind == "docx":
        from yusuan.readers.docx import read_docx

        return read_docx(path, data)
    if kind == "xlsx":
        reader = _xlsx_reader()
        if reader is not None:
            return reader(path, data)
        raise UnreadableFileError(
            str(path), "暂不支持直接读取 XLSX", "请先导出为文本，XLSX 读取功能正在开发中"
        )
    raise UnreadableFileError(
        str(path),
        "这是一个压缩文件，但不是 Word（.docx）或 Excel（.xlsx）文件",
        "请提供预算公开文件本身（文本、DOCX 或 XLSX）",
    )


def _read_pdf(path: Path, data: bytes) -> TextDocument:
    """A PDF by its text layer; a scanned PDF (no text layer) by OCR once ``readers.ocr``
    exists (it is written separately)."""
    from yusuan.readers.pdf import ScannedPdfError, read_pdf

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
