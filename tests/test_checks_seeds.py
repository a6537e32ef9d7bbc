"""The checker on the real seeds: the defects they really contain, and no false errors.

Each expected defect was found by reading the documents (see the comments); nothing else may be
reported as an error.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import yusuan
from tests.conftest import SEED_IDS, parsed
from yusuan.checks import Severity
from yusuan.checks.report import Report

# (rule, a phrase of the message) for every error each seed really has.
EXPECTED_ERRORS = {
    "000": [
        # The 门诊慢特病专家认定劳务费 performance table is printed twice.
        ("COMP-PERF-TABLES", "门诊慢特病专家认定劳务费"),
        # 五(二) calls 一般公共服务支出 (0.58) "一般公共预算支出".
        ("NARR-CLASSES", "一般公共服务支出"),
        # 市直离休干部医疗保障经费: 年度资金总额 blank, table 12 has 100.00 + 300.00.
        ("PERF-FUNDS-T12", "市直离休干部医疗保障经费"),
        # The second copy of 门诊慢特病专家认定劳务费 leaves 年度资金总额 blank (table 12: 15.22).
        ("PERF-FUNDS-T12", "门诊慢特病专家认定劳务费"),
    ],
    "001": [],
    "002": [
        # 十: 公开项目 其他运转类 273.76 + 特定目标类 37.00 ≠ 273.76 (the first statement: 236.76).
        ("NARR-PERFORMANCE", "公开项目各类金额之和"),
    ],
    "003": [
        # Only 2 of the 9 projects of table 12 have a performance table (the text claims 9).
        *[
            ("COMP-PERF-TABLES", name)
            for name in (
                "肾病透析患者医疗费政府补助资金",
                "城乡居民医疗救助县级配套资金项目",
                "城乡居民医疗救助中央财政补助项目",
                "城乡居民医疗救助省级财政补助项目",
                "单位长期聘用人员经费",
                "在职人员职业年金做实",
                "提前离岗人员医药费补助款",
            )
        ],
        # The three-year plan: "2027年度…收入总计万元" has no amount.
        ("NARR-HOLES", "收入总计万元"),
        # 十: 整体绩效目标 2217.36 is the project total, not the unit's 2800.16.
        ("NARR-PERFORMANCE", "整体绩效目标涉及资金2217.36万元"),
    ],
}


def report(seed: str) -> Report:
    return yusuan.check(parsed(seed))


@pytest.mark.parametrize("seed", SEED_IDS)
def test_real_defects_and_no_false_errors(seed: str) -> None:
    errors = [(f.rule, f.message) for f in report(seed).errors]
    expected = EXPECTED_ERRORS[seed]
    for rule, phrase in expected:
        assert any(r == rule and phrase in m for r, m in errors), (rule, phrase, errors)
    assert len(errors) == len(expected), errors


def test_known_warnings() -> None:
    def has(seed: str, rule: str, phrase: str) -> bool:
        return any(f.rule == rule and phrase in f.message for f in report(seed).warnings)

    # 001: 中央 money of the 实施期 booked as 省级 in the 年度 half.
    assert has("001", "PERF-SOURCES-ATTRIBUTION", "2024年中央财政医疗救助补助资金")
    # 001: 主管部门 printed as 483-/408- where every other table says 403-.
    assert has("001", "PERF-DEPARTMENT", "483-汾阳市医疗保障局")
    assert has("001", "PERF-DEPARTMENT", "408-汾阳市医疗保障局")
    # 000: one table names the department 医疗保险局 instead of 医疗保障局.
    assert has("000", "PERF-DEPARTMENT", "066-阳泉市医疗保险局")
    # 002: a one-year project with 实施期 690,000 and 年度 300,000.
    assert has("002", "PERF-SOURCES-ATTRIBUTION", "2025年医保经办经费")
    assert has("002", "PERF-DEPARTMENT", "906-社保单位")
    # 003: the OCR-noise performance tables cannot be checked.
    assert has("003", "PERF-UNREADABLE", "办公经费")


def test_rounding_is_told_apart() -> None:
    """001: 74.55 + 1793.21 = 1867.76 against a printed 1867.77 is 尾差, not an error."""
    rounding = [f for f in report("001").findings if f.rounding]
    assert rounding and all(f.severity == Severity.INFO for f in rounding)
    t3_total = [
        f
        for f in rounding
        if f.rule == "ARITH-ROW" and f.locations[0].table == 3 and f.locations[0].row == "合计"
    ]
    assert t3_total
    assert (t3_total[0].expected, t3_total[0].actual) == (Decimal("1867.76"), Decimal("1867.77"))
    assert t3_total[0].difference == Decimal("0.01")


def test_imprecise_rate_is_info() -> None:
    """000 八: 16.4 / 54.62 = 30.03%, printed "下降30%"."""
    infos = [f for f in report("000").findings if f.rule == "NARR-CHANGE"]
    assert len(infos) == 1 and infos[0].severity == Severity.INFO
    assert infos[0].expected == Decimal("30.03")


def test_findings_carry_sources() -> None:
    for seed in SEED_IDS:
        for finding in report(seed).findings:
            assert finding.locations, finding
            assert finding.locations[0].source is not None, finding
            assert finding.title and finding.message


def test_example_has_no_errors() -> None:
    example = yusuan.read(
        __import__("pathlib").Path(yusuan.__file__).parent / "examples" / "example_unit_2025.txt"
    )
    result = yusuan.check(example)
    assert not result.errors, [f.message for f in result.errors]
