"""One document's page, its downloads and its deletion (the list: ``routes.doclist``)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import JSONResponse, Response

from yusuan.web import documents as service
from yusuan.web import pages
from yusuan.web.deps import Ctx, PathId, User, client_ip
from yusuan.web.errors import NotFound
from yusuan.web.filetypes import MEDIA_TYPES, media_type
from yusuan.web.reports import StoredReport
from yusuan.web.routes.common import attachment, see_other
from yusuan.web.templating import render

router = APIRouter(include_in_schema=False)

XLSX = MEDIA_TYPES["xlsx"]
PageNumber = Annotated[int, Path(ge=1, le=100_000)]


@router.get("/documents/{disclosure_id}")
def document_page(request: Request, ctx: Ctx, user: User, disclosure_id: PathId) -> Response:
    detail = service.detail(ctx, user, disclosure_id)
    original = pages.original(ctx, user, disclosure_id)
    return render(request, "document.html", {
        "doc": detail, "panes": detail.view.panes, "original": original, "scale": pages.SCALE,
    })  # fmt: skip


@router.get("/documents/{disclosure_id}/pages/{number}.png")
def page_image(ctx: Ctx, user: User, disclosure_id: PathId, number: PageNumber) -> Response:
    original = pages.original(ctx, user, disclosure_id)
    return Response(pages.page_png(ctx, original, number), media_type="image/png",
                    headers={"Cache-Control": "private, max-age=86400"})  # fmt: skip


@router.get("/documents/{disclosure_id}/pages.json")
def page_boxes(ctx: Ctx, user: User, disclosure_id: PathId) -> Response:
    return JSONResponse(pages.pages_json(ctx, user, disclosure_id))


@router.get("/documents/{disclosure_id}/annotated.pdf")
def annotated(ctx: Ctx, user: User, disclosure_id: PathId) -> Response:
    data, name = pages.annotated_pdf(ctx, user, disclosure_id)
    return attachment(data, MEDIA_TYPES["pdf"], name)


@router.get("/documents/{disclosure_id}/report.html")
def report_html(ctx: Ctx, user: User, disclosure_id: PathId, dismissed: bool = False) -> Response:
    report = StoredReport(ctx, user, disclosure_id, dismissed=dismissed)
    return attachment(report.html(), "text/html; charset=utf-8",
                      f"{report.file_stem}检查报告.html")  # fmt: skip


@router.get("/documents/{disclosure_id}/checklist.xlsx")
def report_xlsx(ctx: Ctx, user: User, disclosure_id: PathId, dismissed: bool = False) -> Response:
    report = StoredReport(ctx, user, disclosure_id, dismissed=dismissed)
    return attachment(report.xlsx(), XLSX, f"{report.file_stem}检查表.xlsx")


@router.get("/documents/{disclosure_id}/report.json")
def report_json(ctx: Ctx, user: User, disclosure_id: PathId) -> Response:
    report = StoredReport(ctx, user, disclosure_id, dismissed=True)
    text = json.dumps(report.json(), ensure_ascii=False, indent=2) + "\n"
    return attachment(text, "application/json", f"{report.file_stem}检查结果.json")


@router.get("/documents/{disclosure_id}/source")
def source_file(ctx: Ctx, user: User, disclosure_id: PathId) -> Response:
    path, name = service.source_path(ctx, user, disclosure_id)
    try:
        data = path.read_bytes()
    except OSError:
        raise NotFound("原始文件已不在服务器上") from None
    return attachment(data, media_type(data), name)


@router.post("/documents/{disclosure_id}/delete")
def delete(request: Request, ctx: Ctx, user: User, disclosure_id: PathId) -> Response:
    original = pages.original(ctx, user, disclosure_id, sizes=False)
    service.delete_document(ctx, user, disclosure_id, client_ip(request))
    pages.forget(ctx, original)
    return see_other("/documents", "deleted")
