"""The six Shanghai PDFs (9-table template): every table cell, read from the PDF's text layer,
against values transcribed by reading the PDFs (tests/expected/shanghai)."""

from __future__ import annotations

import importlib
from decimal import Decimal
from functools import cache
from types import ModuleType

import pytest

import yusuan
from tests.conftest import SHARED
from yusuan.model import Annex, Cell, Disclosure, FundSources, PerformanceTable, Source

PDFS = (
    "shpt_zfb_2025_unit_budget",
    "shpt_zfb_2025_dept_budget",
    "shpt_czj_2025_dept_budget",
    "shpt_sww_2025_dept_budget",
    "shpt_wljd_2023_dept_budget",
    "shpt_wljd_2024_budget",
)


def expected(stem: str) -> ModuleType:
    return importlib.import_module(f"tests.expected.shanghai.{stem}")


@cache
def parsed(stem: str) -> Disclosure:
    path = SHARED / "real-docs" / "shanghai" / f"{stem}.pdf"
    if not path.exists():
        pytest.fail(f"missing {path}")
    return yusuan.read(path)


CASES = [(stem, n) for stem in PDFS for n in range(1, 10)]


@pytest.mark.parametrize(("stem", "number"), CASES, ids=[f"{s[5:]}-T{n}" for s, n in CASES])
def test_table_matches_pdf(stem: str, number: int) -> None:
    want = expected(stem).TABLES[number]
    table = parsed(stem).tables[number]
    assert table.no_data == want["empty"]
    got = []
    for row, wanted in zip(table.rows, want["rows"], strict=False):
        values = {k: c.text for k, c in row.cells.items() if c.text}
        side = row.side.value if row.side else None
        item = (side, row.code, row.label, values)
        got.append((*item, row.kind.value) if len(wanted) == 5 else item)
    assert got == [tuple(w) for w in want["rows"]][: len(got)]
    assert len(table.rows) == len(want["rows"])


@pytest.mark.parametrize("stem", PDFS)
def test_meta_and_provenance(stem: str) -> None:
    d = parsed(stem)
    want = expected(stem).META
    assert (d.meta.profile, d.meta.unit_name, d.meta.year, d.meta.scope) == (
        "shanghai",
        want["unit_name"],
        want["year"],
        want["scope"],
    )
    assert d.tables[2].amount_unit == "元" and d.tables[9].amount_unit == "万元"
    cell = next(r for r in d.tables[3].rows if r.code).cells["total"]
    assert isinstance(cell.amount, Decimal)
    assert cell.source is not None and cell.source.page and cell.source.bbox


@pytest.mark.parametrize("stem", PDFS)
def test_checks_find_no_false_errors(stem: str) -> None:
    errors = [(f.rule, f.message) for f in yusuan.check(parsed(stem)).errors]
    expected = EXPECTED_ERRORS.get(stem, [])
    for rule, phrase in expected:
        assert any(r == rule and phrase in m for r, m in errors), (rule, phrase, errors)
    assert len(errors) == len(expected), errors


# (rule, a phrase of the message) for every error each document really has, read in the PDFs
# (tests/ground_truth lists them with their pages).
EXPECTED_ERRORS: dict[str, list[tuple[str, str]]] = {
    # wljd 2024's 三公 table prints 47.91万元 of figures under a note saying the table is empty;
    # its item 31 (住房公积金) is 350.35万元 in its heading and 352.67万元 in its sentence.
    "shpt_wljd_2024_budget": [
        ("COMP-NO-DATA", "表9注明“本表无数据”，但列有金额"),
        ("TEXT-CHANGE-RECOMPUTE", "列350.35万元，同一项又称“2024年预算安排352.67万元”"),
    ],
    # czj 2025's 预算编制说明 gives 职业年金 as 887.36万元; its tables say 873,617.00元.
    "shpt_czj_2025_dept_budget": [("SH-NARRATIVE-CODES", "应为 87.36，实为 887.36")],
    # wljd 2023: 政府性基金 0万元 "比2022年预算增加1421.25万元"; item 3's rate 314.82% for
    # 11.67 → 45.41 (289.12%); item 16 states 220.63 and 441.25万元 and item 15's rate 60.54%;
    # its notes give the 5 projects' money as 3328.13万元, the 5 forms total 33,513,343元; the
    # last form's 当年财政拨款 11,419,043.00 exceeds its 年度资金申请总额 10,903,043.00.
    "shpt_wljd_2023_dept_budget": [
        ("NARR-CHANGE", "推算上年数为-1421.25万元"),
        ("TEXT-CHANGE-RECOMPUTE", "应为增长289.12%"),
        ("TEXT-CHANGE-RECOMPUTE", "列220.63万元，同一项又称“2023年预算安排441.25万元”"),
        ("TEXT-CHANGE-RECOMPUTE", "应为增长66.40%"),
        ("PERF-SUMMARY", "合计33,513,343.00元（3351.33万元）"),
        ("PERF-SOURCES-SUM", "应为 11419043.00，实为 10903043.00"),
    ],
    # sww 2025: 财政拨款收入 and 财政拨款支出 are both 37,151.47万元, yet one rose by 24,558.18万元
    # and the other by 24,491.71万元 against 2024.
    "shpt_sww_2025_dept_budget": [("TEXT-CHANGE-PAIRS", "24558.18万元和24491.71万元")],
    # zfb 2025's 机构设置 keeps the template's instruction "（列示至基层预算单位）".
    "shpt_zfb_2025_dept_budget": [("TEXT-RESIDUE", "（列示至基层预算单位）")],
}


