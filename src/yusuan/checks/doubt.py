"""The reading's doubt in the findings: a failed identity that cites a figure read by OCR with
low confidence says so, and says when changing one digit of that figure explains the whole
difference (a 3 read for an 8 is a difference of 5 × 10^k).

A reviewer then knows to look at the original page before sending the finding to the unit.
"""

from __future__ import annotations

from decimal import Decimal

from yusuan.checks.findings import Finding, Location
from yusuan.model import Cell, Disclosure

LOW_CONFIDENCE = 0.9  # as ``yusuan.recognize.document.LOW_CONFIDENCE``: below it a cell is doubtful


def _cell(disclosure: Disclosure, location: Location) -> Cell | None:
    if location.table is None or location.row is None or location.column is None:
        return None
    table = disclosure.tables.get(location.table)
    if table is None:
        return None
    for row in table.rows:
        if location.row in (row.code, row.label):
            cell = row.cells.get(location.column)
            if cell is not None:
                return cell
    return None


def one_digit_explains(amount: Decimal, difference: Decimal) -> bool:
    """Whether changing one digit of ``amount`` can change it by ``difference``: the difference
    is d × 10^k (d in 1..9) at a place the printed figure has."""
    size = abs(difference)
    if size == 0:
        return False
    exponent = size.normalize().as_tuple().exponent
    digits = size.scaleb(-int(exponent))  # the difference without its trailing zeros
    if digits != digits.to_integral() or not 1 <= digits <= 9:
        return False
    places = abs(amount).as_tuple()
    lowest = int(places.exponent)  # the figure's last printed place (-2 for 12.34)
    highest = lowest + len(places.digits) - 1
    return lowest <= int(exponent) <= highest


def explain_doubt(disclosure: Disclosure, findings: list[Finding]) -> None:
    """Add the doubt of the cited OCR figures to the findings that compare figures."""
    for finding in findings:
        if finding.difference is None or finding.rounding:
            continue
        doubtful = [
            (location, cell)
            for location in finding.locations
            if (cell := _cell(disclosure, location)) is not None
            and cell.confidence < LOW_CONFIDENCE
            and cell.source is not None
            and cell.source.bbox is not None
        ]
        if not doubtful:
            continue
        notes = []
        for location, cell in doubtful:
            parts = [f"第{cell.source.page}页"] if cell.source and cell.source.page else []
            parts.append(f"识别置信度 {cell.confidence:.2f}")
            if cell.amount is not None and one_digit_explains(cell.amount, finding.difference):
                parts.append(f"改动其中一位数字即可相差 {abs(finding.difference)}")
            notes.append(f"{location.label}（{'，'.join(parts)}）")
        said = "、".join(notes)
        finding.message += f"；{said}为识别存疑的数字，差异可能来自识别，请对照原件核实"
