"""Comparisons across units of one year (or all years): 三公经费, 机关运行经费, the personnel share
of basic spending, spending by 功能分类 类, costs per head, and units ranked by their findings.

Every function takes a reading ``Session`` (``store.reader()``) and keyword filters (``year``,
``unit`` — units whose normalized name contains it —, ``scope`` 单位/部门, ``latest`` — only the
newest version of a republished disclosure —, ``limit``) and returns typed rows, amounts in 元.

Index use: disclosures of a year come from ``ix_disclosures_year``; their figures from the primary
keys of ``facts`` (disclosure_id, key) and ``class_spending`` (disclosure_id, row_no); the
newest-version test from ``uq_disclosures_version``; the ranking by findings
from ``ix_disclosures_year_errors`` (year, errors, warnings).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, select
from sqlalchemy.orm import Session, aliased

from yusuan.analytics.base import (
    REF_COLUMNS,
    D,
    DisclosureRef,
    cents_sum,
    disclosures,
    from_cents,
    ratio,
    ref,
    run,
)
from yusuan.store import schema as s

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class ThreePublicRow:
    """“三公”经费 and its items (table 10, 元)."""

    ref: DisclosureRef
    three_public: Decimal | None
    abroad: Decimal | None
    reception: Decimal | None
    vehicles: Decimal | None
    vehicle_purchase: Decimal | None
    vehicle_operation: Decimal | None


@dataclass(frozen=True, slots=True)
class OperatingCostsRow:
    """机关运行经费 (table 11) beside 公用经费 (table 6), 元."""

    ref: DisclosureRef
    operating_costs: Decimal | None
    public: Decimal | None


@dataclass(frozen=True, slots=True)
class PersonnelShareRow:
    """人员经费 as a share (%) of 一般公共预算基本支出 (table 6 合计)."""

    ref: DisclosureRef
    personnel: Decimal | None
    public: Decimal | None
    basic: Decimal | None
    share: Decimal | None


@dataclass(frozen=True, slots=True)
class ClassSpendingRow:
    """One 类 of a disclosure's spending table (table 3 合计 column, 元) and its share (%) of the
    table's total."""

    ref: DisclosureRef
    code: str
    name: str
    amount: Decimal | None
    share: Decimal | None


@dataclass(frozen=True, slots=True)
class ClassTotal:
    """A 类 summed over the disclosures compared."""

    code: str
    name: str
    disclosures: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PerHeadRow:
    """Spending per person actually employed (实有人数), 元 per head."""

    ref: DisclosureRef
    staff_actual: int | None
    staff_authorized: int | None
    expenditure_total: Decimal | None
    basic: Decimal | None
    expenditure_per_head: Decimal | None
    basic_per_head: Decimal | None


@dataclass(frozen=True, slots=True)
class FindingsRankRow:
    """A disclosure ranked by its findings (errors, then warnings)."""

    rank: int
    ref: DisclosureRef
    errors: int
    warnings: int
    infos: int


@dataclass(frozen=True, slots=True)
class _Rank:
    """How rows are ranked: by the fact ``key`` (largest first), or by ``key`` divided by the
    first stated of ``over``; ``required``: only disclosures stating a divisor take part."""

    key: str
    over: tuple[str, ...] = ()
    required: bool = False


