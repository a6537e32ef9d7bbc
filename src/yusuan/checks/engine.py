"""The rule registry and the context rules use to compare figures and report findings.

A rule is a small function registered with ``@rule``: it receives a ``Checker`` bound to one
disclosure and calls its helpers (``sum``, ``same``, ``report``); the helpers turn comparisons into
findings with the figures compared, their difference, their sources, and rounding told apart from
real errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from yusuan.checks.doubt import explain_doubt
from yusuan.checks.findings import Finding, Location, Severity
from yusuan.checks.tolerance import sum_tolerance
from yusuan.model import Cell, Disclosure, Row, Side, Source, Table

FAMILIES = {
    "arithmetic": "表内运算",
    "cross_table": "表间勾稽",
    "narrative": "文字说明与表格一致",
    "completeness": "完整性",
    "performance": "绩效目标表",
    "codes": "科目编码",
    "assets": "国有资产",
}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    family: str
    severity: Severity
    title: str
    explanation: str
    run: Callable[[Checker], None]
    profiles: tuple[str, ...] = ("shanxi",)  # the templates whose identities the rule checks


REGISTRY: dict[str, Rule] = {}


def rule(
    id: str,
    family: str,
    severity: Severity,
    title: str,
    explanation: str,
    profiles: tuple[str, ...] = ("shanxi",),
) -> Callable[[Callable[[Checker], None]], Callable[[Checker], None]]:
    """Register a rule. ``explanation`` says in Chinese what the rule checks and why."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family}")

    def register(function: Callable[[Checker], None]) -> Callable[[Checker], None]:
        if id in REGISTRY:
            raise ValueError(f"duplicate rule id {id}")
        REGISTRY[id] = Rule(id, family, severity, title, explanation, function, profiles)
        return function

    return register


class Figure:
    """A figure taking part in a comparison: its value and where it was read.

    The location of a table cell is built only when a finding needs it (most comparisons agree).
    """

    __slots__ = ("_cell", "_location", "value")

    def __init__(
        self,
        value: Decimal | None,
        location: Location | None = None,
        cell: tuple[Table, Row, str] | None = None,
    ) -> None:
        self.value = value
        self._location = location
        self._cell = cell

    @property
    def location(self) -> Location:
        if self._location is None:
            assert self._cell is not None
            self._location = _cell_location(*self._cell)
        return self._location


def cell_figure(table: Table, row: Row, key: str) -> Figure:
    cell: Cell | None = row.cells.get(key)
    return Figure(cell.amount if cell is not None else None, None, (table, row, key))


def _cell_location(table: Table, row: Row, key: str) -> Location:
    cell = row.cells.get(key)
    column = table.column(key, row.side)
    header = column.header if column is not None else key
    name = f"{row.code} {row.label}" if row.code and row.label else row.key
    side = "" if row.side is None else ("收入方 " if row.side == Side.INCOME else "支出方 ")
    return Location(
        cell.source if cell is not None and cell.source else row.source,
        f"表{table.number} {side}{name} / {header}",
        cell.text if cell is not None else "",
        table.number,
        row.key,
        key,
    )


def value_of(figure: Figure) -> Decimal:
    return figure.value if figure.value is not None else Decimal(0)


@dataclass(slots=True)
class Checker:
    """Runs one rule over one disclosure and collects its findings."""

    disclosure: Disclosure
    current: Rule | None = None
    findings: list[Finding] = field(default_factory=list)
    memo: dict[object, object] = field(default_factory=dict)  # shared by rules of one run

    def table(self, key: str) -> Table | None:
        return self.disclosure.table(key)

    def report(
        self,
        message: str,
        locations: list[Location] | None = None,
        *,
        expected: Decimal | str | None = None,
        actual: Decimal | str | None = None,
        severity: Severity | None = None,
        rounding: bool = False,
    ) -> None:
        assert self.current is not None
        rule_ = self.current
        difference = None
        if isinstance(expected, Decimal) and isinstance(actual, Decimal):
            difference = actual - expected
        self.findings.append(
            Finding(
                rule_.id,
                rule_.family,
                severity or rule_.severity,
                rule_.title,
                message,
                expected,
                actual,
                difference,
                locations or [],
                rounding,
            )
        )

    def sum(self, total: Figure, parts: list[Figure], what: str) -> None:
        """``total`` should be the sum of ``parts``; blank counts as zero."""
        values = [p.value for p in parts if p.value is not None]
        if total.value is None and not values:
            return
        # Blank parts count as zero: leaving them out of the sum gives the same Decimal.
        expected = sum(values, Decimal(0))
        self.compare(what, expected, total, parts, summands=len(parts))

    def same(self, a: Figure, b: Figure, what: str, summands: int = 1) -> None:
        """``a`` and ``b`` state the same amount (``summands`` parts were added to make one)."""
        if a.value is None and b.value is None:
            return
        self.compare(what, value_of(b), a, [b], summands=summands)

    def compare(
        self,
        what: str,
        expected: Decimal,
        actual: Figure,
        others: list[Figure],
        summands: int,
    ) -> None:
        got = actual.value if actual.value is not None else Decimal(0)  # value_of(actual)
        difference = got - expected
        if difference == 0:
            return
        locations = [actual.location, *(o.location for o in others)]
        if actual.location.column and " / " in actual.location.label:
            what += f"（{actual.location.label.rsplit(' / ', 1)[1]}）"  # name the column
        if abs(difference) <= sum_tolerance(summands):
            self.report(
                f"{what}：应为 {expected}，实为 {got}，相差 {difference}（尾差，舍入可以解释）",
                locations,
                expected=expected,
                actual=got,
                severity=Severity.INFO,
                rounding=True,
            )
            return
        self.report(
            f"{what}：应为 {expected}，实为 {got}，相差 {difference}",
            locations,
            expected=expected,
            actual=got,
        )

    def location(self, source: Source | None, label: str, text: str = "") -> Location:
        return Location(source, label, text)


def rules_for(disclosure: Disclosure) -> list[Rule]:
    """The rules of the document's template profile."""
    return [r for r in REGISTRY.values() if disclosure.meta.profile in r.profiles]


def run_rules(disclosure: Disclosure, rules: list[Rule] | None = None) -> list[Finding]:
    checker = Checker(disclosure)
    for rule_ in rules if rules is not None else rules_for(disclosure):
        checker.current = rule_
        rule_.run(checker)
    findings = _once(checker.findings)
    explain_doubt(disclosure, findings)
    return findings


def _once(findings: list[Finding]) -> list[Finding]:
    """One finding for one mismatch: the same message at the same line (a phrase printed twice
    on a line, a passage read in two parts) is reported once."""
    seen: set[tuple[str, str, int | None]] = set()
    kept = []
    for finding in findings:
        first = finding.locations[0].source if finding.locations else None
        key = (finding.rule, finding.message, first.line if first is not None else None)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def iter_rules(family: str | None = None) -> Iterator[Rule]:
    for rule_ in REGISTRY.values():
        if family is None or rule_.family == family:
            yield rule_
