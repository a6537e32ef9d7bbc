"""Linking a unit's disclosures across years: each disclosure to the same unit's disclosure of the
year before (same template and scope), written to ``year_links``.

A previous-year disclosure is a candidate when it belongs to the same unit (units are keyed by
their normalized name, ``yusuan.names``) or carries the same unit code. The code is what a
document prints as its own (``主管部门及代码`` of a department's own document, e.g.
"403-汾阳市医疗保障局"), kept in ``disclosures.code`` and, when first seen, ``units.code``.
Codes tell apart units whose names normalize alike (the same name in two counties) and follow a
unit that was renamed. Whenever the choice is not clear-cut the link gets a Chinese note: several
versions, name alike but code different, code alike but name different, several candidates.

Call ``link_disclosure(store, disclosure_id)`` after ``save_record`` (it also re-links the next
year's disclosures, which may now find this one), ``link_many`` for many at once (a handful of
queries for any number), or ``relink(store)`` for the whole store.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from yusuan.derive.units import unit_code
from yusuan.model import Disclosure
from yusuan.store import schema as s
from yusuan.store.db import Store
from yusuan.store.records import load_model

_D = s.Disclosure
_U = s.Unit
_L = s.YearLink
_C = s.ClaimSet
_ATTEMPTS = 3
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A disclosure as linking sees it."""

    id: int
    unit_id: int
    year: int | None
    scope: str
    profile: str
    version: int
    code: str | None
    unit_name: str


@dataclass(frozen=True, slots=True)
class Link:
    """A disclosure's link to last year's: ``method`` is code, name or none."""

    disclosure_id: int
    previous_id: int | None
    method: str
    candidates: int
    note: str | None = None

    @property
    def ambiguous(self) -> bool:
        return self.note is not None


@dataclass(frozen=True, slots=True)
class LinkUpdate:
    """What ``link_disclosure`` wrote: the disclosure's own link and the next year's it changed."""

    link: Link
    successors: list[Link]


@dataclass(frozen=True, slots=True)
class LinkUpdates:
    """What ``link_many`` wrote: the disclosures' own links, in the order asked, and those of the
    next year's disclosures it changed."""

    links: list[Link]
    successors: list[Link]


def _latest(found: Sequence[Candidate]) -> Candidate:
    return max(found, key=lambda c: (c.version, c.id))


def _codes(found: Iterable[Candidate]) -> str:
    return "、".join(sorted({c.code for c in found if c.code}))


def resolve(target: Candidate, previous: Sequence[Candidate]) -> Link:
    """Choose last year's disclosure among ``previous`` (year − 1, same template and scope, same
    unit or same code) and say in Chinese why when the choice is not clear-cut."""
    did = target.id
    if target.year is None:
        return Link(did, None, "none", 0, "年度不明，无法关联上年文件")
    year = target.year - 1
    by_name = [c for c in previous if c.unit_id == target.unit_id]
    by_code = [c for c in previous if target.code and c.code == target.code]
    count = len({c.id for c in (*by_name, *by_code)})
    if by_name:
        return _by_name(target, year, by_name, by_code, count)
    if not by_code:
        return Link(did, None, "none", 0)
    units = {c.unit_id: c.unit_name for c in by_code}
    if len(units) > 1:
        names = "、".join(f"“{n}”" for n in sorted(units.values()))
        return Link(did, None, "none", count,
                    f"{year}年有{len(units)}个单位使用单位编码{target.code}（{names}），"
                    f"名称均与本年“{target.unit_name}”不同，无法确定上年文件")  # fmt: skip
    chosen = _latest(by_code)
    note = (f"按单位编码{target.code}关联：上年名称为“{chosen.unit_name}”，"
            f"本年为“{target.unit_name}”，请确认是同一单位")  # fmt: skip
    if len(by_code) > 1:
        note += f"；上年有{len(by_code)}份文件，已取第{chosen.version}版"
    return Link(did, chosen.id, "code", count, note)


