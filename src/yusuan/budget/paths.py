"""Dotted paths into budget data ("unit.name", "staffing.actual"): how the input workbook and the
web form name a field, read from a model or a plain dict and written into a plain dict."""

from __future__ import annotations

from typing import Any


def get_path(obj: Any, path: str) -> Any:
    """The value at ``path`` in a pydantic model or a dict; ``None`` where any step is missing."""
    for part in path.split("."):
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
    return obj


def set_path(target: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` in a plain dict, making the dicts on the way (replacing a non-dict there)."""
    parts = path.split(".")
    for part in parts[:-1]:
        nested = target.get(part)
        if not isinstance(nested, dict):
            nested = target[part] = {}
        target = nested
    target[parts[-1]] = value
