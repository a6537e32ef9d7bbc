"""Benchmarks printed by `make bench`. Figures, not pass/fail: the targets are in the README.

Parse: in-process time of `yusuan.read` for each seed (median and best of repeated runs, after a
warm-up run so imports and regex compilation are not counted).
Check: in-process time of `yusuan.check` on each parsed seed, the same way.
Ground truth: recall and precision against the defects read by hand in the real documents.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from pathlib import Path

import yusuan

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("YUSUAN_SHARED", ROOT.parent / "shared"))
RUNS = int(os.environ.get("YUSUAN_BENCH_RUNS", "50"))


def timed(function: object, *args: object) -> list[float]:
    call = function  # type: ignore[assignment]
    call(*args)  # type: ignore[operator]
    samples = []
    for _ in range(RUNS):
        gc.collect()
        start = time.perf_counter()
        call(*args)  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_parse() -> None:
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        sys.exit(f"no seeds under {SHARED / 'seeds'}")
    print(f"parse (in-process yusuan.read, {RUNS} runs each; target < 20 ms per document)")
    print(f"  {'document':<28} {'KB':>6} {'median ms':>10} {'best ms':>8} {'p90 ms':>8}")
    for seed in seeds:
        samples = sorted(timed(yusuan.read, seed))
        size = seed.stat().st_size / 1024
        p90 = samples[int(len(samples) * 0.9) - 1]
        median = statistics.median(samples)
        print(f"  {seed.name:<28} {size:>6.1f} {median:>10.2f} {samples[0]:>8.2f} {p90:>8.2f}")


def bench_check() -> None:
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    print(f"check (in-process yusuan.check on a parsed document, {RUNS} runs; target < 10 ms)")
    print(f"  {'document':<28} {'rules':>6} {'findings':>9} {'median ms':>10} {'best ms':>8}")
    for seed in seeds:
        disclosure = yusuan.read(seed)
        report = yusuan.check(disclosure)
        samples = sorted(timed(yusuan.check, disclosure))
        median = statistics.median(samples)
        print(
            f"  {seed.name:<28} {len(report.rules_run):>6} {len(report.findings):>9} "
            f"{median:>10.2f} {samples[0]:>8.2f}"
        )


def bench_final() -> None:
    """The real 决算 (Shanghai 部门决算, PDF) and its renderings from its own 决算 data: parse
    and check time per document, as for the seeds (targets 20 ms and 10 ms per text document)."""
    import tempfile

    from yusuan.budget.build import build
    from yusuan.budget.final_extract import to_final_data
    from yusuan.render.api import render

    source = SHARED / "real-docs" / "shanghai-final" / "shpt_czj_2024_dept_final_good.pdf"
    if not source.exists():
        print(f"决算: missing {source}")
        return
    print(f"决算 parse and check (in-process, {RUNS} runs, PDF {max(3, RUNS // 10)}; "
          "targets < 20 ms and < 10 ms per text document)")  # fmt: skip
    print(f"  {'document':<28} {'KB':>6} {'parse ms':>9} {'check ms':>9} {'rules':>6} "
          f"{'errors':>7}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        data, _ = to_final_data(yusuan.read(source))
        written = render(build(data), Path(folder), ("txt", "html", "docx", "xlsx"))
        documents = [("real PDF", source)] + [(f"rendered {f}", p) for f, p in written.items()]
        for name, path in documents:
            runs = max(3, RUNS // 10) if path.suffix in (".pdf", ".docx", ".xlsx") else RUNS
            parse = statistics.median(_times(yusuan.read, path, runs))
            disclosure = yusuan.read(path)
            report = yusuan.check(disclosure)
            check = statistics.median(_times(yusuan.check, disclosure, RUNS))
            size = path.stat().st_size / 1024
            print(f"  {name:<28} {size:>6.1f} {parse:>9.2f} {check:>9.2f} "
                  f"{len(report.rules_run):>6} {len(report.errors):>7}")  # fmt: skip


def _times(function: object, argument: object, runs: int) -> list[float]:
    call = function  # type: ignore[assignment]
    call(argument)  # type: ignore[operator]
    samples = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        call(argument)  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_ground_truth() -> None:
    """Recall and precision of ``yusuan check`` against the defects read by hand in the ten real
    documents (tests/ground_truth): found / listed, and the error-level findings about a listed
    defect among all error-level findings."""
    sys.path.insert(0, str(ROOT))
    from tests.groundtruth import score

    print("ground truth (tests/ground_truth: defects found by reading the real documents)")
    print(f"  {'template':<10} {'defects':>8} {'found':>6} {'recall':>7} {'errors':>7} "
          f"{'false':>6} {'precision':>10}")  # fmt: skip
    for template, s in sorted(score().items()):
        print(
            f"  {template:<10} {s.defects:>8} {s.found:>6} {s.recall:>7.1%} {s.errors:>7} "
            f"{len(s.false_errors):>6} {s.precision:>10.1%}"
        )


def bench_render() -> None:
    """Render time per format for the example and each seed (charts drawn once per document)."""
    import tempfile

    from yusuan.budget.build import build
    from yusuan.budget.io import load_data
    from yusuan.render.api import FORMATS, render
    from yusuan.render.charts import charts

    runs = max(3, RUNS // 10)
    documents = [
        ("example (data)", build(load_data(ROOT / "src/yusuan/examples/example_unit_2025.yaml")))
    ]
    documents += [(s.name, yusuan.read(s)) for s in sorted((SHARED / "seeds").glob("*.txt"))]
    print(
        f"render (in-process, median of {runs}; targets DOCX < 1 s, PDF < 5 s; charts separately)"
    )
    print(f"  {'document':<28} {'charts s':>9}" + "".join(f" {f + ' s':>8}" for f in FORMATS))
    with tempfile.TemporaryDirectory() as folder:
        for name, disclosure in documents:
            chart_times = sorted(_once(charts, disclosure) for _ in range(runs))
            row = f"  {name:<28} {statistics.median(chart_times):>9.3f}"
            for fmt in FORMATS:
                times = sorted(_once(render, disclosure, Path(folder), (fmt,)) for _ in range(runs))
                row += f" {statistics.median(times):>8.3f}"
            print(row)


def _once(function: object, *args: object) -> float:
    start = time.perf_counter()
    function(*args)  # type: ignore[operator]
    return time.perf_counter() - start


if __name__ == "__main__":
    bench_parse()
    print()
    bench_check()
    print()
    bench_final()
    print()
    bench_ground_truth()
    print()
    bench_render()
    print()
    import pdf  # bench/pdf.py: PDF libraries and table readers side by side

    pdf.main(["libraries", "tables"])
    print()
    import scans  # bench/scans.py: scans turned, skewed, at 100-200 dpi, and a mixed PDF

    scans.main()
    print()
    import ocr_speed  # bench/ocr_speed.py: pages/s, stages and peak memory of OCR, and a baseline

    ocr_speed.main()
    print()
    import ingest  # bench/ingest.py: documents per second into SQLite and PostgreSQL

    ingest.main([])
    print()
    import web  # bench/web.py: the document view's latency with 50 users on `yusuan serve`,
    # then while a 200-document batch is processed (about 70 s at 3 documents/s; capped)

    web.main(["--batch", "200", "--batch-duration", "150", "--batch-wait", "180"])
    print()
    import corpus  # bench/corpus.py: 10,000 synthetic documents, injected defects found

    corpus.main()
    print()
    import scale  # bench/scale.py: comparison queries at 100,000 disclosures (takes ~40 min)

    scale.main()
