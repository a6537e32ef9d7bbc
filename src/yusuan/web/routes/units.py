"""Units and years: comparisons across units with charts, one unit's trend and its spending by
功能分类 类, and their downloads. Every figure comes from ``yusuan.web.trends`` (access-checked)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from yusuan.web import exports, trends, unitview
from yusuan.web.deps import Ctx, PathId, User
from yusuan.web.errors import Invalid
from yusuan.web.routes.common import attachment
from yusuan.web.templating import render
from yusuan.web.users import list_units

router = APIRouter(include_in_schema=False)

COMPARE = "^(" + "|".join(trends.COMPARE_LABELS) + ")$"
TREND = "^(" + "|".join(trends.TREND_LABELS) + ")$"
FORMAT = "^(csv|xlsx)$"
PAGE_ROWS = 100
UNIT_ROWS = 200  # units listed on the page; the name filter finds the others


def parse_year(value: str | None, default: int | None) -> int | None:
    """``year`` of a filter form: missing → ``default``; ``all`` or blank → every year."""
    if value is None:
        return default
    value = value.strip()
    if value in ("", "all"):
        return None
    if not value.isdigit() or not 1900 <= int(value) <= 2200:
        raise Invalid("年度无效")
    return int(value)


def parse_scope(value: str | None) -> str | None:
    if not value:
        return None
    if value not in trends.SCOPES:
        raise Invalid("范围只能是“单位”或“部门”")
    return value


@router.get("/units")
def units_page(
    request: Request, ctx: Ctx, user: User,
    metric: Annotated[str, Query(pattern=COMPARE)] = "three_public",
    year: Annotated[str | None, Query(max_length=10)] = None,
    scope: Annotated[str | None, Query(max_length=4)] = None,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:  # fmt: skip
    with ctx.store.reader() as session:
        years = trends.years(session, user)
        chosen = parse_year(year, years[0] if years else None)
        scope = parse_scope(scope)
        rows = trends.comparison(session, user, metric, year=chosen, scope=scope,
                                 limit=PAGE_ROWS)  # fmt: skip
    query = {"metric": metric, "year": chosen or "all", "scope": scope or ""}
    return render(request, "units.html", {
        "metrics": trends.COMPARE_LABELS, "metric": metric, "years": years, "year": chosen,
        "scope": scope or "", "scopes": trends.SCOPES,
        "table": unitview.compare_table(metric, rows),
        "chart": unitview.compare_chart(metric, rows, chosen),
        **_unit_list(ctx, user, q), "query": urlencode(query), "page_rows": PAGE_ROWS,
        "chart_points": unitview.CHART_POINTS,
        "store_what": exports.STORE_WHAT,
    })  # fmt: skip


def _unit_list(ctx: Ctx, user: User, q: str) -> dict[str, Any]:
    """The units the user may see whose name contains ``q``, at most ``UNIT_ROWS`` of them."""
    units = list_units(ctx, user)
    wanted = q.strip()
    found = [u for u in units if wanted in u.name] if wanted else units
    return {"units": found[:UNIT_ROWS], "unit_count": len(found), "q": wanted,
            "unit_rows": UNIT_ROWS}  # fmt: skip


@router.get("/units/export")
def compare_export(
    ctx: Ctx, user: User,
    metric: Annotated[str, Query(pattern=COMPARE)] = "three_public",
    year: Annotated[str | None, Query(max_length=10)] = None,
    scope: Annotated[str | None, Query(max_length=4)] = None,
    format: Annotated[str, Query(pattern=FORMAT)] = "csv",
) -> Response:  # fmt: skip
    chosen = parse_year(year, None)
    with ctx.store.reader() as session:
        rows = trends.comparison(session, user, metric, year=chosen, scope=parse_scope(scope),
                                 limit=None)  # fmt: skip
    when = f"{chosen}年" if chosen else "各年度"
    name = f"{when}{trends.COMPARE_LABELS[metric]}比较.{format}"
    return attachment(exports.table_bytes(rows, format, metric), exports.MEDIA[format], name)


@router.get("/units/store-export")
def store_export(
    ctx: Ctx, user: User,
    what: Annotated[str, Query(pattern="^(facts|cells|findings)$")] = "facts",
    format: Annotated[str, Query(pattern="^(csv|xlsx|parquet)$")] = "csv",
    year: Annotated[str | None, Query(max_length=10)] = None,
    scope: Annotated[str | None, Query(max_length=4)] = None,
) -> Response:  # fmt: skip
    path = exports.whole_store(ctx, user, what, format, year=parse_year(year, None),
                               scope=parse_scope(scope))  # fmt: skip
    return exports.file_download(path)


@router.get("/units/{unit_id:int}")
def unit_page(
    request: Request, ctx: Ctx, user: User, unit_id: PathId,
    metric: Annotated[str, Query(pattern=TREND)] = "facts",
    scope: Annotated[str | None, Query(max_length=4)] = None,
) -> Response:  # fmt: skip
    trends.ensure_codemap(ctx)
    chosen = parse_scope(scope)
    with ctx.store.reader() as session:
        unit = trends.unit_page(session, user, unit_id)
        if chosen is None and len(unit.scopes) > 1:
            chosen = unit.documents[0].scope  # the scope of the newest document
        rows = trends.unit_trend(session, user, unit, metric, chosen)
        spending = trends.unit_spending(session, user, unit, chosen)
    years, lines = unitview.spending_table(spending)
    query = urlencode({"metric": metric, "scope": chosen or ""})
    return render(request, "unit.html", {
        "unit": unit, "metric": metric, "metrics": trends.TREND_LABELS, "scope": chosen or "",
        "groups": unitview.trend_groups(rows), "chart": unitview.trend_chart(rows, metric),
        "spending_years": years, "spending": lines,
        "spending_chart": unitview.spending_chart(spending), "query": query,
    })  # fmt: skip


@router.get("/units/{unit_id:int}/export")
def unit_export(
    ctx: Ctx, user: User, unit_id: PathId,
    what: Annotated[str, Query(pattern="^(trend|spending)$")] = "trend",
    metric: Annotated[str, Query(pattern=TREND)] = "facts",
    scope: Annotated[str | None, Query(max_length=4)] = None,
    level: Annotated[int, Query(ge=3, le=7)] = 3,
    format: Annotated[str, Query(pattern=FORMAT)] = "csv",
) -> Response:  # fmt: skip
    chosen = parse_scope(scope)
    with ctx.store.reader() as session:
        unit = trends.unit_page(session, user, unit_id)
        if what == "spending":
            trends.ensure_codemap(ctx)
            rows: list[Any] = trends.unit_spending(session, user, unit, chosen, level)
            label = "按功能分类科目的历年支出"
        else:
            rows = trends.unit_trend(session, user, unit, metric, chosen)
            label = f"历年{trends.TREND_LABELS[metric]}"
    name = f"{unit.name}{label}.{format}"
    return attachment(exports.table_bytes(rows, format, what), exports.MEDIA[format], name)
