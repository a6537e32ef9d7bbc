"""The counts of the 三公 section: "全年安排因公出国（境）团组2个、累计6人次", "购置公务用车1辆",
"公务用车保有量为3辆", "国内公务接待12批次、96人次（其中：接待外宾1批次、5人次）"."""

from __future__ import annotations

import re
from decimal import Decimal

from yusuan.model import Disclosure, Figure, Section, Source
from yusuan.sentences import full_text, line_at

_COUNT = r"(\d[\d,]*)"
# attribute → pattern (the count is its first group)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("groups", re.compile(r"团组" + _COUNT + r"个|" + _COUNT + r"个(?:出国)?团组")),
    ("travellers", re.compile(r"团组\d+个[、，,]\s*(?:累计|共)?" + _COUNT + r"人(?:次)?")),
    ("vehicles_bought", re.compile(r"购置(?:公务用车|车辆|公务车)?" + _COUNT + r"辆")),
    ("vehicles_held", re.compile(r"保有量(?:为|是)?" + _COUNT + r"辆")),
    ("receptions", re.compile(r"(?<!外宾)(?:国内公务)?接待(?:国内)?(?:来访)?" + _COUNT + r"批次?")),
    ("guests", re.compile(r"(?<!外宾)接待\d+批次?[、，,]\s*(?:累计|共)?" + _COUNT + r"人次")),
    ("foreign_receptions", re.compile(r"外宾" + _COUNT + r"批次?")),
    ("foreign_guests", re.compile(r"外宾\d+批次?[、，,]\s*" + _COUNT + r"人次")),
)


def _section(d: Disclosure) -> Section | None:
    return next((s for s in d.sections if "三公" in s.title), None)


def read_three_public_counts(d: Disclosure) -> None:
    section = _section(d)
    if section is None:
        return
    text = "".join(full_text(section).split())
    counts = d.three_public_counts
    for attribute, pattern in _PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        printed = next(g for g in match.groups() if g is not None)
        setattr(
            counts,
            attribute,
            Figure(_number(printed), printed, match.group(0), _source(d, section, match.group(0))),
        )


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _source(d: Disclosure, section: Section, snippet: str) -> Source:
    path = d.meta.source_file
    wanted = snippet[:6]
    for part in [section, *section.subsections]:
        compact_at = [i for i, ch in enumerate(part.text) if not ch.isspace()]
        compact = "".join(part.text[i] for i in compact_at)
        at = compact.find(wanted)
        if at >= 0:
            line = line_at(part.line_map, compact_at[at])
            return Source(path, line, d.page_of(line))
    line = section.source.line if section.source else None
    return Source(path, line, d.page_of(line))
