"""Receiving a file: limits, type by content, read → check → derive in a reader process, a safe
stored name, then save.

The file is kept under ``data_dir/uploads/ab/<sha256>.<kind>``: the name comes from the content
and the kind the content showed, never from the name it was sent with (which is kept in the
database for display only). A unit user may only bring in documents of their own units.

Everything that looks into the file's content (its kind and pages, the reading) is a task for the
application's reader processes (``yusuan.web.reading``); ``_receive`` is written once as the
steps between them, driven by ``receive`` (in the calling thread) or ``receive_async`` (from a
request handler).
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from sqlalchemy import select

from yusuan import pipeline
from yusuan.errors import YusuanError
from yusuan.files import write_bytes_atomically
from yusuan.names import normalize_name
from yusuan.readers.kinds import FileKind, sniff
from yusuan.store import schema as s
from yusuan.store.accounts import DocumentSource, Upload
from yusuan.web import audit
from yusuan.web.context import AppContext
from yusuan.web.filetypes import SUFFIXES
from yusuan.web.principal import Principal
from yusuan.web.reading import Steps, Task, await_steps, run_steps
from yusuan.web.settings import human_size

log = logging.getLogger(__name__)


@dataclass(slots=True)
class UploadResult:
    upload_id: int | None
    file_name: str
    status: str  # stored, duplicate, failed, rejected
    message: str
    disclosure_id: int | None = None
    unit_name: str = ""
    year: int | None = None
    errors: int = 0
    warnings: int = 0

    @property
    def ok(self) -> bool:
        return self.status in ("stored", "duplicate")


def display_name(name: str | None) -> str:
    """The name a file was sent with, reduced to its last path part, without control
    characters, at most 200 characters; used for display only."""
    raw = name or ""
    base = PureWindowsPath(PurePosixPath(raw).name).name
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return cleaned[:200] or "未命名文件"


def stored_name(sha256: str, kind: str) -> str:
    return f"{sha256[:2]}/{sha256}{SUFFIXES[kind]}"


class _Rejected(Exception):
    def __init__(self, status: str, message: str, kind: str = "unknown",
                 pages: int | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.status, self.message, self.kind, self.pages = status, message, kind, pages


def receive(
    ctx: AppContext, principal: Principal, name: str | None, data: bytes, ip: str | None = None,
    size: int | None = None,
) -> UploadResult:  # fmt: skip
    """Check, read, store one uploaded file; every outcome is recorded and audited.

    ``size`` is the file's whole size when ``data`` holds only its first bytes (a file over the
    limit is not read whole)."""
    return run_steps(_receive(ctx, principal, name, data, ip, size), ctx.readers)


async def receive_async(
    ctx: AppContext, principal: Principal, name: str | None, data: bytes, ip: str | None = None,
    size: int | None = None,
) -> UploadResult:  # fmt: skip
    """``receive`` for a request handler, which awaits the reading instead of holding a thread."""
    return await await_steps(_receive(ctx, principal, name, data, ip, size), ctx.readers)


def _plain(exc: YusuanError) -> str:
    """A reader's message without the file name (shown beside it)."""
    return f"{exc.message}，{exc.hint}" if exc.hint else exc.message


def _receive(
    ctx: AppContext, principal: Principal, name: str | None, data: bytes, ip: str | None,
    size: int | None,
) -> Steps[UploadResult]:  # fmt: skip
    file_name = display_name(name)
    sha = hashlib.sha256(data).hexdigest()
    settings = ctx.settings
    kind, pages = "unknown", None
    size = max(size or 0, len(data))
    try:
        if size > settings.max_upload_bytes:
            raise _Rejected("rejected", f"文件大小 {human_size(size)}，超过上限 "
                                        f"{human_size(settings.max_upload_bytes)}")  # fmt: skip
        try:
            identified: FileKind = yield Task(sniff, (data, file_name), name=file_name)
        except YusuanError as exc:
            raise _Rejected("rejected", _plain(exc)) from None
        except pipeline.Failed as failed:
            raise _Rejected("rejected", failed.reason) from None
        kind, pages = identified.kind, identified.pages
        if pages is not None and pages > settings.max_pages:
            raise _Rejected("rejected", f"文件共 {pages} 页，超过上限 {settings.max_pages} 页",
                            kind, pages)  # fmt: skip
        duplicate = _duplicate(ctx, principal, sha, file_name, kind, pages, len(data), ip)
        if duplicate is not None:
            return duplicate
        relative = stored_name(sha, kind)
        path = ctx.settings.uploads_dir / relative
        try:
            analysed: pipeline.Analysed = yield Task(
                pipeline.analyse, (str(path), data), {"name": file_name, "lines": True}, file_name
            )
        except pipeline.Failed as failed:
            raise _Rejected("failed", failed.reason, kind, pages) from None
        return _store(ctx, principal, file_name, data, kind, pages, ip, relative, analysed)
    except _Rejected as rejected:
        return _record_outcome(
            ctx, principal, file_name, sha, size, rejected.kind or kind,
            rejected.pages if rejected.pages is not None else pages, rejected.status,
            rejected.message, None, ip,
        )  # fmt: skip


def _duplicate(
    ctx: AppContext, principal: Principal, sha: str, file_name: str, kind: str,
    pages: int | None, size: int, ip: str | None,
) -> UploadResult | None:  # fmt: skip
    with ctx.store.reader() as session:
        found = session.execute(
            select(s.Disclosure)
            .join(s.SourceFile, s.SourceFile.id == s.Disclosure.source_file_id)
            .where(s.SourceFile.sha256 == sha)
        ).scalar_one_or_none()
        if found is None:
            return None
        if not (principal.sees_all or found.unit_id in principal.unit_ids):
            raise _Rejected("rejected", "该文件已由其他单位上传，不在您的单位范围内", kind, pages)
        result = UploadResult(None, file_name, "duplicate", "该文件此前已上传，未重复入库",
                              found.id, found.unit_name, found.year, found.errors,
                              found.warnings)  # fmt: skip
    return _record_outcome(ctx, principal, file_name, sha, size, kind, pages, "duplicate",
                           result.message, found.id, ip, result)  # fmt: skip


