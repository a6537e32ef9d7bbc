"""``yusuan links``, ``yusuan crosscheck`` and ``yusuan codemap``: linking stored disclosures
across years, checking 比上年 claims against last year's document, and code mappings."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from yusuan.analytics.commands import DB_HELP, _console, _stderr, open_db
from yusuan.errors import YusuanError

METHODS = {"code": "单位编码", "name": "单位名称", "none": "未关联"}


@click.command()
@click.option("--db", help=DB_HELP)
@click.option("--relink", is_flag=True, help="先重新关联库中全部文件（批量入库后或规则变化后）")
@click.option("--all", "show_all", is_flag=True, help="列出全部关联，而不只是有疑问的")
def links(db: str | None, relink: bool, show_all: bool) -> None:
    """报告各单位预算公开文件的跨年度关联，列出有疑问的关联（同名不同编码、多个版本等）。"""
    from rich.table import Table
    from rich.text import Text

    from yusuan.crossyear.links import link_counts, stored_links
    from yusuan.crossyear.links import relink as run_relink

    store = open_db(db)
    try:
        if relink:
            summary = run_relink(store)
            click.echo(f"已重新关联 {summary.disclosures} 份文件", err=True)
        with store.reader() as session:
            shown = stored_links(session, ambiguous_only=not show_all)
            counts = link_counts(session)
    finally:
        store.close()
    table = Table(title="跨年度关联" if show_all else "有疑问的跨年度关联", title_justify="left")
    for header in ("单位", "年度", "范围", "关联方式", "候选", "上年文件", "说明"):
        table.add_column(header, justify="right" if header in ("年度", "候选") else "left")
    for k in shown:
        previous = (f"#{k.previous_id} {k.previous_name}（{k.previous_year}年）"
                    if k.previous_id is not None else "—")  # fmt: skip
        method = METHODS.get(k.method, k.method)
        table.add_row(Text(k.unit_name), str(k.year or "—"), k.scope, method,
                      str(k.candidates), Text(previous), Text(k.note or ""))  # fmt: skip
    if shown:
        _console().print(table)
    total = counts["code"] + counts["name"] + counts["none"]
    click.echo(
        f"共 {total} 份文件：按单位编码关联 {counts['code']}，按名称关联 {counts['name']}，"
        f"未找到上年文件 {counts['none']}；有疑问 {counts['ambiguous']}"
    )


@click.command()
@click.option("--db", help=DB_HELP)
@click.option("--unit", help="只核对名称含此内容的单位")
@click.option("--year", type=int, help="只核对该年度的文件（与其上一年度比较）")
@click.option("--fail-on", type=click.Choice(["error", "warning", "never"]), default="error",
              show_default=True, help="出现何种级别的问题时以状态3退出")  # fmt: skip
def crosscheck(db: str | None, unit: str | None, year: int | None, fail_on: str) -> None:
    """用同一单位上年已入库的公开文件核对“比上年增加/减少”的说法，结果存入库中。"""
    from rich.progress import Progress
    from rich.text import Text

    from yusuan.crossyear.check import crosscheck as run

    store = open_db(db)
    try:
        with Progress(transient=True, console=_stderr()) as progress:
            task = progress.add_task("跨年度核对", total=None)
            results = run(store, unit=unit, year=year,
                          progress=lambda done, total: progress.update(task, completed=done,
                                                                       total=total))  # fmt: skip
        with store.reader() as session:
            from yusuan.store import schema as s

            titles = {}
            for r in results:
                d = session.get(s.Disclosure, r.disclosure_id) if r.findings else None
                if d is not None:
                    titles[d.id] = f"{d.unit_name} {d.year}年（#{d.id}，上年 #{r.previous_id}）"
    except YusuanError as exc:
        click.echo(f"错误：{exc.describe()}", err=True)
        sys.exit(1)
    finally:
        store.close()
    console = _console()
    styles = {"error": "bold red", "warning": "bold yellow", "info": "dim"}
    labels = {"error": "错误", "warning": "警告", "info": "尾差"}
    worst = set()
    for result in results:
        if not result.findings:
            continue
        console.print(Text(titles.get(result.disclosure_id, f"#{result.disclosure_id}"), "bold"))
        for finding in result.findings:
            severity = finding.severity.value
            worst.add(severity)
            console.print(Text.assemble((f"  {labels[severity]} ", styles[severity]),
                                        finding.message))  # fmt: skip
    linked = [r for r in results if r.previous_id is not None]
    errors = sum(1 for r in results for f in r.findings if f.severity.value == "error")
    click.echo(
        f"核对 {len(results)} 份文件，其中 {len(linked)} 份有上年文件，"
        f"核对“比上年”说法 {sum(r.checked for r in results)} 处，不一致 {errors} 处"
    )
    failing = {"error": {"error"}, "warning": {"error", "warning"}, "never": set()}[fail_on]
    if worst & failing:
        sys.exit(3)


@click.group()
def codemap() -> None:
    """科目编码跨年度对应（旧编码在某年起改为新编码）。"""


@codemap.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--db", help=DB_HELP)
def codemap_import(file: Path, db: str | None) -> None:
    """导入编码对应表 FILE（CSV：year,old_code,new_code,note）。"""
    from yusuan.store.codemap import import_mappings

    store = open_db(db)
    try:
        count = import_mappings(store, file)
    except YusuanError as exc:
        click.echo(f"错误：{exc.describe()}", err=True)
        sys.exit(1)
    finally:
        store.close()
    click.echo(f"已导入 {count} 条科目编码对应")


@codemap.command("list")
@click.option("--db", help=DB_HELP)
def codemap_list(db: str | None) -> None:
    """列出库中的科目编码对应。"""
    from rich.table import Table
    from rich.text import Text
    from sqlalchemy import select

    from yusuan.store import schema as s
    from yusuan.store.codemap import ensure_seeded

    store = open_db(db)
    try:
        ensure_seeded(store)
        with store.reader() as session:
            rows = session.execute(
                select(s.CodeMapping).order_by(s.CodeMapping.year, s.CodeMapping.old_code)
            ).scalars().all()  # fmt: skip
    finally:
        store.close()
    table = Table(title="科目编码对应", title_justify="left")
    for header in ("启用年度", "旧编码", "新编码", "说明"):
        table.add_column(header)
    for m in rows:
        table.add_row(str(m.year), m.old_code, m.new_code, Text(m.note or ""))
    _console().print(table)
    if not rows:
        click.echo("库中没有科目编码对应；可用 yusuan codemap import FILE 导入", err=True)
