"""Family 6: classification codes and names."""

from __future__ import annotations

from yusuan.catalog import class_name_in, economic_groups_by_name, function_classes, function_codes
from yusuan.checks.engine import Checker, cell_figure, rule
from yusuan.checks.findings import Location, Severity
from yusuan.checks.passages import passages
from yusuan.checks.views import (
    class_lines,
    coded_sides,
    coded_tables,
    economic_groups,
)
from yusuan.templates.shanxi import NUMBERED_CLASSES

PERSONNEL_GROUPS = ("工资福利支出", "对个人和家庭的补助")
PUBLIC_GROUPS = ("商品和服务支出",)


@rule(
    "CODE-NESTING",
    "codes",
    Severity.ERROR,
    "科目层级不完整",
    "7位“项”级科目应列在其5位“款”级科目之下，5位“款”级科目应列在其3位“类”级科目之下。",
)
def nesting(ck: Checker) -> None:
    for table, _side, rows in coded_sides(ck.disclosure):
        present = {r.code for r in rows}
        for row in rows:
            assert row.code is not None
            if len(row.code) > 3 and row.code[:-2] not in present:
                ck.report(
                    f"表{table.number}科目{row.code}“{row.label}”缺少上级科目{row.code[:-2]}",
                    [
                        cell_figure(
                            table,
                            row,
                            "total" if "total" in row.cells else next(iter(row.cells), "total"),
                        ).location
                    ],
                )


@rule(
    "CODE-CLASSES",
    "codes",
    Severity.ERROR,
    "支出功能分类“类”名称或编码有误",
    "表1、表4应按模板顺序列出30个支出功能分类“类”（按科目列示的表中的“类”见 CODE-CLASS-NAMES）。",
)
def class_names(ck: Checker) -> None:
    for key in ("budget_summary", "fiscal_summary"):
        table = ck.table(key)
        if table is None:
            continue
        number = table.number
        lines = class_lines(table)
        for row, wanted in zip(lines, NUMBERED_CLASSES, strict=False):
            if row.label != wanted:
                ck.report(
                    f"表{number}支出类“{row.label}”与模板“{wanted}”不符",
                    [Location(row.source, f"表{number} 支出方", row.label, number, row.key)],
                    expected=wanted,
                    actual=row.label,
                )
        if lines and len(lines) != len(NUMBERED_CLASSES):
            ck.report(
                f"表{number}列出{len(lines)}个支出类，模板为{len(NUMBERED_CLASSES)}个",
                [Location(table.source, f"表{number}")],
                severity=Severity.WARNING,
            )


@rule(
    "CODE-CLASS-NAMES",
    "codes",
    Severity.ERROR,
    "功能分类“类”编码或名称不符合当年科目",
    "按科目列示的表中，科目的前3位应是支出功能分类的“类”级编码，3位“类”的名称应为文件年度"
    "《政府收支分类科目》中的名称（如2019年起210为“卫生健康支出”，不再是“医疗卫生与计划生育支出”）；"
    "说明中也不应使用已更名的旧名称。",
    ("shanxi", "shanghai", "shanghai-final"),
)
def class_names_by_year(ck: Checker) -> None:
    d = ck.disclosure
    year = d.meta.year
    known = {c.code for c in function_classes()}
    for table in coded_tables(d):
        number = table.number
        for row in table.rows:
            code = row.code
            if not code or not code.isdigit():
                continue
            where = [Location(row.source, f"表{number} {code}", row.label or code, number, row.key)]
            if code[:3] not in known:
                ck.report(
                    f"表{number}科目编码“{code}”{row.label and '（' + row.label + '）'}的前3位"
                    f"“{code[:3]}”不是支出功能分类的“类”级编码",
                    where,
                )
                continue
            if len(code) != 3 or not row.label or year is None:
                continue
            wanted = class_name_in(code, year)
            if wanted is None or row.label == wanted:
                continue
            old = next((c for c in function_classes() if c.code == code and c.name == row.label),
                       None)  # fmt: skip
            why = f"，该名称已于{old.to_year + 1}年更名" if old and old.to_year else ""
            ck.report(
                f"表{number}科目{code}名称为“{row.label}”，{year}年应为“{wanted}”{why}",
                where,
                expected=wanted,
                actual=row.label,
            )
    if year is None:
        return
    old_names = [c for c in function_classes() if c.to_year is not None and c.to_year < year]
    path = d.meta.source_file
    for passage in passages(ck):
        for old in old_names:
            at = passage.text.find(old.name)
            if at < 0:
                continue
            wanted = class_name_in(old.code, year)
            ck.report(
                f"{passage.label}使用已更名的科目名称“{old.name}”，{year}年{old.code}类为"
                f"“{wanted}”",
                [passage.location(at, old.name, path)],
                expected=wanted,
                actual=old.name,
            )


