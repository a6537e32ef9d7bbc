"""Benchmarks printed by `make bench`. Figures, not pass/fail: the targets are in the README.

Parse: in-process time of `yusuan.read` for each seed (median and best of repeated runs, after a
warm-up run so imports and regex compilation are not counted).
Check: in-process time of `yusuan.check` on each parsed seed, the same way.
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


if __name__ == "__main__":
    bench_parse()
    print()
    bench_check()
