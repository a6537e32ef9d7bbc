"""Latency of the analytics queries on a large synthetic store.

    python bench/analytics.py --db sqlite:///bench.db --disclosures 100000
    python bench/analytics.py --db postgresql://postgres@127.0.0.1/bench --disclosures 100000

Fills an empty store with synthetic disclosures (4 years per unit, 25 % of them in the year
compared): the rows the queries read — 18 facts, table 3 with a total, 3 类, 5 款 and 6 项 rows and
their 合计 cells, 5 findings, a year link — written straight into the tables (no documents are
parsed, so filling is quick). Then runs each query several times and prints the median. The target
is < 500 ms per query at 100,000 disclosures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select

from yusuan.analytics import compare as c
from yusuan.analytics.trend import code_trend, trend
from yusuan.crossyear.links import stored_links
from yusuan.store import open_store
from yusuan.store import schema as s
from yusuan.store.db import Store

YEARS = (2022, 2023, 2024, 2025)
FACTS = ("income_total", "expenditure_total", "basic", "project", "personnel", "public",
         "fiscal_total", "general_spending", "general_basic", "three_public", "abroad",
         "reception", "vehicles", "vehicle_purchase", "vehicle_operation", "operating_costs",
         "staff_authorized", "staff_actual")  # fmt: skip
CLASSES = ("201", "208", "210", "221", "212", "213")


def _yuan(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low, high)) * 100  # printed 万元 with two decimals, in 元


def fill(store: Store, disclosures: int, chunk: int = 2000) -> None:
    rng = random.Random(20251122)
    units = disclosures // len(YEARS)
    with store.session() as session:
        session.execute(insert(s.Unit), [
            {"id": u + 1, "name": f"模拟单位{u + 1:06d}", "normalized_name": f"模拟单位{u + 1:06d}",
             "kind": "单位", "profile": "shanxi"} for u in range(units)
        ])  # fmt: skip
    did = 0
    for start in range(0, units, chunk // len(YEARS)):
        files, docs, facts, rows, cells, findings, links = [], [], [], [], [], [], []
        for u in range(start, min(units, start + chunk // len(YEARS))):
            previous = None
            for year in YEARS:
                did += 1
                files.append({"id": did, "sha256": f"{did:064x}", "path": f"/bench/{did}.txt",
                              "size": 1, "status": "ok"})  # fmt: skip
                errors = rng.randint(0, 6)
                docs.append({"id": did, "unit_id": u + 1, "year": year, "scope": "单位",
                             "version": 1, "profile": "shanxi", "unit_name": f"模拟单位{u + 1:06d}",
                             "amount_unit": "万元", "extraction": "tab", "source_file_id": did,
                             "errors": errors, "warnings": rng.randint(0, 9),
                             "infos": rng.randint(0, 20), "code": f"{u + 1:06d}"})  # fmt: skip
                for key in FACTS:
                    value = (Decimal(rng.randint(5, 80)) if key.startswith("staff")
                             else _yuan(rng, 0, 5_000_000))  # fmt: skip
                    facts.append({"disclosure_id": did, "key": key, "value": value})
                table = [("total", None)]
                for code in rng.sample(CLASSES, 3):
                    table.append(("class", code))
                    table += [("section", code + "01"), ("item", code + "0101")]
                for row_no, (kind, code) in enumerate(table):
                    rows.append({"disclosure_id": did, "table_no": 3, "row_no": row_no,
                                 "label": code or "合计", "code": code, "kind": kind,
                                 "line": row_no,
                                 "code_class": code[:3] if code else None})  # fmt: skip
                    cells.append({"disclosure_id": did, "table_no": 3, "row_no": row_no,
                                  "column": "total", "amount": _yuan(rng, 0, 9_000_000),
                                  "text": "1.00"})  # fmt: skip
                for n in range(5):
                    findings.append({"disclosure_id": did, "rule": "ARITH-ROW",
                                     "family": "arithmetic",
                                     "severity": "error" if n < errors else "info",
                                     "rounding": False, "title": "t", "message": "m",
                                     "locations": "[]"})  # fmt: skip
                links.append({"disclosure_id": did, "previous_id": previous,
                              "method": "code" if previous else "none",
                              "candidates": 1 if previous else 0})  # fmt: skip
                previous = did
        with store.session() as session:
            for model, batch in ((s.SourceFile, files), (s.Disclosure, docs), (s.Fact, facts),
                                 (s.TableRow, rows), (s.TableCell, cells), (s.Finding, findings),
                                 (s.YearLink, links)):  # fmt: skip
                session.execute(insert(model), batch)
        print(f"\r{did} / {units * len(YEARS)}", end="", flush=True)
    print()
    if store.dialect == "postgresql":
        with store.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    else:
        with store.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")


def timed(store: Store, call: Callable[[Any], object], runs: int) -> tuple[float, int]:
    samples, size = [], 0
    for _ in range(runs):
        with store.reader() as session:
            start = time.perf_counter()
            result = call(session)
            samples.append((time.perf_counter() - start) * 1000)
            size = len(result) if isinstance(result, list) else 0
    return statistics.median(samples), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--disclosures", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    store = open_store(args.db)
    with store.reader() as session:
        stored = session.scalar(select(func.count()).select_from(s.Disclosure)) or 0
    if stored == 0:
        start = time.perf_counter()
        fill(store, args.disclosures)
        print(f"filled in {time.perf_counter() - start:.0f} s")
        stored = args.disclosures
    year, unit = YEARS[-1], "模拟单位000123"
    queries: dict[str, Callable[[Any], object]] = {
        "three_public year limit 50": lambda x: c.three_public(x, year=year, limit=50),
        "three_public all years limit 50": lambda x: c.three_public(x, limit=50),
        "operating_costs year limit 50": lambda x: c.operating_costs(x, year=year, limit=50),
        "personnel_share year limit 50": lambda x: c.personnel_share(x, year=year, limit=50),
        "per_head year limit 50": lambda x: c.per_head(x, year=year, limit=50),
        "class_spending one unit": lambda x: c.class_spending(x, year=year, unit=unit),
        "class_spending year limit 50": lambda x: c.class_spending(x, year=year, limit=50),
        "class_spending 210 year limit 50": lambda x: c.class_spending(x, year=year, code="210",
                                                                      limit=50),
        "personnel_share year, all rows": lambda x: c.personnel_share(x, year=year),
        "three_public year, all rows": lambda x: c.three_public(x, year=year),
        "class_totals year": lambda x: c.class_totals(x, year=year),
        "findings ranking year limit 50": lambda x: c.findings_ranking(x, year=year, limit=50),
        "findings ranking all limit 50": lambda x: c.findings_ranking(x, limit=50),
        "trend one unit (facts)": lambda x: trend(x, unit),
        "trend one unit (codes)": lambda x: code_trend(x, unit),
        "ambiguous links": lambda x: stored_links(x, ambiguous_only=True),
    }
    print(f"{store.dialect}, {stored} disclosures, median of {args.runs} runs")
    for name, call in queries.items():
        ms, size = timed(store, call, args.runs)
        print(f"  {name:<34} {ms:8.1f} ms  ({size} rows)")
    store.close()


if __name__ == "__main__":
    main()
