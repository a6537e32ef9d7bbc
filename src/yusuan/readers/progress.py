"""Progress of a long reading, for whoever waits on it (the work queue shows "第 N / M 页").

A reader that works page by page (OCR) calls ``report_page(done, total)`` before each page; it
costs nothing when nobody listens. A caller listens for the length of a block::

    with reporting(lambda done, total: print(done, total)):
        read_scanned_pdf(path)

The listener is a context variable: it belongs to the thread (or task) that set it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

log = logging.getLogger(__name__)
Listener = Callable[[int, int], None]
_listener: ContextVar[Listener | None] = ContextVar("yusuan_reading_progress", default=None)


def report_page(done: int, total: int) -> None:
    """``done`` of ``total`` pages are read; a failing listener never stops the reading."""
    listener = _listener.get()
    if listener is None:
        return
    try:
        listener(done, total)
    except Exception:
        log.warning("progress listener failed", exc_info=True)


@contextmanager
def reporting(listener: Listener) -> Iterator[None]:
    """Send the pages read within the block to ``listener(done, total)``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
