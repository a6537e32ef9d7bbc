"""The nine tables of a Shanghai 部门决算, derived from 决算 data (元) and printed in 万元.

Every printed figure is the exact sum in 元 of the data under it, rounded half up to 0.01 万元 on
its own (so 类 = Σ款 = Σ项 may show 尾差, as in real documents), plus the data's 尾差调整 for that
cell, if any. A blank stays blank: a figure is printed where some data under it is given.

The derivation uses nothing but ``+`` and ``-`` on the amounts and hands every figure to a
``Printer``: ``Rounded`` prints it; ``yusuan data`` gives its own printer and linear forms instead
of amounts to learn which data each printed figure adds up (``final_solve``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from yusuan.budget.final_model import FinalData, FinalLine
from yusuan.budget.tables import DataError
from yusuan.catalog import class_name_in, function_codes
from yusuan.model import Cell, Column, Row, RowKind, Side, Source, Table
from yusuan.money import WAN
from yusuan.numerals import cn_numeral
from yusuan.templates import get_template
from yusuan.templates.spec import TableSpec

CENT = Decimal("0.01")
FINAL = get_template("shanghai-final")
Values = dict[str, Decimal | None]

# 收入支出决算总表 and 财政拨款收入支出决算总表 list every 类 of the year (2024: these 26).
DEFAULT_CLASSES = ("201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212",
                   "213", "214", "215", "216", "217", "219", "220", "221", "222", "223", "224",
                   "229", "231", "232", "234")  # fmt: skip
INCOME_LINES = (
    ("一、一般公共预算财政拨款收入", "general"), ("二、政府性基金预算财政拨款收入", "fund"),
    ("三、国有资本经营预算财政拨款收入", "capital"), ("四、上级补助收入", "superior"),
    ("五、事业收入", "business"), ("六、经营收入", "operating"),
    ("七、附属单位上缴收入", "affiliated"), ("八、其他收入", "other"),
)  # fmt: skip
FISCAL = ("general", "fund", "capital")
INCOME_KEYS = tuple(key for _, key in INCOME_LINES)
FISCAL_LINES = (("一、一般公共预算财政拨款", "general"), ("二、政府性基金预算财政拨款", "fund"),
                ("三、国有资本经营预算财政拨款", "capital"))  # fmt: skip
# 一般公共预算财政拨款基本支出决算表 as the template prints it: 人员经费 (301, 303) on the left,
# 公用经费 (302, 310) on the right, every 款 printed (blank where nothing was spent).
ECONOMIC_GROUPS = {"301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助",
                   "310": "资本性支出"}  # fmt: skip
PERSONNEL_GROUPS = ("301", "303")
ECONOMIC_ROWS = (
    ("30101", "基本工资"), ("30102", "津贴补贴"), ("30103", "奖金"), ("30106", "伙食补助费"),
    ("30107", "绩效工资"), ("30108", "机关事业单位基本养老保险缴费"), ("30109", "职业年金缴费"),
    ("30110", "职工基本医疗保险缴费"), ("30111", "公务员医疗补助缴费"),
    ("30112", "其他社会保障缴费"), ("30113", "住房公积金"), ("30114", "医疗费"),
    ("30199", "其他工资福利支出"),
    ("30201", "办公费"), ("30202", "印刷费"), ("30203", "咨询费"), ("30204", "手续费"),
    ("30205", "水费"), ("30206", "电费"), ("30207", "邮电费"), ("30208", "取暖费"),
    ("30209", "物业管理费"), ("30211", "差旅费"), ("30212", "因公出国（境）费用"),
    ("30213", "维修（护）费"), ("30214", "租赁费"), ("30215", "会议费"), ("30216", "培训费"),
    ("30217", "公务接待费"), ("30218", "专用材料费"), ("30224", "被装购置费"),
    ("30225", "专用燃料费"), ("30226", "劳务费"), ("30227", "委托业务费"), ("30228", "工会经费"),
    ("30229", "福利费"), ("30231", "公务用车运行维护费"), ("30239", "其他交通费用"),
    ("30240", "税金及附加费用"), ("30299", "其他商品和服务支出"),
    ("30301", "离休费"), ("30302", "退休费"), ("30303", "退职（役）费"), ("30304", "抚恤金"),
    ("30305", "生活补助"), ("30306", "救济费"), ("30307", "医疗费补助"), ("30308", "助学金"),
    ("30309", "奖励金"), ("30310", "个人农业生产补贴"), ("30311", "代缴社会保险费"),
    ("30399", "其他对个人和家庭的补助"),
    ("31001", "房屋建筑物购建"), ("31002", "办公设备购置"), ("31003", "专用设备购置"),
    ("31007", "信息网络及软件购置更新"), ("31013", "公务用车购置"), ("31019", "其他交通工具购置"),
    ("31021", "文物和陈列品购置"), ("31022", "无形资产购置"), ("31099", "其他资本性支出"),
)  # fmt: skip
THREE_PUBLIC_ITEMS = ("abroad", "car_purchase", "car_operation", "reception")


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the amounts given; ``None`` when none is (a blank stays blank)."""
    present = [v for v in values if v is not None]
    return sum(present[1:], present[0]) if present else None


