"""Who a disclosure is about beyond its name: the unit's own code, its department, its units."""

from __future__ import annotations

import re
from collections import Counter

from yusuan.model import Disclosure
from yusuan.names import normalize_name

_CODED = re.compile(r"^\s*(\d{2,20})\s*[-－—–]\s*(.+?)\s*$")
_PARENT = re.compile(r"(?:是|为)([\u4e00-\u9fff（）()]{2,40}?)(?:所属|下属|直属)")


def unit_code(d: Disclosure) -> str | None:
    """The unit's own code as the document prints it, or None.

    Performance tables print ``主管部门及代码`` ("403-汾阳市医疗保障局"); when that department is
    the unit itself (a department's own document) the code is the unit's. The most frequent
    reading wins, so one misread table (OCR: "483") does not change it."""
    own = normalize_name(d.meta.unit_name)
    votes: Counter[str] = Counter()
    for table in d.performance_tables:
        if not table.department or table.confidence < 0.5:
            continue
        match = _CODED.match(table.department)
        if match is not None and normalize_name(match.group(2)) == own:
            votes[match.group(1)] += 1
    return votes.most_common(1)[0][0] if votes else None


def parent_name(d: Disclosure) -> str | None:
    """The department a unit's document says it belongs to ("是XX局所属的…单位")."""
    if d.meta.scope == "部门":
        return None
    found = _PARENT.search(d.organization or "")
    if found is None:
        return None
    name = found.group(1)
    return name if normalize_name(name) != normalize_name(d.meta.unit_name) else None


def subunits(d: Disclosure) -> list[str]:
    """The units a department's document lists besides the department itself."""
    if d.meta.scope != "部门":
        return []
    own = normalize_name(d.meta.unit_name)
    return [u for u in d.meta.units if normalize_name(u) != own]
