"""Jobs of the work queue as a user sees them: status, stage, page N of M and the time left,
the outcome with the stored document. A job is seen by the user who sent its file, and by
reviewers and admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from yusuan.store import schema as s
from yusuan.store.jobs import JOB_STATUS_LABELS, Job
from yusuan.web.errors import NotFound
from yusuan.web.principal import Principal

NOT_FOUND = "未找到该任务，或您没有权限查看"


@dataclass(slots=True)
class JobView:
    id: int
    kind: str
    status: str  # queued, running, done, failed
    status_label: str
    file_name: str
    stage: str
    page: int | None
    pages: int | None
    eta_seconds: float | None
    outcome: str | None  # stored, duplicate, failed, rejected once ended
    message: str
    disclosure_id: int | None
    unit_name: str
    year: int | None
    errors: int
    warnings: int
    upload_id: int | None
    batch_id: int | None
    attempts: int
    created_at: datetime
    finished_at: datetime | None

    @property
    def ended(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def progress_text(self) -> str:
        """``识别文字（OCR）：第 3 / 20 页，预计剩余 30 秒``; the stage alone otherwise."""
        if self.ended:
            return self.message
        if self.status == "queued":
            return "排队中"
        text = self.stage
        if self.page is not None and self.pages:
            text += f"：第 {self.page} / {self.pages} 页"
            if self.eta_seconds is not None:
                text += f"，预计剩余 {max(0, round(self.eta_seconds))} 秒"
        return text


def _query(principal: Principal) -> Select[Job, s.Disclosure]:
    query = select(Job, s.Disclosure).outerjoin(s.Disclosure, s.Disclosure.id == Job.disclosure_id)
    if not principal.can_review:
        query = query.where(Job.user_id == (principal.user_id or None))
    return query


def _view(job: Job, found: s.Disclosure | None) -> JobView:
    return JobView(
        id=job.id, kind=job.kind, status=job.status,
        status_label=JOB_STATUS_LABELS.get(job.status, job.status), file_name=job.original_name,
        stage=job.stage, page=job.page, pages=job.pages, eta_seconds=job.eta_seconds,
        outcome=job.outcome, message=job.message, disclosure_id=job.disclosure_id,
        unit_name=found.unit_name if found else "", year=found.year if found else None,
        errors=found.errors if found else 0, warnings=found.warnings if found else 0,
        upload_id=job.upload_id, batch_id=job.batch_id, attempts=job.attempts,
        created_at=job.created_at, finished_at=job.finished_at,
    )  # fmt: skip


def job_view(session: Session, principal: Principal, job_id: int) -> JobView:
    row = session.execute(_query(principal).where(Job.id == job_id)).first()
    if row is None:
        raise NotFound(NOT_FOUND)
    job, found = row
    return _view(job, found)


def recent_jobs(session: Session, principal: Principal, limit: int = 50,
                batch_id: int | None = None, mine: bool = True) -> list[JobView]:  # fmt: skip
    """The newest jobs first: the user's own (``mine``), or every job they may see."""
    query = _query(principal)
    if mine:
        query = query.where(Job.user_id == (principal.user_id or None))
    if batch_id is not None:
        query = query.where(Job.batch_id == batch_id)
    rows = session.execute(query.order_by(Job.id.desc()).limit(limit)).all()
    return [_view(job, found) for job, found in rows]
