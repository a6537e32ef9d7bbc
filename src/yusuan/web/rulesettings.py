"""This deployment's rule settings: an admin switches a rule off or gives it another severity.

Settings are applied when findings are read, never by rewriting stored findings, so they hold
for documents stored before the change and are undone by switching back. Every view of
findings goes through ``Settings``: the document page, the 检查表 and reports, the findings
export, the version diff and the stored counts (``recount``, redone for every document
with findings of a rule whenever its setting changes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from yusuan.checks.engine import FAMILIES, REGISTRY
from yusuan.checks.findings import Severity
from yusuan.store import schema as s
from yusuan.store.accounts import FindingReview, RuleSetting
from yusuan.web import access, audit
from yusuan.web.auth import now
from yusuan.web.context import AppContext
from yusuan.web.errors import Invalid
from yusuan.web.principal import Principal

SEVERITIES = ("error", "warning", "info")
PROFILE_LABELS = {"shanxi": "山西预算", "shanghai": "上海预算", "shanghai-final": "上海决算"}


class _HasRule(Protocol):
    rule: str
    severity: str


T = TypeVar("T", bound=_HasRule)


@dataclass(slots=True)
class Settings:
    """The rules switched off and the severities changed, by rule id."""

    off: set[str]
    severity: dict[str, str]

    def keeps(self, rule: str) -> bool:
        return rule not in self.off

    def severity_of(self, rule: str, stored: str) -> str:
        return self.severity.get(rule, stored)

    def kept(self, rows: Iterable[T]) -> list[T]:
        return [r for r in rows if r.rule not in self.off]

    def notes(self, rules: Iterable[str] | None = None) -> list[str]:
        """The settings in Chinese (of ``rules`` only, when given): one line each."""
        among = set(rules) if rules is not None else None
        lines = []
        for rule in sorted(self.off | set(self.severity)):
            if among is not None and rule not in among:
                continue
            known = REGISTRY.get(rule)
            name = f"{rule}（{known.title}）" if known else rule
            if rule in self.off:
                lines.append(f"{name} 已停用")
            else:
                before = Severity(known.severity).label if known else ""
                after = Severity(self.severity[rule]).label
                lines.append(f"{name} 严重程度由{before}调整为{after}" if before
                             else f"{name} 严重程度调整为{after}")  # fmt: skip
        return lines


def profile_rules(profile: str) -> list[str]:
    """The rules run on documents of a template profile."""
    return [r.id for r in REGISTRY.values() if profile in r.profiles]


def load(session: Session) -> Settings:
    off: set[str] = set()
    severity: dict[str, str] = {}
    for row in session.scalars(select(RuleSetting)):
        if not row.enabled:
            off.add(row.rule)
        elif row.severity:
            severity[row.rule] = row.severity
    return Settings(off, severity)


@dataclass(slots=True)
class RuleRow:
    id: str
    family: str
    title: str
    explanation: str
    profiles: str
    default: str
    default_label: str
    enabled: bool
    severity: str  # the effective severity
    changed: bool


def rule_rows(ctx: AppContext, principal: Principal) -> list[RuleRow]:
    """Every registered rule with its family, default severity and this deployment's setting."""
    access.require_admin(principal)
    with ctx.store.reader() as session:
        settings = load(session)
    rows = []
    for rule in REGISTRY.values():
        default = Severity(rule.severity).value
        severity = settings.severity_of(rule.id, default)
        enabled = settings.keeps(rule.id)
        rows.append(RuleRow(
            rule.id, FAMILIES.get(rule.family, rule.family), rule.title, rule.explanation,
            "、".join(PROFILE_LABELS.get(p, p) for p in rule.profiles), default,
            Severity(default).label, enabled, severity, not enabled or severity != default,
        ))  # fmt: skip
    return rows


def save(
    ctx: AppContext, principal: Principal, rule: str, enabled: bool, severity: str | None,
    ip: str | None,
) -> None:  # fmt: skip
    """Set a rule on or off and its severity (None or its default: the rule's own); recorded in
    the audit log, and the counts of every document with findings of the rule redone."""
    access.require_admin(principal)
    known = REGISTRY.get(rule)
    if known is None:
        raise Invalid("没有这条规则")
    if severity is not None and severity not in SEVERITIES:
        raise Invalid("严重程度只能是 错误、警告 或 提示")
    if severity == Severity(known.severity).value:
        severity = None
    with ctx.store.session() as session:
        row = session.get(RuleSetting, rule)
        before = (row.enabled, row.severity) if row is not None else (True, None)
        if (enabled, severity) == before:
            return
        if row is None:
            row = RuleSetting(rule=rule)
            session.add(row)
        row.enabled, row.severity = enabled, severity
        row.updated_by, row.updated_at = principal.user_id or None, now()
        session.flush()
        audit.record(session, principal, "rule_setting", "rule", rule, ip,
                     enabled=enabled, severity=str(severity), previous_enabled=before[0],
                     previous_severity=str(before[1]))  # fmt: skip
        ids = session.scalars(
            select(s.Finding.disclosure_id).where(s.Finding.rule == rule).distinct()
        ).all()
        for disclosure_id in ids:
            recount(session, disclosure_id)


def recount(session: Session, disclosure_id: int) -> dict[str, int]:
    """Store the disclosure's counts by severity of the findings not dismissed, with this
    deployment's rule settings applied (rules off left out, severities changed)."""
    settings = load(session)
    dismissed = select(FindingReview.finding_id).where(
        FindingReview.disclosure_id == disclosure_id, FindingReview.decision == "dismissed"
    )
    query = (
        select(s.Finding.rule, s.Finding.severity, func.count())
        .where(s.Finding.disclosure_id == disclosure_id, s.Finding.id.not_in(dismissed))
        .group_by(s.Finding.rule, s.Finding.severity)
    )
    counts = {key: 0 for key in ("error", "warning", "info")}
    for rule, severity, n in session.execute(query):
        if settings.keeps(rule):
            key = settings.severity_of(rule, severity)
            counts[key] = counts.get(key, 0) + int(n)
    session.execute(
        update(s.Disclosure)
        .where(s.Disclosure.id == disclosure_id)
        .values(errors=counts["error"], warnings=counts["warning"], infos=counts["info"])
    )
    return counts
