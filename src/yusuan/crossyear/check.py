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

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from yusuan.checks.findings import Finding, Location, Severity
from yusuan.checks.tolerance import sum_tolerance
from yusuan.crossyear.final import finals_to_check
from yusuan.crossyear.links import link_many
from yusuan.crossyear.rules import XYEAR_CHANGE
from yusuan.derive.claims import Claim, claims, load_claims
from yusuan.derive.facts import FACT_LABELS
from yusuan.derive.record import finding_row
from yusuan.model import Disclosure, Source
from yusuan.money import WAN
from yusuan.names import normalize_name
from yusuan.store import counting
from yusuan.store import schema as s
from yusuan.store.db import Store
from yusuan.store.records import load_model
from yusuan.templates import TEMPLATES, Template

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
_ATTEMPTS = 3

# Where each template's facts are printed: fact key → (table number, row label or None for the
# table's last total row, column, side), by template key.
FactCell = tuple[int, str | None, str, str | None]


def _fact_cells(template: Template) -> dict[str, FactCell]:
    cells: dict[str, FactCell] = {}
    for fact in template.facts:
        number = template.number_of(fact.table)
        if number is not None:
            cells[fact.key] = (
                number,
                fact.row,
                fact.column,
                fact.side.value if fact.side else None,
            )
    return cells


FACT_CELLS: dict[str, dict[str, FactCell]] = {k: _fact_cells(t) for k, t in TEMPLATES.items()}
_ALL_CELLS = [cell for cells in FACT_CELLS.values() for cell in cells.values()]
_FACT_KEYS = sorted({key for cells in FACT_CELLS.values() for key in cells})


@dataclass(frozen=True, slots=True)
class Side:
    """One year's side of a comparison: the disclosure, its year and file."""

    disclosure_id: int
    year: int
    path: str
    profile: str = "shanxi"


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


@lru_cache(maxsize=1024)
def _file_name(path: str) -> str:
    return Path(path).name if path else ""


def _place(side: Side, figure: Stored) -> str:
    where = f"{side.year}年表{figure.table}“{figure.row or '合计'}”"
    name = _file_name(side.path)
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


# --- database ------------------------------------------------------------------------------
# Set-based: the figures, claims and files of any number of disclosures come in a few queries.

_CHUNK = 500
_LABELS = sorted({label for _, label, _, _ in _ALL_CELLS if label})
_TABLE_NOS = sorted({table for table, _, _, _ in _ALL_CELLS})
_COLUMN_KEYS = sorted({column for _, _, column, _ in _ALL_CELLS})


@dataclass(slots=True)
class _Row:
    """A stored table row that may hold a figure of ``FACT_CELLS``, with its cells' text and
    amount by column (only the columns figures are read from)."""

    row_no: int
    label: str
    kind: str
    side: str | None
    line: int | None
    page: int | None
    cells: dict[str, tuple[str, Decimal | None]] = field(default_factory=dict)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    listed = sorted(set(ids))
    for start in range(0, len(listed), _CHUNK):
        yield listed[start : start + _CHUNK]


def _stored(rows: dict[int, list[_Row]], cell: FactCell, fact: Decimal | None) -> Stored | None:
    """The figure printed in ``cell`` of a disclosure (its rows by table) with its cell; None
    when its table was not read."""
    table_no, label, column, side = cell
    row = None
    for candidate in rows.get(table_no, ()):  # in row order: the last one that matches
        if (candidate.label == label if label else candidate.kind == "total") and (
            side is None or candidate.side == side
        ):
            row = candidate
    text, amount = row.cells.get(column, (None, None)) if row is not None else (None, None)
    if fact is not None:
        value = (fact / WAN).quantize(CENT, ROUND_HALF_UP)  # as printed (元 tables: more places)
    elif row is not None and amount is None:
        value = Decimal(0)  # printed blank: nothing budgeted
    else:
        return None
    if row is None:
        return Stored(value, table_no, label, column, "", None, None)
    return Stored(value, table_no, row.label, column, text or "", row.line, row.page,
                  blank=fact is None)  # fmt: skip


def _facts(session: Session, ids: Iterable[int]) -> dict[int, dict[str, Decimal]]:
    found: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for chunk in _chunks(ids):
        rows = session.connection().execute(
            select(s.Fact.disclosure_id, s.Fact.key, s.Fact.value)
            .where(s.Fact.disclosure_id.in_(chunk), s.Fact.key.in_(_FACT_KEYS))
        )  # fmt: skip
        for did, key, value in rows:
            found[did][key] = value
    return found