def _store(
    ctx: AppContext, principal: Principal, file_name: str, data: bytes, kind: str,
    pages: int | None, ip: str | None, relative: str, analysed: pipeline.Analysed,
) -> UploadResult:  # fmt: skip
    """Keep the file and save its record, when the document is one of the user's units."""
    record = analysed.record
    sha = record.file.sha256
    if not principal.sees_all and not _owns(ctx, principal, record.unit_name, record.profile):
        raise _Rejected("rejected", f"文件中的单位“{record.unit_name or '未识别'}”"
                        "不属于您的单位，无法上传", kind, pages)  # fmt: skip
    path = ctx.settings.uploads_dir / relative
    existed = path.exists()
    if not existed:
        write_bytes_atomically(path, data)
    try:
        saved = pipeline.save(ctx.store, analysed, file_name)
    except pipeline.Failed as failed:
        _discard(ctx, path, existed, sha)
        raise _Rejected("failed", failed.reason, kind, pages) from None
    disclosure_id = saved.disclosure_id
    if disclosure_id is None:  # stored by a concurrent request a moment ago
        with ctx.store.reader() as session:
            disclosure_id = session.scalar(
                select(s.Disclosure.id)
                .join(s.SourceFile, s.SourceFile.id == s.Disclosure.source_file_id)
                .where(s.SourceFile.sha256 == sha)
            )
        if disclosure_id is None:
            raise _Rejected("failed", saved.message or "入库失败", kind, pages)
        status, message = "duplicate", "该文件此前已上传，未重复入库"
    else:
        status, message = "stored", "已入库"
        if analysed.lines_gz is not None:
            with ctx.store.session() as session:
                session.add(DocumentSource(disclosure_id=disclosure_id, original_name=file_name,
                                           lines_json_gz=analysed.lines_gz))  # fmt: skip
        _link_across_years(ctx, disclosure_id)
    counts = analysed.counts
    if status == "stored":
        counts = _carry_decisions(ctx, disclosure_id, ip) or counts
    result = UploadResult(None, file_name, status, message, disclosure_id, record.unit_name,
                          record.year, counts["error"], counts["warning"])  # fmt: skip
    return _record_outcome(ctx, principal, file_name, sha, len(data), kind, pages, status,
                           message, disclosure_id, ip, result, relative)  # fmt: skip


def _link_across_years(ctx: AppContext, disclosure_id: int) -> None:
    """Link the document to the unit's previous year and check its 比上年 claims, as ingest does
    (``yusuan.crossyear.after_save``). A failure leaves the document stored, without the link;
    ``yusuan links`` or the next ingest makes it."""
    try:
        from yusuan.crossyear import after_save
    except ImportError:  # an installation without the cross-year step
        return
    try:
        after_save(ctx.store, disclosure_id)  # the claims are stored with the record
    except Exception:
        log.warning("cross-year step for disclosure %s failed", disclosure_id, exc_info=True)


def _carry_decisions(ctx: AppContext, disclosure_id: int, ip: str | None) -> dict[str, int] | None:
    """The previous version's reviewer decisions on the findings still open
    (``yusuan.web.carryover``); the new counts when any was carried. A failure leaves the
    document stored, undecided."""
    from yusuan.web.carryover import carry_decisions

    try:
        return carry_decisions(ctx, disclosure_id, ip)
    except Exception:
        log.warning("decisions not carried to disclosure %s", disclosure_id, exc_info=True)
        return None


def _owns(ctx: AppContext, principal: Principal, unit_name: str, profile: str) -> bool:
    if not principal.unit_ids:
        return False
    with ctx.store.reader() as session:
        unit_id = session.scalar(
            select(s.Unit.id).where(
                s.Unit.profile == profile, s.Unit.normalized_name == normalize_name(unit_name)
            )
        )
    return unit_id is not None and unit_id in principal.unit_ids


def _discard(ctx: AppContext, path: Path, existed: bool, sha: str) -> None:
    """Remove a file this request wrote when its document is not stored."""
    if existed:
        return
    with ctx.store.reader() as session:
        kept = session.scalar(select(s.SourceFile.id).where(s.SourceFile.sha256 == sha))
    if kept is None:
        path.unlink(missing_ok=True)


def _record_outcome(
    ctx: AppContext, principal: Principal, file_name: str, sha: str, size: int, kind: str,
    pages: int | None, status: str, message: str, disclosure_id: int | None, ip: str | None,
    result: UploadResult | None = None, relative: str | None = None,
) -> UploadResult:  # fmt: skip
    action = {"stored": "upload", "duplicate": "upload", "failed": "upload_failed",
              "rejected": "upload_rejected"}[status]  # fmt: skip
    with ctx.store.session() as session:
        upload = Upload(
            user_id=principal.user_id or None, original_name=file_name, stored_name=relative,
            sha256=sha, size=size, kind=kind, pages=pages, status=status, message=message,
            disclosure_id=disclosure_id,
        )  # fmt: skip
        session.add(upload)
        session.flush()
        audit.record(
            session, principal, action, "upload", upload.id, ip, file=file_name, status=status,
            message=message, size=size, kind=kind, pages=pages, disclosure=disclosure_id,
        )  # fmt: skip
        upload_id = upload.id
    if result is None:
        result = UploadResult(upload_id, file_name, status, message, disclosure_id)
    result.upload_id = upload_id
    return result
