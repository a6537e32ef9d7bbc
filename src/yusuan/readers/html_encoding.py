"""The encoding of an HTML page: a byte order mark, else the page's ``<meta charset>`` (or
``http-equiv``) when the bytes decode in it, else the project's detection
(``readers/encoding.py``).
"""

from __future__ import annotations

import codecs
import re

from yusuan.readers.encoding import decode_text

_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_META_SCAN_BYTES = 8 * 1024
# Labels browsers read as another encoding (the WHATWG Encoding Standard): GB2312 and GBK pages
# are decoded as GBK's superset GB18030, Latin-1 as windows-1252.
_GBK_LABELS = (
    "gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "chinese", "csgb2312", "iso-ir-58",
    "cp936", "windows-936", "ms936", "gb18030", "euc-cn",
)  # fmt: skip
_SUPERSETS = {
    **dict.fromkeys(_GBK_LABELS, "gb18030"),
    **dict.fromkeys(("iso-8859-1", "latin1", "latin-1", "us-ascii", "ascii"), "cp1252"),
    **dict.fromkeys(("big5", "big5-hkscs", "x-x-big5", "cn-big5"), "big5hkscs"),
}


def declared_charset(data: bytes) -> str | None:
    """The Python codec named by the page's ``<meta charset>`` or ``http-equiv`` declaration in
    its first 8 KB, or None (no declaration, or a name Python does not know)."""
    found = _META_CHARSET.search(data[:_META_SCAN_BYTES])
    if found is None:
        return None
    label = found.group(1).decode("ascii").lower()
    if label.startswith(("utf-16", "utf-32", "ucs")):  # bytes that reach here are ASCII-based
        return "utf-8"
    if label in _SUPERSETS:
        return _SUPERSETS[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_html(data: bytes, path: str) -> tuple[str, str]:
    """(text, encoding) of a page: BOM, then the declared charset if the bytes decode in it,
    then ``decode_text``'s detection (UTF-8, GB18030, charset-normalizer)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, path)
    declared = declared_charset(data)
    if declared is not None and b"\x00" not in data[:_META_SCAN_BYTES]:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # a page mislabelled by its server or editor: detect
    return decode_text(data, path)
