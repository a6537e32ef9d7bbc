"""Command line: ``yusuan parse FILE --format json|cells|summary`` and ``yusuan schema``.

Exit codes: 0 success; 1 a file cannot be read or is not a disclosure; 2 (parse) the document was
read but parts of the template are missing (the output still holds what was read); 3 (check)
findings at or above the ``--fail-on`` level.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from yusuan import __version__, read
from yusuan.errors import YusuanError
from yusuan.model import Disclosure

if TYPE_CHECKING:
    from yusuan.checks.report import Report

EXIT_UNREADABLE = 1
EXIT_INCOMPLETE = 2
EXIT_FINDINGS = 3


def _write(text: str, output: Path | None) -> None:
    """Write to stdout, or atomically to a file (a failed run never leaves half a file)."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _incomplete(disclosure: Disclosure) -> bool:
    return any(issue.message.startswith("缺少") for issue in disclosure.issues)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="yusuan")
def main() -> None:
    """yusuan（预算）：读取、检查、生成部门/单位预算公开文件。"""


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "cells", "summary"]),
    default="summary",
    show_default=True,
    help="json：完整模型；cells：每个表格单元格一行的 CSV；summary：中文概要",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写入文件而不是标准输出")
def parse(file: Path, fmt: str, output: Path | None) -> None:
    """读取预算公开文件 FILE，输出其内容。"""
    from yusuan.export.cells import to_cells_csv
    from yusuan.export.json import to_json
    from yusuan.export.summary import to_summary

    try:
        disclosure = read(file)
    except YusuanError as exc:
        click.echo(f"错误：{exc.describe()}", err=True)
        sys.exit(EXIT_UNREADABLE)
    render = {"json": to_json, "cells": to_cells_csv, "summary": to_summary}[fmt]
    _write(render(disclosure), output)
    if fmt != "summary":
        for issue in disclosure.issues:
            where = f"（{issue.source}）" if issue.source and issue.source.line else ""
            click.echo(f"提示：{issue.message}{where}", err=True)
    if _incomplete(disclosure):
        click.echo(f"警告：{file} 不完整，已输出可读取的部分", err=True)
        sys.exit(EXIT_INCOMPLETE)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html", "xlsx"]),
    default="text",
    show_default=True,
    help="text：终端报告；json：结构化结果；html：带原文对照的网页报告；xlsx：检查表",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="报告写入的文件")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "never"]),
    default="error",
    show_default=True,
    help="出现何种级别的问题时以非零状态退出",
)
def check(files: tuple[Path, ...], fmt: str, output: Path | None, fail_on: str) -> None:
    """检查一个或多个预算公开文件，输出问题报告。

    退出状态：0 未发现达到 --fail-on 级别的问题；1 有文件无法读取；3 发现问题。
    """
    from yusuan import check as run_check

    reports: list[Report] = []
    unreadable = False
    for file in files:
        try:
            reports.append(run_check(read(file)))
        except YusuanError as exc:
            click.echo(f"错误：{exc.describe()}", err=True)
            unreadable = True
    if fmt == "xlsx" and output is None:
        click.echo("错误：xlsx 格式需要用 -o 指定输出文件，例如 -o 检查表.xlsx", err=True)
        sys.exit(EXIT_UNREADABLE)
    if reports:
        _render_reports(reports, fmt, output)
    if unreadable:
        sys.exit(EXIT_UNREADABLE)
    if any(r.fails(fail_on) for r in reports):
        sys.exit(EXIT_FINDINGS)


def _render_reports(reports: list[Report], fmt: str, output: Path | None) -> None:
    if fmt == "text":
        from rich.console import Console

        from yusuan.checks.render.text import print_report

        if output is None:
            print_report(reports, Console())
        else:
            with output.open("w", encoding="utf-8") as handle:
                print_report(reports, Console(file=handle, width=120, no_color=True))
    elif fmt == "json":
        from yusuan.checks.render.json import to_json

        _write(to_json(reports), output)
    elif fmt == "html":
        from yusuan.checks.render.html import to_html

        _write(to_html(reports), output)
    else:
        from yusuan.checks.render.xlsx import write_xlsx

        assert output is not None
        write_xlsx(reports, output)
    if output is not None:
        click.echo(f"报告已写入 {output}", err=True)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="text：终端列表；markdown：规则文档（docs/rules.md 即由此生成）",
)
def rules(fmt: str) -> None:
    """列出全部检查规则：编号、类别、级别、名称和说明。"""
    from yusuan.checks import REGISTRY
    from yusuan.checks.engine import FAMILIES

    if fmt == "markdown":
        click.echo(_rules_markdown())
        return
    for rule in REGISTRY.values():
        click.echo(f"{rule.id:<26} {FAMILIES[rule.family]:<10} {rule.severity.label}  {rule.title}")
        click.echo(f"{'':<26} {rule.explanation}")


def _rules_markdown() -> str:
    from yusuan.checks import REGISTRY
    from yusuan.checks.engine import FAMILIES
    from yusuan.checks.tolerance import __doc__ as tolerance_doc

    lines = [
        "# Check rules",
        "",
        "Generated by `yusuan rules --format markdown`; do not edit by hand.",
        "",
        "Severity: 错误 (error) is a defect; 警告 (warning) needs a person to look; 提示 (info) "
        "includes 尾差, differences that rounding explains.",
        "",
        "## Rounding",
        "",
        (tolerance_doc or "").strip(),
    ]
    for family, name in FAMILIES.items():
        lines += ["", f"## {name} ({family})", "", "| id | severity | title | what it checks |"]
        lines.append("|---|---|---|---|")
        for rule in REGISTRY.values():
            if rule.family == family:
                lines.append(
                    f"| {rule.id} | {rule.severity.label} | {rule.title} | {rule.explanation} |"
                )
    return "\n".join(lines) + "\n"


@main.command()
def schema() -> None:
    """输出 JSON 格式的模型结构说明（JSON Schema）。"""
    from yusuan.export.json import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
