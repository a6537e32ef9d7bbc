"""Rules of a 决算 (final accounts): the money carried over (年初结转和结余 + 本年收入 = 本年支出 +
年末结转和结余), the tables against each other, and the 三公 table's own sums. The narrative's
figures against these tables are in ``final_text``."""

from __future__ import annotations

import re
from decimal import Decimal

from yusuan.checks.engine import Checker, Figure, cell_figure, rule
from yusuan.checks.findings import Severity
from yusuan.checks.views import coded, total_row
from yusuan.model import Row, RowKind, Side, Table

FINAL = ("shanghai-final",)
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")


def _side_rows(table: Table, side: Side | None) -> list[Row]:
    return [r for r in table.rows if side is None or r.side == side]


def _labelled(rows: list[Row], pattern: str) -> Row | None:
    found = re.compile(pattern)
    return next((r for r in rows if found.search("".join(r.label.split()))), None)


def _lines_before(rows: list[Row], stop: Row) -> list[Row]:
    """The numbered lines (一、… 二十六、) above ``stop``: what its 合计 adds up."""
    index = rows.index(stop)
    return [r for r in rows[:index] if _NUMBERED.match(r.label)]


def _lines_after(rows: list[Row], start: Row) -> list[Row]:
    """The numbered lines right under ``start`` (年初财政拨款结转和结余: 一、二、三、)."""
    index = rows.index(start)
    found = []
    for row in rows[index + 1 :]:
        if not _NUMBERED.match(row.label):
            break
        found.append(row)
    return found


def _figures(table: Table, rows: list[Row], key: str) -> list[Figure]:
    return [cell_figure(table, r, key) for r in rows]


@rule(
    "FINAL-BALANCE",
    "arithmetic",
    Severity.ERROR,
    "决算总表收支不平衡",
    "收入支出决算总表和财政拨款收入支出决算总表：本年收入合计等于各项收入之和，本年支出合计等于各类"
    "支出之和；本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 = 总计 = 本年支出合计 + "
    "结余分配 + 年末结转和结余，收支两方总计相等；政府性基金、国有资本经营预算财政拨款收入支出"
    "决算表每行年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余，"
    "本年支出 = 基本支出 + 项目支出。",
    FINAL,
)
def balance(ck: Checker) -> None:
    for key in ("budget_summary", "fiscal_summary"):
        table = ck.table(key)
        if table is not None:
            _summary_balance(ck, table)
    for key in ("fund_expenditure", "capital_expenditure"):
        table = ck.table(key)
        if table is None or table.no_data:
            continue
        for row in table.rows:
            label = f"表{table.number}“{row.key}”"
            start, income, spent, end = (
                cell_figure(table, row, k)
                for k in ("carryover_start", "income", "total", "carryover_end")
            )
            if any(f.value is not None for f in (start, income, spent, end)):
                ck.sum(
                    end,
                    [start, income, Figure(-(spent.value or Decimal(0)), spent.location)],
                    f"{label}年末结转和结余（年初结转和结余 + 本年收入 − 本年支出）",
                )
            ck.sum(
                spent,
                _figures(table, [row], "basic") + _figures(table, [row], "project"),
                f"{label}本年支出（基本支出 + 项目支出）",
            )


def _summary_balance(ck: Checker, table: Table) -> None:
    name = f"表{table.number}"
    grand: dict[Side, Figure] = {}
    for side in (Side.INCOME, Side.EXPENDITURE):
        rows = _side_rows(table, side)
        keys = [c.key for c in table.columns if c.side == side and c.numeric]
        year = _labelled(rows, r"^本年(收入|支出)合计$")
        total = _labelled(rows, r"^总计$")
        if year is None or total is None:
            continue
        carried = [
            r
            for r in rows[rows.index(year) + 1 : rows.index(total)]
            if not _NUMBERED.match(r.label)
        ]
        what = "收入" if side == Side.INCOME else "支出"
        for key in keys:
            ck.sum(
                cell_figure(table, year, key),
                _figures(table, _lines_before(rows, year), key),
                f"{name}本年{what}合计（各项{what}之和）",
            )
            ck.sum(
                cell_figure(table, total, key),
                _figures(table, [year, *carried], key),
                f"{name}{what}方总计（本年{what}合计 + "
                + " + ".join(r.label for r in carried)
                + "）",
            )
            for row in carried:
                parts = _lines_after(rows, row)
                if parts:
                    ck.sum(
                        cell_figure(table, row, key),
                        _figures(table, parts, key),
                        f"{name}“{row.label}”（其下各项之和）",
                    )
        grand[side] = cell_figure(table, total, keys[0])
    if len(grand) == 2:
        ck.same(grand[Side.EXPENDITURE], grand[Side.INCOME], f"{name}支出方总计与收入方总计")


