"""Linking disclosures across years and checking 比上年 claims against last year's stored document,
on SQLite and PostgreSQL.

The pair of documents comes from the generator (tests/budget_years.py): the 2025 example states
last year's figures, and the 2024 document is built to print exactly those, so the pair agrees;
changing one 2024 figure must give exactly one XYEAR-CHANGE error naming it.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal

from click.testing import CliRunner
from sqlalchemy import func, select

from tests.budget_years import store_data, store_disclosure, unit_2024, unit_2025
from tests.conftest import parsed
from yusuan.budget.model import BudgetData
from yusuan.cli import main
from yusuan.crossyear.check import after_save, crosscheck, crosscheck_disclosure
from yusuan.crossyear.links import Candidate, link_disclosure, relink, resolve, unit_code
from yusuan.derive.claims import claims
from yusuan.store import open_store
from yusuan.store import schema as s
from yusuan.store.db import Store


def _xyear(store: Store, did: int) -> list[s.Finding]:
    with store.reader() as session:
        query = select(s.Finding).where(
            s.Finding.disclosure_id == did, s.Finding.rule == "XYEAR-CHANGE"
        )
        return list(session.scalars(query))


def _counts(store: Store, did: int) -> tuple[int, int, int]:
    with store.reader() as session:
        d = session.get(s.Disclosure, did)
        assert d is not None
        return d.errors, d.warnings, d.infos


def _stored_counts(store: Store, did: int) -> tuple[int, int, int]:
    with store.reader() as session:
        found = dict(session.execute(
            select(s.Finding.severity, func.count())
            .where(s.Finding.disclosure_id == did).group_by(s.Finding.severity)
        ).all())  # fmt: skip
    return found.get("error", 0), found.get("warning", 0), found.get("info", 0)


def _operating_costs(yuan: int):  # type: ignore[no-untyped-def]
    def edit(d: BudgetData) -> None:
        d.operating_costs[0].amounts.general = Decimal(yuan)

    return edit


def test_consistent_pair_gives_no_cross_year_findings(db_url: str) -> None:
    store = open_store(db_url)
    try:
        before = store_data(store, unit_2024(), "示例市数据服务中心2024.yaml")
        after_save(store, before)
        now = store_data(store, unit_2025(), "示例市数据服务中心2025.yaml")
        counts = _counts(store, now)
        [result] = after_save(store, now)
        with store.reader() as session:
            link = session.get(s.YearLink, now)
            first = session.get(s.YearLink, before)
        assert link is not None and first is not None
        assert (link.previous_id, link.method, link.candidates) == (before, "name", 1)
        assert link.note is None
        assert (first.previous_id, first.method) == (None, "none")
        # The 2025 Part 3 states nine changes: 收入总计, 支出总计, 一般公共预算当年支出,
        # “三公”经费, 公务接待费, 公务用车运行维护费, 因公出国（境）费 and 购置费 (与上年预算数
        # 相同), 机关运行经费.
        assert (result.previous_id, result.claims, result.checked) == (before, 9, 9)
        assert result.findings == [] and _xyear(store, now) == []
        assert _counts(store, now) == counts == _stored_counts(store, now)
    finally:
        store.close()


def test_changed_prior_figure_is_named_in_one_error(db_url: str) -> None:
    """2024 机关运行经费 printed as 60.00万元 instead of the 57.80 that 2025's sentence
    "比2024年预算增加1.65万元，增长2.85%" (59.45 now) implies."""
    store = open_store(db_url)
    try:
        # Stored in the "wrong" order: the 2025 document first, last year's arrives later.
        now = store_data(store, unit_2025(), "示例市数据服务中心2025.yaml")
        assert after_save(store, now)[0].previous_id is None
        report_counts = _counts(store, now)
        before = store_data(store, unit_2024(_operating_costs(600000)), "示例2024.yaml")
        results = after_save(store, before)  # re-checks 2025, now that its last year is here
        assert [r.disclosure_id for r in results] == [before, now]
        [finding] = results[1].findings
        assert finding.rule == "XYEAR-CHANGE" and finding.severity.value == "error"
        assert finding.family == "cross_year"
        assert (finding.expected, finding.actual, finding.difference) == (
            Decimal("-0.55"),
            Decimal("1.65"),
            Decimal("2.20"),
        )
        for words in ("机关运行经费", "2025年", "59.45", "2024年", "60.00", "减少0.55万元",
                      "比2024年预算增加1.65万元", "表11"):  # fmt: skip
            assert words in finding.message
        assert finding.locations[-1].source is not None
        assert finding.locations[-1].source.file == "示例2024.yaml"
        assert finding.locations[-1].text == "60.00"
        [stored] = _xyear(store, now)
        assert stored.message == finding.message
        assert json.loads(stored.locations)[-1]["file"] == "示例2024.yaml"
        errors, warnings, infos = report_counts
        assert _counts(store, now) == (errors + 1, warnings, infos) == _stored_counts(store, now)
        # Checking again replaces the findings: still one, counts unchanged.
        again = crosscheck(store, unit="示例市数据服务中心", year=2025)
        assert [len(r.findings) for r in again] == [1]
        assert len(_xyear(store, now)) == 1
        assert _counts(store, now) == (errors + 1, warnings, infos)
    finally:
        store.close()


def test_rounding_difference_is_info(db_url: str) -> None:
    """2024 机关运行经费 57.81万元: "增加1.65万元" against 59.45 − 57.81 = 1.64 is 尾差."""
    store = open_store(db_url)
    try:
        before = store_data(store, unit_2024(_operating_costs(578100)), "2024.yaml")
        now = store_data(store, unit_2025(), "2025.yaml")
        after_save(store, before)
        [result] = after_save(store, now)
        [finding] = result.findings
        assert finding.severity.value == "info" and finding.rounding
        assert finding.difference == Decimal("0.01")
        assert "尾差" in finding.message
    finally:
        store.close()


def test_crosscheck_command_reports_in_chinese(db_url: str) -> None:
    store = open_store(db_url)
    try:
        store_data(store, unit_2024(_operating_costs(600000)), "2024.yaml")
        store_data(store, unit_2025(), "2025.yaml")
    finally:
        store.close()
    runner = CliRunner()
    result = runner.invoke(main, ["crosscheck", "--db", db_url])
    assert result.exit_code == 3, result.output
    assert "机关运行经费" in result.output and "不一致 1 处" in result.output
    assert runner.invoke(main, ["crosscheck", "--db", db_url, "--fail-on", "never"]).exit_code == 0


# --- linking ---------------------------------------------------------------------------------


def _seed_as(year: int, department: str | None = None, name: str | None = None):  # type: ignore[no-untyped-def]
    """Seed 001 (汾阳市医疗保障局 2024, 主管部门及代码 403) presented as another year's document,
    optionally with another printed code or unit name."""
    d = copy.deepcopy(parsed("001"))
    d.meta.year = year
    if name is not None:
        d.meta.unit_name = name
        for table in d.tables.values():
            table.unit_name = name
    for table in d.performance_tables:
        if department is not None and table.department:
            table.department = department
    return d


def test_unit_code_is_read_from_the_departments_own_tables() -> None:
    assert unit_code(parsed("001")) == "403"  # 403 in most tables, misread 483/408 in two
    assert unit_code(parsed("002")) == "307"  # 307-长治市屯留区医疗保障局, a department document
    assert unit_code(parsed("000")) is None  # 066-阳泉市医疗保障局 is its department, not itself


def test_links_by_code_and_notes_same_name_with_another_code(db_url: str) -> None:
    store = open_store(db_url)
    try:
        old = store_disclosure(store, _seed_as(2024), "fenyang-2024.txt")
        other = store_disclosure(store, _seed_as(2024, "999-汾阳市医疗保障局"), "other-2024.txt")
        now = store_disclosure(store, _seed_as(2025), "fenyang-2025.txt")
        for did in (old, other, now):
            link_disclosure(store, did)
        with store.reader() as session:
            codes = dict(session.execute(select(s.Disclosure.id, s.Disclosure.code)).all())
            link = session.get(s.YearLink, now)
        assert codes == {old: "403", other: "999", now: "403"}
        assert link is not None
        assert (link.previous_id, link.method, link.candidates) == (old, "code", 2)
        assert link.note is not None and "999" in link.note
        assert "名称相同但单位编码不同" in link.note
        summary = relink(store)
        assert summary.disclosures == 3 and summary.ambiguous == 1
        with store.reader() as session:
            again = session.get(s.YearLink, now)
        assert again is not None and (again.previous_id, again.note) == (old, link.note)
    finally:
        store.close()
    result = CliRunner().invoke(main, ["links", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "有疑问 1" in result.output and "汾阳市医疗保障局" in result.output


def test_renamed_unit_is_linked_by_its_code(db_url: str) -> None:
    store = open_store(db_url)
    try:
        old = store_disclosure(store, _seed_as(2024), "2024.txt")
        link_disclosure(store, old)  # as ingest does after each document: reads its code
        renamed = _seed_as(2025, "403-汾阳市医疗保障事务局", name="汾阳市医疗保障事务局")
        now = store_disclosure(store, renamed, "2025.txt")
        link = link_disclosure(store, now).link
        assert (link.previous_id, link.method) == (old, "code")
        assert link.note is not None and "汾阳市医疗保障局" in link.note
        assert "汾阳市医疗保障事务局" in link.note
        # Seed 001's own 比上年 claims are about 2023, which is not stored: nothing to check.
        assert crosscheck_disclosure(store, old).checked == 0
    finally:
        store.close()


def test_resolve_without_codes() -> None:
    def doc(id: int, unit: int, year: int, version: int = 1, code: str | None = None
            ) -> Candidate:  # fmt: skip
        return Candidate(id, unit, year, "单位", "shanxi", version, code, f"单位{unit}")

    target = doc(10, 1, 2025)
    assert resolve(target, []).method == "none" and resolve(target, []).note is None
    versions = resolve(target, [doc(1, 1, 2024), doc(2, 1, 2024, version=2)])
    assert (versions.previous_id, versions.method, versions.candidates) == (2, "name", 2)
    assert versions.note is not None and "第2版" in versions.note
    split = resolve(target, [doc(1, 1, 2024, code="401"), doc(2, 1, 2024, 2, code="402")])
    assert split.previous_id is None and split.note is not None and "401、402" in split.note
    coded = doc(11, 1, 2025, code="402")
    chosen = resolve(coded, [doc(1, 1, 2024, code="401"), doc(2, 1, 2024, 2, code="402")])
    assert (chosen.previous_id, chosen.method) == (2, "code")
    two_units = resolve(doc(12, 9, 2025, code="402"), [doc(3, 2, 2024, code="402"),
                                                        doc(4, 3, 2024, code="402")])  # fmt: skip
    assert two_units.previous_id is None and two_units.candidates == 2


def test_claims_of_a_seed_map_to_their_facts() -> None:
    """Seed 001 Part 3: 收入/支出总计 比上年减少36.58万元（1.92%）, 一般公共预算当年支出
    增加354.38万元（23.42%）, “三公”经费7.50万元与2023年预算数相同 and its four items,
    机关运行经费 减少1.25万元（8%）."""
    found = {(c.key, c.change, c.rate) for c in claims(parsed("001"))}
    assert found == {
        ("income_total", Decimal("-36.58"), Decimal("1.92")),
        ("expenditure_total", Decimal("-36.58"), Decimal("1.92")),
        ("general_spending", Decimal("354.38"), Decimal("23.42")),
        ("three_public", Decimal(0), None),
        ("abroad", Decimal(0), None),
        ("reception", Decimal(0), None),
        ("vehicle_operation", Decimal(0), None),
        ("vehicle_purchase", Decimal(0), None),
        ("operating_costs", Decimal("-1.25"), Decimal("8")),
    }


def _shanghai(stem: str):  # type: ignore[no-untyped-def]
    import yusuan
    from tests.conftest import SHARED

    return yusuan.read(SHARED / "real-docs" / "shanghai" / f"{stem}.pdf")


def test_shanghai_pair_is_checked_against_last_year(db_url: str) -> None:
    """万里街道 2024 states six changes against its 2023 budget, all right: 一般公共预算拨款支出
    减少876.75万元 (15,621.11 against 16,497.86), “三公”经费 and 公务用车购置及运行费 增加25万元
    (47.91 against 22.91; 46.56 against 21.56), 购置费 增加25万元 (25 against 0), 因公出国（境）费
    (0) and 运行费 (21.56) “比2023年预算持平”. (公务接待费's “。比2023年预算持平” follows the
    sentence that names it and is not taken.)"""
    store = open_store(db_url)
    try:
        before = store_disclosure(store, _shanghai("shpt_wljd_2023_dept_budget"), "2023.pdf")
        after_save(store, before)
        now = store_disclosure(store, _shanghai("shpt_wljd_2024_budget"), "2024.pdf")
        [result] = after_save(store, now)
        assert (result.previous_id, result.claims, result.checked) == (before, 6, 6)
        assert result.findings == []
    finally:
        store.close()


def test_shanghai_wrong_prior_figures_are_found(db_url: str) -> None:
    """The 2023 三公 table printed 1万元 higher in 合计, 小计 and 运行费: 2024's “增加25万元” for
    “三公”经费 and 公务用车购置及运行费 and its 运行费 “持平” are then wrong; 购置费 stays right."""
    from yusuan.model import Cell

    old = _shanghai("shpt_wljd_2023_dept_budget")
    t9 = old.table("three_public")
    assert t9 is not None
    row = t9.rows[0]
    for key in ("total", "car_total", "car_operation"):
        cell = row.cells[key]
        assert cell.amount is not None
        row.cells[key] = Cell(str(cell.amount + 1), cell.amount + 1, cell.source)
    store = open_store(db_url)
    try:
        before = store_disclosure(store, old, "2023.pdf")
        after_save(store, before)
        now = store_disclosure(store, _shanghai("shpt_wljd_2024_budget"), "2024.pdf")
        [result] = after_save(store, now)
        labels = ("“三公”经费", "公务用车购置及运行费", "公务用车运行维护费", "公务用车购置费")
        wrong = [x for x in labels if any(f"称{x}“" in f.message for f in result.findings)]
        assert wrong == list(labels[:3]) and len(result.findings) == 3
        assert all(f.severity.value == "error" for f in result.findings)
    finally:
        store.close()
