"""Read the figures out of Part 3's fixed sentences.

The template writes Part 3 in fixed phrases: "基本支出355.41万元，占18.63%",
"比上年减少2278.22万元，下降54.42%". These helpers find such phrases in a section's text and
return each figure with the clause it came from and its line, so narrative rules can compare them
with the tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from yusuan.model import Section, Source
from yusuan.money import parse_amount


def line_at(line_map: list[tuple[int, int]], offset: int) -> int | None:
    found = None
    for start, number in line_map:
        if start > offset:
            break
        found = number
    return found


def full_text(section: Section) -> str:
    """A section's own text followed by its sub-sections' titles and texts."""
    parts = [section.text]
    for sub in section.subsections:
        parts.append(f"{sub.number}{sub.title}")
        parts.append(full_text(sub))
    return "\n".join(p for p in parts if p)


def source_in(section: Section, snippet: str, path: str) -> Source | None:
    """The line of a section (or of its sub-sections) where ``snippet`` is printed; whitespace is
    ignored (a sentence broken over lines is found at its first line). The section's heading when
    it is not found."""
    wanted = "".join(snippet.split())
    for part in [section, *section.subsections]:
        pos = part.text.find(snippet)
        if pos < 0 and wanted:
            offsets = [i for i, ch in enumerate(part.text) if not ch.isspace()]
            compact = "".join(part.text[i] for i in offsets)
            at = compact.find(wanted)
            pos = offsets[at] if at >= 0 else -1
        if pos >= 0:
            return Source(path, line_at(part.line_map, pos))
    return section.source


NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_CLAUSE_END = re.compile(r"[；;。]")
_NAME = r"([\u4e00-\u9fff“”（）()]+?)"
_SHARE = re.compile(_NAME + r"(?:为|是)?" + NUMBER + r"万元[，,、]?\s*占" + NUMBER + "%")
_AMOUNT = re.compile(_NAME + r"(?:为|是)?" + NUMBER + "万元")
_CHANGE = re.compile(
    r"比(?:上年|\d{4}年)(?:预算(?:数)?)?(增加|减少)\s*"
    + NUMBER
    + r"万元(?:[，,]\s*(增长|下降)\s*"
    + NUMBER
    + "%)?"
)
_PREFIX = re.compile(r"^.*?(?:其中|主要包括|包括|主要用于以下方面|支出包括)[：:]")


@dataclass(slots=True)
class Stated:
    """A figure stated in a sentence: name, value, printed text and where."""

    name: str
    value: Decimal
    text: str
    clause: str
    source: Source | None
    share: Decimal | None = None
    share_text: str = ""


@dataclass(slots=True)
class Change:
    """ "比上年增加C万元，增长R%" with the amount it refers to (the clause's first amount)."""

    current: Stated | None
    direction: str  # 增加 / 减少
    amount: Decimal
    amount_text: str
    rate: Decimal | None
    rate_text: str
    rate_word: str  # 增长 / 下降
    clause: str
    source: Source | None


@dataclass
class SectionText:
    """A section's text flattened (sub-sections included) with a map back to lines."""

    section: Section
    text: str
    path: str
    parsed: dict[str, object] = field(default_factory=dict)  # statements read, by kind

    @classmethod
    def of(cls, section: Section, path: str) -> SectionText:
        return cls(section, full_text(section), path)

    def source_at(self, snippet: str) -> Source | None:
        return source_in(self.section, snippet, self.path)

    def clauses(self) -> list[str]:
        if "clauses" not in self.parsed:
            flat = self.text.replace("\n", "")
            self.parsed["clauses"] = [c for c in _CLAUSE_END.split(flat) if c.strip()]
        return self.parsed["clauses"]  # type: ignore[return-value]


def clean_name(name: str) -> str:
    name = _PREFIX.sub("", name)
    name = re.sub(r"^\d{4}年度?", "", name)
    return name.strip("，,、：: ")


def shares(section: SectionText) -> list[Stated]:
    if "shares" in section.parsed:
        return section.parsed["shares"]  # type: ignore[return-value]
    found: list[Stated] = []
    section.parsed["shares"] = found
    for clause in section.clauses():
        if "%" not in clause or "万元" not in clause:
            continue  # (every phrase read here has both: spare the regex)
        for match in _SHARE.finditer(clause):
            amount, share = parse_amount(match.group(2)), parse_amount(match.group(3))
            if amount is None:
                continue
            found.append(
                Stated(
                    clean_name(match.group(1)),
                    amount,
                    match.group(2),
                    clause,
                    section.source_at(match.group(0)[-20:]),
                    share,
                    match.group(3),
                )
            )
    return found


def amounts(section: SectionText) -> list[Stated]:
    if "amounts" in section.parsed:
        return section.parsed["amounts"]  # type: ignore[return-value]
    found: list[Stated] = []
    section.parsed["amounts"] = found
    for clause in section.clauses():
        if "万元" not in clause:
            continue  # (every phrase read here has one: spare the regex)
        for match in _AMOUNT.finditer(clause):
            amount = parse_amount(match.group(2))
            if amount is None:
                continue
            found.append(
                Stated(
                    clean_name(match.group(1)),
                    amount,
                    match.group(2),
                    clause,
                    section.source_at(match.group(0)[-16:]),
                )
            )
    return found


def first_amount(section: SectionText, pattern: str) -> Stated | None:
    """The first "<pattern>X万元" in the section, e.g. pattern "政府采购预算总额"."""
    flat = section.text.replace("\n", "")
    match = re.search(pattern + r"(?:为|是)?\s*" + NUMBER + "万元", flat)
    if match is None:
        return None
    amount = parse_amount(match.group(1))
    if amount is None:
        return None
    return Stated(
        pattern, amount, match.group(1), match.group(0), section.source_at(match.group(0)[-16:])
    )


def changes(section: SectionText) -> list[Change]:
    if "changes" in section.parsed:
        return section.parsed["changes"]  # type: ignore[return-value]
    found: list[Change] = []
    section.parsed["changes"] = found
    for clause in section.clauses():
        if "比" not in clause or "万元" not in clause:
            continue  # (every phrase read here has both: spare the regex)
        for match in _CHANGE.finditer(clause):
            before = clause[: match.start()]
            # The amount the change refers to: the first amount of the sentence part that
            # names it ("预算收入总计X万元，其中：…，比上年…" refers to X).
            head = _AMOUNT.search(before)
            current = None
            if head is not None:
                value = parse_amount(head.group(2))
                if value is not None:
                    current = Stated(clean_name(head.group(1)), value, head.group(2), clause, None)
            amount = parse_amount(match.group(2))
            if amount is None:
                continue
            rate = parse_amount(match.group(4)) if match.group(4) else None
            found.append(
                Change(
                    current,
                    match.group(1),
                    amount,
                    match.group(2),
                    rate,
                    match.group(4) or "",
                    match.group(3) or "",
                    clause,
                    section.source_at(match.group(0)[:16]),
                )
            )
    return found


def item_list(section: SectionText, head: str) -> list[str] | None:
    """The names listed after "<head>…主要包括：" up to "等", split on "、"."""
    flat = section.text.replace("\n", "")
    match = re.search(head + r"[^；;。]*?主要包括[：:]([^；;。]*)", flat)
    if match is None:
        return None
    listed = re.sub(r"等\s*$", "", match.group(1).strip())
    names = [n.strip() for n in re.split(r"[、，,]", listed) if n.strip()]
    return [] if names in (["无"], ["暂无"]) else names
