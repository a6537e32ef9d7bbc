"""One ingest run: list the files, skip the contents already stored, process the rest.

Files are hashed first (cheap) so a re-run, after a finished run or a killed one, sends only the
missing documents to the workers. Each worker writes each document in its own transaction, so a
run killed at any moment leaves every document either stored whole or not at all.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from sqlalchemy import Select, select

from yusuan.ingest.discover import discover, sha256_file
from yusuan.ingest.jobs import Job, Outcome
from yusuan.ingest.progress import IngestProgress
from yusuan.ingest.summary import Summary
from yusuan.store import schema as s
from yusuan.store.db import open_store
from yusuan.store.writer import known_hashes

ENGINES = ("local", "dask")
# Stored documents are linked across years and checked this many at a time, in one transaction
# each: every LINK_EVERY stored documents during a run and at its end.
LINK_BATCH = 500
LINK_EVERY = 1000


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
        with store.reader() as session:  # stored before without their year link
            earlier = set(session.scalars(_unlinked()))
    finally:
        store.close()
    linked: set[int] = set()
    try:
        jobs = _new_jobs(files, known, summary, display)
        display.documents(len(jobs))
        stored = 0

        def done(outcome: Outcome) -> None:
            nonlocal stored
            summary.add(outcome)
            display.done()
            stored += outcome.status == "stored"
            if stored >= LINK_EVERY:  # link as it goes; what fails is tried again at the end
                stored = 0
                with suppress(Exception):  # (the database unreachable for a moment, …)
                    linked.update(link_pending(url)[0])

        if jobs and engine == "dask":
            from yusuan.ingest.dask_engine import run_dask

            run_dask(jobs, url, done, scheduler=scheduler, workers=workers,
                     shared_paths=shared_paths)  # fmt: skip
        elif jobs:  # (no workers are started when everything is stored already)
            from yusuan.ingest.local import run_local

            run_local(jobs, url, workers, done)
        now, summary.unlinked = link_pending(url)
        summary.relinked = len((linked | now) & earlier)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        summary.seconds = time.perf_counter() - started
    return summary


def link_pending(url: str) -> tuple[set[int], int]:
    """The cross-year step for every stored disclosure without a year link: those stored by this
    run (workers leave it to the end) or by a run killed before it, or whose link lost a race
    with a concurrent writer. Disclosures are linked and checked ``LINK_BATCH`` at a time, each
    batch in one transaction (``crossyear.link_and_check``), so a run killed here leaves the rest
    unlinked for the next run. Returns the ids linked now and how many failed."""
    from yusuan.crossyear import link_and_check

    store = open_store(url, upgrade=False)
    unlinked = _unlinked()
    try:
        with store.reader() as session:
            pending = list(session.scalars(unlinked.order_by(s.Disclosure.year, s.Disclosure.id)))
        failed: set[int] = set()
        for start in range(0, len(pending), LINK_BATCH):
            batch = pending[start : start + LINK_BATCH]
            with store.reader() as session:  # (others were linked as next year's of earlier ones)
                todo = list(session.scalars(unlinked.where(s.Disclosure.id.in_(batch))))
            try:
                if todo:
                    link_and_check(store, todo)
            except Exception:  # one at a time, to find those that fail
                for did in todo:
                    try:
                        link_and_check(store, [did])
                    except Exception:  # reported in the summary; `yusuan links --relink` redoes all
                        failed.add(did)
        return set(pending) - failed, len(failed)
    finally:
        store.close()


def _unlinked() -> Select[int]:
    """The ids of stored disclosures without a year link."""
    return (
        select(s.Disclosure.id)
        .outerjoin(s.YearLink, s.YearLink.disclosure_id == s.Disclosure.id)
        .where(s.YearLink.disclosure_id.is_(None))
    )


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
