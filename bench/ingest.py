"""Ingest benchmark: documents per second into SQLite and PostgreSQL. Figures, not pass/fail.

    .venv/bin/python bench/ingest.py              # 1 and 2 workers, both databases
    .venv/bin/python bench/ingest.py writers      # also: workers write vs one writing process

Corpus: text documents made by `yusuan synth` when that command works, else copies of the four
seeds with renamed units (tests/corpus.py); YUSUAN_BENCH_INGEST_DOCS documents (default 200); with
YUSUAN_BENCH_INGEST_SEEDS=1 always the seed copies. Each run
starts from an empty database. "steady" is the rate between the first and the last document
finished (process start-up and schema creation left out); "overall" is the summary's figure for
the whole command. Per core = steady / workers (the machine's cores are shared with the database
server). Size per 10,000 disclosures is extrapolated from the growth of the database during the
run: the SQLite file (after a WAL checkpoint) or `pg_database_size`.

PostgreSQL: a throw-away database on the server at YUSUAN_BENCH_PG (default: the local server
the tests use); skipped with a note when it cannot be reached.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/corpus.py

from tests.corpus import seed_copies  # noqa: E402
from yusuan.ingest.progress import IngestProgress  # noqa: E402
from yusuan.ingest.run import ingest  # noqa: E402

SHARED = Path(os.environ.get("YUSUAN_SHARED", ROOT.parent / "shared"))
DOCS = int(os.environ.get("YUSUAN_BENCH_INGEST_DOCS", "200"))
PG_SERVER = os.environ.get("YUSUAN_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORKERS = (1, 2)


class _Clock(IngestProgress):
    """Records when each document finished."""

    def __init__(self) -> None:
        super().__init__(enabled=False)
        self.times: list[float] = []

    def done(self) -> None:
        self.times.append(time.perf_counter())

    def steady(self) -> float:
        if len(self.times) < 2:
            return 0.0
        return (len(self.times) - 1) / (self.times[-1] - self.times[0])


def corpus(folder: Path) -> tuple[list[Path], str]:
    """Text documents to ingest, and where they come from."""
    made = [] if os.environ.get("YUSUAN_BENCH_INGEST_SEEDS") else _synth(folder / "synth")
    if made:
        return made, f"`yusuan synth --formats txt`: {len(made)} documents"
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        sys.exit(f"no seeds under {SHARED / 'seeds'}")
    copies = seed_copies(seeds, folder / "copies", DOCS)
    return copies, f"seed copies: {len(copies)} documents ({len(seeds)} seeds, units renamed)"


def _synth(folder: Path) -> list[Path]:
    """Text documents from `yusuan synth`, or none when that command is missing or fails."""
    yusuan = shutil.which("yusuan", path=str(ROOT / ".venv" / "bin")) or "yusuan"
    command = [yusuan, "synth", "--count", str(DOCS), "-o", str(folder), "--formats", "txt",
               "--workers", str(os.cpu_count() or 1)]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, timeout=1200, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return _manifest(folder) if done.returncode == 0 else []


def _manifest(folder: Path) -> list[Path]:
    """The documents `yusuan synth` lists in its manifest.csv."""
    import csv

    manifest = folder / "manifest.csv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8", newline="") as handle:
        return [folder / row["file"] for row in csv.DictReader(handle)]


@contextmanager
def sqlite_db(folder: Path) -> Iterator[str]:
    path = folder / f"bench-{secrets.token_hex(4)}.db"
    yield f"sqlite:///{path}"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def sqlite_size(url: str) -> int:
    import sqlite3

    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(path).stat().st_size


@contextmanager
def postgres_db() -> Iterator[str]:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"yusuan_bench_{secrets.token_hex(4)}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def postgres_size(url: str) -> int:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as connection:
        size = int(
            connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one()
        )
    engine.dispose()
    return size


def empty_size(url: str) -> int:
    from yusuan.store import open_store

    open_store(url).close()
    return sqlite_size(url) if url.startswith("sqlite") else postgres_size(url)


def run(kind: str, files: list[Path], folder: Path) -> None:
    for workers in WORKERS:
        database = sqlite_db(folder) if kind == "sqlite" else postgres_db()
        with database as url:
            before = empty_size(url)
            clock = _Clock()
            summary = ingest(files, url, workers=workers, progress=clock)
            after = sqlite_size(url) if kind == "sqlite" else postgres_size(url)
        if summary.failed:
            print(f"  {summary.failed[:3]}")
        steady = clock.steady()
        per_disclosure = (after - before) / max(summary.stored, 1)
        print(
            f"  {kind:<11} {workers:>7} {summary.stored:>7} {summary.rate:>11.1f} {steady:>10.1f} "
            f"{steady / workers:>13.1f} {per_disclosure / 1024:>9.0f} "
            f"{per_disclosure * 10_000 / 1024**3:>13.2f}"
        )


def _records(job: object) -> object:
    """Single-writer variant, worker side: read, check and build the record, do not write."""
    import hashlib

    import yusuan
    from yusuan.store.records import FileInfo, to_record

    path = Path(str(job))
    data = path.read_bytes()
    disclosure = yusuan.read(path, data)
    info = FileInfo(str(path), hashlib.sha256(data).hexdigest(), len(data))
    return to_record(disclosure, yusuan.check(disclosure), info)


def single_writer(files: list[Path], url: str, workers: int) -> float:
    """Steady documents per second when the workers send records to one writing process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from yusuan.store import open_store
    from yusuan.store.records import DocumentRecord
    from yusuan.store.writer import save_record

    store = open_store(url)
    times = []
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for record in pool.map(_records, [str(f) for f in files], chunksize=4):
            assert isinstance(record, DocumentRecord)
            save_record(store, record)
            times.append(time.perf_counter())
    store.close()
    return (len(times) - 1) / (times[-1] - times[0])


