"""Every table cell as tidy CSV: table_no,row_code,row_label,column,value,source."""

from __future__ import annotations

import csv
import io

from yusuan.model import Disclosure

HEADER = ("table_no", "row_code", "row_label", "column", "value", "source")


def iter_cells(disclosure: Disclosure) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for number, table in sorted(disclosure.tables.items()):
        for row in table.rows:
            for key, cell in row.cells.items():
                column = table.column(key, row.side)
                header = column.header if column is not None else key
                source = cell.source or row.source
                rows.append(
                    (
                        str(number),
                        row.code or "",
                        row.label,
                        header,
                        cell.text,
                        str(source) if source else "",
                    )
                )
    return rows


def to_cells_csv(disclosure: Disclosure) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(iter_cells(disclosure))
    return out.getvalue()
