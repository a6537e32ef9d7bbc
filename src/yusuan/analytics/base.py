"""What the analytics queries share: the disclosure a figure belongs to, the usual filters, exact
sums and 万元 display.

Queries use SQLAlchemy Core on an ORM ``Session`` (``store.reader()``) and run unchanged on SQLite
and PostgreSQL. Amounts are ``Decimal`` in 元 as stored; sums are taken in whole cents as
integers (exact on both databases: SQLite keeps numeric values as REAL or INTEGER) and turned back
into ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Executable, Result, Select, cast, func, select
from sqlalchemy.orm import Session, aliased

from yusuan.money import WAN
from yusuan.names import normalize_name
from yusuan.store import schema as s
from yusuan.templates import TEMPLATES

D = s.Disclosure
CENTS = Decimal(100)


@dataclass(frozen=True, slots=True)
class DisclosureRef:
    """The disclosure a row of figures belongs to."""

    disclosure_id: int
    unit_id: int
    unit_name: str
    year: int | None
    scope: str


REF_COLUMNS = (D.id, D.unit_id, D.unit_name, D.year, D.scope)


def ref(row: Any) -> DisclosureRef:
    """The ``DisclosureRef`` of a row whose first columns are ``REF_COLUMNS``."""
    return DisclosureRef(int(row[0]), int(row[1]), row[2], row[3], row[4])


def newest_version() -> ColumnElement[bool]:
    """True for the newest version of a unit's disclosure of a year and scope (republished
    documents count up ``version``); uses the ``uq_disclosures_version`` index."""
    newer = aliased(s.Disclosure)
    return ~(
        select(newer.id)
        .where(newer.unit_id == D.unit_id, newer.year == D.year, newer.scope == D.scope,
               newer.version > D.version)
        .exists()
    )  # fmt: skip


def disclosures(
    *, year: int | None = None, unit: str | None = None, scope: str | None = None,
    latest: bool = True, kind: str | None = "预算",
) -> Select[int, int, str, int | None, str]:  # fmt: skip
    """``SELECT REF_COLUMNS FROM disclosures`` with the usual filters: ``unit`` matches units
    whose normalized name contains it; ``kind`` 预算 or 决算 (None: both) keeps the documents of
    the templates of that kind, so a budget is compared with budgets."""
    query = select(*REF_COLUMNS)
    if kind is not None:
        query = query.where(
            D.profile.in_(sorted(k for k, t in TEMPLATES.items() if t.kind == kind))
        )
    if year is not None:
        query = query.where(D.year == year)
    if scope:
        query = query.where(D.scope == scope)
    if unit:
        query = query.join(s.Unit, s.Unit.id == D.unit_id).where(
            s.Unit.normalized_name.contains(normalize_name(unit), autoescape=True)
        )
    if latest:
        query = query.where(newest_version())
    return query


def run(session: Session, query: Executable) -> Result[*tuple[Any, ...]]:
    """Execute a Core query on the session's connection: plain rows, without the ORM's result
    machinery (several times faster for large results)."""
    return session.connection().execute(query)


def cents_sum(column: Any) -> ColumnElement[Any]:
    """``SUM`` of an amount in whole cents: an exact integer on both databases."""
    return func.sum(cast(func.round(column * 100), BigInteger))


def from_cents(value: Any) -> Decimal | None:
    return None if value is None else (Decimal(int(value)) / CENTS).quantize(Decimal("0.01"))


def wan(value: Decimal | None) -> Decimal | None:
    """元 → 万元, two decimals (for display)."""
    return None if value is None else (value / WAN).quantize(Decimal("0.01"))


def ratio(part: Decimal | None, whole: Decimal | None, scale: Decimal = Decimal(1),
          places: str = "0.01") -> Decimal | None:  # fmt: skip
    """``part / whole × scale`` rounded to ``places``; None when either is missing or whole is 0."""
    if part is None or not whole:
        return None
    return (part / whole * scale).quantize(Decimal(places))


def flatten(row: Any) -> dict[str, Any]:
    """A result dataclass as one flat dict (the ``ref`` fields first), for CSV, JSON and exports."""
    flat: dict[str, Any] = {}
    for f in fields(row):
        value = getattr(row, f.name)
        if is_dataclass(value) and not isinstance(value, type):
            flat.update(flatten(value))
        else:
            flat[f.name] = value
    return flat
