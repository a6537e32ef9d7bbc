"""The narrative as a reviewer reads it, for the text rules of every template: each section,
sub-section, annex and Part 1 text as a ``Passage`` with its map back to lines, and the printed
headings (table and section titles).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from yusuan.checks.engine import Checker
from yusuan.checks.findings import Location
from yusuan.checks.views import section_label
from yusuan.model import Disclosure, Source
from yusuan.sentences import line_at
from yusuan.templates import template_of

ALL = ("shanxi", "shanghai", "shanghai-final")


@dataclass(frozen=True, slots=True)
class Passage:
    text: str
    label: str  # where, in Chinese: "第三部分 七、“三公”经费预算情况说明"
    line_map: list[tuple[int, int]]
    source: Source | None  # the passage's heading, when no line is known

    def location(self, start: int, quote: str, path: str) -> Location:
        line = line_at(self.line_map, start)
        source = Source(path, line) if line is not None else self.source
        return Location(source, self.label, quote)


def passages(ck: Checker) -> list[Passage]:
    cached = ck.memo.get("passages")
    if cached is None:
        d = ck.disclosure
        found = []
        for section in d.sections:
            label = section_label(d, section)
            found.append(Passage(section.text, label, section.line_map, section.source))
            for sub in section.subsections:
                found.append(Passage(sub.text, label, sub.line_map, sub.source or section.source))
        for annex in d.annexes:
            found.append(Passage(annex.text, f"附件“{annex.title}”", annex.line_map, annex.source))
        part1 = "第一部分 " if template_of(d).layout == "parts" else ""
        for text, name, line_map in ((d.duties, "职责", d.duties_map),
                                     (d.organization, "机构设置", d.organization_map)):  # fmt: skip
            if text:
                found.append(Passage(text, f"{part1}{name}", line_map, None))
        ck.memo["passages"] = cached = found
    return cached  # type: ignore[return-value]


def form_passages(ck: Checker) -> list[Passage]:
    """The prose of the performance forms (项目概况, 立项依据, 总体目标 …), each field a passage
    located at its form."""
    memo = ck.memo.get("form_passages")
    if memo is not None:
        return memo  # type: ignore[return-value]
    seen: set[str] = set()  # forms repeat a text under several fields: read it once
    found: list[Passage] = []
    for form in ck.disclosure.performance_tables:
        for field, text in form.texts.items():
            if text and text not in seen:
                seen.add(text)
                label = f"绩效目标表“{form.project or form.title}”{field}"
                found.append(Passage(text, label, [], form.source))
    ck.memo["form_passages"] = found
    return found


def indicator_passages(ck: Checker) -> list[Passage]:
    """The performance forms' indicator names and values (三级指标, 指标值), each once, located
    at its row."""
    memo = ck.memo.get("indicator_passages")
    if memo is not None:
        return memo  # type: ignore[return-value]
    seen: set[str] = set()  # the 实施期 and 年度 halves repeat the same indicators
    found: list[Passage] = []
    for form in ck.disclosure.performance_tables:
        name = form.project or form.title
        for indicator in form.period_indicators + form.annual_indicators:
            for text, field in ((indicator.level3, "三级指标"), (indicator.value, "指标值")):
                if text and text not in seen:
                    seen.add(text)
                    found.append(Passage(text, f"绩效目标表“{name}”{field}", [], indicator.source))
    ck.memo["indicator_passages"] = found
    return found


def titles(d: Disclosure) -> Iterator[tuple[str, Location]]:
    """Every printed heading: table titles and section titles."""
    for table in d.tables.values():
        yield table.title, Location(table.source, f"表{table.number}标题", table.title)
    for section in d.sections:
        yield section.title, Location(section.source, section_label(d, section), section.title)


def context(text: str, start: int, end: int, before: int = 12, after: int = 6) -> str:
    return text[max(0, start - before) : end + after].replace("\n", "")
