"""What a 决算 says was budgeted (年初预算), under the keys of the 预算 it accounts for, so the two
documents can be compared when both are stored (rule XFINAL-BUDGET of ``yusuan.crossyear``).

A 决算 states its 年初预算 in three places: the 预算数 columns of the 三公 table
(``<column>_budget`` beside each fact's column; blank is nothing budgeted), the opening
"一般公共预算财政拨款支出年初预算为A万元" of the 一般公共预算 section, and each 项's
"年初预算为A万元" (its code read from the 决算's own 一般公共预算 table by its 类, 款 and 项
names). They are stored as facts ``budget:<fact key>`` and
``budget:item:<code>``, in 元 like every fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from yusuan.final_sentences import item_row, item_sentences, opening_figures
from yusuan.model import Disclosure, RowKind, Section, Source
from yusuan.money import WAN, to_yuan
from yusuan.sentences import full_text, source_in
from yusuan.templates import template_of

PREFIX = "budget:"
ITEM = "item:"
# The section holding the item sentences of the 一般公共预算 and the fact its opening states.
_SPECIFIC = "一般公共预算财政拨款支出决算具体情况"
_OPENING_FACT = "general_spending"


@dataclass(frozen=True, slots=True)
class BudgetRef:
    key: str  # a fact key of the 预算 ("three_public", "general_spending") or "item:<code>"
    label: str  # in Chinese: "“三公”经费", "2010601 行政运行"
    value: Decimal  # 元
    text: str  # as printed
    source: Source | None


def _sections(d: Disclosure) -> list[Section]:
    return [part for s in d.sections for part in (s, *s.subsections)]


def _where(d: Disclosure, section: Section, quote: str) -> Source | None:
    source = source_in(section, quote, d.meta.source_file)
    if source is not None and source.line is not None and source.page is None:
        return Source(source.file, source.line, d.page_of(source.line))
    return source


def budget_refs(d: Disclosure) -> list[BudgetRef]:
    """The 年初预算 figures of a 决算; none for a 预算."""
    template = template_of(d)
    if template.kind != "决算":
        return []
    found: list[BudgetRef] = []
    for fact in template.facts:
        table = d.table(fact.table)
        if table is None or table.column(fact.column + "_budget") is None:
            continue
        row = next(
            (r for r in table.rows if r.kind == RowKind.TOTAL),
            table.rows[0] if table.rows else None,
        )
        if row is None:
            continue
        cell = row.cells.get(fact.column + "_budget")
        unit = table.amount_unit or d.meta.amount_unit
        value = to_yuan(cell.amount, unit) if cell is not None else None
        source = cell.source if cell is not None and cell.source else row.source
        text = cell.text if cell is not None else ""
        found.append(BudgetRef(fact.key, fact.label, value or Decimal(0), text, source))
    general = d.table("general_expenditure")
    for section in _sections(d):
        if not "".join(section.title.split()).startswith(_SPECIFIC):
            continue
        text = "".join(full_text(section).split())
        opening = opening_figures(text)
        if opening is not None:
            found.append(
                BudgetRef(
                    _OPENING_FACT,
                    "一般公共预算财政拨款支出",
                    opening[0] * WAN,
                    opening[2],
                    _where(d, section, opening[2]),
                )
            )
        for item in item_sentences(text) if general is not None else []:
            row = item_row(general, item.names)  # type: ignore[arg-type]
            if row is not None and row.code:
                found.append(
                    BudgetRef(
                        ITEM + row.code,
                        f"{row.code} {row.label}",
                        item.budget * WAN,
                        item.figures,
                        _where(d, section, item.figures),
                    )
                )
    return found


def budget_facts(d: Disclosure) -> dict[str, Decimal]:
    """``budget_refs`` as facts: ``budget:<key>`` → 元."""
    return {PREFIX + ref.key: ref.value for ref in budget_refs(d)}
