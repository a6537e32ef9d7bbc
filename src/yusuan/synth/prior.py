"""Figures a year states about the year before: ``actuals`` are the figures of a year that the
next year's 比上年 sentences compare with, ``invented_prior`` makes them up for a unit's first
year in the corpus, and ``with_prior`` writes them into the next year's data with the reasons for
the changes, so year N's stated changes agree with year N-1's published figures.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields
from decimal import Decimal

from yusuan.budget.amounts import wan
from yusuan.budget.model import BudgetData, Change, PriorYear
from yusuan.synth import texts
from yusuan.synth.money import ZERO, fraction, yuan

# --- figures a year states about the year before ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Actuals:
    """The figures of one year (元) that the next year's 比上年 sentences compare with."""

    total: Decimal
    general_spending: Decimal
    three_public: Decimal
    abroad: Decimal
    reception: Decimal
    car_total: Decimal
    car_purchase: Decimal
    car_operation: Decimal
    operating_costs: Decimal | None  # None where 机关运行经费 does not apply


def actuals(data: BudgetData) -> Actuals:
    total = sum(
        (
            part.total()
            for line in data.functions
            for part in (line.basic, line.project, line.carryover_basic, line.carryover_project)
        ),
        ZERO,
    )
    general = sum(((f.basic.general or ZERO) + (f.project.general or ZERO)
                   for f in data.functions), ZERO)  # fmt: skip
    t = data.three_public
    items = [t.abroad.total(), t.reception.total(), t.car_purchase.total(), t.car_operation.total()]
    operating = None
    if data.unit.operating_costs_apply:
        operating = sum((c.amounts.total() for c in data.operating_costs), ZERO)
    return Actuals(
        total=total,
        general_spending=general,
        three_public=sum(items, ZERO),
        abroad=items[0],
        reception=items[1],
        car_total=items[2] + items[3],
        car_purchase=items[2],
        car_operation=items[3],
        operating_costs=operating,
    )


def invented_prior(current: Actuals, rng: random.Random) -> Actuals:
    """Last year's figures of a unit's first year in the corpus (no document of it exists)."""

    def before(value: Decimal, step: int = 100) -> Decimal:
        if not value:
            return ZERO
        return yuan(value / fraction(rng, "0.92", "1.15"), step)

    items = (current.abroad, current.reception, current.car_purchase, current.car_operation)
    three = [before(v) if rng.random() < 0.5 else v for v in items]
    return Actuals(
        total=before(current.total),
        general_spending=before(current.general_spending),
        three_public=sum(three, ZERO),
        abroad=three[0],
        reception=three[1],
        car_total=three[2] + three[3],
        car_purchase=three[2],
        car_operation=three[3],
        operating_costs=(
            before(current.operating_costs) if current.operating_costs is not None else None
        ),
    )


def with_prior(data: BudgetData, prior: Actuals, rng: random.Random) -> BudgetData:
    """``data`` with last year's figures and the reasons for the changes filled in."""
    now = actuals(data)
    names = [p.name for p in data.projects if p.current.total()]
    hint = names[-1] if names else ""
    changes: dict[str, Change] = {}
    for f in fields(prior):
        before = getattr(prior, f.name)
        if before is None:
            changes[f.name] = Change()
            continue
        current = getattr(now, f.name) or ZERO
        why = ""
        if f.name in ("total", "general_spending", "three_public", "operating_costs"):
            why = texts.reason(rng, f.name, wan(current) or ZERO, wan(before) or ZERO, hint)
        changes[f.name] = Change(prior=before, reason=why)
    for name in ("abroad", "reception", "car_purchase", "car_operation"):
        changes[name] = changes[name].model_copy(update={"reason": changes["three_public"].reason})
    return data.model_copy(update={"prior_year": PriorYear(**changes)})
