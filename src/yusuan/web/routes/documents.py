"""The list of documents, one document's page, its downloads and its deletion."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from yusuan.web import documents as service
from yusuan.web.deps import Ctx, PathId, QueryId, User, client_ip
from yusuan.web.errors import NotFound
from yusuan.web.filetypes import MEDIA_TYPES, media_type
from yusuan.web.reports import StoredReport
from yusuan.web.routes.common import attachment, see_other
from yusuan.web.templating import render
from yusuan.web.users import list_units

router = APIRouter(include_in_schema=False)

XLSX = MEDIA_TYPES["xlsx"]


@router.get("/documents")
def document_list(
    request: Request,
    ctx: Ctx,
    user: User,
    status: Annotated[str | None, Query(pattern="^(pending|reviewed|returned)$")] = None,
    unit_id: QueryId = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> Response:
    with ctx.store.reader() as session:
        rows = service.summaries(session, user, status=status, unit_id=unit_id, year=year)
    units = list_units(ctx, user)
    years = sorted({r.year for r in rows if r.year}, reverse=True)
    return render(request, "documents.html", {
        "documents": rows, "units": units, "years": years, "status": status,
        "unit_id": unit_id, "year": year,
    })  # fmt: skip


@router.get("/documents/{disclosure_id}")
def document_page(request: Request, ctx: Ctx, user: User, disclosure_id: PathId) -> Response:
    detail = service.detail(ctx, user, disclosure_id)
    return render(request, "document.html", {"doc": detail, "panes": detail.view.panes})


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
    service.delete_document(ctx, user, disclosure_id, client_ip(request))
    return see_other("/documents", "deleted")
