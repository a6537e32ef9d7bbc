"""What every renderer shares: severity groups, location wording, and the 检查表 items a finding
belongs to (the checklist a finance bureau files: each part and table of the template, 是/否)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from yusuan.checks.findings import Finding, Location, Severity
from yusuan.checks.report import Report
from yusuan.model import Disclosure, Source
from yusuan.numerals import parse_cn_numeral
from yusuan.templates import SHANXI, Template, get_template, template_of

ROUNDING_LABEL = "尾差"
ROUNDING_NOTE = "（尾差，舍入可以解释）"  # the checks end every 尾差 message with it


@dataclass(slots=True)
class Group:
    """Findings shown together: one severity (without 尾差), or all 尾差."""

    key: str  # "error", "warning", "info" or "rounding"
    label: str  # 错误, 警告, 提示, 尾差
    findings: list[Finding]


def groups(report: Report) -> list[Group]:
    """Errors, warnings and notices that are not 尾差, then every 尾差 finding (whatever its
    severity) as a group of its own, so that rounding is never mixed with real errors."""
    result = [
        Group(s.value, s.label, [f for f in report.findings if f.severity == s and not f.rounding])
        for s in sorted(Severity, key=lambda s: s.rank)
    ]
    result.append(Group("rounding", ROUNDING_LABEL, [f for f in report.findings if f.rounding]))
    return result


def counts(report: Report) -> dict[str, int]:
    """Findings by severity (尾差 included in their severity), the number of 尾差 among them,
    and the total."""
    result = report.counts()
    result["rounding"] = len(report.rounding)
    result["total"] = len(report.findings)
    return result


def counts_line(report: Report) -> str:
    c = counts(report)
    return f"错误 {c['error']} · 警告 {c['warning']} · 提示 {c['info']}（其中尾差 {c['rounding']}）"


def decimal_text(value: Decimal | str | None) -> str | None:
    """Amounts as their exact decimal string (never a float); text stays text."""
    return None if value is None else str(value)


def short_file(path: str) -> str:
    return PurePath(path).name if path else ""


def where(source: Source | None, *, full: bool = False) -> str:
    """``file.txt:421`` (``第3页`` added when known); empty when there is no source."""
    if source is None or not source.file:
        return ""
    text = source.file if full else short_file(source.file)
    if source.line is not None:
        text += f":{source.line}"
    if source.page is not None:
        text += f"（第{source.page}页）"
    return text


def describe_location(location: Location) -> str:
    """``表6 工资福利支出 / 合计「300.79」 000.txt:263`` in one line."""
    text = location.label
    if location.text:
        text += f"「{location.text}」"
    place = where(location.source)
    return f"{text}  {place}" if place else text


def visible_locations(locations: list[Location], limit: int = 8) -> tuple[list[Location], int]:
    """The locations worth listing, and how many blank cells were left out: a sum over thirty
    classes cites every class, most of them blank."""
    if len(locations) <= limit:
        return locations, 0
    shown = [loc for i, loc in enumerate(locations) if i == 0 or loc.text.strip()]
    return shown, len(locations) - len(shown)


def year_text(year: int | None) -> str:
    return f"{year}年" if year is not None else "年度不详"


# --- the 检查表 -------------------------------------------------------------------------------

OTHER = "其他"
OTHER_KEY = "other"

_TABLE_LABEL = re.compile(r"^\s*表\s*(\d{1,2})(?!\d)")
_SECTION_NUMBER = re.compile(r"^([一二三四五六七八九十]+)、")


@dataclass(slots=True)
class ChecklistItem:
    """One row of the 检查表."""

    key: str  # the template's item key (``ChecklistSpec.key``) or ``other``
    part: str  # 部分
    name: str  # 检查项目
    disclosed: bool | None  # 是否公开; None when unknown (no disclosure) or not applicable
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        """Findings that are real defects: everything but 尾差."""
        return [f for f in self.findings if not f.rounding]

    @property
    def missing(self) -> bool:
        """Not disclosed and no finding already says so."""
        return self.disclosed is False and not self.problems

    @property
    def compliant(self) -> bool:
        return self.disclosed is not False and not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + (1 if self.missing else 0)

    def description_lines(self) -> list[str]:
        """Plain Chinese, one line per defect (identical messages merged), then the 尾差."""
        lines: list[str] = []
        if self.missing:
            lines.append("文件中未找到这一部分")
        lines += _merged(f"{f.severity.label}：{f.message}" for f in self.problems)
        lines += _merged(
            f"{ROUNDING_LABEL}：{f.message.removesuffix(ROUNDING_NOTE)}"
            for f in self.findings
            if f.rounding
        )
        return lines


def _merged(messages: Iterable[str]) -> list[str]:
    counted = Counter(messages)
    return [m if n == 1 else f"{m}（共{n}处）" for m, n in counted.items()]


def item_key(finding: Finding, template: Template = SHANXI) -> str:
    """The 检查表 item of a finding, decided by its first location."""
    location = finding.locations[0] if finding.locations else None
    label = "".join(location.label.split()) if location is not None else ""
    keys = {item.key for item in template.checklist}
    if location is not None:
        table = location.table
        if table is None:
            match = _TABLE_LABEL.match(label)
            table = int(match.group(1)) if match else None
        table_key = template.key_of(table) if table is not None else None
        if table_key is not None and f"table:{table_key}" in keys:
            return f"table:{table_key}"
        if label.startswith(template.section_label):
            match = _SECTION_NUMBER.match(label[len(template.section_label) :])
            number = parse_cn_numeral(match.group(1)) if match else None
            if number is not None and f"section:{number}" in keys:
                return f"section:{number}"
    performance = finding.family == "performance" or label.startswith(
        ("附件项目支出绩效", "附件绩效目标")
    )
    if performance and "performance" in keys:
        return "performance"
    if "explanation" in keys and "编制说明" in label:
        return "explanation"
    if label.startswith(("第一部分", "主要职能", "机构设置")):
        return "organization" if "机构" in label + finding.message else "duties"
    if label.startswith("第四部分") or "名词解释" in label:
        return "glossary"
    return OTHER_KEY


def _disclosed(key: str, d: Disclosure) -> bool:
    """Whether the document holds the part an item covers."""
    kind, _, which = key.partition(":")
    if kind == "table":
        return d.table(which) is not None
    if kind == "section":
        return any(parse_cn_numeral(s.number) == int(which) for s in d.sections)
    if key == "duties":
        return bool(d.duties.strip())
    if key == "organization":
        return bool(d.organization.strip())
    if key == "explanation":
        return any(not s.number and "编制说明" in s.title for s in d.sections)
    if key == "performance":
        return any(not t.whole_unit for t in d.performance_tables)
    if key == "glossary":
        return bool(d.glossary)
    return True


def checklist(report: Report) -> list[ChecklistItem]:
    """Every item of the document's template's 检查表 with the findings that belong to it; the
    其他 row last."""
    d: Disclosure | None = report.disclosure
    template = template_of(d) if d is not None else get_template(report.profile)
    items = [
        ChecklistItem(spec.key, spec.part, spec.name, _disclosed(spec.key, d) if d else None)
        for spec in template.checklist
    ]
    items.append(ChecklistItem(OTHER_KEY, OTHER, "其他问题", None))
    by_key = {item.key: item for item in items}
    for finding in report.findings:
        by_key[item_key(finding, template)].findings.append(finding)
    return items


def yes_no(value: bool | None) -> str:
    return "—" if value is None else ("是" if value else "否")
