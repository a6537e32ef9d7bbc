"""Writing documents into the store: one transaction per document, idempotent by content hash.

A document is either stored whole (its disclosure, rows, cells, facts, projects, indicators,
findings and its ``source_files`` entry commit together) or not at all, so an ingest killed at any
point leaves nothing half-written and a re-run stores exactly what is missing.

Writing goes through SQLAlchemy Core on one connection (no ORM unit of work): a handful of
statements for the file, unit and disclosure, then the document's rows in bulk
(``yusuan.store.bulk``: COPY on PostgreSQL, the driver's executemany on SQLite).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    CursorResult,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError

from yusuan.derive.record import DocumentRecord, FileInfo
from yusuan.names import normalize_name
from yusuan.store import counting
from yusuan.store import schema as s
from yusuan.store.bulk import insert_rows
from yusuan.store.db import Store

_TABLES = s.Base.metadata.tables
_UNITS = _TABLES["units"]
_FILES = _TABLES["source_files"]
_DISCLOSURES = _TABLES["disclosures"]
# PostgreSQL SQLSTATEs of a transaction that lost a race and may simply be run again.
_RETRYABLE = {"40001", "40P01"}  # serialization failure, deadlock detected
_ATTEMPTS = 3

# Statements built once: executing a prepared statement object skips building and keying it.
_FILE_BY_HASH = select(_FILES.c.id, _FILES.c.status).where(_FILES.c.sha256 == bindparam("sha"))
_UNIT_BY_NAME = select(_UNITS.c.id, _UNITS.c.kind, _UNITS.c.name, _UNITS.c.code).where(
    _UNITS.c.profile == bindparam("profile"), _UNITS.c.normalized_name == bindparam("normalized")
)
_VERSIONS = (
    select(func.count())
    .select_from(_DISCLOSURES)
    .where(
        _DISCLOSURES.c.unit_id == bindparam("unit_id"),
        _DISCLOSURES.c.year == bindparam("year"),
        _DISCLOSURES.c.scope == bindparam("scope"),
    )
)
_INSERT_UNIT = {  # ON CONFLICT DO NOTHING: one statement where a savepoint would take three
    name: dialect.insert(_UNITS)
    .on_conflict_do_nothing(index_elements=["profile", "normalized_name"])
    .returning(_UNITS.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_INSERT_FILE = insert(_FILES)
_INSERT_DISCLOSURE = insert(_DISCLOSURES)
_ADOPT = (
    update(_UNITS)
    .where(_UNITS.c.id == bindparam("child"), _UNITS.c.parent_id.is_(None))
    .values(parent_id=bindparam("parent"))
)


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


@dataclass(slots=True)
class Saved:
    status: str  # stored, skipped (hash already known), failed
    disclosure_id: int | None = None
    message: str = ""


def known_hashes(store: Store, status: str | None = None) -> set[str]:
    """The content hashes in ``source_files`` (only those with ``status`` when given)."""
    query = select(s.SourceFile.sha256)
    if status is not None:
        query = query.where(s.SourceFile.status == status)
    with store.reader() as session:
        return set(session.scalars(query))


def _unit(
    connection: Connection,
    name: str,
    profile: str,
    kind: str | None = None,
    rename: bool = False,
    code: str | None = None,
) -> int:
    """The id of the unit with this normalized name, created when new (safe against concurrent
    writers: a unit another process created first is looked up again). ``rename``: the unit
    takes ``name`` as printed in this document; ``code``: its unit code, kept when it has none."""
    key = {"profile": profile, "normalized": normalize_name(name)}
    found = connection.execute(_UNIT_BY_NAME, key).first()
    if found is None:
        values = {"name": name, "normalized_name": key["normalized"], "profile": profile,
                  "kind": kind or "单位", "code": code}  # fmt: skip
        created = _insert_unit(connection, values)
        if created is not None:
            return created
        found = connection.execute(_UNIT_BY_NAME, key).one()  # another process created it first
    unit_id = int(found.id)
    changes = {}
    if kind == "部门" and found.kind != "部门":
        changes["kind"] = "部门"
    if rename and found.name != name:
        changes["name"] = name
    if code is not None and found.code is None:
        changes["code"] = code
    if changes:
        connection.execute(update(_UNITS).where(_UNITS.c.id == unit_id).values(**changes))
    return unit_id


def _insert_unit(connection: Connection, values: dict[str, str | None]) -> int | None:
    """Insert a unit; None when a concurrent writer inserted the same name first."""
    statement = _INSERT_UNIT.get(connection.dialect.name)
    if statement is not None:
        return connection.execute(statement, values).scalar()
    try:
        with connection.begin_nested():
            return _new_id(connection.execute(insert(_UNITS), values))
    except IntegrityError:
        return None


def _link_hierarchy(connection: Connection, record: DocumentRecord, unit_id: int) -> None:
    def adopt(child_id: int, parent_id: int) -> None:
        if child_id != parent_id:
            connection.execute(_ADOPT, {"child": child_id, "parent": parent_id})

    if record.scope == "部门":
        for name in record.subunits:
            adopt(_unit(connection, name, record.profile), unit_id)
    elif record.parent_name:
        adopt(unit_id, _unit(connection, record.parent_name, record.profile, kind="部门"))


def _source_file(connection: Connection, file: FileInfo, failed_id: int | None) -> int:
    values = {"path": file.path, "size": file.size, "status": "ok", "seconds": file.seconds}
    if failed_id is not None:  # a file that failed before and now reads: the entry becomes ok
        connection.execute(
            update(_FILES)
            .where(_FILES.c.id == failed_id)
            .values(error=None, ingested_at=s.now(), **values)
        )
        return failed_id
    result = connection.execute(_INSERT_FILE, {"sha256": file.sha256, **values})
    return _new_id(result)


def _write(connection: Connection, record: DocumentRecord, failed_id: int | None) -> int:
    source_id = _source_file(connection, record.file, failed_id)
    unit_id = _unit(connection, record.unit_name, record.profile, record.scope, rename=True,
                    code=record.code)  # fmt: skip
    _link_hierarchy(connection, record, unit_id)
    version = connection.scalar(
        _VERSIONS, {"unit_id": unit_id, "year": record.year, "scope": record.scope}
    )
    result = connection.execute(
        _INSERT_DISCLOSURE,
        {
            "unit_id": unit_id, "year": record.year, "scope": record.scope,
            "version": (version or 0) + 1, "profile": record.profile,
            "unit_name": record.unit_name, "amount_unit": record.amount_unit,
            "code": record.code, "extraction": record.extraction, "source_file_id": source_id,
            **_counts(connection, record),
        },
    )  # fmt: skip
    did = _new_id(result)
    fixed = {"disclosure_id": did}
    insert_rows(connection, _TABLES["documents"], [{"model_json_gz": record.model_json_gz}], fixed)
    if record.claims is not None:
        insert_rows(connection, _TABLES["claims"], [{"data": record.claims}], fixed)
    insert_rows(connection, _TABLES["table_rows"], record.rows, fixed)
    insert_rows(connection, _TABLES["table_cells"], record.cells, fixed)
    insert_rows(connection, _TABLES["table_columns"], record.columns, fixed)
    facts = [{"key": k, "value": v} for k, v in record.facts.items()]
    insert_rows(connection, _TABLES["facts"], facts, fixed)
    insert_rows(connection, _TABLES["class_spending"], record.classes, fixed)
    insert_rows(connection, _TABLES["projects"], record.projects, fixed)
    insert_rows(connection, _TABLES["indicators"], record.indicators, fixed)
    insert_rows(connection, _TABLES["findings"], record.findings, fixed)
    return did


def _counts(connection: Connection, record: DocumentRecord) -> dict[str, int]:
    """The stored counts by severity, with the deployment's rule settings applied."""
    return counting.counts(
        connection, ((str(f["rule"]), str(f["severity"])) for f in record.findings)
    )


