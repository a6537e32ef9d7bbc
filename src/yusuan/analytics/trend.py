"""One unit's figures across years: its disclosures followed back through ``year_links`` (so a
unit linked by its code across a rename stays one series), each figure with its change and rate
against the year before, and its spending by 功能分类 code with codes remapped to the latest
year's catalog (``yusuan.store.codemap``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, literal, or_, select
from sqlalchemy.orm import Session

from yusuan.analytics.base import REF_COLUMNS, D, DisclosureRef, newest_version, ratio, ref
from yusuan.derive.classes import SPENDING_TABLE
from yusuan.derive.facts import FACT_LABELS
from yusuan.errors import YusuanError
from yusuan.names import normalize_name
from yusuan.store import schema as s
from yusuan.store.codemap import CodeMap, load_codemap
from yusuan.templates import TEMPLATES

HUNDRED = Decimal(100)

# Which facts each trend metric shows; derived figures are computed per year.
TREND_METRICS: dict[str, tuple[str, ...]] = {
    "facts": tuple(FACT_LABELS),
    "three_public": (
        "three_public",
        "abroad",
        "reception",
        "vehicles",
        "vehicle_purchase",
        "vehicle_operation",
    ),
    "operating_costs": ("operating_costs", "public"),
    "personnel_share": ("personnel", "general_basic", "personnel_share"),
    "per_head": (
        "expenditure_total",
        "basic",
        "staff_actual",
        "expenditure_per_head",
        "basic_per_head",
    ),
    "findings": ("errors", "warnings", "infos"),
}
DERIVED_LABELS = {
    "personnel_share": "人员经费占基本支出比重（%）",
    "expenditure_per_head": "人均支出",
    "basic_per_head": "人均基本支出",
    "errors": "错误",
    "warnings": "警告",
    "infos": "提示",
}
RATIOS = {"personnel_share"}  # percentages: changes in points, no rate
COUNTS = {"staff_authorized", "staff_actual", "retired", "errors", "warnings", "infos"}


class UnitNotFound(YusuanError):
    """No stored unit (or several) matches the name asked for."""


@dataclass(frozen=True, slots=True)
class TrendRow:
    """One figure of one year with its change against the year before (元; % for rates)."""

    key: str
    label: str
    ref: DisclosureRef
    value: Decimal | None
    change: Decimal | None
    rate: Decimal | None  # change ÷ last year's value × 100, two decimals


@dataclass(frozen=True, slots=True)
class CodeTrendRow:
    """Spending booked to one 功能分类 code in one year (table 3 合计, 元), the code expressed in
    the latest year's catalog; ``printed_code`` is the code the year's document printed."""

    code: str
    name: str
    ref: DisclosureRef
    printed_code: str
    amount: Decimal | None
    change: Decimal | None
    rate: Decimal | None


def _kind(profile: str) -> str:
    template = TEMPLATES.get(profile)
    return template.kind if template is not None else "预算"


def find_unit(session: Session, name: str) -> tuple[int, str]:
    """The unit whose normalized name is ``name``, else the only one containing it."""
    wanted = normalize_name(name)
    exact = session.execute(
        select(s.Unit.id, s.Unit.name, s.Unit.profile).where(s.Unit.normalized_name == wanted)
    ).all()
    if exact:  # a unit publishes its 预算 and its 决算 under one name: its 预算 first
        budgets = [row for row in exact if _kind(row[2]) == "预算"]
        chosen = (budgets or exact)[0]
        return int(chosen[0]), chosen[1]
    found = session.execute(
        select(s.Unit.id, s.Unit.name)
        .where(s.Unit.normalized_name.contains(wanted, autoescape=True))
        .order_by(s.Unit.name)
        .limit(11)
    ).all()  # fmt: skip
    if len(found) == 1:
        return int(found[0][0]), found[0][1]
    if not found:
        raise UnitNotFound(
            name, "库中没有名称含此内容的单位", "请用 yusuan compare 查看已入库的单位名称"
        )
    listed = "、".join(row[1] for row in found[:10])
    raise UnitNotFound(name, f"有多个单位名称含此内容：{listed}", "请写出完整的单位名称")


def chain(session: Session, name: str, *, scope: str | None = None) -> list[DisclosureRef]:
    """The unit's disclosures from the oldest year to the newest: the newest disclosure (of
    ``scope``, else of the unit's most recent scope), then each one's linked previous year (the
    same unit's previous year where no link is stored)."""
    unit_id, unit_name = find_unit(session, name)
    query = select(*REF_COLUMNS).where(D.unit_id == unit_id, newest_version())
    if scope:
        query = query.where(D.scope == scope)
    newest = session.execute(
        query.order_by(D.year.desc().nulls_last(), D.version.desc(), D.id.desc()).limit(1)
    ).first()
    if newest is None:
        raise UnitNotFound(unit_name, f"没有{scope or ''}预算公开文件入库")
    found = [ref(newest)]
    seen = {found[0].disclosure_id}
    while found[-1].year is not None:
        previous = _previous(session, found[-1])
        if previous is None or previous.disclosure_id in seen:
            break
        found.append(previous)
        seen.add(previous.disclosure_id)
    return found[::-1]


def _previous(session: Session, current: DisclosureRef) -> DisclosureRef | None:
    link = session.get(s.YearLink, current.disclosure_id)
    if link is not None:
        if link.previous_id is None:
            return None
        row = session.execute(select(*REF_COLUMNS).where(D.id == link.previous_id)).first()
        return ref(row) if row is not None else None
    assert current.year is not None
    row = session.execute(
        select(*REF_COLUMNS)
        .where(D.unit_id == current.unit_id, D.year == current.year - 1,
               D.scope == current.scope)
        .order_by(D.version.desc(), D.id.desc())
        .limit(1)
    ).first()  # fmt: skip
    return ref(row) if row is not None else None


def _values(session: Session, refs: Sequence[DisclosureRef]) -> dict[int, dict[str, Decimal]]:
    ids = [r.disclosure_id for r in refs]
    values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for did, key, value in session.execute(
        select(s.Fact.disclosure_id, s.Fact.key, s.Fact.value).where(s.Fact.disclosure_id.in_(ids))
    ):
        values[did][key] = Decimal(value)
    for did, errors, warnings, infos in session.execute(
        select(D.id, D.errors, D.warnings, D.infos).where(D.id.in_(ids))
    ):
        values[did].update(errors=Decimal(errors), warnings=Decimal(warnings),
                           infos=Decimal(infos))  # fmt: skip
    for v in values.values():
        basic = v.get("general_basic", v.get("basic"))
        share = ratio(v.get("personnel"), basic, HUNDRED)
        staff = v.get("staff_actual")
        derived = {
            "personnel_share": share,
            "expenditure_per_head": ratio(v.get("expenditure_total"), staff),
            "basic_per_head": ratio(v.get("basic"), staff),
        }
        v.update({k: d for k, d in derived.items() if d is not None})
    return values


def _change(key: str, value: Decimal | None, before: Decimal | None
            ) -> tuple[Decimal | None, Decimal | None]:  # fmt: skip
    if value is None or before is None:
        return None, None
    change = value - before
    if key in RATIOS:
        return change, None
    return change, ratio(change, before, HUNDRED)


def trend(session: Session, unit: str, *, metric: str = "facts", scope: str | None = None
          ) -> list[TrendRow]:  # fmt: skip
    """The unit's figures of ``metric`` (``TREND_METRICS``) year by year, figure by figure."""
    if metric not in TREND_METRICS:
        raise ValueError(f"unknown metric {metric}")
    refs = chain(session, unit, scope=scope)
    values = _values(session, refs)
    rows: list[TrendRow] = []
    for key in TREND_METRICS[metric]:
        series = [values.get(r.disclosure_id, {}).get(key) for r in refs]
        if all(v is None for v in series):
            continue
        label = FACT_LABELS.get(key) or DERIVED_LABELS.get(key, key)
        before: Decimal | None = None
        for where, value in zip(refs, series, strict=True):
            change, rate = _change(key, value, before)
            rows.append(TrendRow(key, label, where, value, change, rate))
            before = value
    return rows


def code_trend(session: Session, unit: str, *, scope: str | None = None,
               level: int | None = None, codemap: CodeMap | None = None,
               ) -> list[CodeTrendRow]:  # fmt: skip
    """The unit's spending by 功能分类 code (类 3, 款 5, 项 7 digits; ``level`` keeps one) year
    by year, every year's codes translated to the newest year's catalog so a renumbered code
    continues its own series. ``codemap`` defaults to the store's ``code_mappings``."""
    refs = chain(session, unit, scope=scope)
    mapping = codemap if codemap is not None else load_codemap(session)
    target = max((r.year for r in refs if r.year is not None), default=None)
    r, c = s.TableRow, s.TableCell
    query = (
        select(r.disclosure_id, r.code, r.label, c.amount)
        .outerjoin(c, and_(c.disclosure_id == r.disclosure_id, c.table_no == r.table_no,
                           c.row_no == r.row_no, c.column == "total"))
        .join(s.Disclosure, s.Disclosure.id == r.disclosure_id)
        .where(r.disclosure_id.in_([x.disclosure_id for x in refs]),
               or_(*(and_(s.Disclosure.profile == t.key, r.table_no == literal(number))
                     for t in TEMPLATES.values()
                     if (number := t.number_of(SPENDING_TABLE)) is not None)),
               r.code.is_not(None),
               r.kind.in_(("class", "section", "item")))
        .order_by(r.disclosure_id, r.row_no)
    )  # fmt: skip
    by_year: dict[int, dict[str, _Booked]] = defaultdict(dict)
    names: dict[str, str] = {}
    years = {x.disclosure_id: x.year for x in refs}
    for did, printed, label, amount in session.execute(query):
        code = str(printed)
        if not code.isdigit() or (level is not None and len(code) != level):
            continue
        year = years[did]
        mapped = mapping.translate(code, year, target) if year and target else code
        booked = by_year[did].setdefault(mapped, _Booked())
        booked.add(code, amount)
        if year == target or mapped not in names:
            names[mapped] = label
    rows: list[CodeTrendRow] = []
    for code in sorted({code for entries in by_year.values() for code in entries}):
        before: Decimal | None = None
        for where in refs:
            entry = by_year.get(where.disclosure_id, {}).get(code, _Booked())
            change, rate = _change(code, entry.amount, before)
            rows.append(CodeTrendRow(code, names.get(code, ""), where, "、".join(entry.printed),
                                     entry.amount, change, rate))  # fmt: skip
            before = entry.amount
    return rows


@dataclass(slots=True)
class _Booked:
    """What a year booked to one (mapped) code: the amounts of the printed codes behind it."""

    amount: Decimal | None = None
    printed: list[str] = field(default_factory=list)

    def add(self, code: str, amount: Decimal | None) -> None:
        self.printed.append(code)
        if amount is not None:
            self.amount = (self.amount or Decimal(0)) + Decimal(amount)
