"""The budget editor's form: which fields of ``BudgetData`` the page edits, how a submitted form
becomes budget data, and validation errors in Chinese keyed by the field they belong to.

One declarative description per template (``yusuan.web.formspec``: the sections of the draft's
template) drives both the page and the parsing, as the input workbook's sheets do. The form
edits a subset; everything else (performance goals, assets, carry-over by source, annexes, …) is
kept as it is and edited through the workbook. A submitted
form is applied onto the stored data: list rows carry their original index, so a row's fields
the form does not show survive an edit, and rows can be removed or added.

Field names are dotted paths: ``unit.name``, ``functions.3.basic.general``; a list's rows are
counted by ``functions.__rows`` and removed by ``functions.3.__delete``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from yusuan.budget.model import BudgetData
from yusuan.budget.paths import get_path, set_path
from yusuan.web.formspec import SHANXI_SECTIONS, Field, Section, sections_for

SECTIONS = SHANXI_SECTIONS  # the Shanxi form; a draft's own is ``sections_for(data.template)``
MAX_NEW_ROWS = 50  # rows a form may add to a list at once
CENT = Decimal("0.01")


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "bool":
        return "1" if value else ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


@dataclass(slots=True)
class FormState:
    """What the page shows: the sections of the draft's template, each field's text, the rows of
    each list, errors by field."""

    sections: tuple[Section, ...] = SHANXI_SECTIONS
    values: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # list → rows shown (with new ones)
    existing: dict[str, int] = field(default_factory=dict)  # list → rows already stored
    deleted: set[str] = field(default_factory=set)  # "functions.3"
    errors: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)  # errors of no shown field

    def name(self, section: Section, row: int, f: Field) -> str:
        return f"{section.items}.{row}.{f.path}"

    def error_list(self) -> list[tuple[str, str, str]]:
        """Each field error in the order of the form: (field name, where in words, message)."""
        found: list[tuple[str, str, str]] = []
        for section in self.sections:
            if section.items is None:
                places = [(f.path, f"{section.title}：{f.label}") for f in section.fields]
            else:
                places = [(self.name(section, row, f),
                           f"{section.title}第{row + 1}行：{f.group}{f.label}")
                          for row in range(self.rows.get(section.items, 0))
                          for f in section.fields]  # fmt: skip
            found += [(name, where, self.errors[name]) for name, where in places
                      if name in self.errors]  # fmt: skip
        return found


def state_of(data: BudgetData) -> FormState:
    """The form of the data's template, filled from the data."""
    state = FormState(sections_for(data.template))
    for section in state.sections:
        if section.items is None:
            for f in section.fields:
                state.values[f.path] = _shown(get_path(data, f.path), f.kind)
            continue
        items = getattr(data, section.items)
        for row, item in enumerate(items):
            for f in section.fields:
                state.values[state.name(section, row, f)] = _shown(get_path(item, f.path), f.kind)
        state.existing[section.items] = len(items)
        state.rows[section.items] = len(items) + section.new_rows
    return state


# --- parsing ----------------------------------------------------------------------------------


class _Bad(ValueError):
    pass


