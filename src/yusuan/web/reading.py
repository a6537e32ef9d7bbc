"""Where the web app reads files: worker processes, never its request threads.

PDFium (``pypdfium2``), which reads PDFs and counts their pages, is not thread-safe: two PDFs
read at once in two threads of one process give wrong, changing findings. So every reading of a
file's content (``readers.kinds.sniff``, ``pipeline.analyse``, ``readers.sourcelines.file_lines``)
is a ``Task`` run by the application's ``Readers``: a ``ProcessPoolExecutor`` of
``settings.reading_processes`` processes from a ``forkserver`` (a clean process with the reading
modules preloaded: no threads of the server are forked), started on first use and shut down with
the application.

Receiving a file alternates database work and reading; it is written once, as a generator that
yields the ``Task`` it needs and is sent the result (``yusuan.web.uploads``). ``run_steps`` drives
it in the calling thread (``yusuan serve`` bringing files in, tests), ``await_steps`` from a
request handler: the database steps in the thread pool, the reading awaited, holding no thread.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
import weakref
from collections.abc import Callable, Generator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, TypeVar

from yusuan.errors import YusuanError
from yusuan.pipeline import Failed, describe

R = TypeVar("R")
PRELOADED = ["yusuan.pipeline", "yusuan.readers.pdf", "yusuan.readers.docx"]
_CRASHED = "{}：读取文件的进程意外退出（该文件可能导致崩溃或内存不足），请把该文件报告给管理员"


@dataclass(frozen=True, slots=True)
class Task:
    """One reading to run in a reader process: ``function(*args, **kwargs)``, named in messages
    by ``name`` (the file as the user knows it)."""

    function: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    name: str = "文件"


Steps = Generator[Task, Any, R]


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOADED)  # no effect once the forkserver runs
        return context
    return multiprocessing.get_context("spawn")


_open: weakref.WeakSet[Readers] = weakref.WeakSet()


class Readers:
    """The reader processes of one application."""

    def __init__(self, processes: int) -> None:
        self.processes = max(1, processes)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        _open.add(self)

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                from yusuan.pipeline import prepare_worker

                self._pool = ProcessPoolExecutor(
                    self.processes, mp_context=_context(), initializer=prepare_worker
                )
            return self._pool

    def submit(self, task: Task) -> Future[Any]:
        return self._executor().submit(_perform, task)

    def _broken(self, task: Task) -> Failed:
        """A reader process died (a crash in a native library, the out-of-memory killer): the
        pool is replaced for the next file, and this file fails with a message."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        return Failed(_CRASHED.format(task.name))

    def run(self, task: Task) -> Any:
        """Run ``task`` in a reader process and wait for its result; its ``YusuanError`` or
        ``Failed`` is raised here, any other exception as ``Failed``."""
        try:
            return self.submit(task).result()
        except BrokenProcessPool:
            raise self._broken(task) from None
        except _Carried as carried:
            raise carried.error() from None

    async def call(self, task: Task) -> Any:
        """``run`` for a request handler: the event loop goes on while the process reads."""
        try:
            return await asyncio.wrap_future(self.submit(task))
        except BrokenProcessPool:
            raise self._broken(task) from None
        except _Carried as carried:
            raise carried.error() from None

    def terminate(self) -> None:
        """Kill the processes at once, the reading in progress with them (a worker told to stop
        that could not wait for its file)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the processes, after the reading in progress (a task submitted later starts
        them again)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


class _Carried(Exception):
    """A ``YusuanError`` on its way back from a reader process. (The error itself does not
    survive pickling: its arguments are not the ones it was made with.)"""

    def __init__(self, kind: type[YusuanError], path: str, message: str, hint: str) -> None:
        super().__init__(kind, path, message, hint)

    def error(self) -> YusuanError:
        kind, path, message, hint = self.args
        try:
            made: YusuanError = kind(path, message, hint)
        except TypeError:  # a subclass made differently
            made = YusuanError(path, message, hint)
        return made


def _perform(task: Task) -> Any:
    """The task, in the reader process: whatever it raises goes back as something that pickles."""
    try:
        return task.function(*task.args, **task.kwargs)
    except Failed:
        raise
    except YusuanError as exc:
        raise _Carried(type(exc), exc.path, exc.message, exc.hint) from None
    except Exception as exc:
        raise Failed(describe(exc, task.name)) from None


def close_all() -> None:
    """Stop the reader processes of every application of this process (for tests)."""
    for readers in list(_open):
        readers.close()


def run_steps(steps: Steps[R], readers: Readers, wrap: Callable[[Task], Task] | None = None) -> R:
    """Drive ``steps`` in this thread, running each task it yields and sending the result back
    (an exception of the task is thrown into it). ``wrap`` may replace each task before it runs
    (the work queue adds its progress reporting)."""
    done, value = _advance(steps, None, None)
    while not done:
        try:
            result, error = readers.run(wrap(value) if wrap else value), None
        except Exception as exc:
            result, error = None, exc
        done, value = _advance(steps, result, error)
    return value  # type: ignore[no-any-return]


async def await_steps(steps: Steps[R], readers: Readers) -> R:
    """Drive ``steps`` from a request handler: its own work in the thread pool (it uses the
    database), each task awaited in a reader process."""
    from starlette.concurrency import run_in_threadpool

    done, value = await run_in_threadpool(_advance, steps, None, None)
    while not done:
        try:
            result, error = await readers.call(value), None
        except Exception as exc:
            result, error = None, exc
        done, value = await run_in_threadpool(_advance, steps, result, error)
    return value  # type: ignore[no-any-return]


def _advance(steps: Steps[Any], result: Any, error: Exception | None) -> tuple[bool, Any]:
    """One step: (False, the next task) or (True, the outcome). ``StopIteration`` is caught here,
    in the thread that advanced the generator: it may not cross into a coroutine."""
    try:
        if error is not None:
            return False, steps.throw(error)
        return False, steps.send(result)
    except StopIteration as stop:
        return True, stop.value
