"""The source lines shown beside a document (``yusuan.readers.sourcelines``): kept with the
document when it is uploaded, read again from its stored file in a reader process otherwise."""

from __future__ import annotations

from pathlib import Path

from yusuan.errors import YusuanError
from yusuan.pipeline import Failed
from yusuan.readers.sourcelines import SourceLine, file_lines, pack, unpack
from yusuan.web.reading import Readers, Task

__all__ = ["SourceLine", "pack", "read_lines", "unpack"]


def read_lines(readers: Readers, path: Path) -> list[SourceLine] | None:
    """The lines of a stored source file; None when it is gone or unreadable."""
    try:
        lines: list[SourceLine] = readers.run(Task(file_lines, (path,), name=path.name))
    except (OSError, YusuanError, Failed):
        return None
    return lines
