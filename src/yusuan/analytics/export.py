"""Tidy exports of the store: one row per fact, table cell or finding (or a comparison's rows) as
CSV, XLSX or Parquet, chosen by the output file's suffix.

Large exports stream: disclosures are read in batches of ids and their rows written as they
arrive, so memory does not grow with the store; the file is written beside its target and renamed
over it at the end (``yusuan.files``), so a failed export leaves no half file. Amounts stay exact:
Parquet ``decimal128`` columns, CSV text as printed by ``Decimal`` (UTF-8 with BOM, so Excel reads
the Chinese), XLSX numbers written from their decimal text. Amounts are in 元.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from yusuan.analytics.base import D, disclosures, flatten, run
from yusuan.analytics.compare import compare
from yusuan.derive.facts import FACT_LABELS
from yusuan.errors import YusuanError
from yusuan.files import write_atomically
from yusuan.store import schema as s
from yusuan.store.db import Store
from yusuan.store.records import located

FORMATS = ("csv", "xlsx", "parquet")
WHAT = ("facts", "cells", "findings", "compare")
BATCH = 200  # disclosures per query


class ExportError(YusuanError):
    """An export that cannot be written (unknown format or kind)."""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: str  # int, text, money (Numeric 20,2), decimal (Numeric 20,4), bool, float


_REF = [Column("disclosure_id", "int"), Column("unit_name", "text"), Column("year", "int"),
        Column("scope", "text"), Column("version", "int")]  # fmt: skip
_REF_QUERY = (D.id, D.unit_name, D.year, D.scope, D.version)


def _columns(spec: str) -> list[Column]:
    """Columns from "name:kind name:kind …"."""
    return [Column(*item.split(":")) for item in spec.split()]


COLUMNS: dict[str, list[Column]] = {
    "facts": [*_REF, *_columns("key:text label:text value:money")],
    "cells": [
        *_REF,
        *_columns(
            "table_no:int row_no:int code:text label:text kind:text side:text column:text "
            "amount:money text:text confidence:float"
        ),
    ],
    "findings": [
        *_REF,
        *_columns(
            "rule:text family:text severity:text rounding:bool title:text message:text "
            "expected:text actual:text difference:decimal locations:text"
        ),
    ],
}


def _ids(session: Session, year: int | None, unit: str | None, scope: str | None) -> list[int]:
    query = disclosures(year=year, unit=unit, scope=scope, latest=False, kind=None).order_by(D.id)
    return [int(row[0]) for row in run(session, query)]


def _facts(session: Session, ids: Sequence[int]) -> Iterator[tuple[Any, ...]]:
    f = s.Fact
    order = {key: n for n, key in enumerate(FACT_LABELS)}
    rows = list(
        run(
            session,
            select(*_REF_QUERY, f.key, f.value)
            .join(f, f.disclosure_id == D.id)
            .where(D.id.in_(ids)),
        )
    )
    rows.sort(key=lambda r: (r[0], order.get(r[5], len(order)), r[5]))
    for row in rows:
        yield (*row[:5], row[5], FACT_LABELS.get(row[5], row[5]), row[6])


def _cells(session: Session, ids: Sequence[int]) -> Iterator[tuple[Any, ...]]:
    r, c = s.TableRow, s.TableCell
    query = (
        select(*_REF_QUERY, r.table_no, r.row_no, r.code, r.label, r.kind, r.side, c.column,
               c.amount, c.text, c.confidence)
        .join(r, r.disclosure_id == D.id)
        .join(c, and_(c.disclosure_id == r.disclosure_id, c.table_no == r.table_no,
                      c.row_no == r.row_no))
        .where(D.id.in_(ids))
        .order_by(D.id, r.table_no, r.row_no, c.column)
    )  # fmt: skip
    yield from (tuple(row) for row in run(session, query))


def _findings(session: Session, ids: Sequence[int]) -> Iterator[tuple[Any, ...]]:
    f = s.Finding
    query = (
        select(*_REF_QUERY, f.rule, f.family, f.severity, f.rounding, f.title, f.message,
               f.expected, f.actual, f.difference, f.locations, s.SourceFile.path)
        .join(f, f.disclosure_id == D.id)
        .join(s.SourceFile, s.SourceFile.id == D.source_file_id)
        .where(D.id.in_(ids))
        .order_by(D.id, f.id)
    )  # fmt: skip
    for *row, locations, path in run(session, query):
        # stored without the document's own path (``records.stored_location``): put it back
        cited = [located(loc, path or "") for loc in json.loads(locations or "[]")]
        yield (*row, json.dumps(cited, ensure_ascii=False))


_READERS: dict[str, Callable[[Session, Sequence[int]], Iterator[tuple[Any, ...]]]] = {
    "facts": _facts, "cells": _cells, "findings": _findings,
}  # fmt: skip


def _streamed(
    store: Store, what: str, year: int | None, unit: str | None, scope: str | None,
    progress: Callable[[int, int], None] | None,
) -> Iterator[tuple[Any, ...]]:  # fmt: skip
    with store.reader() as session:
        ids = _ids(session, year, unit, scope)
        for start in range(0, len(ids), BATCH):
            yield from _READERS[what](session, ids[start : start + BATCH])
            if progress is not None:
                progress(min(start + BATCH, len(ids)), len(ids))


def _compare(store: Store, metric: str, year: int | None, unit: str | None, scope: str | None
             ) -> tuple[list[Column], list[tuple[Any, ...]]]:  # fmt: skip
    with store.reader() as session:
        rows = [flatten(row) for row in compare(session, metric, year=year, unit=unit,
                                                 scope=scope)]  # fmt: skip
    if not rows:
        return [Column("disclosure_id", "int")], []
    columns = [Column(name, _kind(name, [r[name] for r in rows])) for name in rows[0]]
    return columns, [tuple(r.values()) for r in rows]


def _kind(name: str, values: list[Any]) -> str:
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, bool):
        return "bool"
    if isinstance(sample, int):
        return "int"
    if isinstance(sample, Decimal):
        return "money"
    return "text"


def export(store: Store, path: Path, what: str = "facts", *, year: int | None = None,
           unit: str | None = None, scope: str | None = None, metric: str = "three_public",
           progress: Callable[[int, int], None] | None = None) -> int:  # fmt: skip
    """Write ``what`` (facts, cells, findings, or the ``metric`` comparison) to ``path``; the
    format is the suffix (.csv, .xlsx, .parquet). Returns the number of rows written."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(str(path), "不支持的导出格式", "请使用 .csv、.xlsx 或 .parquet 文件名")
    if what not in WHAT:
        raise ExportError(what, "不支持的导出内容", "可选 facts、cells、findings、compare")
    if what == "compare":
        columns, materialized = _compare(store, metric, year, unit, scope)
        rows: Iterator[tuple[Any, ...]] = iter(materialized)
    else:
        columns, rows = COLUMNS[what], _streamed(store, what, year, unit, scope, progress)
    writer = {"csv": _write_csv, "xlsx": _write_xlsx, "parquet": _write_parquet}[fmt]
    count = [0]

    def counted() -> Iterator[tuple[Any, ...]]:
        for row in rows:
            count[0] += 1
            yield row

    write_atomically(path, lambda temporary: writer(temporary, columns, counted(), what))
    return count[0]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write_csv(path: Path, columns: list[Column], rows: Iterator[tuple[Any, ...]],
               what: str) -> None:  # fmt: skip
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow([c.name for c in columns])
        for row in rows:
            out.writerow([_text(v) for v in row])


