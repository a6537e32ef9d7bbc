"""Write a synthetic corpus: documents, ``manifest.csv`` and ``defects.csv``.

The corpus is planned department by department (``plan``): each department gets a number of units
and a run of consecutive years, and its documents are, year by year, the department's (部门) and
then each unit's (单位). Everything a department writes is drawn from random generators seeded by
``seed`` and the department's index, so the corpus is the same whatever the number of workers.
Workers (processes) each write whole departments; every file is written atomically, and the two
CSV files are written last, so a run that is stopped leaves only complete files behind.
"""

from __future__ import annotations

import csv
import hashlib
import io
import multiprocessing
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from yusuan.budget.build import build
from yusuan.budget.final_build import build_final
from yusuan.budget.model import BudgetData
from yusuan.files import write_text_atomically
from yusuan.model import Disclosure
from yusuan.render.api import render
from yusuan.synth.defects import CROSS_YEAR, KINDS, Defect, cross_year, inject
from yusuan.synth.finals import (
    FINAL_BUDGET,
    FINAL_KINDS,
    FINAL_SHARE,
    as_shanghai,
    final_budget_defect,
    final_of,
    final_share_defect,
    in_shanghai,
)
from yusuan.synth.series import department_years
from yusuan.synth.units import THEMES, department

FORMATS = ("txt", "docx", "xlsx", "html", "pdf")
DEFAULT_FORMATS = ("txt", "docx", "xlsx", "html")
# Relative weight of each format among those asked for: text dominates, so that a corpus of
# 100,000 documents takes minutes (DOCX/XLSX/HTML take 0.1–0.5 s each, PDF about 1 s).
FORMAT_WEIGHTS = {"txt": 970, "docx": 8, "xlsx": 8, "html": 8, "pdf": 6}
YEARS = range(2022, 2027)
MANIFEST_COLUMNS = (
    "file",
    "unit",
    "department",
    "scope",
    "year",
    "format",
    "defect",
    "sha256",
    "kind",
)
DEFECT_COLUMNS = ("file", "kind", "rules", "location", "description")


@dataclass(frozen=True, slots=True)
class Options:
    count: int
    out_dir: Path
    seed: int = 0
    formats: tuple[str, ...] = DEFAULT_FORMATS
    defect_rate: float = 0.2  # a probability, not money
    defect_kinds: tuple[str, ...] = (*KINDS, *FINAL_KINDS)
    workers: int = 1
    years: range = YEARS
    # "shanxi"; "shanghai": each 预算 in the Shanghai template, followed by its 决算 of the year
    template: str = "shanxi"


@dataclass(frozen=True, slots=True)
class Plan:
    """One department's share of the corpus."""

    position: int  # order in the corpus
    index: int  # department index (region and theme)
    subordinates: int
    years: range
    documents: int  # how many of its documents are written (the first ones, year by year)


@dataclass(frozen=True, slots=True)
class Written:
    order: tuple[int, int, int]  # (plan position, document number, 预算 0 / 决算 1)
    file: str  # relative to the corpus folder, with '/'
    unit: str
    department: str
    scope: str
    year: int
    format: str
    sha256: str
    size: int
    defect: Defect | None = None
    kind: str = "预算"


@dataclass(slots=True)
class Summary:
    documents: int = 0
    formats: Counter[str] = field(default_factory=Counter)
    defects: Counter[str] = field(default_factory=Counter)
    bytes: int = 0
    seconds: float = 0.0


def plan(count: int, seed: int, years: range = YEARS) -> list[Plan]:
    """Departments enough for ``count`` documents; the last one may write only part of its own."""
    rng = random.Random(f"{seed}:plan")
    plans: list[Plan] = []
    remaining = count
    while remaining > 0:
        index = len(plans)
        theme = THEMES[index % len(THEMES)]
        subordinates = rng.randint(0, len(theme.subordinates))
        length = min(len(years), rng.choice((1, 2, 3, 3, 4, 4, 5, 5)))
        start = rng.randint(years.start, years.stop - length)
        documents = min(remaining, (2 + subordinates) * length)
        plans.append(Plan(index, index, subordinates, range(start, start + length), documents))
        remaining -= documents
    return plans


def documents(plan: Plan, seed: int) -> Iterator[tuple[int, BudgetData, bool]]:
    """(year, data, has last year's document in the corpus) of a department, in corpus order."""
    spec = department(plan.index, plan.subordinates)
    rng = random.Random(f"{seed}:{plan.index}")
    written = 0
    for year_data in department_years(spec, plan.years, rng):
        for data in (year_data.department, *year_data.units):
            if written == plan.documents:
                return
            written += 1
            yield year_data.year, data, year_data.year > plan.years.start


def _choose_format(rng: random.Random, formats: tuple[str, ...]) -> str:
    weights = [FORMAT_WEIGHTS.get(f, 1) for f in formats]
    return rng.choices(formats, weights)[0]