def _figure_rows(session: Session, ids: Iterable[int]) -> dict[int, dict[int, list[_Row]]]:
    """The rows figures may be read from (totals and the labelled rows of ``FACT_CELLS``), by
    disclosure and table."""
    r, c = s.TableRow, s.TableCell
    found: dict[int, dict[int, list[_Row]]] = defaultdict(lambda: defaultdict(list))
    for chunk in _chunks(ids):
        query = (
            select(r.disclosure_id, r.table_no, r.row_no, r.label, r.kind, r.side, r.line, r.page,
                   c.column, c.text, c.amount)
            .outerjoin(c, (c.disclosure_id == r.disclosure_id) & (c.table_no == r.table_no)
                       & (c.row_no == r.row_no) & c.column.in_(_COLUMN_KEYS))
            .where(r.disclosure_id.in_(chunk), r.table_no.in_(_TABLE_NOS),
                   (r.kind == "total") | r.label.in_(_LABELS))
            .order_by(r.disclosure_id, r.table_no, r.row_no)
        )  # fmt: skip
        at: tuple[int, int, int] | None = None
        for did, table_no, row_no, label, kind, side, line, page, column, text, amount in (
            session.connection().execute(query).all()
        ):  # fmt: skip
            if (did, table_no, row_no) != at:  # a row's cells come one after the other
                at = (did, table_no, row_no)
                last = _Row(row_no, label, kind, side, line, page)
                found[did][table_no].append(last)
            if column is not None:
                last.cells[column] = (text, amount)
    return found


def _sides(session: Session, ids: Iterable[int]) -> dict[int, Side]:
    found: dict[int, Side] = {}
    for chunk in _chunks(ids):
        rows = session.connection().execute(
            select(s.Disclosure.id, s.Disclosure.year, s.SourceFile.path, s.Disclosure.profile)
            .join(s.SourceFile, s.SourceFile.id == s.Disclosure.source_file_id)
            .where(s.Disclosure.id.in_(chunk))
        )  # fmt: skip
        for did, year, path, profile in rows:
            if year is not None:
                found[did] = Side(did, int(year), path or "", profile)
    return found


def _claims(
    session: Session, ids: Iterable[int], models: Mapping[int, Disclosure]
) -> dict[int, list[Claim]]:
    """The claims of each disclosure: stored with it, else read from ``models`` or from its
    stored model (disclosures stored before claims were)."""
    found: dict[int, list[Claim]] = {}
    wanted = sorted(set(ids))
    for chunk in _chunks(wanted):
        rows = session.connection().execute(
            select(s.ClaimSet.disclosure_id, s.ClaimSet.data)
            .where(s.ClaimSet.disclosure_id.in_(chunk))
        )  # fmt: skip
        found.update((did, load_claims(data)) for did, data in rows)
    for did in wanted:
        if did not in found:
            model = models.get(did) or _model(session, did)
            found[did] = claims(model) if model is not None else []
    return found


def _model(session: Session, did: int) -> Disclosure | None:
    blob = session.scalar(select(s.Document.model_json_gz).where(s.Document.disclosure_id == did))
    return load_model(blob) if blob is not None else None