def _write_xlsx(path: Path, columns: list[Column], rows: Iterator[tuple[Any, ...]],
                what: str) -> None:  # fmt: skip
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def clean(value: Any) -> Any:  # control characters (e.g. from PDFs) are not allowed in XML
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    book = Workbook(write_only=True)
    sheet = book.create_sheet(what)
    sheet.append([c.name for c in columns])
    for row in rows:
        sheet.append([clean(v) for v in row])  # a Decimal is written from its exact decimal text
    book.save(path)


def _write_parquet(path: Path, columns: list[Column], rows: Iterator[tuple[Any, ...]],
                   what: str) -> None:  # fmt: skip
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    types = {
        "int": pa.int64(), "text": pa.string(), "money": pa.decimal128(20, 2),
        "decimal": pa.decimal128(20, 4), "bool": pa.bool_(), "float": pa.float64(),
    }  # fmt: skip
    schema = pa.schema([pa.field(c.name, types[c.kind]) for c in columns])
    scales = [2 if c.kind == "money" else 4 if c.kind == "decimal" else None for c in columns]

    def batch(chunk: list[tuple[Any, ...]]) -> Any:
        arrays = []
        for i, column in enumerate(columns):
            values = [_fit(row[i], scales[i]) for row in chunk]
            arrays.append(pa.array(values, type=schema.field(column.name).type))
        return pa.RecordBatch.from_arrays(arrays, schema=schema)

    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= 10000:
                writer.write_batch(batch(chunk))
                chunk = []
        writer.write_batch(batch(chunk))


def _fit(value: Any, scale: int | None) -> Any:
    """A Decimal at the column's scale (exact: stored amounts have at most that many places)."""
    if scale is None or value is None:
        return value
    return Decimal(value).quantize(Decimal(1).scaleb(-scale))
