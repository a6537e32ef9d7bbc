"""Validate raw budget data (from YAML, JSON or the input workbook): errors name the field, in
Chinese. Kept apart from ``io`` so that the workbook reader and the file reader share it without
importing each other."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from yusuan.budget.model import BudgetData
from yusuan.errors import YusuanError

M = TypeVar("M", bound=BaseModel)


class DataFileError(YusuanError):
    """Budget data that cannot be read or does not validate."""


_FIELD_NAMES = {
    "unit": "单位信息", "name": "名称", "year": "年度", "scope": "范围", "functions": "功能科目",
    "projects": "项目", "economic": "经济科目", "code": "科目编码", "basic": "基本支出",
    "project": "项目支出", "current": "本年预算", "carryover": "上年结转",
    "general": "一般公共预算",
    "fund": "政府性基金预算", "capital": "国有资本经营预算", "special": "财政专户管理资金",
    "unit_funds": "单位资金", "three_public": "“三公”经费", "prior_year": "上年数",
    "procurement": "政府采购", "assets": "国有资产", "staffing": "人员编制", "texts": "文字说明",
    "template": "模板", "business": "事业收入", "operating": "事业单位经营收入",
    "other": "其他收入",
}  # fmt: skip


def _where(location: tuple[int | str, ...]) -> str:
    parts = []
    for item in location:
        if isinstance(item, int):
            parts.append(f"第{item + 1}项")
        else:
            parts.append(
                f"{_FIELD_NAMES.get(item, '')}（{item}）" if item in _FIELD_NAMES else item
            )
    return " → ".join(parts)


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "缺少此项"
    if kind == "extra_forbidden":
        return "不认识的字段（请检查拼写）"
    if kind.startswith("decimal") or kind in ("float_parsing", "int_parsing"):
        return f"应为数字，实为“{error.get('input')}”"
    if kind == "string_pattern_mismatch":
        return f"格式不对：“{error.get('input')}”（科目编码应为3、5或7位数字）"
    if kind == "literal_error":
        return f"只能是 {error.get('ctx', {}).get('expected', '')}"
    return str(error.get("msg", kind))


def validate(raw: object, path: str) -> BudgetData:
    return validate_as(raw, path, BudgetData)


def validate_as(raw: object, path: str, model: type[M]) -> M:
    """``raw`` as ``model`` (budget data, or 决算 data with ``final_model.FinalData``)."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{_where(e['loc'])}：{_message(dict(e))}" for e in exc.errors()[:20]]
        raise DataFileError(
            path, "预算数据有误：\n  " + "\n  ".join(problems), "请按提示修改后重试"
        ) from None
