"""What a check reports: findings with the figures compared and where each figure was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from yusuan.model import Source


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(slots=True)
class Location:
    """One figure a finding cites: where it is and what it says."""

    source: Source | None
    label: str  # e.g. "表3 2101301 城乡医疗救助 / 项目支出" or "第三部分 三、支出预算情况说明"
    text: str = ""  # the value as printed
    table: int | None = None
    row: str | None = None  # row key (code or label)
    column: str | None = None  # column key


@dataclass(slots=True)
class Finding:
    rule: str  # rule id, e.g. "ARITH-CODE-SUM"
    family: str
    severity: Severity
    title: str  # the rule's Chinese title
    message: str  # this finding, in plain Chinese
    expected: Decimal | str | None = None
    actual: Decimal | str | None = None
    difference: Decimal | None = None
    locations: list[Location] = field(default_factory=list)
    rounding: bool = False  # a difference that rounding explains (尾差)
