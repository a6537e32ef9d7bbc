"""API: units and years — a unit's figures across years and its spending by 功能分类 code,
comparisons across units, and their exports (amounts in 元, exact decimal strings)."""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from yusuan.analytics.base import flatten
from yusuan.analytics.trend import CodeTrendRow, TrendRow
from yusuan.web import exports, trends
from yusuan.web.api.schemas import Responses
from yusuan.web.deps import Ctx, PathId, User
from yusuan.web.routes.common import attachment

router = APIRouter(tags=["单位与年度"])
AUTH: Responses = {401: {"description": "未登录或令牌无效"}}
ONE: Responses = {**AUTH, 404: {"description": "未找到该单位，或无权查看"}}
FILE: dict[str, Any] = {"content": {"text/csv": {}, exports.MEDIA["xlsx"]: {}}}

CompareMetric = Literal["three_public", "operating_costs", "personnel_share", "class_spending",
                        "per_head", "findings"]  # fmt: skip
TrendMetric = Literal["facts", "three_public", "operating_costs", "personnel_share", "per_head",
                      "findings"]  # fmt: skip
Scope = Literal["单位", "部门"]
Year = Annotated[int | None, Query(ge=1900, le=2200, description="预算年度；不填为全部年度")]
Amount = str | None  # 元 as exact decimal text; None where the document leaves it blank


class Level(IntEnum):
    """A level of 功能分类 codes: 类 (3 digits), 款 (5), 项 (7)."""

    CLASS = 3
    SECTION = 5
    ITEM = 7


class Metrics(BaseModel):
    compare: dict[str, str] = Field(description="比较项目：键与中文名称")
    trend: dict[str, str] = Field(description="历年数据的指标：键与中文名称")


class UnitBrief(BaseModel):
    id: int
    name: str
    kind: str


class TrendRowOut(BaseModel):
    key: str
    label: str
    disclosure_id: int
    unit_id: int
    year: int | None
    scope: str
    value: Amount = Field(description="元（人数为整数，比重为百分数）")
    change: Amount = Field(description="比上年增减")
    rate: Amount = Field(description="增减率（%）")


class TrendOut(BaseModel):
    unit: UnitBrief
    metric: str
    scope: str | None
    amount_unit: Literal["元"] = "元"
    rows: list[TrendRowOut]


class SpendingRowOut(BaseModel):
    code: str = Field(description="科目编码（按最新年度目录对应）")
    name: str
    printed_code: str = Field(description="该年度文件印出的编码")
    disclosure_id: int
    unit_id: int
    year: int | None
    scope: str
    amount: Amount
    change: Amount
    rate: Amount


class SpendingOut(BaseModel):
    unit: UnitBrief
    level: int
    scope: str | None
    amount_unit: Literal["元"] = "元"
    rows: list[SpendingRowOut]


class CompareOut(BaseModel):
    metric: str
    label: str
    year: int | None
    scope: str | None
    amount_unit: Literal["元"] = "元"
    rows: list[dict[str, Any]] = Field(
        description="每行一个文件（按类比较时每行一个类）：单位、年度、范围及该项目的各列；"
                    "金额为精确的十进制字符串（元）"
    )  # fmt: skip


def _text(value: Any) -> Any:
    return format(value, "f") if isinstance(value, Decimal) else value


def _trend_out(row: TrendRow) -> TrendRowOut:
    r = row.ref
    return TrendRowOut(key=row.key, label=row.label, disclosure_id=r.disclosure_id,
                       unit_id=r.unit_id, year=r.year, scope=r.scope, value=_text(row.value),
                       change=_text(row.change), rate=_text(row.rate))  # fmt: skip


def _spending_out(row: CodeTrendRow) -> SpendingRowOut:
    r = row.ref
    return SpendingRowOut(code=row.code, name=row.name, printed_code=row.printed_code,
                          disclosure_id=r.disclosure_id, unit_id=r.unit_id, year=r.year,
                          scope=r.scope, amount=_text(row.amount), change=_text(row.change),
                          rate=_text(row.rate))  # fmt: skip


@router.get("/analytics/metrics", response_model=Metrics, responses=AUTH)
def metrics(user: User) -> Metrics:
    """比较项目和历年数据指标的列表。"""
    return Metrics(compare=dict(trends.COMPARE_LABELS), trend=dict(trends.TREND_LABELS))


