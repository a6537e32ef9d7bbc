"""Reviewing: a document's status (待审/已审/退回) with the reviewer's note, and each finding
accepted or dismissed with a reason. Every change is written to the audit log."""

from __future__ import annotations

from sqlalchemy import select

from yusuan.store import schema as s
from yusuan.store.accounts import DECISIONS, REVIEW_STATUSES, FindingReview, Review
from yusuan.web import access, audit
from yusuan.web.auth import now
from yusuan.web.context import AppContext
from yusuan.web.errors import Invalid, NotFound
from yusuan.web.principal import Principal

MAX_NOTE = 5000


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
        finding = session.scalar(
            select(s.Finding).where(s.Finding.id == finding_id, s.Finding.disclosure_id == d.id)
        )
        if finding is None:
            raise NotFound("该文件中没有这个问题")
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
        audit.record(
            session, principal, "finding_review", "finding", finding.id, ip,
            disclosure=d.id, rule=finding.rule, decision=decision, reason=reason,
        )  # fmt: skip
