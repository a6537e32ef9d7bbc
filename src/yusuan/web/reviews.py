"""Reviewing: a document's status (待审/已审/退回) with the reviewer's note, and each finding
accepted or dismissed with a reason. Every change is written to the audit log.

A disclosure's stored counts (``errors``, ``warnings``, ``infos``) are the findings a reviewer
has not dismissed: each decision recounts them in its own transaction, so the documents list,
the document page, the 检查表, the API and the comparisons (ranking by findings, trends) all
show the same figures at once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yusuan.store import schema as s
from yusuan.store.accounts import (
    DECISIONS,
    REVIEW_STATUSES,
    FindingComment,
    FindingReview,
    Review,
)
from yusuan.web import access, audit
from yusuan.web.auth import now
from yusuan.web.context import AppContext
from yusuan.web.errors import Invalid, NotFound
from yusuan.web.principal import Principal
from yusuan.web.rulesettings import recount

MAX_NOTE = 5000
MAX_COMMENT = 2000


def set_review(
    ctx: AppContext, principal: Principal, disclosure_id: int, status: str, note: str,
    ip: str | None,
) -> None:  # fmt: skip
    access.require_reviewer(principal)
    if status not in REVIEW_STATUSES:
        raise Invalid("审核状态只能是 待审、已审 或 退回")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise Invalid(f"审核意见不能超过 {MAX_NOTE} 个字符")
    if status == "returned" and not note:
        raise Invalid("退回时请填写审核意见，说明需要修改的内容")
    with ctx.store.session() as session:
        d = access.disclosure(session, principal, disclosure_id)
        review = session.get(Review, d.id)
        before = review.status if review is not None else "pending"
        if review is None:
            review = Review(disclosure_id=d.id)
            session.add(review)
        review.status, review.note = status, note
        review.reviewer_id, review.updated_at = principal.user_id, now()
        audit.record(session, principal, "review", "disclosure", d.id, ip,
                     status=status, previous=before, note=note)  # fmt: skip


def decide_finding(
    ctx: AppContext, principal: Principal, disclosure_id: int, finding_id: int,
    decision: str | None, reason: str, ip: str | None,
) -> None:  # fmt: skip
    """Accept or dismiss a finding; ``decision`` None clears an earlier decision."""
    access.require_reviewer(principal)
    if decision is not None and decision not in DECISIONS:
        raise Invalid("处理结果只能是 确认 或 驳回")
    reason = reason.strip()
    if len(reason) > MAX_NOTE:
        raise Invalid(f"理由不能超过 {MAX_NOTE} 个字符")
    if decision == "dismissed" and not reason:
        raise Invalid("驳回问题时请填写理由")
    with ctx.store.session() as session:
        d = access.disclosure(session, principal, disclosure_id)
        finding = _finding(session, d.id, finding_id)
        existing = session.get(FindingReview, finding.id)
        if decision is None:
            if existing is not None:
                session.delete(existing)
        else:
            if existing is None:
                existing = FindingReview(finding_id=finding.id, disclosure_id=d.id)
                session.add(existing)
            existing.decision, existing.reason = decision, reason
            existing.reviewer_id, existing.decided_at = principal.user_id, now()
        session.flush()
        recount(session, d.id)
        audit.record(
            session, principal, "finding_review", "finding", finding.id, ip,
            disclosure=d.id, rule=finding.rule, decision=decision, reason=reason,
        )  # fmt: skip


def _finding(session: Session, disclosure_id: int, finding_id: int) -> s.Finding:
    finding = session.scalar(
        select(s.Finding).where(
            s.Finding.id == finding_id, s.Finding.disclosure_id == disclosure_id
        )
    )
    if finding is None:
        raise NotFound("该文件中没有这个问题")
    return finding


def add_comment(
    ctx: AppContext, principal: Principal, disclosure_id: int, finding_id: int, text: str,
    ip: str | None,
) -> int:  # fmt: skip
    """A reviewer's comment on a finding; returns its id."""
    access.require_reviewer(principal)
    text = text.strip()
    if not text:
        raise Invalid("请填写评论内容")
    if len(text) > MAX_COMMENT:
        raise Invalid(f"评论不能超过 {MAX_COMMENT} 个字符")
    with ctx.store.session() as session:
        d = access.disclosure(session, principal, disclosure_id)
        finding = _finding(session, d.id, finding_id)
        comment = FindingComment(
            finding_id=finding.id, disclosure_id=d.id, author_id=principal.user_id or None,
            author=principal.name[:100], text=text, created_at=now(),
        )  # fmt: skip
        session.add(comment)
        session.flush()
        audit.record(session, principal, "finding_comment", "finding", finding.id, ip,
                     disclosure=d.id, rule=finding.rule, comment=text)  # fmt: skip
        return comment.id
