"""Building a model table from exact 元 values: the row maker every template's builder uses,
and the 类/款/项 helpers (codes, names, the lines under a code)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from yusuan.budget.amounts import wan
from yusuan.budget.model import BudgetData, FunctionLine
from yusuan.catalog import function_codes
from yusuan.model import Cell, Column, Row, RowKind, Side, Source, Table
from yusuan.templates import SHANXI
from yusuan.templates.shanxi import CLASS_CODES
from yusuan.templates.spec import Template

ZERO = Decimal(0)

# Printed titles that say more than the table's name.
_TITLE_SUFFIX = {
    key: "（不含上年结转）"
    for key in ("general_expenditure", "basic_by_economic", "fund_income", "fund_expenditure",
                "capital_budget")
}  # fmt: skip


class DataError(ValueError):
    """Budget data that cannot make a disclosure; the message says which field and why."""


def _total(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


class TableMaker:
    """Builds one model table: rows with cells from exact 元 values."""

    def __init__(
        self,
        key: str,
        source: Source,
        year: int,
        template: Template = SHANXI,
        skip: frozenset[str] = frozenset(),
    ) -> None:
        spec = template.spec_for(key)
        assert spec is not None, key
        title = f"{year}年{spec.name}{_TITLE_SUFFIX.get(key, '') if template is SHANXI else ''}"
        self.table = Table(spec.number, spec.key, title, source=source)
        for group in spec.groups:
            for column in group.columns:
                if column.key in skip and group.side is not None:
                    continue  # a column this document does not print
                header = column.header.replace("{year}", str(year))
                self.table.columns.append(Column(column.key, header, column.numeric, group.side))
        self.source = source
        self.position = 0
        self.format: Callable[[Decimal | None], tuple[str, Decimal | None]] = _wan_cell

    def row(
        self,
        label: str,
        values: dict[str, Decimal | None],
        *,
        code: str | None = None,
        kind: RowKind = RowKind.LINE,
        side: Side | None = None,
        texts: dict[str, str] | None = None,
        position: int | None = None,
    ) -> Row:
        row = Row(label, code, kind, side, source=self.source)
        row.position = self.position if position is None else position
        if position is None:
            self.position += 1
        for column in self.table.columns:
            if column.side not in (None, side):
                continue
            if column.numeric:
                text, amount = self.format(values.get(column.key))
                row.cells[column.key] = Cell(text, amount, self.source)
            else:
                text = (texts or {}).get(column.key, "")
                row.cells[column.key] = Cell(text, None, self.source)
        self.table.rows.append(row)
        return row


def _wan_cell(yuan: Decimal | None) -> tuple[str, Decimal | None]:
    """A 万元 cell: the 元 amount rounded to 0.01 万元; zero prints blank."""
    amount = wan(yuan)
    return (f"{amount:.2f}" if amount is not None else ""), amount


def _code_name(data: BudgetData, code: str) -> str:
    for line in data.functions:
        if line.code == code:
            return line.name
    if code in data.code_names:
        return data.code_names[code]
    known = function_codes().get(code)
    if known is not None:
        return known[0]
    for class_code, name in CLASS_CODES:
        if class_code == code:
            return name
    raise DataError(f"科目{code}缺少名称：请在 code_names 中填写“{code}: 名称”")


def _all_codes(lines: list[FunctionLine]) -> list[str]:
    codes: set[str] = set()
    for line in lines:
        for length in range(3, len(line.code) + 1, 2):
            codes.add(line.code[:length])
    return sorted(codes)


def _lines_under(lines: list[FunctionLine], code: str) -> list[FunctionLine]:
    return [line for line in lines if line.code.startswith(code)]


def _kind(code: str) -> RowKind:
    return {3: RowKind.CLASS, 5: RowKind.SECTION}.get(len(code), RowKind.ITEM)


Picker = Callable[[FunctionLine], dict[str, Decimal | None]]


def _coded_table(
    maker: TableMaker,
    data: BudgetData,
    pick: Picker,
    lines: list[FunctionLine],
    side: Side | None = None,
) -> None:
    """A 类/款/项 table: 合计 then every code, each the exact sum of the lines under it."""

    def sums(chosen: list[FunctionLine]) -> dict[str, Decimal | None]:
        result: dict[str, Decimal | None] = {}
        for line in chosen:
            for key, value in pick(line).items():
                if value is not None:
                    result[key] = (result.get(key) or ZERO) + value
        return result

    maker.row("合计", sums(lines), kind=RowKind.TOTAL, side=side)
    for code in _all_codes(lines):
        maker.row(
            _code_name(data, code),
            sums(_lines_under(lines, code)),
            code=code,
            kind=_kind(code),
            side=side,
        )


def _has(values: Iterable[Decimal | None]) -> bool:
    return any(v for v in values)


def _spent(line: FunctionLine) -> list[Decimal | None]:
    return [
        *line.basic.values(),
        *line.project.values(),
        *line.carryover_basic.values(),
        *line.carryover_project.values(),
    ]
