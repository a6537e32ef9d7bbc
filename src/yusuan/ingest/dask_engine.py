"""The Dask engine: the same per-document function on a Dask distributed cluster.

The client (the machine running ``yusuan ingest``) lists and hashes the files, reads each one and
sends its bytes with the task, so workers on other machines need no shared folder
(``shared_paths=True`` sends only the path, for clusters that mount the same folder). Each worker
writes to the database URL itself, which is how several machines fill one PostgreSQL. Tasks are
keyed by content hash, so the same content is never processed twice in one run, and a task lost
with its worker is run again elsewhere: writing is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

from yusuan.errors import YusuanError
from yusuan.ingest.jobs import Job, Outcome
from yusuan.ingest.worker import process

IN_FLIGHT_PER_THREAD = 4
CONNECT_TIMEOUT = "10s"
_UNRECORDED = "，未记录，重新运行时会再试"


class ClusterError(YusuanError):
    """The Dask cluster cannot be reached or used."""


def _client(scheduler: str | None, workers: int) -> Any:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError(
            "--engine dask", "未安装 Dask", "请安装 dask 扩展：pip install 'yusuan[dask]'"
        ) from exc
    if scheduler is None:  # a cluster on this machine, for trying the engine out
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers, threads_per_worker=1, dashboard_address=None
        )
        return Client(cluster)  # type: ignore[no-untyped-call]
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:  # unreachable, or not an address
        raise ClusterError(
            scheduler,
            f"无法连接 Dask 调度器（{exc}）",
            "请确认 dask scheduler 已启动、地址和端口正确（如 tcp://主机:8786）",
        ) from exc


def run_dask(
    jobs: Iterable[Job],
    url: str,
    done: Callable[[Outcome], None],
    *,
    scheduler: str | None = None,
    workers: int = 2,
    shared_paths: bool = False,
) -> None:
    """Run ``process`` over ``jobs`` on the cluster at ``scheduler`` (a local cluster of
    ``workers`` processes when None), calling ``done`` with each outcome as it finishes."""
    from distributed import as_completed

    client = _client(scheduler, workers)
    try:
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
        pending = iter(jobs)
        running: dict[Any, Job] = {}

        def submit(count: int) -> list[Any]:
            futures = []
            for job in islice(pending, count):
                sent = job if shared_paths else _with_bytes(job)
                if isinstance(sent, Outcome):  # the client could not read it
                    done(sent)
                    continue
                future = client.submit(process, sent, url, key=f"yusuan-ingest-{job.sha256}")
                running[future] = job
                futures.append(future)
            return futures

        first = submit(max(threads, 1) * IN_FLIGHT_PER_THREAD)
        queue = as_completed(first)  # type: ignore[no-untyped-call]
        for future in queue:
            job = running.pop(future)
            try:
                outcome = future.result()
            except Exception as exc:  # the worker died or the task was lost
                reason = f"{job.path}：Dask 任务失败（{type(exc).__name__}：{exc}）{_UNRECORDED}"
                outcome = Outcome(job.path, job.sha256, "failed", reason)
            done(outcome)
            future.release()
            queue.update(submit(1))  # type: ignore[no-untyped-call]
    finally:
        cluster = client.cluster
        client.close()
        if cluster is not None and scheduler is None:
            cluster.close()


def _with_bytes(job: Job) -> Job | Outcome:
    try:
        return replace(job, data=Path(job.path).read_bytes())
    except OSError as exc:
        return Outcome(
            job.path, job.sha256, "failed", f"{job.path}：无法读取文件（{exc.strerror}）"
        )
