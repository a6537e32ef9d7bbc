"""The terminal report: per document a header with the counts, then the findings by severity,
each with its rule, message and the places it cites; 尾差 last, one short line each.

Document text is never read as ``rich`` markup: everything is built from ``Text`` pieces.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from yusuan.checks.findings import Finding, Location
from yusuan.checks.render.common import (
    ROUNDING_NOTE,
    counts,
    groups,
    short_file,
    visible_locations,
    where,
    year_text,
)
from yusuan.checks.report import Report

STYLES = {"error": "bold red", "warning": "bold yellow", "info": "cyan", "rounding": "dim"}
MARKS = {"error": "✗", "warning": "!", "info": "i", "rounding": "≈"}
MAX_LOCATIONS = 8  # more than this and the blank cells of a long sum are summarised


def print_report(reports: list[Report], console: Console) -> None:
    for index, report in enumerate(reports):
        if index:
            console.print()
        _print_document(report, console)
    if len(reports) > 1:
        console.print()
        console.print(_overview(reports))


def _header(report: Report) -> Panel:
    c = counts(report)
    title = Text.assemble(
        (report.unit_name or "（未识别单位名称）", "bold"),
        f"  {year_text(report.year)}  {report.scope}",
    )
    tally = Text.assemble(
        ("错误 ", ""),
        (str(c["error"]), STYLES["error"] if c["error"] else ""),
        "  警告 ",
        (str(c["warning"]), STYLES["warning"] if c["warning"] else ""),
        "  提示 ",
        (str(c["info"]), ""),
        (f"（其中尾差 {c['rounding']}）", "dim"),
    )
    verdict = (
        Text("✗ 发现错误", style=STYLES["error"])
        if c["error"]
        else Text("✓ 未发现错误", style="bold green")
    )
    return Panel(
        Group(
            title,
            Text.assemble(("文件：", "dim"), report.file),
            Text.assemble(tally, "   ", verdict),
        ),
        expand=False,
        border_style="red" if c["error"] else "green",
    )


def _print_document(report: Report, console: Console) -> None:
    console.print(_header(report))
    if report.reading_issues:
        console.print(Text("读取提示", style="bold"))
        for message in report.reading_issues:
            for index, line in enumerate(wrap_lines(Text(message), console.width - 4)):
                console.print(Text("  · " if index == 0 else "    ") + line, style="dim")
    shown = False
    for group in groups(report):
        if not group.findings:
            continue
        shown = True
        style = STYLES[group.key]
        console.print(
            Rule(Text(f"{group.label}（{len(group.findings)}）", style=style), align="left")
        )
        if group.key == "rounding":
            console.print(Text("舍入可以解释的差额，不是错误：", style="dim"))
            for line in _rounding_lines(group.findings, console.width):
                console.print(line)
            continue
        for finding in group.findings:
            console.print(_finding(finding, group.key, console.width))
    if not shown:
        console.print(Text("未发现问题。", style="green"))


def _finding(finding: Finding, key: str, width: int) -> Text:
    text = Text.assemble(
        (f"{MARKS[key]} ", STYLES[key]), (finding.rule, STYLES[key]), "  ", (finding.title, "bold")
    )
    text.append_text(wrap(Text(finding.message), 4, width))
    for line in _location_lines(finding.locations):
        text.append_text(wrap(line, 6, width))
    return text


_TOKEN = re.compile(r"[\x21-\x7e]+|\s+|.", re.S)
_NO_LINE_START = set("，。、；：！？）」』”’》%")
_NO_LINE_END = set("（「『“‘《")


def wrap_lines(text: Text, width: int) -> list[Text]:
    """Fold ``text`` to ``width`` cells. Chinese may break between any two characters (rich
    breaks only at spaces); a run of ASCII such as an amount, a rule id or a file name is kept
    whole when it fits; closing punctuation never starts a line, opening never ends one."""
    room = max(width - 2, 20)  # 2 cells of slack for punctuation kept on its line
    breaks: list[int] = []
    used = 0
    previous: re.Match[str] | None = None
    for match in _TOKEN.finditer(text.plain):
        token = match.group()
        size = cell_len(token)
        if used and used + size > room and not token.isspace() and token not in _NO_LINE_START:
            at = match.start()
            if previous is not None and previous.group() in _NO_LINE_END:
                at = previous.start()
            if not breaks or at > breaks[-1]:
                breaks.append(at)
                used = cell_len(text.plain[at : match.start()])
        used += size
        previous = match
    lines = list(text.divide(breaks))
    for line in lines:
        line.rstrip()
    return lines


def wrap(text: Text, indent: int, width: int) -> Text:
    """``text`` on new lines indented by ``indent``, folded to the console width."""
    result = Text()
    for line in wrap_lines(text, width - indent):
        result.append("\n" + " " * indent)
        result.append_text(line)
    return result


def _location_lines(locations: list[Location]) -> list[Text]:
    """Each cited place on one line; in a long sum the blank cells are counted, not listed."""
    shown, hidden = visible_locations(locations, MAX_LOCATIONS)
    lines = []
    for loc in shown:
        line = Text.assemble(("→ ", "dim"), loc.label)
        if loc.text:
            line.append(f"「{loc.text}」", style="bold")
        place = where(loc.source)
        if place:
            line.append(f"  {place}", style="dim")
        lines.append(line)
    if hidden:
        lines.append(Text(f"另有 {hidden} 处空白单元格未列出", style="dim"))
    return lines


def _rounding_lines(findings: list[Finding], width: int) -> list[Text]:
    """One short line per 尾差; the same comparison in several columns is shown once."""
    merged: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        message = finding.message.removesuffix(ROUNDING_NOTE)
        merged.setdefault((finding.rule, message), []).append(finding)
    lines = []
    for (rule_id, message), same in merged.items():
        text = Text.assemble((rule_id, "dim"), "  ", message)
        if len(same) > 1:
            text.append(f"（{len(same)}列）", style="dim")
        first = same[0].locations[0] if same[0].locations else None
        if first is not None and first.source is not None and first.source.line is not None:
            text.append(f"  第{first.source.line}行", style="dim")
        for index, line in enumerate(wrap_lines(text, width - 2)):
            lines.append(Text("≈ " if index == 0 else "  ", style="dim") + line)
    return lines


def _overview(reports: list[Report]) -> Table:
    table = Table(title="汇总", title_justify="left", show_lines=False)
    for header in ("单位", "年度", "文件"):
        table.add_column(header)
    for header in ("错误", "警告", "提示", "其中尾差"):
        table.add_column(header, justify="right")
    for report in reports:
        c = counts(report)
        table.add_row(
            Text(report.unit_name),
            year_text(report.year),
            Text(short_file(report.file)),
            Text(str(c["error"]), style=STYLES["error"] if c["error"] else ""),
            Text(str(c["warning"]), style=STYLES["warning"] if c["warning"] else ""),
            str(c["info"]),
            str(c["rounding"]),
        )
    return table
