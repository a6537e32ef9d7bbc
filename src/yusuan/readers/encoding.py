"""Turn the bytes of a text file into ``str``: detect the encoding, never assume it."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from yusuan.errors import UnreadableFileError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _guess_utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM has a NUL in every other byte for ASCII; CJK text does not,
    so look at the newlines, which every disclosure has many of."""
    if b"\x00" not in data:  # no NUL at all: not UTF-16 (the common case, answered at once)
        return None
    even, odd = data[0::2], data[1::2]
    even_nl = even.count(b"\n") + even.count(b"\r")
    odd_nl = odd.count(b"\n") + odd.count(b"\r")
    zero_even, zero_odd = even.count(0), odd.count(0)
    if odd_nl == 0 and even_nl > 2 and zero_odd >= even_nl:
        return "utf-16-le"
    if even_nl == 0 and odd_nl > 2 and zero_even >= odd_nl:
        return "utf-16-be"
    return None


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Return (text, encoding name). Raise ``UnreadableFileError`` for empty or binary data."""
    if not data or data.isspace():  # (what ``not data.strip()`` says, without the copy)
        raise UnreadableFileError(path, "文件为空", "请确认导出或上传的文件是否完整")
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name), name
    utf16 = _guess_utf16_without_bom(data)
    if utf16:
        return data.decode(utf16), utf16
    if b"\x00" in data:
        raise UnreadableFileError(
            path, "不是文本文件（含二进制内容）", "请提供文本、PDF、DOCX 或 XLSX 格式的预算公开文件"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312; it is what Chinese Windows tools write.
        text = data.decode("gb18030")
        if _looks_like_text(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or not _looks_like_text(str(best)):
        raise UnreadableFileError(
            path, "无法识别文件编码", "请将文件另存为 UTF-8 或 GB18030 编码的文本"
        )
    return str(best), best.encoding


def _looks_like_text(text: str) -> bool:
    """Reject decodings that are mostly control characters (binary read as text)."""
    sample = text[:4000]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls / len(sample) < 0.01
