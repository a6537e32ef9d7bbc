"""Chinese numerals as printed in headings (一, 十, 十一, 二十一) and back."""

from __future__ import annotations

_CN_NUMBERS = "一二三四五六七八九十"


def cn_numeral(n: int) -> str:
    """1..99 as printed in headings: 一, 十, 十一, 二十, 二十一."""
    if n <= 10:
        return _CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_NUMBERS[tens - 1]
    return head + "十" + (_CN_NUMBERS[ones - 1] if ones else "")


def parse_cn_numeral(text: str) -> int | None:
    """Inverse of ``cn_numeral`` (also accepts Arabic digits)."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_NUMBERS for ch in text):
        return None
    if "十" not in text:
        return _CN_NUMBERS.index(text) + 1 if len(text) == 1 else None
    head, _, tail = text.partition("十")
    tens = _CN_NUMBERS.index(head) + 1 if head else 1
    ones = _CN_NUMBERS.index(tail) + 1 if tail else 0
    return tens * 10 + ones
