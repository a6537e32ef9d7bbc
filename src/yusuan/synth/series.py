"""A department's budget data over consecutive years: its own (部门) and each unit's (单位).

Year N's 比上年 figures are year N-1's actual figures of the same unit (``prior.actuals``), so a
store holding both years can check the stated changes. The first year's "last year" is invented.
A department's figures are the sum of its units'.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from yusuan.budget.model import BudgetData
from yusuan.synth.data import department_data, unit_data
from yusuan.synth.prior import Actuals, actuals, invented_prior, with_prior
from yusuan.synth.states import advance, new_unit
from yusuan.synth.units import DepartmentSpec


@dataclass(frozen=True, slots=True)
class YearData:
    year: int
    department: BudgetData  # scope 部门
    units: tuple[BudgetData, ...]  # scope 单位, the 机关 first


def department_years(
    department: DepartmentSpec, years: range, rng: random.Random
) -> Iterator[YearData]:
    """The department's data for each year of ``years`` (consecutive), deterministic in ``rng``."""
    used: set[str] = set()
    states = [new_unit(department, spec, rng, used) for spec in department.units]
    priors: list[Actuals] | None = None  # the department's, then its units'
    for k, year in enumerate(years):
        if k:
            for state in states:
                advance(department, state, rng, used)
        plain = [unit_data(department, state, year, rng) for state in states]
        whole = department_data(department, year, plain, rng)
        now = [actuals(data) for data in (whole, *plain)]
        if priors is None:
            priors = [invented_prior(figures, rng) for figures in now]
        whole, *units = (
            with_prior(data, prior, rng)
            for data, prior in zip((whole, *plain), priors, strict=True)
        )
        yield YearData(year, whole, tuple(units))
        priors = now
