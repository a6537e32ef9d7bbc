"""Recover the 元 amounts behind a published 决算's 万元 figures (``yusuan data``).

A printed figure is the exact sum in 元 of the data under it, rounded half up to 0.01 万元. The
derivation of ``final_tables`` is run once on linear forms instead of amounts, which tells for
every printed cell which data it adds up; each data amount then gets an integer number of 分 such
that every cell rounds to what the document prints, as close to the printed parts as the sums
allow (an integer program, scipy's HiGHS). Where no amounts can do it (a summary table whose 类
were moved by a fen so that they add up to its 合计) the cell keeps an explicit 尾差调整 of the
fewest fens, which the data records and the derivation prints again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

from yusuan.budget.final_build import identities
from yusuan.budget.final_model import Adjustment, FinalData
from yusuan.budget.final_tables import derive_tables
from yusuan.model import Cell, Disclosure, Row, Side, Source

FEN_PER_WAN = 1_000_000  # 分 in 1 万元
HALF = 5_000  # half of the printed 0.01 万元, in 分
MOST_FENS = 10  # a 尾差调整 moves a figure by at most 0.10 万元
ADJUSTMENT_COST = 1000.0  # an adjustment costs more than any amount's distance to its centre


class Lin:
    """A linear form over data amounts: {variable: coefficient} + constant (元)."""

    __slots__ = ("const", "terms")

    def __init__(self, terms: dict[int, int] | None = None, const: Decimal = Decimal(0)) -> None:
        self.terms = dict(terms or {})
        self.const = const

    def __add__(self, other: object) -> Lin:
        if isinstance(other, Lin):
            terms = dict(self.terms)
            for key, value in other.terms.items():
                terms[key] = terms.get(key, 0) + value
            return Lin(terms, self.const + other.const)
        return Lin(self.terms, self.const + cast(Decimal, other))

    __radd__ = __add__

    def __neg__(self) -> Lin:
        return Lin({k: -v for k, v in self.terms.items()}, -self.const)

    def __sub__(self, other: object) -> Lin:
        return self + (-cast(Lin, other))

    def __rsub__(self, other: object) -> Lin:
        return (-self) + other


@dataclass(slots=True)
class Printed:
    """A figure the document prints, in 万元, and the linear form the data makes of it."""

    form: Lin
    printed: Decimal
    key: tuple[str, str | None, str, str] | None = None  # (table, side, row, column): adjustable


@dataclass(slots=True)
class _Recorder:
    forms: dict[int, Any] = field(default_factory=dict)

    def cell(self, table: str, side: Side | None, row: str, column: str,
             value: Decimal | None) -> Cell:  # fmt: skip
        cell = Cell("")
        self.forms[id(cell)] = value
        return cell


Leaf = tuple[Any, str]  # (model object, attribute) holding an amount in 元


def leaves(data: FinalData) -> Iterator[Leaf]:
    """Every amount that the tables and the narrative's sums add up."""
    for line in data.functions:
        yield from ((line.income, k) for k in type(line.income).model_fields)
        for split in (line.general, line.fund, line.capital, line.other):
            yield from ((split, k) for k in ("basic", "project"))
        for key in ("to_superior", "operating", "to_affiliated", "fund_start", "capital_start"):
            yield line, key
    yield from ((data.balances, k) for k in type(data.balances).model_fields)
    yield from ((item, "amount") for item in data.economic)
    t = data.three_public
    for item in (t.abroad, t.car_purchase, t.car_operation, t.reception):
        yield from ((item, k) for k in ("budget", "final"))
    yield from stated(data)


def stated(data: FinalData) -> Iterator[Leaf]:
    """The amounts the text prints one by one and adds up (each 项's 年初预算, 政府采购)."""
    for line in data.functions:
        yield from ((line.budget, k) for k in ("general", "fund", "capital"))
    yield from ((data.procurement, k) for k in ("goods", "works", "services"))


def _interval(printed: Decimal) -> tuple[int, int]:
    """The 分 amounts that print as ``printed`` 万元 when rounded half up (away from zero)."""
    centre = int(printed * FEN_PER_WAN)
    if printed < 0:
        return centre - HALF + 1, centre + HALF
    if printed == 0:
        return -HALF + 1, HALF - 1
    return centre - HALF, centre + HALF - 1


def _table_figures(d: Disclosure, data: FinalData, symbolic: FinalData) -> list[Printed]:
    """Each printed cell of the document with the form the derivation makes of it."""
    recorder = _Recorder()
    derived = derive_tables(symbolic, recorder, Source("<决算数据>"))
    found: list[Printed] = []
    for table in derived.values():
        original = d.table(table.key)
        if original is None:
            continue
        seen: dict[tuple[Side | None, str], int] = {}
        for row in table.rows:
            key = (row.side, row.key)
            index = seen[key] = seen.get(key, -1) + 1
            matches = [r for r in original.rows if (r.side, r.key) == key]
            if index >= len(matches):
                continue
            found += _row_figures(table.key, row, matches[index], recorder)
    return found


