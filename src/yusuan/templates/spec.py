"""How a template is described: its tables, their printed headers, its headline facts, its 检查表
items, the units it prints amounts in and the stages yusuan supports for it.

A template is data. Recognizers read its table specs, checks ask it for tables by semantic key,
renderers print its header rows, the derivation layer reads facts through it. Nothing outside
``yusuan.templates`` and ``yusuan.recognize`` names a table by its printed number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from yusuan.errors import YusuanError
from yusuan.model import Side


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    key: str
    header: str  # template header path, levels joined with '/'; {year} is the budget year
    numeric: bool = True


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """One side of a printed row: text slots then value columns."""

    side: Side | None
    text_slots: tuple[str, ...]  # "code", "name" or a text column key such as "gov_econ"
    columns: tuple[ColumnSpec, ...]
    labels: tuple[str, ...] = ()  # labels only this side prints (to place rows that lost blanks)

    @property
    def width(self) -> int:
        return len(self.text_slots) + sum(1 for c in self.columns if c.numeric)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One table of a template.

    ``key`` is the table's meaning, shared by templates whose tables mean the same thing
    (``expenditure_summary`` is 预算支出总表 in Shanxi and 支出预算总表 in Shanghai). ``headers``
    are the header rows as printed (``{year}``: the budget year), one string per grid column, ""
    where a merged cell continues.
    """

    number: int
    key: str
    title: re.Pattern[str]
    groups: tuple[GroupSpec, ...]
    body_start: re.Pattern[str]  # first cell of the first body row
    numbered_header: bool = False  # header ends with a column-number row "1 2 3 …"
    hierarchy: str = ""  # "code" (类/款/项), "econ", "econ_code" or "projects"
    name: str = ""  # printed title without the year
    headers: tuple[tuple[str, ...], ...] = ()

    @property
    def width(self) -> int:
        return sum(g.width for g in self.groups)

    @property
    def known_labels(self) -> tuple[str, ...]:
        return tuple(label for g in self.groups for label in g.labels)

    @property
    def two_sided(self) -> bool:
        return len(self.groups) > 1


@dataclass(frozen=True, slots=True)
class FactSpec:
    """A headline figure and the one cell that defines it: ``row`` is a row label, or None for
    the table's last total row (of ``side``)."""

    key: str
    label: str  # Chinese, for people
    table: str  # semantic table key
    column: str
    row: str | None = None
    side: Side | None = None


@dataclass(frozen=True, slots=True)
class ChecklistSpec:
    """One row of the template's 检查表. ``key`` says what it covers: ``duties``,
    ``organization``, ``table:<table key>``, ``section:<n>`` (Part 3 section n), ``explanation``,
    ``performance``, ``glossary`` or ``other``."""

    key: str
    part: str  # 部分
    name: str  # 检查项目


@dataclass(frozen=True, slots=True)
class ClaimSpec:
    """Which headline fact a 比上年 sentence of section ``section`` is about: the first spec of the
    section whose ``words`` all occur in the amount's name (section 0: the unnumbered one)."""

    section: int
    words: tuple[str, ...]
    key: str  # FactSpec key


# What yusuan can do with a template.
STAGES: dict[str, str] = {
    "read": "读取",
    "check": "检查",
    "store": "入库与比较",
    "data": "提取预算数据（yusuan data）",
    "render": "生成公开文件（yusuan render）",
    "workbook": "预算数据填报模板（yusuan template）",
}


class UnsupportedStageError(YusuanError):
    """A command asked a template for something yusuan does not do for it."""


@dataclass(frozen=True, slots=True)
class Template:
    key: str  # stored as ``Disclosure.meta.profile``
    name: str  # Chinese, for people
    kind: str  # 预算 or 决算
    tables: tuple[TableSpec, ...]
    amount_unit: str  # unit of the tables' amounts
    narrative_unit: str  # unit of the narrative's amounts
    sections: dict[int, str] = field(default_factory=dict)  # Part 3 sections by number
    facts: tuple[FactSpec, ...] = ()
    checklist: tuple[ChecklistSpec, ...] = ()
    claims: tuple[ClaimSpec, ...] = ()
    # The fact a change sentence of a section is about when it names no amount ("比上年增加…").
    claim_defaults: dict[int, str] = field(default_factory=dict)
    stages: frozenset[str] = frozenset({"read", "check", "store"})
    # A 决算 template: the 预算 template whose documents it accounts for (their 年初预算).
    budget_of: str | None = None
    # The fixed words of the template's sentences: a homophone written for one of them is a typo
    # ("设计资金" for the template's "涉及资金").
    wording: tuple[str, ...] = ()
    # How the document orders its parts: "parts" (第一部分 … 第四部分) or "named_sections"
    # (Shanghai: 主要职能, 机构设置, 名词解释, 预算编制说明, the tables, 其他相关情况说明).
    layout: str = "parts"
    # What findings' locations in the numbered narrative sections start with ("第三部分 一、…").
    section_label: str = "第三部分"
    # The headings of 第一部分 … 第四部分 (compact text) for the "parts" layout, when they differ
    # from the Shanxi ones (第一部分概况, 第二部分2025年单位预算报表, …).
    part_headings: tuple[re.Pattern[str], ...] = ()

    # --- tables -------------------------------------------------------------------------------

    def spec(self, number: int) -> TableSpec:
        return self.tables[number - 1]

    def spec_for(self, key: str) -> TableSpec | None:
        return next((s for s in self.tables if s.key == key), None)

    def number_of(self, key: str) -> int | None:
        spec = self.spec_for(key)
        return spec.number if spec is not None else None

    def key_of(self, number: int) -> str | None:
        return self.tables[number - 1].key if 0 < number <= len(self.tables) else None

    @property
    def table_names(self) -> dict[int, str]:
        return {s.number: s.name for s in self.tables}

    def has(self, key: str) -> bool:
        return self.spec_for(key) is not None

    def title_of(self, compact: str) -> TableSpec | None:
        """The table whose printed title ``compact`` (a line without spaces) is."""
        return _title_of(self.tables, compact)

    # --- facts and stages ---------------------------------------------------------------------

    def fact(self, key: str) -> FactSpec | None:
        return next((f for f in self.facts if f.key == key), None)

    def claim_key(self, section: int, name: str) -> str | None:
        """The fact a named amount of a 比上年 sentence in ``section`` is, or None."""
        if not name:
            return self.claim_defaults.get(section)
        for spec in self.claims:
            if spec.section == section and all(word in name for word in spec.words):
                return spec.key
        return None

    def supports(self, stage: str) -> bool:
        return stage in self.stages

    def require(self, stage: str, path: str = "") -> None:
        """Raise a Chinese error when the template does not support ``stage``."""
        if stage not in self.stages:
            supported = "、".join(STAGES[s] for s in STAGES if s in self.stages)
            raise UnsupportedStageError(
                path or self.name,
                f"{self.name}暂不支持{STAGES.get(stage, stage)}",
                f"该模板目前支持：{supported}",
            )


@lru_cache(maxsize=8192)  # the same lines are asked about again and again
def _title_of(tables: tuple[TableSpec, ...], compact: str) -> TableSpec | None:
    for spec in tables:
        if spec.title.match(compact):
            return spec
    return None
