"""``yusuan ingest PATH...``: the command line of ingestion (registered on ``yusuan.cli.main``).

Exit codes: 0 every file stored or already there; 1 the database or a path cannot be used (a
Chinese message, no traceback) or some files failed (listed in the summary); 130 interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", help="数据库地址，如 sqlite:///预算.db 或 postgresql://用户@主机/库"
              "（默认：环境变量 YUSUAN_DB，否则为当前目录的 yusuan.db）")  # fmt: skip
@click.option("--workers", type=click.IntRange(min=1), help="并行工作进程数（默认：CPU 核数）")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="local：本机多进程；dask：Dask 分布式集群")  # fmt: skip
@click.option("--scheduler", help="Dask 调度器地址，如 tcp://主机:8786（不指定则在本机启动集群）")
@click.option("--shared-paths", is_flag=True,
              help="Dask 工作进程按路径读取文件（需共享文件夹），不由本机发送内容")  # fmt: skip
@click.option("--retry-failed", is_flag=True, help="重新处理以前失败的文件")
@click.option("--quiet", is_flag=True, help="不显示进度条")
def ingest(
    paths: tuple[Path, ...],
    db: str | None,
    workers: int | None,
    engine: str,
    scheduler: str | None,
    shared_paths: bool,
    retry_failed: bool,
    quiet: bool,
) -> None:
    """批量读取、检查预算公开文件并存入数据库。

    PATH 可以是文件或文件夹（递归读取，跳过隐藏文件和临时文件）。按文件内容去重：已入库的文件
    直接跳过，因此中断（包括强制结束）后重新运行同一命令即可继续，不丢失也不重复。
    """
    from yusuan.errors import YusuanError
    from yusuan.ingest.progress import IngestProgress
    from yusuan.ingest.run import ingest as run_ingest
    from yusuan.ingest.summary import format_summary

    if engine != "dask" and (scheduler or shared_paths):
        click.echo("错误：--scheduler 和 --shared-paths 只用于 --engine dask", err=True)
        sys.exit(EXIT_FAILED)
    try:
        with IngestProgress(enabled=not quiet) as progress:
            summary = run_ingest(
                paths, db, workers=workers, engine=engine, scheduler=scheduler,
                shared_paths=shared_paths, retry_failed=retry_failed, progress=progress,
            )  # fmt: skip
    except YusuanError as exc:
        click.echo(f"错误：{exc.describe()}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(format_summary(summary))
    if summary.interrupted:
        sys.exit(EXIT_INTERRUPTED)
    if summary.failed:
        sys.exit(EXIT_FAILED)
