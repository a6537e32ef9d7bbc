"""Rounding (尾差): how far a printed total may differ from the sum of its printed parts.

Every figure was computed in 元 and rounded to 0.01 万元 on its own, so each printed summand is off
by at most 0.005 and so is the printed total. A total of ``n`` summands can therefore differ from
the sum of the printed summands by at most ``0.005 × (n + 1)``. A difference within that bound is
尾差 (reported as info); anything larger cannot come from rounding and is an error.

Shares and rates are printed with two decimals (0.005 percentage points), but they are computed
from amounts that are themselves rounded; the tolerance for a share ``a / b`` adds the effect of
the amounts' rounding: ``0.005 + 100 × 0.005 × (1/|b| + |a|/b²)`` percentage points.
"""

from __future__ import annotations

from decimal import Decimal

HALF_CENT = Decimal("0.005")
CENT = Decimal("0.01")


def sum_tolerance(summands: int, unit: Decimal = CENT) -> Decimal:
    """Largest difference rounding can explain for a total of ``summands`` rounded parts."""
    return unit / 2 * (max(summands, 1) + 1)


def within_rounding(difference: Decimal, summands: int, unit: Decimal = CENT) -> bool:
    return abs(difference) <= sum_tolerance(summands, unit)


def share_tolerance(part: Decimal, whole: Decimal, places: int = 2) -> Decimal:
    """Tolerance in percentage points for a printed share ``part / whole × 100``."""
    if whole == 0:
        return Decimal(0)
    printed = Decimal(1).scaleb(-places) / 2
    amounts = Decimal(100) * HALF_CENT * (1 / abs(whole) + abs(part) / (whole * whole))
    return printed + amounts
