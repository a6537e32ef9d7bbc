"""Downloads of the units pages: a comparison or a unit's trend as CSV or XLSX (every field,
amounts in 元, exact), and whole-store exports (``yusuan.analytics.export``) for reviewers.

Rows are what the user may see (``yusuan.web.trends``); the whole-store exports are for admins
and reviewers only, since they cover every unit. The findings as CSV or XLSX are the reviewer's
list: Chinese headers and values (严重程度, 类别, 尾差 是/否, readable locations) with each
finding's 审核结果, reason and reviewer; as Parquet they are the machine export of
``yusuan.analytics.export``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from yusuan.analytics.base import flatten
from yusuan.analytics.export import WHAT
from yusuan.analytics.export import export as store_export
from yusuan.checks.engine import FAMILIES
from yusuan.checks.findings import Severity
from yusuan.store import schema as s
from yusuan.store.accounts import DECISION_LABELS, FindingReview, User
from yusuan.web import access, rulesettings
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
        if what == "findings" and fmt in FORMATS:
            path = path.with_name(f"{f'{year}年' if year else ''}检查问题.{fmt}")
            _write_findings(ctx, path, year, scope)
        else:
            store_export(ctx.store, path, what, year=year, scope=scope)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path


def file_download(path: Path) -> FileResponse:
    """Send a file written in its own temporary folder, and remove the folder afterwards."""
    return FileResponse(path, media_type=MEDIA[path.suffix.lstrip(".")], filename=path.name,
                        background=BackgroundTask(shutil.rmtree, path.parent, True))  # fmt: skip


# --- the reviewer's findings list -------------------------------------------------------------

FINDING_HEADERS = (
    "文件编号", "单位名称", "年度", "范围", "版本", "规则", "类别", "严重程度", "尾差", "问题",
    "说明", "应为", "实为", "相差", "位置", "审核结果", "审核理由", "审核人",
)  # fmt: skip


def _where(location: dict[str, Any]) -> str:
    label, text = str(location.get("label") or ""), str(location.get("text") or "")
    page, line = location.get("page"), location.get("line")
    place = "".join([f"第{page}页" if page else "", f"第{line}行" if line else ""])
    return f"{label}{f'「{text}」' if text else ''}{f'（{place}）' if place else ''}"


def finding_rows(
    ctx: AppContext, year: int | None = None, scope: str | None = None,
    disclosure_ids: Sequence[int] | None = None,
) -> Iterator[list[Any]]:  # fmt: skip
    """Every stored finding (of ``disclosure_ids`` only, when given), in Chinese, with the
    reviewer's decision (``FINDING_HEADERS``)."""
    d, f, r = s.Disclosure, s.Finding, FindingReview
    query = (
        select(d.id, d.unit_name, d.year, d.scope, d.version, f.rule, f.family, f.severity,
               f.rounding, f.title, f.message, f.expected, f.actual, f.difference, f.locations,
               r.decision, r.reason, User.display_name, User.username)
        .join(f, f.disclosure_id == d.id)
        .outerjoin(r, r.finding_id == f.id)
        .outerjoin(User, User.id == r.reviewer_id)
        .order_by(d.unit_name, d.year, d.id, f.id)
    )  # fmt: skip
    if year is not None:
        query = query.where(d.year == year)
    if scope:
        query = query.where(d.scope == scope)
    if disclosure_ids is not None:
        query = query.where(d.id.in_(sorted(set(disclosure_ids))))
    with ctx.store.reader() as session:
        settings = rulesettings.load(session)
        if settings.off:
            query = query.where(f.rule.not_in(sorted(settings.off)))
        for row in session.execute(query.execution_options(yield_per=1000)):
            (did, unit, when, where, version, rule, family, severity, rounding, title, message,
             expected, actual, difference, locations, decision, reason, display,
             username) = row  # fmt: skip
            severity = settings.severity_of(rule, severity)
            cited = "；".join(_where(loc) for loc in json.loads(locations or "[]"))
            yield [
                did, unit, when, where, version, rule, FAMILIES.get(family, family),
                Severity(severity).label, "是" if rounding else "否", title, message, expected,
                actual, difference, cited, DECISION_LABELS.get(decision or "", "未处理"),
                reason or "", display or username or "",
            ]  # fmt: skip


def _write_findings(ctx: AppContext, path: Path, year: int | None, scope: str | None) -> None:
    write_findings(path, finding_rows(ctx, year, scope), setting_notes(ctx))


def setting_notes(ctx: AppContext) -> list[str]:
    """This deployment's rule settings in Chinese, for the 规则设置 sheet of an export."""
    with ctx.store.reader() as session:
        return rulesettings.load(session).notes()


def write_findings(path: Path, rows: Iterator[list[Any]], notes: Sequence[str] = ()) -> None:
    """Findings rows (``finding_rows``) as CSV (UTF-8 with BOM) or XLSX, by ``path``'s suffix;
    ``notes`` (the rule settings applied) go to a second sheet of the XLSX."""
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(FINDING_HEADERS)
            writer.writerows([_text(v) for v in row] for row in rows)
        return
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("检查问题")
    sheet.append(list(FINDING_HEADERS))
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                      for v in row])  # fmt: skip
    if notes:
        adjusted = book.create_sheet("规则设置")
        adjusted.append(["本部署已调整以下规则："])
        for line in notes:
            adjusted.append([line])
    book.save(path)
