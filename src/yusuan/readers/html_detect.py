"""Telling an HTML page from text by its content alone (``looks_like_html``): a page's start,
or tables written as tags making up much of a text extraction.
"""

from __future__ import annotations

import codecs
import re

_SNIFF_BYTES = 64 * 1024  # "early": a page's table starts within its first 64 KB
_DOCUMENT_START = re.compile(
    r"(?:<\?xml[^>]*>\s*|<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>/]", re.I | re.S
)
_TABLE_TAG = re.compile(r"<table[\s>]", re.I)
_TABLE_END = re.compile(r"</table\s*>", re.I)
_CELL_TAG = re.compile(r"<t[dh][\s>/]", re.I)


def _sniff_text(data: bytes) -> str:
    """The first 64 KB as text good enough to look for tags in: decoded when a BOM or the
    NULs of UTF-16 say how, else as Latin-1 (every encoding a page uses keeps ASCII as is)."""
    head = data[:_SNIFF_BYTES]
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(name, "ignore")
    if head[:200].count(0) > 40:  # UTF-16 without a BOM: ASCII with a NUL beside every byte
        even = head[0::2].count(0) < head[1::2].count(0)
        return head.decode("utf-16-le" if even else "utf-16-be", "ignore")
    return head.decode("latin-1")


def looks_like_html(data: bytes) -> bool:
    """Whether ``data`` is an HTML page, decided by its content alone.

    A page starts (after a BOM, whitespace, comments and an XML declaration) with
    ``<!DOCTYPE html``, ``<html``, ``<head`` or ``<body``. Text without that start is HTML when
    tables written as tags (``<table>`` with cells) make up at least a quarter of its first
    64 KB: a Markdown conversion whose tables are HTML. Text extractions that carry a few tags
    (``<b>``, ``<p>``) or an odd table fragment stay text."""
    head = _sniff_text(data).lstrip("\ufeff \t\r\n\f")
    if _DOCUMENT_START.match(head):
        return True
    inside = end = 0
    for table in _TABLE_TAG.finditer(head):
        if table.start() < end:
            continue  # a table nested in one already counted
        close = _TABLE_END.search(head, table.start())
        end = close.end() if close is not None else len(head)
        if len(_CELL_TAG.findall(head, table.start(), end)) >= 2:
            inside += end - table.start()
    return inside > 0 and inside >= len(head.strip()) / 4