def _by_name(
    target: Candidate, year: int, by_name: list[Candidate], by_code: list[Candidate], count: int
) -> Link:
    did = target.id
    notes: list[str] = []
    if target.code:
        matching = [c for c in by_name if c.code == target.code]
        differing = [c for c in by_name if c.code and c.code != target.code]
        if matching:
            chosen = _latest(matching)
            if len(matching) > 1:
                notes.append(
                    f"{year}年有{len(matching)}份同名同编码的文件，已取第{chosen.version}版"
                )
            if differing:
                notes.append(
                    f"{year}年另有{len(differing)}份名称相同但单位编码不同（{_codes(differing)}）"
                    "的文件，可能是同名的其他单位"
                )
            return Link(did, chosen.id, "code", count, "；".join(notes) or None)
        if differing and len(differing) == len(by_name):
            if len(differing) > 1:
                listed = _codes(differing)
                note = (f"{year}年有{len(differing)}份名称相同的文件，单位编码（{listed}）"
                        f"均与本年{target.code}不同，无法确定上年文件")  # fmt: skip
                return Link(did, None, "none", count, note)
            chosen = differing[0]
            return Link(did, chosen.id, "name", count,
                        f"单位名称相同但单位编码不同：本年{target.code}，上年{chosen.code}，"
                        "请确认是同一单位")  # fmt: skip
    codes = {c.code for c in by_name if c.code}
    if len(codes) > 1:
        return Link(did, None, "none", count,
                    f"{year}年有{len(by_name)}份名称相同的文件，单位编码不同（{_codes(by_name)}），"
                    "本年文件未印单位编码，无法确定上年文件")  # fmt: skip
    chosen = _latest(by_name)
    if len(by_name) > 1:
        notes.append(
            f"{year}年有{len(by_name)}份该单位的文件（多个版本），已取第{chosen.version}版"
        )
    others = {c.unit_name for c in by_code if c.unit_id != target.unit_id}
    if others:
        notes.append(f"单位编码{target.code}在{year}年另有“{'、'.join(sorted(others))}”使用")
    return Link(did, chosen.id, "name", count, "；".join(notes) or None)


# --- database ------------------------------------------------------------------------------

_COLUMNS = (_D.id, _D.unit_id, _D.year, _D.scope, _D.profile, _D.version, _D.code,
            _D.unit_name)  # fmt: skip
_CHUNK = 500  # ids per IN (…) list


def _candidate(row: Any) -> Candidate:
    return Candidate(*row)


def _chunks(values: Iterable[T]) -> Iterator[list[T]]:
    listed = list(values)
    for start in range(0, len(listed), _CHUNK):
        yield listed[start : start + _CHUNK]


def _by_id(session: Session, ids: Iterable[int]) -> dict[int, Candidate]:
    found: dict[int, Candidate] = {}
    for chunk in _chunks(sorted(set(ids))):
        for row in session.connection().execute(select(*_COLUMNS).where(_D.id.in_(chunk))):
            found[row.id] = _candidate(row)
    return found


def _in_years(
    session: Session, units: Iterable[int], codes: Iterable[str], years: Iterable[int]
) -> list[Candidate]:
    """The disclosures of ``years`` that belong to one of ``units`` or carry one of ``codes``."""
    wanted = sorted(set(years))
    if not wanted:
        return []
    found: dict[int, Candidate] = {}
    for column, values in ((_D.unit_id, sorted(set(units))), (_D.code, sorted(set(codes)))):
        for chunk in _chunks(values):
            query = select(*_COLUMNS).where(column.in_(chunk), _D.year.in_(wanted))
            found.update((row.id, _candidate(row)) for row in session.connection().execute(query))
    return list(found.values())


