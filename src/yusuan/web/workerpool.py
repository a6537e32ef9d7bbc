"""Worker processes kept running: ``yusuan serve`` starts the queue's workers as child processes
(``yusuan worker``), starts again one that died, and stops them when it ends; ``yusuan worker
--processes N`` does the same for N workers on another machine."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from yusuan.web.worker import GRACE_SECONDS

log = logging.getLogger(__name__)
RESTART_PAUSE = 2.0  # seconds before a worker that died is started again
# Job workers run below the web processes (Unix niceness, 0-19; YUSUAN_JOB_NICE, 0: as the
# server): on a machine that also serves pages, a batch takes the cores the requests leave.
JOB_NICE = int(os.environ.get("YUSUAN_JOB_NICE", "10"))


def worker_command(db_url: str, data_dir: str, name: str) -> list[str]:
    """One worker process that stops when its parent does."""
    return [sys.executable, "-m", "yusuan", "worker", "--db", db_url, "--data-dir", data_dir,
            "--name", name, "--parent-pid", str(os.getpid())]  # fmt: skip


def lower_priority(pid: int, niceness: int) -> None:
    """Give a just-started worker ``niceness``; the threads, reader processes and forkserver it
    starts later inherit it. (Linux keeps niceness per thread: this is the main thread, the
    only one of a process that has just started.)"""
    if niceness <= 0 or not hasattr(os, "setpriority"):  # Windows: as the server
        return
    try:
        os.setpriority(os.PRIO_PROCESS, pid, min(niceness, 19))
    except OSError as exc:  # gone already, or not allowed: it runs, at the server's priority
        log.warning("job worker %s: could not lower its priority: %s", pid, exc)


class WorkerProcesses:
    """``count`` worker processes, watched by a thread."""

    def __init__(self, count: int, db_url: str, data_dir: str,
                 echo: Callable[[str], None] = lambda _: None, name: str = "worker",
                 grace: float = GRACE_SECONDS) -> None:  # fmt: skip
        self.count, self.db_url, self.data_dir = count, db_url, data_dir
        self.echo, self.name, self.grace = echo, name, grace
        self.processes: list[subprocess.Popen[bytes] | None] = [None] * count
        self.restarts = 0
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def _start(self, index: int) -> subprocess.Popen[bytes]:
        from yusuan.web.worker import worker_name

        command = worker_command(self.db_url, self.data_dir, worker_name(f"-{index + 1}"))
        process = subprocess.Popen(command)
        lower_priority(process.pid, JOB_NICE)
        self.processes[index] = process
        return process

    def start(self) -> None:
        for index in range(self.count):
            self._start(index)
        self._watcher = threading.Thread(target=self._watch, daemon=True, name="job-workers")
        self._watcher.start()
        self.echo(f"后台处理进程：{self.count} 个")

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            for index, process in enumerate(self.processes):
                if process is None or process.poll() is None:
                    continue
                if self._stop.wait(RESTART_PAUSE):
                    return
                log.warning("job worker %s exited with %s; starting it again", process.pid,
                            process.returncode)  # fmt: skip
                self.restarts += 1
                self._start(index)

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes if p is not None and p.poll() is None]

    def stop(self) -> None:
        """SIGTERM to every worker, which finishes or gives back its job; SIGKILL after the
        grace period."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(5)
        running = [p for p in self.processes if p is not None and p.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace + 5
        for process in running:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
