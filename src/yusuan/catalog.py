"""Classification catalogs shipped with yusuan (built by tools/build_catalog.py)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class ClassName:
    """A name a 支出功能分类 类 had, and the years it had it (``to_year`` None: still)."""

    code: str
    name: str
    from_year: int
    to_year: int | None
    source: str

    def valid_in(self, year: int) -> bool:
        return self.from_year <= year and (self.to_year is None or year <= self.to_year)


@cache
def function_classes() -> tuple[ClassName, ...]:
    """Every name of every 类 by year, with where it comes from (``data/function_classes.csv``)."""
    text = files("yusuan.data").joinpath("function_classes.csv").read_text(encoding="utf-8")
    return tuple(
        ClassName(r["code"], r["name"], int(r["from_year"]),
                  int(r["to_year"]) if r["to_year"] else None, r["source"])
        for r in csv.DictReader(text.splitlines())
    )  # fmt: skip


def class_name_in(code: str, year: int) -> str | None:
    """The name of 类 ``code`` in ``year``'s classification, or None when it had none."""
    return next((c.name for c in function_classes() if c.code == code and c.valid_in(year)), None)
