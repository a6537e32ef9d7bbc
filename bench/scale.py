"""Comparison queries at 100,000 disclosures, on SQLite and PostgreSQL. Figures, not pass/fail.

    .venv/bin/python bench/scale.py                 # 100,000 disclosures, both databases
    YUSUAN_BENCH_SCALE=10000 .venv/bin/python bench/scale.py sqlite

How the store is built: `yusuan synth` writes a base corpus of YUSUAN_BENCH_SCALE_BASE text
documents (default 1,000: departments and their units over several years, 20 % with an injected
defect), `yusuan ingest` stores them for real (parse, check, store), then the database copies them
in SQL (INSERT … SELECT) until it holds YUSUAN_BENCH_SCALE disclosures: each copy is a new set of
units (names suffixed "·k"), new files (new hashes) and all their rows (cells, facts, projects,
indicators, findings, model blobs, year links), with facts scaled by a copy-specific factor so
rankings are not ties. Ingesting 100,000 documents one by one would take hours on two cores; the
ingest rate itself is measured by bench/ingest.py.

Then ANALYZE, and each comparison query of `yusuan compare` / `yusuan trend` runs REPEAT times
(first run reported apart as "cold"); median and max of the rest are printed. Target: < 500 ms.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/pgtemp.py

from ingest import postgres_size, sqlite_size  # noqa: E402 - bench/ingest.py, beside this file

from tests.pgtemp import throwaway_database  # noqa: E402

YUSUAN = str(Path(sys.executable).with_name("yusuan"))
TARGET = int(os.environ.get("YUSUAN_BENCH_SCALE", "100000"))
BASE = int(os.environ.get("YUSUAN_BENCH_SCALE_BASE", "1000"))
REPEAT = int(os.environ.get("YUSUAN_BENCH_SCALE_REPEAT", "7"))
PG_SERVER = os.environ.get("YUSUAN_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

# How each table's rows are copied: column → SQL expression over the original row, where {k} is
# the copy number, {off_<table>} the id offset of that table. Columns not listed are copied as is.
COPIES: list[tuple[str, dict[str, str]]] = [
    ("units", {"id": "id + {off_units}", "name": "name || '·{k}'",
               "normalized_name": "normalized_name || '·{k}'",
               "parent_id": "parent_id + {off_units}", "code": "code || '·{k}'"}),
    ("source_files", {"id": "id + {off_source_files}",
                      "sha256": "substr(sha256, 1, 56) || '{k8}'", "path": "path || '·{k}'"}),
    ("disclosures", {"id": "id + {off_disclosures}", "unit_id": "unit_id + {off_units}",
                     "source_file_id": "source_file_id + {off_source_files}",
                     "unit_name": "unit_name || '·{k}'", "code": "code || '·{k}'"}),
    ("documents", {"disclosure_id": "disclosure_id + {off_disclosures}"}),
    ("table_rows", {"disclosure_id": "disclosure_id + {off_disclosures}"}),
    ("table_cells", {"disclosure_id": "disclosure_id + {off_disclosures}"}),
    ("table_columns", {"disclosure_id": "disclosure_id + {off_disclosures}"}),
    ("class_spending", {"disclosure_id": "disclosure_id + {off_disclosures}"}),
    ("facts", {"disclosure_id": "disclosure_id + {off_disclosures}",
               "value": "round(value * {factor}, 2)"}),
    ("projects", {"id": "id + {off_projects}",
                  "disclosure_id": "disclosure_id + {off_disclosures}"}),
    ("indicators", {"id": "id + {off_indicators}",
                    "disclosure_id": "disclosure_id + {off_disclosures}"}),
    ("findings", {"id": "id + {off_findings}",
                  "disclosure_id": "disclosure_id + {off_disclosures}"}),
    ("year_links", {"disclosure_id": "disclosure_id + {off_disclosures}",
                    "previous_id": "previous_id + {off_disclosures}"}),
]  # fmt: skip
WITH_IDS = ("units", "source_files", "disclosures", "projects", "indicators", "findings")


def run(*args: str) -> None:
    subprocess.run([YUSUAN, *args], check=True, stdout=subprocess.DEVNULL)


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'scale.db'}"
        return
    with throwaway_database(PG_SERVER, "yusuan_scale") as url:
        yield url


def _columns(engine: Engine, table: str) -> list[str]:
    from sqlalchemy import inspect

    return [c["name"] for c in inspect(engine).get_columns(table)]


def replicate(engine: Engine, target: int) -> int:
    """Copy the stored disclosures in SQL, whole copies of the base corpus, until there are at
    least ``target``; returns the count."""
    with engine.connect() as connection:
        base = connection.scalar(select(func.count()).select_from(text("disclosures"))) or 0
        maxima = {t: connection.scalar(text(f"SELECT max(id) FROM {t}")) or 0 for t in WITH_IDS}
    if base == 0:
        raise SystemExit("nothing was ingested")
    copies = max(0, -(-target // base) - 1)
    columns = {table: _columns(engine, table) for table, _ in COPIES}
    quote = engine.dialect.identifier_preparer.quote
    started = time.perf_counter()
    for k in range(1, copies + 1):
        values: dict[str, object] = {f"off_{t}": maxima[t] * k for t in WITH_IDS}
        values.update(k=k, k8=f"{k:08d}", factor=f"{1 + k / 1000:.3f}")
        with engine.begin() as connection:
            for table, changes in COPIES:
                names = columns[table]
                exprs = [changes.get(c, quote(c)).format(**values) for c in names]
                # only the original corpus is copied each time
                key, bound = ("id", maxima[table]) if table in WITH_IDS else (
                    "disclosure_id", maxima["disclosures"])  # fmt: skip
                connection.exec_driver_sql(
                    f"INSERT INTO {table} ({', '.join(quote(c) for c in names)}) "
                    f"SELECT {', '.join(exprs)} FROM {table} WHERE {key} <= {bound}"
                )
        done = base * (k + 1)
        rate = (done - base) / (time.perf_counter() - started)
        print(f"\r    {done:,} disclosures ({rate:,.0f} copied per second)", end="",
              file=sys.stderr)  # fmt: skip
    print(file=sys.stderr)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table in WITH_IDS:
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(text("disclosures"))) or 0


def size_of(url: str) -> int:
    return sqlite_size(url) if url.startswith("sqlite") else postgres_size(url)


def timed(call: Callable[[], Any]) -> tuple[float, list[float], int]:
    cold_start = time.perf_counter()
    rows = call()
    cold = (time.perf_counter() - cold_start) * 1000
    warm = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        call()
        warm.append((time.perf_counter() - start) * 1000)
    return cold, warm, len(rows)


def queries(url: str) -> None:
    from yusuan.analytics.compare import METRICS, compare
    from yusuan.analytics.trend import trend
    from yusuan.store import open_store

    store = open_store(url)
    with store.reader() as session:
        years = [y for (y,) in session.execute(text("SELECT DISTINCT year FROM disclosures"))]
        year = max(y for y in years if y is not None)
        unit = session.scalar(
            text("SELECT u.name FROM units u JOIN disclosures d ON d.unit_id = u.id "
                 "GROUP BY u.name ORDER BY count(*) DESC, u.name LIMIT 1")
        )  # fmt: skip
    print(f"  {'query':<44} {'rows':>7} {'cold ms':>9} {'median ms':>10} {'max ms':>8}")
    cases: list[tuple[str, Callable[[Any], Any]]] = []
    for metric in METRICS:
        cases.append((f"compare {metric} {year}, top 50",
                      lambda s, m=metric: compare(s, m, year=year, limit=50)))  # fmt: skip
        cases.append((f"compare {metric} {year}, all units",
                      lambda s, m=metric: compare(s, m, year=year)))  # fmt: skip
    cases.append((f"trend {unit}", lambda s: trend(s, unit)))
    for label, case in cases:
        with store.reader() as session:
            cold, warm, rows = timed(lambda case=case, session=session: case(session))
        flag = "" if statistics.median(warm) < 500 else "  (over 500 ms)"
        print(f"  {label:<44} {rows:>7} {cold:>9.1f} {statistics.median(warm):>10.1f} "
              f"{max(warm):>8.1f}{flag}")  # fmt: skip
    store.close()


def bench(kind: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="yusuan-scale-"))
    try:
        corpus = folder / "corpus"
        started = time.perf_counter()
        run("synth", "--count", str(BASE), "-o", str(corpus), "--formats", "txt",
            "--workers", "2")  # fmt: skip
        print(f"  base corpus: {BASE} documents written in {time.perf_counter() - started:.0f} s")
        for listing in corpus.glob("*.csv"):  # manifest and defect list: not disclosures
            listing.rename(folder / listing.name)
        with database(kind, folder) as url:
            started = time.perf_counter()
            run("ingest", str(corpus), "--db", url, "--workers", "2")
            print(f"  ingested in {time.perf_counter() - started:.0f} s")
            engine = create_engine(url)
            started = time.perf_counter()
            count = replicate(engine, TARGET)
            print(f"  copied to {count:,} disclosures in {time.perf_counter() - started:.0f} s")
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
            engine.dispose()
            size = size_of(url)
            print(f"  database size: {size / 2**30:.2f} GiB "
                  f"({size / count * 10000 / 2**20:,.0f} MiB per 10,000 disclosures)")  # fmt: skip
            queries(url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    kinds = [a for a in sys.argv[1:] if a in ("sqlite", "postgresql")] or ["sqlite", "postgresql"]
    print(f"comparison queries at {TARGET:,} disclosures (target: < 500 ms)")
    for kind in kinds:
        print(f"{kind}:")
        bench(kind)


if __name__ == "__main__":
    main()
