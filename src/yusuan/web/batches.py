"""Batches: a ZIP, a folder or many files brought in together, one job of the work queue per file
(``yusuan.web.jobrunner``), followed on one page.

Each document of a batch is matched to its unit and year by reading it (the stored disclosure
gives unit, year, scope and template); what the store made of it is told apart on the batch page:
已入库, 重复 (the same bytes as a document stored before or earlier in the batch), or a second,
different document for the same unit, year and kind (``Disclosure.version`` counts them up:
"同一单位、年度的另一份文件（第2版）"). A file sent twice in one batch gets a job that has already
ended as 重复 (only one of them is read).

A unit user sees their own batches only; reviewers and admins see every batch.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from yusuan.store import queue
from yusuan.store import schema as s
from yusuan.store.accounts import REVIEW_LABELS, Review, User
from yusuan.store.jobs import Batch, Job
from yusuan.templates import TEMPLATES
from yusuan.web import access
from yusuan.web.batchfiles import Entry, Sent, batch_name, entries
from yusuan.web.context import AppContext
from yusuan.web.errors import NotFound
from yusuan.web.jobrunner import enqueue_upload
from yusuan.web.principal import Principal
from yusuan.web.uploads import display_name, receive

NOT_FOUND = "未找到该批次，或您没有权限查看"
# The states of a document of a batch, in the order the page lists their counts.
STATES = {"queued": "排队中", "running": "处理中", "stored": "已入库", "duplicate": "重复",
          "failed": "失败"}  # fmt: skip
MAX_LISTED = 200  # batches on the list page


# --- receiving a batch ------------------------------------------------------------------------


def receive_batch(ctx: AppContext, principal: Principal, sent: list[Sent], name: str | None,
                  ip: str | None = None) -> int:  # fmt: skip
    """Make a batch of the files sent (ZIPs unpacked) with one job per document; its id.

    Refuses the whole batch (``Invalid``/``TooLarge``, in Chinese) when it holds no file, more
    files than ``batch_max_files`` or more bytes unpacked than ``batch_max_bytes``."""
    found, archives = entries(sent, ctx.settings)
    try:
        with ctx.store.session() as session:
            batch = Batch(name=batch_name(sent, name), user_id=principal.user_id or None,
                          files=len(found))  # fmt: skip
            session.add(batch)
            session.flush()
            batch_id = batch.id
        first: dict[str, str] = {}  # sha256 → the name of the file first sent with it
        for entry in found:
            _job(ctx, principal, entry, batch_id, ip, first)
    finally:
        for archive in archives:
            archive.close()
    return batch_id


def _ended(ctx: AppContext, principal: Principal, entry: Entry, batch_id: int, ip: str | None,
           outcome: str, message: str, sha: str | None = None) -> None:  # fmt: skip
    queue.ended(ctx.store, outcome, message, kind="upload", user_id=principal.user_id or None,
                ip=ip, original_name=display_name(entry.name), size=entry.size,
                batch_id=batch_id, sha256=sha)  # fmt: skip


def _job(ctx: AppContext, principal: Principal, entry: Entry, batch_id: int, ip: str | None,
         first: dict[str, str]) -> None:  # fmt: skip
    if entry.read is None:
        _ended(ctx, principal, entry, batch_id, ip, "rejected", entry.problem)
        return
    if entry.size > ctx.settings.max_upload_bytes:  # refused as a single upload is, unread
        result = receive(ctx, principal, entry.name, b"", ip, entry.size)
        _ended(ctx, principal, entry, batch_id, ip, result.status, result.message)
        return
    try:
        data = entry.read()
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        _ended(ctx, principal, entry, batch_id, ip, "failed",
               "压缩包中的该文件已损坏或使用了不支持的压缩方式，无法解压")  # fmt: skip
        return
    sha = hashlib.sha256(data).hexdigest()
    if sha in first:
        _ended(ctx, principal, entry, batch_id, ip, "duplicate",
               f"与本批次中的“{first[sha]}”内容相同，未重复入库", sha)  # fmt: skip
        return
    first[sha] = display_name(entry.name)
    enqueue_upload(ctx, principal, entry.name, data, ip, batch_id)


# --- a batch as the user sees it ----------------------------------------------------------------


@dataclass(slots=True)
class BatchDocument:
    """One file of a batch and, once read, the document it became."""

    job_id: int
    file_name: str
    status: str  # the job's: queued, running, done, failed
    state: str  # queued, running, stored, duplicate, failed (``STATES``)
    state_label: str
    progress_text: str  # the stage, page N of M and the time left while it runs
    message: str
    note: str = ""  # a second version, the file it repeats
    page: int | None = None
    pages: int | None = None
    disclosure_id: int | None = None
    unit_name: str = ""
    year: int | None = None
    kind: str = ""  # 预算 or 决算
    scope: str = ""
    version: int | None = None
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    review_status: str = ""
    review_label: str = ""
    previous_id: int | None = None  # the document's previous version, when it is not the first

    @property
    def ended(self) -> bool:
        return self.status in ("done", "failed")


@dataclass(slots=True)
class BatchView:
    id: int
    name: str
    user_id: int | None
    user_name: str
    created_at: datetime
    documents: list[BatchDocument] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.documents)

    @property
    def ended(self) -> int:
        return sum(1 for d in self.documents if d.ended)

    @property
    def complete(self) -> bool:
        return self.ended == self.total

    @property
    def percent(self) -> int:
        return 100 if not self.total else (100 * self.ended) // self.total

    @property
    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(STATES, 0)
        for d in self.documents:
            found[d.state] += 1
        return found

    @property
    def errors(self) -> int:
        return sum(d.errors for d in self.documents if d.state == "stored")

    @property
    def warnings(self) -> int:
        return sum(d.warnings for d in self.documents if d.state == "stored")

    @property
    def disclosure_ids(self) -> list[int]:
        """The documents of the batch, each once, in the order of its files."""
        return list(dict.fromkeys(d.disclosure_id for d in self.documents if d.disclosure_id))


def _kind(profile: str) -> str:
    template = TEMPLATES.get(profile)
    return template.kind if template is not None else "预算"


def _state(job: Job) -> str:
    if job.status in ("queued", "running"):
        return job.status
    if job.outcome in ("stored", "duplicate"):
        return job.outcome
    return "failed"


def _progress(job: Job) -> str:
    if job.status == "queued":
        return "排队中"
    if job.status != "running":
        return job.message
    text = job.stage
    if job.page is not None and job.pages:
        text += f"：第 {job.page} / {job.pages} 页"
        if job.eta_seconds is not None:
            text += f"，预计剩余 {max(0, round(job.eta_seconds))} 秒"
    return text


def _batch(session: Session, principal: Principal, batch_id: int) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None or not (principal.can_review or batch.user_id == principal.user_id):
        raise NotFound(NOT_FOUND)
    return batch


def batch_view(session: Session, principal: Principal, batch_id: int) -> BatchView:
    """The batch with each of its files, what became of it and the document it gave."""
    batch = _batch(session, principal, batch_id)
    owner = session.get(User, batch.user_id) if batch.user_id else None
    view = BatchView(batch.id, batch.name, batch.user_id,
                     (owner.display_name or owner.username) if owner else "系统",
                     batch.created_at)  # fmt: skip
    jobs = session.scalars(select(Job).where(Job.batch_id == batch.id).order_by(Job.id)).all()
    by_hash = _stored_by_hash(session, [j.sha256 for j in jobs if j.disclosure_id is None])
    wanted = sorted({i for j in jobs if (i := j.disclosure_id or by_hash.get(j.sha256 or ""))})
    found = {
        d.id: d for d in session.scalars(select(s.Disclosure).where(s.Disclosure.id.in_(wanted)))
    }
    reviews = {
        r.disclosure_id: r.status
        for r in session.scalars(select(Review).where(Review.disclosure_id.in_(sorted(found))))
    }
    versions = _versions(session, list(found.values()))
    stored_as: dict[int, str] = {}  # disclosure → the file of this batch that stored it
    for job in jobs:
        if job.outcome == "stored" and job.disclosure_id:
            stored_as.setdefault(job.disclosure_id, job.original_name)
    for job in jobs:
        state = _state(job)
        doc = BatchDocument(job.id, job.original_name, job.status, state, STATES[state],
                            _progress(job), job.message, page=job.page,
                            pages=job.pages)  # fmt: skip
        did = job.disclosure_id or by_hash.get(job.sha256 or "")
        d = found.get(did) if did and state in ("stored", "duplicate") else None
        if d is not None and access.may_see_unit(principal, d.unit_id):
            _fill(doc, d, reviews.get(d.id, "pending"), versions, stored_as, job)
        view.documents.append(doc)
    return view


def _fill(doc: BatchDocument, d: s.Disclosure, review: str,
          versions: dict[tuple[int, int | None, str], dict[int, int]],
          stored_as: dict[int, str], job: Job) -> None:  # fmt: skip
    doc.disclosure_id, doc.unit_name, doc.year, doc.scope = d.id, d.unit_name, d.year, d.scope
    doc.kind, doc.version = _kind(d.profile), d.version
    doc.errors, doc.warnings, doc.infos = d.errors, d.warnings, d.infos
    doc.review_status, doc.review_label = review, REVIEW_LABELS.get(review, review)
    numbers = versions.get((d.unit_id, d.year, d.scope), {})
    doc.previous_id = numbers.get(d.version - 1)
    if doc.state == "duplicate":
        earlier = stored_as.get(d.id)
        doc.note = (f"与本批次中的“{earlier}”内容相同" if earlier and earlier != job.original_name
                    else "与此前入库的文件内容相同")  # fmt: skip
    elif d.version > 1:
        doc.note = f"同一单位、年度的另一份文件（第{d.version}版）"
    elif len(numbers) > 1:
        doc.note = f"同一单位、年度另有第{max(numbers)}版"


def _stored_by_hash(session: Session, hashes: list[str | None]) -> dict[str, int]:
    wanted = sorted({h for h in hashes if h})
    if not wanted:
        return {}
    rows = session.execute(
        select(s.SourceFile.sha256, s.Disclosure.id)
        .join(s.Disclosure, s.Disclosure.source_file_id == s.SourceFile.id)
        .where(s.SourceFile.sha256.in_(wanted))
    ).all()
    return {sha: did for sha, did in rows}


def _versions(session: Session, found: list[s.Disclosure]
              ) -> dict[tuple[int, int | None, str], dict[int, int]]:  # fmt: skip
    """For each unit, year and scope of ``found``: every stored version's number → its id."""
    keys = sorted({(d.unit_id, d.year, d.scope) for d in found if d.year is not None},
                  key=str)  # fmt: skip
    out: dict[tuple[int, int | None, str], dict[int, int]] = defaultdict(dict)
    for one in found:
        out[(one.unit_id, one.year, one.scope)][one.version] = one.id
    if keys:
        d = s.Disclosure
        rows = session.execute(
            select(d.unit_id, d.year, d.scope, d.version, d.id).where(
                tuple_(d.unit_id, d.year, d.scope).in_(keys)
            )
        ).all()
        for unit_id, year, scope, version, did in rows:
            out[(unit_id, year, scope)][version] = did
    return out


