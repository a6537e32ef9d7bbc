"""Which stored 预算 a stored 决算 accounts for: the newest version of the same unit's (normalized
name), year and scope under the 预算 template the 决算's template names (``Template.budget_of``).
The cross-document rule and the budget-against-final comparison pair documents alike."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from yusuan.store import schema as s
from yusuan.templates import TEMPLATES

# 决算 template key → the 预算 template it accounts for
BUDGET_OF: dict[str, str] = {
    k: t.budget_of for k, t in TEMPLATES.items() if t.kind == "决算" and t.budget_of is not None
}
FINALS_OF: dict[str, list[str]] = defaultdict(list)
for _final, _budget in BUDGET_OF.items():
    FINALS_OF[_budget].append(_final)


def described(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str, int, str]]:
    """id → (profile, normalized unit name, year, scope) of each disclosure with a year."""
    rows = session.execute(
        select(
            s.Disclosure.id,
            s.Disclosure.profile,
            s.Unit.normalized_name,
            s.Disclosure.year,
            s.Disclosure.scope,
        )
        .join(s.Unit, s.Unit.id == s.Disclosure.unit_id)
        .where(s.Disclosure.id.in_(sorted(set(ids))))
    )
    return {did: (p, n, int(y), sc) for did, p, n, y, sc in rows if y is not None}


def _newest(session: Session, profiles: list[str], name: str, year: int, scope: str) -> list[int]:
    """The newest version's id of each profile's disclosure of the unit, year and scope."""
    d, u = s.Disclosure, s.Unit
    rows = session.execute(
        select(d.id, d.profile, d.version)
        .join(u, u.id == d.unit_id)
        .where(d.profile.in_(profiles), u.normalized_name == name, d.year == year, d.scope == scope)
        .order_by(d.profile, d.version.desc())
    )
    found: dict[str, int] = {}
    for did, profile, _ in rows:
        found.setdefault(profile, did)
    return list(found.values())


def final_pairs(session: Session, ids: Iterable[int]) -> dict[int, int | None]:
    """The 决算 among ``ids`` and those whose 预算 is among them, each with its 预算 (or None)."""
    pairs: dict[int, int | None] = {}
    for did, (profile, name, year, scope) in described(session, ids).items():
        if profile in BUDGET_OF:
            found = _newest(session, [BUDGET_OF[profile]], name, year, scope)
            pairs[did] = found[0] if found else None
        elif profile in FINALS_OF:
            for final in _newest(session, FINALS_OF[profile], name, year, scope):
                pairs[final] = _newest(session, [profile], name, year, scope)[0]
    return pairs
