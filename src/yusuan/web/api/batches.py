"""API: batches (a ZIP, a folder or many files brought in together) and their progress."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from yusuan.web import batches
from yusuan.web.api.schemas import Responses, Timestamp
from yusuan.web.batchfiles import Sent
from yusuan.web.deps import Ctx, PathId, User, client_ip

router = APIRouter(tags=["批次"])
AUTH: Responses = {401: {"description": "未登录或令牌无效"}}
State = Literal["queued", "running", "stored", "duplicate", "failed"]


class BatchQueued(BaseModel):
    """A batch taken in: one job per file; poll ``url`` for its progress."""

    batch_id: int
    name: str
    files: int
    url: str
    page: str


class BatchDocumentOut(BaseModel):
    """One file of a batch and the document it became: ``state`` is 排队中 (queued), 处理中
    (running), 已入库 (stored), 重复 (duplicate) or 失败 (failed); ``note`` tells a second version
    of the same unit, year and kind (同一单位、年度的另一份文件（第2版）) or the file a
    duplicate repeats."""

    model_config = ConfigDict(from_attributes=True)
    job_id: int
    file_name: str
    status: Literal["queued", "running", "done", "failed"]
    state: State
    state_label: str
    progress_text: str
    message: str
    note: str
    page: int | None
    pages: int | None
    disclosure_id: int | None
    unit_name: str
    year: int | None
    kind: str
    scope: str
    version: int | None
    errors: int
    warnings: int
    infos: int
    review_status: str
    review_label: str
    previous_id: int | None


class BatchSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    user_name: str
    created_at: Timestamp
    total: int
    ended: int
    percent: int
    complete: bool
    counts: dict[str, int]


class BatchOut(BatchSummaryOut):
    """A batch: progress (``ended`` of ``total``), counts by state, its documents."""

    errors: int
    warnings: int
    documents: list[BatchDocumentOut]


ONE: Responses = {**AUTH, 404: {"description": "未找到，或无权查看"}}


@router.post(
    "/batches", response_model=BatchQueued, status_code=202,
    responses={**AUTH, 400: {"description": "没有文件，或文件过多"},
               413: {"description": "超过大小上限（含压缩炸弹）"}},
)  # fmt: skip
async def create_batch(
    request: Request, response: Response, ctx: Ctx, user: User,
    files: Annotated[list[UploadFile], File(description="一个 ZIP 压缩包，或多个文件（可含 ZIP）")],
    name: Annotated[str | None, Form(max_length=200, description="批次名称（可省略）")] = None,
) -> BatchQueued:  # fmt: skip
    """上传一批文件（ZIP 压缩包、文件夹或多个文件）：每个文件一个任务，立即返回批次。

    压缩包中的文件名可以是 GBK 或 UTF-8 编码；文件夹、__MACOSX 和隐藏文件不处理。
    用 ``GET /api/batches/{batch_id}`` 查看进度和每个文件的结果。"""
    sent = [Sent(f.filename or "", f.file, f.size) for f in files]
    batch_id = await run_in_threadpool(
        batches.receive_batch, ctx, user, sent, name, client_ip(request)
    )
    with ctx.store.reader() as session:
        view = batches.batch_view(session, user, batch_id)
    response.headers["Location"] = f"/api/batches/{batch_id}"
    return BatchQueued(batch_id=batch_id, name=view.name, files=view.total,
                       url=f"/api/batches/{batch_id}", page=f"/batches/{batch_id}")  # fmt: skip


@router.get("/batches", response_model=list[BatchSummaryOut], responses=AUTH)
def list_batches(ctx: Ctx, user: User) -> list[BatchSummaryOut]:
    """批次列表，最新的在前（单位用户只看到自己上传的批次）。"""
    with ctx.store.reader() as session:
        return [BatchSummaryOut.model_validate(b) for b in batches.batches_of(session, user)]


@router.get("/batches/{batch_id}", response_model=BatchOut, responses=ONE)
def get_batch(batch_id: PathId, ctx: Ctx, user: User) -> BatchOut:
    """一个批次：进度、各状态的文件数、每个文件的单位、年度、类别、结果和问题数。"""
    with ctx.store.reader() as session:
        return BatchOut.model_validate(batches.batch_view(session, user, batch_id))
