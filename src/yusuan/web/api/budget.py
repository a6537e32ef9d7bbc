"""API: budget drafts — start one from a unit's stored disclosure, an uploaded input workbook or
data file, or blank in a chosen template; read and replace its data (``BudgetData``, amounts in
元, ``template`` its template); download it as the workbook of its template, YAML or JSON;
regenerate the disclosure and download DOCX, PDF, HTML or XLSX."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel, Field, RootModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from yusuan.budget.model import BudgetData
from yusuan.web import budgetform, draftfiles, drafts
from yusuan.web.api.schemas import Body, DbId, Responses, Timestamp
from yusuan.web.deps import MAX_ID, Ctx, PathId, QueryId, User, client_ip
from yusuan.web.errors import Invalid
from yusuan.web.routes.budget import blank_workbook, download

router = APIRouter(tags=["编制预算"])
AUTH: Responses = {401: {"description": "未登录或令牌无效"}}
ONE: Responses = {**AUTH, 404: {"description": "未找到该草稿，或无权查看"}}
CHANGE: Responses = {
    **ONE,
    400: {"description": "数据或文件有误（中文说明）"},
    409: {"description": "该单位该年度已有草稿，或草稿已被他人修改"},
}


class CheckOut(BaseModel):
    errors: int
    warnings: int
    infos: int
    rounding: int
    passed: bool = Field(description="没有错误")
    findings: list[dict[str, str]] = Field(description="检查发现的问题（错误、警告在前）")


class DraftOut(BaseModel):
    id: int
    unit_id: int
    unit_name: str
    year: int
    template: Literal["shanxi", "shanghai"] = Field(description="公开模板：shanxi 或 shanghai")
    template_name: str = Field(description="模板名称，如“上海市预算公开模板（9张表）”")
    origin: Literal["document", "workbook", "data", "blank"]
    origin_label: str
    source_disclosure_id: int | None
    revision: int = Field(description="每次修改加一")
    created_at: Timestamp
    updated_at: Timestamp
    updated_by: str
    notes: list[str] = Field(description="由公开文件提取时所作的推定")
    rendered_revision: int | None = Field(description="最近一次生成公开文件时的版本")
    rendered_at: Timestamp | None
    stale: bool = Field(description="生成后数据又有修改")
    files: dict[str, str] = Field(description="已生成的文件：格式 → 下载地址")
    check: CheckOut | None = Field(description="生成的公开文件的检查结果")


class DraftStart(Body):
    unit_id: DbId
    source: Literal["document", "blank"] = Field(
        default="document", description="document：由该单位的公开文件提取；blank：空白"
    )
    disclosure_id: DbId | None = Field(default=None, description="不填则用该单位最新的文件")
    year: int | None = Field(default=None, ge=2000, le=2100, description="空白草稿的年度")
    template: Literal["shanxi", "shanghai"] | None = Field(
        default=None, description="空白草稿的模板（shanxi 山西、shanghai 上海），不填则同该单位"
    )
    replace: bool = Field(default=False, description="覆盖该年度已有的草稿")


class FieldError(BaseModel):
    field: str = Field(description="字段路径，如 functions.2.basic.general")
    where: str = Field(description="字段的中文位置")
    message: str


class InvalidData(BaseModel):
    detail: str
    errors: list[FieldError]


class InvalidParameters(BaseModel):
    """参数（draft_id、revision）无效：每处错误的位置与说明。"""

    detail: list[dict[str, Any]]


class Unprocessable(RootModel[InvalidData | InvalidParameters]):
    """预算数据不符合规则，或参数无效。"""


def draft_out(info: drafts.DraftInfo) -> DraftOut:
    check = None
    if info.check is not None:
        check = CheckOut(**{k: v for k, v in asdict(info.check).items()},
                         passed=info.check.passed)  # fmt: skip
    base = f"/api/budget/drafts/{info.id}/files/"
    return DraftOut(
        id=info.id, unit_id=info.unit_id, unit_name=info.unit_name, year=info.year,
        template=info.template, template_name=info.template_name, origin=info.origin,
        origin_label=info.origin_label,
        source_disclosure_id=info.source_disclosure_id,
        revision=info.revision, created_at=info.created_at, updated_at=info.updated_at,
        updated_by=info.updated_by, notes=info.notes, rendered_revision=info.rendered_revision,
        rendered_at=info.rendered_at, stale=info.stale,
        files={fmt: base + fmt for fmt in info.files}, check=check,
    )  # fmt: skip


@router.get("/budget/drafts", response_model=list[DraftOut], responses=AUTH)
def list_drafts(ctx: Ctx, user: User, unit_id: QueryId = None) -> list[DraftOut]:
    """可编辑的预算草稿（单位用户只有本单位的）。"""
    return [draft_out(d) for d in drafts.list_drafts(ctx, user, unit_id)]


@router.post("/budget/drafts", response_model=DraftOut, status_code=201, responses=CHANGE)
def start(body: DraftStart, request: Request, ctx: Ctx, user: User) -> DraftOut:
    """新建预算草稿：由单位已入库的公开文件提取预算数据（元，模板与该文件相同），或空白（可选模板）。"""
    if body.source == "blank":
        if body.year is None:
            raise Invalid("空白草稿需要填写年度")
        info = drafts.start_blank(ctx, user, body.unit_id, body.year, replace=body.replace,
                                  ip=client_ip(request), template=body.template)  # fmt: skip
    else:
        info = drafts.start_from_document(
            ctx, user, body.unit_id, body.disclosure_id, replace=body.replace, ip=client_ip(request)
        )
    return draft_out(info)


@router.post("/budget/drafts/upload", response_model=DraftOut, status_code=201,
             responses={**CHANGE, 413: {"description": "文件超过 2 MB"}})  # fmt: skip
async def start_upload(
    request: Request, ctx: Ctx, user: User, unit_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    file: Annotated[UploadFile, File(description="填报工作簿（.xlsx）或 YAML/JSON 预算数据")],
    replace: Annotated[bool, Form()] = False,
) -> DraftOut:  # fmt: skip
    """由上传的填报工作簿或预算数据文件新建草稿；有误时说明工作表、行和列。"""
    content = await file.read(drafts.MAX_DATA_BYTES + 1)
    info = await run_in_threadpool(drafts.start_from_upload, ctx, user, unit_id,
                                   file.filename or "上传的文件", content, replace=replace,
                                   ip=client_ip(request))  # fmt: skip
    return draft_out(info)


@router.get("/budget/drafts/{draft_id}", response_model=DraftOut, responses=ONE)
def get_draft(draft_id: PathId, ctx: Ctx, user: User) -> DraftOut:
    """一份预算草稿：版本、来源、最近一次生成的文件及其检查结果。"""
    return draft_out(drafts.get(ctx, user, draft_id)[0])


@router.get("/budget/drafts/{draft_id}/data", response_model=BudgetData, responses=ONE)
def get_data(draft_id: PathId, ctx: Ctx, user: User) -> BudgetData:
    """草稿的预算数据（BudgetData，金额以元为单位，为精确的十进制字符串）。"""
    return drafts.get(ctx, user, draft_id)[1]


@router.put(
    "/budget/drafts/{draft_id}/data", response_model=DraftOut,
    responses={**CHANGE, 422: {"model": Unprocessable,
                               "description": "预算数据不符合规则：每处错误的字段与中文说明"}},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/BudgetData"}}}}},
)  # fmt: skip
async def put_data(
    draft_id: PathId, request: Request, ctx: Ctx, user: User, revision: int | None = None
) -> DraftOut | JSONResponse:
    """替换草稿的预算数据（完整的 BudgetData）。

    revision 为修改所基于的版本：草稿已被他人修改时拒绝（409），不会覆盖他人的修改。"""
    try:
        raw: Any = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise Invalid("请求体不是有效的 JSON") from None
    try:
        data = BudgetData.model_validate(raw)
    except ValidationError as exc:
        errors = [FieldError(field=".".join(str(p) for p in e["loc"]),
                             where=budgetform.where(e["loc"]), message=budgetform.chinese(dict(e)))
                  for e in exc.errors()[:100]]  # fmt: skip
        body = InvalidData(detail=f"预算数据有 {len(exc.errors())} 处错误", errors=errors)
        return JSONResponse(body.model_dump(), status_code=422)
    info = await run_in_threadpool(drafts.save, ctx, user, draft_id, data, revision=revision,
                                   how="api", ip=client_ip(request))  # fmt: skip
    return draft_out(info)


@router.post("/budget/drafts/{draft_id}/upload", response_model=DraftOut,
             responses={**CHANGE, 413: {"description": "文件超过 2 MB"}})  # fmt: skip
async def upload_onto(
    draft_id: PathId, request: Request, ctx: Ctx, user: User,
    file: Annotated[UploadFile, File(description="填报工作簿（.xlsx）或 YAML/JSON 预算数据")],
) -> DraftOut:  # fmt: skip
    """用上传的填报工作簿或数据文件替换草稿的数据；工作簿中没有的内容保留草稿中的。"""
    content = await file.read(drafts.MAX_DATA_BYTES + 1)
    info = await run_in_threadpool(drafts.replace_from_upload, ctx, user, draft_id,
                                   file.filename or "上传的文件", content,
                                   ip=client_ip(request))  # fmt: skip
    return draft_out(info)


@router.post("/budget/drafts/{draft_id}/render", response_model=DraftOut, responses=CHANGE)
def regenerate(draft_id: PathId, request: Request, ctx: Ctx, user: User) -> DraftOut:
    """由草稿按其模板生成公开文件（DOCX、PDF、HTML、XLSX）并检查，返回检查结果和下载地址。"""
    return draft_out(draftfiles.regenerate(ctx, user, draft_id, client_ip(request)))


@router.get(
    "/budget/drafts/{draft_id}/files/{fmt}",
    responses={**ONE, 400: {"description": "无法由草稿数据生成填报工作簿"},
               200: {"description": "文件", "content": {
        "application/pdf": {}, "application/yaml": {}, "application/json": {}, "text/html": {},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
)  # fmt: skip
def draft_file(
    draft_id: PathId, fmt: Literal["docx", "pdf", "html", "xlsx", "workbook", "yaml", "json"],
    ctx: Ctx,
    user: User,
) -> Response:  # fmt: skip
    """下载：生成的公开文件（docx、pdf、html、xlsx），或草稿数据的填报工作簿（workbook，按草稿的模板）、YAML、JSON。"""
    return download(ctx, user, draft_id, fmt)


@router.delete("/budget/drafts/{draft_id}", status_code=204, responses=ONE)
def delete_draft(draft_id: PathId, request: Request, ctx: Ctx, user: User) -> Response:
    """删除预算草稿及其生成的文件。"""
    drafts.delete(ctx, user, draft_id, client_ip(request))
    return Response(status_code=204)


@router.get(
    "/budget/template",
    responses={
        **AUTH,
        200: {
            "description": "空白填报工作簿",
            "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
        },
    },
)
def template(user: User, template: Literal["shanxi", "shanghai"] = "shanxi") -> Response:
    """下载空白的预算数据填报工作簿（含填写说明和数据校验）。

    template：shanxi（山西13张表）或 shanghai（上海9张表）。"""
    return blank_workbook(template)
