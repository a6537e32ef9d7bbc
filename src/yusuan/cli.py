"""Command line: ``yusuan parse FILE --format json|cells|summary`` and ``yusuan schema``.

Exit codes: 0 success; 1 the file cannot be read or is not a disclosure; 2 the document was read
but parts of the template are missing (the output still holds what was read).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from yusuan import __version__, read
from yusuan.errors import YusuanError
from yusuan.model import Disclosure

EXIT_UNREADABLE = 1
EXIT_INCOMPLETE = 2


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
def schema() -> None:
    """输出 JSON 格式的模型结构说明（JSON Schema）。"""
    from yusuan.export.json import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
