"""``yusuan worker``: run workers of the work queue, on this machine or another one sharing the
PostgreSQL database (and the data folder) with ``yusuan serve``."""

from __future__ import annotations

import logging
import os
import sys
import threading

import click


@click.command()
@click.option("--db", help="数据库：文件路径、sqlite:///… 或 postgresql://…（默认 YUSUAN_DB）")
@click.option("--data-dir", help="上传文件等数据的目录（默认 YUSUAN_DATA_DIR 或 yusuan-data），"
              "须与网页应用的相同")  # fmt: skip
@click.option("--processes", type=click.IntRange(1, 64), default=1, show_default=True,
              help="后台处理进程数")  # fmt: skip
@click.option("--name", help="进程名称（默认 主机名/进程号）")
@click.option("--poll", "poll_interval", type=click.FloatRange(0.05, 60), default=1.0,
              show_default=True, help="队列为空时查看新任务的间隔（秒）")  # fmt: skip
@click.option("--parent-pid", type=int, hidden=True)  # started by ``yusuan serve``
def worker(db: str | None, data_dir: str | None, processes: int, name: str | None,
           poll_interval: float, parent_pid: int | None) -> None:  # fmt: skip
    """运行后台处理进程：读取、检查并入库上传的文件，直到收到 SIGTERM 或 Ctrl-C。"""
    from yusuan.store.db import StoreError, database_url
    from yusuan.web.worker import run_worker
    from yusuan.web.workerpool import WorkerProcesses

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        if processes > 1:
            from yusuan.web.settings import load_settings

            settings = load_settings(database_url(db), data_dir)
            pool = WorkerProcesses(processes, settings.db_url, str(settings.data_dir), click.echo)
            stopped = threading.Event()
            _stop_on_signals(stopped)
            pool.start()
            stopped.wait()
            pool.stop()
            return
        stop = threading.Event()
        run_worker(db, data_dir, name, stop, poll_interval, parent_pid=parent_pid)
    except StoreError as exc:
        click.echo(f"错误：{exc.describe()}", err=True)
        sys.exit(1)
    sys.stdout.flush()
    os._exit(0)  # a job given back on stop leaves its thread behind: do not wait for it


def _stop_on_signals(stopped: threading.Event) -> None:
    import signal

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopped.set())
