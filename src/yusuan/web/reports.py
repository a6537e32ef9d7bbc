"""Downloads of a stored document's check report: the HTML report, the XLSX 检查表 and JSON.

The report is rebuilt from the stored findings (the ones the reviewer saw and decided on), not
by checking again, and rendered by the same modules as ``yusuan check``. Findings a reviewer
dismissed are left out of the HTML and XLSX 检查表 unless asked for; the JSON keeps them all,
each with the reviewer's decision and reason.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from yusuan.checks.engine import rules_for
from yusuan.checks.findings import Finding, Location, Severity
from yusuan.checks.render.html import to_html
from yusuan.checks.render.json import to_dict
from yusuan.checks.render.xlsx import build_workbook
from yusuan.checks.report import Report
from yusuan.model import Source
from yusuan.store import schema as s
from yusuan.store.accounts import DocumentSource, FindingReview
from yusuan.store.records import load_model, located
from yusuan.web import access
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
            self.unit_name, self.year = d.unit_name, d.year
            kept = [r for r in rows if dismissed or self._decision(r.id) != "dismissed"]
            self.rows = kept
            self.report = Report(
                file=source.original_name if source else "",
                unit_name=d.unit_name,
                year=d.year,
                scope=d.scope,
                profile=d.profile,
                findings=[_finding(r, path or "") for r in kept],
                rules_run=[r.id for r in rules_for(model)] if model is not None else [],
                reading_issues=[i.message for i in model.issues] if model is not None else [],
                checked_at=d.ingested_at.isoformat(timespec="seconds"),
                disclosure=model,
            )

    def _decision(self, finding_id: int) -> str | None:
        found = self.decisions.get(finding_id)
        return found.decision if found is not None else None

    @property
    def file_stem(self) -> str:
        year = f"{self.year}年" if self.year else ""
        return f"{self.unit_name}{year}"

    def html(self) -> str:
        return to_html([self.report])

    def xlsx(self) -> bytes:
        buffer = io.BytesIO()
        build_workbook([self.report]).save(buffer)
        return buffer.getvalue()

    def json(self) -> dict[str, Any]:
        data = to_dict([self.report])
        document = data["documents"][0]
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
