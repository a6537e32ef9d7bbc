"""The upload page: drag and drop many files, see each one's progress and outcome.

With JavaScript the page sends each file to ``POST /api/documents`` on its own (progress per
file); without it, the form posts every file here and the outcomes are shown on a page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from starlette.responses import Response

from yusuan.web import documents as service
from yusuan.web.deps import Ctx, User, client_ip
from yusuan.web.errors import Invalid
from yusuan.web.settings import human_size
from yusuan.web.templating import render
from yusuan.web.uploads import receive_async

router = APIRouter(include_in_schema=False)


def _page(request: Request, ctx: Ctx, user: User, results: object = None) -> Response:
    with ctx.store.reader() as session:
        recent = service.uploads_of(session, user)
    limits = ctx.settings
    return render(request, "upload.html", {
        "recent": recent, "results": results, "max_bytes": limits.max_upload_bytes,
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

    if len(files) > ctx.settings.max_files:
        raise Invalid(f"一次最多上传 {ctx.settings.max_files} 个文件")
    results = []
    for upload in files:
        data = await upload.read(ctx.settings.max_upload_bytes + 1)
        results.append(
            await receive_async(ctx, user, upload.filename, data, client_ip(request), upload.size)
        )
    return await run_in_threadpool(_page, request, ctx, user, results)
