"""The 决算 rules on the real Shanghai 部门决算 (普陀区财政局 2024): the errors a reviewer finds in
it (read from the PDF, see tests/ground_truth/shpt_czj_2024_dept_final.yaml) and nothing else at
error level; each rule fires on a one-figure or one-phrase edit of the real document."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import cache

import pytest

import yusuan
from tests.conftest import SHARED
from yusuan.checks.findings import Severity
from yusuan.model import Disclosure, Row, Side

FINAL_PDF = SHARED / "real-docs" / "shanghai-final" / "shpt_czj_2024_dept_final_good.pdf"


@cache
def _read() -> Disclosure:
    return yusuan.read(FINAL_PDF)


def _fresh() -> Disclosure:
    return yusuan.read(FINAL_PDF)


def test_the_real_final_gives_exactly_its_real_errors() -> None:
    report = yusuan.check(_read())
    errors = sorted(
        (f.rule, f.locations[0].source.line if f.locations[0].source else None)
        for f in report.findings
        if f.severity == Severity.ERROR
    )
    # p21 line 279: 财政拨款收入支出总计0.3万元 (表四总计 2,961.68); line 287: 一般公共服务支出
    # 2,106.66万元 "占71.73%" (2,106.66 ÷ 2,940.05 = 71.65%).
    assert errors == [("FINAL-NARR-AMOUNTS", 279), ("FINAL-NARR-SHARES", 287)]
    messages = " ".join(f.message for f in report.findings)
    assert "2961.68" in messages and "71.65%" in messages
    # 尾差 of the 万元 tables is told apart: 208 is 326.71 in 表一 and 326.72 in 表三.
    rounding = [f for f in report.findings if f.rounding and f.rule == "FINAL-TABLES"]
    assert any("326.72" in f.message and "326.71" in f.message for f in rounding)


def _row(d: Disclosure, key: str, label: str, side: Side | None = None) -> Row:
    table = d.table(key)
    assert table is not None
    return next(r for r in table.rows if r.label == label and (side is None or r.side == side))


def _set(
    d: Disclosure, key: str, label: str, column: str, amount: str, side: Side | None = None
) -> None:
    cell = _row(d, key, label, side).cells[column]
    cell.amount = Decimal(amount)
    cell.text = amount


def _coded(d: Disclosure, key: str, code: str) -> Row:
    table = d.table(key)
    assert table is not None
    return next(r for r in table.rows if r.code == code)


def _set_coded(d: Disclosure, key: str, code: str, column: str, amount: str) -> None:
    cell = _coded(d, key, code).cells[column]
    cell.amount = Decimal(amount)
    cell.text = amount


def _edit_text(d: Disclosure, old: str, new: str) -> None:
    for section in d.sections:
        for part in [section, *section.subsections]:
            if old in part.text:
                part.text = part.text.replace(old, new, 1)
                return
    raise AssertionError(old)


def _retell_counts(d: Disclosure, sentence: str) -> None:
    """The 三公 section's closing sentence replaced by ``sentence``, read again as yusuan reads."""
    from yusuan.recognize.three_public import read_three_public_counts

    _edit_text(d, "上海市普陀区财政局2024年度无“三公”经费财政拨款支出。", sentence)
    read_three_public_counts(d)


