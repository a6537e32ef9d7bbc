"""API: jobs of the work queue (an upload's progress and outcome)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from yusuan.web import jobviews
from yusuan.web.api.schemas import JobOut, Responses
from yusuan.web.deps import Ctx, PathId, QueryId, User

router = APIRouter(tags=["任务"])
AUTH: Responses = {401: {"description": "未登录或令牌无效"}}


@router.get("/jobs", response_model=list[JobOut], responses=AUTH)
def list_jobs(
    ctx: Ctx, user: User, batch_id: QueryId = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    everyone: Annotated[bool, Query(description="审核人员、管理员：包括其他用户的任务")] = False,
) -> list[JobOut]:  # fmt: skip
    """最近的任务（默认只列出自己上传的），最新的在前。"""
    with ctx.store.reader() as session:
        views = jobviews.recent_jobs(session, user, limit, batch_id,
                                     mine=not (everyone and user.can_review))  # fmt: skip
    return [JobOut.model_validate(v) for v in views]


@router.get("/jobs/{job_id}", response_model=JobOut,
            responses={**AUTH, 404: {"description": "未找到，或无权查看"}})  # fmt: skip
def get_job(job_id: PathId, ctx: Ctx, user: User) -> JobOut:
    """一个任务：状态、阶段、第几页/共几页、预计剩余秒数，完成后的结果和入库的文件。"""
    with ctx.store.reader() as session:
        return JobOut.model_validate(jobviews.job_view(session, user, job_id))
