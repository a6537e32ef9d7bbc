"""Documents as the pages and the API see them: lists with review status, one document with its
tables, findings and source lines, and deletion. Pages and API call the same functions."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, aliased

from yusuan.checks.findings import Severity
from yusuan.store import schema as s
from yusuan.store.accounts import (
    REVIEW_LABELS,
    DocumentSource,
    FindingComment,
    FindingReview,
    Review,
    Upload,
    User,
)
from yusuan.store.records import load_model
from yusuan.templates import TEMPLATES
from yusuan.web import access, audit, rulesettings
from yusuan.web.context import AppContext
from yusuan.web.docview import (
    DocumentView,
    FindingGroup,
    FindingView,
    document_view,
    finding_groups,
    finding_view,
)
from yusuan.web.errors import Invalid
from yusuan.web.principal import Principal
from yusuan.web.sources import pack, read_lines, unpack
from yusuan.web.templating import fragment

log = logging.getLogger(__name__)
MAX_PAGE = 500


@dataclass(slots=True)
class DocumentSummary:
    id: int
    unit_id: int
    unit_name: str
    year: int | None
    scope: str
    version: int
    profile: str
    extraction: str
    errors: int
    warnings: int
    infos: int
    ingested_at: datetime
    file_name: str
    status: str
    status_label: str
    note: str

    @property
    def kind(self) -> str:
        """预算 or 决算: the kind of the document's template."""
        template = TEMPLATES.get(self.profile)
        return template.kind if template is not None else "预算"


def _summary(d: s.Disclosure, review: Review | None, file_name: str | None) -> DocumentSummary:
    status = review.status if review is not None else "pending"
    return DocumentSummary(
        id=d.id, unit_id=d.unit_id, unit_name=d.unit_name, year=d.year, scope=d.scope,
        version=d.version, profile=d.profile, extraction=d.extraction, errors=d.errors,
        warnings=d.warnings, infos=d.infos, ingested_at=d.ingested_at,
        file_name=file_name or "", status=status, status_label=REVIEW_LABELS[status],
        note=review.note if review is not None else "",
    )  # fmt: skip


SORTS = {  # the list's sortable columns, the first key of each order
    "unit": s.Disclosure.unit_name,
    "year": s.Disclosure.year,
    "errors": s.Disclosure.errors,
    "warnings": s.Disclosure.warnings,
    "file": DocumentSource.original_name,
    "uploaded": s.Disclosure.ingested_at,
}
PAGE_SIZE = 50  # documents per page of the list


def _filtered(
    query: Any, principal: Principal, status: str | None, unit_id: int | None, year: int | None,
    q: str | None, latest_only: bool = False,
) -> Any:  # fmt: skip
    query = access.visible(query, principal)
    if latest_only:
        query = query.where(~_superseded())
    if status == "pending":
        query = query.where(or_(Review.status.is_(None), Review.status == "pending"))
    elif status is not None:
        if status not in REVIEW_LABELS:
            raise Invalid("未知的审核状态")
        query = query.where(Review.status == status)
    if unit_id is not None:
        query = query.where(s.Disclosure.unit_id == unit_id)
    if year is not None:
        query = query.where(s.Disclosure.year == year)
    if q:
        query = query.where(
            or_(
                s.Disclosure.unit_name.icontains(q, autoescape=True),
                DocumentSource.original_name.icontains(q, autoescape=True),
            )
        )
    return query


def _superseded() -> Any:
    """True for a document of which the unit published a later version (same year, scope)."""
    later = aliased(s.Disclosure)
    same = (
        later.unit_id == s.Disclosure.unit_id,
        later.scope == s.Disclosure.scope,
        later.year.is_not_distinct_from(s.Disclosure.year),
    )
    return select(later.id).where(*same, later.version > s.Disclosure.version).exists()


def _joined(query: Any) -> Any:
    return query.outerjoin(Review, Review.disclosure_id == s.Disclosure.id).outerjoin(
        DocumentSource, DocumentSource.disclosure_id == s.Disclosure.id
    )


def summaries(
    session: Session,
    principal: Principal,
    *,
    status: str | None = None,
    unit_id: int | None = None,
    year: int | None = None,
    q: str | None = None,
    sort: str | None = None,
    descending: bool = False,
    limit: int = 200,
    offset: int = 0,
    latest_only: bool = False,
) -> list[DocumentSummary]:
    """The visible documents, filtered; ``q`` finds a part of the unit's or the file's name;
    ``sort`` is a key of ``SORTS`` (by unit, then the newest year first, without one);
    ``latest_only`` leaves out the versions a unit has replaced by a later one."""
    query = _joined(select(s.Disclosure, Review, DocumentSource.original_name))
    query = _filtered(query, principal, status, unit_id, year, q, latest_only)
    if sort is not None:
        if sort not in SORTS:
            raise Invalid("未知的排序方式")
        column = SORTS[sort]
        first = column.desc() if descending else column.asc()
        # NULLs (no year, no file name) last either way, as both databases agree to
        query = query.order_by(column.is_(None), first, s.Disclosure.unit_name,
                               s.Disclosure.year.desc(), s.Disclosure.id)  # fmt: skip
    else:
        query = query.order_by(s.Disclosure.unit_name, s.Disclosure.year.desc(), s.Disclosure.id)
    query = query.limit(max(1, min(limit, MAX_PAGE))).offset(max(0, offset))
    return [_summary(d, review, name) for d, review, name in session.execute(query).all()]


