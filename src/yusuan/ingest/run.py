"""One ingest run: list the files, skip the contents already stored, process the rest.

Files are hashed first (cheap) so a re-run, after a finished run or a killed one, sends only the
missing documents to the workers. Each worker writes each document in its own transaction, so a
run killed at any moment leaves every document either stored whole or not at all.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from yusuan.ingest.discover import discover, sha256_file
from yusuan.ingest.jobs import Job, Outcome
from yusuan.ingest.progress import IngestProgress
from yusuan.ingest.summary import Summary
from yusuan.store.db import open_store
from yusuan.store.writer import known_hashes

ENGINES = ("local", "dask")


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def ingest(
    paths: Iterable[str | Path],
    db: str | None = None,
    *,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    shared_paths: bool = False,
    retry_failed: bool = False,
    progress: IngestProgress | None = None,
) -> Summary:
    """Ingest every file under ``paths`` into the database ``db`` (see ``store.database_url``).

    Raises ``MissingPathError`` for a path that does not exist and ``StoreError`` when the
    database cannot be opened, before anything is processed. Problems of single documents never
    raise: they are recorded and listed in the summary."""
    started = time.perf_counter()
    workers = workers or default_workers()
    display = progress or IngestProgress(enabled=False)
    summary = Summary()
    files = discover(paths)
    summary.found = len(files)
    store = open_store(db)  # creates or upgrades the schema once, before any worker starts
    url = store.url
    try:
        known = known_hashes(store)
        if retry_failed:
            known -= known_hashes(store, "failed")
    finally:
        store.close()
    try:
        jobs = _new_jobs(files, known, summary, display)
        display.documents(len(jobs))

        def done(outcome: Outcome) -> None:
            summary.add(outcome)
            display.done()

        if jobs and engine == "dask":
            from yusuan.ingest.dask_engine import run_dask

            run_dask(jobs, url, done, scheduler=scheduler, workers=workers,
                     shared_paths=shared_paths)  # fmt: skip
        elif jobs:  # (no workers are started when everything is stored already)
            from yusuan.ingest.local import run_local

            run_local(jobs, url, workers, done)
        summary.relinked, summary.unlinked = link_pending(url)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        summary.seconds = time.perf_counter() - started
    return summary


def link_pending(url: str) -> tuple[int, int]:
    """The cross-year step (``crossyear.after_save``) for every stored disclosure without a year
    link: those of a run killed between a document and its link, or whose link lost a race with
    a concurrent writer. Returns how many were linked now and how many failed again."""
    from sqlalchemy import select

    from yusuan.crossyear import after_save
    from yusuan.store import schema as s

    store = open_store(url, upgrade=False)
    try:
        query = (
            select(s.Disclosure.id)
            .outerjoin(s.YearLink, s.YearLink.disclosure_id == s.Disclosure.id)
            .where(s.YearLink.disclosure_id.is_(None))
            .order_by(s.Disclosure.year, s.Disclosure.id)
        )
        with store.reader() as session:
            pending = list(session.scalars(query))
        failed = 0
        for disclosure_id in pending:
            try:
                after_save(store, disclosure_id)
            except Exception:  # reported in the summary; `yusuan links --relink` redoes all
                failed += 1
        return len(pending) - failed, failed
    finally:
        store.close()


def _new_jobs(
    files: list[Path], known: set[str], summary: Summary, display: IngestProgress
) -> list[Job]:
    """A job for each file whose content is not in the database yet, each content once."""
    jobs: list[Job] = []
    seen: set[str] = set()
    task = display.hashing(len(files))
    for path in files:
        name = str(path.absolute())
        try:
            sha256, size = sha256_file(path)
        except OSError as exc:
            summary.fail(name, f"{name}：无法读取文件（{exc.strerror}）")
            continue
        finally:
            display.hashed(task)
        if sha256 in known or sha256 in seen:
            summary.skipped += 1
            continue
        seen.add(sha256)
        jobs.append(Job(name, sha256, size))
    return jobs
