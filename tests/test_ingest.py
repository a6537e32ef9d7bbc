"""Ingestion on both databases: every document stored whole and once, failures recorded with their
Chinese reason, a run killed with SIGKILL resumed without loss or duplicates, the Dask engine."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, text

import yusuan
from tests.conftest import SEED_IDS, seed_path
from tests.corpus import seed_copies
from yusuan.cli import main
from yusuan.derive.record import FileInfo, to_record
from yusuan.ingest.discover import MissingPathError, discover
from yusuan.ingest.jobs import Job
from yusuan.ingest.run import ingest
from yusuan.ingest.worker import close_stores, process
from yusuan.store import database_url, open_store
from yusuan.store.writer import save_failure, save_record

# Per disclosure: how many rows of each kind a document brings (tables written in one transaction).
CHILD_TABLES = (
    "table_rows", "table_cells", "table_columns", "facts", "projects", "indicators", "findings",
)  # fmt: skip


def _corpus(folder: Path, count: int) -> list[Path]:
    return seed_copies([seed_path(i) for i in SEED_IDS], folder, count)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _expected(files: list[Path]) -> dict[str, tuple[int, ...]]:
    """Row counts per child table of each file as a clean, single-process ingest builds them."""
    counts = {}
    for file in files:
        d = yusuan.read(file)
        record = to_record(d, yusuan.check(d), FileInfo(str(file), _sha(file), 0))
        counts[_sha(file)] = (
            len(record.rows), len(record.cells), len(record.columns), len(record.facts),
            len(record.projects), len(record.indicators), len(record.findings),
        )  # fmt: skip
    return counts


def _engine(url: str) -> Engine:
    return create_engine(database_url(url))


def _stored(engine: Engine) -> dict[str, tuple[int, ...]]:
    """Row counts per child table of each stored disclosure, by the content hash of its file."""
    with engine.connect() as connection:
        ids = dict(
            connection.execute(
                text("SELECT d.id, f.sha256 FROM disclosures d "
                     "JOIN source_files f ON f.id = d.source_file_id")
            ).all()
        )  # fmt: skip
        per_table = []
        for table in CHILD_TABLES:
            rows = connection.execute(
                text(f"SELECT disclosure_id, COUNT(*) FROM {table} GROUP BY disclosure_id")
            ).all()
            per_table.append(dict(rows))
    return {sha: tuple(t.get(did, 0) for t in per_table) for did, sha in ids.items()}


def _orphans(engine: Engine) -> dict[str, int]:
    """Rows that belong to nothing, or a stored file without its disclosure (must all be 0)."""
    queries = {
        f"{table} without disclosure": f"SELECT COUNT(*) FROM {table} t "
        "LEFT JOIN disclosures d ON d.id = t.disclosure_id WHERE d.id IS NULL"
        for table in (*CHILD_TABLES, "documents")
    }
    queries |= {
        "cells without row": "SELECT COUNT(*) FROM table_cells c LEFT JOIN table_rows r "
        "ON r.disclosure_id = c.disclosure_id AND r.table_no = c.table_no "
        "AND r.row_no = c.row_no WHERE r.row_no IS NULL",
        "disclosure without document": "SELECT COUNT(*) FROM disclosures d "
        "LEFT JOIN documents m ON m.disclosure_id = d.id WHERE m.disclosure_id IS NULL",
        "disclosure without ok file": "SELECT COUNT(*) FROM disclosures d LEFT JOIN "
        "source_files f ON f.id = d.source_file_id WHERE f.id IS NULL OR f.status <> 'ok'",
        "ok file without disclosure": "SELECT COUNT(*) FROM source_files f LEFT JOIN "
        "disclosures d ON d.source_file_id = f.id WHERE f.status = 'ok' AND d.id IS NULL",
        "duplicate hashes": "SELECT COUNT(*) FROM (SELECT sha256 FROM source_files "
        "GROUP BY sha256 HAVING COUNT(*) > 1) x",
        "disclosure without unit": "SELECT COUNT(*) FROM disclosures d "
        "LEFT JOIN units u ON u.id = d.unit_id WHERE u.id IS NULL",
    }
    with engine.connect() as connection:
        found = {
            name: int(connection.execute(text(sql)).scalar_one()) for name, sql in queries.items()
        }
    return {name: count for name, count in found.items() if count}


def _count(engine: Engine, sql: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


# --- discovery --------------------------------------------------------------------------------


def test_folders_are_walked_and_hidden_or_temporary_files_skipped(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for name in ("a/one.txt", "a/b/two.pdf", "a/~$three.docx", "a/.hidden.txt", "a/four.tmp",
                 "a/five.txt~", ".git/config", "six.xlsx"):  # fmt: skip
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = discover([tmp_path / "a", tmp_path / "six.xlsx", tmp_path / "a" / ".hidden.txt"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/one.txt", "a/b/two.pdf", "six.xlsx", "a/.hidden.txt",  # named explicitly: taken
    ]  # fmt: skip
    with pytest.raises(MissingPathError) as error:
        discover([tmp_path / "a", tmp_path / "没有这个文件夹"])
    assert "没有这个文件夹：路径不存在" in error.value.describe()


# --- a batch with good and bad files ----------------------------------------------------------


def test_batch_stores_each_document_once_and_records_failures(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    files = _corpus(folder, 6)
    files.append(folder / "same_content.txt")  # the same bytes as the first copy: stored once
    files[-1].write_bytes(files[0].read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.txt").write_text("这不是预算公开文件，只是一段说明文字。\n", encoding="utf-8")
    (folder / "~$draft.docx").write_bytes(b"lock")  # Office lock file: not even listed

    first = ingest([folder], db_url, workers=2)
    assert (first.found, first.stored, first.skipped) == (9, 6, 1)
    reasons = dict(first.failed)
    assert reasons[str(folder / "empty.txt")].endswith(
        "empty.txt：文件为空。请确认导出或上传的文件是否完整"
    )
    assert "未找到预算公开文件的任何部分" in reasons[str(folder / "notes.txt")]

    engine = _engine(db_url)
    try:
        assert _stored(engine) == _expected(files[:6])
        assert _orphans(engine) == {}
        assert _count(engine, "SELECT COUNT(*) FROM year_links") == 6  # linked across years
        with engine.connect() as connection:
            failed = dict(connection.execute(
                text("SELECT path, error FROM source_files WHERE status = 'failed'")
            ).all())  # fmt: skip
        bad = [str(folder / "empty.txt"), str(folder / "notes.txt")]
        assert failed == {path: reasons[path] for path in bad}

        again = ingest([folder], db_url, workers=2)  # nothing new: every hash is known
        assert (again.stored, again.skipped, again.failed, again.processed) == (0, 9, [], 0)

        retried = ingest([folder], db_url, workers=2, retry_failed=True)  # the two failures only
        assert (retried.stored, retried.skipped, len(retried.failed)) == (0, 7, 2)
        assert _count(engine, "SELECT COUNT(*) FROM source_files") == 8
        assert _count(engine, "SELECT COUNT(*) FROM disclosures") == 6
    finally:
        engine.dispose()


def test_a_recorded_failure_gives_way_to_a_later_success(db_url: str, tmp_path: Path) -> None:
    """A file that failed once (say, the database was full) is stored by ``--retry-failed``; its
    ``source_files`` entry becomes ok, never two entries for one hash."""
    (file,) = _corpus(tmp_path / "docs", 1)
    store = open_store(db_url)
    try:
        save_failure(store, FileInfo(str(file), _sha(file), 0), f"{file}：测试用的失败")
    finally:
        store.close()
    assert ingest([file], db_url, workers=1).skipped == 1  # a known failure is not retried
    assert ingest([file], db_url, workers=1, retry_failed=True).stored == 1
    engine = _engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT status, error FROM source_files")).all()
        assert [tuple(r) for r in rows] == [("ok", None)]
        assert _stored(engine) == _expected([file]) and _orphans(engine) == {}
    finally:
        engine.dispose()


def test_a_document_stored_without_its_year_link_is_linked_by_the_next_run(
    db_url: str, tmp_path: Path
) -> None:
    """A run killed between a document's transaction and its cross-year step: the next run,
    which has nothing new to read, links it."""
    (file,) = _corpus(tmp_path / "docs", 1)
    d = yusuan.read(file)
    store = open_store(db_url)
    try:
        save_record(store, to_record(d, yusuan.check(d), FileInfo(str(file), _sha(file), 0)))
    finally:
        store.close()
    summary = ingest([file], db_url, workers=1)
    assert (summary.skipped, summary.processed, summary.relinked) == (1, 0, 1)
    engine = _engine(db_url)
    try:
        assert _count(engine, "SELECT COUNT(*) FROM year_links") == 1
    finally:
        engine.dispose()
    assert ingest([file], db_url, workers=1).relinked == 0


def test_save_record_is_idempotent_after_a_failure(db_url: str) -> None:
    path = seed_path("002")
    d = yusuan.read(path)
    info = FileInfo(str(path), _sha(path), path.stat().st_size)
    store = open_store(db_url)
    try:
        save_failure(store, info, "测试：暂时失败")
        record = to_record(d, yusuan.check(d), info)
        assert save_record(store, record).status == "stored"
        assert save_record(store, record).status == "skipped"
        assert save_failure(store, info, "不应覆盖").status == "skipped"
    finally:
        store.close()


def test_worker_reads_sent_bytes_without_the_file(db_url: str, tmp_path: Path) -> None:
    """What a Dask worker on another machine does: the path only names the document."""
    (file,) = _corpus(tmp_path / "docs", 1)
    data = file.read_bytes()
    elsewhere = "/只在客户端/预算/单位.txt"
    open_store(db_url).close()
    outcome = process(Job(elsewhere, _sha(file), len(data), data), db_url)
    assert (outcome.status, outcome.path) == ("stored", elsewhere)
    engine = _engine(db_url)
    try:
        with engine.connect() as connection:
            assert (
                connection.execute(text("SELECT path FROM source_files")).scalar_one() == elsewhere
            )
        assert _stored(engine) == _expected([file])
    finally:
        engine.dispose()
        close_stores()


def test_unexpected_error_is_recorded_with_its_type(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A defect met on one document (simulated in the checks) fails that document only."""
    (file,) = _corpus(tmp_path / "docs", 1)

    def broken_check(_disclosure: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(yusuan, "check", broken_check)
    open_store(db_url).close()
    try:
        outcome = process(Job(str(file), _sha(file), 0), db_url)
    finally:
        close_stores()
    assert outcome.status == "failed"
    assert outcome.message == (
        f"{file}：处理时发生意外错误（ZeroDivisionError：division by zero），请把该文件报告给开发者"
    )
    engine = _engine(db_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(text("SELECT status, error FROM source_files")).one()
        assert tuple(row) == ("failed", outcome.message)
        assert _count(engine, "SELECT COUNT(*) FROM disclosures") == 0
    finally:
        engine.dispose()


# --- killed and resumed -----------------------------------------------------------------------


def _start(folder: Path, url: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "yusuan.cli", "ingest", str(folder), "--db", url,
               "--workers", "2", "--quiet"]  # fmt: skip
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_killed_ingest_resumes_without_loss_or_duplicates(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    files = _corpus(folder, 48)
    expected = _expected(files)
    engine = _engine(db_url)
    try:
        open_store(db_url).close()  # the schema exists before we poll it
        run = _start(folder, db_url)
        deadline = time.monotonic() + 120
        stored = 0
        while stored < 4:  # let a few documents commit, then kill without warning
            assert run.poll() is None, run.communicate()
            assert time.monotonic() < deadline, "no document was stored"
            time.sleep(0.01)
            stored = _count(engine, "SELECT COUNT(*) FROM disclosures")
        run.send_signal(signal.SIGKILL)
        run.communicate()
        # The workers notice their parent is gone and exit; nothing keeps writing.
        deadline = time.monotonic() + 30
        while _group_alive(run.pid):
            assert time.monotonic() < deadline, "worker processes outlived the killed ingest"
            time.sleep(0.05)

        partial = _stored(engine)
        assert 4 <= len(partial) < len(files), "the run was not killed half-way"
        assert all(partial[sha] == expected[sha] for sha in partial)  # nothing half-written
        assert _orphans(engine) == {}

        resumed = subprocess.run(
            [sys.executable, "-m", "yusuan.cli", "ingest", str(folder), "--db", db_url, "--quiet"],
            capture_output=True, timeout=300, check=False,
        )  # fmt: skip
        out = resumed.stdout.decode()
        assert resumed.returncode == 0, resumed.stderr.decode()
        assert f"新入库      {len(files) - len(partial)}" in out
        assert f"已存在跳过  {len(partial)}" in out
        assert _stored(engine) == expected  # every document once, each whole
        assert _orphans(engine) == {}
        assert _count(engine, "SELECT COUNT(*) FROM source_files") == len(files)
        assert _count(engine, "SELECT COUNT(DISTINCT unit_id) FROM disclosures") == len(files)
        # The cross-year step ran for every document, also those stored just before the kill.
        assert _count(engine, "SELECT COUNT(*) FROM year_links") == len(files)
    finally:
        engine.dispose()


# --- the Dask engine --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


@pytest.mark.parametrize("shared_paths", [False, True], ids=["bytes", "shared-paths"])
def test_dask_engine_stores_what_the_local_engine_stores(
    db_url: str, tmp_path: Path, dask_scheduler: str, shared_paths: bool
) -> None:
    folder = tmp_path / "docs"
    files = _corpus(folder, 8)
    (folder / "notes.txt").write_text("这不是预算公开文件。\n", encoding="utf-8")
    summary = ingest([folder], db_url, engine="dask", scheduler=dask_scheduler,
                     shared_paths=shared_paths)  # fmt: skip
    assert (summary.stored, summary.skipped, len(summary.failed)) == (8, 0, 1)
    assert "未找到预算公开文件的任何部分" in summary.failed[0][1]
    engine = _engine(db_url)
    try:
        assert _stored(engine) == _expected(files)
        assert _orphans(engine) == {}
        with engine.connect() as connection:  # stored under the client's paths
            paths = set(connection.execute(text("SELECT path FROM source_files")).scalars())
        assert paths == {str(f) for f in [*files, folder / "notes.txt"]}
    finally:
        engine.dispose()
    again = ingest([folder], db_url, engine="dask", scheduler=dask_scheduler)
    assert (again.stored, again.skipped, again.processed) == (0, 9, 0)


# --- the command line -------------------------------------------------------------------------


def test_cli_prints_a_chinese_summary(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    _corpus(folder, 2)
    (folder / "empty.txt").write_bytes(b"")
    db = tmp_path / "预算.db"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 1  # a file failed: listed, the others stored
    out = result.stdout
    for line in ("新入库      2", "已存在跳过  0", "失败        1",
                 f"- {folder / 'empty.txt'}：文件为空"):  # fmt: skip
        assert line in out
    assert "用时" in out and "文档/秒" in out
    again = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db), "--quiet"])
    assert again.exit_code == 0 and "已存在跳过  3" in again.stdout


@pytest.mark.parametrize(
    ("db", "message"),
    [
        ("mysql+nosuchdriver://u@h/x", "不支持的数据库类型"),
        ("postgresql://postgres@127.0.0.1:1/nothing", "无法打开数据库"),
    ],
)
def test_cli_unusable_database_is_a_chinese_error(tmp_path: Path, db: str, message: str) -> None:
    (file,) = _corpus(tmp_path / "docs", 1)
    result = CliRunner().invoke(main, ["ingest", str(file), "--db", db, "--quiet"])
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：") and message in result.stderr
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output


def test_cli_database_from_environment(tmp_path: Path) -> None:
    (file,) = _corpus(tmp_path / "docs", 1)
    db = tmp_path / "env.db"
    result = CliRunner().invoke(
        main, ["ingest", str(file), "--quiet", "--workers", "1"], env={"YUSUAN_DB": str(db)}
    )
    assert result.exit_code == 0, result.output
    assert _count(_engine(str(db)), "SELECT COUNT(*) FROM disclosures") == 1


def test_cli_missing_path_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "不存在的文件夹"
    result = CliRunner().invoke(main, ["ingest", str(missing), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"错误：{missing}：路径不存在。请检查文件或文件夹的名称和位置"


def test_cli_unreachable_scheduler_is_a_chinese_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr("yusuan.ingest.dask_engine.CONNECT_TIMEOUT", "1s")
    (file,) = _corpus(tmp_path / "docs", 1)
    db = str(tmp_path / "x.db")
    command = [
        "ingest",
        str(file),
        "--db",
        db,
        "--engine",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:1",
    ]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 1
    assert "无法连接 Dask 调度器" in result.stderr and "tcp://127.0.0.1:1" in result.stderr
