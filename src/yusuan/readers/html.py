"""Read an HTML page into lines: paragraphs, headings and table rows in document order.

This is what a bureau's website publishes, what Word's "save as web page" writes and what
``render/html.py`` writes. Lines are made as a browser lays the page out:

* Block elements (``p``, ``div``, ``h1``…``h6``, ``li``, ``section`` …) and ``<br>`` end a line;
  inline elements (``span``, ``b``, ``a`` …) continue it. Runs of whitespace collapse to one space
  as a browser shows them (``<pre>`` keeps its own); ``&nbsp;`` reads as a space, and as nothing
  at the ends of a line or cell, so a cell holding only ``&nbsp;`` is blank. Entities are
  unescaped.
* A ``<table>`` row becomes one line whose ``cells`` hold one entry per column of the table grid,
  as ``readers/docx.py`` reads a Word table: a cell spanning columns or rows (``colspan``,
  ``rowspan``) stands in its first (top-left) position and the positions it covers are ``''``;
  rows are padded to the width of the table. Paragraphs and ``<br>`` inside a cell are joined with
  ``\\n``. A table that holds other tables, or has a single column, is page layout, not data: its
  cells are read as blocks and the tables inside it as tables.
* Nothing a browser does not show is read: ``<head>`` (the ``<title>`` too), scripts, styles,
  templates, form controls, images (a chart's ``alt`` repeats its caption), navigation
  (``<nav>``: a site's menus, or a page's table of contents as links, which reads like the
  headings it links to without the dot leaders that mark a printed 目录), elements with the
  ``hidden`` attribute or hidden by CSS. CSS is honoured where it decides what is a line: the
  ``style`` attribute and the page's own ``<style>`` rules (selectors made of tag, ``.class``,
  ``#id``, descendant and ``>``; ``@media`` blocks are skipped) that set ``display`` (``none``,
  block or inline; the children of a flex or grid container are blocks of their own) or hide
  with ``visibility``. External stylesheets are not loaded.
* ``number`` is the line in the HTML source where the line's text (for a table row: its ``<tr>``)
  starts, so a cited source points into the file as an editor or the web view shows it. (libxml2
  counts source lines up to 65,535; later lines all read as 65,535.)

The encoding comes from a byte order mark, else the page's ``<meta charset>`` (or
``http-equiv``) when the bytes decode in it, else the project's detection
(``readers/encoding.py``). A text extraction whose tables are HTML (a PDF-to-Markdown conversion
writing ``<table>`` blocks; see ``looks_like_html``) is read as a fragment: its line breaks
outside tables end lines, and Markdown marks and watermark lines are dropped as
``readers/text.py`` drops them.

The page is told from text by ``html_detect``, decoded by ``html_encoding`` and laid out into lines
by ``html_layout`` (with the CSS that decides lines read by ``html_css``); this module parses it.

Parsing is libxml2's HTML parser through lxml: forgiving of the tag soup of real web pages
(unclosed ``<p>``/``<td>``, stray end tags) and fast.
"""

from __future__ import annotations

from pathlib import Path

from yusuan.errors import UnreadableFileError
from yusuan.readers.html_detect import _DOCUMENT_START
from yusuan.readers.html_encoding import decode_html
from yusuan.readers.html_layout import _Reader
from yusuan.readers.limits import check_html
from yusuan.readers.text import Line, TextDocument, _clean_markdown, _watermarks

__all__ = ["read_html"]

STYLE = "html"
MAX_DEPTH = 256  # libxml2's nesting limit without XML_PARSE_HUGE: a deeper page is refused

# --- reading ---------------------------------------------------------------------------------

_DAMAGED_MESSAGE = "网页文件已损坏或不是有效的 HTML，无法读取"
_DAMAGED_HINT = "请重新下载该网页，或在浏览器中打开后另存为“网页，仅 HTML”"


def read_html(path: str | Path, data: bytes) -> TextDocument:
    """Lines of an HTML page (see the module docstring). Raises ``UnreadableFileError`` (Chinese
    message) when the page cannot be decoded or parsed, or shows no text."""
    from lxml import etree

    name = str(path)
    text, encoding = decode_html(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    check_html(name, text)
    fragment = not _DOCUMENT_START.match(text.lstrip("\ufeff \t\n\f"))
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except (etree.LxmlError, ValueError) as exc:
        raise UnreadableFileError(name, _DAMAGED_MESSAGE, _DAMAGED_HINT) from exc
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):  # libxml2's limits
        raise UnreadableFileError(
            name, f"网页元素嵌套过深（超过 {MAX_DEPTH} 层）或过大，无法读取", _DAMAGED_HINT
        )
    if root is None:
        raise UnreadableFileError(name, "网页中没有任何内容", "请确认下载或上传的文件是否完整")
    try:
        lines = _Reader(root, fragment).lines(root)
    except RecursionError as exc:  # elements nested thousands deep: not a real page
        raise UnreadableFileError(name, _DAMAGED_MESSAGE, _DAMAGED_HINT) from exc
    if fragment:  # a text extraction with HTML tables: clean it as readers/text.py does
        marks = _watermarks([line.text for line in lines if line.cells is None])
        lines = [
            line if line.cells is not None else Line(line.number, _clean_markdown(line.text))
            for line in lines
            if line.cells is not None or line.text.strip() not in marks
        ]
    if not any(line.compact for line in lines):
        raise UnreadableFileError(name, "网页中没有可读取的文字", "请确认下载或上传的文件是否完整")
    return TextDocument(name, lines, STYLE, encoding)