def _ranked_ids(session: Session, base: Any, rank: _Rank, limit: int) -> list[int]:
    """The ids of the ``limit`` first disclosures of ``base`` (a filtered ``SELECT D.id``) by
    ``rank``; those without the ranking fact follow, by name. Uses the (key, value) index of
    facts for a plain ranking, so only the first rows are read."""
    number = aliased(s.Fact)
    query = base.join(number, and_(number.disclosure_id == D.id, number.key == rank.key))
    if rank.over:
        parts = [aliased(s.Fact) for _ in rank.over]
        for part, key in zip(parts, rank.over, strict=True):
            on = and_(part.disclosure_id == D.id, part.key == key)
            query = query.join(part, on) if rank.required else query.outerjoin(part, on)
        divisor = func.coalesce(*(p.value for p in parts)) if len(parts) > 1 else parts[0].value
        # A float only to order the rows: the values shown are computed exactly afterwards.
        value = cast(number.value, Float) / func.nullif(cast(divisor, Float), 0)
        query = query.order_by(value.desc().nulls_last(), D.id)
    else:
        query = query.order_by(number.value.desc(), D.id.desc())
    ids = [int(row[0]) for row in run(session, query.limit(limit))]
    if len(ids) < limit and not rank.required:
        fact = s.Fact
        stated = select(fact.disclosure_id).where(fact.disclosure_id == D.id,
                                                  fact.key == rank.key).exists()  # fmt: skip
        rest = base.where(~stated).order_by(D.unit_name, D.year, D.id).limit(limit - len(ids))
        ids += [int(row[0]) for row in run(session, rest)]
    return ids


def _facts(session: Session, keys: Sequence[str], rank: _Rank, *, year: int | None,
           unit: str | None, scope: str | None, latest: bool, limit: int | None,
           ) -> list[tuple[DisclosureRef, dict[str, Decimal | None]]]:  # fmt: skip
    """Disclosures with the facts ``keys`` (None where not stated), first by ``rank``: with a
    ``limit`` only the first ones (found through the facts index), else all, sorted by the
    database."""
    f = s.Fact
    base = disclosures(year=year, unit=unit, scope=scope, latest=latest)
    # Two spellings of the same pivot, each the fast one on its database: PostgreSQL hashes the
    # facts once (GROUP BY); SQLite, without hash joins, looks each fact up by primary key.
    lookups = session.get_bind().dialect.name == "sqlite"

    def pivoted(key: str) -> Any:
        if lookups:
            return select(f.value).where(f.disclosure_id == D.id, f.key == key).scalar_subquery()
        return func.max(case((f.key == key, f.value)))

    query = base.add_columns(*(pivoted(key).label(key) for key in keys))
    if not lookups:
        query = query.outerjoin(f, and_(f.disclosure_id == D.id, f.key.in_(keys))).group_by(
            *REF_COLUMNS
        )
    order: list[int] = []
    if limit:
        order = _ranked_ids(session, base.with_only_columns(D.id), rank, limit)
        query = query.where(D.id.in_(order))
    elif rank.over:
        parts = [pivoted(k) for k in rank.over]
        divisor = func.coalesce(*parts) if len(parts) > 1 else parts[0]
        value = cast(pivoted(rank.key), Float) / func.nullif(cast(divisor, Float), 0)
        query = query.order_by(value.desc().nulls_last())
    else:
        query = query.order_by(pivoted(rank.key).desc().nulls_last())
    query = query.order_by(D.unit_name, D.year, D.id)
    width = len(REF_COLUMNS)
    found = {}
    for row in run(session, query):
        found[row[0]] = (ref(row), dict(zip(keys, row[width:], strict=True)))
    if order:
        return [found[did] for did in order if did in found]
    return list(found.values())


def three_public(session: Session, *, year: int | None = None, unit: str | None = None,
                 scope: str | None = None, latest: bool = True, limit: int | None = None,
                 ) -> list[ThreePublicRow]:  # fmt: skip
    """“三公”经费 and its items by unit and year, largest first."""
    keys = ("three_public", "abroad", "reception", "vehicles", "vehicle_purchase",
            "vehicle_operation")  # fmt: skip
    rows = _facts(session, keys, _Rank("three_public"), year=year, unit=unit, scope=scope,
                  latest=latest, limit=limit)  # fmt: skip
    found = [ThreePublicRow(r, *(v[k] for k in keys)) for r, v in rows]
    return found


