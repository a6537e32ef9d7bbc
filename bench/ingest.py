"""Ingest benchmark: documents per second into SQLite and PostgreSQL. Figures, not pass/fail.

    .venv/bin/python bench/ingest.py              # 1 and 2 workers, both databases
    .venv/bin/python bench/ingest.py writers      # also: workers write vs one writing process

Corpus: text documents made by `yusuan synth` when that command works, else copies of the four
seeds with renamed units (tests/corpus.py); YUSUAN_BENCH_INGEST_DOCS documents (default 500: enough
that start-up, imports and the last cross-year batch weigh little per document, as in a real
batch); with YUSUAN_BENCH_INGEST_SEEDS=1 always the seed copies. Each run starts from an empty
database.

Wall-clock rates: "docs/s" is the summary's figure for the whole command, "steady" the rate
between the first and the last document finished (start-up left out).
They depend on whatever else the machine runs; the CPU columns do not: CPU time per document of
the worker processes (read, check, record, write), of the coordinating process (listing, hashing,
progress, the cross-year step) and of the PostgreSQL backends serving the run (sampled from their
processes by a thread of the coordinating process whose own time is left out; the server's
background writer and checkpointer are not counted). "per core" = 1000 / the sum: the documents
one fully used core gets through; "client" leaves the PostgreSQL server's share out (the cores
of the machines that ingest, when the shared server has its own). CPU time per document varies
by some 10 % between runs on a shared machine, so each configuration runs
YUSUAN_BENCH_INGEST_REPEATS times (default 3) and the median run is shown. Size per 10,000
disclosures is extrapolated from the growth of the database during the run: the SQLite file
(after a WAL checkpoint) or `pg_database_size`.

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
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/corpus.py

from tests.corpus import seed_copies  # noqa: E402
from tests.pgtemp import throwaway_database  # noqa: E402
from yusuan.ingest.progress import IngestProgress  # noqa: E402
from yusuan.ingest.run import ingest  # noqa: E402

SHARED = Path(os.environ.get("YUSUAN_SHARED", ROOT.parent / "shared"))
DOCS = int(os.environ.get("YUSUAN_BENCH_INGEST_DOCS", "500"))
PG_SERVER = os.environ.get("YUSUAN_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORKERS = (1, 2)
REPEATS = int(os.environ.get("YUSUAN_BENCH_INGEST_REPEATS", "3"))


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


def postgres_db() -> AbstractContextManager[str]:
    return throwaway_database(PG_SERVER, "yusuan_bench")


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


class _ServerCpu:
    """CPU time of the PostgreSQL backends serving one database, sampled while they live (a
    backend's process title names its database). ``own`` is the CPU time the sampling itself
    takes in this process, which is not the coordinator's."""

    def __init__(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self.database = make_url(url).database or ""
        self.seen: dict[int, float] = {}
        self.own = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> _ServerCpu:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        started = time.thread_time()
        try:
            self._sample_until_stopped()
        finally:
            self.own = time.thread_time() - started

    def _sample_until_stopped(self) -> None:
        import psutil

        while not self._stop.wait(0.05):
            for process in psutil.process_iter(["cmdline"]):
                try:
                    title = " ".join(process.info["cmdline"] or [])
                    if title.startswith("postgres: ") and f" {self.database} " in title:
                        times = process.cpu_times()
                        self.seen[process.pid] = times.user + times.system
                except psutil.Error:
                    continue

    @property
    def seconds(self) -> float:
        return sum(self.seen.values())


@dataclass(slots=True)
class Measured:
    """One ingest run: wall rates, CPU ms per document (worker, coordinator, server), size."""

    stored: int
    rate: float
    steady: float
    cpu: tuple[float, float, float]
    per_disclosure: float  # bytes

    @property
    def per_core(self) -> float:
        """Documents per second one fully used core gets through, counting every process."""
        return 1000 / sum(self.cpu)

    @property
    def per_client_core(self) -> float:
        """The same without the database server's CPU (a shared server has its own machine)."""
        return 1000 / (self.cpu[0] + self.cpu[1])


def measure(kind: str, files: list[Path], folder: Path, workers: int) -> Measured:
    database = sqlite_db(folder) if kind == "sqlite" else postgres_db()
    with database as url:
        before = empty_size(url)
        clock = _Clock()
        server = _ServerCpu(url) if kind == "postgresql" else nullcontext()
        coordinator = time.process_time()
        with server:
            summary = ingest(files, url, workers=workers, progress=clock)
        coordinator = time.process_time() - coordinator - getattr(server, "own", 0.0)
        after = sqlite_size(url) if kind == "sqlite" else postgres_size(url)
    if summary.failed:
        print(f"  {summary.failed[:3]}")
    n = max(summary.processed, 1)
    cpu = (summary.cpu_seconds, coordinator, getattr(server, "seconds", 0.0))
    worker, coord, server_ms = (1000 * c / n for c in cpu)
    return Measured(summary.stored, summary.rate, clock.steady(), (worker, coord, server_ms),
                    (after - before) / max(summary.stored, 1))  # fmt: skip


def run(kind: str, files: list[Path], folder: Path) -> None:
    """REPEATS runs of each configuration; the run with the median per-core rate is printed,
    with the lowest and highest per-core rate of all runs beside it."""
    for workers in WORKERS:
        runs = sorted((measure(kind, files, folder, workers) for _ in range(REPEATS)),
                      key=lambda m: m.per_core)  # fmt: skip
        m = runs[len(runs) // 2]
        spread = f"{runs[0].per_core:.0f}–{runs[-1].per_core:.0f}"
        client = f"{m.per_client_core:.1f}" if kind == "postgresql" else "="
        print(
            f"  {kind:<11} {workers:>3} {m.stored:>6} {m.rate:>8.1f} {m.steady:>7.1f} "
            f"{m.cpu[0]:>7.1f} {m.cpu[1]:>6.1f} {m.cpu[2]:>6.1f} {m.per_core:>9.1f} "
            f"{spread:>9} {client:>8} {m.per_disclosure / 1024:>7.0f} "
            f"{m.per_disclosure * 10_000 / 1024**3:>8.2f}"
        )


def _records(job: object) -> object:
    """Single-writer variant, worker side: read, check and build the record, do not write."""
    import hashlib

    import yusuan
    from yusuan.derive.record import FileInfo, to_record

    path = Path(str(job))
    data = path.read_bytes()
    disclosure = yusuan.read(path, data)
    info = FileInfo(str(path), hashlib.sha256(data).hexdigest(), len(data))
    return to_record(disclosure, yusuan.check(disclosure), info)


def single_writer(files: list[Path], url: str, workers: int) -> float:
    """Steady documents per second when the workers send records to one writing process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from yusuan.ingest.run import link_pending
    from yusuan.store import open_store
    from yusuan.store.writer import save_record

    store = open_store(url)
    times = []
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for record in pool.map(_records, [str(f) for f in files], chunksize=4):
            saved = save_record(store, record)
            assert saved.disclosure_id is not None
            times.append(time.perf_counter())
    store.close()
    link_pending(url)  # the cross-year step at the end, as `ingest` does
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
        print(f"{REPEATS} runs of each; median run shown, range of its per-core rate beside it")
        print(
            f"  {'database':<11} {'wkr':>3} {'stored':>6} {'docs/s':>8} {'steady':>7} "
            f"{'worker':>7} {'coord':>6} {'server':>6} {'per core':>9} {'range':>9} "
            f"{'client':>8} {'KB/doc':>7} {'GB/10k':>8}"
        )
        print(f"  {'':<11} {'':>3} {'':>6} {'(wall)':>8} {'(wall)':>7} "
              f"{'CPU ms per document':>21} {'docs/s':>9} {'':>9} {'docs/s':>8}")  # fmt: skip
        for kind in kinds:
            run(kind, files, folder)
        if "writers" in parts:
            print()
            writers(files, folder, kinds)


if __name__ == "__main__":
    main(sys.argv[1:])
