"""Shanghai's 财政项目支出绩效目标填报表: the five forms of wljd 2023 (PDF pages 31-35) read cell by
cell, the two real defects they show (tests/ground_truth: wljd23-11, wljd23-12), and one-line
edits of the PDF's text layer that silence or raise each finding.

The values below were read from the PDF pages (and its text layer), not from yusuan's output.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import cache

import pytest

import yusuan
from tests.conftest import SHARED
from yusuan.checks import REGISTRY, Severity, run_rules
from yusuan.checks.findings import Finding
from yusuan.model import Cell, Disclosure, PerformanceTable
from yusuan.readers import load
from yusuan.readers.text import Line, TextDocument
from yusuan.recognize.document import recognize

FOLDER = SHARED / "real-docs" / "shanghai"
WLJD23 = FOLDER / "shpt_wljd_2023_dept_budget.pdf"
UNIT = "上海市普陀区人民政府万里街道办事处"

# (项目名称, 项目性质, 项目类别, page, 项目资金总额, 年度资金申请总额, indicators), as printed.
FORMS = (
    ("新建万里街道社区公共服务中心", "阶段性项目", "特定目标类", 31,
     "4,100,000.00", "4,100,000.00", 5),
    ("就业援助基地补贴", "经常性项目", "特定目标类", 32, "6,351,000.00", "6,351,000.00", 4),
    ("社区环境整治和建设经费", "经常性项目", "特定目标类", 33,
     "4,563,800.00", "4,563,800.00", 4),
    ("各类工作经费", "经常性项目", "特定目标类", 34, "7595500.00", "7595500.00", 43),
    ("公共服务设施运行经费", "经常性项目", "其他运转类", 35,
     "10,903,043.00", "10,903,043.00", 9),
)  # fmt: skip


@cache
def _doc() -> TextDocument:
    if not WLJD23.exists():
        pytest.fail(f"missing {WLJD23}")
    return load(WLJD23)


@cache
def _wljd23() -> Disclosure:
    return recognize(_doc())


def _lines() -> dict[int, Line]:
    return {line.number: line for line in _doc().lines}


def _forms() -> list[PerformanceTable]:
    return _wljd23().performance_tables


def _edited(old: str, new: str) -> Disclosure:
    """The document read again after one line of its text layer was retyped."""
    doc = _doc()
    found = [i for i, line in enumerate(doc.lines) if old in line.text]
    assert len(found) == 1, (old, found)
    line = doc.lines[found[0]]
    cells = [c.replace(old, new) for c in line.cells] if line.cells is not None else None
    lines = list(doc.lines)
    lines[found[0]] = replace(line, text=line.text.replace(old, new), cells=cells)
    return recognize(replace(doc, lines=lines))


def _errors(d: Disclosure, rule_id: str) -> list[Finding]:
    return [
        f
        for f in run_rules(d, [REGISTRY[rule_id]])
        if f.severity == Severity.ERROR and not f.rounding
    ]


def _printed(cell: Cell | None) -> str | None:
    return cell.text if cell is not None else None


# --- reading ---------------------------------------------------------------------------------


def test_the_five_forms_are_read_with_their_header_fields() -> None:
    forms = _forms()
    assert [t.project for t in forms] == [f[0] for f in FORMS]
    for table, (name, nature, category, page, *_) in zip(forms, FORMS, strict=True):
        assert table.title == "财政项目支出绩效目标填报表", name
        assert (table.attribute, table.category) == (nature, category), name
        assert table.department == UNIT and table.implementer == UNIT, name
        assert (table.planned_start, table.planned_end) == ("2023-01-01", "2023-12-31"), name
        assert table.source is not None and table.source.page == page, name
        assert not table.whole_unit and table.confidence == 1.0


def test_funds_are_read_cell_exact_in_yuan() -> None:
    for table, (name, _, _, _, project, annual, _) in zip(_forms(), FORMS, strict=True):
        assert _printed(table.period_funds.total) == project, name
        assert _printed(table.annual_funds.total) == annual, name
        assert _printed(table.period_funds.other) == "0.00", name
        assert _printed(table.annual_funds.carryover) == "0.00", name
        assert _printed(table.annual_funds.other) == "0.00", name
        assert table.period_funds.central is None and table.annual_funds.own is None  # not printed
    last = _forms()[4]
    assert _printed(last.period_funds.fiscal) == "10,903,043.00"
    assert _printed(last.annual_funds.fiscal) == "11,419,043.00"  # the form's own slip
    assert last.annual_funds.total is not None
    assert last.annual_funds.total.amount == Decimal("10903043.00")
    assert _forms()[3].annual_funds.total.amount == Decimal("7595500.00")  # type: ignore[union-attr]


def test_every_figure_cites_the_page_and_line_it_is_printed_on() -> None:
    lines = _lines()
    for table, (name, _, _, page, *_) in zip(_forms(), FORMS, strict=True):
        for funds in (table.period_funds, table.annual_funds):
            for key in ("total", "fiscal", "carryover", "other"):
                cell = getattr(funds, key)
                if cell is None:
                    continue
                assert cell.source is not None and cell.source.page == page, (name, key)
                assert cell.source.line is not None
                assert cell.text in (lines[cell.source.line].cells or []), (name, key)
        for indicator in table.annual_indicators:
            assert indicator.source is not None and indicator.source.page == page
            assert indicator.level3 in lines[indicator.source.line or 0].text, name


def test_goals_and_the_indicator_tree() -> None:
    forms = _forms()
    assert [len(t.annual_indicators) for t in forms] == [f[6] for f in FORMS]
    assert all(not t.period_indicators for t in forms)  # one tree: 年度(/项目)指标值
    assert forms[1].texts == {"项目总目标": "管理各类下拨费用，实报实销",
                              "年度总体目标": "管理各类下拨费用，实报实销"}  # fmt: skip
    first = forms[0].annual_indicators[0]
    assert (first.level1, first.level2, first.level3, first.value) == (
        "产出指标", "数量指标", "规划建筑面积", "≥13459.00(平方米)",
    )  # fmt: skip
    # Levels are printed once and carried down the rows below them.
    third = forms[3].annual_indicators[2]
    assert (third.level1, third.level2, third.level3, third.value) == (
        "产出指标", "数量指标", "开展社区服刑人员团队训练", "至少1次矫正人员的集中活动",
    )  # fmt: skip
    last = forms[4].annual_indicators[-1]
    assert (last.level1, last.level2, last.level3, last.value) == (
        "满意度指标", "服务对象满意度指标", "工作人员满意度", "≥95.00(%)",
    )  # fmt: skip


def test_the_forms_are_not_read_into_the_project_note_before_them() -> None:
    note = next(a for a in _wljd23().annexes if a.title == "项目经费情况说明")
    assert "填报表" not in note.text and "年度资金申请总额" not in note.text


def test_the_summary_figure_has_its_page() -> None:
    amount = _wljd23().performance.amount
    assert amount is not None and amount.text == "3328.13"
    assert amount.source is not None and (amount.source.line, amount.source.page) == (
        next(n for n, ln in _lines().items() if "3328.13万元" in ln.text),
        29,
    )


@pytest.mark.parametrize(
    "stem",
    [
        "shpt_czj_2025_dept_budget",
        "shpt_sww_2025_dept_budget",
        "shpt_wljd_2024_budget",
        "shpt_zfb_2025_dept_budget",
        "shpt_zfb_2025_unit_budget",
    ],
)
def test_documents_without_forms_have_none(stem: str) -> None:
    # Their notes say 详见单位的项目绩效目标表; wljd 2024's 33 pages end with its project note.
    d = yusuan.read(FOLDER / f"{stem}.pdf")
    assert d.performance_tables == []
    report = yusuan.check(d)
    assert not [f for f in report.findings if f.rule.startswith("PERF-")]


# --- the two defects -------------------------------------------------------------------------


def test_summary_amount_differs_from_the_forms() -> None:  # wljd23-11
    (finding,) = _errors(_wljd23(), "PERF-SUMMARY")
    narrative = next(n for n, ln in _lines().items() if "涉及项目预算资金3328.13万元" in ln.text)
    first = finding.locations[0]
    assert first.source is not None and first.source.line == narrative
    assert first.source.page == 29 and first.text == "3328.13"
    assert "33,513,343.00元" in finding.message and "3351.33万元" in finding.message
    assert finding.expected == Decimal("3351.33") and finding.actual == Decimal("3328.13")
    assert finding.difference == Decimal("-23.20")
    assert [loc.source.page for loc in finding.locations[1:] if loc.source] == [31, 32, 33, 34, 35]


def test_the_parts_of_a_years_funds_exceed_its_total() -> None:  # wljd23-12
    (finding,) = _errors(_wljd23(), "PERF-SOURCES-SUM")
    assert "公共服务设施运行经费" in finding.message and "年度资金申请总额" in finding.message
    assert finding.expected == Decimal("11419043.00")
    assert finding.actual == Decimal("10903043.00")
    cited = {loc.text: loc.source for loc in finding.locations}
    source = cited["11,419,043.00"]
    assert source is not None and source.page == 35
    assert "11,419,043.00" in _lines()[source.line or 0].text


@pytest.mark.parametrize(
    "rule_id",
    ["PERF-INDICATORS", "PERF-VALUES", "PERF-DEPARTMENT", "PERF-HEADER", "PERF-UNREADABLE",
     "PERF-SOURCES-ATTRIBUTION"],
)  # fmt: skip
def test_other_performance_rules_are_silent_on_the_real_forms(rule_id: str) -> None:
    assert "shanghai" in REGISTRY[rule_id].profiles
    assert run_rules(_wljd23(), [REGISTRY[rule_id]]) == []


def test_the_check_of_wljd_2023_reports_both_defects() -> None:
    report = yusuan.check(_wljd23())
    rules = {f.rule for f in report.errors}
    assert {"PERF-SUMMARY", "PERF-SOURCES-SUM"} <= rules


# --- one-line edits of the text layer --------------------------------------------------------


def test_summary_silent_once_the_narrative_states_the_forms_total() -> None:
    fixed = _edited("涉及项目预算资金3328.13万元", "涉及项目预算资金3351.33万元")
    assert run_rules(fixed, [REGISTRY["PERF-SUMMARY"]]) == []
    # Printed to one place: 3351.3343 rounds to 3351.3.
    shorter = _edited("涉及项目预算资金3328.13万元", "涉及项目预算资金3351.3万元")
    assert run_rules(shorter, [REGISTRY["PERF-SUMMARY"]]) == []
    # Off by less than one unit of the last printed place: 尾差, a note but not an error.
    (note,) = run_rules(
        _edited("涉及项目预算资金3328.13万元", "涉及项目预算资金3351.34万元"),
        [REGISTRY["PERF-SUMMARY"]],
    )
    assert note.severity == Severity.INFO and note.rounding


def test_summary_warns_when_the_count_differs() -> None:
    edited = _edited("编报绩效目标的项目5个", "编报绩效目标的项目6个")
    (finding,) = run_rules(edited, [REGISTRY["PERF-SUMMARY"]])
    assert finding.severity == Severity.WARNING
    assert "项目6个" in finding.message and "绩效目标表5张" in finding.message


def test_sources_sum_silent_once_the_parts_add_up() -> None:
    fixed = _edited("11,419,043.00", "10,903,043.00")
    assert _errors(fixed, "PERF-SOURCES-SUM") == []
    assert fixed.performance_tables[4].annual_funds.fiscal is not None


def test_sources_sum_fires_on_the_project_half_of_a_correct_form() -> None:
    lines = _lines()
    row = next(n for n, ln in lines.items() if ln.page == 32 and "其中：财政资金" in ln.text)
    old = lines[row].text
    assert old.count("6,351,000.00") == 2  # 财政资金 and 当年财政拨款 on one row
    doc = _doc()
    cells = ["6,531,000.00" if i == 4 else c for i, c in enumerate(lines[row].cells or [])]
    edited = [replace(ln, cells=cells, text=" ".join(cells)) if ln.number == row else ln
              for ln in doc.lines]  # fmt: skip
    broken = recognize(replace(doc, lines=edited))
    found = _errors(broken, "PERF-SOURCES-SUM")
    assert len(found) == 2  # and wljd23-12, still there
    (finding,) = [f for f in found if "就业援助基地补贴" in f.message]
    assert "项目资金总额" in finding.message
    assert finding.difference == Decimal("-180000.00")
