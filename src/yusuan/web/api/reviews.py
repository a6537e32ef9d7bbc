"""API: a document's review status and note, and each finding's decision."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request, Response

from yusuan.web import reviews
from yusuan.web.api.schemas import FindingReviewIn, Responses, ReviewIn, ReviewOut
from yusuan.web.deps import Ctx, PathId, User, client_ip
from yusuan.web.documents import review_state

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
