"""Comparisons, trends and exports over a store holding the four seeds (SQLite and PostgreSQL).

Expected figures are the documents' own, from the hand transcriptions in tests/expected.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

import yusuan
from tests.conftest import SEED_IDS, expected, parsed, seed_path
from yusuan.analytics import compare as c
from yusuan.analytics.export import export
from yusuan.analytics.trend import UnitNotFound, trend
from yusuan.cli import main
from yusuan.crossyear.check import after_save
from yusuan.derive.record import FileInfo, to_record
from yusuan.store import open_store
from yusuan.store import schema as s
from yusuan.store.db import Store
from yusuan.store.writer import save_record

WAN = Decimal(10000)


def yuan(printed: str) -> Decimal:
    """A printed 万元 figure in 元, as the store keeps it."""
    return Decimal(printed.replace(",", "")) * WAN


@pytest.fixture
def seeds(db_url: str) -> Iterator[tuple[Store, dict[str, int]]]:
    """A store with the four seeds, each linked and cross-checked as ingest does."""
    store = open_store(db_url)
    ids = {}
    for seed in SEED_IDS:
        path = seed_path(seed)
        data = path.read_bytes()
        d = parsed(seed)
        info = FileInfo(str(path), hashlib.sha256(data).hexdigest(), len(data))
        saved = save_record(store, to_record(d, yusuan.check(d), info))
        assert saved.disclosure_id is not None
        after_save(store, saved.disclosure_id, model=d)
        ids[seed] = saved.disclosure_id
    try:
        yield store, ids
    finally:
        store.close()


def test_three_public_and_operating_costs(seeds: tuple[Store, dict[str, int]]) -> None:
    store, ids = seeds
    with store.reader() as session:
        rows = {r.ref.disclosure_id: r for r in c.three_public(session)}
        costs = {r.ref.disclosure_id: r for r in c.operating_costs(session, year=2024)}
    # Seed 001 table 10: only 公务用车运行维护费 7.50万元; the other items are printed blank.
    fenyang = rows[ids["001"]]
    assert (fenyang.ref.unit_name, fenyang.ref.year) == ("汾阳市医疗保障局", 2024)
    assert fenyang.three_public == fenyang.vehicle_operation == fenyang.vehicles == yuan("7.50")
    assert fenyang.abroad is None and fenyang.reception is None and fenyang.vehicle_purchase is None
    assert rows[ids["003"]].three_public == yuan("5.00")  # 003 Part 3: “三公”经费预算5.00万元
    assert list(rows)[:2] == [ids["001"], ids["003"]]  # largest first, blanks last
    # Seed 001 table 11 部门合计 14.14 = table 6 公用经费 14.14; only 001 is of 2024.
    assert list(costs) == [ids["001"]]
    assert costs[ids["001"]].operating_costs == costs[ids["001"]].public == yuan("14.14")


def test_personnel_share_of_basic_spending(seeds: tuple[Store, dict[str, int]]) -> None:
    store, ids = seeds
    with store.reader() as session:
        rows = {r.ref.disclosure_id: r for r in c.personnel_share(session)}
    row = rows[ids["001"]]  # table 6 合计: 74.55, 人员经费 60.42, 公用经费 14.14
    assert (row.personnel, row.public, row.basic) == (yuan("60.42"), yuan("14.14"), yuan("74.55"))
    assert row.share == (Decimal("60.42") / Decimal("74.55") * 100).quantize(Decimal("0.01"))
    shares = [r.share for r in rows.values()]
    assert shares == sorted(shares, key=lambda x: -(x or 0))


def test_spending_by_class(seeds: tuple[Store, dict[str, int]]) -> None:
    store, ids = seeds
    with store.reader() as session:
        rows = c.class_spending(session)
        totals = c.class_totals(session, year=2024)
        health = c.class_spending(session, code="210")
    for seed in SEED_IDS:
        printed = expected(seed).TABLES[3]["rows"]
        classes = {row[1]: (row[2], yuan(row[3]["total"])) for row in printed
                   if row[1] and len(row[1]) == 3}  # fmt: skip
        total = yuan(printed[0][3]["total"])
        mine = {r.code: (r.name, r.amount) for r in rows if r.ref.disclosure_id == ids[seed]}
        assert mine == classes, seed
        for r in rows:
            if r.ref.disclosure_id == ids[seed]:
                assert r.share == (r.amount / total * 100).quantize(Decimal("0.01"))
    # Seed 001 (the only 2024 document): 卫生健康 1852.71, 社会保障和就业 8.91, 住房保障 6.14
    assert [(t.code, t.name, t.disclosures, t.amount) for t in totals] == [
        ("210", "卫生健康支出", 1, yuan("1852.71")),
        ("208", "社会保障和就业支出", 1, yuan("8.91")),
        ("221", "住房保障支出", 1, yuan("6.14")),
    ]
    assert len(health) == 4 and {r.code for r in health} == {"210"}


def test_per_head_where_staffing_is_stated(seeds: tuple[Store, dict[str, int]]) -> None:
    store, ids = seeds
    with store.reader() as session:
        rows = {r.ref.disclosure_id: r for r in c.per_head(session)}
    assert ids["002"] not in rows  # 002 prints no staff numbers
    row = rows[ids["001"]]  # 实有人数 5, 编制 6; 支出总计 1867.77, 基本支出 74.55
    assert (row.staff_actual, row.staff_authorized) == (5, 6)
    assert row.expenditure_per_head == yuan("1867.77") / 5
    assert row.basic_per_head == yuan("74.55") / 5


def test_ranking_by_findings_matches_the_stored_findings(
    seeds: tuple[Store, dict[str, int]],
) -> None:
    store, ids = seeds
    with store.reader() as session:
        ranking = c.findings_ranking(session)
        stored = session.execute(
            select(s.Finding.disclosure_id, s.Finding.severity, func.count())
            .group_by(s.Finding.disclosure_id, s.Finding.severity)
        ).all()  # fmt: skip
    counted = {(did, severity): n for did, severity, n in stored}
    assert len(ranking) == 4 and [r.rank for r in ranking] == [1, 2, 3, 4]
    for r in ranking:
        assert r.errors == counted.get((r.ref.disclosure_id, "error"), 0)
        assert r.warnings == counted.get((r.ref.disclosure_id, "warning"), 0)
        assert r.infos == counted.get((r.ref.disclosure_id, "info"), 0)
        seed = _seed_of(ids, r.ref.disclosure_id)
        assert r.errors == yusuan.check(parsed(seed)).counts()["error"]
    keys = [(r.errors, r.warnings, r.infos) for r in ranking]
    assert keys == sorted(keys, reverse=True)


def _seed_of(ids: dict[str, int], did: int) -> str:
    return next(seed for seed, value in ids.items() if value == did)


def test_filters_and_trend_of_one_year(seeds: tuple[Store, dict[str, int]]) -> None:
    store, _ = seeds
    with store.reader() as session:
        found = c.three_public(session, unit="屯留")
        assert [r.ref.unit_name for r in found] == ["长治市屯留区医疗保障局"]
        assert {r.ref.scope for r in c.three_public(session, scope="部门")} == {"部门"}
        assert len(c.three_public(session, year=2025, limit=2)) == 2
        rows = trend(session, "汾阳市医疗保障局", metric="three_public")
        with pytest.raises(UnitNotFound):
            trend(session, "汾阳市")  # two units contain it
    assert {(r.key, r.ref.year, r.value, r.change) for r in rows} == {
        ("three_public", 2024, yuan("7.50"), None), ("vehicles", 2024, yuan("7.50"), None),
        ("vehicle_operation", 2024, yuan("7.50"), None),
    }  # fmt: skip


def _db_rows(store: Store, what: str) -> list[tuple[object, ...]]:
    with store.reader() as session:
        if what == "facts":
            query = select(s.Fact.disclosure_id, s.Fact.key, s.Fact.value)
        else:
            query = select(s.TableCell.disclosure_id, s.TableCell.table_no, s.TableCell.row_no,
                           s.TableCell.column, s.TableCell.amount, s.TableCell.text)  # fmt: skip
        return sorted(tuple(r) for r in session.execute(query))


def _amount(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "parquet"])
def test_exports_read_back_equal(seeds: tuple[Store, dict[str, int]], tmp_path: Path,
                                 suffix: str) -> None:  # fmt: skip
    store, _ = seeds
    for what in ("facts", "cells"):
        path = tmp_path / f"{what}.{suffix}"
        count = export(store, path, what)
        records = _read(path, suffix)
        assert len(records) == count
        if what == "facts":
            got = sorted((int(r["disclosure_id"]), r["key"], _amount(r["value"])) for r in records)
        else:
            got = sorted(
                (int(r["disclosure_id"]), int(r["table_no"]), int(r["row_no"]), r["column"],
                 _amount(r["amount"]), r["text"] or "") for r in records
            )  # fmt: skip
        assert got == _db_rows(store, what)
    findings = tmp_path / f"findings.{suffix}"
    export(store, findings, "findings")
    with store.reader() as session:
        assert len(_read(findings, suffix)) == session.scalar(select(func.count(s.Finding.id)))
    assert not list(tmp_path.glob(".*.tmp"))


def _read(path: Path, suffix: str) -> list[dict[str, object]]:
    if suffix == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))
    if suffix == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        width = len(rows[0])  # read-only sheets drop trailing empty cells
        return [dict(zip(rows[0], (*row, *[None] * (width - len(row))), strict=True))  # type: ignore[arg-type]
                for row in rows[1:]]  # fmt: skip
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    for name in ("value", "amount"):
        if name in table.schema.names:
            assert str(table.schema.field(name).type) == "decimal128(20, 2)"
    return table.to_pylist()  # type: ignore[no-any-return]


def test_parquet_amounts_are_exact_decimals(
    seeds: tuple[Store, dict[str, int]], tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    store, ids = seeds
    export(store, tmp_path / "facts.parquet", "facts", year=2024)
    table = pq.read_table(tmp_path / "facts.parquet")
    assert str(table.schema.field("value").type) == "decimal128(20, 2)"
    facts = {r["key"]: r["value"] for r in table.to_pylist()}
    assert facts["expenditure_total"] == Decimal("18677700.00")  # 1867.77万元
    assert {r["disclosure_id"] for r in table.to_pylist()} == {ids["001"]}


def test_commands_show_chinese_tables(seeds: tuple[Store, dict[str, int]], db_url: str,
                                      tmp_path: Path) -> None:  # fmt: skip
    runner = CliRunner()
    shown = runner.invoke(main, ["compare", "--db", db_url, "--year", "2024"])
    assert shown.exit_code == 0, shown.output
    assert "2024年“三公”经费比较" in shown.output and "汾阳市医疗保障局" in shown.output
    assert "7.50" in shown.output and "万元" in shown.output
    classes = runner.invoke(main, ["compare", "--db", db_url, "--metric", "class_spending"])
    assert "按功能分类“类”汇总" in classes.output and "卫生健康支出" in classes.output
    data = json.loads(runner.invoke(main, ["compare", "--db", db_url, "--metric", "per_head",
                                           "--format", "json"]).output)  # fmt: skip
    assert data["amount_unit"] == "元"
    assert {r["unit_name"]: r["staff_actual"] for r in data["rows"]}["汾阳市医疗保障局"] == 5
    listed = runner.invoke(main, ["compare", "--db", db_url, "--metric", "findings", "--format",
                                  "csv"]).output.splitlines()  # fmt: skip
    assert listed[0].startswith("rank,disclosure_id,unit_id,unit_name") and len(listed) == 5
    trend_out = runner.invoke(main, ["trend", "--db", db_url, "--unit", "阳泉"])
    assert trend_out.exit_code == 0 and "阳泉市医疗保险管理服务中心历年数据" in trend_out.output
    missing = runner.invoke(main, ["trend", "--db", db_url, "--unit", "不存在的单位"])
    assert missing.exit_code == 1 and "库中没有" in missing.output
    out = tmp_path / "三公.xlsx"
    exported = runner.invoke(main, ["export", "--db", db_url, "-o", str(out), "--what", "compare"])
    assert exported.exit_code == 0 and out.exists()
    bad = runner.invoke(main, ["export", "--db", db_url, "-o", str(tmp_path / "x.txt")])
    assert bad.exit_code == 1 and "不支持的导出格式" in bad.output