def write_department(plan: Plan, options: Options) -> list[Written]:
    """Write a department's documents; returns what was written (worker entry point)."""
    spec = department(plan.index, plan.subordinates)
    folder = options.out_dir / spec.region / spec.name
    results: list[Written] = []
    for number, (year, data, has_prior) in enumerate(documents(plan, options.seed)):
        rng = random.Random(f"{options.seed}:{plan.index}:{number}")
        if options.template == "shanghai":
            data = as_shanghai(data)
        fmt = _choose_format(rng, options.formats)
        defect: Defect | None = None
        # cross_year only where last year's document is in the corpus to compare with.
        kinds = tuple(k for k in options.defect_kinds
                      if (k != CROSS_YEAR or has_prior) and k not in FINAL_KINDS)  # fmt: skip
        kind = rng.choice(kinds) if rng.random() < options.defect_rate and kinds else None
        if kind == CROSS_YEAR:
            changed = cross_year(data, rng)
            if changed is not None:
                data, defect = changed
        disclosure = build(data)
        if kind is not None and defect is None:
            # The kind drawn first; another one when it does not apply to this document.
            first = (kind,) if kind != CROSS_YEAR else ()
            others = tuple(k for k in kinds if k not in (CROSS_YEAR, kind))
            defect = inject(disclosure, rng, first) or inject(disclosure, rng, others)
            if defect is not None and options.template == "shanghai":
                defect = in_shanghai(defect)
            if defect is not None and not _applies(defect, disclosure):
                disclosure, defect = build(data), None  # a kind the template has no rule for
        results.append(
            _written(
                render(disclosure, folder, (fmt,))[fmt],
                options,
                plan,
                number,
                data.unit.name,
                spec.name,
                data.unit.scope,
                year,
                fmt,
                defect,
            )
        )
        if options.template == "shanghai":
            final_rng = random.Random(f"{options.seed}:{plan.index}:{number}:决算")
            final, final_defect = _final(data, final_rng, options)
            path = render(final, folder, (fmt,))[fmt]
            results.append(
                _written(
                    path,
                    options,
                    plan,
                    number,
                    data.unit.name,
                    spec.name,
                    data.unit.scope,
                    year,
                    fmt,
                    final_defect,
                    "决算",
                )
            )
    return results


def _written(
    path: Path,
    options: Options,
    plan: Plan,
    number: int,
    unit: str,
    department: str,
    scope: str,
    year: int,
    fmt: str,
    defect: Defect | None,
    kind: str = "预算",
) -> Written:
    content = path.read_bytes()
    return Written(
        order=(plan.position, number, 0 if kind == "预算" else 1),
        file=path.relative_to(options.out_dir).as_posix(),
        unit=unit,
        department=department,
        scope=scope,
        year=year,
        format=fmt,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        defect=defect,
        kind=kind,
    )


def _applies(defect: Defect, disclosure: Disclosure) -> bool:
    """The rules said to find the defect are rules of the document's template."""
    from yusuan.checks import REGISTRY

    profile = disclosure.meta.profile
    return all(r in REGISTRY and profile in REGISTRY[r].profiles for r in defect.rules)


def _final(
    data: BudgetData, rng: random.Random, options: Options
) -> tuple[Disclosure, Defect | None]:
    """The 决算 of the year of ``data``, with a defect at the corpus's rate."""
    final = final_of(data, rng)
    kinds = [k for k in FINAL_KINDS if k in options.defect_kinds]
    kind = rng.choice(kinds) if kinds and rng.random() < options.defect_rate else None
    defect = None
    if kind == FINAL_BUDGET and (changed := final_budget_defect(final, rng)) is not None:
        final, defect = changed
    disclosure = build_final(final)
    if kind == FINAL_SHARE:
        defect = final_share_defect(disclosure, rng)
    return disclosure, defect


def _work(job: tuple[Plan, Options]) -> list[Written]:
    try:
        return write_department(*job)
    except KeyboardInterrupt:  # Ctrl-C reaches the workers too: the caller reports it once
        return []


_TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{12}\.tmp$")  # yusuan.files' temporary files


def remove_temporaries(folder: Path) -> int:
    """Delete the temporary files a killed run left (``kill -9`` gives no time to clean up)."""
    removed = 0
    for path in folder.rglob(".*.tmp"):
        if _TEMPORARY.match(path.name) and path.is_file():
            path.unlink()
            removed += 1
    return removed


def synthesize(options: Options, progress: Callable[[int], None] | None = None) -> Summary:
    """Write the corpus; ``progress`` is called with the number of documents just written."""
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown formats: {unknown}")
    started = time.perf_counter()
    options.out_dir.mkdir(parents=True, exist_ok=True)
    remove_temporaries(options.out_dir)
    jobs = [(p, options) for p in plan(options.count, options.seed, options.years)]
    written: list[Written] = []

    def collect(batch: list[Written]) -> None:
        written.extend(batch)
        if progress is not None:
            progress(len(batch))

    if options.workers <= 1:
        for job in jobs:
            collect(_work(job))
    else:
        # "spawn": workers start clean, whatever threads the caller (a progress bar) runs.
        context = multiprocessing.get_context("spawn")
        with context.Pool(options.workers) as pool:
            for batch in pool.imap_unordered(_work, jobs, chunksize=4):
                collect(batch)
    written.sort(key=lambda w: w.order)
    write_text_atomically(options.out_dir / "manifest.csv", manifest_csv(written))
    write_text_atomically(options.out_dir / "defects.csv", defects_csv(written))
    summary = Summary(documents=len(written), seconds=time.perf_counter() - started)
    for w in written:
        summary.formats[w.format] += 1
        summary.bytes += w.size
        if w.defect is not None:
            summary.defects[w.defect.kind] += 1
    return summary


def _csv(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def manifest_csv(written: list[Written]) -> str:
    rows: list[tuple[object, ...]] = [
        (
            w.file,
            w.unit,
            w.department,
            w.scope,
            w.year,
            w.format,
            w.defect.kind if w.defect else "",
            w.sha256,
            w.kind,
        )
        for w in written
    ]
    return _csv(MANIFEST_COLUMNS, rows)


def defects_csv(written: list[Written]) -> str:
    rows: list[tuple[object, ...]] = [
        (w.file, w.defect.kind, ";".join(w.defect.rules), w.defect.location, w.defect.description)
        for w in written
        if w.defect is not None
    ]
    return _csv(DEFECT_COLUMNS, rows)
