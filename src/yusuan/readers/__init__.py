"""Readers know file formats, not budgets: they turn a file into lines or cells with provenance."""

from __future__ import annotations

from pathlib import Path

from yusuan.errors import UnreadableFileError
from yusuan.readers.text import Line, TextDocument, read_text

__all__ = ["Line", "TextDocument", "load"]


def load(path: str | Path) -> TextDocument:
    """Read any supported file into a ``TextDocument``."""
    p = Path(path)
    if not p.exists():
        raise UnreadableFileError(str(path), "文件不存在", "请检查路径是否正确")
    if p.is_dir():
        raise UnreadableFileError(str(path), "这是一个文件夹，不是文件", "请指定具体的文件")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(str(path), f"无法读取文件（{exc.strerror}）") from exc
    if data[:5] == b"%PDF-":
        raise UnreadableFileError(
            str(path), "暂不支持直接读取 PDF", "请先导出为文本，PDF 读取功能正在开发中"
        )
    if data[:4] == b"PK\x03\x04":
        raise UnreadableFileError(
            str(path), "暂不支持直接读取 DOCX/XLSX", "请先导出为文本，Office 文件读取功能正在开发中"
        )
    return read_text(p, data)