BREAKERS: dict[str, Callable[[Disclosure], None]] = {
    # 年末结转和结余 55.34 → 56.34: 本年支出合计 + 年末 no longer makes 总计 2,995.39.
    "FINAL-BALANCE": lambda d: _set(
        d, "budget_summary", "年末结转和结余", "total", "56.34", Side.EXPENDITURE
    ),
    # 表五 行政运行 合计 1,511.89 → 1,521.89 (基本 1,503.52 + 项目 8.37 = 1,511.89).
    "FINAL-ROWS": lambda d: _set_coded(d, "general_expenditure", "2010601", "total", "1521.89"),
    # 表一 一般公共服务支出 2,106.66 → 2,116.66 against 表三 201.
    "FINAL-TABLES": lambda d: _set(
        d, "budget_summary", "一、一般公共服务支出", "total", "2116.66", Side.EXPENDITURE
    ),
    # 三公 预算数 合计 0.95 → 1.95 (公务接待费 0.95).
    "FINAL-THREE-PUBLIC": lambda d: _set(d, "three_public", "合计", "total_budget", "1.95"),
    "FINAL-NARR-AMOUNTS": lambda d: _edit_text(
        d, "收入支出总计2995.39万元", "收入支出总计2995.93万元"
    ),
    "FINAL-NARR-CHANGE": lambda d: _edit_text(d, "下降1.87%", "下降1.78%"),
    # The bureau sent no delegation abroad (因公出国（境）费 blank): a stated 团组 contradicts it.
    "FINAL-THREE-COUNTS": lambda d: _retell_counts(d, "全年安排因公出国（境）团组2个、累计6人次。"),
    # 中小企业 awarded 256.47万元 of the 246.47万元 reserved for them.
    "FINAL-NARR-PROCUREMENT": lambda d: _edit_text(
        d, "采购金额246.47万元；", "采购金额256.47万元；"
    ),
    "FINAL-NARR-SHARES": lambda d: _edit_text(d, "占79.49%", "占79.94%"),
    "FINAL-NARR-ITEMS": lambda d: _edit_text(d, "支出决算为135.25万元", "支出决算为136.25万元"),
    "FINAL-NARR-INCLUDES": lambda d: _edit_text(d, "办公费、印刷费、", "办公费、"),
    "TEXT-END-MARK": lambda d: _edit_text(
        d,
        "其他交通费用、其他商品和服务支出、办公设备购置。",
        "其他交通费用、其他商品和服务支出、办公设备购置、",
    ),
}


def test_every_final_rule_has_a_breaker() -> None:
    from yusuan.checks import REGISTRY

    final_only = {k for k, r in REGISTRY.items() if r.profiles == ("shanghai-final",)}
    assert final_only <= set(BREAKERS), final_only - set(BREAKERS)


def test_the_three_public_counts_are_read() -> None:
    d = _fresh()
    _edit_text(
        d,
        "上海市普陀区财政局2024年度无“三公”经费财政拨款支出。",
        "全年安排因公出国（境）团组2个、累计6人次。国内公务接待3批次、20人次。",
    )
    from yusuan.recognize.three_public import read_three_public_counts

    read_three_public_counts(d)
    counts = d.three_public_counts
    assert counts.groups is not None and counts.groups.value == 2
    assert counts.travellers is not None and counts.travellers.value == 6
    assert counts.receptions is not None and counts.receptions.value == 3
    assert counts.guests is not None and counts.guests.value == 20
    assert _read().three_public_counts.groups is None  # the real one states none


@pytest.mark.parametrize("rule_id", sorted(BREAKERS))
def test_final_rule_fires_on_a_one_line_edit_of_the_real_final(rule_id: str) -> None:
    from yusuan.checks import REGISTRY, run_rules

    rule = REGISTRY[rule_id]
    before = {f.message for f in run_rules(_read(), [rule])}
    broken = _fresh()
    BREAKERS[rule_id](broken)
    new = [f for f in run_rules(broken, [rule]) if f.message not in before]
    assert any(f.severity == rule.severity and not f.rounding for f in new), new
    assert all(f.locations and f.locations[0].source is not None for f in new)


def test_a_direction_against_the_figures_is_an_error() -> None:
    from yusuan.checks import REGISTRY, run_rules

    broken = _fresh()
    # 信息化建设: 年初预算135.90, 支出决算135.25 — "小于" is right, "大于" is not.
    _edit_text(
        broken, "支出决算为135.25万元。决算数小于预算数", "支出决算为135.25万元。决算数大于预算数"
    )
    found = run_rules(broken, [REGISTRY["FINAL-NARR-ITEMS"]])
    assert any(f.severity == Severity.ERROR and "决算数小于预算数" in f.message for f in found)


def test_the_blank_template_is_not_read_as_a_disclosure() -> None:
    from yusuan.errors import YusuanError

    with pytest.raises(YusuanError, match="模板"):
        yusuan.read(SHARED / "real-docs" / "shanghai-final" / "template_dept_final_attachment2.pdf")
