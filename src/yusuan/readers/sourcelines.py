"""The lines of a document's source file, numbered as the readers number them, so a finding's
cited line can be shown and highlighted beside the tables.

Text extractions are shown as the file holds them (any encoding the readers detect); PDF, DOCX,
XLSX and scanned pages as the lines the readers rebuilt (cells joined by tabs), with their page.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from yusuan.readers.encoding import decode_text
from yusuan.readers.kinds import TEXT_KINDS, kind_of
from yusuan.readers.text import TextDocument

MAX_LINE = 2000  # characters shown of one line


@dataclass(frozen=True, slots=True)
class SourceLine:
    number: int
    page: int | None
    text: str


def text_lines(data: bytes) -> list[SourceLine]:
    text, _ = decode_text(data, "source")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [SourceLine(i, None, line[:MAX_LINE]) for i, line in enumerate(text.split("\n"), 1)]


def document_lines(document: TextDocument) -> list[SourceLine]:
    return [
        SourceLine(
            line.number, line.page, ("\t".join(line.cells) if line.cells else line.text)[:MAX_LINE]
        )
        for line in document.lines
    ]


def lines_of(document: TextDocument, data: bytes, kind: str) -> list[SourceLine]:
    """The lines to show for a document the readers have just read from ``data``."""
    return text_lines(data) if kind in TEXT_KINDS else document_lines(document)


def file_lines(path: Path) -> list[SourceLine]:
    """The lines of a stored source file, read again (``OSError``, ``YusuanError``)."""
    from yusuan.readers import load

    data = path.read_bytes()
    if kind_of(data, path) in TEXT_KINDS:
        return text_lines(data)
    return document_lines(load(path, data))


def pack(lines: list[SourceLine]) -> bytes:
    rows = [[line.number, line.page, line.text] for line in lines]
    return gzip.compress(json.dumps(rows, ensure_ascii=False).encode("utf-8"), 6)


def unpack(blob: bytes) -> list[SourceLine]:
    return [SourceLine(int(n), p, str(t)) for n, p, t in json.loads(gzip.decompress(blob))]
