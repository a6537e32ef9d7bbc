"""A job's progress, written to its row while a reader process reads its file.

The worker wraps each reading ``Task`` of a job (``wrap_for``): the stage is recorded before the
task starts, and in the reader process the task runs under ``readers.progress.reporting`` with a
listener that writes "page N of M, X seconds left" to the job's row itself (through its own
connection, at most about once a second), renewing the worker's lease as it goes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from yusuan.readers.progress import reporting
from yusuan.store import queue
from yusuan.store.db import Store, open_store
from yusuan.web.reading import Task

STAGES = {"sniff": "识别文件类型", "analyse": "读取并检查"}
OCR_STAGE = "文字识别（OCR）"
THROTTLE_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Target:
    """The job a reading reports to (sent to the reader process, so plain values only)."""

    db_url: str
    job_id: int
    worker: str


def stage_of(task: Task) -> str:
    return STAGES.get(getattr(task.function, "__name__", ""), "读取中")


def wrap_for(store: Store, target: Target) -> Callable[[Task], Task]:
    """What ``run_steps`` calls with each task of the job: its stage recorded, then the task
    replaced by one that reports its pages."""

    def wrap(task: Task) -> Task:
        stage = stage_of(task)
        queue.progress(store, target.job_id, target.worker, stage)
        return Task(tracked, (target, task.function, task.args, task.kwargs), name=task.name)

    return wrap


@cache
def _store(url: str) -> Store:
    """The reader process's own connection to the database, opened once."""
    return open_store(url, upgrade=False)


class PageListener:
    """Writes the page being read and the time left to the job's row, throttled."""

    def __init__(self, store: Store, target: Target, clock: Callable[[], float] = time.monotonic
                 ) -> None:  # fmt: skip
        self.store, self.target, self.clock = store, target, clock
        self.started = clock()
        self.last_write: float | None = None

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if done == 0:
            self.started = now  # the pages' own pace, after loading the models
        due = self.last_write is None or now - self.last_write >= THROTTLE_SECONDS
        if not (due or done == 0 or done == total - 1):
            return
        eta = (now - self.started) / done * (total - done) if done else None
        self.last_write = now
        queue.progress(self.store, self.target.job_id, self.target.worker, OCR_STAGE,
                       page=min(done + 1, total), pages=total,
                       eta_seconds=round(eta, 1) if eta is not None else None)  # fmt: skip


def tracked(target: Target, function: Callable[..., Any], args: tuple[Any, ...],
            kwargs: dict[str, Any]) -> Any:  # fmt: skip
    """In the reader process: the task, with its pages reported to the job."""
    with reporting(PageListener(_store(target.db_url), target)):
        return function(*args, **kwargs)