def summary_count(
    session: Session, principal: Principal, *, status: str | None = None,
    unit_id: int | None = None, year: int | None = None, q: str | None = None,
) -> int:  # fmt: skip
    """How many documents ``summaries`` finds with the same filters."""
    query = _joined(select(func.count()).select_from(s.Disclosure))
    return int(session.scalar(_filtered(query, principal, status, unit_id, year, q)) or 0)


def years(session: Session, principal: Principal) -> list[int]:
    """The years of the visible documents, newest first."""
    query = select(s.Disclosure.year).where(s.Disclosure.year.is_not(None)).distinct()
    found = session.scalars(access.visible(query, principal))
    return sorted((int(y) for y in found if y is not None), reverse=True)


def status_counts(session: Session, principal: Principal, latest_only: bool = False
                  ) -> dict[str, int]:  # fmt: skip
    """How many visible documents are 待审, 已审 and 退回 (of the latest versions only, with
    ``latest_only``)."""
    status = func.coalesce(Review.status, "pending")
    query = (
        select(status, func.count())
        .select_from(s.Disclosure)
        .outerjoin(Review, Review.disclosure_id == s.Disclosure.id)
        .group_by(status)
    )
    if latest_only:
        query = query.where(~_superseded())
    found = {key: n for key, n in session.execute(access.visible(query, principal)).all()}
    return {key: int(found.get(key, 0)) for key in REVIEW_LABELS}


def summary(session: Session, principal: Principal, disclosure_id: int) -> DocumentSummary:
    d = access.disclosure(session, principal, disclosure_id)
    review = session.get(Review, d.id)
    source = session.get(DocumentSource, d.id)
    return _summary(d, review, source.original_name if source else None)


# --- one document -----------------------------------------------------------------------------


def _cache_key(session: Session, d: s.Disclosure) -> tuple[int, str]:
    sha = session.scalar(select(s.SourceFile.sha256).where(s.SourceFile.id == d.source_file_id))
    return d.id, sha or ""


def stored_path(session: Session, d: s.Disclosure) -> str | None:
    """The path the document's source file was stored under (its ``source_files`` entry)."""
    return session.scalar(select(s.SourceFile.path).where(s.SourceFile.id == d.source_file_id))


def cached_view(ctx: AppContext, session: Session, d: s.Disclosure) -> DocumentView:
    """The document's model view, built once per process (stored documents never change)."""
    key = _cache_key(session, d)
    view = ctx.views.get(key)
    if view is not None:
        return view
    blob = session.scalar(select(s.Document.model_json_gz).where(s.Document.disclosure_id == d.id))
    model = load_model(blob) if blob is not None else None
    source = session.get(DocumentSource, d.id)
    file_name = source.original_name if source is not None else ""
    if source is not None:
        lines = unpack(source.lines_json_gz)
    else:
        path = stored_path(session, d)
        found = read_lines(ctx.readers, Path(path)) if path else None
        lines = found or []
        if found is not None:
            _keep_lines(ctx, d.id, Path(path or "").name, found)
    if model is None:
        view = DocumentView(tables=[], issues=["未找到该文件的模型数据"], lines=lines)
    else:
        view = document_view(model, lines)
    view.panes = fragment("_document_panes.html", view=view, file_name=file_name)
    ctx.views.put(key, view)
    return view


def _keep_lines(ctx: AppContext, disclosure_id: int, name: str, lines: Any) -> None:
    """Store the lines read from a file ingested elsewhere, so the next view need not read it."""
    try:
        with ctx.store.session() as session:
            if session.get(DocumentSource, disclosure_id) is None:
                session.add(DocumentSource(disclosure_id=disclosure_id, original_name=name,
                                           lines_json_gz=pack(lines)))  # fmt: skip
    except Exception:  # another request stored them first, or the row went away: not needed
        log.debug("source lines of %s not kept", disclosure_id, exc_info=True)


@dataclass(slots=True)
class ReviewState:
    status: str
    status_label: str
    note: str
    reviewer: str
    updated_at: datetime | None