@rule(
    "CODE-CATALOG",
    "codes",
    Severity.WARNING,
    "科目编码或名称与已知目录不符",
    "科目编码及名称与已公开文件中见过的编码目录比对：未见过的编码或名称不同的科目提示核实"
    "（目录并不完整，故为警告而非错误）。同一编码在不同表中名称应相同。",
)
def catalog(ck: Checker) -> None:
    known = function_codes()
    seen: dict[str, tuple[int, str]] = {}
    for table in coded_tables(ck.disclosure):
        for row in table.rows:
            if not row.code or not row.label:
                continue
            number = table.number
            where = [Location(row.source, f"表{number} {row.code}", row.label, number, row.key)]
            first = seen.setdefault(row.code, (number, row.label))
            if first[1] != row.label:
                ck.report(
                    f"科目{row.code}在表{first[0]}名为“{first[1]}”，在表{number}名为“{row.label}”",
                    where,
                    expected=first[1],
                    actual=row.label,
                    severity=Severity.ERROR,
                )
            if first[0] != number:
                continue
            entry = known.get(row.code)
            if entry is None and len(row.code) > 3:
                ck.report(f"科目{row.code}“{row.label}”不在已知编码目录中，请核实", where)
            elif entry is not None and row.label not in entry[1]:
                ck.report(
                    f"科目{row.code}名为“{row.label}”，已知目录中为“{entry[0]}”",
                    where,
                    expected=entry[0],
                    actual=row.label,
                )


@rule(
    "CODE-ECONOMIC",
    "codes",
    Severity.ERROR,
    "经济科目归类或人员/公用经费列错误",
    "表6中工资福利支出、对个人和家庭的补助下的科目属于人员经费，商品和服务支出下的科目属于公用经费；"
    "科目应列在其所属的经济分类之下（按已知经济科目目录判断）。",
)
def economic(ck: Checker) -> None:
    table = ck.table("basic_by_economic")
    if table is None:
        return
    groups_of = economic_groups_by_name()
    for group, items in economic_groups(table):
        for item in items:
            home = groups_of.get(item.label)
            if home is not None and home != group.label:
                ck.report(
                    f"表6“{item.label}”属于“{home}”，却列在“{group.label}”之下",
                    [
                        Location(
                            item.source,
                            f"表{table.number} {item.label}",
                            item.label,
                            table.number,
                            item.key,
                        )
                    ],
                    expected=home,
                    actual=group.label,
                )
            wrong = None
            if group.label in PERSONNEL_GROUPS and item.amount("public"):
                wrong = "public"
            elif group.label in PUBLIC_GROUPS and item.amount("personnel"):
                wrong = "personnel"
            if wrong is not None:
                ck.report(
                    f"表6“{group.label}”下的“{item.label}”应计入"
                    f"{'人员经费' if wrong == 'public' else '公用经费'}，却列在"
                    f"{'公用经费' if wrong == 'public' else '人员经费'}栏",
                    [cell_figure(table, item, wrong).location],
                )


@rule(
    "CODE-PRINTED",
    "codes",
    Severity.WARNING,
    "科目编码印刷不规范",
    "分栏印刷的科目编码，“款”“项”应印两位（如“301 02 津贴补贴”，不应印成“301 2”）。",
    ("shanghai",),  # (the template that prints codes in 类/款/项 columns)
)
def printed_codes(ck: Checker) -> None:
    for table in ck.disclosure.tables.values():
        for row in table.rows:
            if row.printed_code and row.code:
                number = table.number
                ck.report(
                    f"表{number}科目“{row.label}”的编码印为“{row.printed_code}”，应为"
                    f"“{row.code}”（款、项应印两位）",
                    [
                        Location(
                            row.source, f"表{number} {row.code}", row.printed_code, number, row.key
                        )
                    ],
                    expected=row.code,
                    actual=row.printed_code,
                )