@pytest.mark.parametrize("stem", PDFS)
def test_stated_facts(stem: str) -> None:
    d = parsed(stem)
    want = expected(stem).FACTS
    p = d.procurement
    got = {k: getattr(p, k).text if getattr(p, k) else None for k in want["procurement"]}
    assert got == want["procurement"]
    assert d.performance.projects == want["performance_projects"]
    amount = d.performance.amount
    assert (amount.text if amount else None) == want["performance_amount"]


def _bump(d: Disclosure, number: int, key: str, column: str, delta: str = "1000.00") -> None:
    table = d.tables[number]
    row = next(r for r in table.rows if r.key == key)
    cell = row.cells[column]
    assert cell.amount is not None
    cell.amount += Decimal(delta)


def _attach_forms(d: Disclosure) -> None:
    """Attach the 11 forms the notes count, 6,000,000元 each: 6600万元, not the 6626万元 stated."""
    for n in range(11):
        total = Cell("6,000,000.00", Decimal("6000000.00"), Source(d.meta.source_file, 1))
        d.performance_tables.append(
            PerformanceTable(
                "财政项目支出绩效目标填报表", f"项目{n + 1}", annual_funds=FundSources(total=total)
            )
        )


# rule id → how to break zfb 2025 (unit budget) so that only a careless edit explains it.
SH_BREAKERS = {
    "SH-ARITH-ROW": lambda d: _bump(d, 3, "2010301", "basic"),
    "SH-ARITH-CODE": lambda d: (_bump(d, 5, "2010301", "total"), _bump(d, 5, "2010301", "basic")),
    "SH-BALANCE": lambda d: _bump(d, 1, "收入总计", "amount"),
    "SH-CROSS": lambda d: (_bump(d, 2, "2010302", "total"), _bump(d, 2, "2010302", "fiscal")),
    "SH-NARRATIVE": lambda d: _bump(d, 9, "合计", "operating", "1.00"),
    "CODE-PRINTED": lambda d: setattr(
        next(r for r in d.tables[8].rows if r.code == "30102"), "printed_code", "301 2"
    ),
    "TEXT-COPIED-USE": lambda d: _edit_text(
        d, "主要用于行政单位的基本支出", "主要用于政府办公厅（室）及相关机构事务一般行政管理事务"
    ),
    "TEXT-PROJECT-PAGE": lambda d: d.annexes.append(
        Annex(
            "某项目经费情况说明", "三、实施主体主要完成印制工作。\n六、年度预算安排按时拨付资金。"
        )
    ),
    "SH-NARRATIVE-CODES": lambda d: (
        _bump(d, 5, "2010301", "total", "100000.00"),
        _bump(d, 5, "2010301", "basic", "100000.00"),
    ),
    "PERF-SUMMARY": _attach_forms,
}


def test_every_shanghai_rule_has_a_breaker() -> None:
    from yusuan.checks import REGISTRY

    shanghai_only = {
        k for k, r in REGISTRY.items() if "shanghai" in r.profiles and "shanxi" not in r.profiles
    }
    assert shanghai_only == set(SH_BREAKERS)


