"""The report of one document's checks: the same object behind the terminal, JSON, HTML and XLSX
outputs and the Python API (``yusuan.check``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime

from yusuan.checks.findings import Finding, Severity
from yusuan.model import Disclosure

REPORT_SCHEMA_VERSION = "1.0"


@dataclass(slots=True)
class Report:
    file: str
    unit_name: str
    year: int | None
    scope: str
    findings: list[Finding] = field(default_factory=list)
    rules_run: list[str] = field(default_factory=list)
    reading_issues: list[str] = field(default_factory=list)  # warnings from reading the file
    checked_at: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))
    schema_version: str = REPORT_SCHEMA_VERSION
    profile: str = "shanxi"  # the template the document was read with
    disclosure: Disclosure | None = field(default=None, repr=False, compare=False)

    def by_severity(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    @property
    def errors(self) -> list[Finding]:
        return self.by_severity(Severity.ERROR)

    @property
    def warnings(self) -> list[Finding]:
        return self.by_severity(Severity.WARNING)

    @property
    def rounding(self) -> list[Finding]:
        return [f for f in self.findings if f.rounding]

    def counts(self) -> dict[str, int]:
        counted = Counter(f.severity.value for f in self.findings)
        return {s.value: counted.get(s.value, 0) for s in Severity}

    def fails(self, fail_on: str) -> bool:
        """Whether the findings reach the ``--fail-on`` level (error, warning or never)."""
        if fail_on == "never":
            return False
        if fail_on == "warning":
            return bool(self.errors or self.warnings)
        return bool(self.errors)


def _with_pages(disclosure: Disclosure, findings: list[Finding]) -> None:
    """Every cited line gets its page, when the input has pages."""
    if not disclosure.page_starts:
        return
    for finding in findings:
        for location in finding.locations:
            source = location.source
            if source is not None and source.page is None and source.line is not None:
                page = disclosure.page_of(source.line)
                if page is not None:
                    location.source = replace(source, page=page)


def build_report(disclosure: Disclosure, findings: list[Finding], rules: list[str]) -> Report:
    _with_pages(disclosure, findings)
    ordered = sorted(findings, key=lambda f: (f.severity.rank, f.family, f.rule))
    return Report(
        file=disclosure.meta.source_file,
        unit_name=disclosure.meta.unit_name,
        year=disclosure.meta.year,
        scope=disclosure.meta.scope,
        findings=ordered,
        rules_run=rules,
        reading_issues=[issue.message for issue in disclosure.issues],
        profile=disclosure.meta.profile,
        disclosure=disclosure,
    )
