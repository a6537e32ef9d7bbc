"""OCR speed on scanned table pages (issue 16): pages per second and peak memory of
``yusuan parse`` on a scan of seed 000's tables 1–6 (six pages, 200 dpi, slight skew) and on the
same pages four times over (24 pages, where loading the models weighs less), with two pages read
at once (the default on two cores) and with one; the time of each stage in-process; and the same
pages read by RapidOCR's whole-page pipeline (detection and recognition over the page, no table
model) as the baseline.

    .venv/bin/python bench/ocr_speed.py
"""

from __future__ import annotations

import os
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
from yusuan.readers import ocr, ocr_engine, ocr_layout  # noqa: E402

# Each stage with the modules whose code looks it up (it is timed in each).
STAGES = {"page_rotation": (ocr,), "_rule_skew": (ocr,), "find_tables": (ocr,),
          "_detect_quads": (ocr, ocr_engine), "_read": (ocr_layout,)}  # fmt: skip
STAGE_NAMES = {"page_rotation": "orientation", "_rule_skew": "skew", "find_tables": "grid",
               "_detect_quads": "detect", "_read": "recognise"}  # fmt: skip


_CHILD = """
import resource, runpy, sys
sys.argv = ["yusuan", "parse", sys.argv[1]]
try:
    runpy.run_module("yusuan", run_name="__main__")
finally:
    sys.stderr.write("\\nPEAK_KB %d\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _parse_in_child(pdf: Path, threads: int) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of ``yusuan parse`` in a fresh process, reading
    ``threads`` pages at once."""
    env = {**os.environ, "YUSUAN_OCR_PAGE_THREADS": str(threads)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, str(pdf)],
                          capture_output=True, env=env)  # fmt: skip
    seconds = time.perf_counter() - start
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode not in (0, 2):  # 2: the scan holds tables 1-6 only (incomplete)
        raise RuntimeError(stderr)
    peak = [line for line in stderr.splitlines() if line.startswith("PEAK_KB ")]
    return seconds, int(peak[-1].split()[1]) // 1024


def _stages(pdf: Path, pages: int) -> dict[str, float]:
    """Milliseconds per page of each stage, in-process (models already loaded)."""
    spent = dict.fromkeys(STAGES, 0.0)
    originals = {name: getattr(modules[0], name) for name, modules in STAGES.items()}

    def timed(name: str):  # type: ignore[no-untyped-def]
        def run(*args, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        return run

    for name, modules in STAGES.items():
        for module in modules:
            setattr(module, name, timed(name))
    try:
        start = time.perf_counter()
        yusuan.read(pdf)
        total = time.perf_counter() - start
    finally:
        for name, modules in STAGES.items():
            for module in modules:
                setattr(module, name, originals[name])
    out = {STAGE_NAMES[k]: v / pages * 1000 for k, v in spent.items()}
    out["total"] = total / pages * 1000
    return out


def _baseline(pngs: list[Path]) -> float:
    """Seconds per page of RapidOCR's own pipeline on the page images."""
    rapidocr = __import__("rapidocr")
    engine = rapidocr.RapidOCR(params={"Global.log_level": "warning"})  # its own defaults
    engine(np.asarray(Image.open(pngs[0]).convert("RGB")))  # models loaded
    start = time.perf_counter()
    for png in pngs:
        engine(np.asarray(Image.open(png).convert("RGB")))
    return (time.perf_counter() - start) / len(pngs)


def _longer(scan_pngs: list[Path], copies: int, folder: Path) -> Path:
    """The scan's pages ``copies`` times over in one PDF: a 20-40 page scan as bureaus get."""
    images = [Image.open(png) for png in scan_pngs] * copies
    out = folder / "long_scan.pdf"
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=200)
    return out


def _host_speed() -> float:
    """Seconds for ten million additions in pure Python: the machine's speed at the time (a
    shared or throttled host shows here, and the figures below scale with it)."""
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def main() -> None:
    print("OCR speed (scanned table pages: seed 000 tables 1-6 at 200 dpi, slight skew)")
    print(f"  host: 10 M Python additions in {_host_speed():.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        scan = make_scan("000", Path(folder))
        pages = len(scan.pngs)
        long_pdf = _longer(scan.pngs, 4, Path(folder))
        for threads in (2, 1):
            for pdf, count in ((scan.pdf, pages), (long_pdf, pages * 4)):
                seconds, peak = min(_parse_in_child(pdf, threads) for _ in range(2))
                print(f"  yusuan parse, {count} pages, {threads} page(s) at once: "
                      f"{count / seconds:.2f} pages/s ({seconds / count:.2f} s/page, models "
                      f"loaded included), peak RSS {peak} MB")  # fmt: skip
        ocr_engine._engine()  # loaded once, as in a worker
        stages = _stages(scan.pdf, pages)
        print("  per page in-process (2 pages at once: stages overlap): "
              + ", ".join(f"{k} {v:.0f} ms" for k, v in stages.items()))  # fmt: skip
        base = _baseline(scan.pngs)
        print(f"  baseline RapidOCR whole-page pipeline: {1 / base:.2f} pages/s "
              f"({base:.2f} s/page; text boxes only, no table)")  # fmt: skip


if __name__ == "__main__":
    main()
