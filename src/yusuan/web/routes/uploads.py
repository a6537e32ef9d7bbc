"""The upload page: drag and drop many files, see each one's progress and outcome.

With JavaScript the page sends each file to ``POST /api/documents`` on its own and follows its
job (``GET /api/jobs/{id}``: stage, page N of M, the time left); without it, the form posts every
file here, and the page lists the jobs (the newest first) with their state when it was made.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from starlette.responses import Response

from yusuan.web import documents as service
from yusuan.web import jobviews
from yusuan.web.deps import Ctx, PathId, User, client_ip
from yusuan.web.intake import accept
from yusuan.web.settings import human_size
from yusuan.web.templating import render

router = APIRouter(include_in_schema=False)
RECENT_JOBS = 20


def _page(request: Request, ctx: Ctx, user: User, sent: int = 0) -> Response:
    with ctx.store.reader() as session:
        recent = service.uploads_of(session, user)
        jobs = jobviews.recent_jobs(session, user, max(RECENT_JOBS, sent))
    limits = ctx.settings
    return render(request, "upload.html", {
        "recent": recent, "jobs": jobs, "sent": sent, "max_bytes": limits.max_upload_bytes,
        "max_size": human_size(limits.max_upload_bytes),
        "max_files": limits.max_files, "max_pages": limits.max_pages,
    })  # fmt: skip


@router.get("/upload")
def upload_page(request: Request, ctx: Ctx, user: User) -> Response:
    return _page(request, ctx, user)


@router.post("/upload")
async def upload_files(
    request: Request, ctx: Ctx, user: User,
    files: Annotated[list[UploadFile], File(description="预算公开文件")],
) -> Response:  # fmt: skip
    from starlette.concurrency import run_in_threadpool

    ids = await accept(ctx, user, files, client_ip(request))
    return await run_in_threadpool(_page, request, ctx, user, len(ids))


@router.get("/jobs/{job_id}")
def job_page(request: Request, ctx: Ctx, user: User, job_id: PathId) -> Response:
    """One job: its file, state, stage and, while OCR runs, 第 N / M 页 and the time left (the
    page follows ``/api/jobs/{id}`` and shows the outcome when the job ends)."""
    with ctx.store.reader() as session:
        job = jobviews.job_view(session, user, job_id)
    return render(request, "job.html", {"job": job})
