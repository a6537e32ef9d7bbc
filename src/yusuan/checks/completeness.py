"""Family 4: everything the template requires is there, once."""

from __future__ import annotations

from collections import Counter

from yusuan.checks.engine import Checker, rule
from yusuan.checks.findings import Location, Severity
from yusuan.model import RowKind, Source, Table
from yusuan.names import comparable
from yusuan.numerals import cn_numeral
from yusuan.templates import template_of


def _file(ck: Checker) -> Source:
    return Source(ck.disclosure.meta.source_file)


@rule(
    "COMP-TABLES",
    "completeness",
    Severity.ERROR,
    "缺少预算公开表",
    "模板要求的预算表（山西13张、上海9张）缺一不可；没有数据的表也应保留表头并注明“本表无数据”。",
    ("shanxi", "shanghai", "shanghai-final"),
)
def tables_present(ck: Checker) -> None:
    for number, name in template_of(ck.disclosure).table_names.items():
        if number not in ck.disclosure.tables:
            ck.report(f"未找到表{number}“{name}”", [Location(_file(ck), f"表{number}")])


@rule(
    "COMP-PARTS",
    "completeness",
    Severity.ERROR,
    "缺少文字部分或章节",
    "应包含第一部分概况（单位职责、机构设置）、第三部分情况说明的十二节和第四部分名词解释。",
)
def parts_present(ck: Checker) -> None:
    d = ck.disclosure
    if not d.duties:
        ck.report("第一部分缺少“本单位职责”", [Location(_file(ck), "第一部分 概况")])
    if not d.organization:
        ck.report("第一部分缺少“机构设置情况”", [Location(_file(ck), "第一部分 概况")])
    present = {s.number for s in d.sections}
    for number, title in template_of(d).sections.items():
        if cn_numeral(number) not in present:
            ck.report(
                f"第三部分缺少“{cn_numeral(number)}、{title}”",
                [Location(_file(ck), f"第三部分 {cn_numeral(number)}、{title}")],
            )
    if not d.glossary:
        ck.report("缺少第四部分“名词解释”", [Location(_file(ck), "第四部分 名词解释")])


@rule(
    "COMP-NO-DATA",
    "completeness",
    Severity.WARNING,
    "空表未注明“本表无数据”或注明后仍有数据",
    "没有金额的表应注明“注：本表无数据”；注明“本表无数据”的表不应列有金额（后者为错误）。",
    ("shanxi", "shanghai", "shanghai-final"),
)
def empty_tables(ck: Checker) -> None:
    for number, table in sorted(ck.disclosure.tables.items()):
        has_values = any(
            cell.amount for row in table.rows for cell in row.cells.values() if cell.amount
        )
        names = template_of(ck.disclosure).table_names
        where = [Location(table.source, f"表{number}“{names.get(number, '')}”")]
        noted = [Location(table.note_source or table.source, f"表{number}表注", table.note)]
        if table.no_data and has_values:
            ck.report(f"表{number}注明“本表无数据”，但列有金额", noted + where,
                      severity=Severity.ERROR)  # fmt: skip
        elif not table.no_data and not has_values:
            ck.report(f"表{number}没有金额，未注明“本表无数据”", where)
        elif table.no_data:
            _note_subject(ck, table, noted)


# What a table is about, in the words a 表注 uses ("本部门无政府性基金预算财政拨款安排的预算").
_SUBJECTS = {
    "fund_expenditure": "政府性基金", "fund_income": "政府性基金",
    "capital_expenditure": "国有资本经营", "capital_budget": "国有资本经营",
    "three_public": "三公",
}  # fmt: skip


def _note_subject(ck: Checker, table: Table, noted: list[Location]) -> None:
    own = _SUBJECTS.get(table.key)
    if own is None or own in table.note:
        return
    said = next((w for w in set(_SUBJECTS.values()) if w in table.note), None)
    if said is not None:
        ck.report(
            f"表{table.number}的表注“{table.note}”说的是“{said}”，本表是{own}的表（表注照抄了他表）",
            noted,
        )


@rule(
    "COMP-PERF-TABLES",
    "completeness",
    Severity.ERROR,
    "项目绩效目标表缺失或重复",
    "表12中的每个项目（同名项目计一个）都应附一张项目支出绩效目标表，且不应重复；"
    "绩效目标表的项目名称应能在表12中找到（否则为警告）。",
)
def performance_tables_present(ck: Checker) -> None:
    d = ck.disclosure
    t12 = d.table("projects_current")
    tables = [t for t in d.performance_tables if not t.whole_unit]
    counts = Counter(comparable(t.project) for t in tables)
    for table in tables:
        key = comparable(table.project)
        if counts[key] > 1:
            counts[key] = 0  # report each duplicated project once
            ck.report(
                f"项目“{table.project}”的绩效目标表出现了不止一次",
                [
                    Location(t.source, "附件 项目支出绩效目标表", t.project)
                    for t in tables
                    if comparable(t.project) == key
                ],
            )
    if t12 is None:
        return
    projects = {comparable(r.label): r for r in t12.rows if r.kind == RowKind.PROJECT}
    published = {comparable(t.project) for t in tables}
    for key, row in projects.items():
        if key not in published:
            ck.report(
                f"表{t12.number}项目“{row.label}”没有绩效目标表",
                [
                    Location(
                        row.source,
                        f"表{t12.number} {row.label}",
                        row.label,
                        t12.number,
                        row.key,
                        "total",
                    )
                ],
            )
    for table in tables:
        if comparable(table.project) not in projects and table.project:
            ck.report(
                f"绩效目标表“{table.project}”在表{t12.number}中找不到同名项目",
                [Location(table.source, "附件 项目支出绩效目标表", table.project)],
                severity=Severity.WARNING,
            )
