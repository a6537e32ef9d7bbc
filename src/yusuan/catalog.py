"""Classification catalogs shipped with yusuan (built by tools/build_catalog.py)."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files


@cache
def function_codes() -> dict[str, tuple[str, set[str]]]:
    """支出功能分类: code → (usual name, every name it was printed with)."""
    text = files("yusuan.data").joinpath("function_codes.csv").read_text(encoding="utf-8")
    return {
        row["code"]: (row["name"], set(row["variants"].split(";")))
        for row in csv.DictReader(text.splitlines())
    }


@cache
def economic_groups_by_name() -> dict[str, str]:
    """部门预算支出经济分类: item name → its group name (工资福利支出 …)."""
    text = files("yusuan.data").joinpath("econ_codes.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    groups = {r["code"]: r["name"] for r in rows if len(r["code"]) == 3}
    return {r["name"]: groups[r["code"][:3]] for r in rows if len(r["code"]) == 5}
