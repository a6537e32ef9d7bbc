"""The HTML report: one standalone page (inline CSS, no script, no external resource) that shows
each finding beside the source lines it cites, the cited lines highlighted with two lines of
context and their line numbers.

Everything the documents say goes through Jinja2 with autoescape on, so a unit called
``<script>`` is shown as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from yusuan.checks.engine import FAMILIES
from yusuan.checks.findings import Finding, Location
from yusuan.checks.render.common import (
    ROUNDING_LABEL,
    counts,
    decimal_text,
    groups,
    short_file,
    visible_locations,
    where,
    year_text,
)
from yusuan.checks.report import Report
from yusuan.errors import YusuanError
from yusuan.readers.encoding import decode_text
from yusuan.version import __version__

CONTEXT = 2  # lines shown before and after a cited line
MAX_EXCERPT_LINES = 120  # per finding; a longer excerpt is cut with a note


@dataclass(slots=True)
class SourceLine:
    number: int
    segments: list[tuple[str, str]]  # (text, kind): kind "mark" (cited text), "tab" or ""
    cited: bool


@dataclass(slots=True)
class Excerpt:
    """Lines of one source file around the lines a finding cites, in runs of consecutive lines."""

    file: str
    name: str
    runs: list[list[SourceLine]] = field(default_factory=list)
    cut: bool = False
    unreadable: bool = False


class SourceCache:
    """Source files decoded once each (any encoding the readers accept), split into lines the
    way the readers number them."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, file: str) -> list[str] | None:
        if file not in self._lines:
            self._lines[file] = self._read(file)
        return self._lines[file]

    @staticmethod
    def _read(file: str) -> list[str] | None:
        try:
            text, _ = decode_text(Path(file).read_bytes(), file)
        except (OSError, YusuanError):
            return None
        return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def marked(line: str, needles: set[str]) -> list[tuple[str, str]]:
    """Split ``line`` into segments: every occurrence of a cited text is a ``mark``, every tab a
    ``tab`` (shown as a cell border, so blank cells of a tab-separated row stay visible)."""
    spans: list[tuple[int, int]] = []
    for needle in needles:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(needle), line)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    pieces: list[tuple[str, str]] = []
    position = 0
    for start, end in merged:
        pieces.append((line[position:start], ""))
        pieces.append((line[start:end], "mark"))
        position = end
    pieces.append((line[position:], ""))
    segments: list[tuple[str, str]] = []
    for text, kind in pieces:
        for index, part in enumerate(text.split("\t")):
            if index:
                segments.append(("\t", "tab"))
            if part:
                segments.append((part, kind))
    return segments


def excerpts(locations: list[Location], sources: SourceCache) -> list[Excerpt]:
    """One excerpt per cited file, in the order the files are first cited."""
    cited: dict[str, dict[int, set[str]]] = {}
    for location in locations:
        source = location.source
        if source is None or not source.file or source.line is None:
            continue
        needles = cited.setdefault(source.file, {}).setdefault(source.line, set())
        if location.text.strip():
            needles.add(location.text.strip())
    result = []
    for file, lines_cited in cited.items():
        excerpt = Excerpt(file, short_file(file))
        text_lines = sources.lines(file)
        if text_lines is None:
            excerpt.unreadable = True
            result.append(excerpt)
            continue
        windows: list[tuple[int, int]] = []
        for number in sorted(lines_cited):
            start, end = max(1, number - CONTEXT), min(len(text_lines), number + CONTEXT)
            if windows and start <= windows[-1][1] + 1:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
            else:
                windows.append((start, end))
        shown = 0
        for start, end in windows:
            if start > end:
                continue  # a line number past the end of the file
            if shown + end - start + 1 > MAX_EXCERPT_LINES:
                end = start + MAX_EXCERPT_LINES - shown - 1
                excerpt.cut = True
            if end < start:
                break
            run = []
            for number in range(start, end + 1):
                is_cited = number in lines_cited
                text = text_lines[number - 1].rstrip("\n")
                segments = marked(text, lines_cited[number] if is_cited else set())
                run.append(SourceLine(number, segments, is_cited))
            excerpt.runs.append(run)
            shown += len(run)
            if excerpt.cut:
                break
        result.append(excerpt)
    return result


def _finding_view(finding: Finding, sources: SourceCache) -> dict[str, object]:
    shown, hidden = visible_locations(finding.locations)
    return {
        "rule": finding.rule,
        "family": FAMILIES.get(finding.family, finding.family),
        "severity": finding.severity.value,
        "severity_label": finding.severity.label,
        "title": finding.title,
        "message": finding.message,
        "expected": decimal_text(finding.expected),
        "actual": decimal_text(finding.actual),
        "difference": decimal_text(finding.difference),
        "rounding": finding.rounding,
        "locations": [
            {"label": loc.label, "text": loc.text, "where": where(loc.source)} for loc in shown
        ],
        "hidden_locations": hidden,
        "excerpts": excerpts(finding.locations, sources),
    }


def _document_view(index: int, report: Report, sources: SourceCache) -> dict[str, object]:
    all_groups = groups(report)
    c = counts(report)
    return {
        "anchor": f"doc-{index}",
        "unit_name": report.unit_name or "（未识别单位名称）",
        "year": year_text(report.year),
        "scope": report.scope,
        "file": report.file,
        "file_name": short_file(report.file),
        "checked_at": report.checked_at,
        "rules_run": len(report.rules_run),
        "counts": c,
        "reading_issues": report.reading_issues,
        "groups": [
            {
                "key": g.key,
                "label": g.label,
                "findings": [_finding_view(f, sources) for f in g.findings],
            }
            for g in all_groups
            if g.key != "rounding" and g.findings
        ],
        "rounding": [_finding_view(f, sources) for f in all_groups[-1].findings],
    }


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("yusuan.checks.render", "templates"),
        autoescape=True,  # document text is data, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def to_html(reports: list[Report]) -> str:
    sources = SourceCache()
    documents = [_document_view(i, r, sources) for i, r in enumerate(reports, start=1)]
    title = (
        f"{reports[0].unit_name} {year_text(reports[0].year)}预算公开检查报告"
        if len(reports) == 1
        else f"预算公开检查报告（{len(reports)}份）"
    )
    template = _environment().get_template("report.html")
    return template.render(
        title=title,
        generator=f"yusuan {__version__}",
        generated_at=datetime.now().isoformat(timespec="seconds"),
        documents=documents,
        rounding_label=ROUNDING_LABEL,
    )
