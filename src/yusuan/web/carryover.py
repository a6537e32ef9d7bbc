"""Reviewer decisions carried into the next version: when a unit's re-upload is stored as the
next version, every finding 仍存在 (matched to a finding of the previous version as the version
diff matches them, ``yusuan.web.versions.match``) takes over the decision 确认/驳回 the reviewer
gave the previous one, with its reason and reviewer. The counts are redone at once, so the
documents list, the document page and the 检查表 of the new version follow the decision; a
reviewer may change it like any other.

Each carried decision is written to the audit log (沿用上一版审核决定) with the previous
version's finding and the number of its comments copied, in the same transaction. The
comments on a finding 仍存在 are copied under it too, each marked （第N版）, so the discussion
goes on where it stopped. A new finding
(新增) stays undecided. Matching uses every finding, rules switched off included (the pairs of
the rules kept are the same), so a decision is not lost when a rule is switched on again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from yusuan.store import schema as s
from yusuan.store.accounts import FindingComment, FindingReview
from yusuan.web import audit
from yusuan.web.auth import now
from yusuan.web.context import AppContext
from yusuan.web.rulesettings import recount
from yusuan.web.versions import match, previous_version

ACTOR = "系统"


def carry_decisions(ctx: AppContext, disclosure_id: int, ip: str | None = None
                    ) -> dict[str, int] | None:  # fmt: skip
    """Give the findings of ``disclosure_id`` still open since the previous version that
    version's decisions (findings already decided keep theirs) and copies of its comments; the
    new stored counts, or None when nothing was carried."""
    with ctx.store.session() as session:
        d = session.get(s.Disclosure, disclosure_id)
        before = previous_version(session, d) if d is not None else None
        if d is None or before is None:
            return None
        decided = {
            r.finding_id: r
            for r in session.scalars(
                select(FindingReview).where(FindingReview.disclosure_id == before.id)
            )
        }
        comments: dict[int, list[FindingComment]] = {}
        for comment in session.scalars(
            select(FindingComment)
            .where(FindingComment.disclosure_id == before.id)
            .order_by(FindingComment.created_at, FindingComment.id)
        ):
            comments.setdefault(comment.finding_id, []).append(comment)
        if not decided and not comments:
            return None
        pairs, _, _ = match(_findings(session, before.id), _findings(session, d.id))
        have = set(session.scalars(
            select(FindingReview.finding_id).where(FindingReview.disclosure_id == d.id)
        ))  # fmt: skip
        commented = set(session.scalars(
            select(FindingComment.finding_id).where(FindingComment.disclosure_id == d.id)
        ))  # fmt: skip
        carried = 0
        for old, new in pairs:
            review = decided.get(old.id)
            copied = 0 if new.id in commented else _copy_comments(
                session, comments.get(old.id, []), new.id, d.id, before.version
            )  # fmt: skip
            if review is None or new.id in have:
                if copied:
                    audit.record(
                        session, None, "finding_comments_carried", "finding", new.id, ip,
                        username=ACTOR, disclosure=d.id, rule=new.rule,
                        message=f"沿用第{before.version}版的{copied}条评论",
                        previous_disclosure=before.id, previous_finding=old.id,
                        previous_comments=copied,
                    )  # fmt: skip
                continue
            session.add(FindingReview(
                finding_id=new.id, disclosure_id=d.id, decision=review.decision,
                reason=review.reason, reviewer_id=review.reviewer_id, decided_at=now(),
            ))  # fmt: skip
            audit.record(
                session, None, "finding_review_carried", "finding", new.id, ip,
                username=ACTOR, disclosure=d.id, rule=new.rule, decision=review.decision,
                reason=review.reason, message=f"沿用第{before.version}版的审核决定",
                previous_disclosure=before.id, previous_finding=old.id,
                previous_comments=copied,
            )  # fmt: skip
            carried += 1
        session.flush()
        return recount(session, d.id) if carried else None


def _copy_comments(
    session: Session, comments: list[FindingComment], finding_id: int, disclosure_id: int,
    version: int,
) -> int:  # fmt: skip
    """Copies of a previous version's comments under the matched finding, each marked with the
    version it was written on and keeping its author and time."""
    for comment in comments:
        session.add(FindingComment(
            finding_id=finding_id, disclosure_id=disclosure_id, author_id=comment.author_id,
            author=comment.author, text=f"（第{version}版）{comment.text}",
            created_at=comment.created_at,
        ))  # fmt: skip
    return len(comments)


def _findings(session: Session, disclosure_id: int) -> list[s.Finding]:
    query = select(s.Finding).where(s.Finding.disclosure_id == disclosure_id)
    return list(session.scalars(query.order_by(s.Finding.id)))
