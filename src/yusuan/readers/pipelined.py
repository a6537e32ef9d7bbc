"""Pages read two at a time: one page's Python and OpenCV work runs while the other's models
run, so both cores stay busy on a scan. The pages are still taken from their source one by one
(rendering is not thread-safe) and at most ``workers`` are held at once, so memory stays that
of ``workers`` pages whatever the document's length; results come back in page order."""

from __future__ import annotations

import ctypes
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def page_workers() -> int:
    """Pages read at once: one per core, at most two (each page in flight holds its images and
    the models' working memory; ``YUSUAN_OCR_PAGE_THREADS`` overrides)."""
    configured = os.environ.get("YUSUAN_OCR_PAGE_THREADS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(2, os.cpu_count() or 1))


def pipelined(
    items: Iterable[Item], work: Callable[[Item], Result], workers: int
) -> Iterator[Result]:
    """``work`` applied to each item, ``workers`` items at a time, in the items' order."""
    if workers <= 1:
        for item in items:
            result = work(item)
            return_freed_memory()
            yield result
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr-page") as pool:
        pending: deque[Future[Result]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(work, item))
                if len(pending) >= workers:
                    result = pending.popleft().result()
                    return_freed_memory()
                    yield result
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:  # an error or an abandoned reading: drop the pages queued
                future.cancel()


def return_freed_memory() -> None:
    """Give the memory freed by a page back to the system. The models' working buffers are
    allocated and freed by the hundred megabytes per page; glibc keeps freed blocks for reuse,
    and the process would hold its largest page's memory, and more, from then on. A no-op
    where the C library is not glibc."""
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
