"""Headings a text layer split over two lines, joined back before the document is segmented.

Some producers (ONLYOFFICE) break a long centred heading where the page is full, so
"第三部分上海市XX局2024年度部门决算情况" and "说明" arrive as two lines, and a table title can
lose its last characters to the next line the same way. A line joined with the short line after it
is a heading when the joined text is a part heading or a table title of some template and the
first line alone is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from yusuan.readers.text import Line
from yusuan.templates import TEMPLATES

_TAIL = 12  # the most characters a heading's second line holds
_ENDS = ("。", "；", "，", "：", ":", ";", ",")


def _alone(line: Line) -> bool:
    """A line of one text, not a table row."""
    return line.cells is None or sum(1 for c in line.cells if c.strip()) <= 1


def _is_heading(compact: str, parts: tuple[re.Pattern[str], ...]) -> bool:
    if compact.startswith("第") and "部分" in compact[:5]:
        return any(p.match(compact) for p in parts)
    if "表" in compact and len(compact) < 60:
        return any(t.title_of(compact) is not None for t in TEMPLATES.values())
    return False


def join_split_headings(lines: list[Line], parts: Iterable[re.Pattern[str]] = ()) -> list[Line]:
    """``lines`` with each heading split over two lines joined into its first line. ``parts``:
    the part-heading patterns of templates that keep them outside ``Template.part_headings``."""
    patterns = (*parts, *(p for t in TEMPLATES.values() for p in t.part_headings))
    out: list[Line] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        compact = line.compact
        if (
            nxt is not None
            and 0 < len(nxt.compact) <= _TAIL
            and not compact.endswith(_ENDS)
            and (compact.startswith("第") or "表" in compact or "表" in nxt.compact)
            and nxt.page == line.page
            and _alone(line)
            and _alone(nxt)
        ):
            joined = compact + nxt.compact
            if _is_heading(joined, patterns) and not _is_heading(compact, patterns):
                text = line.text.strip() + nxt.text.strip()
                out.append(Line(line.number, text, None, line.page))
                i += 2
                continue
        out.append(line)
        i += 1
    return out
