"""One pipeline from a file to the store: read → check → derive (``analyse``), then ``save``.

Ingest (``yusuan.ingest.worker``), the web upload (``yusuan.web.uploads``) and the web's budget
drafts (``yusuan.web.drafts``, which build instead of read) go through these functions, so a
document is read, checked and stored the same way everywhere, and its errors read the same:
a ``YusuanError`` as its Chinese ``describe()``, anything unexpected as a Chinese message naming
the file. ``analyse`` holds no state and returns plain values (``Analysed`` pickles cheaply), so
it runs as well in a worker process as here; the web app always runs it in one
(``yusuan.web.reading``), because PDFium, which reads PDFs, is not thread-safe.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

import yusuan
import yusuan.checks  # the rules, loaded before the first document (also in preloaded workers)
from yusuan.derive.record import DocumentRecord, FileInfo, to_record
from yusuan.errors import YusuanError
from yusuan.readers import kind_of, load
from yusuan.readers.sourcelines import lines_of, pack
from yusuan.recognize.document import recognize

if TYPE_CHECKING:
    from yusuan.checks.report import Report
    from yusuan.model import Disclosure
    from yusuan.store.db import Store
    from yusuan.store.writer import Saved

log = logging.getLogger(__name__)


class Failed(Exception):
    """A document that could not be read, checked or stored. ``reason`` is the Chinese message
    (it names the file); ``file`` what is known of the file (None when its bytes could not be
    read)."""

    def __init__(self, reason: str, file: FileInfo | None = None) -> None:
        super().__init__(reason, file)  # both in args: the exception pickles back from a worker
        self.reason = reason
        self.file = file

    def __str__(self) -> str:
        return self.reason


@dataclass(slots=True)
class Analysed:
    """A document read, checked and turned into its store record, with the source lines the web
    app shows beside it (packed, ``readers.sourcelines.pack``) when they were asked for."""

    record: DocumentRecord
    lines_gz: bytes | None = None

    @property
    def file(self) -> FileInfo:
        return self.record.file

    @property
    def counts(self) -> dict[str, int]:
        return self.record.counts


def describe(exc: BaseException, name: str) -> str:
    """The one message of an error met on the document ``name``: a ``YusuanError`` as its
    ``describe()`` (naming ``name``, which may differ from the path it was read under), anything
    else as an unexpected error to report."""
    if isinstance(exc, YusuanError):
        return f"{name}：{exc.message}" + (f"。{exc.hint}" if exc.hint else "")
    return f"{name}：处理时发生意外错误（{type(exc).__name__}：{exc}），请把该文件报告给开发者"


def database_reason(exc: SQLAlchemyError) -> str:
    """What went wrong writing to the database, in a few words, for a failure's message."""
    original = getattr(exc, "orig", None) or exc
    first = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"写入数据库失败（{type(original).__name__}：{first}）"


def _fail(exc: Exception, name: str, file: FileInfo | None) -> Failed:
    if not isinstance(exc, YusuanError):  # a defect met on one document: keep its traceback
        log.error("processing %s failed", name, exc_info=exc)
    return Failed(describe(exc, name), file)


def check(disclosure: Disclosure, name: str) -> Report:
    """The check stage: every registered rule over the disclosure; ``Failed`` when a rule breaks."""
    try:
        return yusuan.check(disclosure)
    except Exception as exc:
        raise _fail(exc, name, None) from None


def analyse(
    path: str | Path, data: bytes | None = None, *, name: str | None = None, lines: bool = False,
    started: float | None = None,
) -> Analysed:  # fmt: skip
    """Read the file (``data``, the content of ``path``; else read from ``path``), check it and
    build its store record. ``name``: the file as messages call it (default ``path``); ``lines``:
    keep the source lines the web app shows; ``started``: the ``perf_counter`` the record's time
    counts from. Raises ``Failed`` only."""
    started = time.perf_counter() if started is None else started
    shown = str(path) if name is None else name
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise Failed(f"{shown}：无法读取文件（{exc.strerror}）") from None
    # The hash of the bytes actually read: a file changed since it was listed is stored as it is.
    info = FileInfo(str(path), hashlib.sha256(data).hexdigest(), len(data))
    try:
        document = load(path, data)
        disclosure = recognize(document)
        report = yusuan.check(disclosure)
        info.seconds = time.perf_counter() - started
        record = to_record(disclosure, report, info)
        packed = pack(lines_of(document, data, kind_of(data, path))) if lines else None
    except Exception as exc:
        raise _fail(exc, shown, info) from None
    return Analysed(record, packed)


def save(store: Store, analysed: Analysed, name: str | None = None) -> Saved:
    """Write the record in its own transaction (``store.writer.save_record``): stored, or skipped
    when its content is stored already. ``Failed`` when the database refuses it."""
    from yusuan.store.writer import save_record

    try:
        return save_record(store, analysed.record)
    except SQLAlchemyError as exc:
        shown = analysed.file.path if name is None else name
        raise Failed(f"{shown}：{database_reason(exc)}", analysed.file) from None


# --- worker processes -------------------------------------------------------------------------


def prepare_worker() -> None:
    """Initializer of a process that runs ``analyse`` for another (the web app's readers): Ctrl-C
    is the parent's to handle, and the process exits at once when its parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        sentinel = parent.sentinel

        def watch() -> None:
            multiprocessing.connection.wait([sentinel])
            os._exit(1)  # nothing to clean up: a reader writes nothing

        threading.Thread(target=watch, name="yusuan-parent-watch", daemon=True).start()
    gc.freeze()  # the preloaded modules stay: collections need not walk them again
