"""The web application's tables: accounts, sessions, API tokens, reviews, uploads, the audit log.

They live on the store's ``Base`` so one Alembic history (revision ``0002``) creates them beside
the disclosures they refer to. Secrets are never stored: passwords as argon2 hashes, session ids
and API tokens as SHA-256 digests.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from yusuan.store.schema import Base, Id, Unit, now

ROLES = ("admin", "reviewer", "unit")
ROLE_LABELS = {"admin": "管理员", "reviewer": "审核人员", "unit": "单位用户"}
REVIEW_STATUSES = ("pending", "reviewed", "returned")
REVIEW_LABELS = {"pending": "待审", "reviewed": "已审", "returned": "退回"}
DECISIONS = ("accepted", "dismissed")
DECISION_LABELS = {"accepted": "确认", "dismissed": "驳回"}


class User(Base):
    """A person who signs in: an admin, a reviewer of the finance bureau, or a unit's user."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))  # admin, reviewer, unit
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    units: Mapped[list[Unit]] = relationship(secondary="memberships", order_by=Unit.name)


class Membership(Base):
    """A unit user may see and upload the documents of these units."""

    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ApiToken(Base):
    """A bearer token for the REST API; it acts with its user's role and units."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, to recognise it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSession(Base):
    """A signed-in browser: the cookie carries the session id (signed), the row its user and the
    CSRF token every form and unsafe request must echo."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the id
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))


class Review(Base):
    """A reviewer's verdict on a disclosure: 待审 (pending), 已审 (reviewed) or 退回 (returned)."""

    __tablename__ = "reviews"

    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class FindingReview(Base):
    """A reviewer accepts a finding (a real defect) or dismisses it, with the reason."""

    __tablename__ = "finding_reviews"

    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True
    )
    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[str] = mapped_column(String(10))  # accepted, dismissed
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class FindingComment(Base):
    """A reviewer's comment on a finding, shown under it; ``author`` is copied so the comment
    still names its writer after the account is deleted."""

    __tablename__ = "finding_comments"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("findings.id", ondelete="CASCADE"), index=True
    )
    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class AuditEntry(Base):
    """Who did what, when and to what: uploads, edits, reviews, deletions, sign-ins, accounts.

    ``username`` is copied so the entry still names the person after the account is deleted."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(30), index=True)
    target_type: Mapped[str] = mapped_column(String(20), default="")
    target_id: Mapped[str] = mapped_column(String(40), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    ip: Mapped[str | None] = mapped_column(String(64))


class Upload(Base):
    """One file received by the web application, kept under a name derived from its content."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))  # as sent; shown escaped only
    stored_name: Mapped[str | None] = mapped_column(String(100))  # relative to the data folder
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # pdf, docx, xlsx, text, png, jpeg, unknown
    pages: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(12))  # stored, duplicate, failed, rejected
    message: Mapped[str] = mapped_column(Text, default="")  # Chinese: why it failed
    disclosure_id: Mapped[int | None] = mapped_column(
        ForeignKey("disclosures.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)


class DocumentSource(Base):
    """The lines of a disclosure's source file as the readers number them (gzip JSON), kept so
    the document view shows them without reading the file again."""

    __tablename__ = "document_sources"

    disclosure_id: Mapped[int] = mapped_column(
        ForeignKey("disclosures.id", ondelete="CASCADE"), primary_key=True
    )
    original_name: Mapped[str] = mapped_column(String(255), default="")
    lines_json_gz: Mapped[bytes] = mapped_column(LargeBinary)


class RuleSetting(Base):
    """This deployment's setting of one check rule: switched off, or another severity. Applied
    when findings are read (stored findings keep what the rule reported)."""

    __tablename__ = "rule_settings"

    rule: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    severity: Mapped[str | None] = mapped_column(String(10))  # error, warning, info; None: default
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
