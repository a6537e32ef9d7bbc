"""Downloads of a batch: its 检查表 workbook and its findings list.

The workbook is the CLI's (``yusuan.checks.render.xlsx.build_workbook``) over the stored reports
of the batch's documents (``yusuan.web.reports.StoredReport``: the findings the reviewers saw,
驳回 ones left out), each document's sheet with the 审核意见 and 审核人 columns the web adds; its
汇总 sheet is the batch's: one row per file sent (a duplicate or a failed file included) with the
unit, year, 预算/决算, what became of it, the counts, the review and a link to the sheet and to
the document's page, then this deployment's rule settings (本部署已调整以下规则：…) that touch
the documents. A rule switched off is neither counted nor listed, as on each document's report.
Sheet names are unique and at most 31 characters (``sheet_titles``).

The findings list is ``yusuan.web.exports``' (Chinese headers) narrowed to the batch.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from yusuan.checks.render.common import checklist
from yusuan.checks.render.xlsx import (
    BODY_FONT,
    FONT_NAME,
    HEAD_FONT,
    SUMMARY_TITLE,
    _body_row,
    _header,
    _title,
    build_workbook,
    sheet_titles,
)
from yusuan.web import exports
from yusuan.web.batches import BatchDocument, BatchView
from yusuan.web.context import AppContext
from yusuan.web.errors import Invalid
from yusuan.web.principal import Principal
from yusuan.web.reports import StoredReport

SUMMARY_HEADERS = (
    ("序号", 6), ("文件名", 32), ("单位名称", 32), ("年度", 8), ("类别", 8), ("范围", 8),
    ("版本", 8), ("处理结果", 10), ("说明", 36), ("错误", 8), ("警告", 8), ("提示", 8),
    ("不符合要求的项目数", 12), ("审核状态", 10), ("审核意见", 30), ("审核人", 12),
    ("网页链接", 40),
)  # fmt: skip
LINK_FONT = Font(name=FONT_NAME, size=11, color="0563C1", underline="single")
UNIT_COLUMN, LINK_COLUMN = 3, len(SUMMARY_HEADERS)
NOTES_HEADING = "本部署已调整以下规则："


def checklist_xlsx(ctx: AppContext, principal: Principal, batch: BatchView, base_url: str
                   ) -> bytes:  # fmt: skip
    """The batch's 检查表 workbook (XLSX bytes); ``base_url`` makes the links to the pages."""
    ids = batch.disclosure_ids
    stored = [StoredReport(ctx, principal, i, dismissed=False) for i in ids]
    workbook = build_workbook([r.report for r in stored])
    titles = dict(zip(ids, sheet_titles([r.report for r in stored]), strict=True))
    reports = dict(zip(ids, stored, strict=True))
    for did, one in reports.items():
        one.add_review_columns(workbook[titles[did]])
    workbook.remove(workbook[SUMMARY_TITLE])
    summary = workbook.create_sheet(SUMMARY_TITLE, 0)
    workbook.active = 0
    _title(summary, f"{batch.name} 批次检查汇总（共 {batch.total} 个文件）", len(SUMMARY_HEADERS))
    _header(summary, 2, SUMMARY_HEADERS)
    base = base_url.rstrip("/")
    for index, doc in enumerate(batch.documents):
        row = index + 3
        report = reports.get(doc.disclosure_id or 0)
        _body_row(summary, row, _values(index + 1, doc, report, base), SUMMARY_HEADERS)
        if report is not None and doc.disclosure_id is not None:
            unit = summary.cell(row=row, column=UNIT_COLUMN)
            unit.hyperlink, unit.font = f"#'{titles[doc.disclosure_id]}'!A1", LINK_FONT
            link = summary.cell(row=row, column=LINK_COLUMN)
            link.hyperlink, link.font = str(link.value), LINK_FONT
    _setting_notes(summary, stored, 3 + len(batch.documents) + 1)
    summary.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _setting_notes(summary: Worksheet, stored: list[StoredReport], row: int) -> None:
    """This deployment's rule settings that touch the batch's documents, below the rows, as on
    each document's own report (``StoredReport.setting_notes``)."""
    notes = list(dict.fromkeys(line for one in stored for line in one.setting_notes))
    if not notes:
        return
    summary.cell(row=row, column=1, value=NOTES_HEADING).font = HEAD_FONT
    for offset, line in enumerate(notes, 1):
        summary.cell(row=row + offset, column=1, value=line).font = BODY_FONT


def _values(number: int, doc: BatchDocument, report: StoredReport | None, base: str
            ) -> list[str | int | None]:  # fmt: skip
    result = doc.state_label
    note = "；".join(t for t in (doc.note, "" if doc.state == "stored" else doc.message) if t)
    if report is None:
        return [number, doc.file_name, doc.unit_name or None, doc.year, doc.kind or None,
                doc.scope or None, None, result, note or None, None, None, None, None, None,
                None, None, None]  # fmt: skip
    failing = sum(1 for item in checklist(report.report) if not item.compliant)
    review = report.review
    return [
        number, doc.file_name, doc.unit_name, doc.year, doc.kind, doc.scope,
        f"第{doc.version}版" if doc.version else None, result, note or None, doc.errors,
        doc.warnings, doc.infos, failing, review.status_label, review.note or None,
        review.reviewer or None, f"{base}/documents/{doc.disclosure_id}",
    ]  # fmt: skip


def findings_file(ctx: AppContext, batch: BatchView, fmt: str) -> Path:
    """The findings of the batch's documents as CSV or XLSX, in a new temporary folder (the
    caller sends it with ``exports.file_download``, which removes the folder)."""
    if fmt not in exports.FORMATS:
        raise Invalid("导出格式只能是 csv 或 xlsx")
    folder = Path(tempfile.mkdtemp(prefix="yusuan-batch-"))
    path = folder / f"{file_stem(batch)}检查问题.{fmt}"
    try:
        rows = exports.finding_rows(ctx, disclosure_ids=batch.disclosure_ids)
        exports.write_findings(path, rows, exports.setting_notes(ctx))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return path


def file_stem(batch: BatchView) -> str:
    """The batch's name as a file name: no path separators or characters Windows refuses."""
    cleaned = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in batch.name)
    return f"{cleaned.strip() or '批次'}（批次{batch.id}）"
