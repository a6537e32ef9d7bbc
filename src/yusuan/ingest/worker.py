"""The per-document work, the same on every engine: the pipeline's read, check, derive and save
(``yusuan.pipeline``), and a failure recorded as such.

``process`` runs in a worker process (local pool or Dask worker) and writes to the database
itself, one transaction per document, so nothing but a small ``Outcome`` travels back. Whatever
goes wrong with one document is recorded as its failure, in Chinese, and the batch goes on. The
cross-year step is not done here: the record carries the document's unit code and 比上年 claims,
and the coordinator links and checks the stored documents many at a time (``run.link_pending``).
"""

from __future__ import annotations

import time

from sqlalchemy.exc import SQLAlchemyError

import yusuan.crossyear  # noqa: F401  (preloaded in forkserver workers, for the coordinator's step)
from yusuan import pipeline
from yusuan.derive.record import FileInfo
from yusuan.ingest.jobs import Job, Outcome
from yusuan.store.db import Store, open_store
from yusuan.store.writer import save_failure

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


def _fail(store: Store, info: FileInfo, reason: str, started: float) -> Outcome:
    info.seconds = time.perf_counter() - started
    try:
        save_failure(store, info, reason)
    except SQLAlchemyError as exc:  # not even the failure can be recorded: a re-run tries again
        reason = f"{reason}；{pipeline.database_reason(exc)}，未记录"
    return Outcome(info.path, info.sha256, "failed", reason, info.seconds)


def process(job: Job, url: str) -> Outcome:
    """Read, check and store one file; never raises for a problem of the document itself."""
    cpu = time.process_time()
    outcome = _process(job, url, time.perf_counter())
    outcome.cpu = time.process_time() - cpu
    return outcome


def _process(job: Job, url: str, started: float) -> Outcome:
    store = store_for(url)
    try:
        analysed = pipeline.analyse(job.path, job.data, started=started)
        saved = pipeline.save(store, analysed)
    except pipeline.Failed as failed:
        info = failed.file or FileInfo(job.path, job.sha256, job.size)
        return _fail(store, info, failed.reason, started)
    return Outcome(
        job.path, analysed.file.sha256, saved.status, saved.message,
        time.perf_counter() - started, saved.disclosure_id,
    )  # fmt: skip
