"""Files received by a request become jobs of the work queue: the request only keeps the bytes
and queues the job (``jobrunner.enqueue_upload``), a worker process reads them. A file over the
size limit is refused at once, as before, and gets a job that has already ended."""

from __future__ import annotations

from fastapi import UploadFile
from starlette.concurrency import run_in_threadpool

from yusuan.store import queue
from yusuan.web.context import AppContext
from yusuan.web.errors import Invalid
from yusuan.web.jobrunner import enqueue_upload
from yusuan.web.principal import Principal
from yusuan.web.uploads import display_name, receive


def _refuse(ctx: AppContext, principal: Principal, name: str | None, data: bytes, ip: str | None,
            size: int | None) -> int:  # fmt: skip
    result = receive(ctx, principal, name, data, ip, size)  # refused before any reading
    return queue.ended(
        ctx.store, result.status, result.message, kind="upload", user_id=principal.user_id or None,
        ip=ip, original_name=display_name(name), size=size or len(data),
        upload_id=result.upload_id,
    )  # fmt: skip


async def accept(ctx: AppContext, principal: Principal, files: list[UploadFile],
                 ip: str | None) -> list[int]:  # fmt: skip
    """Queue a job for each file; their ids, in the order of the files."""
    limit = ctx.settings.max_upload_bytes
    if len(files) > ctx.settings.max_files:
        raise Invalid(f"一次最多上传 {ctx.settings.max_files} 个文件")
    jobs = []
    for item in files:
        data = await item.read(limit + 1)
        size = max(item.size or 0, len(data))
        if size > limit:
            jobs.append(await run_in_threadpool(_refuse, ctx, principal, item.filename, data,
                                                ip, size))  # fmt: skip
        else:
            jobs.append(await run_in_threadpool(enqueue_upload, ctx, principal, item.filename,
                                                data, ip))  # fmt: skip
    return jobs