def _row_figures(table: str, row: Row, printed: Row, recorder: _Recorder) -> list[Printed]:
    found = []
    for column, cell in row.cells.items():
        form, amount = recorder.forms.get(id(cell)), printed.amount(column)
        if isinstance(form, Lin) and form.terms and amount is not None:
            side = row.side.value if row.side else None
            found.append(Printed(form, amount, (table, side, row.key, column)))
    return found


@dataclass(slots=True)
class Solution:
    exact: bool  # every printed figure is reproduced
    adjustments: list[Adjustment]


def fit(d: Disclosure, data: FinalData, narrative: list[tuple[Any, Decimal | None]]) -> Solution:
    """Set ``data``'s amounts (now the printed figures × 10000) to 元 that reproduce ``d``.

    ``narrative``: (a function of the data, the 万元 the text prints for it), such as the sum of
    the items' 年初预算 the section opens with."""
    symbolic = data.model_copy(deep=True)
    variables: list[Leaf] = []
    centres: list[int] = []
    originals = list(leaves(data))
    for (owner, name), (real_owner, _) in zip(leaves(symbolic), originals, strict=True):
        value = getattr(real_owner, name)
        if value is not None:
            setattr(owner, name, Lin({len(variables): 1}))
            variables.append((real_owner, name))
            centres.append(int(Decimal(value) * 100))
    figures = _table_figures(d, data, symbolic)
    for owner, name in stated(symbolic):  # each within its own printed interval
        form = getattr(owner, name)
        if isinstance(form, Lin):
            centre = Decimal(centres[next(iter(form.terms))]) / FEN_PER_WAN
            figures.append(Printed(form, centre.quantize(Decimal("0.01"))))
    for function, printed in narrative:
        form = function(symbolic)
        if isinstance(form, Lin) and form.terms and printed is not None:
            figures.append(Printed(form, printed))
    equal = [cast(Lin, cast(Any, a) - b) for _, a, b in identities(symbolic)
             if isinstance(a, Lin) or isinstance(b, Lin)]  # fmt: skip
    solved = _solve(centres, figures, equal)
    if solved is None:
        return Solution(False, [])
    values, fens = solved
    for (owner, name), value in zip(variables, values, strict=True):
        setattr(owner, name, (Decimal(value) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP))
    adjustments = [
        Adjustment(table=key[0], side=cast(Any, key[1]), row=key[2], column=key[3],
                   amount=Decimal(n) / 100)
        for key, n in fens.items() if n
    ]  # fmt: skip
    return Solution(True, adjustments)


def _solve(
    centres: list[int], figures: list[Printed], equal: list[Lin]
) -> tuple[list[int], dict[tuple[str, str | None, str, str], int]] | None:
    n = len(centres)
    if not n:
        return [], {}
    keys = list(dict.fromkeys(f.key for f in figures if f.key is not None))
    slot = {key: i for i, key in enumerate(keys)}
    m = len(keys)
    # Variables: x (分, integer), t ≥ |x − centre| (continuous), then a⁺ and a⁻ per adjustable key.
    width = 2 * n + 2 * m
    rows, low, high = [], [], []

    def constraint(coefficients: dict[int, float], lower: float, upper: float) -> None:
        row = np.zeros(width)
        for column, value in coefficients.items():
            row[column] += value
        rows.append(row)
        low.append(lower)
        high.append(upper)

    for figure in figures:
        coefficients = {v: float(c) for v, c in figure.form.terms.items()}
        if figure.key is not None:
            i = slot[figure.key]
            coefficients[2 * n + i] = 10_000.0  # 0.01 万元 in 分
            coefficients[2 * n + m + i] = -10_000.0
        lower, upper = _interval(figure.printed)
        offset = float(figure.form.const * 100)
        constraint(coefficients, lower - offset, upper - offset)
    for form in equal:
        constraint({v: float(c) for v, c in form.terms.items()}, float(-form.const * 100),
                   float(-form.const * 100))  # fmt: skip
    for i, centre in enumerate(centres):
        constraint({i: 1.0, n + i: -1.0}, -np.inf, float(centre))
        constraint({i: -1.0, n + i: -1.0}, -np.inf, float(-centre))
    cost: Any = np.concatenate(
        [np.zeros(n), np.full(n, 1.0 / HALF), np.full(2 * m, ADJUSTMENT_COST)]
    )
    bottom = np.concatenate([np.full(n, -1e13), np.zeros(n + 2 * m)])
    top = np.concatenate([np.full(n, 1e13), np.full(n, np.inf), np.full(2 * m, MOST_FENS)])
    integral = np.concatenate([np.ones(n), np.zeros(n), np.ones(2 * m)])
    result = milp(
        c=cost,
        constraints=LinearConstraint(np.array(rows), low, high),
        integrality=integral,
        bounds=Bounds(bottom, top),
        options={"time_limit": 20},
    )
    if result.x is None:
        return None
    x = [round(v) for v in result.x[:n]]
    fens = {key: round(result.x[2 * n + i]) - round(result.x[2 * n + m + i])
            for key, i in slot.items()}  # fmt: skip
    return x, fens
