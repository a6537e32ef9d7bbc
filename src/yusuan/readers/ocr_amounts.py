"""Amounts read by OCR (``readers.ocr``): the look-alikes in a cell that reads as a number
mended where only one reading is possible (``O`` between digits is ``0``, ``，`` before a group of
three digits is ``,``), and the cell's confidence lowered for it."""

from __future__ import annotations

import re

# A cell whose look-alike characters were mended keeps this share of its OCR score.
MENDED_FACTOR = 0.85
# A cell that looks like a number but is not one after mending.
UNREADABLE_NUMBER = 0.5

_NUMBERISH = re.compile(r"^[-−－—一]?[0-9OoＯ〇lI|，,。.．\s]+$")
_AMOUNT = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_WIDTH = str.maketrans("０１２３４５６７８９．－Ｏ", "0123456789.-O")  # width only: no guess
_BETWEEN_DIGITS = {"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "|": "1"}


def normalize_number(text: str) -> tuple[str, bool]:
    """Mend OCR look-alikes in a cell that reads as a number, where only one reading is
    possible. Returns the text and whether a look-alike was replaced (full-width digits are not
    look-alikes). Text that is not a number is returned as it is."""
    width = text.translate(_WIDTH).strip()
    if not _NUMBERISH.match(width) or not any(ch.isdigit() for ch in width):
        return text, False
    compact = "".join(width.split())
    mended = compact != width  # spaces inside a number
    chars = list(compact)
    for i, ch in enumerate(chars):
        between = 0 < i < len(chars) - 1 and _digitish(chars[i - 1]) and _digitish(chars[i + 1])
        if ch in _BETWEEN_DIGITS and between:
            chars[i] = _BETWEEN_DIGITS[ch]
            mended = True
        elif ch == "。" and between and i == len(chars) - 3:
            chars[i] = "."  # "1325。14": the decimal point of a two-decimal amount
            mended = True
    result = "".join(chars)
    # "，" before exactly three digits is a thousands separator; before two it is ambiguous.
    thousands = re.sub(r"(?<=\d)，(?=\d{3}(?:[.,，]|$))", ",", result)
    if thousands != result:
        result, mended = thousands, True
    if result[:1] in "−－—一" and _AMOUNT.match("-" + result[1:]):
        result, mended = "-" + result[1:], True
    return result, mended


def _digitish(ch: str) -> bool:
    return ch.isdigit() or ch in _BETWEEN_DIGITS or ch in ".,"


def _mend(text: str, score: float) -> tuple[str, float]:
    """A cell's text and confidence after mending look-alikes in numbers."""
    if not text:
        return text, score
    mended_text, mended = normalize_number(text)
    numberish = bool(_NUMBERISH.match(text.translate(_WIDTH).strip())) and any(
        ch.isdigit() for ch in text
    )
    if not numberish:
        return text, score
    if not _AMOUNT.match(mended_text):
        return text, min(score, UNREADABLE_NUMBER)  # still no number: keep what was read
    return mended_text, score * MENDED_FACTOR if mended else score
