"""Derive the whole disclosure from budget data: the 13 tables, Part 3, performance tables
(Shanxi; Shanghai data is built by ``yusuan.budget.shanghai``).

Sums are taken in 元 and every printed figure is rounded to 万元 (two decimals, half up) on its
own, as budget systems do, so a generated document shows the same 尾差 a real one would and
passes the checks of ``yusuan.checks``.
"""

from __future__ import annotations

from yusuan.budget.amounts import CENT, WAN, ZERO, wan
from yusuan.budget.defaults import GLOSSARY
from yusuan.budget.final_model import FinalData
from yusuan.budget.model import BudgetData
from yusuan.budget.shanxi_tables import MAKERS
from yusuan.budget.tables import DataError, TableMaker, _has, _spent
from yusuan.model import Annex, Disclosure, GlossaryEntry, Meta, Source, Staffing
from yusuan.templates import SHANXI, get_template


def build(data: BudgetData | FinalData, source_file: str = "") -> Disclosure:
    """The complete disclosure of the budget data (or 决算 data), in the data's template."""
    template = get_template(data.template)
    template.require("render", source_file)
    if isinstance(data, FinalData):
        from yusuan.budget.final_build import build_final

        return build_final(data, source_file)
    if template.key == "shanghai":
        from yusuan.budget.shanghai import build_shanghai

        return build_shanghai(data, source_file)
    return _build_shanxi(data, source_file)


def _build_shanxi(data: BudgetData, source_file: str) -> Disclosure:
    from yusuan.budget.narrative import write_part3
    from yusuan.budget.performance import performance_tables

    source = Source(source_file or "<budget data>")
    unit = data.unit
    d = Disclosure(
        meta=Meta(
            unit_name=unit.name,
            year=unit.year,
            scope=unit.scope,
            units=list(unit.units),
            amount_unit="万元",
            source_file=source_file,
            profile=SHANXI.key,
            extraction="data",
        ),
        duties=data.texts.duties,
        organization=data.texts.organization,
        staffing=Staffing(**data.staffing.model_dump()),
    )
    year = unit.year
    lines = [line for line in data.functions if _has(_spent(line))]
    makers = MAKERS
    for spec in SHANXI.tables:
        maker = TableMaker(spec.key, source, year)
        makers[spec.key](maker, data, lines)
        table = maker.table
        table.unit_name, table.amount_unit = unit.name, "万元"
        table.no_data = not any(c.amount for r in table.rows for c in r.cells.values())
        d.tables[spec.number] = table
    d.annexes = [Annex(a.title, a.text) for a in data.annexes]
    glossary = [(g.term, g.definition) for g in data.glossary] or list(GLOSSARY)
    d.glossary = [GlossaryEntry(term, definition) for term, definition in glossary]
    write_part3(d, data)
    d.performance_tables = performance_tables(d, data)
    return d


__all__ = ["CENT", "WAN", "ZERO", "DataError", "TableMaker", "build", "wan"]
