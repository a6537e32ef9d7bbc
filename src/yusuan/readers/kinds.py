"""What a file is, decided by its content, never by its name: the one detector behind
``readers.load`` and the web upload.

``kind_of`` answers from the first and last bytes alone (and a ZIP container's member list); it
is what ``load`` calls before every read, so it decodes nothing. ``sniff`` adds the page count an
upload is limited by, and makes sure text is text. A PDF's pages are counted with PDFium, which is
not thread-safe: a server calls ``sniff`` in a worker process, as it reads (``yusuan.pipeline``).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from yusuan.errors import UnreadableFileError

KINDS = ("pdf", "docx", "xlsx", "text", "html", "png", "jpeg")
TEXT_KINDS = ("text", "html")  # read (and shown) as the lines the file holds
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy .doc/.xls, encrypted Office
_WORD_SUFFIXES = {".docx", ".docm", ".dotx", ".dotm"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
               NotImplementedError, KeyError)  # fmt: skip
_TEXT_LINES_PER_PAGE = 60  # text without form feeds: pages as printed
_DOCX_PAGES = re.compile(rb"<(?:\w+:)?Pages>(\d+)</(?:\w+:)?Pages>")


@dataclass(frozen=True, slots=True)
class FileKind:
    kind: str  # one of KINDS
    pages: int | None  # None when the format does not say


def is_pdf(data: bytes) -> bool:
    """A PDF, also with up to 1 KB before its header (as some generators write)."""
    return data[:5] == b"%PDF-" or (b"%PDF-" in data[:1024] and b"%%EOF" in data[-2048:])


def kind_of(data: bytes, name: str | PurePath = "") -> str:
    """The kind of ``data`` (one of ``KINDS``); ``UnreadableFileError`` naming ``name`` when the
    content is no kind the readers accept. ``name`` decides only for a ZIP container too damaged
    to list (its suffix then says which reader names the damage)."""
    if not data or data.isspace():
        raise UnreadableFileError(str(name), "文件为空", "请确认导出或上传的文件是否完整")
    if is_pdf(data):
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return _office_kind(data, name)
    if data[:8] == _OLE2:
        raise UnreadableFileError(
            str(name),
            "这是加密的 Office 文件或旧版 .doc/.xls 文件，无法读取",
            "请去掉密码保护，或在 Word/Excel 中另存为 .docx/.xlsx 后再读取",
        )
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    from yusuan.readers.html_detect import looks_like_html  # lxml only once a page is read

    return "html" if looks_like_html(data) else "text"


def _office_kind(data: bytes, name: str | PurePath) -> str:
    """``docx`` or ``xlsx`` by the members of the ZIP container."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = set(archive.namelist())
    except _ZIP_ERRORS as exc:
        suffix = PurePath(name).suffix.lower() if name else ""
        if suffix in _WORD_SUFFIXES:
            return "docx"
        if suffix in _EXCEL_SUFFIXES:
            return "xlsx"
        raise UnreadableFileError(
            str(name), "文件已损坏或不完整，无法作为 DOCX/XLSX 打开", "请重新导出或下载该文件"
        ) from exc
    if "word/document.xml" in members:
        return "docx"
    if "xl/workbook.xml" in members:
        return "xlsx"
    raise UnreadableFileError(
        str(name),
        "这是一个压缩文件，但不是 Word（.docx）或 Excel（.xlsx）文件",
        "请提供预算公开文件本身（文本、PDF、DOCX 或 XLSX）",
    )


def sniff(data: bytes, name: str | Path = "") -> FileKind:
    """The kind of ``data`` and its number of pages; ``UnreadableFileError`` when it is no kind
    the readers accept (text that cannot be decoded included)."""
    kind = kind_of(data, name)
    return FileKind(kind, count_pages(kind, data, name))


def count_pages(kind: str, data: bytes, name: str | PurePath = "") -> int | None:
    """PDF pages, DOCX pages (as Word last counted them), XLSX sheets, text pages (form feeds,
    else 60 lines a page), 1 for an image; None when the file does not say."""
    if kind == "pdf":
        return _pdf_pages(data)
    if kind in ("docx", "xlsx"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if kind == "xlsx":
                    workbook = archive.read("xl/workbook.xml")
                    return max(1, workbook.count(b"<sheet ") + workbook.count(b":sheet "))
                found = _DOCX_PAGES.search(archive.read("docProps/app.xml"))
        except _ZIP_ERRORS:
            return None  # the reader will say what is wrong with it
        return int(found.group(1)) if found else None
    if kind in TEXT_KINDS:
        from yusuan.readers.encoding import decode_text

        try:
            text, _ = decode_text(data, str(name))
        except UnreadableFileError as exc:
            raise UnreadableFileError(
                str(name), f"无法识别的文件类型（{exc.message}）",
                "请提供文本、PDF、DOCX、XLSX 或扫描图片",
            ) from exc  # fmt: skip
        feeds = text.count("\f")
        if feeds:
            return feeds + 1
        return max(1, -(-text.count("\n") // _TEXT_LINES_PER_PAGE))
    return 1  # an image is one page


def _pdf_pages(data: bytes) -> int | None:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None  # the reader will say what is wrong with it
    try:
        return len(document)
    finally:
        document.close()