@dataclass(slots=True)
class CommentView:
    id: int
    finding_id: int
    author: str
    text: str
    created_at: datetime


@dataclass(slots=True)
class DocumentDetail:
    summary: DocumentSummary
    view: DocumentView
    findings: list[FindingView]
    groups: list[FindingGroup]
    review: ReviewState
    comments: dict[int, list[CommentView]]  # by finding id, oldest first
    rule_notes: list[str] = field(default_factory=list)  # this deployment's rule settings


def comments(session: Session, disclosure_id: int) -> dict[int, list[CommentView]]:
    """The comments on the document's findings, by finding, oldest first."""
    rows = session.scalars(
        select(FindingComment)
        .where(FindingComment.disclosure_id == disclosure_id)
        .order_by(FindingComment.id)
    )
    found: dict[int, list[CommentView]] = {}
    for c in rows:
        found.setdefault(c.finding_id, []).append(
            CommentView(c.id, c.finding_id, c.author, c.text, c.created_at)
        )
    return found


def review_state(session: Session, disclosure_id: int) -> ReviewState:
    review = session.get(Review, disclosure_id)
    if review is None:
        return ReviewState("pending", REVIEW_LABELS["pending"], "", "", None)
    reviewer = session.get(User, review.reviewer_id) if review.reviewer_id else None
    return ReviewState(
        review.status, REVIEW_LABELS[review.status], review.note,
        (reviewer.display_name or reviewer.username) if reviewer else "", review.updated_at,
    )  # fmt: skip


def findings(
    session: Session, d: s.Disclosure, view: DocumentView | None, file_name: str
) -> list[FindingView]:
    rows = session.scalars(
        select(s.Finding).where(s.Finding.disclosure_id == d.id).order_by(s.Finding.id)
    ).all()
    decisions = {
        r.finding_id: r
        for r in session.scalars(select(FindingReview).where(FindingReview.disclosure_id == d.id))
    }
    path = stored_path(session, d)
    settings = rulesettings.load(session)
    found = []
    for f in settings.kept(rows):
        one = finding_view(f, view, file_name, decisions.get(f.id), path or "")
        one.severity = settings.severity_of(f.rule, f.severity)
        one.severity_label = Severity(one.severity).label
        found.append(one)
    return found


def detail(ctx: AppContext, principal: Principal, disclosure_id: int) -> DocumentDetail:
    with ctx.store.reader() as session:
        d = access.disclosure(session, principal, disclosure_id)
        source = session.get(DocumentSource, d.id)
        head = _summary(d, session.get(Review, d.id), source.original_name if source else None)
        view = cached_view(ctx, session, d)
        found = findings(session, d, view, head.file_name)
        notes = rulesettings.load(session).notes(rulesettings.profile_rules(d.profile))
        return DocumentDetail(head, view, found, finding_groups(found),
                              review_state(session, d.id), comments(session, d.id),
                              notes)  # fmt: skip


def source_path(ctx: AppContext, principal: Principal, disclosure_id: int) -> tuple[Path, str]:
    """The stored source file and the name it was uploaded under."""
    with ctx.store.reader() as session:
        d = access.disclosure(session, principal, disclosure_id)
        path = stored_path(session, d)
        source = session.get(DocumentSource, d.id)
        name = source.original_name if source else Path(path or "").name
    return Path(path or ""), name


# --- deletion ---------------------------------------------------------------------------------


def delete_document(
    ctx: AppContext, principal: Principal, disclosure_id: int, ip: str | None
) -> None:
    access.require_reviewer(principal)
    with ctx.store.session() as session:
        d = access.disclosure(session, principal, disclosure_id)
        source = session.get(s.SourceFile, d.source_file_id)
        audit.record(
            session, principal, "delete", "disclosure", d.id, ip,
            unit=d.unit_name, year=d.year, scope=d.scope, version=d.version,
        )  # fmt: skip
        path = Path(source.path) if source is not None else None
        sha = source.sha256 if source is not None else ""
        session.execute(delete(s.Disclosure).where(s.Disclosure.id == d.id))
        if source is not None:
            session.execute(delete(s.SourceFile).where(s.SourceFile.id == source.id))
        session.expunge_all()
    ctx.views.drop(disclosure_id)
    uploads = ctx.settings.uploads_dir.resolve()
    if path is not None and path.resolve().is_relative_to(uploads) and sha:
        path.unlink(missing_ok=True)
    log.info("document %s deleted by %s", disclosure_id, principal.username)


def uploads_of(session: Session, principal: Principal, limit: int = 50) -> list[Upload]:
    query = select(Upload).order_by(Upload.id.desc()).limit(limit)
    if not principal.sees_all:
        query = query.where(Upload.user_id == principal.user_id)
    return list(session.scalars(query))
