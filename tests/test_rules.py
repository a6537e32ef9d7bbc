"""Every rule passes on a correct document and fires on a broken one.

The correct document is the bundled example (its arithmetic is exact by construction). Each
breaker edits one line of it as a careless author would; the rule under test must report it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import yusuan
from yusuan.checks import REGISTRY, Severity, run_rules
from yusuan.model import Disclosure

EXAMPLE = Path(yusuan.__file__).parent / "examples" / "example_unit_2025.txt"
LINES = EXAMPLE.read_text(encoding="utf-8").split("\n")

# rule id → list of (1-based line, old text, new text) edits of the example.
Edit = tuple[int, str, str]
BREAKERS: dict[str, list[Edit]] = {
    "ARITH-ROW": [(236, "126.48\t126.48", "127.48\t126.48")],
    "ARITH-CODE": [(110, "312.31\t312.31", "313.31\t313.31")],
    "ARITH-TOTAL": [(209, "792.21\t429.35", "793.21\t430.35")],
    "ARITH-ECON": [(245, "8.40\t\t8.40", "9.40\t\t9.40")],
    "ARITH-THREE-PUBLIC": [(317, "3.20\t3.20", "4.20\t4.20")],
    "ARITH-SUBTOTAL": [(342, "24.96\t24.96", "25.96\t25.96")],
    "ARITH-BALANCE": [(95, "本年收入合计\t1067.81", "本年收入合计\t1068.81")],
    "ASSET-VEHICLES": [(700, "机要通信用车1辆", "机要通信用车2辆")],
    "CODE-NESTING": [(273, "21208\t", "21209\t")],
    "CODE-CLASSES": [(72, "八、社会保障和就业支出", "八、社会保障支出")],
    "CODE-CATALOG": [(125, "住房公积金", "住房公积金补贴")],
    "CODE-CLASS-NAMES": [(145, "210\t卫生健康支出", "210\t医疗卫生与计划生育支出")],
    "CODE-ECONOMIC": [(245, "8.40\t\t8.40", "8.40\t8.40\t")],
    "COMP-TABLES": [(290, "国有资本经营预算收支预算表", "国有资本预算表")],
    "COMP-PARTS": [(710, "十二、其他说明", "其他说明")],
    "COMP-NO-DATA": [(301, "注：本表无数据", "")],
    "COMP-PERF-TABLES": [(499, "临时聘用人员劳务费", "临时聘用人员劳务经费")],
    "X-T1-T2-INCOME": [(65, "一、一般公共预算\t792.21", "一、一般公共预算\t793.21")],
    "X-T1-T3-CLASS": [(72, "63.79\t63.79", "64.79\t64.79")],
    "X-T3-T2": [(138, "312.31\t312.31", "313.31\t313.31")],
    "X-T5-T2": [(212, "312.31\t312.31", "313.31\t313.31")],
    "X-T6-T5": [(234, "429.35\t369.90", "430.35\t370.90")],
    "X-T4-T1": [(164, "一、一般公共预算\t792.21", "一、一般公共预算\t793.21")],
    "X-FUNDS": [(284, "230.00\t\t230.00", "231.00\t\t231.00")],
    "X-T11-T6": [(328, "59.45\t59.45", "60.45\t60.45"), (329, "59.45\t59.45", "60.45\t60.45")],
    "X-PROJECTS": [(359, "36.80\t36.80", "37.80\t37.80"), (358, "36.80\t36.80", "37.80\t37.80")],
    "X-T10-T6": [(257, "3.20\t\t3.20", "2.20\t\t2.20")],
    "NARR-TOTALS": [(0, "支出预算1,104.61万元", "支出预算1,105.61万元")],
    "NARR-SHARES": [(0, "基本支出429.35万元，占38.87%", "基本支出429.35万元，占39.87%")],
    "NARR-CLASSES": [(0, "卫生健康支出21.73万元，占2.74%", "医疗卫生支出21.73万元，占2.74%")],
    "NARR-CHANGE": [(0, "增长3.09%", "增长4.09%")],
    "NARR-BASIC": [(0, "人员经费369.90万元", "人员经费368.90万元")],
    "NARR-THREE-PUBLIC": [(0, "公务接待费1.50万元", "公务接待费1.60万元")],
    "NARR-OPERATING": [(0, "运行经费财政拨款预算59.45万元", "运行经费财政拨款预算60.45万元")],
    "NARR-PROCUREMENT": [(0, "政府采购货物预算50.00万元", "政府采购货物预算51.00万元")],
    "NARR-PERFORMANCE": [(0, "绩效目标管理的二级项目7个", "绩效目标管理的二级项目8个")],
    "NARR-HOLES": [(0, "原因是严格落实过紧日子要求，", "原因是。")],
    "NARR-UNIT-NAME": [(0, "示例市数据服务中心支出预算", "示例市数据中心支出预算")],
    "PERF-FUNDS-T12": [(502, "年度资金总额：\t249,600", "年度资金总额：\t259,600")],
    "PERF-SOURCES-SUM": [(471, "市县（区）财政资金\t864,000", "市县（区）财政资金\t865,000")],
    "PERF-SOURCES-ATTRIBUTION": [(470, "\t\t省级财政资金\t0", "\t\t省级财政资金\t10,000")],
    "PERF-DEPARTMENT": [(500, "901-示例市数据局", "902-示例市数据局")],
    "PERF-INDICATORS": [(484, "平台年可用率\t≥99.9%\n", "平台年可用率\t\n")],
    "TEXT-YEAR-COMPARE": [(401, "比2024年预算减少0.50万元", "比2025年预算减少0.50万元")],
    "TEXT-YEAR-TITLE": [(305, "2025年财政拨款安排“三公”", "2024年财政拨款安排“三公”")],
    "TEXT-RESIDUE": [(401, "比上年减少0.30万元", "比上年增加（减少）0.30万元")],
    "TEXT-REPEATED": [(407, "增长2.85%，", "增长2.85%，，")],
    "TEXT-RATE-PLACES": [(407, "增长2.85%", "增长2.853%")],
    "TEXT-BRACKETS": [(401, "因公出国（境）费0万元", "因公出国（境费0万元")],
    "TEXT-SCOPE": [(407, "本单位2025年", "本部门2025年")],
    "TEXT-CHANGE-RECOMPUTE": [
        (
            401,
            "“三公”经费预算4.70万元，比2024年预算减少0.50万元",
            "“三公”经费2024年预算数为5.20万元，2025年预算安排4.70万元，比上年减少0.60万元",
        )
    ],
    "TEXT-REASON-HOLLOW": [
        (
            407,
            "原因是新增数据机房配套办公用房，物业管理费和电费相应增加",
            "原因是：机关运行经费减少",
        )
    ],
    "TEXT-WORDING": [(407, "预算59.45万元，", "预算59.45万，")],
    "TEXT-TYPO": [(417, "涉及资金1,067.81万元", "设计资金1,067.81万元")],
    "PERF-HEADER": [(467, "经常性项目（长期开展）", "经常性项目（1年结束）")],
    "TEXT-TOC": [(18, "表六2025年", "表六")],
    "TEXT-END-MARK": [(407, "电费相应增加。", "电费相应增加；")],
    "TEXT-YEAR-FORM": [(474, "年运维费用86.40万元", "2024年度运维经费86.40万元")],
    "TEXT-CUT-OFF": [(476, "必须保障其持续稳定运行。", "必须保障其持续稳")],
    "TEXT-RUNNING-SCOPE": [
        (407, "本单位2025年机关运行经费", "本单位及下属1家事业单位2025年机关运行经费")
    ],
    "PERF-VALUES": [(484, "平台年可用率\t≥99.9%", "平台年可用率\t≥99,99%")],
    "TEXT-SUMS": [
        (407, "预算59.45万元，", "预算59.45万元（其中一般公共预算50.00万元，其他9.00万元），")
    ],
    "TEXT-CHANGE-PAIRS": [
        (
            365,
            "2025年度示例市数据服务中心预算收入总计",
            "财政拨款收入792.21万元，比上年增加20.00万元；财政拨款支出792.21万元，比上年增加23.76万元。"
            "2025年度示例市数据服务中心预算收入总计",
        )
    ],
    "TEXT-NAMES": [(401, "公务用车运行维护费3.20万元", "公务车用车运行维护费3.20万元")],
    "TEXT-REASON": [
        (
            407,
            "增加1.65万元，增长2.85%，原因是新增数据机房配套办公用房，物业管理费和电费相应增加",
            "增加11.65万元，增长24.37%",
        )
    ],
    "TEXT-UNIT-NAMES": [(101, "单位名称：示例市数据服务中心", "单位名称：示例市数据中心")],
}


def _mark_unreadable(disclosure: Disclosure) -> None:
    disclosure.performance_tables[1].confidence = 0.2


# Rules whose input cannot be produced by editing a text extraction (e.g. OCR confidence).
MODEL_BREAKERS: dict[str, Callable[[Disclosure], None]] = {
    "PERF-UNREADABLE": _mark_unreadable,
}


def _edited(tmp_path: Path, edits: list[Edit]) -> Path:
    text = "\n".join(LINES)
    lines = list(LINES)
    for number, old, new in edits:
        if number == 0:  # anywhere in Part 3: the phrase is unique there
            assert text.count(old) == 1, old
            text = text.replace(old, new)
            lines = text.split("\n")
            continue
        line = lines[number - 1] + ("\n" if old.endswith("\n") else "")
        assert old in line, (number, old, lines[number - 1])
        lines[number - 1] = line.replace(old, new, 1).rstrip("\n")
        text = "\n".join(lines)
    target = tmp_path / "broken.txt"
    target.write_text(text, encoding="utf-8")
    return target


SHANXI_RULES = sorted(k for k, r in REGISTRY.items() if "shanxi" in r.profiles)


def test_every_rule_has_a_breaker() -> None:
    assert set(BREAKERS) | set(MODEL_BREAKERS) == set(SHANXI_RULES)


@pytest.mark.parametrize("rule_id", SHANXI_RULES)
def test_rule_passes_on_correct_example(rule_id: str) -> None:
    findings = run_rules(yusuan.read(EXAMPLE), [REGISTRY[rule_id]])
    if rule_id == "CODE-CATALOG":
        # The example's 国有土地使用权出让 codes are real but not in the observed catalog.
        assert {f.severity for f in findings} <= {Severity.WARNING}
        assert all("不在已知编码目录中" in f.message for f in findings)
        return
    assert findings == []


@pytest.mark.parametrize("rule_id", SHANXI_RULES)
def test_rule_fires_on_broken_example(tmp_path: Path, rule_id: str) -> None:
    rule = REGISTRY[rule_id]
    if rule_id in MODEL_BREAKERS:
        disclosure = yusuan.read(EXAMPLE)
        MODEL_BREAKERS[rule_id](disclosure)
    else:
        disclosure = yusuan.read(_edited(tmp_path, BREAKERS[rule_id]))
    before = run_rules(yusuan.read(EXAMPLE), [rule])
    after = run_rules(disclosure, [rule])
    new = [f for f in after if f.message not in {b.message for b in before}]
    assert new, f"{rule_id} did not fire"
    assert all(f.rule == rule_id and f.locations for f in new)
    assert any(f.severity == rule.severity and not f.rounding for f in new), new
