"""What changed between a document and the previous version of the same unit, year and scope
(the unit's re-upload after a 退回): the previous version's findings 已解决 (gone) or 仍存在
(still open, with the reviewer's decision on it), and the findings 新增 in this version.

Findings are matched by a key that survives a re-upload: the rule, the cited places (table, row
and column of every cited cell; a location without a cell by its label) and the message with
every number replaced, so a figure corrected but still wrong, or a line moved, is the same
finding. A finding whose message changed at the same place of the same rule is matched in a
second pass. Rule settings apply to both versions."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from yusuan.store import schema as s
from yusuan.store.accounts import DECISION_LABELS, FindingReview
from yusuan.web import access, rulesettings
from yusuan.web.context import AppContext
from yusuan.web.errors import NotFound
from yusuan.web.principal import Principal

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_LABELS = {"resolved": "已解决", "open": "仍存在", "new": "新增"}
_NUMBER = re.compile(r"[-+]?\d[\d,，]*(?:\.\d+)?%?")


def normalised(message: str) -> str:
    """The message with every number (and percentage) replaced by #, spaces removed."""
    return re.sub(r"\s+", "", _NUMBER.sub("#", message))


def place_key(locations: list[dict[str, Any]]) -> tuple[str, ...]:
    """Where a finding points, independent of lines and pages: cited cells by table, row and
    column; other locations by their label with numbers replaced."""
    places = set()
    for loc in locations:
        if loc.get("table") is not None:
            places.add(f"T{loc.get('table')}|{loc.get('row') or ''}|{loc.get('column') or ''}")
        elif loc.get("label"):
            places.add("L" + normalised(str(loc["label"])))
    return tuple(sorted(places))


@dataclass(slots=True)
class DiffItem:
    status: str  # resolved, open, new
    status_label: str
    rule: str
    severity: str
    severity_label: str
    title: str
    message: str
    finding_id: int | None  # in this version (open, new)
    previous_id: int | None  # in the previous version (resolved, open)
    previous_message: str = ""
    previous_decision: str | None = None
    previous_decision_label: str = ""
    previous_reason: str = ""


@dataclass(slots=True)
class VersionDiff:
    disclosure_id: int
    version: int
    previous_id: int
    previous_version: int
    unit_name: str
    year: int | None
    scope: str
    items: list[DiffItem] = field(default_factory=list)

    def of(self, status: str) -> list[DiffItem]:
        return [i for i in self.items if i.status == status]

    @property
    def counts(self) -> dict[str, int]:
        return {key: len(self.of(key)) for key in STATUS_LABELS}


def previous_version(session: Session, d: s.Disclosure) -> s.Disclosure | None:
    """The latest earlier version of the same unit, year and scope."""
    same_year = s.Disclosure.year.is_(None) if d.year is None else s.Disclosure.year == d.year
    return session.scalar(
        select(s.Disclosure)
        .where(s.Disclosure.unit_id == d.unit_id, s.Disclosure.scope == d.scope, same_year)
        .where(s.Disclosure.version < d.version)
        .order_by(s.Disclosure.version.desc())
        .limit(1)
    )


def _rows(session: Session, disclosure_id: int) -> list[s.Finding]:
    return list(session.scalars(
        select(s.Finding).where(s.Finding.disclosure_id == disclosure_id).order_by(s.Finding.id)
    ))  # fmt: skip


def _item(status: str, row: s.Finding, severity: str, **extra: Any) -> DiffItem:
    return DiffItem(status, STATUS_LABELS[status], row.rule, severity,
                    SEVERITY_LABELS.get(severity, severity), row.title, row.message,
                    **extra)  # fmt: skip


def match(
    before: list[s.Finding], after: list[s.Finding]
) -> tuple[list[tuple[s.Finding, s.Finding]], list[s.Finding], list[s.Finding]]:
    """(pairs still open, previous findings resolved, new findings), each in stored order."""
    places = {f.id: place_key(json.loads(f.locations or "[]")) for f in [*before, *after]}
    pairs: list[tuple[s.Finding, s.Finding]] = []
    left = list(before)
    unmatched = list(after)
    keys = (
        lambda f: (f.rule, places[f.id], normalised(f.message)),
        lambda f: (f.rule, places[f.id]) if places[f.id] else None,
    )
    for key in keys:
        waiting: dict[Any, list[s.Finding]] = defaultdict(list)
        for f in left:
            waiting[key(f)].append(f)
        still = []
        for f in unmatched:
            k = key(f)
            if k is not None and waiting.get(k):
                old = waiting[k].pop(0)
                pairs.append((old, f))
                left.remove(old)
            else:
                still.append(f)
        unmatched = still
    pairs.sort(key=lambda p: p[1].id)
    return pairs, left, unmatched


def diff(ctx: AppContext, principal: Principal, disclosure_id: int) -> VersionDiff:
    with ctx.store.reader() as session:
        d = access.disclosure(session, principal, disclosure_id)
        before = previous_version(session, d)
        if before is None:
            raise NotFound("这是该单位该年度的第一个版本，没有可比较的上一版本")
        settings = rulesettings.load(session)
        old_rows, new_rows = (settings.kept(_rows(session, x.id)) for x in (before, d))
        decisions = {
            r.finding_id: r
            for r in session.scalars(
                select(FindingReview).where(FindingReview.disclosure_id == before.id)
            )
        }
    pairs, resolved, new = match(old_rows, new_rows)
    result = VersionDiff(d.id, d.version, before.id, before.version, d.unit_name, d.year,
                         d.scope)  # fmt: skip

    def sev(f: s.Finding) -> str:
        return settings.severity_of(f.rule, f.severity)

    for f in resolved:
        result.items.append(_item("resolved", f, sev(f), finding_id=None, previous_id=f.id,
                                  **_decided(decisions.get(f.id))))  # fmt: skip
    for old, f in pairs:
        result.items.append(_item("open", f, sev(f), finding_id=f.id, previous_id=old.id,
                                  previous_message=old.message,
                                  **_decided(decisions.get(old.id))))  # fmt: skip
    for f in new:
        result.items.append(_item("new", f, sev(f), finding_id=f.id, previous_id=None))
    return result


def _decided(review: FindingReview | None) -> dict[str, Any]:
    if review is None:
        return {}
    return {"previous_decision": review.decision,
            "previous_decision_label": DECISION_LABELS.get(review.decision, ""),
            "previous_reason": review.reason}  # fmt: skip