@router.get("/analytics/compare", response_model=CompareOut, responses=AUTH)
def compare(
    ctx: Ctx, user: User, metric: CompareMetric = "three_public", year: Year = None,
    scope: Scope | None = None,
    limit: Annotated[int | None, Query(ge=1, le=10000, description="最多返回的条数")] = None,
) -> CompareOut:  # fmt: skip
    """单位之间的比较：“三公”经费、机关运行经费、人员经费占比、按类支出、人均支出或检查问题，
    从大到小（单位用户只含本单位的文件）。"""
    with ctx.store.reader() as session:
        rows = trends.comparison(session, user, metric, year=year, scope=scope, limit=limit)
    flat = [{k: _text(v) for k, v in flatten(row).items()} for row in rows]
    return CompareOut(metric=metric, label=trends.COMPARE_LABELS[metric], year=year, scope=scope,
                      rows=flat)  # fmt: skip


@router.get("/analytics/compare/export", responses={**AUTH, 200: FILE})
def compare_export(
    ctx: Ctx, user: User, metric: CompareMetric = "three_public", year: Year = None,
    scope: Scope | None = None, format: Literal["csv", "xlsx"] = "csv",
) -> Response:  # fmt: skip
    """下载比较结果（CSV 或 XLSX，全部字段，金额以元为单位）。"""
    with ctx.store.reader() as session:
        rows = trends.comparison(session, user, metric, year=year, scope=scope, limit=None)
    name = f"{year or '各'}年度{trends.COMPARE_LABELS[metric]}比较.{format}"
    return attachment(exports.table_bytes(rows, format, metric), exports.MEDIA[format], name)


@router.get(
    "/analytics/export",
    responses={**AUTH, 403: {"description": "需要审核人员角色"},
               200: {"content": {**FILE["content"], exports.MEDIA["parquet"]: {}}}},
)  # fmt: skip
def store_export(
    ctx: Ctx, user: User, what: Literal["facts", "cells", "findings"] = "facts",
    format: Literal["csv", "xlsx", "parquet"] = "csv", year: Year = None,
    scope: Scope | None = None,
) -> Response:  # fmt: skip
    """导出库中全部文件的主要数据、表格单元格或检查问题（审核人员、管理员）。"""
    path = exports.whole_store(ctx, user, what, format, year=year, scope=scope)
    return exports.file_download(path)


@router.get("/units/{unit_id}/trend", response_model=TrendOut, responses=ONE)
def unit_trend(
    unit_id: PathId, ctx: Ctx, user: User, metric: TrendMetric = "facts", scope: Scope | None = None
) -> TrendOut:
    """一个单位历年的数据及比上年增减（按年度关联追溯上年文件）。"""
    with ctx.store.reader() as session:
        unit = trends.unit_page(session, user, unit_id)
        rows = trends.unit_trend(session, user, unit, metric, scope)
    return TrendOut(unit=UnitBrief(id=unit.id, name=unit.name, kind=unit.kind), metric=metric,
                    scope=scope, rows=[_trend_out(r) for r in rows])  # fmt: skip


@router.get("/units/{unit_id}/spending", response_model=SpendingOut, responses=ONE)
def unit_spending(
    unit_id: PathId, ctx: Ctx, user: User, scope: Scope | None = None,
    level: Annotated[Level, Query(description="科目级次：3 类、5 款、7 项")] = Level.CLASS,
) -> SpendingOut:  # fmt: skip
    """一个单位历年按功能分类科目的支出（支出表合计列，编码按最新年度目录对应）。"""
    trends.ensure_codemap(ctx)
    with ctx.store.reader() as session:
        unit = trends.unit_page(session, user, unit_id)
        rows = trends.unit_spending(session, user, unit, scope, int(level))
    return SpendingOut(unit=UnitBrief(id=unit.id, name=unit.name, kind=unit.kind), level=int(level),
                       scope=scope, rows=[_spending_out(r) for r in rows])  # fmt: skip


@router.get("/units/{unit_id}/trend/export", responses={**ONE, 200: FILE})
def unit_trend_export(
    unit_id: PathId, ctx: Ctx, user: User, metric: TrendMetric = "facts",
    scope: Scope | None = None, format: Literal["csv", "xlsx"] = "csv",
) -> Response:  # fmt: skip
    """下载一个单位的历年数据（CSV 或 XLSX，金额以元为单位）。"""
    with ctx.store.reader() as session:
        unit = trends.unit_page(session, user, unit_id)
        rows = trends.unit_trend(session, user, unit, metric, scope)
    name = f"{unit.name}历年{trends.TREND_LABELS[metric]}.{format}"
    return attachment(exports.table_bytes(rows, format, metric), exports.MEDIA[format], name)