# --- the list of batches ------------------------------------------------------------------------


@dataclass(slots=True)
class BatchSummary:
    id: int
    name: str
    user_name: str
    created_at: datetime
    total: int
    ended: int
    counts: dict[str, int]

    @property
    def percent(self) -> int:
        return 100 if not self.total else (100 * self.ended) // self.total

    @property
    def complete(self) -> bool:
        return self.ended == self.total


def batches_of(session: Session, principal: Principal, limit: int = MAX_LISTED
               ) -> list[BatchSummary]:  # fmt: skip
    """The newest batches the user may see: their own, or every one for reviewers and admins."""
    query = select(Batch, User).outerjoin(User, User.id == Batch.user_id)
    if not principal.can_review:
        query = query.where(Batch.user_id == (principal.user_id or None))
    rows = session.execute(query.order_by(Batch.id.desc()).limit(limit)).all()
    ids = [batch.id for batch, _ in rows]
    tallies: dict[int, dict[str, int]] = {i: dict.fromkeys(STATES, 0) for i in ids}
    if ids:
        for batch_id, status, outcome, count in session.execute(
            select(Job.batch_id, Job.status, Job.outcome, func.count())
            .where(Job.batch_id.in_(ids))
            .group_by(Job.batch_id, Job.status, Job.outcome)
        ):
            if batch_id is not None:
                tallies[batch_id][_state(Job(status=status, outcome=outcome))] += count
    out = []
    for batch, user in rows:
        counts = tallies[batch.id]
        total = sum(counts.values())
        out.append(BatchSummary(
            batch.id, batch.name, (user.display_name or user.username) if user else "系统",
            batch.created_at, total, total - counts["queued"] - counts["running"], counts,
        ))  # fmt: skip
    return out
