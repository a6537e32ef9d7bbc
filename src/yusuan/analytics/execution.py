"""Budget and final side by side: for each stored 决算, what was budgeted (the same unit's stored
预算 of the year; where none is stored, what the 决算 itself says was budgeted), what was spent,
and the 执行率 (决算 ÷ 预算), for the 三公 figures, the 一般公共预算 spending and each 类 of the
spending table. Amounts in 元."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from yusuan.analytics.base import D, DisclosureRef, disclosures, ratio, ref, run
from yusuan.derive.budget_refs import PREFIX
from yusuan.derive.facts import FACT_LABELS
from yusuan.store import schema as s
from yusuan.store.pairs import BUDGET_OF, final_pairs

HUNDRED = Decimal(100)
# The figures compared, in the order shown.
KEYS = ("general_spending", "three_public", "abroad", "vehicles", "reception")


@dataclass(frozen=True, slots=True)
class BudgetFinalRow:
    """One figure of a 决算 against its budget."""

    ref: DisclosureRef  # the 决算
    key: str  # a fact key, or "class:<code>"
    label: str
    budget: Decimal | None  # the 预算 document's figure
    stated_budget: Decimal | None  # what the 决算 says was budgeted (年初预算)
    final: Decimal | None
    rate: Decimal | None  # 执行率, %: final ÷ (budget, else stated_budget)
    budget_id: int | None  # the 预算 compared with, when stored


def _facts(session: Session, ids: list[int]) -> dict[int, dict[str, Decimal]]:
    found: dict[int, dict[str, Decimal]] = {i: {} for i in ids}
    if ids:
        for did, key, value in run(
            session,
            select(s.Fact.disclosure_id, s.Fact.key, s.Fact.value).where(
                s.Fact.disclosure_id.in_(ids)
            ),
        ):
            found[int(did)][key] = value
    return found


def _classes(session: Session, ids: list[int]) -> dict[int, dict[str, tuple[str, Decimal | None]]]:
    found: dict[int, dict[str, tuple[str, Decimal | None]]] = {i: {} for i in ids}
    if ids:
        c = s.ClassSpending
        rows = select(c.disclosure_id, c.code, c.label, c.amount).where(c.disclosure_id.in_(ids))
        for did, code, label, amount in run(session, rows):
            found[int(did)][code] = (label, amount)
    return found


def budget_final(
    session: Session,
    *,
    year: int | None = None,
    unit: str | None = None,
    scope: str | None = None,
    latest: bool = True,
    limit: int | None = None,
) -> list[BudgetFinalRow]:
    """Each 决算's figures against its budget, by unit and year."""
    query = (
        disclosures(year=year, unit=unit, scope=scope, latest=latest, kind="决算")
        .where(D.profile.in_(sorted(BUDGET_OF)))
        .order_by(D.unit_name, D.year, D.id)
    )
    if limit:
        query = query.limit(limit)
    finals = {int(row[0]): ref(row) for row in run(session, query)}
    pairs = final_pairs(session, list(finals))
    budgets = [b for f, b in pairs.items() if f in finals and b is not None]
    facts = _facts(session, [*finals, *budgets])
    classes = _classes(session, [*finals, *budgets])
    found: list[BudgetFinalRow] = []
    for did, where in finals.items():
        budget_id = pairs.get(did)
        mine = facts[did]
        theirs = facts.get(budget_id, {}) if budget_id is not None else {}
        for key in KEYS:
            final, stated = mine.get(key), mine.get(PREFIX + key)
            budget = theirs.get(key) if budget_id is not None else None
            if final is None and stated is None and budget is None:
                continue
            if final is None:
                final = Decimal(0)  # a blank of the 决算's table: nothing spent
            found.append(
                BudgetFinalRow(
                    where,
                    key,
                    FACT_LABELS.get(key, key),
                    budget,
                    stated,
                    final,
                    ratio(final, budget if budget_id else stated, HUNDRED),
                    budget_id,
                )
            )
        budgeted = classes.get(budget_id, {}) if budget_id is not None else {}
        for code, (label, amount) in sorted(classes[did].items()):
            budget = budgeted[code][1] if code in budgeted else None
            found.append(
                BudgetFinalRow(
                    where,
                    f"class:{code}",
                    f"{code} {label}",
                    budget,
                    None,
                    amount,
                    ratio(amount, budget, HUNDRED),
                    budget_id,
                )
            )
    return found
