"""OCR speed on scanned table pages (issue 16): pages per second and peak memory of
``yusuan parse`` on a scan of seed 000's tables 1–6 (six pages, 200 dpi, slight skew), the time
of each stage in-process, and the same pages read by RapidOCR's whole-page pipeline (detection
and recognition over the page, no table model) as the baseline.

    .venv/bin/python bench/ocr_speed.py
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import yusuan  # noqa: E402
from tests.test_ocr import make_scan  # noqa: E402
from yusuan.readers import ocr  # noqa: E402

STAGES = ("_rule_skew", "find_tables", "_detect_quads", "_read")
STAGE_NAMES = {"_rule_skew": "skew", "find_tables": "grid", "_detect_quads": "detect",
               "_read": "recognise"}  # fmt: skip


def _parse_in_child(pdf: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of ``yusuan parse`` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "yusuan", "parse", str(pdf)],
                          capture_output=True)  # fmt: skip
    if done.returncode not in (0, 2):  # 2: the scan holds tables 1-6 only (incomplete)
        raise RuntimeError(done.stderr.decode("utf-8", "replace"))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) // 1024


def _stages(pdf: Path, pages: int) -> dict[str, float]:
    """Milliseconds per page of each stage, in-process (models already loaded)."""
    spent = dict.fromkeys(STAGES, 0.0)
    originals = {name: getattr(ocr, name) for name in STAGES}

    def timed(name: str):  # type: ignore[no-untyped-def]
        def run(*args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        return run

    for name in STAGES:
        setattr(ocr, name, timed(name))
    try:
        start = time.perf_counter()
        yusuan.read(pdf)
        total = time.perf_counter() - start
    finally:
        for name, original in originals.items():
            setattr(ocr, name, original)
    out = {STAGE_NAMES[k]: v / pages * 1000 for k, v in spent.items()}
    out["total"] = total / pages * 1000
    return out


def _baseline(pngs: list[Path]) -> float:
    """Seconds per page of RapidOCR's own pipeline on the page images."""
    engine = ocr.new_engine()
    engine(np.asarray(Image.open(pngs[0]).convert("RGB")))  # models loaded
    start = time.perf_counter()
    for png in pngs:
        engine(np.asarray(Image.open(png).convert("RGB")))
    return (time.perf_counter() - start) / len(pngs)


def main() -> None:
    print("OCR speed (scanned table pages: seed 000 tables 1-6, 6 pages at 200 dpi)")
    with tempfile.TemporaryDirectory() as folder:
        scan = make_scan("000", Path(folder))
        pages = len(scan.pngs)
        runs = [_parse_in_child(scan.pdf) for _ in range(2)]
        seconds = min(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        print(f"  yusuan parse: {pages / seconds:.2f} pages/s ({seconds / pages:.2f} s/page, "
              f"models loaded included), peak RSS {peak} MB")  # fmt: skip
        ocr._engine()  # loaded once, as in a worker
        stages = _stages(scan.pdf, pages)
        print("  per page in-process: " + ", ".join(f"{k} {v:.0f} ms" for k, v in stages.items()))
        base = _baseline(scan.pngs)
        print(f"  baseline RapidOCR whole-page pipeline: {1 / base:.2f} pages/s "
              f"({base:.2f} s/page; text boxes only, no table)")  # fmt: skip


if __name__ == "__main__":
    main()
