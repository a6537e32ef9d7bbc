"""A whole synthetic corpus through the pipeline: `yusuan synth` → `yusuan ingest` → the store.

    .venv/bin/python bench/corpus.py                  # 10,000 documents into SQLite
    YUSUAN_BENCH_CORPUS=2000 .venv/bin/python bench/corpus.py postgresql

Prints the time of each step, the ingest rate, the database size, and how many of the injected
defects (defects.csv, the corpus's ground truth) the store reports as an error of one of the
rules named for them, plus documents without an injected defect that have errors anyway.
"""

from __future__ import annotations

import csv
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from scale import database, run, size_of  # noqa: E402

from yusuan.store import schema as s  # noqa: E402

COUNT = int(os.environ.get("YUSUAN_BENCH_CORPUS", "10000"))


def errors_by_file(url: str, corpus: Path) -> dict[str, set[str]]:
    engine = create_engine(url)
    query = (
        select(s.SourceFile.path, s.Finding.rule)
        .join(s.Disclosure, s.Disclosure.source_file_id == s.SourceFile.id)
        .outerjoin(s.Finding,
                   (s.Finding.disclosure_id == s.Disclosure.id) & (s.Finding.severity == "error"))
    )  # fmt: skip
    found: dict[str, set[str]] = {}
    with engine.connect() as connection:
        for path, rule in connection.execute(query):
            rules = found.setdefault(Path(path).relative_to(corpus).as_posix(), set())
            if rule is not None:
                rules.add(rule)
    engine.dispose()
    return found


def bench(kind: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="yusuan-corpus-"))
    try:
        corpus = folder / "corpus"
        started = time.perf_counter()
        run("synth", "--count", str(COUNT), "-o", str(corpus), "--workers", "2")
        print(f"  synth: {COUNT:,} documents in {time.perf_counter() - started:.0f} s")
        for listing in corpus.glob("*.csv"):
            listing.rename(folder / listing.name)
        with (folder / "manifest.csv").open(encoding="utf-8") as handle:
            formats = Counter(row["format"] for row in csv.DictReader(handle))
        with (folder / "defects.csv").open(encoding="utf-8") as handle:
            defects = list(csv.DictReader(handle))
        print(f"  formats: {dict(formats)}; injected defects: {len(defects):,}")
        with database(kind, folder) as url:
            started = time.perf_counter()
            run("ingest", str(corpus), "--db", url, "--workers", "2")
            seconds = time.perf_counter() - started
            print(f"  ingest (2 workers): {seconds:.0f} s, {COUNT / seconds:.1f} documents/s")
            print(f"  database size: {size_of(url) / 2**20:,.0f} MiB")
            errors = errors_by_file(url, corpus)
        missed = Counter()
        for defect in defects:
            if not errors.get(defect["file"], set()) & set(defect["rules"].split(";")):
                missed[defect["kind"]] += 1
        defective = {d["file"] for d in defects}
        false = sum(1 for f, e in errors.items() if f not in defective and e)
        print(f"  defects found: {len(defects) - sum(missed.values()):,} of {len(defects):,}"
              + (f" (missed by kind: {dict(missed)})" if missed else ""))  # fmt: skip
        print(
            f"  documents without an injected defect that have errors: {false:,} "
            f"of {len(errors) - len(defective):,}; stored: {len(errors):,} of {COUNT:,}"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    kinds = [a for a in sys.argv[1:] if a in ("sqlite", "postgresql")] or ["sqlite"]
    print(f"synthetic corpus of {COUNT:,} documents through synth → ingest → store")
    for kind in kinds:
        print(f"{kind}:")
        bench(kind)


if __name__ == "__main__":
    main()
