"""The command line's progress for long readings (OCR of a scanned PDF): "第 N/M 页，预计剩余 X 秒"
on standard error, rewritten in place on a terminal, a line every few pages otherwise (a log).

Readers report pages through ``yusuan.readers.progress``; nothing is shown for a reading that
reports none (text, DOCX, a PDF with a text layer)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from yusuan.readers.progress import reporting

LOG_EVERY_SECONDS = 5.0  # without a terminal, at most a line this often


def describe(name: str, done: int, total: int, elapsed: float) -> str:
    """The progress line after ``done`` of ``total`` pages in ``elapsed`` seconds."""
    text = f"正在识别 {name}：第 {min(done + 1, total)}/{total} 页"
    if done > 0:
        left = elapsed / done * (total - done)
        text += f"，预计剩余 {left:.0f} 秒"
    return text


@contextmanager
def page_progress(name: str, stream: TextIO | None = None) -> Iterator[None]:
    """Show the pages read within the block."""
    out = stream or sys.stderr
    live = out.isatty()
    start = time.monotonic()
    shown = {"any": False, "at": -LOG_EVERY_SECONDS}

    def listen(done: int, total: int) -> None:
        now = time.monotonic()
        if not live and now - shown["at"] < LOG_EVERY_SECONDS:
            return
        line = describe(name, done, total, now - start)
        out.write(f"\r\x1b[K{line}" if live else f"{line}\n")
        out.flush()
        shown["any"], shown["at"] = True, now

    try:
        with reporting(listen):
            yield
    finally:
        if live and shown["any"]:
            out.write("\r\x1b[K")
            out.flush()
