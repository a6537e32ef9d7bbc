"""Characters of a PDF page into printed lines and their text (``readers.pdf``): lines by the
vertical centre of their characters, spaces by the gaps between them, the wrapped lines of a
table cell as one string, and a line cut into pieces at wide gaps (stream-table columns)."""

from __future__ import annotations

import itertools
import unicodedata

from yusuan.readers.pdf_parts import Box, Char

WORD_GAP = 0.25  # a gap wider than this (× character height) is a space inside a line
COLUMN_GAP = 1.5  # a gap wider than this (× character height) separates stream-table columns


def group_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines by their vertical centre; lines top to bottom, each left to
    right. A character overprinted at almost the same place (fake bold) is kept once."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: c.cy)
    lines: list[list[Char]] = []
    current = [ordered[0]]
    centre, height = ordered[0].cy, ordered[0].height
    for char in ordered[1:]:
        if abs(char.cy - centre) <= 0.45 * max(min(height, char.height), 1.0):
            current.append(char)
            centre += (char.cy - centre) / len(current)
            height = max(height, char.height)
        else:
            lines.append(current)
            current, centre, height = [char], char.cy, char.height
    lines.append(current)
    lines = _attach_punctuation(lines)
    result: list[list[Char]] = []
    for line in lines:
        line.sort(key=lambda c: c.x0)
        kept: list[Char] = []
        for char in line:
            previous = kept[-1] if kept else None
            if (
                previous is not None
                and char.text == previous.text
                and abs(char.x0 - previous.x0) < 0.3 * max(previous.x1 - previous.x0, 0.5)
            ):
                continue
            kept.append(char)
        result.append(kept)
    return result


def _punctuation(char: Char) -> bool:
    return char.text == " " or unicodedata.category(char.text[0]).startswith("P")


def _band(line: list[Char]) -> tuple[float, float]:
    """The vertical extent of a line's body text: the median top and bottom of its characters
    (digits of some fonts have boxes twice as tall as the CJK text beside them)."""
    tops = sorted(c.top for c in line)
    bottoms = sorted(c.bottom for c in line)
    return tops[len(tops) // 2], bottoms[len(bottoms) // 2]


def _attach_punctuation(lines: list[list[Char]]) -> list[list[Char]]:
    """Put back into their line the punctuation marks that were grouped as a line of their own.

    Some producers (ONLYOFFICE) give full-width marks such as ，：；“” a tight glyph box at the
    foot (or head) of the line instead of the font's box, so their centres stand below (above)
    the line and the marks came out as a separate line under it. A line of nothing but marks
    whose centres lie inside the body band of the line above or below it belongs to that line.
    """
    if len(lines) < 2:
        return lines
    marks = [all(_punctuation(c) for c in line) for line in lines]
    if not any(marks):
        return lines
    bands = [_band(line) if not mark else None for line, mark in zip(lines, marks, strict=True)]
    kept: list[list[Char]] = []
    for i, line in enumerate(lines):
        if not marks[i]:
            continue
        for j in (i - 1, i + 1, i - 2, i + 2):  # nearest text lines first
            band = bands[j] if 0 <= j < len(lines) else None
            if band is not None and all(band[0] <= c.cy <= band[1] for c in line):
                lines[j].extend(line)
                line.clear()
                break
    for line in lines:
        if line:
            kept.append(line)
    return kept


def line_text(chars: list[Char]) -> str:
    """The text of one line: a space where the producer wrote one or where the gap between two
    characters is wider than the line's usual gap; runs of spaces collapsed, ends stripped."""
    printed = [c for c in chars if c.text != " "]
    gaps = sorted(b.x0 - a.x1 for a, b in itertools.pairwise(printed))
    # Justified lines spread every character: only a gap wider than the usual one is a space.
    usual = max(gaps[len(gaps) // 2], 0.0) if len(gaps) >= 4 else 0.0
    parts: list[str] = []
    previous: Char | None = None
    for char in chars:
        if char.text == " ":
            parts.append(" ")
            continue
        if previous is not None:
            gap = char.x0 - previous.x1 - usual
            if gap > WORD_GAP * max(min(char.height, previous.height), 1.0):
                parts.append(" ")
        parts.append(char.text)
        previous = char
    return " ".join("".join(parts).split())


def _ascii_word(char: str) -> bool:
    return char.isascii() and char.isalnum()


def join_wrapped(texts: list[str]) -> str:
    """Lines of one cell as one string: wrapped CJK text runs on; a space only between two
    Latin words."""
    out = ""
    for text in texts:
        if not text:
            continue
        latin = out and _ascii_word(out[-1]) and _ascii_word(text[0])
        if latin and (out[-1].isalpha() or text[0].isalpha()):
            out += " "
        out += text
    return out


def cell_text(lines: list[list[Char]], box: Box) -> str:
    """The text of a table cell from its printed lines. Wrapped lines run on; a left-aligned
    line of CJK text that stops well short of the cell's right edge (room for two more
    characters beyond the padding on its left) ended at a space the wrapping swallowed (CJK
    text wraps between any two characters, Latin words do not), so a space is kept."""
    texts: list[str] = []
    for k, line in enumerate(lines):
        text = line_text(line)
        if not text:
            continue
        if texts and k > 0:
            above = [c for c in lines[k - 1] if c.text != " "]
            first = next((c for c in line if c.text != " "), None)
            if above and first is not None:
                em = max(first.x1 - first.x0, first.height * 0.5)
                free = (box[2] - above[-1].x1) - (above[0].x0 - box[0])
                cjk = not first.text.isascii() and not above[-1].text.isascii()
                if cjk and abs(first.x0 - above[0].x0) <= 1.0 and free > 2 * em:
                    texts[-1] += " "
        texts.append(text)
    return join_wrapped(texts)


def segments(chars: list[Char]) -> list[list[Char]]:
    """A line cut where the gap between two characters is wide (stream-table columns)."""
    pieces: list[list[Char]] = []
    previous: Char | None = None
    for char in chars:
        if char.text == " ":
            continue
        gap = char.x0 - previous.x1 if previous is not None else 0.0
        if previous is None or gap > COLUMN_GAP * max(min(char.height, previous.height), 1.0):
            pieces.append([char])
        else:
            pieces[-1].append(char)
        previous = char
    return pieces


def _box_of(chars: list[Char]) -> Box:
    return (
        min(c.x0 for c in chars),
        min(c.top for c in chars),
        max(c.x1 for c in chars),
        max(c.bottom for c in chars),
    )
