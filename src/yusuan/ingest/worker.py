"""The per-document work, the same on every engine: read, check, build the record, write it.

``process`` runs in a worker process (local pool or Dask worker) and writes to the database
itself, one transaction per document, so nothing but a small ``Outcome`` travels back. Whatever
goes wrong with one document is recorded as its failure, in Chinese, and the batch goes on. The
cross-year step is not done here: the record carries the document's unit code and 比上年 claims,
and the coordinator links and checks the stored documents many at a time (``run.link_pending``).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

import yusuan
import yusuan.checks  # loaded before the first document, also in preloaded workers
import yusuan.crossyear
import yusuan.recognize.document
from yusuan.derive.record import FileInfo, to_record
from yusuan.errors import YusuanError
from yusuan.ingest.jobs import Job, Outcome
from yusuan.store.db import Store, open_store
from yusuan.store.writer import save_failure, save_record

_stores: dict[str, Store] = {}


def store_for(url: str) -> Store:
    """This process's store for ``url``: one engine per process, opened on first use (the schema
    is brought up to date once, by whoever starts the ingest)."""
    store = _stores.get(url)
    if store is None:
        store = _stores[url] = open_store(url, upgrade=False)
    return store


def close_stores() -> None:
    while _stores:
        _stores.popitem()[1].close()


def _database_reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None) or exc
    first = str(original).strip().splitlines()[0] if str(original).strip() else ""
    return f"写入数据库失败（{type(original).__name__}：{first}）"


def _fail(store: Store, info: FileInfo, reason: str, started: float) -> Outcome:
    info.seconds = time.perf_counter() - started
    try:
        save_failure(store, info, reason)
    except SQLAlchemyError as exc:  # not even the failure can be recorded: a re-run tries again
        reason = f"{reason}；{_database_reason(exc)}，未记录"
    return Outcome(info.path, info.sha256, "failed", reason, info.seconds)


def process(job: Job, url: str) -> Outcome:
    """Read, check and store one file; never raises for a problem of the document itself."""
    cpu = time.process_time()
    outcome = _process(job, url, time.perf_counter())
    outcome.cpu = time.process_time() - cpu
    return outcome


def _process(job: Job, url: str, started: float) -> Outcome:
    store = store_for(url)
    data = job.data
    if data is None:
        try:
            data = Path(job.path).read_bytes()
        except OSError as exc:
            info = FileInfo(job.path, job.sha256, job.size)
            return _fail(store, info, f"{job.path}：无法读取文件（{exc.strerror}）", started)
    # The hash of the bytes actually read: a file changed since it was listed is stored as it is.
    info = FileInfo(job.path, hashlib.sha256(data).hexdigest(), len(data))
    try:
        disclosure = yusuan.read(job.path, data)
        report = yusuan.check(disclosure)
        info.seconds = time.perf_counter() - started
        record = to_record(disclosure, report, info)
    except YusuanError as exc:
        return _fail(store, info, exc.describe(), started)
    except Exception as exc:  # a defect met on one document must not stop the batch
        reason = (
            f"{job.path}：处理时发生意外错误（{type(exc).__name__}：{exc}），请把该文件报告给开发者"
        )
        return _fail(store, info, reason, started)
    try:
        saved = save_record(store, record)
    except SQLAlchemyError as exc:
        return _fail(store, info, f"{job.path}：{_database_reason(exc)}", started)
    return Outcome(
        info.path, info.sha256, saved.status, saved.message,
        time.perf_counter() - started, saved.disclosure_id,
    )  # fmt: skip
