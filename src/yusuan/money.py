"""Amounts as printed in disclosures → ``Decimal``. Never float; blank is ``None``."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

WAN = Decimal(10000)  # 元 per 万元

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")
_PLAIN = re.compile(r"^-?\d+(?:\.\d+)?$")
_NUMBER = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


@lru_cache(maxsize=8192)  # the same few amounts recur through a document's tables and text
def parse_amount(text: str | None) -> Decimal | None:
    """Parse "1,908.14", "583", "-0.5" or "－"; return ``None`` for blank or non-numeric text."""
    if text is None:
        return None
    if _PLAIN.match(text):  # the common case: "1908.14"
        return Decimal(text)
    cleaned = text.translate(_FULLWIDTH).strip().replace("−", "-").replace(" ", "")
    if cleaned in ("", "-", "—", "--"):
        return None
    if not _NUMBER.match(cleaned):
        return None
    try:
        return Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        return None


def format_amount(value: Decimal | None, places: int = 2) -> str:
    """Print an amount the way the tables do: no thousands separator, fixed decimals."""
    if value is None:
        return ""
    return f"{value:.{places}f}"


def to_yuan(amount: Decimal | None, unit: str | None) -> Decimal | None:
    """An amount printed in ``unit`` (万元 when not said) in 元."""
    if amount is None:
        return None
    return amount * WAN if (unit or "万元") == "万元" else amount
