"""A short overview of a disclosure in Chinese, for a person at a terminal."""

from __future__ import annotations

from decimal import Decimal

from yusuan.model import Disclosure, RowKind, Side
from yusuan.templates import get_template


def _money(value: Decimal | None, unit: str) -> str:
    return "—" if value is None else f"{value:,.2f}{unit}"


def to_summary(disclosure: Disclosure) -> str:
    meta = disclosure.meta
    profile = get_template(meta.profile)
    unit = meta.amount_unit
    lines = [
        f"{meta.unit_name or '（未识别单位名称）'}　{meta.year or '?'}年度"
        f"{meta.scope}{meta.kind}公开",
        f"来源：{meta.source_file}（{_extraction_name(meta.extraction)}）",
        f"模板：{profile.name}",
        f"表格：识别 {len(disclosure.tables)}/{len(profile.table_names)} 张"
        + (
            f"，其中无数据 {sum(1 for t in disclosure.tables.values() if t.no_data)} 张"
            if disclosure.tables
            else ""
        ),
    ]
    t1 = disclosure.table("budget_summary")
    if t1 is not None:
        # (the row each total is printed in: 收入总计/支出总计, or 总计 on both sides of a 决算)
        income, spent = profile.fact("income_total"), profile.fact("expenditure_total")
        income_row = income.row if income is not None and income.row else "收入总计"
        spent_row = spent.row if spent is not None and spent.row else "支出总计"
        lines.append(
            f"收入总计：{_money(t1.value(income_row, 'amount', Side.INCOME), unit)}；"
            f"支出总计：{_money(t1.value(spent_row, 'total', Side.EXPENDITURE), unit)}"
        )
    t3 = disclosure.table("expenditure_summary")
    if t3 is not None:
        lines.append(
            f"基本支出：{_money(t3.value('合计', 'basic'), unit)}；"
            f"项目支出：{_money(t3.value('合计', 'project'), unit)}"
        )
    if profile.key != "shanxi":
        return _finish(disclosure, lines)
    t10 = disclosure.table("three_public")
    if t10 is not None:
        lines.append(f"“三公”经费：{_money(t10.value('合计', 'total'), unit)}")
    t11 = disclosure.table("operating_costs")
    if t11 is not None:
        total = t11.value("部门合计", "total") or t11.value("合计", "total")
        lines.append(f"机关运行经费：{_money(total, unit)}")
    t12 = disclosure.table("projects_current")
    if t12 is not None:
        projects = sum(1 for r in t12.rows if r.kind == RowKind.PROJECT)
        lines.append(
            f"本年项目：{projects} 个；绩效目标表：{len(disclosure.performance_tables)} 张"
        )
    return _finish(disclosure, lines)


def _finish(disclosure: Disclosure, lines: list[str]) -> str:
    s = disclosure.staffing
    if s.authorized is not None or s.actual is not None:
        lines.append(f"编制人数：{_count(s.authorized)}；实有人数：{_count(s.actual)}")
    lines.append(
        f"情况说明：{len(disclosure.sections)} 节；名词解释：{len(disclosure.glossary)} 条"
    )
    if disclosure.issues:
        lines.append(f"读取提示（{len(disclosure.issues)} 条）：")
        lines += [f"  - {issue.message}" for issue in disclosure.issues]
    return "\n".join(lines)


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


def _extraction_name(style: str) -> str:
    return {
        "tab": "制表符分隔文本",
        "markdown": "Markdown/HTML 文本",
        "layout": "版式文本",
        "pdf": "PDF（文字层）",
        "ocr": "扫描件（文字识别）",
        "docx": "Word 文档",
        "xlsx": "Excel 工作簿",
        "html": "网页（HTML）",
    }.get(style, style or "未知")
