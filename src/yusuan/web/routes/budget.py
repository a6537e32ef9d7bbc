"""The budget editor: a unit's drafts, starting one (from the unit's newest disclosure, an
uploaded input workbook or data file, or blank in a chosen template), editing it in the form of
its template, the workbook round trip, and regenerating the disclosure (DOCX, PDF, HTML, XLSX)
with its check outcome."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from yusuan.web import budgetform, draftfiles, drafts
from yusuan.web.deps import MAX_ID, Ctx, PathId, QueryId, User, client_ip
from yusuan.web.errors import Conflict, Invalid, NotFound, TooLarge
from yusuan.web.filetypes import MEDIA_TYPES
from yusuan.web.principal import Principal
from yusuan.web.routes.common import attachment, see_other
from yusuan.web.templating import render
from yusuan.web.users import list_units

router = APIRouter(include_in_schema=False)

MAX_FIELDS = 20000  # the editor posts every field of every row
NOTICES = {
    "draft_created": "预算草稿已创建",
    "draft_saved": "已保存",
    "draft_uploaded": "已按上传的文件更新草稿",
    "regenerated": "公开文件已生成",
    "draft_deleted": "预算草稿已删除",
}
YAML = "application/yaml; charset=utf-8"
TEMPLATE_KEY = "^(" + "|".join(drafts.DRAFT_TEMPLATES) + ")$"
TEMPLATE_CHOICE = "^(" + "|".join(drafts.DRAFT_TEMPLATES) + "|)$"  # blank: the unit's


def _notice(request: Request) -> dict[str, str]:
    """The notice after a redirect (``?msg=key``): fixed texts, never echoed input."""
    notice = NOTICES.get(request.query_params.get("msg", ""))
    return {"message": notice} if notice else {}


async def editor_form(request: Request) -> dict[str, str]:
    """The submitted editor form, parsed before the CSRF check reads it (which would stop at
    Starlette's default of 1000 fields)."""
    form = await request.form(max_fields=MAX_FIELDS)
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


# --- the list of drafts -----------------------------------------------------------------------


def _list_page(request: Request, ctx: Ctx, user: Principal, unit_id: int | None = None,
               error: str = "", status: int = 200) -> Response:  # fmt: skip
    units = list_units(ctx, user)
    found = drafts.list_drafts(ctx, user)
    return render(request, "budget.html", {
        "drafts": found, "units": units, "unit_id": unit_id, "error": error,
        "next_year": datetime.date.today().year + 1, "templates": drafts.DRAFT_TEMPLATES,
        **_notice(request),
    }, status)  # fmt: skip


@router.get("/budget")
def budget_page(request: Request, ctx: Ctx, user: User, unit_id: QueryId = None) -> Response:
    return _list_page(request, ctx, user, unit_id)


def blank_workbook(template: str) -> Response:
    """The empty input workbook of a template, named after it."""
    name = drafts.DRAFT_TEMPLATES[template].split("（")[0].removesuffix("预算公开模板")
    return attachment(draftfiles.workbook_bytes(None, template), MEDIA_TYPES["xlsx"],
                      f"预算数据填报工作簿（{name}）.xlsx")  # fmt: skip


@router.get("/budget/template.xlsx")
def blank_template(
    user: User, template: Annotated[str, Query(pattern=TEMPLATE_KEY)] = "shanxi"
) -> Response:
    return blank_workbook(template)


@router.post("/budget/start")
def start(
    request: Request, ctx: Ctx, user: User, unit_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    source: Annotated[str, Form(pattern="^(document|blank)$")] = "document",
    year: Annotated[int | None, Form(ge=2000, le=2100)] = None,
    template: Annotated[str, Form(pattern=TEMPLATE_CHOICE)] = "",
    replace: Annotated[str, Form(max_length=5)] = "",
) -> Response:  # fmt: skip
    try:
        if source == "blank":
            info = drafts.start_blank(ctx, user, unit_id, year or datetime.date.today().year + 1,
                                      replace=bool(replace), ip=client_ip(request),
                                      template=template or None)  # fmt: skip
        else:
            info = drafts.start_from_document(ctx, user, unit_id, replace=bool(replace),
                                              ip=client_ip(request))  # fmt: skip
    except (Invalid, Conflict) as exc:
        return _list_page(request, ctx, user, unit_id, exc.message, exc.status)
    return see_other(f"/budget/{info.id}", "draft_created")


@router.post("/budget/upload")
async def start_upload(
    request: Request, ctx: Ctx, user: User, unit_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    file: Annotated[UploadFile, File(description="填报工作簿或预算数据文件")],
    replace: Annotated[str, Form(max_length=5)] = "",
) -> Response:  # fmt: skip
    content = await file.read(drafts.MAX_DATA_BYTES + 1)
    try:
        info = await run_in_threadpool(
            drafts.start_from_upload, ctx, user, unit_id, file.filename or "上传的文件", content,
            replace=bool(replace), ip=client_ip(request),
        )  # fmt: skip
    except (Invalid, Conflict, TooLarge) as exc:
        return await run_in_threadpool(_list_page, request, ctx, user, unit_id, exc.message,
                                       exc.status)  # fmt: skip
    return see_other(f"/budget/{info.id}", "draft_created")


# --- one draft --------------------------------------------------------------------------------


def _editor(request: Request, ctx: Ctx, user: Principal, draft_id: int,
            state: budgetform.FormState | None = None, error: str = "",
            status: int = 200) -> Response:  # fmt: skip
    info, data = drafts.get(ctx, user, draft_id)
    if state is None:
        state = budgetform.state_of(data)
    return render(request, "draft.html", {
        "draft": info, "sections": state.sections, "state": state, "error": error,
        "formats": draftfiles.FORMAT_LABELS, **_notice(request),
        "severity_labels": {"error": "错误", "warning": "警告", "info": "提示"},
    }, status)  # fmt: skip


@router.get("/budget/{draft_id:int}")
def draft_page(request: Request, ctx: Ctx, user: User, draft_id: PathId) -> Response:
    return _editor(request, ctx, user, draft_id)


def _save(request: Request, ctx: Ctx, user: Principal, draft_id: int, form: dict[str, str]
          ) -> Response:  # fmt: skip
    data = drafts.get(ctx, user, draft_id)[1]
    submitted = budgetform.apply(data, form)
    if submitted.data is not None:
        problem = drafts.buildable(submitted.data)
        if problem is None:
            revision = form.get("revision", "")
            try:
                drafts.save(ctx, user, draft_id, submitted.data,
                            revision=int(revision) if revision.isdigit() else None,
                            ip=client_ip(request))  # fmt: skip
            except (Conflict, Invalid) as exc:
                return _editor(request, ctx, user, draft_id, submitted.state, exc.message,
                               exc.status)  # fmt: skip
            return see_other(f"/budget/{draft_id}", "draft_saved")
        submitted.state.general.append(problem)
    count = len(submitted.state.errors) + len(submitted.state.general)
    error = f"有 {count} 处需要修改，未保存。请按提示修改后再保存。"
    return _editor(request, ctx, user, draft_id, submitted.state, error, 400)


@router.post("/budget/{draft_id:int}")
async def save_form(
    request: Request, ctx: Ctx, form: Annotated[dict[str, str], Depends(editor_form)],
    user: User, draft_id: PathId,
) -> Response:  # fmt: skip
    return await run_in_threadpool(_save, request, ctx, user, draft_id, form)


@router.post("/budget/{draft_id:int}/upload")
async def upload_onto(
    request: Request, ctx: Ctx, user: User, draft_id: PathId,
    file: Annotated[UploadFile, File(description="填报工作簿或预算数据文件")],
) -> Response:  # fmt: skip
    content = await file.read(drafts.MAX_DATA_BYTES + 1)
    try:
        await run_in_threadpool(drafts.replace_from_upload, ctx, user, draft_id,
                                file.filename or "上传的文件", content,
                                ip=client_ip(request))  # fmt: skip
    except (Invalid, Conflict, TooLarge) as exc:
        return await run_in_threadpool(_editor, request, ctx, user, draft_id, None, exc.message,
                                       exc.status)  # fmt: skip
    return see_other(f"/budget/{draft_id}", "draft_uploaded")


@router.post("/budget/{draft_id:int}/render")
def regenerate(request: Request, ctx: Ctx, user: User, draft_id: PathId) -> Response:
    try:
        draftfiles.regenerate(ctx, user, draft_id, client_ip(request))
    except Invalid as exc:
        return _editor(request, ctx, user, draft_id, None, exc.message, exc.status)
    return see_other(f"/budget/{draft_id}#outcome", "regenerated")


@router.post("/budget/{draft_id:int}/delete")
def delete(request: Request, ctx: Ctx, user: User, draft_id: PathId) -> Response:
    drafts.delete(ctx, user, draft_id, client_ip(request))
    return see_other("/budget", "draft_deleted")


def download(ctx: Any, user: Principal, draft_id: int, fmt: str) -> Response:
    """A regenerated file, or the draft's data as a workbook, YAML or JSON."""
    if fmt in draftfiles.FORMATS:
        path, name = draftfiles.rendered_file(ctx, user, draft_id, fmt)
        return attachment(path.read_bytes(), draftfiles.MEDIA_TYPES[fmt], name)
    info, data = drafts.get(ctx, user, draft_id)
    stem = f"{info.unit_name}{info.year}年度预算数据"
    if fmt == "workbook":
        return attachment(draftfiles.workbook_bytes(data), MEDIA_TYPES["xlsx"], f"{stem}.xlsx")
    if fmt in ("yaml", "json"):
        media = YAML if fmt == "yaml" else "application/json"
        return attachment(draftfiles.data_file_bytes(data, fmt), media, f"{stem}.{fmt}")
    raise NotFound("没有这种格式的文件")


@router.get("/budget/{draft_id:int}/files/{fmt}")
def draft_file(ctx: Ctx, user: User, draft_id: PathId, fmt: str) -> Response:
    return download(ctx, user, draft_id, fmt)
