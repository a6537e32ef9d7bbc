"""API: documents (list, upload, one document's tables, findings, source lines, reports,
deletion) and the queue of documents by review status."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Request, Response, UploadFile

from yusuan.web import documents as service
from yusuan.web import jobviews
from yusuan.web.api.schemas import (
    DocumentDetailOut,
    DocumentOut,
    FindingOut,
    JobQueued,
    LocationOut,
    Responses,
    ReviewOut,
    SourceLineOut,
    TableOut,
    UploadRecord,
)
from yusuan.web.deps import Ctx, PathId, QueryId, User, client_ip
from yusuan.web.docview import FindingView
from yusuan.web.filetypes import MEDIA_TYPES
from yusuan.web.intake import accept
from yusuan.web.reports import StoredReport
from yusuan.web.routes.common import attachment

router = APIRouter(tags=["文件"])
AUTH: Responses = {401: {"description": "未登录或令牌无效"}}
ONE: Responses = {**AUTH, 404: {"description": "未找到，或无权查看"}}
StatusFilter = Annotated[
    Literal["pending", "reviewed", "returned"] | None, Query(description="审核状态")
]


def document_out(row: service.DocumentSummary) -> DocumentOut:
    return DocumentOut.model_validate(asdict(row))


def finding_out(f: FindingView) -> FindingOut:
    return FindingOut(
        id=f.id, rule=f.rule, family=f.family,
        severity=f.severity,
        rounding=f.rounding, title=f.title, message=f.message, expected=f.expected,
        actual=f.actual, difference=f.difference,
        locations=[LocationOut(label=loc.label, text=loc.text, where=loc.where)
                   for loc in f.locations],
        cells=f.targets, lines=f.lines,
        decision=f.decision,
        reason=f.reason,
    )  # fmt: skip


SORT = "^(" + "|".join(service.SORTS) + ")$"


@router.get("/documents", response_model=list[DocumentOut], responses=AUTH)
def list_documents(
    ctx: Ctx, user: User, status: StatusFilter = None, unit_id: QueryId = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    q: Annotated[str | None, Query(max_length=100, description="单位名称或文件名的一部分")] = None,
    sort: Annotated[str | None, Query(pattern=SORT)] = None,
    descending: bool = False,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 200,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[DocumentOut]:  # fmt: skip
    """可查看的文件，含审核状态；可按单位名称或文件名查找、按列排序、分页。"""
    with ctx.store.reader() as session:
        rows = service.summaries(session, user, status=status, unit_id=unit_id, year=year,
                                 q=(q or "").strip() or None, sort=sort, descending=descending,
                                 limit=limit, offset=offset)  # fmt: skip
    return [document_out(r) for r in rows]


@router.get("/queue", response_model=list[DocumentOut], responses=AUTH)
def queue(ctx: Ctx, user: User, status: StatusFilter = "pending") -> list[DocumentOut]:
    """审核队列：按状态（默认待审）列出文件；单位已重新上传的旧版本不再列出。"""
    with ctx.store.reader() as session:
        rows = service.summaries(session, user, status=status, limit=service.MAX_PAGE,
                                 latest_only=True)  # fmt: skip
    return [document_out(r) for r in rows]


@router.post(
    "/documents", response_model=list[JobQueued], status_code=202,
    responses={**AUTH, 400: {"description": "文件过多"}, 413: {"description": "超过大小上限"}},
)  # fmt: skip
async def upload(
    request: Request, response: Response, ctx: Ctx, user: User,
    files: Annotated[list[UploadFile], File(description="预算公开文件，可多个")],
) -> list[JobQueued]:  # fmt: skip
    """上传文件：立即返回每个文件的任务；后台进程按内容判断类型，读取、检查并入库。

    用 ``GET /api/jobs/{job_id}``（即各项的 ``url``）查看进度和结果。"""
    ids = await accept(ctx, user, files, client_ip(request))
    with ctx.store.reader() as session:
        views = [jobviews.job_view(session, user, job_id) for job_id in ids]
    if len(views) == 1:
        response.headers["Location"] = f"/api/jobs/{views[0].id}"
    return [JobQueued(job_id=v.id, file_name=v.file_name, status=v.status,
                      url=f"/api/jobs/{v.id}") for v in views]  # fmt: skip


@router.get("/uploads", response_model=list[UploadRecord], responses=AUTH)
def uploads(ctx: Ctx, user: User) -> list[UploadRecord]:
    """最近的上传记录（单位用户只看到自己的）。"""
    with ctx.store.reader() as session:
        return [UploadRecord.model_validate(u) for u in service.uploads_of(session, user)]


@router.get("/documents/{disclosure_id}", response_model=DocumentDetailOut, responses=ONE)
def get_document(disclosure_id: PathId, ctx: Ctx, user: User) -> DocumentDetailOut:
    """一个文件：概要、审核状态、问题数。"""
    detail = service.detail(ctx, user, disclosure_id)
    counts = {"error": 0, "warning": 0, "info": 0, "rounding": 0}
    for f in detail.findings:
        if f.decision == "dismissed":  # as the stored counts (``yusuan.web.rulesettings.recount``)
            continue
        counts[f.severity] += 1
        counts["rounding"] += f.rounding
    return DocumentDetailOut(
        document=document_out(detail.summary),
        review=ReviewOut.model_validate(asdict(detail.review)),
        counts=counts, reading_issues=detail.view.issues,
    )  # fmt: skip


@router.get("/documents/{disclosure_id}/tables", response_model=list[TableOut], responses=ONE)
def tables(disclosure_id: PathId, ctx: Ctx, user: User) -> list[TableOut]:
    """文件的表格，每个单元格带页面元素 id（问题引用的单元格即这些 id）。"""
    view = service.detail(ctx, user, disclosure_id).view
    return [TableOut.model_validate(asdict(t)) for t in view.tables]


@router.get("/documents/{disclosure_id}/findings", response_model=list[FindingOut],
            responses=ONE)  # fmt: skip
def findings(disclosure_id: PathId, ctx: Ctx, user: User) -> list[FindingOut]:
    """检查发现的问题（按级别排序），含引用的单元格、原文行号和审核处理结果。"""
    detail = service.detail(ctx, user, disclosure_id)
    return [finding_out(f) for group in detail.groups for f in group.findings]


@router.get("/documents/{disclosure_id}/source", response_model=list[SourceLineOut],
            responses=ONE)  # fmt: skip
def source_lines(disclosure_id: PathId, ctx: Ctx, user: User) -> list[SourceLineOut]:
    """原文各行（行号与检查结果引用的行号一致）。"""
    view = service.detail(ctx, user, disclosure_id).view
    return [SourceLineOut(number=ln.number, page=ln.page, text=ln.text) for ln in view.lines]


@router.get(
    "/documents/{disclosure_id}/report",
    responses={**ONE, 200: {"description": "检查报告文件", "content": {
        "application/json": {}, "text/html": {}, MEDIA_TYPES["xlsx"]: {}}}},
)  # fmt: skip
def report(
    disclosure_id: PathId, ctx: Ctx, user: User,
    format: Literal["json", "html", "xlsx"] = "json",
    dismissed: Annotated[bool, Query(description="包含已驳回的问题（HTML/XLSX）")] = False,
) -> Response:  # fmt: skip
    """下载检查报告：JSON（含审核处理结果）、HTML 报告或 XLSX 检查表。"""
    stored = StoredReport(ctx, user, disclosure_id, dismissed=dismissed or format == "json")
    if format == "html":
        return attachment(stored.html(), "text/html; charset=utf-8",
                          f"{stored.file_stem}检查报告.html")  # fmt: skip
    if format == "xlsx":
        return attachment(stored.xlsx(), MEDIA_TYPES["xlsx"], f"{stored.file_stem}检查表.xlsx")
    text = json.dumps(stored.json(), ensure_ascii=False, indent=2) + "\n"
    return Response(text, media_type="application/json")


@router.delete("/documents/{disclosure_id}", status_code=204,
               responses={**ONE, 403: {"description": "需要审核人员角色"}})  # fmt: skip
def delete_document(disclosure_id: PathId, request: Request, ctx: Ctx, user: User) -> Response:
    """删除文件及其全部数据（审核人员、管理员）。"""
    service.delete_document(ctx, user, disclosure_id, client_ip(request))
    return Response(status_code=204)
