"""XYEAR-CHANGE: Part 3's 比上年 claims against the unit's stored disclosure of the year before.

A claim "X万元，比上年增加C万元，增长R%" is checked with last year's stored figure P (``facts``, in
元) and this year's N: C must equal N − P within 尾差 (both printed figures and C are rounded to
0.01万元 on their own: ``sum_tolerance(2)``), and R must equal |N − P| ÷ P × 100 within what
printing R and rounding the amounts explain (as NARR-CHANGE does within one document). A blank
figure of a table that was read counts as nothing budgeted; a figure whose table was not read is
not checked.

Findings are stored with the year-N disclosure, replacing its earlier XYEAR findings in the same
transaction, and its error/warning/info counts are recounted from its stored findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from yusuan.checks.findings import Finding, Location, Severity
from yusuan.checks.tolerance import sum_tolerance
from yusuan.crossyear.claims import Claim, claims
from yusuan.crossyear.links import link_disclosure
from yusuan.crossyear.rules import XYEAR_CHANGE
from yusuan.model import Disclosure, Source
from yusuan.store import schema as s
from yusuan.store.db import Store
from yusuan.store.facts import FACT_LABELS
from yusuan.store.names import normalize_name
from yusuan.store.records import finding_row, load_model

WAN = Decimal(10000)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# fact key → (table, row label or None for the table's last total row, column, side)
FACT_CELLS: dict[str, tuple[int, str | None, str, str | None]] = {
    "income_total": (1, "收入总计", "amount", "income"),
    "expenditure_total": (1, "支出总计", "total", "expenditure"),
    "basic": (3, None, "basic", None),
    "project": (3, None, "project", None),
    "fiscal_total": (4, "收入总计", "amount", "income"),
    "general_spending": (5, None, "total", None),
    "general_basic": (6, None, "total", None),
    "personnel": (6, None, "personnel", None),
    "public": (6, None, "public", None),
    "three_public": (10, None, "total", None),
    "abroad": (10, "因公出国（境）费", "total", None),
    "reception": (10, "公务接待费", "total", None),
    "vehicles": (10, "公务用车购置及运行费", "total", None),
    "vehicle_purchase": (10, "①公务用车购置费", "total", None),
    "vehicle_operation": (10, "②公务用车运行维护费", "total", None),
    "operating_costs": (11, None, "total", None),
}


@dataclass(frozen=True, slots=True)
class Side:
    """One year's side of a comparison: the disclosure, its year and file."""

    disclosure_id: int
    year: int
    path: str


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored figure in 万元 and the table cell it was read from (when the row was stored)."""

    value: Decimal
    table: int
    row: str | None
    column: str
    text: str
    line: int | None
    page: int | None
    blank: bool = False


@dataclass(slots=True)
class CrossCheck:
    """The outcome for one disclosure: its claims, how many could be checked, the findings."""

    disclosure_id: int
    previous_id: int | None
    claims: int = 0
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)


def money(value: Decimal) -> str:
    return f"{value.quantize(CENT):,.2f}".replace(",", "")


def _stored(session: Session, did: int, key: str, fact: Decimal | None) -> Stored | None:
    """The figure ``key`` of a disclosure with its cell; None when its table was not read."""
    table_no, label, column, side = FACT_CELLS[key]
    r, c = s.TableRow, s.TableCell
    query = (
        select(r.label, r.line, r.page, c.text, c.amount)
        .outerjoin(c, (c.disclosure_id == r.disclosure_id) & (c.table_no == r.table_no)
                   & (c.row_no == r.row_no) & (c.column == column))
        .where(r.disclosure_id == did, r.table_no == table_no)
        .order_by(r.row_no.desc())
        .limit(1)
    )  # fmt: skip
    query = query.where(r.label == label) if label else query.where(r.kind == "total")
    if side is not None:
        query = query.where(r.side == side)
    row = session.execute(query).first()
    if fact is not None:
        value = fact / WAN
    elif row is not None and row.amount is None:
        value = Decimal(0)  # printed blank: nothing budgeted
    else:
        return None
    if row is None:
        return Stored(value, table_no, label, column, "", None, None)
    return Stored(value, table_no, row.label, column, row.text or "", row.line, row.page,
                  blank=fact is None)  # fmt: skip


def _facts(session: Session, did: int) -> dict[str, Decimal]:
    rows = session.execute(select(s.Fact.key, s.Fact.value).where(s.Fact.disclosure_id == did))
    return {key: value for key, value in rows}


def _place(side: Side, figure: Stored) -> str:
    where = f"{side.year}年表{figure.table}“{figure.row or '合计'}”"
    name = Path(side.path).name if side.path else ""
    if figure.line is not None:
        where += f"，{name}第{figure.line}行" if name else f"，第{figure.line}行"
    return where


def _location(side: Side, figure: Stored) -> Location:
    source = Source(side.path, figure.line, figure.page) if side.path else None
    return Location(
        source, f"{side.year}年 表{figure.table} {figure.row or '合计'}",
        figure.text or ("（空白）" if figure.blank else money(figure.value)),
        table=figure.table, row=figure.row, column=figure.column,
    )  # fmt: skip


def _finding(message: str, locations: list[Location], expected: Decimal, actual: Decimal,
             severity: Severity = Severity.ERROR) -> Finding:  # fmt: skip
    return Finding(
        XYEAR_CHANGE.id, XYEAR_CHANGE.family, severity, XYEAR_CHANGE.title, message,
        expected=expected, actual=actual, difference=actual - expected, locations=locations,
        rounding=severity == Severity.INFO,
    )  # fmt: skip


def _moved(amount: Decimal) -> str:
    if amount == 0:
        return "持平"
    return f"{'增加' if amount > 0 else '减少'}{money(abs(amount))}万元"


def compare(claim: Claim, now: Stored | None, before: Stored, this: Side, last: Side
            ) -> Finding | None:  # fmt: skip
    """The finding for one claim, or None when it agrees with last year's figure exactly."""
    label = FACT_LABELS.get(claim.key, claim.key)
    current = now.value if now is not None else claim.current
    if current is None:
        return None
    actual = current - before.value
    stated = claim.change
    said = Location(claim.source, claim.section, claim.change_text)
    locations = [said, *([_location(this, now)] if now is not None else []),
                 _location(last, before)]  # fmt: skip
    now_where = f"（{_place(this, now)}）" if now is not None else "（第三部分所述）"
    figures = (f"{this.year}年{label}{money(current)}万元{now_where}，"
               f"{last.year}年{money(before.value)}万元（{_place(last, before)}）")  # fmt: skip
    head = f"{claim.section}称{label}“{claim.change_text}”"
    difference = stated - actual
    if abs(difference) > sum_tolerance(2):
        return _finding(
            f"{head}，与上年公开文件不符：{figures}，实际{_moved(actual)}，相差{money(difference)}万元",
            locations, actual, stated,
        )  # fmt: skip
    prior = before.value
    if claim.rate is not None and prior > 0:
        expected = (abs(actual) / prior * HUNDRED).quantize(CENT)
        decimals = len(claim.rate_text.split(".")[1]) if "." in claim.rate_text else 0
        printed = Decimal(1).scaleb(-decimals) / 2
        tolerance = printed + HUNDRED * sum_tolerance(2) * (1 / prior + abs(actual) / prior / prior)
        if abs(claim.rate - expected) > tolerance:
            return _finding(
                f"{head}：{figures}，按上年数计算变动率应为{expected}%，所述为{claim.rate_text}%",
                locations, expected, claim.rate,
            )  # fmt: skip
    if difference != 0:
        return _finding(
            f"{head}：{figures}，计算为{_moved(actual)}，相差{money(difference)}万元，属尾差",
            locations, actual, stated, Severity.INFO,
        )  # fmt: skip
    return None


