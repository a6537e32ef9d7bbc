"""``yusuan serve``: open the database, make sure there is an admin, ingest the files asked for,
and run the web application with uvicorn.

The first admin's password comes from ``YUSUAN_ADMIN_PASSWORD`` when set (and is reset to it on
every start), else it is generated and printed once, when the account is created.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import select

from yusuan.store.accounts import User
from yusuan.web.context import AppContext
from yusuan.web.principal import SYSTEM
from yusuan.web.uploads import receive
from yusuan.web.users import create_user

Echo = Callable[[str], None]
STATUS_LABELS = {"stored": "已入库", "duplicate": "已存在", "failed": "读取失败",
                 "rejected": "已拒绝"}  # fmt: skip


def ensure_admin(ctx: AppContext, echo: Echo) -> None:
    """Create the first admin when there is none; print how to sign in."""
    wanted = os.environ.get("YUSUAN_ADMIN_PASSWORD") or None
    username = os.environ.get("YUSUAN_ADMIN_USER") or "admin"
    with ctx.store.reader() as session:
        admin = session.scalars(
            select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id)
        ).first()
        existing = (admin.id, admin.username) if admin is not None else None
    if existing is None:
        _, generated = create_user(ctx, SYSTEM, username, "管理员", "admin", wanted, [])
        if generated:
            echo(f"管理员账号：{username}  初始密码：{generated}（只显示这一次，请登录后修改）")
        else:
            echo(f"管理员账号：{username}  密码：YUSUAN_ADMIN_PASSWORD 所设的密码")
        return
    admin_id, name = existing
    if wanted:
        with ctx.store.session() as session:
            stored = session.get(User, admin_id)
            if stored is not None and not ctx.passwords.verify(stored.password_hash, wanted):
                stored.password_hash = ctx.passwords.hash(wanted)
        echo(f"管理员账号：{name}  密码：YUSUAN_ADMIN_PASSWORD 所设的密码")
    else:
        echo(f"管理员账号：{name}（密码见首次启动时的输出；忘记时设置 YUSUAN_ADMIN_PASSWORD "
             "后重新启动即可重置）")  # fmt: skip


def example_files() -> list[Path]:
    """The example unit bundled with the package."""
    return [Path(str(files("yusuan.examples").joinpath("example_unit_2025.txt")))]


def _walk(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file()
                            and not any(part.startswith(".") for part in p.parts))  # fmt: skip
        elif path.is_file():
            found.append(path)
    return found


def ingest(ctx: AppContext, paths: Iterable[Path], echo: Echo) -> int:
    """Bring files in through the same checks as an upload; returns how many are stored."""
    chosen = _walk(paths)
    stored = 0
    for index, path in enumerate(chosen, 1):
        result = receive(ctx, SYSTEM, path.name, path.read_bytes())
        label = STATUS_LABELS.get(result.status, result.status)
        where = (
            f"{result.unit_name} {result.year or ''}" if result.disclosure_id else result.message
        )
        echo(f"[{index}/{len(chosen)}] {label} {path.name}：{where}")
        stored += result.status == "stored"
    return stored


def serve(
    host: str, port: int, db: str | None, data_dir: str | None, paths: list[Path],
    example: bool, echo: Echo, workers: int = 1, job_workers: int = 1,
) -> None:  # fmt: skip

    from yusuan.web.app import create_app

    app = create_app(db, data_dir=data_dir)
    ctx: AppContext = app.state.yusuan
    ensure_admin(ctx, echo)
    if example:
        paths = example_files() + paths
    if paths:
        ingest(ctx, paths, echo)
    shown = f"[{host}]" if ":" in host else host
    echo(f"预算公开审核系统：http://{shown}:{port}/  （接口文档：http://{shown}:{port}/docs）")
    echo(f"数据库：{ctx.store.engine.url.render_as_string(hide_password=True)}  "
         f"数据目录：{ctx.settings.data_dir}")  # fmt: skip
    from yusuan.web.workerpool import WorkerProcesses

    pool = WorkerProcesses(job_workers, ctx.settings.db_url, str(ctx.settings.data_dir), echo)
    if job_workers:
        pool.start()
    # uvicorn stops on SIGTERM, then sends the signal again to the handler it found: this one,
    # which ends the process through the ``finally`` below (the workers stopped), not at once.
    signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        _run(app, ctx, host, port, workers)
    finally:
        pool.stop()


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _run(app: FastAPI, ctx: AppContext, host: str, port: int, workers: int) -> None:
    import uvicorn

    if workers <= 1:
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
        return
    # Each worker process builds its own application from the environment. Sign-in rate limits
    # and the document cache are per process.
    os.environ["YUSUAN_DB"] = ctx.settings.db_url
    os.environ["YUSUAN_DATA_DIR"] = str(ctx.settings.data_dir)
    ctx.close()  # its reader processes too: each worker process starts its own
    uvicorn.run("yusuan.web.app:app_from_env", factory=True, host=host, port=port,
                workers=workers, log_level="info", proxy_headers=False)  # fmt: skip
