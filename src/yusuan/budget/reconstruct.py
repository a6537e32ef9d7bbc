"""Recover 元 amounts behind a published document's 万元 figures.

Budget systems compute in 元 and round every printed figure to 0.01 万元 on its own, so a total
may differ from the sum of its printed parts (尾差). To turn a published document back into
budget data that re-creates every printed figure, each numeric cell gets an integer 元 value
within its rounding interval [printed×10000 − 50, printed×10000 + 50) such that every identity
of the template holds exactly. The identities are the ones the arithmetic and cross-table rules
compare (a recording ``Checker`` captures them); the system is solved as an integer program.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

from yusuan.checks.engine import Checker, Figure, rules_for
from yusuan.model import Cell, Disclosure
from yusuan.money import WAN

FEN = 100  # the integer program counts in 分 so that amounts like 460,036.80 元 fit exactly
HALF = 50 * FEN  # half of the 0.01 万元 printing unit


@dataclass(slots=True)
class _Recorder(Checker):
    """A Checker that records every comparison as an equation instead of judging it."""

    equations: list[tuple[Figure, list[Figure]]] = field(default_factory=list)

    def compare(
        self, what: str, expected: Decimal, actual: Figure, others: list[Figure], summands: int
    ) -> None:  # pragma: no cover - never called: sum and same are overridden
        raise AssertionError

    def sum(self, total: Figure, parts: list[Figure], what: str) -> None:
        self.equations.append((total, parts))

    def same(self, a: Figure, b: Figure, what: str, summands: int = 1) -> None:
        self.equations.append((a, [b]))


def _cell(figure: Figure) -> Cell | None:
    if figure._cell is None:  # a figure stated in the narrative, not a table cell
        return None
    _, row, key = figure._cell
    return row.cells.get(key)


@dataclass(slots=True)
class Reconstruction:
    yuan: dict[int, Decimal]  # id(cell) → 元
    exact: bool  # every identity holds (False: the document's own arithmetic is wrong)
    equations: int

    def of(self, cell: Cell | None) -> Decimal | None:
        if cell is None or cell.amount is None:
            return None
        value = self.yuan.get(id(cell), cell.amount * WAN)
        return (
            value.quantize(Decimal("0.01")) if value != value.to_integral() else value.quantize(1)
        )


Pin = tuple[list[Cell], Decimal]


def reconstruct(disclosure: Disclosure, pins: list[Pin] | None = None) -> Reconstruction:
    """``pins`` fix the sum of some cells to an amount in 元 known from elsewhere (the 元 figures
    of a performance table); pins that make the system infeasible are dropped."""
    if pins:
        pinned = _solve(disclosure, pins)
        if pinned.exact:
            return pinned
    return _solve(disclosure, [])


def _solve(disclosure: Disclosure, pins: list[Pin]) -> Reconstruction:
    recorder = _Recorder(disclosure)
    for rule in rules_for(disclosure):  # the identities of the document's own template
        if rule.family in ("arithmetic", "cross_table") and rule.severity.value == "error":
            recorder.current = rule
            rule.run(recorder)
    index: dict[int, int] = {}
    cells: list[Cell] = []
    rows: list[dict[int, int]] = []
    for total, parts in recorder.equations:
        terms = [(total, 1), *((p, -1) for p in parts)]
        if any(_cell(f) is None for f, _ in terms):
            continue
        equation: dict[int, int] = {}
        for figure, sign in terms:
            cell = _cell(figure)
            assert cell is not None
            if id(cell) not in index:
                index[id(cell)] = len(cells)
                cells.append(cell)
            column = index[id(cell)]
            equation[column] = equation.get(column, 0) + sign
        rows.append(equation)
    if not cells:
        return Reconstruction({}, True, 0)
    targets = [0] * len(rows)
    for pinned, yuan in pins:
        if not all(id(c) in index for c in pinned):
            continue
        rows.append({index[id(c)]: 1 for c in pinned})
        targets.append(int(yuan * FEN))
    # Variables: the cells' values x, then t ≥ |x − printed| so the solution stays as close to
    # the printed figures as the identities allow (exactly on them where there is no 尾差).
    n = len(cells)
    centres = np.array([_centre(c) for c in cells], dtype=float)
    lower = np.array([_bounds(c)[0] for c in cells] + [0] * n, dtype=float)
    upper = np.array([_bounds(c)[1] for c in cells] + [HALF] * n, dtype=float)
    matrix = np.zeros((len(rows) + 2 * n, 2 * n))
    low_rhs = list(map(float, targets)) + [-np.inf] * (2 * n)
    high_rhs = list(map(float, targets)) + list(centres) + list(-centres)
    for r, equation in enumerate(rows):
        for column, coefficient in equation.items():
            matrix[r, column] = coefficient
    for i in range(n):
        matrix[len(rows) + i, i], matrix[len(rows) + i, n + i] = 1, -1  # x − t ≤ c
        matrix[len(rows) + n + i, i], matrix[len(rows) + n + i, n + i] = -1, -1  # −x − t ≤ −c
    result = milp(
        c=np.concatenate([np.zeros(n), np.ones(n)]),
        constraints=LinearConstraint(matrix, low_rhs, high_rhs),
        integrality=np.concatenate([np.ones(n), np.zeros(n)]),
        bounds=Bounds(lower, upper),
        options={"time_limit": 10},
    )
    if result.x is None:
        return Reconstruction({}, False, len(rows))
    values = {
        id(cell): Decimal(round(x)) / FEN for cell, x in zip(cells, result.x[:n], strict=True)
    }
    return Reconstruction(values, True, len(rows))


def _centre(cell: Cell) -> int:
    return int(cell.amount * WAN * FEN) if cell.amount is not None else 0


def _bounds(cell: Cell) -> tuple[int, int]:
    if cell.amount is None:
        return 0, 0  # a blank cell is exactly nothing
    centre = int(cell.amount * WAN * FEN)
    if cell.amount == 0:
        return 0, 0
    return centre - HALF, centre + HALF - 1
