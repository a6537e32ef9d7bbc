"""A draft's files: regenerating its disclosure and the downloads of what was generated, and the
draft's data as the input workbook of its template or as a YAML/JSON data file.

Regenerating builds the disclosure from the data in the draft's template
(``yusuan.budget.build``), checks it as every read document is checked (``yusuan.pipeline``) and
renders DOCX, PDF, HTML and XLSX into ``data_dir/generated/<draft>/``; the check outcome is kept
with the draft. A template without a stage says so in Chinese (``Template.require``).
"""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any

from yusuan import pipeline
from yusuan.budget.model import BudgetData
from yusuan.templates import UnsupportedStageError
from yusuan.web import audit
from yusuan.web.auth import now
from yusuan.web.context import AppContext
from yusuan.web.drafts import DraftInfo, data_of, draft_row, generated_dir, info_of, unsupported
from yusuan.web.errors import Invalid, NotFound
from yusuan.web.principal import Principal

log = logging.getLogger(__name__)
FORMATS = ("docx", "pdf", "html", "xlsx")
FORMAT_LABELS = {"docx": "Word（DOCX）", "pdf": "PDF", "html": "网页（HTML）",
                 "xlsx": "Excel（XLSX）"}  # fmt: skip
# A generated page is downloaded (an attachment), never shown as a page of this site.
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_FINDINGS_KEPT = 200


def _outcome(report: Any) -> dict[str, Any]:
    order = {"error": 0, "warning": 1, "info": 2}
    findings = sorted(report.findings, key=lambda f: (order[f.severity.value], f.rounding))
    return {
        "counts": report.counts(),
        "rounding": len(report.rounding),
        "findings": [{"severity": f.severity.value, "rule": f.rule, "title": f.title,
                      "message": f.message, "rounding": "1" if f.rounding else ""}
                     for f in findings[:MAX_FINDINGS_KEPT]],
    }  # fmt: skip


def regenerate(ctx: AppContext, principal: Principal, draft_id: int, ip: str | None = None
               ) -> DraftInfo:  # fmt: skip
    """Build the disclosure from the draft in its template, check it, and write DOCX, PDF, HTML
    and XLSX."""
    from yusuan.budget.build import DataError, build
    from yusuan.render.api import render

    with ctx.store.reader() as session:
        draft = draft_row(session, principal, draft_id)
        data, revision = data_of(draft), draft.revision
    try:
        disclosure = build(data, source_file=f"预算草稿{draft_id}")
    except DataError as exc:
        raise Invalid(str(exc)) from None
    except UnsupportedStageError as exc:
        raise Invalid(unsupported(exc)) from None
    try:
        report = pipeline.check(disclosure, f"预算草稿{draft_id}")  # as every read document
    except pipeline.Failed as failed:
        raise Invalid(failed.reason) from None
    root = generated_dir(ctx) / str(draft_id)
    folder = root / f"r{revision}-{secrets.token_hex(4)}"
    try:
        written = render(disclosure, folder, FORMATS)
    except Exception:
        log.exception("rendering draft %s failed", draft_id)
        shutil.rmtree(folder, ignore_errors=True)
        raise Invalid("生成文件时出现内部错误，请联系管理员") from None
    outcome = _outcome(report)
    with ctx.store.session() as session:
        draft = draft_row(session, principal, draft_id)
        draft.rendered_revision = revision
        draft.rendered_at = now()
        draft.rendered_dir = folder.relative_to(ctx.settings.data_dir).as_posix()
        draft.rendered_files = json.dumps({fmt: path.name for fmt, path in written.items()},
                                          ensure_ascii=False)  # fmt: skip
        draft.check_result = json.dumps(outcome, ensure_ascii=False)
        counts = outcome["counts"]
        audit.record(session, principal, "regenerate", "budget_draft", draft.id, ip,
                     unit=data.unit.name, year=data.unit.year, revision=revision,
                     errors=counts["error"], warnings=counts["warning"],
                     formats=",".join(written))  # fmt: skip
        info = info_of(session, draft)
    for old in root.iterdir():
        if old != folder:
            shutil.rmtree(old, ignore_errors=True)
    return info


def rendered_file(ctx: AppContext, principal: Principal, draft_id: int, fmt: str
                  ) -> tuple[Path, str]:  # fmt: skip
    """The last regenerated file of ``fmt`` and its name."""
    if fmt not in FORMATS:
        raise NotFound("没有这种格式的文件")
    with ctx.store.reader() as session:
        draft = draft_row(session, principal, draft_id)
        folder, files = draft.rendered_dir, json.loads(draft.rendered_files or "{}")
    if not folder or fmt not in files:
        raise NotFound("尚未生成公开文件，请先点击“生成公开文件”")
    base = generated_dir(ctx).resolve()
    path = (ctx.settings.data_dir / folder / files[fmt]).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        raise NotFound("生成的文件已不在服务器上，请重新生成")
    return path, files[fmt]


def workbook_bytes(data: BudgetData | None, template: str = "shanxi") -> bytes:
    """The draft as the input workbook of its template (for editing in Excel and uploading
    again), or the empty workbook of ``template``."""
    from yusuan.budget.workbook import write_workbook

    with tempfile.TemporaryDirectory(prefix="yusuan-book-") as folder:
        path = Path(folder) / "data.xlsx"
        try:
            write_workbook(data, path, template)
        except UnsupportedStageError as exc:
            raise Invalid(unsupported(exc)) from None
        except Exception:
            log.exception("the workbook of budget data could not be written")
            raise Invalid("无法生成填报工作簿，请改为下载 YAML 或 JSON 数据文件") from None
        return path.read_bytes()


def data_file_bytes(data: BudgetData, fmt: str) -> bytes:
    """The draft as a YAML or JSON data file (what ``yusuan render`` reads)."""
    from yusuan.budget.io import dump_data

    with tempfile.TemporaryDirectory(prefix="yusuan-data-") as folder:
        path = Path(folder) / f"data.{fmt}"
        dump_data(data, path)
        return path.read_bytes()
