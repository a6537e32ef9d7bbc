"""The local engine: worker processes on this machine, each writing to the database itself.

Processes come from a ``forkserver`` (a clean process with the parsing and storing modules
preloaded, forked for each worker) so they start in milliseconds without inheriting the parent's
threads or database connections. At most a few documents per worker are in flight, so a folder of
any size needs little memory and Ctrl-C stops soon. A worker whose parent dies (``kill -9``) exits
at once instead of lingering: what it was writing is rolled back and a re-run stores it.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice

from yusuan.ingest.jobs import Job, Outcome
from yusuan.ingest.worker import process

IN_FLIGHT_PER_WORKER = 4


def _watch_parent() -> None:
    """Exit this worker when the process that started it is gone."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    sentinel = parent.sentinel

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        os._exit(1)  # no cleanup: an open transaction is rolled back by the database

    threading.Thread(target=watch, name="yusuan-parent-watch", daemon=True).start()


def _initialize() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _watch_parent()
    # The preloaded modules live as long as the worker: out of the garbage collector's sight,
    # its collections no longer walk them again and again while documents are read (about a
    # millisecond per document). A document's objects are freed by reference counting when it
    # is done; a first generation larger than one document spares collecting them while they
    # are still in use (cyclic garbage is still collected, every 50,000 allocations).
    gc.freeze()
    gc.set_threshold(50_000, 10, 10)


def run_local(jobs: Iterable[Job], url: str, workers: int, done: Callable[[Outcome], None]) -> None:
    """Run ``process`` over ``jobs`` in ``workers`` processes, calling ``done`` with each outcome
    as it finishes. A worker that dies (a crash in a native library, the out-of-memory killer)
    fails the documents in flight, unrecorded so a re-run tries them again, and a fresh pool
    takes the rest."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["yusuan.ingest.worker"])
    pending = iter(jobs)
    while _run_pool(pending, url, workers, done, context):
        pass


def _run_pool(
    pending: Iterator[Job],
    url: str,
    workers: int,
    done: Callable[[Outcome], None],
    context: multiprocessing.context.BaseContext,
) -> bool:
    """Work through ``pending``; True when the pool broke and work may remain."""
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_initialize) as pool:
        running: dict[Future[Outcome], Job] = {}

        def submit(count: int) -> None:
            for job in islice(pending, count):
                running[pool.submit(process, job, url)] = job

        broken = False
        try:
            submit(workers * IN_FLIGHT_PER_WORKER)
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    job = running.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        broken = True
                        outcome = Outcome(job.path, job.sha256, "failed", _CRASHED.format(job.path))
                    done(outcome)
                    if not broken:
                        submit(1)
            return broken
        except BaseException:
            for future in running:
                future.cancel()
            raise


_CRASHED = "{}：工作进程意外退出（该文件可能导致崩溃或内存不足），未记录，重新运行时会再试"