def _with_stale(session: Session, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` that have XYEAR findings stored."""
    found: set[int] = set()
    for chunk in _chunks(ids):
        found.update(session.connection().scalars(
            select(s.Finding.disclosure_id).distinct()
            .where(s.Finding.disclosure_id.in_(chunk), s.Finding.rule.like("XYEAR-%"))
        ))  # fmt: skip
    return found


def _check(
    session: Session,
    previous: Mapping[int, int | None],
    models: Mapping[int, Disclosure] | None = None,
) -> tuple[list[CrossCheck], set[int]]:
    """Check each disclosure of ``previous`` (its id → last year's, in the order to report)
    against last year's; the results and the ids whose stored XYEAR findings must be replaced."""
    results = [CrossCheck(did, before) for did, before in previous.items()]
    sides = _sides(session, [*previous, *(p for p in previous.values() if p is not None)])
    pairs: list[tuple[CrossCheck, Side, Side]] = []
    for result in results:
        this = sides.get(result.disclosure_id)
        last = sides.get(result.previous_id) if result.previous_id is not None else None
        if this is not None and last is not None and last.year == this.year - 1:
            pairs.append((result, this, last))
    stated = _claims(session, [r.disclosure_id for r, _, _ in pairs], models or {})
    pairs = [(r, this, last) for r, this, last in pairs if stated[r.disclosure_id]]
    for result, _, _ in pairs:
        result.claims = len(stated[result.disclosure_id])
    figures = [did for r, _, last in pairs for did in (r.disclosure_id, last.disclosure_id)]
    facts = _facts(session, figures)
    rows = _figure_rows(session, figures)
    for result, this, last in pairs:
        now_facts, last_facts = facts[this.disclosure_id], facts[last.disclosure_id]
        now_cells, last_cells = FACT_CELLS.get(this.profile, {}), FACT_CELLS.get(last.profile, {})
        for claim in stated[result.disclosure_id]:
            if claim.key not in now_cells or claim.key not in last_cells:
                continue
            before = _stored(rows[last.disclosure_id], last_cells[claim.key],
                             last_facts.get(claim.key))  # fmt: skip
            if before is None:
                continue
            now = _stored(rows[this.disclosure_id], now_cells[claim.key], now_facts.get(claim.key))
            result.checked += 1
            finding = compare(claim, now, before, this, last)
            if finding is not None:
                result.findings.append(finding)
    stale = _with_stale(session, previous)
    return results, {r.disclosure_id for r in results if r.findings or r.disclosure_id in stale}


def _save(session: Session, results: Iterable[CrossCheck]) -> None:
    replace_findings(session, {r.disclosure_id: r.findings for r in results}, "XYEAR-")


def replace_findings(session: Session, by_id: Mapping[int, list[Finding]], prefix: str) -> None:
    """Replace the disclosures' stored findings of the rules named ``prefix…`` and recount their
    findings by severity. Their rows are locked first (PostgreSQL), in id order, so two writers
    checking them take turns."""
    if not by_id:
        return
    d, f = s.Disclosure, s.Finding
    for chunk in _chunks(by_id):
        session.execute(select(d.id).where(d.id.in_(chunk)).order_by(d.id).with_for_update())
        session.execute(delete(f).where(f.disclosure_id.in_(chunk), f.rule.like(prefix + "%")))
    rows = [{"disclosure_id": did, **finding_row(x)}
            for did, found in sorted(by_id.items()) for x in found]  # fmt: skip
    if rows:
        session.execute(insert(f), rows)
    # counted as the web application shows them: dismissed findings and rules off left out
    connection = session.connection()
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for chunk in _chunks(by_id):
        gone = counting.dismissed(connection, chunk)
        for did, fid, rule, severity in session.execute(
            select(f.disclosure_id, f.id, f.rule, f.severity).where(f.disclosure_id.in_(chunk))
        ):  # fmt: skip
            if fid not in gone:
                found[did].append((rule, severity))
    settings = counting.rule_settings(connection)
    counts = {did: counting.counts(connection, found[did], settings) for did in sorted(by_id)}
    table = s.Base.metadata.tables["disclosures"]
    connection.execute(
        update(table).where(table.c.id == bindparam("did")).values(
            errors=bindparam("e"), warnings=bindparam("w"), infos=bindparam("i")
        ),
        [{"did": did, "e": counts[did]["errors"], "w": counts[did]["warnings"],
          "i": counts[did]["infos"]} for did in sorted(by_id)],
    )  # fmt: skip


def _retryable(exc: DBAPIError) -> bool:
    """A race with a concurrent writer: a link written first, a deadlock (PostgreSQL)."""
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.orig, "sqlstate", None) in ("40001", "40P01")


def link_and_check(
    store: Store, ids: Sequence[int], *, models: Mapping[int, Disclosure] | None = None
) -> list[CrossCheck]:
    """Link stored disclosures to last year's (``links.link_many``), check their 比上年 claims,
    and check again the next year's disclosures whose link changed; one transaction, so a
    disclosure with its link has been checked. Returns the disclosures' checks in the order of
    ``ids``, then those of the next year's. Run again when it lost a race with a concurrent
    writer (a link written first, a deadlock)."""
    for attempt in range(_ATTEMPTS):
        try:
            with store.session() as session:
                done = link_many(session, ids, models)
                previous = {k.disclosure_id: k.previous_id for k in done.links}
                previous.update((k.disclosure_id, k.previous_id) for k in done.successors)
                results, changed = _check(session, previous, models)
                _save(session, [r for r in results if r.disclosure_id in changed])
                replace_findings(session, finals_to_check(session, ids, models), "XFINAL-")
            return results
        except DBAPIError as exc:
            if attempt == _ATTEMPTS - 1 or not _retryable(exc):
                raise
    raise AssertionError("unreachable")


def crosscheck_disclosure(
    store: Store, disclosure_id: int, *, model: Disclosure | None = None
) -> CrossCheck:
    """Check one stored disclosure's 比上年 claims against its linked previous-year disclosure
    and store the findings, replacing its earlier ones and recounting its findings in one
    transaction. Links it first when it has no link yet (``link_and_check``)."""
    models = {disclosure_id: model} if model is not None else None
    with store.reader() as session:
        linked = session.get(s.YearLink, disclosure_id)
        if linked is not None:
            [result], changed = _check(session, {disclosure_id: linked.previous_id}, models)
    if linked is None:
        return link_and_check(store, [disclosure_id], models=models)[0]
    with store.session() as session:
        if changed:  # nothing to write for most disclosures
            _save(session, [result])
        finals = finals_to_check(session, [disclosure_id], models)
        replace_findings(session, finals, "XFINAL-")
        result.findings.extend(finals.get(disclosure_id, []))
    return result


def after_save(store: Store, disclosure_id: int, *, model: Disclosure | None = None
               ) -> list[CrossCheck]:  # fmt: skip
    """What a single upload calls after ``save_record``: link the disclosure, check its claims
    against last year, and check again the next year's disclosures whose link this one changed
    (``link_and_check``; ingest does the same for all its documents at once)."""
    return link_and_check(
        store, [disclosure_id], models={disclosure_id: model} if model is not None else None
    )


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
