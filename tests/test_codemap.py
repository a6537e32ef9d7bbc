"""科目 code mappings: the file format, translation across years, and a unit's spending by code
compared across a renumbered code (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.budget_years import store_data, unit_2024, unit_2025
from yusuan.analytics.trend import code_trend
from yusuan.budget.model import BudgetData
from yusuan.cli import main
from yusuan.crossyear.check import after_save
from yusuan.store import open_store
from yusuan.store.codemap import SHIPPED, CodeMap, CodeMapError, Mapping, read_mappings


def test_shipped_file_is_valid_and_holds_only_known_mappings() -> None:
    assert SHIPPED.read_text(encoding="utf-8").splitlines()[0] == "year,old_code,new_code,note"
    read_mappings(SHIPPED)  # no invalid rows


def test_bad_rows_are_reported_with_their_line(tmp_path: Path) -> None:
    bad = tmp_path / "map.csv"
    bad.write_text("year,old_code,new_code,note\n2025,2010302,20103,\n", encoding="utf-8")
    with pytest.raises(CodeMapError, match="第2行"):
        read_mappings(bad)
    bad.write_text("年度,旧,新\n", encoding="utf-8")
    with pytest.raises(CodeMapError, match="表头"):
        read_mappings(bad)


def test_translation_applies_the_years_in_between_in_order() -> None:
    codes = CodeMap([Mapping(2024, "2010302", "2010350"), Mapping(2025, "2010350", "2010399"),
                     Mapping(2025, "21011", "21099")])  # fmt: skip
    assert codes.translate("2010302", 2023, 2025) == "2010399"
    assert codes.translate("2010302", 2023, 2024) == "2010350"
    assert codes.translate("2010302", 2024, 2025) == "2010302"  # 2024 already used the new code
    assert codes.translate("2101102", 2024, 2025) == "2109902"  # the 款 mapping carries the 项
    assert codes.translate("210", 2020, 2030) == "210"


def _book_to_old_code(d: BudgetData) -> None:
    """2024 booked 事业运行 under 2010302 (the code a 2025 mapping retires)."""
    for line in d.functions:
        if line.code == "2010350":
            line.code = "2010302"
    d.code_names["2010302"] = "一般行政管理事务"


def test_trend_by_code_follows_a_mapped_code(db_url: str, tmp_path: Path) -> None:
    store = open_store(db_url)
    try:
        for data, name in ((unit_2024(_book_to_old_code), "2024.yaml"), (unit_2025(), "2025.yaml")):
            after_save(store, store_data(store, data, name))
        with store.reader() as session:
            unmapped = {(r.code, r.ref.year): r.amount
                        for r in code_trend(session, "示例市数据服务中心", level=7)}  # fmt: skip
        # Without the mapping the two years' 事业运行 are two series with a gap each.
        assert unmapped[("2010350", 2024)] is None
        assert unmapped[("2010302", 2024)] == Decimal("3106600.00")
    finally:
        store.close()
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("year,old_code,new_code,note\n2025,2010302,2010350,测试用对应\n",
                       encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(main, ["codemap", "import", str(mapping), "--db", db_url])
    assert result.exit_code == 0 and "已导入 1 条" in result.output
    store = open_store(db_url)
    try:
        with store.reader() as session:
            rows = [r for r in code_trend(session, "示例市数据服务中心", level=7)
                    if r.code == "2010350"]  # fmt: skip
        assert [(r.ref.year, r.printed_code, r.amount) for r in rows] == [
            (2024, "2010302", Decimal("3106600.00")),
            (2025, "2010350", Decimal("3123100.00")),
        ]
        assert rows[1].change == Decimal("16500.00") and rows[1].rate == Decimal("0.53")
        assert rows[1].name == "事业运行"
        with store.reader() as session:
            codes = {r.code for r in code_trend(session, "示例市数据服务中心", level=7)}
        assert "2010302" not in codes
    finally:
        store.close()
    shown = CliRunner().invoke(
        main, ["trend", "--db", db_url, "--unit", "示例市数据服务中心", "--metric", "codes"]
    )
    assert shown.exit_code == 0, shown.output
    assert "2010350" in shown.output and "2010302" in shown.output and "+1.65" in shown.output
