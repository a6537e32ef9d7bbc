"""Migrations on both databases: a store written under an older schema upgrades in place, keeps
every document, and ends with the schema the code declares."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, delete, func, insert, select, text

import yusuan
from tests.conftest import parsed, seed_path
from yusuan.derive.classes import class_spending
from yusuan.derive.record import FileInfo, to_record
from yusuan.store import schema as s
from yusuan.store.db import MIGRATIONS, Store, make_engine, migrate
from yusuan.store.writer import save_record

_CELLS = s.TableCell.__table__
_TIDY = ("table_rows", "table_cells", "table_columns")


def _upgrade_to(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _cells(engine: Engine) -> set[tuple[object, ...]]:
    with engine.connect() as connection:
        columns = (_CELLS.c.disclosure_id, _CELLS.c.table_no, _CELLS.c.row_no, _CELLS.c.column,
                   _CELLS.c.amount, _CELLS.c.text)  # fmt: skip
        return {tuple(row) for row in connection.execute(select(*columns))}


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_older_store_upgrades_and_keeps_its_documents(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        _upgrade_to(engine, "0004")  # the schema before blank cells were left out
        path = seed_path("001")
        data = path.read_bytes()
        d = parsed("001")
        record = to_record(d, yusuan.check(d), FileInfo(str(path), hashlib.sha256(data).hexdigest(),
                                                         len(data)))  # fmt: skip
        record.classes = []  # (a writer before 0006 had no class_spending table to fill)
        did = save_record(Store(db_url, engine), record).disclosure_id
        assert did is not None
        printed = _cells(engine)
        # seed 001's table 3 row 0 is 合计 1867.77; a blank cell beside it, as 0004 stores kept
        with engine.begin() as connection:
            connection.execute(
                insert(_CELLS).values(
                    disclosure_id=did, table_no=3, row_no=0, column="blank", amount=None, text=""
                )
            )
        rows, columns = _count(engine, "table_rows"), _count(engine, "table_columns")

        migrate(engine)

        assert _cells(engine) == printed  # every printed cell kept as it was, the blank one gone
        assert (did, 3, 0, "total", record.facts["expenditure_total"], "1867.77") in printed
        assert (_count(engine, "table_rows"), _count(engine, "table_columns")) == (rows, columns)
        # 0006 filled class_spending from the stored rows: seed 001's table 3 prints the 类 208
        # 8.91, 210 1852.71 and 221 6.14万元 (rows 1, 5 and 15) of a 合计 of 1867.77万元
        classes = s.ClassSpending.__table__
        with engine.connect() as connection:
            stored = set(connection.execute(select(
                classes.c.row_no, classes.c.code, classes.c.label, classes.c.amount, classes.c.share
            ).where(classes.c.disclosure_id == did)))  # fmt: skip
        assert stored == {
            (1, "208", "社会保障和就业支出", Decimal("89100.00"), Decimal("0.48")),
            (5, "210", "卫生健康支出", Decimal("18527100.00"), Decimal("99.19")),
            (15, "221", "住房保障支出", Decimal("61400.00"), Decimal("0.33")),
        }
        # … as the writer stores them for a new document
        assert stored == {tuple(c.values()) for c in class_spending(d)}
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), s.Base.metadata)
        assert differences == []  # the upgraded schema is the one the models declare
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                for table in _TIDY:
                    sql = connection.execute(
                        text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": table}
                    ).scalar_one()
                    assert sql.rstrip().endswith("WITHOUT ROWID"), table
                parents = {row[2] for row in connection.execute(
                    text("PRAGMA foreign_key_list(table_cells)"))}  # fmt: skip
                assert parents == {"table_rows"}
        # the cascades survive the rebuild: deleting the disclosure deletes its tidy rows
        with engine.begin() as connection:
            connection.execute(delete(s.Disclosure.__table__).where(s.Disclosure.id == did))
        assert [_count(engine, t) for t in (*_TIDY, "class_spending")] == [0, 0, 0, 0]
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(s.Fact.__table__)) == 0
    finally:
        engine.dispose()