def _side(session: Session, did: int) -> Side | None:
    row = session.execute(
        select(s.Disclosure.year, s.SourceFile.path)
        .join(s.SourceFile, s.SourceFile.id == s.Disclosure.source_file_id)
        .where(s.Disclosure.id == did)
    ).first()  # fmt: skip
    if row is None or row.year is None:
        return None
    return Side(did, int(row.year), row.path or "")


def _model(session: Session, did: int) -> Disclosure | None:
    blob = session.scalar(select(s.Document.model_json_gz).where(s.Document.disclosure_id == did))
    return load_model(blob) if blob is not None else None


def _save(session: Session, did: int, findings: Iterable[Finding]) -> None:
    """Replace the disclosure's XYEAR findings and recount its findings by severity. The
    disclosure's row is locked first (PostgreSQL), so two writers checking it take turns."""
    session.execute(select(s.Disclosure.id).where(s.Disclosure.id == did).with_for_update())
    session.execute(
        delete(s.Finding).where(s.Finding.disclosure_id == did, s.Finding.rule.like("XYEAR-%"))
    )
    rows = [{"disclosure_id": did, **finding_row(f)} for f in findings]
    if rows:
        session.execute(insert(s.Finding), rows)
    counted = dict(
        session.execute(
            select(s.Finding.severity, func.count())
            .where(s.Finding.disclosure_id == did)
            .group_by(s.Finding.severity)
        ).all()
    )  # fmt: skip
    session.execute(
        update(s.Disclosure).where(s.Disclosure.id == did).values(
            errors=counted.get("error", 0), warnings=counted.get("warning", 0),
            infos=counted.get("info", 0),
        )
    )  # fmt: skip