@pytest.mark.parametrize("rule_id", sorted(SH_BREAKERS))
def test_shanghai_rule_fires_on_broken_document(rule_id: str) -> None:
    from yusuan.checks import REGISTRY, run_rules

    rule = REGISTRY[rule_id]
    stem = "shpt_zfb_2025_unit_budget"
    assert run_rules(parsed(stem), [rule]) == []
    broken = yusuan.read(SHARED / "real-docs" / "shanghai" / f"{stem}.pdf")
    SH_BREAKERS[rule_id](broken)
    findings = run_rules(broken, [rule])
    assert any(f.severity == rule.severity and not f.rounding for f in findings), findings


def _edit_text(d: Disclosure, old: str, new: str) -> None:
    """One phrase of the 情况说明 retyped, as an author would."""
    for section in d.sections:
        for part in [section, *section.subsections]:
            if old in part.text:
                part.text = part.text.replace(old, new, 1)
                return
    raise AssertionError(old)


# The text rules of every template, broken in the real zfb 2025 unit budget by one edit each.
TEXT_BREAKERS = {
    "TEXT-YEAR-COMPARE": lambda d: _edit_text(d, "与2024年预算持平", "与2025年预算持平"),
    "TEXT-YEAR-TITLE": lambda d: setattr(d.sections[1], "title", "2024年“三公”经费预算情况说明"),
    "TEXT-RESIDUE": lambda d: _edit_text(d, "与2024年预算持平", "与2024年预算增加持平"),
    "TEXT-REPEATED": lambda d: _edit_text(d, "与2024年预算持平", "与2024年预算持平持平。。"),
    "TEXT-RUNNING-SCOPE": lambda d: _edit_text(
        d, "下属1家机关和1家事业单位", "下属1家机关和2家事业单位"
    ),
    "TEXT-RATE-PLACES": lambda d: _edit_text(d, "与2024年预算持平", "占比为12.345%"),
    "TEXT-BRACKETS": lambda d: _edit_text(d, "因公出国（境）费", "因公出国（境费"),
    "TEXT-SCOPE": lambda d: setattr(d.sections[0], "title", "2025年部门预算编制说明"),
    "TEXT-UNIT-NAMES": lambda d: setattr(d.tables[4], "unit_name", "上海市人民政府办公室"),
    "CODE-CLASS-NAMES": lambda d: setattr(
        next(r for r in d.tables[3].rows if r.code == "210"), "label", "医疗卫生与计划生育支出"
    ),
    "TEXT-REASON": lambda d: _edit_text(d, "财政拨款收入支出减少的主要原因是项目调整。", ""),
    "TEXT-WORDING": lambda d: _edit_text(d, "万元，与2024年预算持平", "万元。与2024年预算持平"),
    "TEXT-NAMES": lambda d: _edit_text(d, "公务接待费", "公务车用车运行费"),
    "TEXT-CHANGE-RECOMPUTE": lambda d: _edit_text(
        d,
        "与2024年预算持平",
        "2024年预算数为800.00万元，2025年预算安排867.50万元，比上年增加1.00万元",
    ),
    "TEXT-CHANGE-PAIRS": lambda d: _edit_text(
        d,
        "财政拨款支出预算9,101.68万元，比2024年预算减少2,389.52万元",
        "财政拨款支出预算9,101.68万元，比2024年预算减少2,389.50万元",
    ),
    "TEXT-REASON-HOLLOW": lambda d: _edit_text(
        d,
        "财政拨款收入支出减少的主要原因是项目调整。",
        "财政拨款收入支出减少的主要原因是经费增加。",
    ),
    "TEXT-TOC": lambda d: setattr(d.contents[-2], "text", "9.单位“三公”经费和机关运行经费预算表"),
    "TEXT-SUMS": lambda d: _edit_text(
        d, "867.50万元", "867.50万元（其中出国费839.00万元，接待费18.50万元）"
    ),
    "NARR-CHANGE": lambda d: _edit_text(
        d, "与2024年预算持平", "比2024年预算增加10.00万元，增长50.00%"
    ),
}


