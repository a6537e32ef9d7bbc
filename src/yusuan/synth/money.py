"""Money of the synthetic budget data: random ``Decimal`` factors and sizes, and rounding to
whole 元. Random factors are drawn as integers and turned into ``Decimal``, never through
``float``.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
ONE = Decimal(1)


def fraction(rng: random.Random, low: str, high: str) -> Decimal:
    """A random ``Decimal`` between ``low`` and ``high`` (1,000 steps)."""
    lo, hi = Decimal(low), Decimal(high)
    return lo + (hi - lo) * Decimal(rng.randint(0, 1000)) / 1000


def log_uniform(rng: random.Random, low_exponent: str, high_exponent: str) -> Decimal:
    """10 to a random power: sizes spread evenly over orders of magnitude."""
    return Decimal(10) ** fraction(rng, low_exponent, high_exponent)


def yuan(value: Decimal, step: int = 1) -> Decimal:
    """Whole 元, rounded to a multiple of ``step``."""
    return (value / step).quantize(ONE, rounding=ROUND_HALF_UP) * step
