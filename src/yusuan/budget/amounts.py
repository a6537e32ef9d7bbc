"""元 → 万元 as the published documents print it; shared by the table builders and the writers
of the narrative (so neither imports the other)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from yusuan.money import WAN

ZERO = Decimal(0)
CENT = Decimal("0.01")


def wan(yuan: Decimal | None) -> Decimal | None:
    """元 → 万元 rounded to 0.01; zero and blank print as blank."""
    if yuan is None or yuan == 0:
        return None
    return (yuan / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def add(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the amounts given; ``None`` when none is (a blank stays blank)."""
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


def wan_zero(yuan: Decimal | None) -> Decimal | None:
    """元 → 万元 rounded to 0.01, keeping a printed zero (blank stays ``None``)."""
    if yuan is None:
        return None
    return (yuan / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


__all__ = ["CENT", "WAN", "ZERO", "add", "wan", "wan_zero"]
