"""A read and checked document turned into plain rows for the store (``DocumentRecord``).

Workers (local processes or Dask) build a ``DocumentRecord`` and send it to whoever writes the
database: it holds only plain values, so it pickles cheaply and writing needs no model objects.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from yusuan.checks.findings import Finding, Location
from yusuan.checks.render.json import location_json
from yusuan.checks.report import Report
from yusuan.derive.budget_refs import budget_facts
from yusuan.derive.claims import claims, claims_json
from yusuan.derive.classes import class_spending
from yusuan.derive.facts import facts
from yusuan.derive.units import parent_name, subunits, unit_code
from yusuan.export.json import to_json_bytes
from yusuan.model import Disclosure, RowKind
from yusuan.money import WAN, to_yuan
from yusuan.names import normalize_name
from yusuan.templates import template_of

# gzip level of the model blob: level 3 takes half the time of level 6 for 15 % more bytes
_GZIP_LEVEL = 3
# json.dumps(…, ensure_ascii=False) builds an encoder per call; this one is built once
_encode = json.JSONEncoder(ensure_ascii=False).encode


@dataclass(slots=True)
class FileInfo:
    path: str
    sha256: str
    size: int
    seconds: float | None = None


@dataclass(slots=True)
class DocumentRecord:
    """Everything the store keeps of one disclosure, as plain values."""

    file: FileInfo
    unit_name: str
    normalized_name: str
    parent_name: str | None  # the department the document says the unit belongs to
    subunits: list[str]  # units a department document lists (table 11)
    year: int | None
    scope: str
    profile: str
    amount_unit: str
    extraction: str
    counts: dict[str, int]
    model_json_gz: bytes
    rows: list[dict[str, Any]] = field(default_factory=list)
    cells: list[dict[str, Any]] = field(default_factory=list)
    columns: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, Decimal] = field(default_factory=dict)
    projects: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    classes: list[dict[str, Any]] = field(default_factory=list)  # schema.ClassSpending rows
    code: str | None = None  # the unit's own code as printed (``crossyear.links.unit_code``)
    claims: str | None = None  # Part 3's 比上年 claims as JSON (``crossyear.claims``)


def _code_class(coded: bool, code: str | None) -> str | None:
    """The 功能分类 类 of a row's code (economic codes have none)."""
    if coded and code and code.isdigit() and len(code) in (3, 5, 7):
        return code[:3]
    return None


def _text(value: Decimal | str | None) -> str | None:
    return None if value is None else str(value)


def stored_location(location: Location, own_file: str | None) -> dict[str, Any]:
    """A cited location as stored: without the keys that are None and without the file when it is
    the finding's own document (readers put that document's path back, ``located``); an
    addend-by-addend 尾差 finding cites dozens of cells, and the path was most of their bytes."""
    data = location_json(location)
    if own_file is not None and data["file"] == own_file:
        del data["file"]
    return {k: v for k, v in data.items() if v is not None}


def finding_row(finding: Finding, own_file: str | None = None) -> dict[str, Any]:
    """A finding as stored; its locations in ``own_file`` (the document's path) without it."""
    return {
        "rule": finding.rule,
        "family": finding.family,
        "severity": finding.severity.value,
        "rounding": finding.rounding,
        "title": finding.title,
        "message": finding.message,
        "expected": _text(finding.expected),
        "actual": _text(finding.actual),
        "difference": finding.difference,
        "locations": _encode([stored_location(loc, own_file) for loc in finding.locations]),
    }


def _tables(record: DocumentRecord, d: Disclosure) -> None:
    # The hottest loop of building a record (hundreds of cells per document): appends and enum
    # values (``_value_``, not the slower ``.value`` property) are looked up once, not per cell.
    add_column = record.columns.append
    add_row = record.rows.append
    add_cell = record.cells.append
    template = template_of(d)
    for number, table in sorted(d.tables.items()):
        spec = template.spec_for(table.key)
        hierarchy = spec.hierarchy if spec is not None else ""
        coded = hierarchy == "code"
        unit = table.amount_unit or d.meta.amount_unit
        in_wan = (unit or "万元") == "万元"  # to_yuan, inlined
        written: set[tuple[str, object]] = set()
        for column in table.columns:
            if (column.key, column.side) in written:
                continue  # a table printed in halves side by side repeats its columns
            written.add((column.key, column.side))
            add_column(
                {"table_no": number, "column": column.key,
                 "side": column.side._value_ if column.side else "", "header": column.header}
            )  # fmt: skip
        current_unit: str | None = None
        projects = hierarchy == "projects"
        for row_no, row in enumerate(table.rows):
            source = row.source
            kind = row.kind
            add_row(
                {
                    "table_no": number,
                    "row_no": row_no,
                    "label": row.label,
                    "code": row.code,
                    "code_class": _code_class(coded, row.code),
                    "kind": kind._value_,
                    "side": row.side._value_ if row.side else None,
                    "line": source.line if source else None,
                    "page": source.page if source else None,
                }
            )
            for key, cell in row.cells.items():
                amount = cell.amount
                if amount is None and not cell.text:
                    continue  # blank: not stored (a missing cell reads as blank)
                confidence = cell.confidence
                add_cell(
                    {
                        "table_no": number,
                        "row_no": row_no,
                        "column": key,
                        "amount": None if amount is None else amount * WAN if in_wan else amount,
                        "text": cell.text,
                        "confidence": confidence if confidence < 1 else None,
                    }
                )
            if projects:
                if kind in (RowKind.UNIT, RowKind.DEPARTMENT):
                    current_unit = row.label
                elif kind == RowKind.PROJECT:
                    record.projects.append(
                        {"table_no": number, "name": row.label, "unit_name": current_unit,
                         "amount": to_yuan(row.amount("total"), unit)}
                    )  # fmt: skip


def _indicators(record: DocumentRecord, d: Disclosure) -> None:
    for table in d.performance_tables:
        project = d.meta.unit_name if table.whole_unit else table.project
        for period, items in (("annual", table.annual_indicators),
                              ("period", table.period_indicators)):  # fmt: skip
            for item in items:
                record.indicators.append(
                    {"project": project, "whole_unit": table.whole_unit, "period": period,
                     "level1": item.level1, "level2": item.level2, "level3": item.level3,
                     "value": item.value}
                )  # fmt: skip


def to_record(d: Disclosure, report: Report, file: FileInfo) -> DocumentRecord:
    record = DocumentRecord(
        file=file,
        unit_name=d.meta.unit_name,
        normalized_name=normalize_name(d.meta.unit_name),
        parent_name=parent_name(d),
        subunits=subunits(d),
        year=d.meta.year,
        scope=d.meta.scope,
        profile=d.meta.profile,
        amount_unit=d.meta.amount_unit,
        extraction=d.meta.extraction,
        counts=report.counts(),
        model_json_gz=gzip.compress(to_json_bytes(d), _GZIP_LEVEL, mtime=0),
        facts={**facts(d), **budget_facts(d)},
        classes=class_spending(d),
        findings=[finding_row(f, file.path) for f in report.findings],
        code=unit_code(d),
        claims=claims_json(claims(d)),
    )
    _tables(record, d)
    _indicators(record, d)
    return record
