"""Units and years as the pages and the API see them: one unit's figures across years and its
spending by 功能分类 类, and comparisons across units, always narrowed to what the user may see.

The figures come from ``yusuan.analytics`` (trend.py, compare.py); this module only checks
access. A unit user's trend never shows a year published under another unit (a linked
predecessor they are not a member of), and the change against a hidden year is left blank so
the hidden figure cannot be worked out from it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from yusuan.analytics import compare as cmp
from yusuan.analytics.trend import TREND_METRICS, CodeTrendRow, TrendRow, UnitNotFound
from yusuan.analytics.trend import code_trend as analytics_code_trend
from yusuan.analytics.trend import trend as analytics_trend
from yusuan.store import schema as s
from yusuan.web import access
from yusuan.web.context import AppContext
from yusuan.web.errors import Invalid, NotFound
from yusuan.web.principal import Principal

TREND_LABELS = {
    "facts": "主要数据",
    "three_public": "“三公”经费",
    "operating_costs": "机关运行经费",
    "personnel_share": "人员经费占比",
    "per_head": "人均支出",
    "findings": "检查问题",
}
COMPARE_LABELS = cmp.METRICS
SCOPES = ("单位", "部门")
assert set(TREND_LABELS) == set(TREND_METRICS)

R = TypeVar("R", TrendRow, CodeTrendRow)


@dataclass(frozen=True, slots=True)
class DocumentRef:
    id: int
    year: int | None
    scope: str
    version: int
    errors: int
    warnings: int


@dataclass(frozen=True, slots=True)
class UnitPage:
    """A unit with its stored disclosures, newest year first."""

    id: int
    name: str
    kind: str
    profile: str
    documents: list[DocumentRef]

    @property
    def scopes(self) -> list[str]:
        return [scope for scope in SCOPES if any(d.scope == scope for d in self.documents)]


def unit_page(session: Session, principal: Principal, unit_id: int) -> UnitPage:
    """The unit, or ``NotFound`` when it does not exist or the user may not see it."""
    unit = session.get(s.Unit, unit_id)
    if unit is None or not access.may_see_unit(principal, unit_id):
        raise NotFound("未找到该单位，或您没有权限查看")
    D = s.Disclosure
    rows = session.execute(
        select(D.id, D.year, D.scope, D.version, D.errors, D.warnings)
        .where(D.unit_id == unit_id)
        .order_by(D.year.desc().nulls_last(), D.scope, D.version.desc(), D.id.desc())
    ).all()
    documents = [DocumentRef(int(i), y, sc, int(v), int(e), int(w)) for i, y, sc, v, e, w in rows]
    return UnitPage(unit.id, unit.name, unit.kind, unit.profile, documents)


def _visible(rows: list[R], principal: Principal) -> list[R]:
    """Rows of disclosures the user may see; a change against a hidden year is blanked."""
    if principal.sees_all:
        return rows
    kept: list[R] = []
    hidden_before: dict[str, bool] = {}
    for row in rows:
        series = row.key if isinstance(row, TrendRow) else row.code
        if not access.may_see_unit(principal, row.ref.unit_id):
            hidden_before[series] = True
            continue
        if hidden_before.pop(series, False):
            row = replace(row, change=None, rate=None)
        kept.append(row)
    return kept


def _check_scope(scope: str | None) -> None:
    if scope is not None and scope not in SCOPES:
        raise Invalid("范围只能是“单位”或“部门”")


def unit_trend(
    session: Session, principal: Principal, unit: UnitPage, metric: str = "facts",
    scope: str | None = None,
) -> list[TrendRow]:  # fmt: skip
    """The unit's figures of ``metric`` year by year (``TREND_METRICS``), 元."""
    if metric not in TREND_METRICS:
        raise Invalid("未知的指标")
    _check_scope(scope)
    if not unit.documents:
        return []
    try:
        rows = analytics_trend(session, unit.name, metric=metric, scope=scope)
    except UnitNotFound:
        return []
    return _visible(_own_series(rows, unit.id), principal)


def unit_spending(
    session: Session, principal: Principal, unit: UnitPage, scope: str | None = None,
    level: int = 3,
) -> list[CodeTrendRow]:  # fmt: skip
    """The unit's spending by 功能分类 code of one level (类 3, 款 5, 项 7) year by year."""
    if level not in (3, 5, 7):
        raise Invalid("科目级次只能是 3（类）、5（款）或 7（项）")
    _check_scope(scope)
    if not unit.documents:
        return []
    try:
        rows = analytics_code_trend(session, unit.name, scope=scope, level=level)
    except UnitNotFound:
        return []
    return _visible(_own_series(rows, unit.id), principal)


def _own_series(rows: list[R], unit_id: int) -> list[R]:
    """The series the analytics found by the unit's name must end at this unit (two template
    profiles may hold units of the same name): otherwise there is no series for it."""
    if rows and rows[-1].ref.unit_id != unit_id:
        return []
    return rows


def comparison(
    session: Session, principal: Principal, metric: str, *, year: int | None = None,
    scope: str | None = None, limit: int | None = 50,
) -> list[Any]:  # fmt: skip
    """The rows of one comparison metric (``COMPARE_LABELS``), largest first, of the
    disclosures the user may see; at most ``limit`` rows (None: all)."""
    if metric not in COMPARE_LABELS:
        raise Invalid("未知的比较指标")
    _check_scope(scope)
    if principal.sees_all:
        return cmp.compare(session, metric, year=year, scope=scope, limit=limit)
    if not principal.unit_ids:
        return []
    rows = cmp.compare(session, metric, year=year, scope=scope)
    mine = [r for r in rows if r.ref.unit_id in principal.unit_ids]
    if metric == "findings":  # ranks among what the user sees
        mine = [replace(r, rank=n) for n, r in enumerate(mine, start=1)]
    return mine[:limit] if limit else mine


def years(session: Session, principal: Principal) -> list[int]:
    """The budget years of the disclosures the user may see, newest first."""
    query = select(s.Disclosure.year).where(s.Disclosure.year.is_not(None)).distinct()
    found = session.scalars(access.visible(query, principal))
    return sorted((int(y) for y in found if y is not None), reverse=True)


def ensure_codemap(ctx: AppContext) -> None:
    """The shipped 科目 code changes, loaded into an empty store once per application."""
    if not ctx.settings.extra.get("codemap_seeded"):
        from yusuan.store.codemap import ensure_seeded

        ensure_seeded(ctx.store)
        ctx.settings.extra["codemap_seeded"] = True