def crosscheck_disclosure(
    store: Store, disclosure_id: int, *, model: Disclosure | None = None
) -> CrossCheck:
    """Check one stored disclosure's 比上年 claims against its linked previous-year disclosure
    and store the findings, replacing its earlier ones and recounting its findings in one
    transaction. Links it first when it has no link yet."""
    with store.reader() as session:
        linked = session.get(s.YearLink, disclosure_id)
    if linked is None:
        previous_id = link_disclosure(store, disclosure_id, model=model).link.previous_id
    else:
        previous_id = linked.previous_id
    result = CrossCheck(disclosure_id, previous_id)
    with store.reader() as session:
        this = _side(session, disclosure_id)
        last = _side(session, previous_id) if previous_id is not None else None
        if this is not None and last is not None and last.year == this.year - 1:
            model = model or _model(session, disclosure_id)
            stated = claims(model) if model is not None else []
            result.claims = len(stated)
            now_facts = _facts(session, disclosure_id)
            last_facts = _facts(session, last.disclosure_id)
            for claim in stated:
                if claim.key not in FACT_CELLS:
                    continue
                before = _stored(session, last.disclosure_id, claim.key, last_facts.get(claim.key))
                if before is None:
                    continue
                now = _stored(session, disclosure_id, claim.key, now_facts.get(claim.key))
                result.checked += 1
                finding = compare(claim, now, before, this, last)
                if finding is not None:
                    result.findings.append(finding)
        stale = session.scalar(
            select(func.count()).select_from(s.Finding)
            .where(s.Finding.disclosure_id == disclosure_id, s.Finding.rule.like("XYEAR-%"))
        )  # fmt: skip
    if result.findings or stale:  # nothing to write for most disclosures
        with store.session() as session:
            _save(session, disclosure_id, result.findings)
    return result


def after_save(store: Store, disclosure_id: int, *, model: Disclosure | None = None
               ) -> list[CrossCheck]:  # fmt: skip
    """What ingest calls after ``save_record``: link the disclosure, check its claims against last
    year, and check again the next year's disclosures whose link this one changed."""
    update_ = link_disclosure(store, disclosure_id, model=model)
    done = [crosscheck_disclosure(store, disclosure_id, model=model)]
    for link in update_.successors:
        done.append(crosscheck_disclosure(store, link.disclosure_id))
    return done


def crosscheck(
    store: Store,
    *,
    unit: str | None = None,
    year: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[CrossCheck]:
    """Check every stored disclosure (of ``unit``, whose normalized name contains it, and/or of
    ``year``) against last year's; each disclosure in its own transaction."""
    query = select(s.Disclosure.id).order_by(s.Disclosure.year, s.Disclosure.id)
    if year is not None:
        query = query.where(s.Disclosure.year == year)
    if unit:
        query = query.join(s.Unit, s.Unit.id == s.Disclosure.unit_id).where(
            s.Unit.normalized_name.contains(normalize_name(unit), autoescape=True)
        )
    with store.reader() as session:
        ids = list(session.scalars(query))
    results = []
    for number, did in enumerate(ids, start=1):
        results.append(crosscheck_disclosure(store, did))
        if progress is not None:
            progress(number, len(ids))
    return results
