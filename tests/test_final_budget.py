"""Budget against final across documents (rule XFINAL-BUDGET), on SQLite and PostgreSQL.

The pair: the real 普陀区财政局 2024 部门决算 and a 2024 预算 of the same unit built from the
bureau's real 2025 预算 (its year set to 2024, its 一般公共预算支出 rows and 三公 set to what the
决算 says was budgeted: 行政运行 15,600,500元 for "年初预算为1560.05万元", …). A 预算 figure
that rounds to the 决算's 万元 is the same; one that differs is an error, found whichever of the
two documents is stored last.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

import yusuan
from tests.budget_years import store_disclosure
from tests.conftest import SHARED
from yusuan.crossyear.check import after_save
from yusuan.model import Disclosure
from yusuan.store import open_store
from yusuan.store import schema as s
from yusuan.store.db import Store

FINAL = SHARED / "real-docs" / "shanghai-final" / "shpt_czj_2024_dept_final_good.pdf"
BUDGET_2025 = SHARED / "real-docs" / "shanghai" / "shpt_czj_2025_dept_budget.pdf"

# What the 决算 says was budgeted, read from its pages 22 and 18 (万元 → 元).
BUDGETED = {
    "2010601": "15600500", "2010602": "100000", "2010607": "1359000", "2010608": "4505200",
    "2080501": "855500", "2080505": "1616200", "2080506": "808100", "2080599": "9400",
    "2101101": "622900", "2210201": "1877500", "2210203": "2585000",
}  # fmt: skip


def _budget_2024(change: dict[str, str] | None = None) -> Disclosure:
    d = yusuan.read(BUDGET_2025)
    d.meta.year = 2024
    table = d.table("general_expenditure")
    assert table is not None
    figures = {**BUDGETED, **(change or {})}
    for row in table.rows:  # 项 as the 决算 states them; 类, 款 and 合计 their sums
        if "total" not in row.cells:
            continue
        code = row.code or ""
        items = [Decimal(v) for k, v in figures.items() if k.startswith(code)]
        row.cells["total"].amount = sum(items, Decimal(0))
    three = d.table("three_public")  # printed in 万元
    assert three is not None
    first = three.rows[0]
    for key in first.cells:
        first.cells[key].amount = Decimal(0)
    first.cells["total"].amount = first.cells["reception"].amount = Decimal("0.95")
    return d


def _xfinal(store: Store, did: int) -> list[s.Finding]:
    with store.reader() as session:
        return list(session.scalars(
            select(s.Finding).where(s.Finding.disclosure_id == did,
                                    s.Finding.rule == "XFINAL-BUDGET")))  # fmt: skip


def test_a_final_agrees_with_its_budget_and_a_changed_figure_is_found(db_url: str) -> None:
    store = open_store(db_url)
    final = yusuan.read(FINAL)
    final_id = store_disclosure(store, final, "czj_2024_final.pdf")
    after_save(store, final_id)
    assert _xfinal(store, final_id) == []  # no 预算 stored yet: nothing to compare
    budget_id = store_disclosure(store, _budget_2024(), "czj_2024_budget.pdf")
    after_save(store, budget_id)  # the 预算 arrives second: its 决算 is checked again
    agreed = _xfinal(store, final_id)
    assert [f.severity for f in agreed] == ["info"]  # 2993.92 stated; its items add to 2993.93
    assert "尾差" in agreed[0].message

    # A republished 预算 (version 2) whose 行政运行 is 15,610,500元: 1561.05 against 1560.05.
    changed = _budget_2024({"2010601": "15610500"})
    changed.meta.unit_name = final.meta.unit_name
    changed_id = store_disclosure(store, changed, "czj_2024_budget_v2.pdf")
    after_save(store, changed_id)
    found = [f for f in _xfinal(store, final_id) if f.severity == "error"]
    assert [f.rule for f in found] == ["XFINAL-BUDGET"]
    assert "行政运行" in found[0].message and "1560.05" in found[0].message
    assert "1561.05" in found[0].message
    with store.reader() as session:
        errors = session.scalar(select(s.Disclosure.errors).where(s.Disclosure.id == final_id))
    assert errors is not None and errors >= 1


def test_compare_shows_budget_and_final_side_by_side(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from yusuan.analytics.execution import budget_final
    from yusuan.cli import main

    url = f"sqlite:///{tmp_path / 'pair.db'}"
    store = open_store(url)
    final_id = store_disclosure(store, yusuan.read(FINAL), "czj_2024_final.pdf")
    budget_id = store_disclosure(store, _budget_2024(), "czj_2024_budget.pdf")
    with store.reader() as session:
        rows = {r.key: r for r in budget_final(session, year=2024)}
    spending = rows["general_spending"]
    assert spending.ref.disclosure_id == final_id and spending.budget_id == budget_id
    # 预算 2,993.93万元 (its items), 决算 2,940.05万元 (表五合计): 执行率 98.20%.
    assert spending.budget == Decimal("29939300") and spending.final == Decimal("29400500")
    assert spending.rate == Decimal("98.20")
    assert rows["three_public"].budget == Decimal("9500") and rows["three_public"].final in (
        None,
        Decimal(0),
    )
    assert rows["class:201"].final == Decimal("21066600")
    result = CliRunner().invoke(main, ["compare", "--db", url, "--metric", "budget_final",
                                       "--year", "2024"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "执行率" in result.output and "98.20" in result.output
    result = CliRunner().invoke(main, ["trend", "--db", url, "--unit", "上海市普陀区财政局",
                                       "--metric", "budget_final"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "98.20%" in result.output
    result = CliRunner().invoke(main, ["trend", "--db", url, "--unit", "上海市普陀区财政局"])
    assert "3,121.42" in result.output  # the unit's 预算 (收入总计), not its 决算


def test_budget_comparisons_leave_the_final_out(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from yusuan.analytics.compare import compare

    store = open_store(f"sqlite:///{tmp_path / 'pair.db'}")
    store_disclosure(store, yusuan.read(FINAL), "czj_2024_final.pdf")
    budget_id = store_disclosure(store, _budget_2024(), "czj_2024_budget.pdf")
    with store.reader() as session:
        rows = compare(session, "three_public", year=2024)
        ranked = compare(session, "findings", year=2024)
    assert [r.ref.disclosure_id for r in rows] == [budget_id]  # a 预算 is compared with 预算
    assert len(ranked) == 2  # the findings ranking lists every document


def _final_2023(income_total: str) -> Disclosure:
    """The bureau's 2023 决算 as the 2024 one's 与2023年度相比 sentences imply it: 收入支出总计
    2,995.39 + 56.95 = 3,052.34万元, 一般公共预算财政拨款支出 2,940.05 + 63.14 = 3,003.19万元,
    财政拨款收入支出总计 持平 at 2,961.68万元 (only the figures compared are set)."""
    d = yusuan.read(FINAL)
    d.meta.year = 2023
    for key, label, column, value in (
        ("budget_summary", "总计", "amount", income_total),
        ("budget_summary", "总计", "total", income_total),
        ("general_expenditure", "合计", "total", "3003.19"),
    ):
        table = d.table(key)
        assert table is not None
        for row in table.rows:
            if row.label == label and column in row.cells:
                row.cells[column].amount = Decimal(value)
    return d


def test_a_finals_changes_are_checked_against_last_years_final(db_url: str) -> None:
    from yusuan.crossyear.check import crosscheck_disclosure

    store = open_store(db_url)
    last = store_disclosure(store, _final_2023("3052.34"), "czj_2023_final.pdf")
    this = store_disclosure(store, yusuan.read(FINAL), "czj_2024_final.pdf")
    after_save(store, last)
    result = crosscheck_disclosure(store, this)
    assert result.previous_id == last and result.checked == 3  # 一, 四 (持平), 五
    assert [f for f in result.findings if f.rule == "XYEAR-CHANGE"] == []
    # Last year's 收入支出总计 3,062.34: "减少56.95万元" is then 10万元 off.
    other = open_store(db_url.replace("yusuan.db", "other.db")) if "sqlite" in db_url else None
    if other is None:
        return
    before = store_disclosure(other, _final_2023("3062.34"), "czj_2023_final.pdf")
    now = store_disclosure(other, yusuan.read(FINAL), "czj_2024_final.pdf")
    after_save(other, before)
    found = [f for f in crosscheck_disclosure(other, now).findings if f.rule == "XYEAR-CHANGE"]
    assert [f.severity for f in found] == ["error"] and "56.95" in found[0].message
