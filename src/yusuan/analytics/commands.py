"""``yusuan compare``, ``yusuan trend`` and ``yusuan export``: the store's figures across units and
years, in Chinese tables, CSV or JSON, and tidy files for further analysis."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from yusuan.errors import YusuanError

DB_HELP = (
    "数据库地址，如 sqlite:///预算.db 或 postgresql://用户@主机/库（默认 YUSUAN_DB 或 ./yusuan.db）"
)
COMPARE_METRICS = ("three_public", "operating_costs", "personnel_share", "class_spending",
                   "per_head", "findings", "budget_final")  # fmt: skip
TREND_METRICS = ("facts", "three_public", "operating_costs", "personnel_share", "per_head",
                 "findings", "codes", "budget_final")  # fmt: skip


def open_db(db: str | None) -> Any:
    """The store, or a Chinese message and exit status 1."""
    from yusuan.store import open_store

    try:
        return open_store(db)
    except YusuanError as exc:
        click.echo(f"错误：{exc.describe()}", err=True)
        sys.exit(1)


def _console() -> Any:
    """The terminal; piped output gets wide lines so Chinese names are not wrapped."""
    from rich.console import Console

    console = Console(soft_wrap=False)
    if not console.is_terminal:
        console = Console(soft_wrap=False, width=max(console.width, 200))
    return console


@click.command()
@click.option("--db", help=DB_HELP)
@click.option("--year", type=int, help="只比较该年度的文件")
@click.option("--unit", help="只比较名称含此内容的单位")
@click.option("--scope", type=click.Choice(["单位", "部门"]), help="只比较单位预算或部门预算")
@click.option("--metric", type=click.Choice(COMPARE_METRICS), default="three_public",
              show_default=True,
              help="three_public：“三公”经费；operating_costs：机关运行经费；personnel_share：人员经费"
                   "占基本支出比重；class_spending：按功能分类类的支出；per_head：人均支出；"
                   "findings：按检查问题排名")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True,
              help="table：终端表格（万元）；csv、json：全部字段（元）")  # fmt: skip
@click.option("--limit", type=int, default=None,
              help="最多列出的条数（表格默认50，0 为全部；csv、json 默认全部）")  # fmt: skip
def compare(db: str | None, year: int | None, unit: str | None, scope: str | None, metric: str,
            fmt: str, limit: int | None) -> None:  # fmt: skip
    """比较各单位的“三公”经费、机关运行经费、人员经费占比、分类支出、人均支出、检查问题，或决算与预算（执行率）。"""
    from yusuan.analytics import compare as queries
    from yusuan.analytics import render

    if limit is None:
        limit = 50 if fmt == "table" else 0
    store = open_db(db)
    try:
        with store.reader() as session:
            rows = queries.compare(session, metric, year=year, unit=unit, scope=scope,
                                   limit=limit or None)  # fmt: skip
            totals = (queries.class_totals(session, year=year, unit=unit, scope=scope)
                      if metric == "class_spending" else [])  # fmt: skip
    finally:
        store.close()
    if fmt == "json":
        click.echo(render.to_json(rows, metric=metric, year=year), nl=False)
    elif fmt == "csv":
        click.echo(render.to_csv(rows), nl=False)
    else:
        console = _console()
        if totals:
            console.print(render.class_totals_table(totals, year))
        console.print(render.compare_table(metric, rows, year))
        if not rows:
            click.echo("库中没有符合条件的文件。", err=True)


@click.command()
@click.option("--db", help=DB_HELP)
@click.option("--unit", required=True, help="单位名称（完整名称，或能唯一确定单位的部分名称）")
@click.option(
    "--metric",
    type=click.Choice(TREND_METRICS),
    default="facts",
    show_default=True,
    help="facts：主要数据；codes：按功能分类科目（按最新目录对应编码）；"
    "budget_final：预算与决算对照（执行率）；其余同 compare",
)
@click.option("--scope", type=click.Choice(["单位", "部门"]), help="单位预算或部门预算")
@click.option(
    "--level", type=click.Choice(["3", "5", "7"]), help="codes：只列类（3）、款（5）或项（7）"
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True)  # fmt: skip
def trend(db: str | None, unit: str, metric: str, scope: str | None, level: str | None,
          fmt: str) -> None:  # fmt: skip
    """列出一个单位历年的数据及比上年增减（按年度关联追溯上年文件）。"""
    from yusuan.analytics import render
    from yusuan.analytics.execution import budget_final
    from yusuan.analytics.trend import code_trend, find_unit
    from yusuan.analytics.trend import trend as unit_trend
    from yusuan.store.codemap import ensure_seeded

    store = open_db(db)
    try:
        ensure_seeded(store)
        with store.reader() as session:
            name = find_unit(session, unit)[1]
            codes = code_trend(session, unit, scope=scope, level=int(level) if level else None
                               ) if metric == "codes" else []  # fmt: skip
            finals = budget_final(session, unit=name, scope=scope
                                  ) if metric == "budget_final" else []  # fmt: skip
            facts = unit_trend(session, unit, metric=metric, scope=scope
                               ) if metric not in ("codes", "budget_final") else []  # fmt: skip
    except YusuanError as exc:
        click.echo(f"错误：{exc.describe()}", err=True)
        sys.exit(1)
    finally:
        store.close()
    rows: list[Any] = [*codes, *finals, *facts]
    if fmt == "json":
        click.echo(render.to_json(rows, unit=name, metric=metric), nl=False)
    elif fmt == "csv":
        click.echo(render.to_csv(rows), nl=False)
    elif metric == "codes":
        _console().print(render.code_trend_table(name, codes))
    elif metric == "budget_final":
        _console().print(render.compare_table(metric, finals, None))
    else:
        _console().print(render.trend_table(name, facts))


@click.command()
@click.option("--db", help=DB_HELP)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="输出文件：.csv、.xlsx 或 .parquet")  # fmt: skip
@click.option(
    "--what",
    type=click.Choice(["facts", "cells", "findings", "compare"]),
    default="facts",
    show_default=True,
    help="facts：主要数据；cells：全部表格单元格；findings：检查问题；compare：比较结果",
)
@click.option("--metric", type=click.Choice(COMPARE_METRICS), default="three_public",
              show_default=True, help="--what compare 时的比较项目")  # fmt: skip
@click.option("--year", type=int, help="只导出该年度")
@click.option("--unit", help="只导出名称含此内容的单位")
@click.option("--scope", type=click.Choice(["单位", "部门"]))
def export(db: str | None, output: Path, what: str, metric: str, year: int | None,
           unit: str | None, scope: str | None) -> None:  # fmt: skip
    """把库中数据导出为整齐的表（每行一个数据），金额以元为单位、保持精确。"""
    from rich.progress import Progress

    from yusuan.analytics.export import export as run_export

    store = open_db(db)
    try:
        with Progress(transient=True, console=_stderr()) as progress:
            task = progress.add_task("导出", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            count = run_export(store, output, what, year=year, unit=unit, scope=scope,
                               metric=metric, progress=advance)  # fmt: skip
    except YusuanError as exc:
        click.echo(f"错误：{exc.describe()}", err=True)
        sys.exit(1)
    finally:
        store.close()
    click.echo(f"已导出 {count} 行到 {output}", err=True)


def _stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True)
