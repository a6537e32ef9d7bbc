"""Downloads of a stored document's check report: the HTML report, the XLSX 检查表 and JSON.

The report is rebuilt from the stored findings (the ones the reviewer saw and decided on), not
by checking again, and rendered by the same modules as ``yusuan check``. Findings a reviewer
dismissed are left out of the HTML and XLSX 检查表 unless asked for; the JSON keeps them all,
each with the reviewer's decision and reason.

The 检查表 gets two columns the reviewer fills on the site: 审核意见 (each decided finding of the
item: 确认 or 驳回 with the reason, dismissed ones included) and 审核人; its 汇总 sheet gets the
document's 审核状态 with the note and the reviewer.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from html import escape
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from yusuan.checks.engine import rules_for
from yusuan.checks.findings import Finding, Location, Severity
from yusuan.checks.render.common import checklist, item_key
from yusuan.checks.render.html import to_html
from yusuan.checks.render.json import to_dict
from yusuan.checks.render.xlsx import (
    BODY_FONT,
    BORDER,
    HEAD_FILL,
    HEAD_FONT,
    WRAP_TOP,
    build_workbook,
)
from yusuan.checks.report import Report
from yusuan.model import Source
from yusuan.store import schema as s
from yusuan.store.accounts import DECISION_LABELS, DocumentSource, FindingReview, User
from yusuan.store.records import load_model, located
from yusuan.templates import get_template, template_of
from yusuan.web import access, rulesettings
from yusuan.web.context import AppContext
from yusuan.web.documents import review_state, stored_path
from yusuan.web.principal import Principal


def _location(data: dict[str, Any]) -> Location:
    file, line, page = data.get("file"), data.get("line"), data.get("page")
    source = Source(str(file or ""), line, page) if (file or line or page) else None
    return Location(source, str(data.get("label") or ""), str(data.get("text") or ""),
                    data.get("table"), data.get("row"), data.get("column"))  # fmt: skip


def _amount(text: str | None) -> Decimal | str | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except ArithmeticError:
        return text


def _finding(row: s.Finding, own_file: str) -> Finding:
    return Finding(
        rule=row.rule, family=row.family, severity=Severity(row.severity), title=row.title,
        message=row.message, expected=_amount(row.expected), actual=_amount(row.actual),
        difference=row.difference,
        locations=[_location(located(loc, own_file)) for loc in json.loads(row.locations or "[]")],
        rounding=row.rounding,
    )  # fmt: skip


class StoredReport:
    """A stored document's report with the reviewer's decisions beside it."""

    def __init__(
        self, ctx: AppContext, principal: Principal, disclosure_id: int, *, dismissed: bool
    ) -> None:
        with ctx.store.reader() as session:
            d = access.disclosure(session, principal, disclosure_id)
            blob = session.scalar(
                select(s.Document.model_json_gz).where(s.Document.disclosure_id == d.id)
            )
            model = load_model(blob) if blob is not None else None
            source = session.get(DocumentSource, d.id)
            path = stored_path(session, d)
            rows = session.scalars(
                select(s.Finding).where(s.Finding.disclosure_id == d.id).order_by(s.Finding.id)
            ).all()
            self.decisions = {
                r.finding_id: r
                for r in session.scalars(
                    select(FindingReview).where(FindingReview.disclosure_id == d.id)
                )
            }
            self.review = review_state(session, d.id)
            ids = {r.reviewer_id for r in self.decisions.values() if r.reviewer_id}
            self.reviewers = {
                u.id: u.display_name or u.username
                for u in (session.scalars(select(User).where(User.id.in_(ids))) if ids else [])
            }
            self.unit_name, self.year = d.unit_name, d.year
            self.settings = rulesettings.load(session)
            rows = self.settings.kept(rows)
            kept = [r for r in rows if dismissed or self._decision(r.id) != "dismissed"]
            self.rows = kept
            self.template = template_of(model) if model is not None else get_template(d.profile)
            self.decided = [(r, self._finding(r, path or "")) for r in rows
                            if r.id in self.decisions]  # fmt: skip
            self.report = Report(
                file=source.original_name if source else "",
                unit_name=d.unit_name,
                year=d.year,
                scope=d.scope,
                profile=d.profile,
                findings=[self._finding(r, path or "") for r in kept],
                rules_run=[r.id for r in rules_for(model) if self.settings.keeps(r.id)]
                if model is not None
                else [],
                reading_issues=[i.message for i in model.issues] if model is not None else [],
                checked_at=d.ingested_at.isoformat(timespec="seconds"),
                disclosure=model,
            )

    def _finding(self, row: s.Finding, own_file: str) -> Finding:
        finding = _finding(row, own_file)
        finding.severity = Severity(self.settings.severity_of(row.rule, row.severity))
        return finding

    @property
    def setting_notes(self) -> list[str]:
        """This deployment's rule settings that touch the document's template, in Chinese."""
        return self.settings.notes(rulesettings.profile_rules(self.report.profile))

    def _decision(self, finding_id: int) -> str | None:
        found = self.decisions.get(finding_id)
        return found.decision if found is not None else None

    @property
    def file_stem(self) -> str:
        year = f"{self.year}年" if self.year else ""
        return f"{self.unit_name}{year}"

    def html(self) -> str:
        page = to_html([self.report])
        notes = self.setting_notes
        if notes:
            lines = "".join(f"<li>{escape(line)}</li>" for line in notes)
            note = f'<section class="rule-settings"><p>本部署已调整以下规则：</p><ul>{lines}</ul>'
            page = page.replace("</h1>", f"</h1>\n  {note}</section>", 1)
        return page

    def xlsx(self) -> bytes:
        workbook = build_workbook([self.report])
        self.add_review_columns(workbook.worksheets[1])
        summary = workbook.worksheets[0]
        status = self.review.status_label + (f"：{self.review.note}" if self.review.note else "")
        _columns(summary, [[status, self.review.reviewer]], SUMMARY_REVIEW_HEADERS, 13)
        notes = self.setting_notes
        if notes:
            row = summary.max_row + 2
            summary.cell(row=row, column=1, value="本部署已调整以下规则：").font = HEAD_FONT
            for offset, line in enumerate(notes, 1):
                summary.cell(row=row + offset, column=1, value=line).font = BODY_FONT
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def add_review_columns(self, sheet: Worksheet) -> None:
        """审核意见 and 审核人 of each item of the 检查表 (the document's sheet of the workbook,
        here or in a batch's), from the reviewer's decisions."""
        opinions: dict[str, list[str]] = {}
        names: dict[str, list[str]] = {}
        for row, finding in self.decided:
            decision = self.decisions[row.id]
            key = item_key(finding, self.template)
            reason = f"（{decision.reason}）" if decision.reason else ""
            opinions.setdefault(key, []).append(
                f"{DECISION_LABELS[decision.decision]}：{row.message}{reason}"
            )
            name = self.reviewers.get(decision.reviewer_id or 0, "")
            if name and name not in names.setdefault(key, []):
                names[key].append(name)
        values = [
            [
                "\n".join(opinions.get(item.key, [])) or None,
                "、".join(names.get(item.key, [])) or None,
            ]
            for item in checklist(self.report)
        ]
        _columns(sheet, values, CHECKLIST_REVIEW_HEADERS, 8)

    def json(self) -> dict[str, Any]:
        data = to_dict([self.report])
        document = data["documents"][0]
        document["rule_settings"] = self.setting_notes
        document["review"] = {
            "status": self.review.status,
            "note": self.review.note,
            "reviewer": self.review.reviewer,
        }
        for row, finding in zip(self.rows, document["findings"], strict=True):
            decision = self.decisions.get(row.id)
            finding["id"] = row.id
            finding["review"] = (
                {"decision": decision.decision, "reason": decision.reason}
                if decision is not None
                else None
            )
        return data


CHECKLIST_REVIEW_HEADERS = (("审核意见", 50), ("审核人", 12))
SUMMARY_REVIEW_HEADERS = (("审核意见", 40), ("审核人", 12))


def _columns(
    sheet: Worksheet, values: list[list[str | None]], headers: tuple[tuple[str, int], ...],
    first: int,
) -> None:  # fmt: skip
    """Append columns from ``first`` on: their headers in row 2, one value row from row 3."""
    for offset, (name, width) in enumerate(headers):
        cell = sheet.cell(row=2, column=first + offset, value=name)
        cell.font, cell.fill, cell.border = HEAD_FONT, HEAD_FILL, BORDER
        sheet.column_dimensions[get_column_letter(first + offset)].width = width
    for index, row in enumerate(values):
        for offset, value in enumerate(row):
            cell = sheet.cell(row=3 + index, column=first + offset, value=value)
            cell.font, cell.border, cell.alignment = BODY_FONT, BORDER, WRAP_TOP
