"""Fast multi-row inserts for the hundreds of rows one document brings (cells, rows, indicators).

SQLAlchemy's own executemany handles every row through its statement and type machinery, which
costs more than parsing the document. Here the rows go straight to the driver on the connection of
the current transaction: ``COPY … FROM STDIN`` on PostgreSQL (psycopg adapts ``Decimal``, ``bool``
and ``None`` itself), ``executemany`` on the SQLite cursor with the column types' own bind
conversions (the same ones SQLAlchemy applies, so rows read back identically). Other databases
fall back to SQLAlchemy's executemany.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table


def insert_rows(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    fixed: Mapping[str, Any],
) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table``, each completed by ``fixed``
    (e.g. the disclosure id), inside the connection's current transaction."""
    if not rows:
        return
    keys = list(rows[0])
    columns = [*fixed, *keys]
    head = tuple(fixed.values())
    dialect = connection.dialect
    if dialect.name not in ("postgresql", "sqlite"):
        connection.execute(table.insert(), [{**fixed, **row} for row in rows])
        return
    statement, converters = _prepared(connection, table, tuple(columns))
    values = itemgetter(*keys) if len(keys) > 1 else (lambda row: (row[keys[0]],))
    driver = connection.connection.driver_connection
    assert driver is not None
    if dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(head + values(row))
        return
    tuples: list[Any] = [head + values(row) for row in rows]
    if converters:  # column by column: one C-level pass per converted column
        by_column: list[Any] = list(zip(*tuples, strict=True))
        for position, converter in converters:
            by_column[position] = map(converter, by_column[position])
        tuples = list(zip(*by_column, strict=True))
    cursor = driver.cursor()
    try:
        cursor.executemany(statement, tuples)
    finally:
        cursor.close()


_Prepared = tuple[str, list[tuple[int, Callable[[Any], Any]]]]
_PREPARED: dict[tuple[str, str, tuple[str, ...]], _Prepared] = {}


def _prepared(connection: Connection, table: Table, columns: tuple[str, ...]) -> _Prepared:
    """The statement (COPY on PostgreSQL, INSERT on SQLite) and SQLite's bind conversions for
    these columns of ``table``, built once per process."""
    dialect = connection.dialect
    cache_key = (dialect.name, table.name, columns)
    found = _PREPARED.get(cache_key)
    if found is not None:
        return found
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    if dialect.name == "postgresql":
        statement = f"COPY {quote(table.name)} ({names}) FROM STDIN"
    else:
        converters = [
            (position, convert)
            for position, key in enumerate(columns)
            if (convert := table.c[key].type.dialect_impl(dialect).bind_processor(dialect))
            is not None
        ]
        marks = ", ".join("?" * len(columns))
        statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
    found = _PREPARED[cache_key] = (statement, converters)
    return found
