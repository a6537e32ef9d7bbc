"""How the web app names, serves and labels the kinds of file it accepts. What a file *is* is
decided by its content, in one place (``yusuan.readers.kinds``)."""

from __future__ import annotations

from yusuan.errors import YusuanError
from yusuan.readers.kinds import kind_of

__all__ = ["KIND_LABELS", "MEDIA_TYPES", "SUFFIXES", "media_type"]

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


def media_type(data: bytes) -> str:
    """The media type a stored file is served with (by its content; reads no PDF)."""
    try:
        return MEDIA_TYPES[kind_of(data)]
    except YusuanError:  # empty, or an unknown or damaged container: served as bytes
        return "application/octet-stream"
