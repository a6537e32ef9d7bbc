"""The reading's doubt in the findings: a failed identity that cites a figure OCR read with low
confidence says so, and says when one digit explains the whole difference.

The document is the real seed 001 (医疗保障局); its table 1 prints 十、卫生健康支出 1852.71. The
figure is changed as OCR misreads it (one digit, 1852.71 → 1832.71) and marked as a scanned
reader marks it (page, box, low confidence)."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

import yusuan
from tests.conftest import parsed
from yusuan.checks.doubt import one_digit_explains
from yusuan.model import Cell, Disclosure, Source


@pytest.mark.parametrize(
    ("amount", "difference", "explains"),
    [
        ("1852.71", "20", True),  # 5 → 3 in the tens
        ("1852.71", "-0.05", True),  # the last printed place
        ("1852.71", "1000", True),  # the leading digit
        ("1852.71", "10000", False),  # no such place
        ("1852.71", "0.005", False),  # below the printed places
        ("1852.71", "25", False),  # two digits
        ("1852.71", "0", False),
    ],
)
def test_one_digit_explains(amount: str, difference: str, explains: bool) -> None:
    assert one_digit_explains(Decimal(amount), Decimal(difference)) is explains


def _health_row_total(d: Disclosure) -> Cell:
    row = next(r for r in d.tables[1].rows if r.label == "十、卫生健康支出")
    return row.cells["total"]


def _misread(confidence: float) -> Disclosure:
    d = copy.deepcopy(parsed("001"))
    cell = _health_row_total(d)
    assert cell.text == "1852.71"  # as the seed prints it
    cell.text, cell.amount = "1832.71", Decimal("1832.71")
    cell.confidence = confidence
    cell.source = Source("001_scan.pdf", None, 1, (100.0, 200.0, 160.0, 215.0))
    return d


def test_a_doubtful_digit_is_named_in_the_failed_identity() -> None:
    report = yusuan.check(_misread(0.62))
    citing = [f for f in report.errors if any(loc.row == "十、卫生健康支出" for loc in f.locations)]
    assert citing, [f.message for f in report.errors]
    explained = [f for f in citing if "识别存疑" in f.message]
    assert explained, [f.message for f in citing]
    assert any("第1页" in f.message and "识别置信度 0.62" in f.message for f in explained)
    assert any("改动其中一位数字即可相差 20" in f.message for f in explained)


def test_a_confident_reading_gets_no_doubt() -> None:
    report = yusuan.check(_misread(0.99))
    assert report.errors  # the arithmetic still fails
    assert not any("识别存疑" in f.message for f in report.findings)


def test_the_clean_seed_has_no_doubt() -> None:
    assert not any("识别存疑" in f.message for f in yusuan.check(parsed("001")).findings)