class _Around:
    """Disclosures indexed by template, scope, year and unit or code: ``around(target, year)``
    are those of ``year`` with the target's template and scope and its unit or code."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self._by_unit: dict[tuple[str, str, int | None, int], list[Candidate]] = defaultdict(list)
        self._by_code: dict[tuple[str, str, int | None, str], list[Candidate]] = defaultdict(list)
        for c in sorted(candidates, key=lambda c: c.id):
            self._by_unit[(c.profile, c.scope, c.year, c.unit_id)].append(c)
            if c.code:
                self._by_code[(c.profile, c.scope, c.year, c.code)].append(c)

    def __call__(self, target: Candidate, year: int) -> list[Candidate]:
        key = (target.profile, target.scope, year)
        found = {c.id: c for c in self._by_unit.get((*key, target.unit_id), [])}
        if target.code:
            found.update((c.id, c) for c in self._by_code.get((*key, target.code), []))
        return sorted(found.values(), key=lambda c: c.id)


def _write_links(session: Session, links: Sequence[Link]) -> None:
    if not links:
        return
    for chunk in _chunks(link.disclosure_id for link in links):
        session.execute(delete(_L).where(_L.disclosure_id.in_(chunk)))
    session.execute(
        insert(_L),
        [{"disclosure_id": k.disclosure_id, "previous_id": k.previous_id, "method": k.method,
          "candidates": k.candidates, "note": k.note} for k in links],
    )  # fmt: skip


def _stored_links(session: Session, ids: Iterable[int]) -> dict[int, Link]:
    found: dict[int, Link] = {}
    for chunk in _chunks(sorted(set(ids))):
        rows = session.connection().execute(
            select(_L.disclosure_id, _L.previous_id, _L.method, _L.candidates, _L.note)
            .where(_L.disclosure_id.in_(chunk))
        )  # fmt: skip
        found.update((row[0], Link(*row)) for row in rows)
    return found


def _with_claims(session: Session, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` written with their claims (and so with their unit code read)."""
    found: set[int] = set()
    for chunk in _chunks(sorted(set(ids))):
        found.update(
            session.connection().scalars(
                select(_C.disclosure_id).where(_C.disclosure_id.in_(chunk))
            )
        )
    return found


def _set_code(session: Session, target: Candidate, code: str | None) -> Candidate:
    if code is None or code == target.code:
        return target
    session.execute(update(_D).where(_D.id == target.id).values(code=code))
    session.execute(update(_U).where(_U.id == target.unit_id, _U.code.is_(None)).values(code=code))
    return Candidate(target.id, target.unit_id, target.year, target.scope, target.profile,
                     target.version, code, target.unit_name)  # fmt: skip


def _read_codes(
    session: Session, found: Sequence[Candidate], models: Mapping[int, Disclosure] | None = None
) -> list[Candidate]:
    """The candidates with their unit codes: from ``models`` when given, else read from the
    stored model of a disclosure without a code that was stored before codes were written with
    the document and never linked (a linked one has had its code read: linking keeps that true)."""
    models = models or {}
    unread = [c.id for c in found if c.code is None and c.id not in models]
    known = _with_claims(session, unread) | set(_stored_links(session, unread)) if unread else set()
    result = []
    for c in found:
        model = models.get(c.id)
        if model is None and c.code is None and c.id not in known:
            model = _model(session, c.id)
        result.append(_set_code(session, c, unit_code(model)) if model is not None else c)
    return result


def _model(session: Session, disclosure_id: int) -> Disclosure | None:
    blob = session.scalar(
        select(s.Document.model_json_gz).where(s.Document.disclosure_id == disclosure_id)
    )
    return load_model(blob) if blob is not None else None


def link_many(
    session: Session, ids: Sequence[int], models: Mapping[int, Disclosure] | None = None
) -> LinkUpdates:
    """Link stored disclosures to last year's and re-link next year's disclosures of the same
    units or codes (they may have been stored first), in ``session``'s transaction: a handful of
    queries however many disclosures. ``models``: disclosures as read, by id, when at hand."""
    loaded = _by_id(session, ids)
    order = list(dict.fromkeys(ids))
    missing = [did for did in order if did not in loaded]
    if missing:
        raise KeyError(f"disclosure {missing[0]} is not stored")
    targets = _read_codes(session, [loaded[did] for did in order], models)
    dated = [t for t in targets if t.year is not None]
    years = {t.year + step for t in dated if t.year is not None for step in (-1, 1)}
    around = _Around(
        _in_years(session, (t.unit_id for t in dated), (t.code for t in dated if t.code), years)
    )
    links = [resolve(t, around(t, t.year - 1)) if t.year is not None else resolve(t, [])
             for t in targets]  # fmt: skip
    later: dict[int, Candidate] = {}
    for t in dated:
        if t.year is not None:
            later.update((c.id, c) for c in around(t, t.year + 1) if c.id not in loaded)
    successors: list[Link] = []
    if later:
        found = _read_codes(session, [later[did] for did in sorted(later)])
        previous = _Around(
            _in_years(session, (c.unit_id for c in found), (c.code for c in found if c.code),
                      (c.year - 1 for c in found if c.year is not None))
        )  # fmt: skip
        stored = _stored_links(session, later)
        for c in found:
            if c.year is not None:
                new = resolve(c, previous(c, c.year - 1))
                if new != stored.get(c.id):
                    successors.append(new)
    _write_links(session, [*links, *successors])
    return LinkUpdates(links, successors)


