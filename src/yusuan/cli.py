"""Command line: ``yusuan parse FILE --format json|cells|summary`` and ``yusuan schema``.

Exit codes: 0 success; 1 a file cannot be read or is not a disclosure; 2 (parse) the document was
read but parts of the template are missing (the output still holds what was read); 3 (check)
findings at or above the ``--fail-on`` level.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from yusuan import __version__, read
from yusuan.errors import YusuanError
from yusuan.files import write_text_atomically
from yusuan.ingest.cli import ingest as ingest_command
from yusuan.model import Disclosure
from yusuan.templates import TEMPLATES

TEMPLATE_KEYS = tuple(TEMPLATES)

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
    write_text_atomically(output, text)


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
    from yusuan.cliprogress import page_progress
    from yusuan.export.cells import to_cells_csv
    from yusuan.export.json import to_json
    from yusuan.export.summary import to_summary

    try:
        with page_progress(file.name):
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
    from yusuan.cliprogress import page_progress

    reports: list[Report] = []
    unreadable = False
    for file in files:
        try:
            with page_progress(file.name):
                disclosure = read(file)
            reports.append(run_check(disclosure))
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
    from yusuan.rulebook import rules_markdown, rules_text

    click.echo(rules_markdown() if fmt == "markdown" else rules_text())


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True,
    help="预算数据文件：.yaml、.json 或 .xlsx（填报工作簿）",
)  # fmt: skip
def data(file: Path, output: Path) -> None:
    """把一份预算公开文件转为可编辑的预算数据，作为下一年度填报的起点。

    数据按文件所用的模板（山西13张表、上海9张表、上海部门决算）提取，金额一律为元。"""
    from yusuan.budget.extract import to_budget_data
    from yusuan.templates import template_of

    budget: object
    try:
        disclosure = read(file)
        final = template_of(disclosure).kind == "决算"
        if final:
            from yusuan.budget.final_extract import to_final_data

            budget, notes = to_final_data(disclosure)
        else:
            budget, notes = to_budget_data(disclosure)
        _save_data(budget, output)
    except YusuanError as exc:
        click.echo(f"错误：{exc.describe()}", err=True)
        sys.exit(EXIT_UNREADABLE)
    for note in notes:
        click.echo(f"提示：{note}", err=True)
    click.echo(f"{'决算' if final else '预算'}数据已写入 {output}", err=True)


def _save_data(budget: object, output: Path) -> None:
    from yusuan.budget.final_model import FinalData
    from yusuan.budget.io import dump_data
    from yusuan.budget.model import BudgetData
    from yusuan.budget.workbook import write_workbook

    if isinstance(budget, FinalData):
        if output.suffix.lower() not in (".yaml", ".yml", ".json"):
            raise YusuanError(str(output), "决算数据只能写成 .yaml 或 .json 文件",
                              "请换用 -o 决算.yaml")  # fmt: skip
        dump_data(budget, output)
        return
    assert isinstance(budget, BudgetData)
    if output.suffix.lower() == ".xlsx":
        write_workbook(budget, output)
    else:
        dump_data(budget, output)


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option(
    "--template", "template_key", type=click.Choice(sorted(TEMPLATE_KEYS)), default="shanxi",
    show_default=True, help="公开模板：shanxi（山西13张表）或 shanghai（上海9张表）",
)  # fmt: skip
def template(output: Path, template_key: str) -> None:
    """生成预算数据填报工作簿（XLSX，含填写说明和数据校验）。"""
    from yusuan.budget.workbook import write_workbook

    try:
        write_workbook(None, output, template_key)
    except YusuanError as exc:
        click.echo(f"错误：{exc.describe()}", err=True)
        sys.exit(EXIT_UNREADABLE)
    click.echo(f"填报工作簿已写入 {output}", err=True)


def _load_budget(file: Path) -> Disclosure:
    """A disclosure from budget data (.yaml/.json/.xlsx workbook) or from a published document;
    raises ``UnsupportedStageError`` when its template cannot be rendered."""
    from yusuan.budget.build import DataError, build
    from yusuan.budget.io import load_any
    from yusuan.templates import template_of

    suffix = file.suffix.lower()
    if suffix in (".yaml", ".yml", ".json") or (suffix == ".xlsx" and _is_input_workbook(file)):
        try:
            return build(load_any(file), str(file))
        except DataError as exc:
            raise YusuanError(str(file), str(exc)) from None
    disclosure = read(file)
    template_of(disclosure).require("render", str(file))
    return disclosure


def _is_input_workbook(file: Path) -> bool:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True)
    except Exception:  # not a workbook at all: let the reader say so
        return False
    names = workbook.sheetnames
    workbook.close()
    return "基本信息" in names and "功能科目" in names


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--format", "formats", default="docx,pdf,html,xlsx", show_default=True,
    help="逗号分隔：docx,pdf,html,xlsx,txt（txt 为制表符分隔的文本）",
)  # fmt: skip
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="输出目录")
def render(file: Path, formats: str, output: Path) -> None:
    """由预算数据（或已公开的文件）生成公开文件。"""
    from yusuan.render.api import FORMATS
    from yusuan.render.api import render as render_all

    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        click.echo(f"错误：不支持的格式 {'、'.join(unknown)}；可选 {','.join(FORMATS)}", err=True)
        sys.exit(EXIT_UNREADABLE)
    try:
        disclosure = _load_budget(file)
    except YusuanError as exc:
        click.echo(f"错误：{exc.describe()}", err=True)
        sys.exit(EXIT_UNREADABLE)
    with click.progressbar(length=len(chosen), label="生成中", file=sys.stderr) as bar:
        written = {}
        for fmt in chosen:
            written.update(render_all(disclosure, output, (fmt,)))
            bar.update(1)
    for fmt, path in written.items():
        click.echo(f"{fmt.upper():<5} {path}")


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("out/demo"),
              show_default=True, help="输出目录")  # fmt: skip
def demo(output: Path) -> None:
    """演示：用示例单位的预算数据生成全部格式，再读回并检查，列出文件位置。"""
    from importlib.resources import files

    from yusuan import check as run_check
    from yusuan.budget.build import build
    from yusuan.budget.io import load_data
    from yusuan.render.api import render as render_all

    source = Path(str(files("yusuan.examples").joinpath("example_unit_2025.yaml")))
    disclosure = build(load_data(source), str(source))
    click.echo(f"示例数据：{source}")
    from rich.console import Console
    from rich.table import Table as RichTable

    written = render_all(disclosure, output)
    table = RichTable("格式", "读回表格", "错误", "警告", "文件")
    table.columns[-1].overflow = "fold"  # show the whole path, wrapped
    problems = 0
    for fmt, path in written.items():
        if fmt in ("docx", "xlsx", "pdf", "html"):
            back = read(path)
            counts = run_check(back).counts()
            same = _same_tables(disclosure, back)
            problems += counts["error"] + (0 if same else 1)
            table.add_row(fmt, "一致" if same else "不一致",
                          str(counts["error"]), str(counts["warning"]), str(path))  # fmt: skip
        else:
            table.add_row(fmt, "—", "—", "—", str(path))
    Console().print(table)
    if problems:
        click.echo("演示发现问题，请查看上表", err=True)
        sys.exit(EXIT_FINDINGS)
    click.echo("全部生成完毕：读回的表格与数据一致，检查无错误。")


def _same_tables(a: Disclosure, b: Disclosure) -> bool:
    """Every table cell equal, compared in printed order (both halves of a printed row)."""
    from yusuan.render.layout import paired_rows

    def cells(d: Disclosure) -> list[tuple[object, ...]]:
        return [
            (n, r.side, r.code, r.label, tuple((k, c.text) for k, c in r.cells.items() if c.text))
            for n, t in sorted(d.tables.items())
            for printed in paired_rows(t)
            for r in printed
            if r is not None
        ]

    return cells(a) == cells(b)


@main.command()
def schema() -> None:
    """输出 JSON 格式的模型结构说明（JSON Schema）。"""
    from yusuan.export.json import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


@main.command("data-schema")
@click.option("--kind", "kind", type=click.Choice(["预算", "决算"]), default="预算",
              show_default=True, help="预算数据或决算数据")  # fmt: skip
def data_schema_command(kind: str) -> None:
    """输出预算或决算数据（YAML/JSON）的结构说明（JSON Schema）。"""
    from yusuan.budget.io import data_schema

    click.echo(json.dumps(data_schema(kind), ensure_ascii=False, indent=2))


main.add_command(ingest_command)


@main.command()
@click.option("--count", type=click.IntRange(min=1), help="生成的文档数（必填）")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="输出目录（必填）")
@click.option("--seed", type=int, default=0, show_default=True,
              help="随机种子：种子相同，生成的语料相同")  # fmt: skip
@click.option(
    "--formats", default="txt,docx,xlsx,html", show_default=True,
    help="逗号分隔，可选 txt,docx,xlsx,html,pdf；txt 约占97%，其余格式各约1%（pdf 较慢）",
)  # fmt: skip
@click.option("--defect-rate", type=click.FloatRange(0, 1), default=0.2, show_default=True,
              help="每份文档被注入一处错误的概率")  # fmt: skip
@click.option("--defect-kinds", default="", help="逗号分隔的错误类型，默认全部（见 --list-kinds）")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="并行进程数")  # fmt: skip
@click.option("--list-kinds", is_flag=True, help="列出可注入的错误类型后退出")
@click.option("--template", "template", type=click.Choice(["shanxi", "shanghai"]),
              default="shanxi", show_default=True,
              help="shanghai：上海模板的预算，每份之后写同年的决算")  # fmt: skip
def synth(
    count: int | None,
    output: Path | None,
    seed: int,
    formats: str,
    defect_rate: float,
    defect_kinds: str,
    workers: int,
    list_kinds: bool,
    template: str,
) -> None:
    """生成模拟的预算公开文件语料（用于大规模测试）。

    文件按“地区/部门”分目录写入输出目录，另写 manifest.csv（文件清单：单位、部门、年度、格式、
    注入的错误、sha256）和 defects.csv（注入的错误、应报告的规则、位置、说明）。同一单位连续
    多年出现，各年“比上年”数与上一年文件一致。每个文件原子写入，中断时不留下写了一半的文件。
    """
    from yusuan.synth.corpus import FORMATS, Options, synthesize
    from yusuan.synth.defects import KIND_LABELS
    from yusuan.synth.defects import KINDS as BUDGET_KINDS
    from yusuan.synth.finals import FINAL_KIND_LABELS, FINAL_KINDS

    all_kinds = (*BUDGET_KINDS, *FINAL_KINDS)
    if list_kinds:
        for kind in all_kinds:
            click.echo(f"{kind:<20} {KIND_LABELS.get(kind) or FINAL_KIND_LABELS[kind]}")
        return
    if count is None or output is None:
        click.echo("错误：请用 --count 指定文档数、-o 指定输出目录", err=True)
        sys.exit(EXIT_UNREADABLE)
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    kinds = tuple(k.strip() for k in defect_kinds.split(",") if k.strip()) or all_kinds
    unknown = [f for f in chosen if f not in FORMATS] + [k for k in kinds if k not in all_kinds]
    if unknown or not chosen:
        click.echo(
            f"错误：不支持的格式或错误类型 {'、'.join(unknown) or '（未指定格式）'}；"
            f"格式可选 {','.join(FORMATS)}，错误类型见 yusuan synth --list-kinds",
            err=True,
        )
        sys.exit(EXIT_UNREADABLE)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    options = Options(count, output, seed, chosen, defect_rate, kinds, workers, template=template)
    columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())  # fmt: skip
    try:
        with Progress(*columns, console=Console(stderr=True)) as progress:
            task = progress.add_task("生成中", total=count)
            summary = synthesize(options, lambda n: progress.advance(task, n))
    except KeyboardInterrupt:
        click.echo("已中断：已写出的文件都是完整的，manifest.csv 和 defects.csv 未写出", err=True)
        sys.exit(130)
    total = summary.documents
    shares = "、".join(f"{fmt} {n}" for fmt, n in summary.formats.most_common())
    defects = sum(summary.defects.values())
    kinds_text = "、".join(f"{k} {n}" for k, n in summary.defects.most_common())
    per = summary.seconds / total * 1000 if total else 0.0
    click.echo(f"文档数：{total}")
    click.echo(f"格式分布：{shares}")
    click.echo(f"缺陷数：{defects}" + (f"（{kinds_text}）" if kinds_text else ""))
    click.echo(f"用时：{summary.seconds:.1f} 秒（每份 {per:.1f} 毫秒）")
    click.echo(f"大小：{summary.bytes / 1024 / 1024:.1f} MB")
    click.echo(f"清单：{output / 'manifest.csv'}；缺陷：{output / 'defects.csv'}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="监听端口")  # fmt: skip
@click.option("--db", help="数据库：文件路径、sqlite:///… 或 postgresql://…（默认 YUSUAN_DB）")
@click.option("--data-dir", help="上传文件等数据的目录（默认 YUSUAN_DATA_DIR 或 yusuan-data）")
@click.option("--ingest", "paths", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="启动前导入的文件或目录（可多次指定）")  # fmt: skip
@click.option("--example", is_flag=True, help="启动前导入随包附带的示例单位")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="工作进程数")  # fmt: skip
@click.option("--job-workers", type=click.IntRange(0, 64), default=1, show_default=True,
              help="后台处理上传文件的进程数（0：不启动，由 yusuan worker 处理）")  # fmt: skip
def serve(
    host: str, port: int, db: str | None, data_dir: str | None, paths: tuple[Path, ...],
    example: bool, workers: int, job_workers: int,
) -> None:  # fmt: skip
    """启动网页应用（审核人员与预算单位使用），并打印访问地址和管理员账号。"""
    from yusuan.store.db import StoreError
    from yusuan.web.serve import serve as run_server

    try:
        run_server(host, port, db, data_dir, list(paths), example, click.echo, workers, job_workers)
    except StoreError as exc:
        click.echo(f"错误：{exc.describe()}", err=True)
        sys.exit(EXIT_UNREADABLE)


def _store_commands() -> None:
    """Commands over the database: links and checks across years, comparisons, exports."""
    from yusuan.analytics.commands import compare, export, trend
    from yusuan.crossyear.commands import codemap, crosscheck, links
    from yusuan.web.workercli import worker

    for command in (links, crosscheck, codemap, compare, trend, export, worker):
        main.add_command(command)


_store_commands()


if __name__ == "__main__":
    main()
