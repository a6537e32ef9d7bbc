"""Every table cell of every seed, compared with values read from the documents by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import SEED_IDS, expected, parsed
from yusuan.model import Row

CASES = [(seed, number) for seed in SEED_IDS for number in range(1, 14)]


def _as_expected(row: Row, with_kind: bool) -> tuple[object, ...]:
    values = {key: cell.text for key, cell in row.cells.items() if cell.text}
    side = row.side.value if row.side else None
    base = (side, row.code, row.label, values)
    return (*base, row.kind.value) if with_kind else base


@pytest.mark.parametrize(("seed", "number"), CASES, ids=[f"{s}-T{n}" for s, n in CASES])
def test_table_matches_document(seed: str, number: int) -> None:
    want = expected(seed).TABLES[number]
    table = parsed(seed).tables[number]
    assert table.no_data == want["empty"]
    want_rows = want["rows"]
    pairs = zip(table.rows, want_rows, strict=False)
    got_rows = [_as_expected(r, with_kind=len(w) == 5) for r, w in pairs]
    assert got_rows == [tuple(w) for w in want_rows][: len(got_rows)]
    assert len(table.rows) == len(want_rows)


@pytest.mark.parametrize("seed", SEED_IDS)
def test_amounts_are_decimal_and_blank_is_none(seed: str) -> None:
    for table in parsed(seed).tables.values():
        for row in table.rows:
            for key, cell in row.cells.items():
                column = table.column(key, row.side)
                assert column is not None
                if not column.numeric:
                    assert cell.amount is None
                elif cell.text:
                    assert isinstance(cell.amount, Decimal)
                    assert cell.amount == Decimal(cell.text.replace(",", ""))
                else:
                    assert cell.amount is None


@pytest.mark.parametrize("seed", SEED_IDS)
def test_every_value_has_a_source_line(seed: str) -> None:
    disclosure = parsed(seed)
    text = Path(disclosure.meta.source_file).read_text(encoding="utf-8").split("\n")
    for table in disclosure.tables.values():
        for row in table.rows:
            for cell in row.cells.values():
                if not cell.text:
                    continue
                assert cell.source is not None and cell.source.line is not None
                # The cited line (or the few lines of a wrapped layout row) holds the value.
                window = " ".join(text[cell.source.line - 1 : cell.source.line + 6])
                assert cell.text in window, (table.number, row.label, cell.text)


def test_meta_of_each_seed() -> None:
    for seed in SEED_IDS:
        want = expected(seed).META
        meta = parsed(seed).meta
        assert (meta.unit_name, meta.year, meta.scope, meta.amount_unit) == (
            want["unit_name"],
            want["year"],
            want["scope"],
            want["amount_unit"],
        ), seed


def test_seed_003_layout_is_exact() -> None:
    """The layout extraction: wrapped labels rejoined, glued tokens split, blanks placed."""
    t1 = parsed("003").tables[1]
    labels = [r.label for r in t1.rows if r.side and r.side.value == "expenditure"]
    assert "七、文化旅游体育与传媒支出" in labels
    assert "三十、抗疫特别国债安排的支出" in labels
    t4 = parsed("003").tables[4]
    first = t4.rows[0]
    assert (first.label, first.amount("amount")) == ("一、一般公共预算", Decimal("2800.16"))
    t3 = parsed("003").tables[3]
    row = t3.row("21013")
    assert row is not None
    assert (row.amount("total"), row.amount("basic"), row.amount("project")) == (
        Decimal("1829.13"),
        None,
        Decimal("1829.13"),
    )
