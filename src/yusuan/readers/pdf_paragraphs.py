"""Paragraphs of a PDF page (``readers.pdf``): the printed lines of one paragraph become one
line, as the paragraph was written."""

from __future__ import annotations

import re

from yusuan.readers.pdf_lines import join_wrapped
from yusuan.readers.pdf_parts import Block, Page

_LEADER = re.compile(r"(?:…|\.|·|－|-|_){4,}")
_SENTENCE_END = ("。", "：", ":", "；", ";", "！", "？")
# A line opening a numbered heading or item: 五、 （三） 3. 3、 第二部分
_ENUMERATION = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+)"
)


def _paragraphs(page: Page) -> None:
    """Printed lines of one paragraph become one line, as the paragraph was written: a line
    that fills the text width runs on into the next when that one starts at the left edge (not
    indented as a new paragraph), in the same font size, right below it, unless a sentence ends
    there and the next line opens a numbered heading or item (一、 （二） 3.); 目录 lines (dot
    leaders) stay apart. Needs at least three full lines on the page to know the text width."""
    texts = [b for b in page.blocks if b.rows is None and b.pieces == 1 and b.box is not None]
    if len(texts) < 3:
        return
    right = max(b.box[2] for b in texts if b.box is not None)
    left = min(b.box[0] for b in texts if b.box is not None)
    if sum(1 for b in texts if b.box is not None and b.box[2] >= right - b.height) < 3:
        return
    kept: list[Block] = []
    for block in page.blocks:
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and previous.rows is None
            and block.rows is None
            and previous.pieces == 1
            and block.pieces == 1
            and previous.last is not None
            and block.box is not None
            and previous.last[2] >= right - 1.2 * previous.height
            and previous.last[2] - previous.last[0] >= 0.6 * (right - left)
            and block.box[0] <= previous.last[0] + 0.5 * block.height
            and abs(block.height - previous.height) <= 0.08 * previous.height
            and -0.2 * block.height <= block.top - previous.last[3] <= 0.9 * block.height
            and not (previous.text.endswith(_SENTENCE_END) and _ENUMERATION.match(block.text))
            and not _LEADER.search(previous.text)
            and not _LEADER.search(block.text)
        ):
            assert previous.box is not None
            previous.text = join_wrapped([previous.text, block.text])
            previous.box = (
                min(previous.box[0], block.box[0]), previous.box[1],
                max(previous.box[2], block.box[2]), block.box[3],
            )  # fmt: skip
            previous.bottom, previous.last = block.bottom, block.box
            continue
        kept.append(block)
    page.blocks = kept
