"""The 比上年 claims of the narrative: which headline figure a change sentence is about, and what it
says.

Part 3 states changes against last year in fixed phrases ("预算收入总计1,908.14万元，…比上年减少
2278.22万元，下降54.42%", "“三公”经费预算7.50万元与2023年预算数相同"). Each claim is tied to a fact
key of ``yusuan.derive.facts`` by the section it is in and the name of the amount it refers to, the
same way ``yusuan.budget.extract`` reads last year's figures out of these sentences.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from yusuan.final_sentences import change_sentences
from yusuan.model import Disclosure, Section, Source
from yusuan.money import parse_amount
from yusuan.numerals import parse_cn_numeral
from yusuan.sentences import NUMBER, SectionText, changes, clean_name, source_in
from yusuan.templates import Template, template_of

# "比上年增加C万元，增长R%" as printed, found again in its clause (the rate part is optional).
_CHANGE_HEAD = re.compile(r"比(?:上年|\d{4}年)(?:预算数?)?(增加|减少)\s*")
_RATE_TAIL = re.compile(r"[，,]\s*(?:增长|下降)\s*[\d.]+%")
_SAME_WORDS = ("相同", "持平", "一致")

_SAME = re.compile(
    r"([\u4e00-\u9fff“”（）()]+?)(?:为|是)?" + NUMBER
    + r"万元[，,]?\s*(?:与|同|比)(?:上年|上一年|\d{4}年)(?:预算数?|年初预算数?)?(?:相同|持平|一致)"
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Claim:
    """One stated change against last year, in 万元 as printed."""

    key: str  # fact key (yusuan.derive.facts.FACT_LABELS)
    section: str  # "第三部分 八、机关运行经费增减变动原因说明"
    current: Decimal | None  # the amount the sentence states for this year
    change: Decimal  # signed: 减少 is negative; 0 for 与上年相同
    change_text: str  # as printed: "比2024年预算增加1.65万元，增长2.85%"
    rate: Decimal | None  # the stated rate, unsigned, in %
    rate_text: str  # the rate as printed ("2.85")
    source: Source | None  # where the sentence is


def claims(d: Disclosure) -> list[Claim]:
    """Every 比上年 claim of the narrative that concerns a stored headline figure, in reading
    order; which fact a sentence is about is the template's (``Template.claim_key``)."""
    found: list[Claim] = []
    path = d.meta.source_file
    template = template_of(d)
    part = "第三部分 " if template.layout == "parts" else ""
    for section in d.sections:
        number = parse_cn_numeral(section.number) or 0
        text = SectionText.of(section, path)
        where = f"{part}{section.number}、{section.title}" if section.number else section.title
        for change in changes(text):
            name = change.current.name if change.current is not None else ""
            key = template.claim_key(number, name)
            if key is None:
                continue
            sign = Decimal(1) if change.direction == "增加" else Decimal(-1)
            printed = _printed(change.clause, change.direction, change.amount_text)
            shown = printed or f"比上年{change.direction}{change.amount_text}"
            found.append(
                Claim(
                    key, where, change.current.value if change.current else None,
                    sign * change.amount, shown, change.rate, change.rate_text, change.source,
                )
            )  # fmt: skip
        for clause in text.clauses():
            if not any(word in clause for word in _SAME_WORDS):  # what _SAME ends with
                continue
            for match in _SAME.finditer(clause):
                name = clean_name(match.group(1))
                key = template.claim_key(number, name) if name else None
                amount = parse_amount(match.group(2))
                if key is None or amount is None:
                    continue
                found.append(
                    Claim(
                        key, where, amount, Decimal(0),
                        match.group(0)[len(match.group(1)):].lstrip("为是"), None, "",
                        text.source_at(match.group(0)[-12:]),
                    )
                )  # fmt: skip
        if template.kind == "决算":
            found.extend(_final_claims(section, number, where, template, path))
    return found


def _final_claims(
    section: Section, number: int, where: str, template: Template, path: str
) -> list[Claim]:
    """The 决算's "X万元。与2023年度相比，<subject>减少C万元，下降R%" and "…持平"."""
    found = []
    for part in (section, *section.subsections):
        for said in change_sentences("".join(part.text.split())):
            key = template.claim_key(number, said.subject)
            if key is None:
                continue
            sign = Decimal(-1) if said.direction == "减少" else Decimal(1)
            found.append(
                Claim(
                    key, where, said.current, sign * said.change, said.quote, said.rate,
                    str(said.rate) if said.rate is not None else "",
                    source_in(part, said.quote, path),
                )
            )  # fmt: skip
    return found


def _printed(clause: str, direction: str, amount_text: str) -> str | None:
    """The first "比上年<direction><amount_text>万元[，增长R%]" of ``clause`` as printed."""
    amount = amount_text + "万元"
    for head in _CHANGE_HEAD.finditer(clause):  # 比 only starts a match: none is skipped
        end = head.end()
        if head.group(1) != direction or not clause.startswith(amount, end):
            continue
        end += len(amount)
        tail = _RATE_TAIL.match(clause, end)
        return clause[head.start() : tail.end() if tail is not None else end]
    return None


# --- stored with the document ----------------------------------------------------------------
# Ingest stores each disclosure's claims as JSON (table ``claims``), so the cross-year check
# never loads a stored model. Amounts are kept as their exact decimal text.


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _source_json(source: Source | None) -> list[Any] | None:
    if source is None:
        return None
    return [source.file, source.line, source.page, list(source.bbox) if source.bbox else None]


def claims_json(found: list[Claim]) -> str:
    """The claims as JSON text (``load_claims`` reads them back unchanged)."""
    return json.dumps(
        [[c.key, c.section, _decimal(c.current), str(c.change), c.change_text,
          _decimal(c.rate), c.rate_text, _source_json(c.source)] for c in found],
        ensure_ascii=False, separators=(",", ":"),
    )  # fmt: skip


def load_claims(text: str) -> list[Claim]:
    found = []
    for key, section, current, change, change_text, rate, rate_text, source in json.loads(text):
        where = None
        if source is not None:
            file, line, page, bbox = source
            where = Source(file, line, page, tuple(bbox) if bbox is not None else None)
        found.append(
            Claim(key, section, Decimal(current) if current is not None else None, Decimal(change),
                  change_text, Decimal(rate) if rate is not None else None, rate_text, where)
        )  # fmt: skip
    return found
