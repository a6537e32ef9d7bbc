"""API: a document's review status and note, each finding's decision, comments on findings."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from yusuan.web import access, reviews
from yusuan.web.api.schemas import (
    Body,
    FindingReviewIn,
    Responses,
    ReviewIn,
    ReviewOut,
    Timestamp,
)
from yusuan.web.deps import Ctx, PathId, User, client_ip
from yusuan.web.documents import comments, review_state

router = APIRouter(tags=["审核"])
RESPONSES: Responses = {
    400: {"description": "参数无效（如退回未填写意见、驳回未填写理由）"},
    401: {"description": "未登录或令牌无效"},
    403: {"description": "需要审核人员角色"},
    404: {"description": "未找到，或无权查看"},
}


@router.put("/documents/{disclosure_id}/review", response_model=ReviewOut, responses=RESPONSES)
def set_review(
    disclosure_id: PathId, body: ReviewIn, request: Request, ctx: Ctx, user: User
) -> ReviewOut:
    """设置审核状态（待审/已审/退回）和审核意见；退回时必须填写意见。"""
    reviews.set_review(ctx, user, disclosure_id, body.status, body.note, client_ip(request))
    with ctx.store.reader() as session:
        return ReviewOut.model_validate(asdict(review_state(session, disclosure_id)))


@router.put("/documents/{disclosure_id}/findings/{finding_id}/review", status_code=204,
            responses=RESPONSES)  # fmt: skip
def decide(
    disclosure_id: PathId, finding_id: PathId, body: FindingReviewIn, request: Request, ctx: Ctx,
    user: User,
) -> Response:  # fmt: skip
    """确认或驳回一个问题；驳回时必须填写理由。"""
    reviews.decide_finding(ctx, user, disclosure_id, finding_id, body.decision, body.reason,
                           client_ip(request))  # fmt: skip
    return Response(status_code=204)


@router.delete("/documents/{disclosure_id}/findings/{finding_id}/review", status_code=204,
               responses=RESPONSES)  # fmt: skip
def clear(
    disclosure_id: PathId, finding_id: PathId, request: Request, ctx: Ctx, user: User
) -> Response:
    """撤销对一个问题的处理。"""
    reviews.decide_finding(ctx, user, disclosure_id, finding_id, None, "", client_ip(request))
    return Response(status_code=204)


class CommentIn(Body):
    text: str = Field(min_length=1, max_length=reviews.MAX_COMMENT)


class CommentOut(BaseModel):
    id: int
    finding_id: int
    author: str
    text: str
    created_at: Timestamp


@router.get("/documents/{disclosure_id}/findings/{finding_id}/comments",
            response_model=list[CommentOut], responses=RESPONSES)  # fmt: skip
def list_comments(
    disclosure_id: PathId, finding_id: PathId, ctx: Ctx, user: User
) -> list[CommentOut]:
    """一个问题的评论，最早的在前。"""
    with ctx.store.reader() as session:
        d = access.disclosure(session, user, disclosure_id)
        found = comments(session, d.id).get(finding_id, [])
    return [CommentOut.model_validate(asdict(c)) for c in found]


@router.post("/documents/{disclosure_id}/findings/{finding_id}/comments", status_code=201,
             response_model=CommentOut, responses=RESPONSES)  # fmt: skip
def add_comment(
    disclosure_id: PathId, finding_id: PathId, body: CommentIn, request: Request, ctx: Ctx,
    user: User,
) -> CommentOut:  # fmt: skip
    """对一个问题发表评论（审核人员），记入审计日志。"""
    new = reviews.add_comment(ctx, user, disclosure_id, finding_id, body.text, client_ip(request))
    with ctx.store.reader() as session:
        found = comments(session, disclosure_id).get(finding_id, [])
    return next(CommentOut.model_validate(asdict(c)) for c in found if c.id == new)
