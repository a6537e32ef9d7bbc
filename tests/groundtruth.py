"""The ground truth of real defects (``tests/ground_truth/*.yaml``, read by hand) against what
``yusuan check`` reports: which defects a finding covers, recall per template, and the
error-level findings that cover no listed defect (false errors).

A defect is located by a quote: an exact piece of one printed line. The lines of the document as
yusuan reads them that hold the quote (whitespace ignored; a quote broken over two lines is found
across them) are the defect's lines. A finding covers a defect when one of its locations cites
one of those lines (or the one next to it) and quotes three characters of the defect's quote
in a row, or when it quotes what the defect says is printed
on the defect's page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

import yusuan
from tests.conftest import SHARED
from yusuan.checks.findings import Finding, Severity
from yusuan.checks.report import Report
from yusuan.readers import load
from yusuan.readers.text import TextDocument
from yusuan.recognize.document import recognize

TRUTH = Path(__file__).parent / "ground_truth"


@dataclass(slots=True)
class Defect:
    id: str
    kind: str
    severity: str
    quote: str
    says: str
    page: int | None
    line: int | None
    lines: set[int] = field(default_factory=set)  # the document's lines holding the quote


@dataclass(slots=True)
class Truth:
    path: Path
    template: str
    defects: list[Defect]


def _compact(text: str) -> str:
    return "".join(str(text).split())


def document_path(name: str) -> Path:
    for folder in (
        SHARED / "seeds",
        SHARED / "real-docs" / "shanghai",
        SHARED / "real-docs" / "shanghai-final",
    ):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(name)


@cache
def loaded(path: Path) -> TextDocument:
    """The document's lines, read once per run: every defect's quote is looked up in them."""
    return load(path)


def _quote_lines(path: Path, quote: str) -> set[int]:
    lines = loaded(path).lines
    wanted = _compact(quote)
    found = {ln.number for ln in lines if wanted and wanted in ln.compact}
    if found:
        return found
    for first, second in pairwise(lines):  # broken over two lines
        joined = first.compact + second.compact
        if wanted in joined and wanted not in second.compact:
            found.update((first.number, second.number))
    return found


@cache
def truths() -> tuple[Truth, ...]:
    found = []
    for file in sorted(TRUTH.glob("*.yaml")):
        data: dict[str, Any] = yaml.safe_load(file.read_text(encoding="utf-8"))
        path = document_path(data["document"])
        defects = [
            Defect(
                str(d["id"]), str(d["kind"]), str(d.get("severity", "error")), str(d["quote"]),
                str(d.get("says") or ""), d.get("page"), d.get("line"),
            )
            for d in data.get("defects") or []
        ]  # fmt: skip
        for defect in defects:
            defect.lines = _quote_lines(path, defect.quote)
        found.append(Truth(path, str(data.get("template", "")), defects))
    return tuple(found)


@cache
def report_of(path: Path) -> Report:
    return yusuan.check(recognize(loaded(path)))


def covers(finding: Finding, defect: Defect) -> bool:
    quote = _compact(defect.quote)
    pieces = {quote[i : i + 3] for i in range(max(1, len(quote) - 2))}
    for location in finding.locations:
        source = location.source
        if source is None:
            continue
        if source.line is not None and any(abs(source.line - n) <= 1 for n in defect.lines):
            # on the line, and about its words: another figure of the same line is not it
            said = _compact(location.text) + _compact(finding.message)
            if any(piece in said for piece in pieces):
                return True
    says = _compact(defect.says)
    if len(says) >= 3:
        on_page = defect.page is None or any(
            loc.source is not None and loc.source.page in (None, defect.page)
            for loc in finding.locations
        )
        quoted = [_compact(loc.text) for loc in finding.locations] + [_compact(finding.message)]
        if on_page and any(says in text for text in quoted):
            return True
    return False


@dataclass(slots=True)
class Score:
    template: str
    defects: int = 0
    found: int = 0
    missed: list[str] = field(default_factory=list)  # "doc id kind quote"
    false_errors: list[str] = field(default_factory=list)  # "doc rule message"
    findings: int = 0
    errors: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.defects if self.defects else 1.0

    @property
    def precision(self) -> float:
        """Of the error-level findings, the share that covers a listed defect."""
        return (self.errors - len(self.false_errors)) / self.errors if self.errors else 1.0


def score() -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for truth in truths():
        s = scores.setdefault(truth.template, Score(truth.template))
        report = report_of(truth.path)
        s.findings += len(report.findings)
        for defect in truth.defects:
            s.defects += 1
            if any(covers(f, defect) for f in report.findings):
                s.found += 1
            else:
                s.missed.append(f"{truth.path.name} {defect.id} {defect.kind} {defect.quote}")
        for finding in report.errors:
            s.errors += 1
            if finding.severity == Severity.ERROR and not any(
                covers(finding, d) for d in truth.defects
            ):
                s.false_errors.append(f"{truth.path.name} {finding.rule} {finding.message}")
    return scores