def _retryable(exc: DBAPIError) -> bool:
    """A race with a concurrent writer (same hash, unit or version number; a deadlock)."""
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.orig, "sqlstate", None) in _RETRYABLE


def save_record(store: Store, record: DocumentRecord) -> Saved:
    """Store one document in its own transaction. A hash already stored is skipped; a hash that
    failed before is stored now and its entry becomes ``ok``."""
    for attempt in range(_ATTEMPTS):
        try:
            with store.writing() as connection:
                known = connection.execute(_FILE_BY_HASH, {"sha": record.file.sha256}).first()
                if known is not None and known.status != "failed":
                    return Saved("skipped", message=f"已入库（{known.status}）")
                did = _write(connection, record, None if known is None else int(known.id))
            return Saved("stored", did)
        except DBAPIError as exc:
            if attempt == _ATTEMPTS - 1 or not _retryable(exc):
                raise
    raise AssertionError("unreachable")


def save_failure(store: Store, file: FileInfo, reason: str) -> Saved:
    """Record a file that could not be read or checked, with its reason, so the batch goes on and
    a re-run does not try it again (``--retry-failed`` does)."""
    for attempt in range(_ATTEMPTS):
        try:
            with store.writing() as connection:
                existing = connection.execute(_FILE_BY_HASH, {"sha": file.sha256}).first()
                if existing is not None and existing.status == "ok":
                    return Saved("skipped", message="已入库（ok）")
                if existing is None:
                    connection.execute(
                        insert(_FILES).values(sha256=file.sha256, path=file.path, size=file.size,
                                              status="failed", error=reason, seconds=file.seconds)
                    )  # fmt: skip
                else:
                    connection.execute(
                        update(_FILES).where(_FILES.c.id == existing.id).values(
                            error=reason, path=file.path, seconds=file.seconds,
                            ingested_at=s.now(),
                        )
                    )  # fmt: skip
            return Saved("failed", message=reason)
        except DBAPIError as exc:
            if attempt == _ATTEMPTS - 1 or not _retryable(exc):
                raise
    raise AssertionError("unreachable")


def forget_failures(store: Store) -> int:
    """Drop the failed entries so the next ingest tries those files again."""
    with store.writing() as connection:
        result = connection.execute(delete(_FILES).where(_FILES.c.status == "failed"))
        return int(result.rowcount or 0)
