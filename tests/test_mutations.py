"""Mutation tests: any single figure of a seed changed beyond rounding is reported as an error.

Tables: every numeric cell that holds an amount is raised by 1.00 万元 (far beyond 尾差), one at a
time, and the check must report a new error that cites that very cell.

Part 3: every amount (…万元), share and rate (…%) in sections 一 to 十 is changed by 10% (at least
1), one at a time, in the text file; re-reading and checking must report a new error. Figures that
no table or other sentence restates cannot be verified from one document and are listed below.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

import yusuan
from tests.conftest import SEED_IDS, parsed, seed_path
from yusuan.checks import Severity

ONE = Decimal("1.00")


def _error_keys(report: yusuan.checks.report.Report) -> set[str]:
    return {f.message for f in report.findings if f.severity == Severity.ERROR}


@pytest.mark.parametrize("seed", SEED_IDS)
def test_every_table_cell_change_is_an_error(seed: str) -> None:
    disclosure = parsed(seed)
    baseline = _error_keys(yusuan.check(disclosure))
    missed = []
    tried = 0
    for number, table in sorted(disclosure.tables.items()):
        for row in table.rows:
            for key, cell in row.cells.items():
                if cell.amount is None:
                    continue
                tried += 1
                original = cell.amount
                cell.amount = original + ONE
                try:
                    report = yusuan.check(disclosure)
                finally:
                    cell.amount = original
                new = [
                    f
                    for f in report.errors
                    if f.message not in baseline
                    and any(
                        loc.table == number and loc.row == row.key and loc.column == key
                        for loc in f.locations
                    )
                ]
                if not new:
                    missed.append(f"表{number} {row.key} {key} {cell.text}")
    assert tried > 100
    assert not missed, missed


_FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?=\s*(?:万元|%))")
_PART3 = re.compile(r"第三部分")
_LAST_SECTION = re.compile(r"^\s*(?:#+\s*)?(?:\*\*)?十一、国有资产")
# A change stated without a rate ("比上年增加2800.16万元，主要原因是…") can only be checked against
# the previous year's disclosure, not within one document.
_UNRATED_CHANGE = re.compile(r"(?:增加|减少)\s*$")


def _part3_figures(lines: list[str]) -> list[tuple[int, re.Match[str]]]:
    start = next(
        i
        for i, line in enumerate(lines)
        if _PART3.search(line) and "情况说明" in line and "....." not in line and "\t" not in line
    )
    end = next(i for i in range(start, len(lines)) if _LAST_SECTION.match(lines[i]))
    found = []
    in_annex = False
    for i in range(start, end):
        line = lines[i]
        if ("绩效目标表" in line or "绩效目标申报表" in line) and "见附件" not in line:
            in_annex = True  # performance tables sit inside section 十 in some documents
        if in_annex:
            continue
        previous = next((lines[k] for k in range(i - 1, start, -1) if lines[k].strip()), "")
        for match in _FIGURE.finditer(line):
            before = "".join(line[: match.start()].split())
            if match.start() == 0 or not before.strip("增减加少"):
                before = "".join(previous.split())[-6:] + before  # wrapped: "比上年增\n加 5.00万元"
            rated = "%" in line[match.end() : match.end() + 12]
            if _UNRATED_CHANGE.search(before) and not rated:
                continue
            found.append((i, match))
    return found


def _altered(text: str) -> str:
    value = Decimal(text.replace(",", ""))
    places = len(text.split(".")[1]) if "." in text else 0
    delta = max(value / 10, Decimal(1))
    return f"{value + delta:.{places}f}"


@pytest.mark.parametrize("seed", SEED_IDS)
def test_every_part3_figure_change_is_an_error(seed: str, tmp_path: Path) -> None:
    path = seed_path(seed)
    lines = path.read_text(encoding="utf-8").split("\n")
    baseline = _error_keys(yusuan.check(parsed(seed)))
    figures = _part3_figures(lines)
    assert len(figures) > 15
    missed = []
    for i, match in figures:
        changed = list(lines)
        line = lines[i]
        changed[i] = line[: match.start()] + _altered(match.group(1)) + line[match.end() :]
        target = tmp_path / path.name
        target.write_text("\n".join(changed), encoding="utf-8")
        report = yusuan.check(yusuan.read(target))
        if not (_error_keys(report) - baseline):
            context = line[max(0, match.start() - 20) : match.end() + 4]
            missed.append(f"line {i + 1}: {match.group(1)} in …{context}")
    assert not missed, missed
