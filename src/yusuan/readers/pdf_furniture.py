"""Page furniture of a PDF (``readers.pdf``): page numbers ("— 4 —", "第4页") and lines
repeated at the top or bottom of many pages (running heads and feet, also with the page number
in them), which are dropped."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from yusuan.readers.pdf_parts import Page

FURNITURE_ZONE = 0.08  # share of the page height at the top and bottom where running heads sit
PAGE_NUMBER_ZONE = 0.12
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－_~·•\s]*(?:\d{1,4}|[一二三四五六七八九十百零〇]{1,4})[-—–－_~·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")


def _furniture(pages: list[Page]) -> set[tuple[int, int]]:
    """(page index, block index) of page numbers and of lines repeated at the top or bottom of
    many pages (running heads and feet, also with the page number in them)."""
    drop: set[tuple[int, int]] = set()
    exact: dict[str, list[tuple[int, int]]] = defaultdict(list)
    numbered: dict[str, list[tuple[int, int, list[int]]]] = defaultdict(list)
    for p, page in enumerate(pages):
        for b, block in enumerate(page.blocks):
            if block.rows is not None:
                continue
            edge = min(block.top, page.height - block.bottom) / max(page.height, 1.0)
            compact = "".join(block.text.split())
            if edge <= PAGE_NUMBER_ZONE and _PAGE_NUMBER.match(compact):
                drop.add((p, b))
                continue
            if edge <= FURNITURE_ZONE and compact:
                exact[compact].append((p, b))
                digits = [int(d) for d in _DIGITS.findall(compact)]
                if digits:
                    numbered[_DIGITS.sub("#", compact)].append((p, b, digits))
    needed = max(3, math.ceil(0.3 * len(pages)))
    for places in exact.values():
        if len({p for p, _ in places}) >= needed:
            drop.update(places)
    for occurrences in numbered.values():
        # A running head with the page number in it: one number grows with the page.
        by_offset: Counter[tuple[int, int]] = Counter()
        for p, _, digits in occurrences:
            for k, value in enumerate(digits):
                by_offset[(k, value - pages[p].number)] += 1
        for (k, offset), count in by_offset.items():
            if count >= needed:
                for p, b, digits in occurrences:
                    if k < len(digits) and digits[k] - pages[p].number == offset:
                        drop.add((p, b))
    return drop