def writers(files: list[Path], folder: Path, kinds: list[str]) -> None:
    print("who writes (steady docs/s): each worker writes its documents, or workers send records")
    print("to the coordinating process, which writes them all")
    print(f"  {'database':<11} {'workers':>7} {'workers write':>14} {'one writer':>11}")
    for kind in kinds:
        for workers in WORKERS:
            rates = []
            for variant in ("workers", "single"):
                database = sqlite_db(folder) if kind == "sqlite" else postgres_db()
                with database as url:
                    if variant == "workers":
                        clock = _Clock()
                        ingest(files, url, workers=workers, progress=clock)
                        rates.append(clock.steady())
                    else:
                        rates.append(single_writer(files, url, workers))
            print(f"  {kind:<11} {workers:>7} {rates[0]:>14.1f} {rates[1]:>11.1f}")


def postgres_reachable() -> bool:
    from sqlalchemy import create_engine

    try:
        engine = create_engine(PG_SERVER, connect_args={"connect_timeout": 5})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception as exc:  # report and go on with SQLite
        print(f"  (PostgreSQL at {PG_SERVER} skipped: {type(exc).__name__})")
        return False


def main(parts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        files, origin = corpus(folder)
        print(f"ingest (parse + check + store, one transaction per document; {origin};")
        print(f"target >= 50 docs/s per core; {os.cpu_count()} cores on this machine)")
        kinds = ["sqlite"] + (["postgresql"] if postgres_reachable() else [])
        print(
            f"  {'database':<11} {'workers':>7} {'stored':>7} {'overall/s':>11} {'steady/s':>10} "
            f"{'per core/s':>13} {'KB/doc':>9} {'GB/10k docs':>13}"
        )
        for kind in kinds:
            run(kind, files, folder)
        if "writers" in parts:
            print()
            writers(files, folder, kinds)


if __name__ == "__main__":
    main(sys.argv[1:])
