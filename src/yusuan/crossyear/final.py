"""XFINAL-BUDGET: a stored 决算's 年初预算 against the same unit's stored 预算 of that year.

A 决算 (``Template.kind == "决算"``) accounts for the 预算 published with the template it names
(``Template.budget_of``); the two are the same unit when their normalized names, year and scope
agree (the newest version of each). What the 决算 says was budgeted is stored with it as facts
``budget:<key>`` (``yusuan.derive.budget_refs``): the 三公 figures and the 一般公共预算 total
against the 预算's facts, each 项 against the 预算's 一般公共预算支出 table row of its code. The
决算 prints 万元 to two places: a 预算 figure that rounds to the same is the same; one 0.01万元 off
is 尾差 (info); more is an error.

Findings are stored with the 决算, replacing its earlier XFINAL findings in the transaction that
stores either document, so a 决算 is checked again when its 预算 arrives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from yusuan.checks.findings import Finding, Location, Severity
from yusuan.crossyear.rules import XFINAL_BUDGET
from yusuan.derive.budget_refs import ITEM, PREFIX, budget_refs
from yusuan.derive.facts import FACT_LABELS
from yusuan.model import Disclosure, Source
from yusuan.money import WAN
from yusuan.store import schema as s
from yusuan.store.pairs import described as pair_described
from yusuan.store.pairs import final_pairs
from yusuan.store.records import load_model
from yusuan.templates import TEMPLATES

CENT = Decimal("0.01")
_TOTAL = "general_spending"  # the fact the items of the 一般公共预算 add up to


def _facts(session: Session, did: int) -> dict[str, Decimal]:
    rows = session.execute(select(s.Fact.key, s.Fact.value).where(s.Fact.disclosure_id == did))
    return {key: value for key, value in rows}


def _item_rows(
    session: Session, did: int, profile: str
) -> dict[str, tuple[Decimal | None, int | None, int | None, str]]:
    """code → (合计 in 元, line, page, label) of the 预算's 一般公共预算支出 table."""
    number = TEMPLATES[profile].number_of("general_expenditure")
    if number is None:
        return {}
    r, c = s.TableRow, s.TableCell
    rows = session.execute(
        select(r.code, c.amount, r.line, r.page, r.label)
        .select_from(r)
        .outerjoin(
            c,
            and_(
                c.disclosure_id == r.disclosure_id,
                c.table_no == r.table_no,
                c.row_no == r.row_no,
                c.column == "total",
            ),
        )
        .where(r.disclosure_id == did, r.table_no == number, r.code.is_not(None))
    )
    return {code: (amount, line, page, label) for code, amount, line, page, label in rows if code}


def _file(session: Session, did: int) -> str:
    path = session.scalar(
        select(s.SourceFile.path)
        .join(s.Disclosure, s.Disclosure.source_file_id == s.SourceFile.id)
        .where(s.Disclosure.id == did)
    )
    return path or ""


def _wan(yuan: Decimal) -> Decimal:
    return (yuan / WAN).quantize(CENT, ROUND_HALF_UP)


def check_final(
    session: Session, final_id: int, budget_id: int, model: Disclosure | None = None
) -> list[Finding]:
    """The 决算's 年初预算 figures that differ from its 预算's."""
    refs = {
        k[len(PREFIX) :]: v for k, v in _facts(session, final_id).items() if k.startswith(PREFIX)
    }
    if not refs:
        return []
    described = pair_described(session, [budget_id])
    if budget_id not in described:
        return []
    budget_profile = described[budget_id][0]
    budget_facts = _facts(session, budget_id)
    items = (
        _item_rows(session, budget_id, budget_profile)
        if any(k.startswith(ITEM) for k in refs)
        else {}
    )
    differing: list[tuple[str, Decimal, Decimal, Location]] = []
    for key, stated in refs.items():
        if key.startswith(ITEM):
            code = key[len(ITEM) :]
            if code not in items:
                continue  # (a 项 the 预算 does not print: new in the year, nothing budgeted)
            amount, line, page, label = items[code]
            budget = amount or Decimal(0)
            where = Location(
                _source(_file(session, budget_id), line, page),
                f"预算公开文件“{code} {label}”",
                _money(_wan(budget)),
            )
        elif key in FACT_LABELS:
            budget = budget_facts.get(key, Decimal(0))
            where = Location(
                _source(_file(session, budget_id), None, None),
                f"预算公开文件{FACT_LABELS[key]}",
                _money(_wan(budget)),
            )
        else:
            continue
        if _wan(budget) != _wan(stated):
            differing.append((key, _wan(stated), _wan(budget), where))
    differing = _explained(differing)
    if not differing:
        return []
    if model is None:
        blob = session.scalar(
            select(s.Document.model_json_gz).where(s.Document.disclosure_id == final_id)
        )
        model = load_model(blob) if blob is not None else None
    sources = {r.key: r for r in budget_refs(model)} if model is not None else {}
    year = described[budget_id][2]
    budget_name = Path(_file(session, budget_id)).name
    found = []
    for key, stated, budget, where in differing:
        ref = sources.get(key)
        label = ref.label if ref is not None else key
        said = Location(
            ref.source if ref else None, f"决算“{label}”年初预算", ref.text if ref else ""
        )
        difference = stated - budget
        rounding = abs(difference) <= CENT
        found.append(
            Finding(
                XFINAL_BUDGET.id,
                XFINAL_BUDGET.family,
                Severity.INFO if rounding else XFINAL_BUDGET.severity,
                XFINAL_BUDGET.title,
                f"决算所列“{label}”年初预算{_money(stated)}万元，{year}年预算公开文件（{budget_name}）"
                f"为{_money(budget)}万元，相差{_money(difference)}万元"
                + ("（尾差）" if rounding else ""),
                budget,
                stated,
                difference,
                [said, where],
                rounding,
            )
        )
    return found


def _explained(
    differing: list[tuple[str, Decimal, Decimal, Location]],
) -> list[tuple[str, Decimal, Decimal, Location]]:
    """Without the 一般公共预算 total when the items' differences make up its own: one defect,
    one finding."""
    items = sum((st - bu for k, st, bu, _ in differing if k.startswith(ITEM)), Decimal(0))
    total = next(((st - bu) for k, st, bu, _ in differing if k == _TOTAL), None)
    if total is not None and items and abs(total - items) <= CENT:
        return [entry for entry in differing if entry[0] != _TOTAL]
    return differing


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT)}"


def _source(path: str, line: int | None, page: int | None) -> Source | None:
    return Source(path, line, page) if path else None


def finals_to_check(
    session: Session, ids: Iterable[int], models: Mapping[int, Disclosure] | None = None
) -> dict[int, list[Finding]]:
    """XFINAL findings of each 决算 among or paired with ``ids`` (empty: checked, none found)."""
    found: dict[int, list[Finding]] = {}
    for final_id, budget_id in final_pairs(session, ids).items():
        model = (models or {}).get(final_id)
        found[final_id] = (
            [] if budget_id is None else check_final(session, final_id, budget_id, model)
        )
    return found
