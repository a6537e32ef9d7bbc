"""Read and write budget data as YAML or JSON; validation errors name the field, in Chinese.

Numbers in YAML are read as ``Decimal`` straight from their text, never through ``float``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from yusuan.budget.model import BudgetData
from yusuan.errors import YusuanError
from yusuan.files import write_text_atomically


class DataFileError(YusuanError):
    """Budget data that cannot be read or does not validate."""


class _DecimalLoader(yaml.SafeLoader):
    pass


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)).replace("_", "").replace(",", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _represent_decimal)

_FIELD_NAMES = {
    "unit": "单位信息", "name": "名称", "year": "年度", "scope": "范围", "functions": "功能科目",
    "projects": "项目", "economic": "经济科目", "code": "科目编码", "basic": "基本支出",
    "project": "项目支出", "current": "本年预算", "carryover": "上年结转",
    "general": "一般公共预算",
    "fund": "政府性基金预算", "capital": "国有资本经营预算", "special": "财政专户管理资金",
    "unit_funds": "单位资金", "three_public": "“三公”经费", "prior_year": "上年数",
    "procurement": "政府采购", "assets": "国有资产", "staffing": "人员编制", "texts": "文字说明",
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
    try:
        return BudgetData.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{_where(e['loc'])}：{_message(dict(e))}" for e in exc.errors()[:20]]
        raise DataFileError(
            path, "预算数据有误：\n  " + "\n  ".join(problems), "请按提示修改后重试"
        ) from None


def load_data(path: str | Path) -> BudgetData:
    p = Path(path)
    if not p.exists():
        raise DataFileError(str(path), "文件不存在")
    if p.suffix.lower() == ".xlsx":
        from yusuan.budget.workbook import read_workbook

        return read_workbook(p)
    text = p.read_text(encoding="utf-8-sig")
    try:
        if p.suffix.lower() == ".json":
            raw = json.loads(text, parse_float=Decimal)
        else:
            raw = yaml.load(text, Loader=_DecimalLoader)  # a SafeLoader subclass
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        where = getattr(exc, "problem_mark", None) or getattr(exc, "lineno", None)
        raise DataFileError(str(path), f"无法解析（{where}）", "请检查文件格式") from None
    if not isinstance(raw, dict):
        raise DataFileError(str(path), "内容不是预算数据", "文件应以 unit: 等字段开头")
    return validate(raw, str(path))


def dump_data(data: BudgetData, path: str | Path) -> None:
    """Write YAML (or JSON for .json), atomically; blanks are left out to keep it editable."""
    p = Path(path)
    raw = data.model_dump(mode="python", exclude_none=True, exclude_defaults=False)
    raw = _prune(raw)
    if p.suffix.lower() == ".json":
        text = json.dumps(raw, ensure_ascii=False, indent=2, default=str)
    else:
        text = yaml.dump(raw, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    write_text_atomically(p, text)


def _prune(value: Any) -> Any:
    """Drop empty mappings and lists so the file shows only what was entered."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ({}, [], None)}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def data_schema() -> dict[str, Any]:
    return BudgetData.model_json_schema()
