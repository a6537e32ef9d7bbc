"""The work queue's tables: batches of files and the jobs that read them.

The queue is the database itself (``yusuan.store.queue`` claims, renews and finishes jobs): a job
is a row, so it survives a restart of the server or of a worker, and the database that holds the
documents holds the work still to do, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from yusuan.store.schema import Base, Id, now

JOB_KINDS = ("upload", "recheck")
JOB_STATUSES = ("queued", "running", "done", "failed")
JOB_STATUS_LABELS = {"queued": "排队中", "running": "处理中", "done": "已完成", "failed": "失败"}


class Batch(Base):
    """Files brought in together (a folder, a ZIP): one page, one 检查表."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), default="")  # the ZIP's or folder's name
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    files: Mapped[int] = mapped_column(Integer, default=0)  # jobs made for it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class Job(Base):
    """One piece of work for a worker process: read, check and store one received file
    (``upload``), or check a stored document again (``recheck``).

    A running job holds a lease (``lease_until``) that its worker renews; a job whose lease ran
    out (its worker died) is taken again by another worker. ``stage``, ``page``/``pages`` and
    ``eta_seconds`` are the progress shown live to the user."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="upload")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("batches.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ip: Mapped[str | None] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255), default="")  # as sent, display only
    path: Mapped[str | None] = mapped_column(String(300))  # received bytes, relative to data dir
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    disclosure_id: Mapped[int | None] = mapped_column(
        ForeignKey("disclosures.id", ondelete="SET NULL"), index=True
    )
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(40), default="排队中")  # Chinese, shown as is
    page: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    eta_seconds: Mapped[float | None] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(12))  # stored, duplicate, failed, rejected
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
