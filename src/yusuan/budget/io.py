"""Read and write budget data as YAML or JSON; validation errors name the field, in Chinese.

Numbers in YAML are read as ``Decimal`` straight from their text, never through ``float``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from yusuan.budget.final_model import FINAL_TEMPLATE, FinalData
from yusuan.budget.model import BudgetData
from yusuan.budget.validate import DataFileError, validate, validate_as
from yusuan.files import write_text_atomically


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


def load_data(path: str | Path) -> BudgetData:
    """Budget data (预算) from a YAML, JSON or input workbook file."""
    data = load_any(path)
    if isinstance(data, FinalData):
        raise DataFileError(
            str(path), "这是决算数据，不是预算数据", "请用 yusuan render 生成决算公开文件"
        )
    return data


def load_any(path: str | Path) -> BudgetData | FinalData:
    """Budget data, or 决算 data when the file says ``template: shanghai-final``."""
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
    if raw.get("template") == FINAL_TEMPLATE:  # 决算 data
        return validate_as(raw, str(path), FinalData)
    return validate(raw, str(path))


def dump_data(data: BudgetData | FinalData, path: str | Path) -> None:
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


def data_schema(kind: str = "预算") -> dict[str, Any]:
    """The JSON Schema of budget data, or of 决算 data (``kind="决算"``)."""
    return (FinalData if kind == "决算" else BudgetData).model_json_schema()


__all__ = ["DataFileError", "data_schema", "dump_data", "load_any", "load_data", "validate"]