@pytest.mark.parametrize("rule_id", sorted(TEXT_BREAKERS))
def test_text_rule_fires_on_a_one_line_edit_of_a_real_document(rule_id: str) -> None:
    from yusuan.checks import REGISTRY, run_rules

    rule = REGISTRY[rule_id]
    stem = "shpt_zfb_2025_unit_budget"
    before = {f.message for f in run_rules(parsed(stem), [rule])}
    broken = yusuan.read(SHARED / "real-docs" / "shanghai" / f"{stem}.pdf")
    TEXT_BREAKERS[rule_id](broken)
    findings = [f for f in run_rules(broken, [rule]) if f.message not in before]
    assert any(f.severity == rule.severity and not f.rounding for f in findings), findings
    assert all(f.locations and f.locations[0].source is not None for f in findings)


# --- facts and the 检查表 (the template's own, not Shanxi's) -----------------------------------


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _cell(stem: str, number: int, label: str, column: str) -> Decimal:
    rows = expected(stem).TABLES[number]["rows"]
    row = next(r for r in rows if label in r)
    return _amount(row[3][column])


@pytest.mark.parametrize("stem", PDFS)
def test_headline_facts_in_yuan(stem: str) -> None:
    from yusuan.derive.facts import facts

    got = facts(parsed(stem))
    # Tables 1 and 8 print 元; table 9 prints 万元 (one row of figures).
    assert got["income_total"] == _cell(stem, 1, "收入总计", "amount")
    assert got["expenditure_total"] == _cell(stem, 1, "支出总计", "total")
    assert got["general_basic"] == _cell(stem, 8, "合计", "total")
    t9 = expected(stem).TABLES[9]["rows"][0][3]
    for key, column in (("three_public", "total"), ("operating_costs", "operating")):
        if column in t9:
            assert got[key] == _amount(t9[column]) * 10000
        else:
            assert key not in got  # printed blank: no fact, never 0


@pytest.mark.parametrize("stem", PDFS)
def test_checklist_lists_the_templates_own_items(stem: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from yusuan.checks.render.common import checklist
    from yusuan.checks.render.xlsx import write_xlsx

    report = yusuan.check(parsed(stem))
    items = checklist(report)
    names = [i.name for i in items]
    # The Shanghai template's parts, 9 tables and 5 numbered notes, as the documents print them.
    assert "表1 财务收支预算总表" in names and "表9 “三公”经费和机关运行经费预算表" in names
    assert "预算编制说明" in names and "1. “三公”经费预算情况说明" in names
    assert not any("第三部分" in i.part or i.name.startswith("十") for i in items)  # no Shanxi item
    assert len(items) == 4 + 9 + 5 + 1
    # Every part the template asks for is in these documents: 是公开 for each item, and an item
    # is out of order only for findings (the documents' real defects), never as "not found".
    assert [i.name for i in items if i.disclosed is False] == []
    assert all(i.compliant for i in items if not i.problems)
    path = tmp_path / "检查表.xlsx"
    write_xlsx([report], path)
    sheet = load_workbook(path).worksheets[1]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "文件中未找到这一部分" not in " ".join(cells)


def test_documents_stored_with_old_table_keys_load_with_current_keys() -> None:
    import json

    from yusuan.export.json import from_json, to_json

    data = json.loads(to_json(parsed("shpt_zfb_2025_unit_budget")))
    old = {
        "1": "sh_finance_summary",
        "2": "sh_income",
        "3": "sh_expenditure",
        "9": "sh_three_public",
    }
    for number, key in old.items():
        data["tables"][number]["key"] = key
    d = from_json(json.dumps(data, ensure_ascii=False))
    for key in ("budget_summary", "income_summary", "expenditure_summary", "three_public"):
        assert d.table(key) is not None, key
    assert d.table("expenditure_summary").value("合计", "total") == _cell(
        "shpt_zfb_2025_unit_budget", 3, "合计", "total"
    )


def test_a_misprinted_class_digit_is_a_code_that_cannot_exist() -> None:
    """ "7 11 02" printed for 210 11 02 in the three code columns joins to 71102, whose 类 711 does
    not exist."""
    from yusuan.checks import REGISTRY, run_rules

    d = yusuan.read(SHARED / "real-docs" / "shanghai" / "shpt_zfb_2025_unit_budget.pdf")
    row = next(r for r in d.tables[3].rows if r.code and r.code.startswith("21011"))
    printed = row.code
    assert printed is not None
    row.code = "7" + printed[3:]
    [finding] = run_rules(d, [REGISTRY["CODE-CLASS-NAMES"]])
    assert f"“{row.code}”" in finding.message and f"“{row.code[:3]}”" in finding.message
    assert finding.locations[0].source is not None and finding.locations[0].source.page == 12