@rule(
    "FINAL-TABLES",
    "cross_table",
    Severity.ERROR,
    "决算各表之间不一致",
    "收入支出决算总表的本年收入合计、本年支出合计和各类支出等于收入决算表、支出决算表；财政拨款收入"
    "等于财政拨款收入支出决算总表；一般公共预算财政拨款支出决算表合计及各类等于财政拨款收入支出决算"
    "总表的一般公共预算财政拨款栏；其基本支出等于基本支出决算表人员经费合计 + 公用经费合计。",
    FINAL,
)
def tables_agree(ck: Checker) -> None:
    summary = ck.table("budget_summary")
    income = ck.table("income_summary")
    spending = ck.table("expenditure_summary")
    fiscal = ck.table("fiscal_summary")
    general = ck.table("general_expenditure")
    economic = ck.table("basic_by_economic")
    if summary is not None:
        _summary_against(ck, summary, income, spending)
    if fiscal is not None and general is not None:
        spent = _labelled(_side_rows(fiscal, Side.EXPENDITURE), r"^本年支出合计$")
        general_total = total_row(general)
        if spent is not None and general_total is not None:
            ck.same(
                cell_figure(general, general_total, "total"),
                cell_figure(fiscal, spent, "general"),
                f"表{general.number}合计与表{fiscal.number}本年支出合计（一般公共预算财政拨款）",
            )
        _classes_against(ck, general, "total", fiscal, "general")
    if summary is not None and spending is not None:
        _classes_against(ck, spending, "total", summary, "total")
    if general is not None and economic is not None:
        general_total = total_row(general)
        people = _labelled(economic.rows, r"^人员经费合计$")
        public = _labelled(economic.rows, r"^公用经费合计$")
        if general_total is not None and people is not None and public is not None:
            ck.sum(
                cell_figure(general, general_total, "basic"),
                [cell_figure(economic, people, "amount"), cell_figure(economic, public, "amount")],
                f"表{general.number}基本支出与表{economic.number}人员经费合计 + 公用经费合计",
            )


def _summary_against(
    ck: Checker, summary: Table, income: Table | None, spending: Table | None
) -> None:
    for side, other, column in (
        (Side.INCOME, income, "amount"),
        (Side.EXPENDITURE, spending, "total"),
    ):
        rows = _side_rows(summary, side)
        year = _labelled(rows, r"^本年(收入|支出)合计$")
        if other is None or year is None or (total := total_row(other)) is None:
            continue
        ck.same(
            cell_figure(summary, year, column),
            cell_figure(other, total, "total"),
            f"表{summary.number}{year.label}与表{other.number}合计",
        )
    if income is None or (total := total_row(income)) is None:
        return
    rows = _side_rows(summary, Side.INCOME)
    fiscal_lines = [r for r in rows if re.search(r"财政拨款收入$", r.label)]
    if fiscal_lines:
        ck.sum(
            cell_figure(income, total, "fiscal"),
            _figures(summary, fiscal_lines, "amount"),
            f"表{income.number}财政拨款收入与表{summary.number}各项财政拨款收入",
        )


def _classes_against(ck: Checker, coded_table: Table, key: str, lines: Table, column: str) -> None:
    """Each 类 of a coded table against the numbered class line of a summary table, by name."""
    by_name = {
        _NUMBERED.sub("", r.label): r
        for r in _side_rows(lines, Side.EXPENDITURE)
        if _NUMBERED.match(r.label)
    }
    for row in coded(coded_table):
        if row.kind != RowKind.CLASS or (line := by_name.get(row.label)) is None:
            continue
        ck.same(
            cell_figure(lines, line, column),
            cell_figure(coded_table, row, key),
            f"表{lines.number}“{line.label}”与表{coded_table.number}“{row.code} {row.label}”",
        )


# Each row's total and the columns it adds up, by table (the 三公 table is FINAL-THREE-PUBLIC's).
ROW_SUMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "income_summary": (
        "total",
        ("fiscal", "superior", "business", "operating", "affiliated", "other"),
    ),
    "expenditure_summary": (
        "total",
        ("basic", "project", "to_superior", "operating", "to_affiliated"),
    ),
    "general_expenditure": ("total", ("basic", "project")),
}


@rule(
    "FINAL-ROWS",
    "arithmetic",
    Severity.ERROR,
    "决算表行合计不等于各栏之和",
    "收入决算表每行本年收入合计 = 财政拨款收入 + 上级补助收入 + 事业收入 + 经营收入 + "
    "附属单位上缴收入 + 其他收入；支出决算表每行本年支出合计 = 基本支出 + 项目支出 + "
    "上缴上级支出 + 经营支出 + 对附属单位补助支出；"
    "一般公共预算财政拨款支出决算表每行合计 = 基本支出 + 项目支出。",
    FINAL,
)
def row_sums(ck: Checker) -> None:
    for key, (total, parts) in ROW_SUMS.items():
        table = ck.table(key)
        if table is None:
            continue
        for row in table.rows:
            if not any(row.amount(k) is not None for k in (total, *parts)):
                continue
            ck.sum(
                cell_figure(table, row, total),
                [cell_figure(table, row, k) for k in parts],
                f"表{table.number}“{row.code or ''} {row.label}”的合计",
            )


_THREE_NAMES = {"total": "合计", "car_total": "公务用车购置及运行费"}
_THREE_PARTS = (
    ("total", ("abroad", "car_total", "reception")),
    ("car_total", ("car_purchase", "car_operation")),
)


@rule(
    "FINAL-THREE-PUBLIC",
    "arithmetic",
    Severity.ERROR,
    "“三公”经费决算表合计不符",
    "财政拨款“三公”经费支出决算表的预算数和决算数各自：合计 = 因公出国（境）费 + "
    "公务用车购置及运行费 + 公务接待费；公务用车购置及运行费 = 公务用车购置费 + 公务用车运行费。",
    FINAL,
)
def three_public(ck: Checker) -> None:
    table = ck.table("three_public")
    if table is None:
        return
    for row in table.rows:
        for suffix, kind in (("_budget", "预算数"), ("", "决算数")):
            for total, parts in _THREE_PARTS:
                ck.sum(
                    cell_figure(table, row, total + suffix),
                    [cell_figure(table, row, p + suffix) for p in parts],
                    f"表{table.number}{kind}（{_THREE_NAMES[total]}）",
                )
