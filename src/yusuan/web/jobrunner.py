"""Running one job of the work queue (``yusuan.store.queue``): the received file read, checked
and stored exactly as an upload in the request was (``yusuan.web.uploads``), then the job ended
with its outcome.

The bytes of a received file wait under ``data_dir/incoming/<sha256>`` until their job ends; a
job whose worker died mid-way is taken again and finds them there. A document already stored by
the earlier attempt is found by its hash, so it is never stored twice.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from pathlib import Path

from sqlalchemy import select

from yusuan.files import write_bytes_atomically
from yusuan.store import queue
from yusuan.store.accounts import User
from yusuan.store.jobs import Job
from yusuan.web.auth import principal_for
from yusuan.web.context import AppContext
from yusuan.web.jobprogress import Target, wrap_for
from yusuan.web.principal import SYSTEM, Principal
from yusuan.web.reading import run_steps
from yusuan.web.uploads import _carry_decisions, _receive, display_name

log = logging.getLogger(__name__)
INCOMING = "incoming"


def incoming_path(ctx: AppContext, sha256: str) -> Path:
    """Where a received file waits for its job: a name of its own for every job, so that a job
    ending (and removing its file) never takes the bytes from another job of the same content."""
    return ctx.settings.data_dir / INCOMING / sha256[:2] / f"{sha256}-{uuid.uuid4().hex[:12]}"


def enqueue_upload(
    ctx: AppContext, principal: Principal, name: str | None, data: bytes,
    ip: str | None = None, batch_id: int | None = None,
) -> int:  # fmt: skip
    """Keep a received file's bytes and queue the job that reads it; the job's id."""
    sha = hashlib.sha256(data).hexdigest()
    path = incoming_path(ctx, sha)
    write_bytes_atomically(path, data)
    return queue.enqueue(
        ctx.store, kind="upload", user_id=principal.user_id or None, ip=ip,
        original_name=display_name(name), path=str(path.relative_to(ctx.settings.data_dir)),
        sha256=sha, size=len(data), batch_id=batch_id,
    )  # fmt: skip


def _principal(ctx: AppContext, user_id: int | None) -> Principal | None:
    if user_id is None:
        return SYSTEM
    with ctx.store.reader() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            return None
        return principal_for(session, user, "job")


def run_job(ctx: AppContext, claimed: queue.Claimed, worker: str) -> None:
    """Read, check and store the file of an ``upload`` job; the job is ended in every case."""
    with ctx.store.reader() as session:
        job = session.get(Job, claimed.id)
    if job is None:
        return
    path = ctx.settings.data_dir / job.path if job.path else None
    if path is None or not path.exists():
        queue.finish(ctx.store, job.id, worker, "failed", "待处理的文件已不存在，请重新上传")
        return
    principal = _principal(ctx, job.user_id)
    if principal is None:
        queue.finish(ctx.store, job.id, worker, "rejected", "上传该文件的账户已停用或删除")
        return
    queue.progress(ctx.store, job.id, worker, "开始处理")
    data = path.read_bytes()
    wrap = wrap_for(ctx.store, Target(ctx.settings.db_url, job.id, worker))
    try:
        result = run_steps(
            _receive(ctx, principal, job.original_name, data, job.ip, len(data)),
            ctx.readers,
            wrap,
        )
    except Exception:
        log.exception("job %s failed", job.id)
        queue.finish(ctx.store, job.id, worker, "failed", "处理该文件时发生内部错误，请联系管理员")
        return
    outcome = result.status
    if outcome == "duplicate" and claimed.attempts > 1 and _stored_by_earlier_attempt(ctx, job):
        outcome = "stored"  # the earlier attempt stored it and died before ending the job
        _keep_source(ctx, result.disclosure_id, job.original_name, path)
        if result.disclosure_id is not None:  # findings already decided keep their decision
            _carry_decisions(ctx, result.disclosure_id, job.ip)
    queue.finish(ctx.store, job.id, worker, outcome, result.message, result.disclosure_id,
                 result.upload_id)  # fmt: skip
    path.unlink(missing_ok=True)


def _stored_by_earlier_attempt(ctx: AppContext, job: Job) -> bool:
    from yusuan.store import schema as s

    with ctx.store.reader() as session:
        ingested = session.scalar(
            select(s.Disclosure.ingested_at)
            .join(s.SourceFile, s.SourceFile.id == s.Disclosure.source_file_id)
            .where(s.SourceFile.sha256 == job.sha256)
        )
    return ingested is not None and job.created_at is not None and ingested >= job.created_at


def _keep_source(ctx: AppContext, disclosure_id: int | None, name: str, path: Path) -> None:
    """The name and lines of a document whose earlier attempt died between storing it and
    keeping them (they are written after the document, in a transaction of their own)."""
    from yusuan.readers.sourcelines import file_lines, pack
    from yusuan.store.accounts import DocumentSource
    from yusuan.web.reading import Task

    if disclosure_id is None:
        return
    with ctx.store.reader() as session:
        if session.get(DocumentSource, disclosure_id) is not None:
            return
    try:
        lines = ctx.readers.run(Task(file_lines, (path,), name=name))
        with ctx.store.session() as session:
            if session.get(DocumentSource, disclosure_id) is None:
                session.add(DocumentSource(disclosure_id=disclosure_id, original_name=name,
                                           lines_json_gz=pack(lines)))  # fmt: skip
    except Exception:  # the view reads the lines from the stored file when it needs them
        log.warning("source of disclosure %s not kept", disclosure_id, exc_info=True)