def link_disclosure(
    store: Store, disclosure_id: int, *, model: Disclosure | None = None
) -> LinkUpdate:
    """Link one stored disclosure to last year's and re-link next year's disclosures of the same
    unit or code (they may have been stored first). One transaction.

    ``model`` is the disclosure as read (ingest has it at hand); without it the stored model is
    loaded only for a disclosure stored before unit codes were written with the document. A
    concurrent writer linking the same next year's disclosure makes the transaction fail on its
    key; it is then run again."""
    for attempt in range(_ATTEMPTS):
        try:
            with store.session() as session:
                models = {disclosure_id: model} if model is not None else None
                done = link_many(session, [disclosure_id], models)
            return LinkUpdate(done.links[0], done.successors)
        except IntegrityError:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True, slots=True)
class LinkSummary:
    disclosures: int
    by_method: dict[str, int]
    ambiguous: int


def relink(store: Store, *, read_codes: bool = True) -> LinkSummary:
    """Link every stored disclosure again (after a bulk load, or when linking rules change).

    Unit codes are read from the stored models of disclosures stored before codes were written
    with the document and never linked (with ``read_codes``); the rest is resolved in memory and
    written in one transaction."""
    with store.session() as session:
        if read_codes:
            linked = select(_L.disclosure_id).where(_L.disclosure_id == _D.id)
            written = select(_C.disclosure_id).where(_C.disclosure_id == _D.id)
            pending = session.scalars(
                select(_D.id)
                .where(_D.code.is_(None), ~linked.exists(), ~written.exists())
                .order_by(_D.id)
            ).all()
            for did in pending:
                model = _model(session, did)
                if model is not None:
                    _set_code(session, _by_id(session, [did])[did], unit_code(model))
        everything = [_candidate(r) for r in session.execute(select(*_COLUMNS).order_by(_D.id))]
        around = _Around(everything)
        links = [resolve(c, around(c, c.year - 1)) if c.year is not None else resolve(c, [])
                 for c in everything]  # fmt: skip
        session.execute(delete(_L))
        for start in range(0, len(links), 5000):
            _write_links(session, links[start : start + 5000])
    methods = Counter(link.method for link in links)
    return LinkSummary(len(links), dict(methods), sum(1 for k in links if k.ambiguous))


@dataclass(frozen=True, slots=True)
class LinkView:
    """A stored link with the names and years of both disclosures, for reports."""

    disclosure_id: int
    unit_name: str
    year: int | None
    scope: str
    previous_id: int | None
    previous_name: str | None
    previous_year: int | None
    method: str
    candidates: int
    note: str | None


def stored_links(session: Session, *, ambiguous_only: bool = False) -> list[LinkView]:
    """The stored links (only those with a note when ``ambiguous_only``), by unit and year."""
    prev = aliased(s.Disclosure, name="prev")
    query = (
        select(_D.id, _D.unit_name, _D.year, _D.scope, _L.previous_id,
               prev.unit_name, prev.year, _L.method, _L.candidates, _L.note)
        .join(_L, _L.disclosure_id == _D.id)
        .outerjoin(prev, prev.id == _L.previous_id)
        .order_by(_D.unit_name, _D.year, _D.id)
    )  # fmt: skip
    if ambiguous_only:
        query = query.where(_L.note.is_not(None))
    return [_view(row) for row in session.execute(query)]


def link_counts(session: Session) -> dict[str, int]:
    """Stored links by method (code, name, none), plus ``ambiguous``: those with a note."""
    counts = {m: 0 for m in ("code", "name", "none")}
    counts.update({m: int(n) for m, n in session.execute(
        select(_L.method, func.count()).group_by(_L.method)
    )})  # fmt: skip
    counts["ambiguous"] = int(session.scalar(
        select(func.count()).select_from(_L).where(_L.note.is_not(None))
    ) or 0)  # fmt: skip
    return counts


def _view(row: Any) -> LinkView:
    return LinkView(*row)
