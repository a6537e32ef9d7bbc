"""An input workbook uploaded onto a draft: what the workbook holds replaces the draft's data,
what it has no place for is kept from the draft.

The workbook (``yusuan.budget.workbook``, laid out for the draft's template by
``workbook_layout.layout_for``) carries the fields its sheets declare: the 基本信息
facts, the list sheets' columns, the performance indicators and the 科目名称. It has no place for
some of the data (a project's 实施单位 and funds by level, the 比上年 figures of each 三公 item,
the units of a department, annexes, glossary, …), so a round trip — download the draft's
workbook, edit it in Excel, upload it — would lose them. Merging keeps them: the list rows of the
workbook are matched to the draft's by their key (科目编码, 项目名称, …) and take over the fields
of the matched row that the workbook does not show.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from yusuan.budget.model import BudgetData
from yusuan.budget.paths import get_path, set_path
from yusuan.budget.workbook_layout import layout_for
from yusuan.templates import get_template

Item = dict[str, Any]
_KEYS: dict[str, Callable[[Item], Any]] = {
    "functions": lambda item: item.get("code"),
    "projects": lambda item: item.get("name"),
    "economic": lambda item: (item.get("group"), item.get("name")),
    "operating_costs": lambda item: item.get("unit"),
    "notes": lambda item: item.get("title"),
}
_INDICATORS = ("period_indicators", "annual_indicators")


def _match(rows: list[Item], old: list[Item], key: Callable[[Item], Any]) -> list[Item | None]:
    """For each uploaded row, the draft's row with the same key (each used once, in order)."""
    free: dict[Any, list[Item]] = {}
    for item in old:
        free.setdefault(key(item), []).append(item)
    return [free[key(row)].pop(0) if free.get(key(row)) else None for row in rows]


def _row(new: Item, base: Item | None, columns: list[str]) -> Item:
    if base is None:
        return new
    merged = copy.deepcopy(base)
    for path in columns:
        value = get_path(new, path)
        if path.startswith("goals.") and value is None and not merged.get("goals"):
            continue  # a project without goals stays without them
        if path.startswith("goals.texts.") and value is None:
            (merged["goals"].get("texts") or {}).pop(path.rsplit(".", 1)[1], None)
            continue  # a text left empty is no text (texts hold strings only)
        set_path(merged, path, value)
    if new.get("goals") or merged.get("goals"):
        goals = merged.get("goals") or {}
        for name in _INDICATORS:
            goals[name] = (new.get("goals") or {}).get(name, [])
        merged["goals"] = goals
    return merged


class OtherTemplate(Exception):
    """The workbook is of another template than the draft: nothing of one fits the other."""

    def __init__(self, uploaded: str, draft: str) -> None:
        super().__init__(
            f"上传的工作簿是{get_template(uploaded).name}的，而该草稿是{get_template(draft).name}的"
            f"：请下载该草稿的填报工作簿填写，或上传 YAML/JSON 数据文件整体替换"
        )


def merge(uploaded: BudgetData, draft: BudgetData) -> BudgetData:
    """``uploaded`` (read from a workbook) with what the workbook cannot hold from ``draft``;
    ``OtherTemplate`` when the workbook is of another template than the draft."""
    if uploaded.template != draft.template:
        raise OtherTemplate(uploaded.template, draft.template)
    layout = layout_for(draft.template)
    new = uploaded.model_dump(mode="python")
    result = copy.deepcopy(draft.model_dump(mode="python"))
    for _, path, _, _ in layout.facts:
        set_path(result, path, get_path(new, path))
    for sheet in layout.sheets:
        rows: list[Item] = new.get(sheet.field) or []
        columns = [col.path for col in sheet.columns]
        matched = _match(rows, result.get(sheet.field) or [], _KEYS[sheet.field])
        result[sheet.field] = [
            _row(row, base, columns) for row, base in zip(rows, matched, strict=True)
        ]
    if any(sheet.field == "projects" for sheet in layout.sheets):
        _place_indicators(result["projects"], draft)
    result["whole_unit_goals"] = new.get("whole_unit_goals", [])
    result["code_names"] = new.get("code_names", {})
    return BudgetData.model_validate(result)


def _place_indicators(projects: list[Item], draft: BudgetData) -> None:
    """The workbook names a project's indicators by the project's name only, so reading it
    gives all indicators of same-named projects (a project and its carry-over twin) to the last
    of them. When just one of them had goals in the draft, the indicators are its own."""
    for name in {str(p.get("name")) for p in projects}:
        same = [p for p in projects if p.get("name") == name]
        before = [p for p in draft.projects if p.name == name]
        owners = [n for n, p in enumerate(before) if p.goals is not None]
        holders = [p for p in same if any((p.get("goals") or {}).get(k) for k in _INDICATORS)]
        if len(same) < 2 or len(same) != len(before) or len(owners) != 1 or len(holders) != 1:
            continue
        owner, holder = same[owners[0]], holders[0]
        if owner is holder:
            continue
        goals = owner.get("goals") or {}
        owner["goals"] = goals
        for key in _INDICATORS:
            goals[key] = holder["goals"].get(key, [])
            holder["goals"][key] = []
        if _empty(holder["goals"]):
            holder["goals"] = None


def _empty(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    if isinstance(value, list):
        return not value
    return value is None or value == ""