def operating_costs(session: Session, *, year: int | None = None, unit: str | None = None,
                    scope: str | None = None, latest: bool = True, limit: int | None = None,
                    ) -> list[OperatingCostsRow]:  # fmt: skip
    """机关运行经费 by unit and year, largest first."""
    rows = _facts(session, ("operating_costs", "public"), _Rank("operating_costs"), year=year,
                  unit=unit, scope=scope, latest=latest, limit=limit)  # fmt: skip
    found = [OperatingCostsRow(r, v["operating_costs"], v["public"]) for r, v in rows]
    return found


def personnel_share(session: Session, *, year: int | None = None, unit: str | None = None,
                    scope: str | None = None, latest: bool = True, limit: int | None = None,
                    ) -> list[PersonnelShareRow]:  # fmt: skip
    """人员经费 ÷ 一般公共预算基本支出 (table 6; table 3 基本支出 where table 6 has no total),
    highest share first."""
    rank = _Rank("personnel", ("general_basic", "basic"))
    rows = _facts(session, ("personnel", "public", "general_basic", "basic"), rank, year=year,
                  unit=unit, scope=scope, latest=latest, limit=limit)  # fmt: skip
    found = []
    for r, v in rows:
        basic = v["general_basic"] if v["general_basic"] is not None else v["basic"]
        found.append(PersonnelShareRow(r, v["personnel"], v["public"], basic,
                                       ratio(v["personnel"], basic, HUNDRED)))  # fmt: skip
    return found


def per_head(session: Session, *, year: int | None = None, unit: str | None = None,
             scope: str | None = None, latest: bool = True, limit: int | None = None,
             ) -> list[PerHeadRow]:  # fmt: skip
    """支出总计 and 基本支出 per person actually employed, where the document states 实有人数;
    highest spending per head first."""
    rank = _Rank("expenditure_total", ("staff_actual",), required=True)
    rows = _facts(session, ("staff_actual", "staff_authorized", "expenditure_total", "basic"),
                  rank, year=year, unit=unit, scope=scope, latest=latest, limit=limit)  # fmt: skip
    found = []
    for r, v in rows:
        staff = v["staff_actual"]
        if not staff:
            continue
        authorized = v["staff_authorized"]
        found.append(PerHeadRow(
            r, int(staff), int(authorized) if authorized is not None else None,
            v["expenditure_total"], v["basic"],
            ratio(v["expenditure_total"], staff), ratio(v["basic"], staff),
        ))  # fmt: skip
    return found


def _class_rows(year: int | None, unit: str | None, scope: str | None, latest: bool) -> Any:
    """The disclosures compared joined to their 类 rows (``class_spending``: one range each)."""
    c = s.ClassSpending
    return disclosures(year=year, unit=unit, scope=scope, latest=latest).join(
        c, c.disclosure_id == D.id
    )


def class_spending(session: Session, *, year: int | None = None, unit: str | None = None,
                   scope: str | None = None, latest: bool = True, code: str | None = None,
                   limit: int | None = None) -> list[ClassSpendingRow]:  # fmt: skip
    """Each disclosure's spending by 类 (table 3, 合计 column) with its share of the table total.

    Without ``code``: every 类 of each disclosure, by unit name and year, largest 类 first;
    ``limit`` counts disclosures. With ``code`` (one 类): the disclosures spending most on it
    first; ``limit`` counts rows."""
    c = s.ClassSpending
    if code is not None:
        query = _class_rows(year, unit, scope, latest).add_columns(
            c.code, c.label, c.amount, c.share
        )
        query = query.where(c.code == code)
        query = query.order_by(c.amount.desc().nulls_last(), D.unit_name, D.year, D.id)
        if limit:
            query = query.limit(limit)
        width = len(REF_COLUMNS)
        return [ClassSpendingRow(ref(row), *row[width:]) for row in run(session, query)]
    # Every 类 of the disclosures compared: their references once each (a year has 14,300), then
    # their 类 rows by disclosure id, so the ~4 rows of each do not repeat its unit name.
    compared = disclosures(year=year, unit=unit, scope=scope, latest=latest)
    if limit:
        compared = compared.order_by(D.unit_name, D.year, D.id).limit(limit)
    refs = {int(row[0]): ref(row) for row in run(session, compared)}
    groups: dict[int, list[ClassSpendingRow]] = {did: [] for did in refs}
    ids: Any = list(refs) if limit else compared.with_only_columns(D.id)
    # Each one's 类 largest first (a blank one as 0), ordered by the database: numbers and
    # digit codes sort the same on both. The disclosures are sorted here, by unit name and year,
    # because the databases may collate names differently.
    query = (
        select(c.disclosure_id, c.code, c.label, c.amount, c.share)
        .where(c.disclosure_id.in_(ids))
        .order_by(c.disclosure_id, func.coalesce(c.amount, 0).desc(), c.code)
    )
    for did, *values in run(session, query):
        groups[did].append(ClassSpendingRow(refs[did], *values))
    rows: list[ClassSpendingRow] = []
    for did in sorted(refs, key=lambda k: _by_name(refs[k])):
        rows += groups[did]
    return rows


