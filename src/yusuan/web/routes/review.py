"""The reviewer's queue and the review forms of the document page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from yusuan.web import documents as service
from yusuan.web import reviews
from yusuan.web.deps import Ctx, PathId, User, client_ip
from yusuan.web.routes.common import see_other
from yusuan.web.templating import render

router = APIRouter(include_in_schema=False)
STATUS = "^(pending|reviewed|returned|all)$"


@router.get("/queue")
def queue(
    request: Request, ctx: Ctx, user: User,
    status: Annotated[str, Query(pattern=STATUS)] = "pending",
) -> Response:  # fmt: skip
    with ctx.store.reader() as session:
        # a version the unit has replaced is no longer to be reviewed: only the latest is listed
        rows = service.summaries(session, user, status=None if status == "all" else status,
                                 latest_only=True)  # fmt: skip
        counts = service.status_counts(session, user, latest_only=True)
    groups: dict[str, list[service.DocumentSummary]] = {}
    for row in rows:
        groups.setdefault(row.unit_name, []).append(row)
    return render(request, "queue.html", {"groups": groups, "status": status, "counts": counts})


@router.post("/documents/{disclosure_id}/review")
def save_review(
    request: Request, ctx: Ctx, user: User, disclosure_id: PathId,
    status: Annotated[str, Form(max_length=20)], note: Annotated[str, Form(max_length=6000)] = "",
) -> Response:  # fmt: skip
    reviews.set_review(ctx, user, disclosure_id, status, note, client_ip(request))
    return see_other(f"/documents/{disclosure_id}#review", "review_saved")


@router.post("/documents/{disclosure_id}/findings/{finding_id}/decision")
def decide(
    request: Request, ctx: Ctx, user: User, disclosure_id: PathId, finding_id: PathId,
    decision: Annotated[str, Form(pattern="^(accepted|dismissed|clear)$")],
    reason: Annotated[str, Form(max_length=6000)] = "",
) -> Response:  # fmt: skip
    chosen = None if decision == "clear" else decision
    reviews.decide_finding(ctx, user, disclosure_id, finding_id, chosen, reason,
                           client_ip(request))  # fmt: skip
    return see_other(f"/documents/{disclosure_id}?finding={finding_id}#finding-{finding_id}",
                     "decision_saved")  # fmt: skip


@router.post("/documents/{disclosure_id}/findings/{finding_id}/comments")
def comment(
    request: Request, ctx: Ctx, user: User, disclosure_id: PathId, finding_id: PathId,
    text: Annotated[str, Form(max_length=3000)] = "",
) -> Response:  # fmt: skip
    reviews.add_comment(ctx, user, disclosure_id, finding_id, text, client_ip(request))
    return see_other(f"/documents/{disclosure_id}?finding={finding_id}#finding-{finding_id}",
                     "comment_saved")  # fmt: skip
