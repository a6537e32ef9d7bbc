"""Pages still to come, so the navigation is complete: units and years (trends and comparisons
with ECharts) and the budget editor (edit or upload the input workbook, regenerate). Their
routers replace these routes when they are written."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from yusuan.web.deps import User
from yusuan.web.templating import render

router = APIRouter(include_in_schema=False)

PLANNED = {
    "/units": ("单位与年度", "单位的历年趋势、单位之间的比较（图表）和导出。"),
    "/budget": ("编制预算", "在浏览器中编辑单位的预算数据或上传填报工作簿，重新生成公开文件"
                          "（DOCX/PDF/XLSX）。"),
}  # fmt: skip


@router.get("/units")
def units_page(request: Request, user: User) -> Response:
    return _planned(request, "/units")


@router.get("/budget")
def budget_page(request: Request, user: User) -> Response:
    return _planned(request, "/budget")


def _planned(request: Request, path: str) -> Response:
    heading, what = PLANNED[path]
    return render(request, "placeholder.html", {"heading": heading, "what": what})
