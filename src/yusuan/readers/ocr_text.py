"""The text of a scanned page's lines (``readers.ocr``): the printed lines of one paragraph
joined into one, the half-width punctuation OCR prints in Chinese text made full-width, and a
space only between two Latin words."""

from __future__ import annotations

import re

from yusuan.readers.ocr_parts import _Block

_LEADER = re.compile(r"(?:…|\.|·|－|-|_){4,}")
_SENTENCE_END = ("。", "：", ":", "；", ";", "！", "？")
_ENUMERATION = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+)"
)


def _paragraphs(blocks: list[_Block]) -> list[_Block]:
    """Printed lines of one paragraph become one line: a line that fills the text width runs on
    into the next when that one starts at the left edge (a new paragraph is indented), right
    below it and in the same size, unless a sentence ends and the next line opens a numbered
    heading (一、 （二） 3.). Needs three full lines on the page to know the text width."""
    texts = [b for b in blocks if not b.is_table]
    if len(texts) < 3:
        return blocks
    left = min(b.left for b in texts)
    right = max(b.right for b in texts)
    if sum(1 for b in texts if b.right >= right - b.height) < 3:
        return blocks
    kept: list[_Block] = []
    for block in blocks:
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and not previous.is_table
            and not block.is_table
            and previous.right >= right - 1.2 * previous.height
            and previous.right - previous.last_left >= 0.6 * (right - left)
            and block.left <= previous.last_left + 0.5 * block.height
            and abs(block.height - previous.height) <= 0.25 * previous.height
            and -0.3 * block.height <= block.top - previous.bottom <= 1.0 * block.height
            and not (previous.text.endswith(_SENTENCE_END) and _ENUMERATION.match(block.text))
            and not _LEADER.search(previous.text)
            and not _LEADER.search(block.text)
        ):
            joint = _needs_space(previous.text[-1:], block.text[:1])
            previous.text += (" " if joint else "") + block.text
            previous.right, previous.bottom = block.right, block.bottom
            previous.last_left = block.left
            continue
        kept.append(block)
    return kept


_FULL_WIDTH = {":": "：", ",": "，", ";": "；", "?": "？", "!": "！"}


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def cjk_punctuation(text: str) -> str:
    """Half-width punctuation that OCR prints for the full-width marks of Chinese text:
    parentheses around Chinese words, a colon after a Chinese word, a comma between Chinese
    words. Numbers and Latin text keep theirs ("(2025)年度" stays)."""
    if not any(ch in text for ch in "():,;?!"):
        return text
    chars = list(text)
    opened: list[int] = []
    for i, ch in enumerate(chars):
        if ch in "(（":  # OCR may print one of a pair full-width and the other not
            opened.append(i)
        elif ch in ")）" and opened:
            start = opened.pop()
            if any(_is_cjk(c) for c in chars[start + 1 : i]):
                chars[start], chars[i] = "（", "）"
        elif ch in _FULL_WIDTH:
            before = chars[i - 1] if i else ""
            after = chars[i + 1] if i + 1 < len(chars) else ""
            if _is_cjk(before) and (ch == ":" or _is_cjk(after)):
                chars[i] = _FULL_WIDTH[ch]
    return "".join(chars)


def _needs_space(before: str, after: str) -> bool:
    """Between two Latin words (wrapped CJK text runs on without a space)."""
    return before.isascii() and after.isascii() and before.isalpha() and after.isalpha()
