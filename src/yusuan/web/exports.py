"""Downloads of the units pages: a comparison or a unit's trend as CSV or XLSX (every field,
amounts in 元, exact), and whole-store exports (``yusuan.analytics.export``) for reviewers.

Rows are what the user may see (``yusuan.web.trends``); the whole-store exports are for admins
and reviewers only, since they cover every unit.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from yusuan.analytics.base import flatten
from yusuan.analytics.export import WHAT
from yusuan.analytics.export import export as store_export
from yusuan.web import access
from yusuan.web.context import AppContext
from yusuan.web.errors import Invalid
from yusuan.web.filetypes import MEDIA_TYPES
from yusuan.web.principal import Principal

FORMATS = ("csv", "xlsx")
STORE_FORMATS = ("csv", "xlsx", "parquet")
STORE_WHAT = tuple(w for w in WHAT if w != "compare")  # a comparison is exported as seen
MEDIA = {"csv": "text/csv; charset=utf-8", "xlsx": MEDIA_TYPES["xlsx"],
         "parquet": "application/vnd.apache.parquet"}  # fmt: skip


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def table_bytes(rows: Sequence[Any], fmt: str, sheet: str) -> bytes:
    """Result rows (analytics dataclasses) as one flat table: CSV (UTF-8 with BOM, so Excel
    reads the Chinese) or XLSX (numbers written from their exact decimal values)."""
    if fmt not in FORMATS:
        raise Invalid("导出格式只能是 csv 或 xlsx")
    flat = [flatten(row) for row in rows]
    header = list(flat[0]) if flat else ["disclosure_id"]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for row in flat:
            writer.writerow([_text(row.get(k)) for k in header])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.append(header)
    for row in flat:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                   for v in (row.get(k) for k in header)])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def whole_store(
    ctx: AppContext, principal: Principal, what: str, fmt: str, *, year: int | None = None,
    scope: str | None = None,
) -> Path:  # fmt: skip
    """Facts, table cells or findings of every stored disclosure (admins and reviewers), written
    to a file in a new temporary folder: the caller sends it and removes the folder."""
    access.require_reviewer(principal)
    if what not in STORE_WHAT:
        raise Invalid("导出内容只能是 facts、cells 或 findings")
    if fmt not in STORE_FORMATS:
        raise Invalid("导出格式只能是 csv、xlsx 或 parquet")
    folder = Path(tempfile.mkdtemp(prefix="yusuan-export-"))
    path = folder / f"{what}{f'-{year}' if year else ''}.{fmt}"
    try:
        store_export(ctx.store, path, what, year=year, scope=scope)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path


def file_download(path: Path) -> FileResponse:
    """Send a file written in its own temporary folder, and remove the folder afterwards."""
    return FileResponse(path, media_type=MEDIA[path.suffix.lstrip(".")], filename=path.name,
                        background=BackgroundTask(shutil.rmtree, path.parent, True))  # fmt: skip
