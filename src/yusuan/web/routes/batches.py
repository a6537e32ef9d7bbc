"""The batch pages: the list of batches with the form that sends a ZIP or a folder, one batch's
progress and documents (kept up to date by polling ``GET /api/batches/{id}``), and the batch's
检查表 workbook and findings list.

With JavaScript the form sends the files to ``POST /api/batches`` (a folder's files with their
relative paths) and opens the batch's page; without it, it posts here and is redirected there.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from yusuan.web import batchbook, batches
from yusuan.web.batchfiles import Sent
from yusuan.web.deps import Ctx, PathId, User, client_ip
from yusuan.web.exports import file_download
from yusuan.web.filetypes import MEDIA_TYPES
from yusuan.web.routes.common import attachment, see_other
from yusuan.web.settings import human_size
from yusuan.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/batches")
def batches_page(request: Request, ctx: Ctx, user: User) -> Response:
    with ctx.store.reader() as session:
        listed = batches.batches_of(session, user)
    limits = ctx.settings
    return render(request, "batches.html", {
        "batches": listed, "max_files": limits.batch_max_files,
        "max_size": human_size(limits.batch_max_bytes),
        "max_file_size": human_size(limits.max_upload_bytes),
        "max_bytes": limits.batch_max_bytes,
    })  # fmt: skip


@router.post("/batches")
async def send_batch(
    request: Request, ctx: Ctx, user: User,
    files: Annotated[list[UploadFile], File()],
    name: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:  # fmt: skip
    sent = [Sent(f.filename or "", f.file, f.size) for f in files]
    batch_id = await run_in_threadpool(
        batches.receive_batch, ctx, user, sent, name, client_ip(request)
    )
    return see_other(f"/batches/{batch_id}")


@router.get("/batches/{batch_id}")
def batch_page(request: Request, ctx: Ctx, user: User, batch_id: PathId) -> Response:
    with ctx.store.reader() as session:
        view = batches.batch_view(session, user, batch_id)
    return render(request, "batch.html", {"batch": view, "states": batches.STATES})


@router.get("/batches/{batch_id}/checklist.xlsx")
def batch_checklist(request: Request, ctx: Ctx, user: User, batch_id: PathId) -> Response:
    with ctx.store.reader() as session:
        view = batches.batch_view(session, user, batch_id)
    data = batchbook.checklist_xlsx(ctx, user, view, str(request.base_url))
    return attachment(data, MEDIA_TYPES["xlsx"], f"{batchbook.file_stem(view)}检查表.xlsx")


@router.get("/batches/{batch_id}/findings.{fmt}")
def batch_findings(ctx: Ctx, user: User, batch_id: PathId, fmt: Literal["csv", "xlsx"]
                   ) -> Response:  # fmt: skip
    with ctx.store.reader() as session:
        view = batches.batch_view(session, user, batch_id)
    return file_download(batchbook.findings_file(ctx, view, fmt))
