"""The store on both databases: a document is written whole, once, with figures that match it."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from sqlalchemy import func, select

import yusuan
from tests.conftest import parsed, seed_path
from yusuan.derive.record import FileInfo, to_record
from yusuan.store import open_store
from yusuan.store import schema as s
from yusuan.store.records import load_model
from yusuan.store.writer import save_failure, save_record


def _record(seed: str):  # type: ignore[no-untyped-def]
    path = seed_path(seed)
    data = path.read_bytes()
    d = parsed(seed)
    info = FileInfo(str(path), hashlib.sha256(data).hexdigest(), len(data))
    return to_record(d, yusuan.check(d), info)


def test_document_is_stored_whole_and_once(db_url: str) -> None:
    store = open_store(db_url)
    try:
        first = save_record(store, _record("001"))
        again = save_record(store, _record("001"))
        assert first.status == "stored" and again.status == "skipped"
        with store.reader() as session:
            assert session.scalar(select(func.count()).select_from(s.Disclosure)) == 1
            d = session.scalars(select(s.Disclosure)).one()
            assert (d.unit_name, d.year, d.scope) == ("汾阳市医疗保障局", 2024, "单位")
            # Table 3 合计 of seed 001 prints 1867.77万元 (total), 74.55 (basic), 1793.21 (project)
            facts = dict(session.execute(select(s.Fact.key, s.Fact.value)).all())
            assert facts["expenditure_total"] == Decimal("18677700.00")
            assert facts["basic"] == Decimal("745500.00")
            assert facts["project"] == Decimal("17932100.00")
            # table 10: 公务用车运行维护费 7.50万元, the only 三公 spending
            assert facts["three_public"] == Decimal("75000.00")
            assert "abroad" not in facts  # printed blank: no fact, not 0
            cells = session.scalar(select(func.count()).select_from(s.TableCell))
            # every cell with a figure or printed text; blank ones are not stored
            printed = [c for t in parsed("001").tables.values() for r in t.rows
                       for c in r.cells.values() if c.amount is not None or c.text]  # fmt: skip
            assert cells == len(printed)
            blank = session.scalar(
                select(func.count())
                .select_from(s.TableCell)
                .where(s.TableCell.amount.is_(None), s.TableCell.text == "")
            )
            assert blank == 0
            blob = session.scalar(select(s.Document.model_json_gz))
        assert blob is not None
        assert load_model(blob).tables[3].rows[0].cells["total"].text == "1867.77"
    finally:
        store.close()


def test_department_lists_its_units(db_url: str) -> None:
    store = open_store(db_url)
    try:
        save_record(store, _record("002"))  # 长治市屯留区医疗保障局, a 部门 document
        with store.reader() as session:
            units = {u.name: u for u in session.scalars(select(s.Unit))}
        department = units["长治市屯留区医疗保障局"]
        assert department.kind == "部门"
        assert units["长治市屯留区医疗保险管理服务中心"].parent_id == department.id
    finally:
        store.close()


def test_failure_is_recorded_and_does_not_hide_a_later_success(db_url: str) -> None:
    store = open_store(db_url)
    try:
        record = _record("003")
        save_failure(store, record.file, "测试：无法读取")
        with store.reader() as session:
            row = session.scalars(select(s.SourceFile)).one()
            assert (row.status, row.error) == ("failed", "测试：无法读取")
    finally:
        store.close()
