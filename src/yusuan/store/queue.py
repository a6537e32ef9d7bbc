"""The durable work queue on the store's own database (tables in ``yusuan.store.jobs``).

A worker ``claim``s the oldest queued job (or a running one whose lease ran out: its worker
died), renews the lease while it works (``progress`` does), and ends it with ``finish``. A
claim is one conditional ``UPDATE … WHERE status = 'queued'``: of two workers racing for the same
row only one changes it, on SQLite (writes are serialised) and on PostgreSQL (the row lock makes
the second see the new status and match nothing) alike, so a job runs once at a time. A job that
failed by crashing its worker is tried ``MAX_ATTEMPTS`` times, then marked failed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import CursorResult, and_, or_, select, update

from yusuan.store.db import Store
from yusuan.store.jobs import Job

# how long a job stays a dead worker's; ``YUSUAN_JOB_LEASE_SECONDS`` for tests and tuning
LEASE = timedelta(seconds=float(os.environ.get("YUSUAN_JOB_LEASE_SECONDS") or 60))
MAX_ATTEMPTS = 3
GAVE_UP = "处理该文件的进程多次意外退出（该文件可能导致崩溃或内存不足），已停止重试"


def _now() -> datetime:
    return datetime.now(UTC)


def _rows(result: object) -> int:
    """Rows an UPDATE changed."""
    return result.rowcount if isinstance(result, CursorResult) else 0


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    kind: str
    attempts: int


def enqueue(store: Store, **values: object) -> int:
    """Add one job (``Job`` columns as keywords); its id."""
    with store.session() as session:
        job = Job(status="queued", stage="排队中", attempts=0, **values)
        session.add(job)
        session.flush()
        return job.id


def claim(
    store: Store, worker: str, kinds: tuple[str, ...] = ("upload", "recheck")
) -> Claimed | None:
    """Take the next job for ``worker``: the oldest queued one, or one whose lease expired."""
    for _ in range(5):  # another worker took the candidate first: look again
        now = _now()
        with store.reader() as session:
            candidate = session.execute(
                select(Job.id, Job.attempts)
                .where(Job.kind.in_(kinds))
                .where(
                    or_(
                        Job.status == "queued", and_(Job.status == "running", Job.lease_until < now)
                    )
                )
                .order_by(Job.id)
                .limit(1)
            ).first()
        if candidate is None:
            return None
        job_id, attempts = candidate
        with store.session() as session:
            taken = _rows(
                session.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.attempts == attempts)
                    .where(
                        or_(
                            Job.status == "queued",
                            and_(Job.status == "running", Job.lease_until < now),
                        )
                    )
                    .values(
                        status="running",
                        worker=worker,
                        attempts=attempts + 1,
                        lease_until=now + LEASE,
                        started_at=now,
                        stage="开始处理",
                    )
                )
            )
        if taken:
            if attempts + 1 > MAX_ATTEMPTS:
                finish(store, job_id, worker, "failed", GAVE_UP)
                continue
            with store.reader() as session:
                kind = session.scalar(select(Job.kind).where(Job.id == job_id)) or "upload"
            return Claimed(job_id, kind, attempts + 1)
    return None


def progress(
    store: Store, job_id: int, worker: str, stage: str, page: int | None = None,
    pages: int | None = None, eta_seconds: float | None = None,
) -> bool:  # fmt: skip
    """Record the stage a job is at and renew its lease; False when the job is no longer this
    worker's (its lease ran out and another worker took it): the caller should stop."""
    with store.session() as session:
        changed = _rows(
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.worker == worker, Job.status == "running")
                .values(
                    stage=stage,
                    page=page,
                    pages=pages,
                    eta_seconds=eta_seconds,
                    lease_until=_now() + LEASE,
                )
            )
        )
    return bool(changed)


def finish(
    store: Store, job_id: int, worker: str, outcome: str, message: str = "",
    disclosure_id: int | None = None, upload_id: int | None = None,
) -> bool:  # fmt: skip
    """End a job (``outcome``: stored, duplicate, failed, rejected); False when it was not this
    worker's any more."""
    status = "failed" if outcome in ("failed", "rejected") else "done"
    with store.session() as session:
        changed = _rows(
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.worker == worker, Job.status == "running")
                .values(
                    status=status,
                    outcome=outcome,
                    message=message,
                    stage="完成",
                    disclosure_id=disclosure_id,
                    upload_id=upload_id,
                    eta_seconds=None,
                    finished_at=_now(),
                    lease_until=None,
                )
            )
        )
    return bool(changed)


def renew(store: Store, job_id: int, worker: str) -> bool:
    """Renew a running job's lease only (the worker's heartbeat while a reader process works);
    False when the job is no longer this worker's."""
    with store.session() as session:
        changed = _rows(
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.worker == worker, Job.status == "running")
                .values(lease_until=_now() + LEASE)
            )
        )
    return bool(changed)


def release(store: Store, job_id: int, worker: str) -> bool:
    """Give a running job back to the queue (a worker told to stop before it finished); the
    attempt still counts, so a file that never finishes is not retried for ever."""
    with store.session() as session:
        changed = _rows(
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.worker == worker, Job.status == "running")
                .values(status="queued", worker=None, lease_until=None, stage="排队中",
                        page=None, pages=None, eta_seconds=None)
            )
        )  # fmt: skip
    return bool(changed)


def ended(store: Store, outcome: str, message: str, **values: object) -> int:
    """Record a job that ended without a worker (a file refused on receipt); its id."""
    at = _now()
    status = "failed" if outcome in ("failed", "rejected") else "done"
    with store.session() as session:
        job = Job(status=status, outcome=outcome, message=message, stage="完成", attempts=0,
                  started_at=at, finished_at=at, **values)  # fmt: skip
        session.add(job)
        session.flush()
        return job.id


def pending(store: Store) -> int:
    """Jobs not yet ended."""
    from sqlalchemy import func

    with store.reader() as session:
        return (
            session.scalar(
                select(func.count()).select_from(Job).where(Job.status.in_(("queued", "running")))
            )
            or 0
        )
