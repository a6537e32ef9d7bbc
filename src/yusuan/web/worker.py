"""A worker of the work queue: claims jobs from the database and runs them until told to stop.

``run_worker`` is one worker (one job at a time, the file read in its own reader process so a
crash in a native library fails that file and not the worker). While a job runs the worker
renews its lease every few seconds; a worker that dies stops renewing it, and once the lease runs
out another worker takes the job again (``yusuan.store.queue``).

Stopping: SIGTERM or SIGINT (or ``stop``) makes the worker take no new job and wait up to
``grace`` seconds for the current one; a job still running then is given back to the queue and
its reading killed. A worker started by ``yusuan serve`` also stops when that process is gone.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from yusuan.store import queue
from yusuan.store.db import database_url, open_store
from yusuan.web.context import AppContext
from yusuan.web.jobrunner import run_job
from yusuan.web.settings import load_settings

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = queue.LEASE.total_seconds() / 6
GRACE_SECONDS = 30.0


def worker_name(suffix: str = "") -> str:
    """``host/pid`` (and a suffix for several workers in one process): who holds a job."""
    return f"{socket.gethostname()[:60]}/{os.getpid()}{suffix}"


def build_context(db_url: str | None, data_dir: str | Path | None, **overrides: Any
                  ) -> AppContext:  # fmt: skip
    """A worker's store and settings: the web application's, with one reader process."""
    overrides.setdefault("reading_processes", 1)
    settings = load_settings(database_url(db_url), data_dir, **overrides)
    return AppContext.build(open_store(settings.db_url), settings)


class Worker:
    """Claims and runs jobs of ``ctx``'s database as ``name``."""

    def __init__(self, ctx: AppContext, name: str | None = None, poll_interval: float = 1.0,
                 grace: float = GRACE_SECONDS, heartbeat: float = HEARTBEAT_SECONDS,
                 parent_pid: int | None = None) -> None:  # fmt: skip
        self.ctx, self.name = ctx, name or worker_name()
        self.poll_interval, self.grace, self.heartbeat = poll_interval, grace, heartbeat
        self.parent_pid = parent_pid
        self.jobs_run = 0
        self.released: list[int] = []

    def _orphaned(self) -> bool:
        return self.parent_pid is not None and os.getppid() != self.parent_pid

    def run(self, stop: threading.Event) -> int:
        """Run jobs until ``stop`` is set; the number of jobs run to their end."""
        while not stop.is_set():
            if self._orphaned():
                log.info("worker %s: its parent process is gone, stopping", self.name)
                break
            try:
                claimed = queue.claim(self.ctx.store, self.name)
            except Exception:  # the database is away for a moment: try again later
                log.warning("worker %s: claiming failed", self.name, exc_info=True)
                claimed = None
            if claimed is None:
                stop.wait(self.poll_interval)
                continue
            if not self._run(claimed, stop):
                break
        return self.jobs_run

    def _run(self, claimed: queue.Claimed, stop: threading.Event) -> bool:
        """One job in a thread, its lease renewed meanwhile; False when it had to be given
        back because the worker was told to stop."""
        thread = threading.Thread(target=self._job, args=(claimed,), daemon=True,
                                  name=f"job-{claimed.id}")  # fmt: skip
        thread.start()
        stop_seen: float | None = None
        while True:
            thread.join(min(self.heartbeat, 0.5) if stop.is_set() else self.heartbeat)
            if not thread.is_alive():
                return True
            if (stop.is_set() or self._orphaned()) and stop_seen is None:
                stop_seen = time.monotonic()
            if stop_seen is not None and time.monotonic() - stop_seen >= self.grace:
                queue.release(self.ctx.store, claimed.id, self.name)
                self.released.append(claimed.id)
                log.info("worker %s: gave job %s back to the queue", self.name, claimed.id)
                self.ctx.readers.terminate()
                return False
            try:
                if not queue.renew(self.ctx.store, claimed.id, self.name):
                    log.warning("worker %s lost job %s", self.name, claimed.id)
            except Exception:
                log.warning("worker %s: heartbeat failed", self.name, exc_info=True)

    def _job(self, claimed: queue.Claimed) -> None:
        try:
            run_job(self.ctx, claimed, self.name)
            self.jobs_run += 1
        except Exception:  # run_job ends the job itself; this is the database failing
            log.exception("worker %s: job %s broke off", self.name, claimed.id)


def run_worker(
    db_url: str | None, data_dir: str | Path | None, name: str | None = None,
    stop_event: threading.Event | None = None, poll_interval: float = 1.0,
    grace: float = GRACE_SECONDS, parent_pid: int | None = None, **overrides: Any,
) -> int:  # fmt: skip
    """Run one worker until ``stop_event`` is set (or SIGTERM/SIGINT arrives, in the main
    thread); the number of jobs it ran. ``overrides`` are settings (``yusuan.web.settings``)."""
    stop = stop_event or threading.Event()
    ctx = build_context(db_url, data_dir, **overrides)
    restore = _on_signals(lambda: stop.set())
    worker = Worker(ctx, name, poll_interval, grace, parent_pid=parent_pid)
    try:
        return worker.run(stop)
    finally:
        restore()
        if worker.released:  # its reading was killed; the job thread is abandoned
            ctx.readers.terminate()
        ctx.close()


def _on_signals(stop: Callable[[], None]) -> Callable[[], None]:
    """SIGTERM and SIGINT stop the worker (only in the main thread, where Python takes them)."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: FrameType | None) -> None:
        stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
