"""Writing documents into the store: one transaction per document, idempotent by content hash.

A document is either stored whole (its disclosure, rows, cells, facts, projects, indicators,
findings and its ``source_files`` entry commit together) or not at all, so an ingest killed at any
point leaves nothing half-written and a re-run stores exactly what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from yusuan.store import schema as s
from yusuan.store.db import Store
from yusuan.store.names import normalize_name
from yusuan.store.records import DocumentRecord, FileInfo


@dataclass(slots=True)
class Saved:
    status: str  # stored, skipped (hash already known), failed
    disclosure_id: int | None = None
    message: str = ""


def known_hashes(store: Store) -> set[str]:
    with store.reader() as session:
        return set(session.scalars(select(s.SourceFile.sha256)))


def _unit(session: Session, name: str, profile: str, kind: str | None = None) -> s.Unit:
    """The unit with this normalized name, created when new (safe against concurrent writers)."""
    normalized = normalize_name(name)
    query = select(s.Unit).where(s.Unit.profile == profile, s.Unit.normalized_name == normalized)
    unit = session.scalars(query).first()
    if unit is not None:
        if kind == "部门" and unit.kind != "部门":
            unit.kind = "部门"
        return unit
    try:
        with session.begin_nested():
            unit = s.Unit(name=name, normalized_name=normalized, profile=profile,
                          kind=kind or "单位")  # fmt: skip
            session.add(unit)
    except IntegrityError:  # another process created it first
        unit = session.scalars(query).one()
    return unit


def _link_hierarchy(session: Session, record: DocumentRecord, unit: s.Unit) -> None:
    if record.scope == "部门":
        for name in record.subunits:
            child = _unit(session, name, record.profile)
            if child.parent_id is None and child.id != unit.id:
                child.parent_id = unit.id
    elif record.parent_name and unit.parent_id is None:
        parent = _unit(session, record.parent_name, record.profile, kind="部门")
        if parent.id != unit.id:
            unit.parent_id = parent.id


def _write(session: Session, record: DocumentRecord) -> int:
    source = s.SourceFile(
        sha256=record.file.sha256, path=record.file.path, size=record.file.size,
        status="ok", seconds=record.file.seconds,
    )  # fmt: skip
    session.add(source)
    unit = _unit(session, record.unit_name, record.profile, kind=record.scope)
    session.flush()
    _link_hierarchy(session, record, unit)
    unit.name = record.unit_name
    version = session.scalar(
        select(func.count()).select_from(s.Disclosure).where(
            s.Disclosure.unit_id == unit.id, s.Disclosure.year == record.year,
            s.Disclosure.scope == record.scope,
        )
    )  # fmt: skip
    disclosure = s.Disclosure(
        unit_id=unit.id, year=record.year, scope=record.scope, version=(version or 0) + 1,
        profile=record.profile, unit_name=record.unit_name, amount_unit=record.amount_unit,
        extraction=record.extraction, source_file_id=source.id,
        errors=record.counts.get("error", 0), warnings=record.counts.get("warning", 0),
        infos=record.counts.get("info", 0),
    )  # fmt: skip
    session.add(disclosure)
    session.flush()
    did = disclosure.id
    session.add(s.Document(disclosure_id=did, model_json_gz=record.model_json_gz))

    def bulk(model: type[s.Base], rows: list[dict[str, object]]) -> None:
        if rows:
            session.execute(insert(model), [{"disclosure_id": did, **row} for row in rows])

    bulk(s.TableRow, record.rows)
    bulk(s.TableCell, record.cells)
    bulk(s.TableColumn, record.columns)
    bulk(s.Fact, [{"key": k, "value": v} for k, v in record.facts.items()])
    bulk(s.Project, record.projects)
    bulk(s.Indicator, record.indicators)
    bulk(s.Finding, record.findings)
    return did


def save_record(store: Store, record: DocumentRecord) -> Saved:
    """Store one document in its own transaction. A hash already stored is skipped."""
    for attempt in range(3):
        try:
            with store.session() as session:
                known = session.scalar(
                    select(s.SourceFile.status).where(s.SourceFile.sha256 == record.file.sha256)
                )
                if known is not None:
                    return Saved("skipped", message=f"已入库（{known}）")
                did = _write(session, record)
            return Saved("stored", did)
        except IntegrityError:
            # A concurrent writer took the same hash or version number: look again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def save_failure(store: Store, file: FileInfo, reason: str) -> Saved:
    """Record a file that could not be read or checked, with its reason, so the batch goes on and
    a re-run does not try it again (``--retry-failed`` does)."""
    with store.session() as session:
        existing = session.scalars(
            select(s.SourceFile).where(s.SourceFile.sha256 == file.sha256)
        ).first()
        if existing is not None and existing.status == "ok":
            return Saved("skipped", message="已入库（ok）")
        if existing is None:
            failed = s.SourceFile(sha256=file.sha256, path=file.path, size=file.size,
                                  status="failed", error=reason, seconds=file.seconds)  # fmt: skip
            session.add(failed)
        else:
            existing.error, existing.path = reason, file.path
    return Saved("failed", message=reason)


def forget_failures(store: Store) -> int:
    """Drop the failed entries so the next ingest tries those files again."""
    from sqlalchemy import delete

    with store.session() as session:
        result = session.execute(delete(s.SourceFile).where(s.SourceFile.status == "failed"))
        return int(getattr(result, "rowcount", 0) or 0)