def minus(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if b is None:
        return a
    return -b if a is None else a - b


def basic(line: FinalLine) -> Decimal | None:
    return total(s.basic for s in (line.general, line.fund, line.capital, line.other))


def project(line: FinalLine) -> Decimal | None:
    return total(s.project for s in (line.general, line.fund, line.capital, line.other))


def spent(line: FinalLine) -> Decimal | None:
    return total((basic(line), project(line), line.to_superior, line.operating,
                  line.to_affiliated))  # fmt: skip


def spent_of(line: FinalLine, source: str) -> Decimal | None:
    split = getattr(line, source)
    return total((split.basic, split.project))


def income(line: FinalLine) -> Decimal | None:
    return total(getattr(line.income, key) for key in INCOME_KEYS)


def fiscal_income(line: FinalLine) -> Decimal | None:
    return total(getattr(line.income, k) for k in FISCAL)


class Printer(Protocol):
    def cell(self, table: str, side: Side | None, row: str, column: str,
             value: Decimal | None) -> Cell: ...  # fmt: skip


class Rounded:
    """Prints 元 as 万元 (two decimals, half up, thousands separated) plus the 尾差调整."""

    def __init__(self, data: FinalData, source: Source) -> None:
        self.source = source
        self.adjust = {(a.table, a.side, a.row, a.column): a.amount for a in data.adjustments}

    def cell(self, table: str, side: Side | None, row: str, column: str,
             value: Decimal | None) -> Cell:  # fmt: skip
        if value is None:
            return Cell("", None, self.source)
        amount = (value / WAN).quantize(CENT, ROUND_HALF_UP)
        amount += self.adjust.get((table, side.value if side else None, row, column), 0)
        return Cell(f"{amount:,.2f}", amount, self.source)


class Maker:
    """One model table, its columns from the template, its rows' figures from the printer."""

    def __init__(self, spec: TableSpec, printer: Printer, source: Source) -> None:
        self.table = Table(spec.number, spec.key, spec.name, source=source, amount_unit="万元")
        for group in spec.groups:
            for column in group.columns:
                self.table.columns.append(Column(column.key, column.header, True, group.side))
        self.printer, self.source, self.position = printer, source, 0

    def row(self, label: str, values: Values, *, code: str | None = None,
            kind: RowKind = RowKind.LINE, side: Side | None = None,
            position: int | None = None) -> Row:  # fmt: skip
        row = Row(label, code, kind, side, source=self.source)
        row.position = self.position if position is None else position
        if position is None:
            self.position += 1
        keys = [c.key for c in self.table.columns if c.side in (None, side)]
        for key in dict.fromkeys(keys):
            value = values.get(key)
            row.cells[key] = self.printer.cell(self.table.key, side, code or label, key, value)
        self.table.rows.append(row)
        return row


def code_name(data: FinalData, code: str) -> str:
    for line in data.functions:
        if line.code == code:
            return line.name
    if code in data.code_names:
        return data.code_names[code]
    known = class_name_in(code, data.unit.year) if len(code) == 3 else None
    known = known or (function_codes().get(code) or ("",))[0]
    if known:
        return known
    raise DataError(f"科目{code}缺少名称：请在 code_names 中填写“{code}: 名称”")


def _kind(code: str) -> RowKind:
    return {3: RowKind.CLASS, 5: RowKind.SECTION}.get(len(code), RowKind.ITEM)


Pick = Callable[[FinalLine], Values]


def _sums(lines: list[FinalLine], pick: Pick) -> Values:
    collected: dict[str, list[Decimal | None]] = {}
    for line in lines:
        for key, value in pick(line).items():
            collected.setdefault(key, []).append(value)
    return {key: total(values) for key, values in collected.items()}


def _coded(m: Maker, data: FinalData, lines: list[FinalLine], pick: Pick,
           total_last: bool = False) -> None:  # fmt: skip
    """合计 and every 类/款/项 of the lines, each the sum of the lines under it."""
    codes = sorted({line.code[:n] for line in lines for n in (3, 5, 7)})
    if not total_last:
        m.row("合计", _sums(lines, pick), kind=RowKind.TOTAL)
    for code in codes:
        under = [line for line in lines if line.code.startswith(code)]
        m.row(code_name(data, code), _sums(under, pick), code=code, kind=_kind(code))
    if total_last:
        m.row("合计", _sums(lines, pick), kind=RowKind.TOTAL)


def _income(line: FinalLine) -> Values:
    values: Values = {"total": income(line), "fiscal": fiscal_income(line)}
    for key in ("superior", "business", "operating", "affiliated", "other"):
        values[key] = getattr(line.income, key)
    return values


def _spending(line: FinalLine) -> Values:
    return {"total": spent(line), "basic": basic(line), "project": project(line),
            "to_superior": line.to_superior, "operating": line.operating,
            "to_affiliated": line.to_affiliated}  # fmt: skip


def _general(line: FinalLine) -> Values:
    split = line.general
    return {"total": total((split.basic, split.project)), "basic": split.basic,
            "project": split.project}  # fmt: skip


def active(data: FinalData) -> list[FinalLine]:
    """The lines with any income or spending (the rows of 收入决算表 and 支出决算表)."""
    return [x for x in data.functions if income(x) is not None or spent(x) is not None]


def summary_classes(data: FinalData) -> list[tuple[str, str]]:
    """(code, name) of each 类 the summary tables list: the data's list (by default the year's
    classes) and any other the data spends on, in code order."""
    spent = {x.code[:3] for x in active(data)}
    if data.classes is not None:
        listed = set(data.classes)
    else:  # the year's classes (231 债务还本支出 is listed from 2016 on, 234 from 2020)
        year = data.unit.year
        listed = {c for c in DEFAULT_CLASSES if c in data.code_names or class_name_in(c, year)}
    return [(code, code_name(data, code)) for code in sorted(listed | spent)]


def _class_lines(m: Maker, data: FinalData, pick: Callable[[list[FinalLine]], Values]) -> int:
    lines = active(data)
    classes = summary_classes(data)
    for i, (code, name) in enumerate(classes):
        under = [x for x in lines if x.code.startswith(code)]
        m.row(f"{cn_numeral(i + 1)}、{name}", pick(under), side=Side.EXPENDITURE, position=i)
    return len(classes)


def _starts(data: FinalData, source: str) -> Decimal | None:
    return total(getattr(line, f"{source}_start") for line in data.functions)


def fiscal_start(data: FinalData, source: str) -> Decimal | None:
    if source == "general":
        return data.balances.general_start
    return _starts(data, source)


def fiscal_end(data: FinalData, source: str) -> Decimal | None:
    """年末结转和结余 of a fiscal source: carried in + received − spent."""
    lines = data.functions
    received = total(getattr(x.income, source) for x in lines)
    spent_here = total(spent_of(x, source) for x in lines)
    return minus(total((fiscal_start(data, source), received)), spent_here)


def _budget_summary(m: Maker, data: FinalData) -> None:
    lines, b = active(data), data.balances
    for i, (label, key) in enumerate(INCOME_LINES):
        amount = total(getattr(x.income, key) for x in lines)
        m.row(label, {"amount": amount}, side=Side.INCOME, position=i)
    n = max(_class_lines(m, data, lambda xs: {"total": total(spent(x) for x in xs)}), 8)
    received = total(income(x) for x in lines)
    spending = total(spent(x) for x in lines)
    start = total((b.general_start, b.other_start, _starts(data, "fund"),
                   _starts(data, "capital")))  # fmt: skip
    end = minus(minus(total((start, received, b.use_of_balance)), spending), b.distribution)
    rows = (
        ("本年收入合计", received, "本年支出合计", spending, RowKind.TOTAL),
        ("使用非财政拨款结余（含专用结余）", b.use_of_balance, "结余分配", b.distribution,
         RowKind.LINE),
        ("年初结转和结余", start, "年末结转和结余", end, RowKind.LINE),
        ("总计", total((received, b.use_of_balance, start)), "总计",
         total((spending, b.distribution, end)), RowKind.TOTAL),
    )  # fmt: skip
    for offset, (left, a, right, z, kind) in enumerate(rows):
        m.row(left, {"amount": a}, kind=kind, side=Side.INCOME, position=n + offset)
        m.row(right, {"total": z}, kind=kind, side=Side.EXPENDITURE, position=n + offset)


def _by_source(lines: list[FinalLine]) -> Values:
    values: Values = {key: total(spent_of(x, key) for x in lines) for key in FISCAL}
    values["total"] = total(values[key] for key in FISCAL)
    return values


def _fiscal_summary(m: Maker, data: FinalData) -> None:
    lines = active(data)
    received = {key: total(getattr(x.income, key) for x in lines) for key in FISCAL}
    for i, (label, key) in enumerate(FISCAL_LINES):
        m.row(label, {"amount": received[key]}, side=Side.INCOME, position=i)
    n = _class_lines(m, data, _by_source)
    spending = _by_source(lines)
    starts = {key: fiscal_start(data, key) for key in FISCAL}
    ends: Values = {key: fiscal_end(data, key) for key in FISCAL}
    ends["total"] = total(ends[key] for key in FISCAL)
    income_total, start_total = total(received.values()), total(starts.values())
    m.row("本年收入合计", {"amount": income_total}, kind=RowKind.TOTAL, side=Side.INCOME,
          position=n)  # fmt: skip
    m.row("本年支出合计", spending, kind=RowKind.TOTAL, side=Side.EXPENDITURE, position=n)
    m.row("年初财政拨款结转和结余", {"amount": start_total}, side=Side.INCOME, position=n + 1)
    m.row("年末财政拨款结转和结余", ends, side=Side.EXPENDITURE, position=n + 1)
    for i, (label, key) in enumerate(FISCAL_LINES):
        m.row(label, {"amount": starts[key]}, side=Side.INCOME, position=n + 2 + i)
    grand = {key: total((spending[key], ends[key])) for key in ("total", *FISCAL)}
    m.row("总计", {"amount": total((income_total, start_total))}, kind=RowKind.TOTAL,
          side=Side.INCOME, position=n + 5)  # fmt: skip
    m.row("总计", grand, kind=RowKind.TOTAL, side=Side.EXPENDITURE, position=n + 5)


def economic_rows(data: FinalData) -> list[tuple[str, str, Decimal | None]]:
    """(code, name, amount) of every 款 the table prints: the template's and the data's."""
    given = {item.code: item for item in data.economic}
    rows = [(c, given[c].name if c in given else n, given[c].amount if c in given else None)
            for c, n in ECONOMIC_ROWS]  # fmt: skip
    rows += [(i.code, i.name, i.amount) for i in data.economic if i.code not in dict(ECONOMIC_ROWS)]
    return sorted(rows)


def _economic(m: Maker, data: FinalData) -> None:
    rows = economic_rows(data)
    groups = sorted({code[:3] for code, _, _ in rows})
    halves: dict[bool, list[str]] = {True: [], False: []}
    for group in groups:
        halves[group in PERSONNEL_GROUPS].append(group)
    height = 0
    sums: dict[bool, Decimal | None] = {}
    for personnel, chosen in halves.items():
        position = 0
        for group in chosen:
            members = [r for r in rows if r[0].startswith(group)]
            name = data.code_names.get(group) or ECONOMIC_GROUPS.get(group) or group
            m.row(name, {"amount": total(r[2] for r in members)}, code=group,
                  kind=RowKind.GROUP, position=position)  # fmt: skip
            position += 1
            for code, item, amount in members:
                m.row(item, {"amount": amount}, code=code, kind=RowKind.ITEM, position=position)
                position += 1
        height = max(height, position)
        sums[personnel] = total(r[2] for r in rows if (r[0][:3] in chosen))
    m.row("人员经费合计", {"amount": sums[True]}, kind=RowKind.TOTAL, position=height)
    m.row("公用经费合计", {"amount": sums[False]}, kind=RowKind.TOTAL, position=height)


def three_public_values(data: FinalData) -> Values:
    t = data.three_public
    values: Values = {}
    for suffix, kind in (("_budget", "budget"), ("", "final")):
        items = {key: getattr(getattr(t, key), kind) for key in THREE_PUBLIC_ITEMS}
        car = total((items["car_purchase"], items["car_operation"]))
        values.update({f"{key}{suffix}": value for key, value in items.items()})
        values[f"car_total{suffix}"] = car
        values[f"total{suffix}"] = total((items["abroad"], car, items["reception"]))
    return values


def _three_public(m: Maker, data: FinalData) -> None:
    m.row("合计", three_public_values(data), kind=RowKind.TOTAL)


def _funds(source: str) -> Callable[[Maker, FinalData], None]:
    def make(m: Maker, data: FinalData) -> None:
        def pick(line: FinalLine) -> Values:
            split = getattr(line, source)
            start, received = getattr(line, f"{source}_start"), getattr(line.income, source)
            out = total((split.basic, split.project))
            return {"carryover_start": start, "income": received, "total": out,
                    "basic": split.basic, "project": split.project,
                    "carryover_end": minus(total((start, received)), out)}  # fmt: skip

        lines = [x for x in data.functions if any(v is not None for v in pick(x).values())]
        _coded(m, data, lines, pick)

    return make


MAKERS: dict[str, Callable[[Maker, FinalData], None]] = {
    "budget_summary": _budget_summary,
    "income_summary": lambda m, d: _coded(m, d, active(d), _income),
    "expenditure_summary": lambda m, d: _coded(m, d, active(d), _spending),
    "fiscal_summary": _fiscal_summary,
    "general_expenditure": lambda m, d: _coded(
        m, d, [x for x in d.functions if spent_of(x, "general") is not None], _general, True
    ),
    "basic_by_economic": _economic,
    "three_public": _three_public,
    "fund_expenditure": _funds("fund"),
    "capital_expenditure": _funds("capital"),
}


def derive_tables(data: FinalData, printer: Printer, source: Source) -> dict[int, Table]:
    """Every table of the template, by number, in the data's figures."""
    tables = {}
    for spec in FINAL.tables:
        maker = Maker(spec, printer, source)
        MAKERS[spec.key](maker, data)
        table = maker.table
        table.unit_name = data.unit.name
        table.no_data = not any(c.amount is not None for r in table.rows for c in r.cells.values())
        tables[spec.number] = table
    return tables
