"""What an uploaded file is, decided by its content (never by its name), and how many pages.

The kinds are those the project's readers accept (``yusuan.readers.load`` decides the same way):
PDF, DOCX, XLSX, text extractions in any encoding the readers detect, and PNG/JPEG page scans.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from yusuan.errors import UnreadableFileError
from yusuan.readers.encoding import decode_text

SUFFIXES = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "text": ".txt", "html": ".html",
            "png": ".png", "jpeg": ".jpg"}  # fmt: skip
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text": "text/plain; charset=utf-8",
    "html": "text/plain; charset=utf-8",  # an uploaded page is shown as its source, never run
    "png": "image/png",
    "jpeg": "image/jpeg",
}
KIND_LABELS = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "text": "文本", "html": "网页",
               "png": "图片", "jpeg": "图片"}  # fmt: skip
TEXT_KINDS = ("text", "html")  # shown as their own source lines
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TEXT_LINES_PER_PAGE = 60  # text without form feeds: pages as printed
_DOCX_PAGES = re.compile(rb"<(?:\w+:)?Pages>(\d+)</(?:\w+:)?Pages>")


class UnsupportedFile(Exception):
    """The content is not a kind the readers accept; the message says what to do, in Chinese."""


@dataclass(slots=True)
class FileKind:
    kind: str
    pages: int | None  # None when the format does not say


def _zip_members(data: bytes) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnsupportedFile("文件已损坏或不完整，无法作为 DOCX/XLSX 打开，请重新导出") from exc


def sniff(data: bytes) -> str:
    """The kind of the content; raises ``UnsupportedFile``."""
    if not data.strip():
        raise UnsupportedFile("文件为空，请确认导出或上传的文件是否完整")
    if data[:5] == b"%PDF-" or (b"%PDF-" in data[:1024] and b"%%EOF" in data[-2048:]):
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        members = _zip_members(data)
        if "word/document.xml" in members:
            return "docx"
        if "xl/workbook.xml" in members:
            return "xlsx"
        raise UnsupportedFile("这是一个压缩文件，但不是 Word（.docx）或 Excel（.xlsx）文件")
    if data[:8] == _OLE2:
        raise UnsupportedFile("这是加密的 Office 文件或旧版 .doc/.xls 文件，请另存为 .docx/.xlsx")
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    try:
        decode_text(data, "upload")
    except UnreadableFileError as exc:
        raise UnsupportedFile(
            f"无法识别的文件类型（{exc.message}），请上传文本、PDF、DOCX、XLSX 或扫描图片"
        ) from exc
    from yusuan.readers.html import looks_like_html

    return "html" if looks_like_html(data) else "text"


def count_pages(kind: str, data: bytes) -> int | None:
    if kind == "pdf":
        import pypdfium2 as pdfium

        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return None  # the reader will say what is wrong with it
        try:
            return len(document)
        finally:
            document.close()
    if kind == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            try:
                found = _DOCX_PAGES.search(archive.read("docProps/app.xml"))
            except KeyError:
                return None
        return int(found.group(1)) if found else None
    if kind == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            workbook = archive.read("xl/workbook.xml")
        return max(1, workbook.count(b"<sheet ") + workbook.count(b":sheet "))
    if kind in TEXT_KINDS:
        text, _ = decode_text(data, "upload")
        feeds = text.count("\f")
        if feeds:
            return feeds + 1
        return max(1, -(-text.count("\n") // _TEXT_LINES_PER_PAGE))
    return 1  # an image is one page


def identify(data: bytes) -> FileKind:
    kind = sniff(data)
    return FileKind(kind, count_pages(kind, data))
