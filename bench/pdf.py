"""PDF benchmarks. Figures, not pass/fail.

    .venv/bin/pip install -e '.[bench]'      # pdfplumber and camelot (PyMuPDF is optional)
    .venv/bin/python bench/pdf.py             # both parts
    .venv/bin/python bench/pdf.py libraries   # only the library comparison
    .venv/bin/python bench/pdf.py tables      # only the table comparison

libraries: time to get every character with its box and the ruling lines/rectangles of every
page, with pypdfium2 (what yusuan uses), pdfplumber and PyMuPDF (AGPL; measured only when
installed), on the Shanghai PDFs in shared/real-docs and on the four seeds rendered by yusuan.
CJK correctness: characters that are no text (U+FFFD, private use, Kangxi radicals, controls)
and the share of the seeds' table texts found in the extracted text.

tables: pages per second and cell accuracy of yusuan's reader (`readers.pdf.read_pdf`),
pdfplumber's `extract_tables` and camelot's lattice mode on the rendered seeds, where the truth
is known: every body row of every table as yusuan's layout prints it (blank cells included).
A truth row is matched with the extracted row of the same first cell that agrees in most
positions; accuracy is the share of truth cells found at their position (whitespace ignored).
Speed is also measured on the Shanghai PDFs (no truth there; YUSUAN_BENCH_QUICK=1 skips camelot
on them).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import yusuan
from yusuan.model import Disclosure

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("YUSUAN_SHARED", ROOT.parent / "shared"))
SHANGHAI = sorted((SHARED / "real-docs" / "shanghai").glob("*.pdf"))
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
QUICK = os.environ.get("YUSUAN_BENCH_QUICK") == "1"

Rows = list[list[str]]
CharBox = tuple[str, float, float, float, float]


def _best(function: Callable[[Path], object], path: Path, runs: int = 3) -> float:
    function(path)  # warm-up: imports, font caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function(path)
        times.append(time.perf_counter() - start)
    return min(times)


def _pages(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


# --- libraries: characters and rules ------------------------------------------------------------


def chars_pypdfium2(path: Path) -> tuple[list[CharBox], int]:
    import pypdfium2

    from yusuan.readers.pdf_chars import page_chars
    from yusuan.readers.pdf_rules import _RuleCollector
    from yusuan.readers.pdf_view import _View

    document = pypdfium2.PdfDocument(path)
    chars: list[CharBox] = []
    rules = 0
    try:
        for index in range(len(document)):
            page = document[index]
            view = _View(page)
            textpage = page.get_textpage()
            chars += [
                (c.text, c.x0, c.top, c.x1, c.bottom) for c in page_chars(page, textpage, view)
            ]
            textpage.close()
            collector = _RuleCollector(view)
            collector.collect(page)
            rules += len(collector.horizontal) + len(collector.vertical)
            page.close()
    finally:
        document.close()
    return chars, rules


def chars_pdfplumber(path: Path) -> tuple[list[CharBox], int]:
    import pdfplumber

    chars: list[CharBox] = []
    rules = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars += [(c["text"], c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars]
            rules += len(page.lines) + len(page.rects)
            page.close()
    return chars, rules


def chars_pymupdf(path: Path) -> tuple[list[CharBox], int]:
    import pymupdf

    chars: list[CharBox] = []
    rules = 0
    with pymupdf.open(path) as document:
        for page in document:
            for block in page.get_text("rawdict")["blocks"]:
                for line in block.get("lines", ()):
                    for span in line["spans"]:
                        chars += [(c["c"], *c["bbox"]) for c in span["chars"]]
            rules += len(page.get_cdrawings())
    return chars, rules


def _not_text(char: str) -> bool:
    code = ord(char)
    return (
        char == "\ufffd"
        or 0xE000 <= code <= 0xF8FF
        or 0x2E80 <= code <= 0x2FDF
        or (unicodedata.category(char) == "Cc" and char not in "\t\n\r")
    )


def _seed_texts(disclosure: Disclosure) -> list[str]:
    texts = [r.label for t in disclosure.tables.values() for r in t.rows if r.label]
    texts += [
        "".join(c.text.split())
        for t in disclosure.tables.values()
        for r in t.rows
        for c in r.cells.values()
        if c.text
    ]
    return texts


def libraries(rendered: dict[Path, Disclosure]) -> None:
    candidates: dict[str, Callable[[Path], tuple[list[CharBox], int]]] = {
        "pypdfium2": chars_pypdfium2,
        "pdfplumber": chars_pdfplumber,
    }
    try:
        import pymupdf  # noqa: F401

        candidates["PyMuPDF (AGPL)"] = chars_pymupdf
    except ImportError:
        print("  (PyMuPDF not installed: not measured)")
    print("characters with boxes + ruling lines/rectangles, best of 3 runs")
    print(
        f"  {'library':<16} {'Shanghai p/s':>12} {'seeds p/s':>10} {'chars':>8} {'not text':>9}"
        f" {'seed texts found':>17}"
    )
    for name, extract in candidates.items():
        speed: dict[str, list[float]] = {"shanghai": [0, 0.0], "seeds": [0, 0.0]}
        total = bad = found = wanted = 0
        for path in [*SHANGHAI, *rendered]:
            try:
                seconds = _best(extract, path)
            except ImportError:
                print(f"  {name:<16} not installed")
                break
            chars, _ = extract(path)
            kind = "seeds" if path in rendered else "shanghai"
            speed[kind][0] += _pages(path)
            speed[kind][1] += seconds
            total += len(chars)
            bad += sum(_not_text(c[0]) for c in chars)
            if path in rendered:
                text = "".join(c[0] for c in chars if not c[0].isspace())
                texts = _seed_texts(rendered[path])
                wanted += len(texts)
                found += sum(t in text for t in texts)
        else:
            shanghai = speed["shanghai"][0] / speed["shanghai"][1] if speed["shanghai"][1] else 0
            seeds = speed["seeds"][0] / speed["seeds"][1] if speed["seeds"][1] else 0
            print(
                f"  {name:<16} {shanghai:>12.1f} {seeds:>10.1f} {total:>8} {bad:>9}"
                f" {found:>8}/{wanted:<8}"
            )


# --- tables: yusuan vs pdfplumber vs camelot ----------------------------------------------------


def rows_yusuan(path: Path) -> Rows:
    from yusuan.readers.pdf import read_pdf

    return [line.cells for line in read_pdf(path).lines if line.cells is not None]


def rows_pdfplumber(path: Path) -> Rows:
    import pdfplumber

    rows: Rows = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                rows += [[cell or "" for cell in row] for row in table]
            page.close()
    return rows


def rows_camelot(path: Path) -> Rows:
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = camelot.read_pdf(str(path), pages="all", flavor="lattice")
    rows: Rows = []
    for table in tables:
        rows += [[str(cell) for cell in row] for row in table.df.values.tolist()]
    return rows


def truth_rows(disclosure: Disclosure) -> Rows:
    from yusuan.render.layout import grids

    return [[cell.text for cell in row] for grid in grids(disclosure) for row in grid.body]


def _norm(text: str) -> str:
    return "".join(text.split())


def score(truth: Rows, found: Rows) -> tuple[int, int, int]:
    """(cells found at their position, truth cells, truth rows found exactly)."""
    pool: dict[str, list[list[str]]] = defaultdict(list)
    for row in found:
        cells = [_norm(c) for c in row]
        pool[next((c for c in cells if c), "")].append(cells)
    hits = cells_total = exact = 0
    for row in truth:
        cells = [_norm(c) for c in row]
        cells_total += len(cells)
        candidates = pool.get(next((c for c in cells if c), ""), [])
        best, best_hits = None, -1
        for candidate in candidates:
            same = sum(1 for a, b in zip(cells, candidate, strict=False) if a == b)
            same -= abs(len(candidate) - len(cells))  # extra or missing columns
            if same > best_hits:
                best, best_hits = candidate, same
        if best is None:
            continue
        candidates.remove(best)
        hits += max(best_hits, 0)
        exact += best == cells
    return hits, cells_total, exact


# Column keys after the label, in printed order, of the one-sided Shanghai tables
# (tests/expected/shanghai/README.md); tables 1, 4 and 9 print a varying set of columns.
SHANGHAI_KEYS = {
    2: ("total", "fiscal", "business", "operating", "other"),
    3: ("total", "basic", "project"),
    5: ("total", "basic", "project"),
    6: ("total", "basic", "project"),
    7: ("total", "basic", "project"),
    8: ("total", "personnel", "public"),
}


def shanghai_truth(path: Path) -> list[tuple[str, str, list[str]]]:
    """(code, label, the cells after the label) of every row of the one-sided tables, from the
    hand transcription of the PDF (blank cells as '')."""
    import importlib

    sys.path.insert(0, str(ROOT))
    try:
        module = importlib.import_module(f"tests.expected.shanghai.{path.stem}")
    except ImportError:
        return []
    rows = []
    for number, keys in SHANGHAI_KEYS.items():
        for _side, code, label, values, *_ in module.TABLES[number]["rows"]:
            rows.append((code or "", label, [values.get(k, "") for k in keys]))
    return rows


def shanghai_score(truth: list[tuple[str, str, list[str]]], found: Rows) -> tuple[int, int]:
    """(amount cells equal to the transcription at their position, cells) over the rows of the
    one-sided tables; a row is found by its label and its 类/款/项 cells ("2" read as 款 02)."""
    pool: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    for row in found:
        cells = [_norm(c) for c in row]
        for k, cell in enumerate(cells):
            if cell and not cell.isdigit():
                parts = [c for c in cells[:k] if c.isdigit()]
                code = "".join(parts[:1] + [p.zfill(2) for p in parts[1:]])
                pool[(code, cell)].append(cells[k + 1 :])
                break
    hits = total = 0
    for code, label, values in truth:
        total += len(values)
        candidates = pool.get((code, label), [])
        if not candidates:
            continue

        # The amount columns are the last ones of these tables (the label of a 合计 row spans
        # the code columns before them).
        def agreeing(cells: list[str], values: list[str] = values) -> int:
            shown = cells[-len(values) :] if len(cells) >= len(values) else cells
            return sum(a == b for a, b in zip(values, shown, strict=False))

        best = max(candidates, key=agreeing)
        candidates.remove(best)
        hits += agreeing(best)
    return hits, total


def tables(rendered: dict[Path, Disclosure]) -> None:
    tools: dict[str, Callable[[Path], Rows]] = {
        "yusuan": rows_yusuan,
        "pdfplumber": rows_pdfplumber,
        "camelot lattice": rows_camelot,
    }
    results: dict[str, dict[str, float | str]] = {}
    for name, extract in tools.items():
        try:
            extract(next(iter(rendered)))
        except ImportError as error:
            results[name] = {"note": f"not installed ({error.name}): pip install -e '.[bench]'"}
            continue
        except Exception as error:  # a tool that cannot run here: say why
            results[name] = {"note": f"cannot run: {type(error).__name__}: {error}"}
            continue
        hits = total = exact = rows = pages = 0
        seconds = 0.0
        for path, disclosure in rendered.items():
            start = time.perf_counter()
            found = extract(path)
            seconds += time.perf_counter() - start
            pages += _pages(path)
            h, t, e = score(truth_rows(disclosure), found)
            hits, total, exact, rows = (
                hits + h,
                total + t,
                exact + e,
                rows + len(truth_rows(disclosure)),
            )
        shanghai_pages, shanghai_seconds = 0, 0.0
        placed = cells = 0
        if not (QUICK and name.startswith("camelot")):
            for path in SHANGHAI:
                start = time.perf_counter()
                found = extract(path)
                shanghai_seconds += time.perf_counter() - start
                shanghai_pages += _pages(path)
                h, t = shanghai_score(shanghai_truth(path), found)
                placed, cells = placed + h, cells + t
        results[name] = {
            "seeds p/s": pages / seconds,
            "Shanghai p/s": shanghai_pages / shanghai_seconds if shanghai_seconds else "-",
            "cell accuracy": f"{100 * hits / total:.1f}% ({hits}/{total})",
            "rows exact": f"{100 * exact / rows:.1f}% ({exact}/{rows})",
            "Shanghai in place": f"{100 * placed / cells:.1f}% ({placed}/{cells})"
            if cells
            else "-",
        }
    print("tables of the rendered seeds (truth: the printed grid rows, blank cells included)")
    columns = ["seeds p/s", "Shanghai p/s", "cell accuracy", "rows exact", "Shanghai in place"]
    print(f"  {'':<16}" + "".join(f" {c:>22}" for c in columns))
    for name, result in results.items():
        if "note" in result:
            print(f"  {name:<16} {result['note']}")
            continue
        cells = []
        for column in columns:
            value = result[column]
            cells.append(f"{value:>22.1f}" if isinstance(value, float) else f"{value!s:>22}")
        print(f"  {name:<16}" + " ".join(cells))
    truth_total = sum(len(truth_rows(d)) for d in rendered.values())
    print(
        f"  ({len(rendered)} seed PDFs, {truth_total} table rows; Shanghai: {len(SHANGHAI)} PDFs;"
        " in place: amount cells of tables 2, 3, 5-8 equal to tests/expected/shanghai)"
    )


def render_seeds(folder: Path) -> dict[Path, Disclosure]:
    from yusuan.render.pdf import write_pdf

    if not SEEDS:
        sys.exit(f"no seeds under {SHARED / 'seeds'}")
    rendered: dict[Path, Disclosure] = {}
    for seed in SEEDS:
        disclosure = yusuan.read(seed)
        path = folder / f"{seed.stem}.pdf"
        write_pdf(disclosure, path, charts={})
        rendered[path] = disclosure
    return rendered


def main(parts: list[str]) -> None:
    parts = parts or ["libraries", "tables"]
    with tempfile.TemporaryDirectory() as folder:
        rendered = render_seeds(Path(folder))
        if "libraries" in parts:
            libraries(rendered)
            print()
        if "tables" in parts:
            tables(rendered)


if __name__ == "__main__":
    main(sys.argv[1:])
