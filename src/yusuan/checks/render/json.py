"""Check reports as JSON, in the schema documented in ``docs/report-schema.md``.

Amounts are strings (``"300.80"``) so that no precision is lost; Chinese text is written as is
(``ensure_ascii=False``). Keys are always present, ``null`` when a value is unknown.
"""

from __future__ import annotations

import json
from typing import Any

from yusuan.checks.findings import Finding, Location
from yusuan.checks.render.common import counts, decimal_text
from yusuan.checks.report import REPORT_SCHEMA_VERSION, Report
from yusuan.version import __version__

JSONObject = dict[str, Any]


def location_json(location: Location) -> JSONObject:
    source = location.source
    return {
        "label": location.label,
        "text": location.text,
        "file": source.file if source is not None and source.file else None,
        "line": source.line if source is not None else None,
        "page": source.page if source is not None else None,
        "table": location.table,
        "row": location.row,
        "column": location.column,
    }


def finding_json(finding: Finding) -> JSONObject:
    return {
        "rule": finding.rule,
        "family": finding.family,
        "severity": finding.severity.value,
        "title": finding.title,
        "message": finding.message,
        "expected": decimal_text(finding.expected),
        "actual": decimal_text(finding.actual),
        "difference": decimal_text(finding.difference),
        "rounding": finding.rounding,
        "locations": [location_json(loc) for loc in finding.locations],
    }


def reading_issues_json(report: Report) -> list[JSONObject]:
    """The reader's warnings, with their place when the disclosure is still at hand."""
    if report.disclosure is not None:
        return [
            {
                "level": issue.level,
                "message": issue.message,
                "file": issue.source.file if issue.source is not None else None,
                "line": issue.source.line if issue.source is not None else None,
                "page": issue.source.page if issue.source is not None else None,
            }
            for issue in report.disclosure.issues
        ]
    return [
        {"level": "warning", "message": message, "file": None, "line": None, "page": None}
        for message in report.reading_issues
    ]


def report_json(report: Report) -> JSONObject:
    return {
        "file": report.file,
        "unit_name": report.unit_name,
        "year": report.year,
        "scope": report.scope,
        "checked_at": report.checked_at,
        "counts": counts(report),
        "rules_run": list(report.rules_run),
        "reading_issues": reading_issues_json(report),
        "findings": [finding_json(f) for f in report.findings],
    }


def to_dict(reports: list[Report]) -> JSONObject:
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "generator": f"yusuan {__version__}",
        "documents": [report_json(r) for r in reports],
    }


def to_json(reports: list[Report]) -> str:
    return json.dumps(to_dict(reports), ensure_ascii=False, indent=2) + "\n"