def _amount(text: str) -> Decimal:
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "").replace("元", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise _Bad(f"应为金额（元），实为“{text}”") from None
    if not value.is_finite():
        raise _Bad(f"应为金额（元），实为“{text}”")
    if value < 0:
        raise _Bad("金额不能为负数")
    if value != value.quantize(CENT):
        raise _Bad("金额最多保留两位小数（到分）")
    if abs(value) >= Decimal("1e15"):
        raise _Bad("金额过大")
    return value


def _parse(f: Field, text: str | None) -> Any:
    if f.kind == "bool":
        return bool(text)
    text = (text or "").strip()
    if not text:
        if f.required:
            raise _Bad("请填写此项")
        return f.blank
    if f.kind == "amount":
        return _amount(text)
    if f.kind == "int":
        if not text.isdigit() or len(text) > 9:
            raise _Bad(f"应为不小于0的整数，实为“{text}”")
        return int(text)
    if f.kind == "choice" and text not in f.choices:
        raise _Bad(f"只能是 {'、'.join(f.choices)}")
    return text


@dataclass(slots=True)
class Submitted:
    """The outcome of a submitted form: the data when it is valid, else the errors."""

    state: FormState
    data: BudgetData | None = None
    # position in a list after removals and additions → the row number of the form
    positions: dict[str, dict[int, int]] = field(default_factory=dict)


def apply(data: BudgetData, form: Mapping[str, Any]) -> Submitted:
    """Apply a submitted form onto ``data``; the new data, or the form with its errors."""
    raw = data.model_dump(mode="python")
    state = FormState(sections_for(data.template))
    result = Submitted(state)
    for section in state.sections:
        if section.items is None:
            for f in section.fields:
                text = _form_text(form, f.path)
                state.values[f.path] = text if f.kind != "bool" else ("1" if text else "")
                try:
                    set_path(raw, f.path, _parse(f, text))
                except _Bad as exc:
                    state.errors[f.path] = str(exc)
            continue
        _apply_list(section, raw, form, result)
    if state.errors:
        _validate(raw, result)  # more errors, of the fields that did parse
        return result
    data_ok = _validate(raw, result)
    result.data = data_ok
    return result


def _form_text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _apply_list(section: Section, raw: dict[str, Any], form: Mapping[str, Any],
                result: Submitted) -> None:  # fmt: skip
    assert section.items is not None
    state = result.state
    existing: list[dict[str, Any]] = raw.get(section.items) or []
    count_text = _form_text(form, f"{section.items}.__rows")
    count = int(count_text) if count_text.isdigit() else len(existing)
    count = max(0, min(count, len(existing) + MAX_NEW_ROWS))
    state.existing[section.items] = len(existing)
    state.rows[section.items] = count
    kept: list[dict[str, Any]] = []
    positions: dict[int, int] = {}
    for row in range(count):
        prefix = f"{section.items}.{row}"
        texts = {f.path: _form_text(form, f"{prefix}.{f.path}") for f in section.fields}
        for f in section.fields:
            state.values[f"{prefix}.{f.path}"] = texts[f.path]
        if _form_text(form, f"{prefix}.__delete"):
            state.deleted.add(prefix)
            continue
        if row >= len(existing) and not any(t.strip() for t in texts.values()):
            continue  # an empty new row
        item = copy.deepcopy(existing[row]) if row < len(existing) else {}
        for f in section.fields:
            try:
                set_path(item, f.path, _parse(f, texts[f.path]))
            except _Bad as exc:
                state.errors[f"{prefix}.{f.path}"] = str(exc)
        positions[len(kept)] = row
        kept.append(item)
    raw[section.items] = kept
    result.positions[section.items] = positions


def _validate(raw: dict[str, Any], result: Submitted) -> BudgetData | None:
    try:
        return BudgetData.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            name = _field_name(error["loc"], result.positions)
            message = chinese(dict(error))
            if name in result.state.values:
                result.state.errors.setdefault(name, message)
            else:
                result.state.general.append(f"{where(error['loc'])}：{message}")
        return None


def _field_name(loc: tuple[int | str, ...], positions: dict[str, dict[int, int]]) -> str:
    parts = [str(p) for p in loc]
    if len(loc) > 1 and isinstance(loc[0], str) and isinstance(loc[1], int):
        row = positions.get(loc[0], {}).get(loc[1])
        if row is not None:
            parts[1] = str(row)
    return ".".join(parts)


# --- Chinese messages -------------------------------------------------------------------------

_NAMES = {
    "unit": "单位信息", "staffing": "人员编制", "texts": "文字说明", "functions": "功能科目",
    "projects": "项目", "economic": "经济科目", "three_public": "“三公”经费",
    "operating_costs": "机关运行经费", "prior_year": "上年数", "procurement": "政府采购",
    "assets": "国有资产", "code_names": "科目名称", "whole_unit_goals": "整体绩效指标",
    "annexes": "附件", "glossary": "名词解释", "goals": "绩效目标", "code": "科目编码",
    "name": "名称", "year": "年度", "scope": "范围", "basic": "基本支出", "project": "项目支出",
    "current": "本年预算", "carryover": "上年结转", "general": "一般公共预算",
    "fund": "政府性基金预算", "capital": "国有资本经营预算", "special": "财政专户管理资金",
    "business": "事业收入", "operating": "事业单位经营收入", "other": "其他收入",
    "public": "公用经费", "purpose": "主要用于", "notes": "其他相关情况说明", "title": "标题",
    "text": "内容", "goal_summary": "绩效目标", "template": "模板", "personnel": "人员经费",
}  # fmt: skip


def where(loc: tuple[int | str, ...]) -> str:
    """A field's place in words: "功能科目 → 第3行 → 基本支出 → 一般公共预算"."""
    return " → ".join(f"第{p + 1}行" if isinstance(p, int) else _NAMES.get(p, p) for p in loc)


def chinese(error: dict[str, Any]) -> str:
    """A pydantic error as a short Chinese message."""
    kind = str(error.get("type", ""))
    given = error.get("input")
    if kind == "missing":
        return "缺少此项"
    if kind == "extra_forbidden":
        return "不认识的字段（请检查拼写）"
    if kind.startswith("decimal") or kind in ("float_parsing", "float_type"):
        return f"应为数字，实为“{given}”"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"应为整数，实为“{given}”"
    if kind == "string_pattern_mismatch":
        return f"格式不对：“{given}”（科目编码应为3、5或7位数字）"
    if kind == "literal_error":
        return f"只能是 {error.get('ctx', {}).get('expected', '')}"
    if kind == "greater_than_equal":
        return f"应不小于 {error.get('ctx', {}).get('ge', '')}"
    if kind == "less_than_equal":
        return f"应不大于 {error.get('ctx', {}).get('le', '')}"
    if kind in ("string_type", "bool_type", "bool_parsing", "dict_type", "list_type",
                "model_type", "model_attributes_type"):  # fmt: skip
        return "类型不对"
    return str(error.get("msg", kind))
