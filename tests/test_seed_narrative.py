"""Part 1, Part 3, the stated facts, performance tables and glossary of every seed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import SEED_IDS, expected, parsed
from yusuan.model import Cell, Figure, FundSources
from yusuan.money import parse_amount


def _printed(figure: Figure | None) -> str | None:
    return figure.text if figure is not None else None


@pytest.mark.parametrize("seed", SEED_IDS)
def test_staffing(seed: str) -> None:
    staffing = parsed(seed).staffing
    want = expected(seed).STAFFING
    got = {
        "authorized": staffing.authorized,
        "actual": staffing.actual,
        "internal_departments": staffing.internal_departments,
    }
    assert got == want


@pytest.mark.parametrize("seed", SEED_IDS)
def test_part3_sections_in_order(seed: str) -> None:
    sections = parsed(seed).sections
    assert [f"{s.number}、{s.title}" for s in sections] == expected(seed).SECTIONS
    for section in sections:
        assert section.source is not None and section.source.line


@pytest.mark.parametrize("seed", SEED_IDS)
def test_procurement_facts(seed: str) -> None:
    p = parsed(seed).procurement
    want = expected(seed).FACTS["procurement"]
    got = {k: _printed(getattr(p, k)) for k in ("total", "goods", "works", "services")}
    assert got == want
    assert p.total is not None and p.total.source is not None and p.total.source.line


@pytest.mark.parametrize("seed", SEED_IDS)
def test_performance_facts(seed: str) -> None:
    perf = parsed(seed).performance
    want = expected(seed).FACTS["performance"]
    assert perf.projects == want["projects"]
    assert _printed(perf.amount) == want["amount"]
    kinds = [(k.kind, k.count, _printed(k.amount)) for k in perf.kinds]
    assert kinds == [tuple(k) for k in want["kinds"]]
    assert _printed(perf.whole_unit_amount) == want["whole_unit_amount"]


@pytest.mark.parametrize("seed", SEED_IDS)
def test_asset_facts(seed: str) -> None:
    assets = parsed(seed).assets
    want = expected(seed).FACTS
    assert assets.vehicles == want["vehicles"]
    assert _printed(assets.office_area) == want["office_area"]
    assert (assets.equipment_50, assets.equipment_100) == (
        want["equipment_50"],
        want["equipment_100"],
    )


@pytest.mark.parametrize("seed", SEED_IDS)
def test_glossary_terms(seed: str) -> None:
    terms = [entry.term for entry in parsed(seed).glossary]
    assert terms == expected(seed).GLOSSARY_TERMS
    assert all(entry.definition for entry in parsed(seed).glossary[:5])


_SOURCE_KEYS = {
    "中央": "central",
    "省级": "provincial",
    "市县": "local",
    "自筹": "own",
    "其他": "other",
}


def _cell_text(cell: Cell | None) -> str | None:
    return cell.text if cell is not None else None


def _sources(funds: FundSources) -> dict[str, str | None]:
    return {name: _cell_text(getattr(funds, key)) for name, key in _SOURCE_KEYS.items()}


def _project_tables(seed: str) -> list[object]:
    return [t for t in parsed(seed).performance_tables if not t.whole_unit]


@pytest.mark.parametrize("seed", SEED_IDS)
def test_performance_tables(seed: str) -> None:
    tables = _project_tables(seed)
    want_all = expected(seed).PERFORMANCE
    assert [t.project for t in tables] == [w["project"] for w in want_all]  # type: ignore[attr-defined]
    for table, want in zip(tables, want_all, strict=True):
        name = want["project"]
        if not want.get("readable", True):
            assert table.confidence < 0.5, name  # type: ignore[attr-defined]
            assert table.annual_funds.total is None  # type: ignore[attr-defined]
            continue
        for field in ("department", "implementer", "attribute", "period"):
            if field in want:
                assert getattr(table, field) == want[field], (name, field)
        assert _cell_text(table.period_funds.total) == want["period_total"], name  # type: ignore[attr-defined]
        assert _cell_text(table.annual_funds.total) == want["annual_total"], name  # type: ignore[attr-defined]
        assert _sources(table.period_funds) == want["period_sources"], name  # type: ignore[attr-defined]
        assert _sources(table.annual_funds) == want["annual_sources"], name  # type: ignore[attr-defined]
        if "indicator_count" in want:
            assert len(table.period_indicators) == want["indicator_count"], name  # type: ignore[attr-defined]


def test_performance_funds_are_decimal_yuan() -> None:
    table = _project_tables("001")[0]
    total = table.period_funds.total  # type: ignore[attr-defined]
    assert total is not None and total.amount == Decimal("5407000")
    assert parse_amount("10,720,000") == Decimal("10720000")