def _by_name(where: DisclosureRef) -> tuple[str, int, int]:
    return where.unit_name, where.year or 0, where.disclosure_id


def class_totals(session: Session, *, year: int | None = None, unit: str | None = None,
                 scope: str | None = None, latest: bool = True) -> list[ClassTotal]:  # fmt: skip
    """Spending by 类 summed over the disclosures compared (exact), largest first."""
    c = s.ClassSpending
    query = (
        _class_rows(year, unit, scope, latest)
        .with_only_columns(c.code, func.max(c.label), func.count(func.distinct(D.id)),
                           cents_sum(c.amount))
        .group_by(c.code)
    )  # fmt: skip
    totals = [
        ClassTotal(code, name, int(count), from_cents(amount) or Decimal(0))
        for code, name, count, amount in run(session, query)
    ]
    totals.sort(key=lambda t: (-t.amount, t.code))
    return totals


def findings_ranking(session: Session, *, year: int | None = None, unit: str | None = None,
                     scope: str | None = None, latest: bool = True, limit: int | None = None,
                     ) -> list[FindingsRankRow]:  # fmt: skip
    """Disclosures with the most errors first, then warnings (the counts kept on each stored
    disclosure, recounted whenever findings are added)."""
    query = (
        disclosures(year=year, unit=unit, scope=scope, latest=latest, kind=None)
        .add_columns(D.errors, D.warnings, D.infos)
        .order_by(D.errors.desc(), D.warnings.desc(), D.infos.desc(), D.unit_name, D.id)
    )
    if limit:
        query = query.limit(limit)
    return [
        FindingsRankRow(number, ref(row), int(row.errors), int(row.warnings), int(row.infos))
        for number, row in enumerate(run(session, query), start=1)
    ]


METRICS: dict[str, str] = {
    "three_public": "“三公”经费",
    "operating_costs": "机关运行经费",
    "personnel_share": "人员经费占基本支出比重",
    "class_spending": "按功能分类“类”的支出",
    "per_head": "人均支出",
    "findings": "检查问题排名",
    "budget_final": "预算与决算对照（执行率）",
}


def compare(session: Session, metric: str, *, year: int | None = None, unit: str | None = None,
            scope: str | None = None, latest: bool = True, limit: int | None = None,
            ) -> list[Any]:  # fmt: skip
    """The rows of one metric of ``METRICS`` (what ``yusuan compare --metric`` shows)."""
    from yusuan.analytics.execution import budget_final

    functions: dict[str, Any] = {
        "three_public": three_public, "operating_costs": operating_costs,
        "personnel_share": personnel_share, "class_spending": class_spending,
        "per_head": per_head, "findings": findings_ranking, "budget_final": budget_final,
    }  # fmt: skip
    if metric not in functions:
        raise ValueError(f"unknown metric {metric}")
    rows: list[Any] = functions[metric](session, year=year, unit=unit, scope=scope,
                                        latest=latest, limit=limit)  # fmt: skip
    return rows
