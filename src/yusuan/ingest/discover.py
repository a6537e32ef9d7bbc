"""Which files an ingest reads: the files named and every file under the folders named.

Formats are decided by content (``yusuan.readers.load``), not by suffix, so every regular file is a
candidate except hidden files and folders and the temporary files editors, office suites and
browsers leave behind. A file named explicitly is always taken.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from yusuan.errors import YusuanError

_TEMP_PREFIXES = (".", "~")  # hidden files, Office lock files (~$), editor temporaries
_TEMP_SUFFIXES = (
    "~", ".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", ".swo",
    ".lock", ".bak",
)  # fmt: skip
_SYSTEM_FILES = {"thumbs.db", "desktop.ini"}


class MissingPathError(YusuanError):
    """A path given on the command line does not exist."""


def is_temporary(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered.startswith(_TEMP_PREFIXES)
        or lowered.endswith(_TEMP_SUFFIXES)
        or lowered in _SYSTEM_FILES
    )


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """The files to ingest, each once, folders walked recursively in name order. Raises
    ``MissingPathError`` naming the first path that does not exist."""
    found: dict[Path, None] = {}
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise MissingPathError(str(given), "路径不存在", "请检查文件或文件夹的名称和位置")
        if path.is_dir():
            for file in _walk(path):
                found.setdefault(file, None)
        else:
            found.setdefault(path, None)
    return list(found)


def _walk(folder: Path) -> Iterable[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        for name in sorted(files):
            path = Path(root, name)
            if not is_temporary(name) and path.is_file():
                yield path


def sha256_file(path: Path) -> tuple[str, int]:
    """The SHA-256 of a file's content and its size, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
