"""A synthetic corpus through the whole pipeline: `yusuan synth` → `yusuan ingest` → the store.

Every defect the generator injected (its defects.csv, the ground truth of the corpus) must come
out of the store as an error of one of the rules it names, in that file, including the cross-year
defects only a store holding both years can find; documents without a defect must have none.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from yusuan.ingest.run import ingest
from yusuan.store import open_store
from yusuan.store import schema as s
from yusuan.synth import Options, synthesize


def _errors_by_file(url: str, corpus: Path) -> dict[str, set[str]]:
    store = open_store(url)
    try:
        with store.reader() as session:
            rows = session.execute(
                select(s.SourceFile.path, s.Finding.rule)
                .join(s.Disclosure, s.Disclosure.source_file_id == s.SourceFile.id)
                .outerjoin(
                    s.Finding,
                    (s.Finding.disclosure_id == s.Disclosure.id) & (s.Finding.severity == "error"),
                )
            ).all()
            failed = session.scalars(
                select(s.SourceFile.path).where(s.SourceFile.status != "ok")
            ).all()
    finally:
        store.close()
    assert failed == [], f"files not stored: {failed}"
    found: dict[str, set[str]] = {}
    for path, rule in rows:
        relative = Path(path).resolve().relative_to(corpus.resolve()).as_posix()
        found.setdefault(relative, set())
        if rule is not None:
            found[relative].add(rule)
    return found


def test_injected_defects_are_found_in_the_store(db_url: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    synthesize(Options(count=48, out_dir=corpus, seed=3, formats=("txt", "docx", "xlsx", "html"),
                       defect_rate=0.5))  # fmt: skip
    listing = tmp_path / "listing"
    listing.mkdir()
    for name in ("manifest.csv", "defects.csv"):  # the lists beside the corpus, not documents
        (corpus / name).rename(listing / name)
    with (listing / "manifest.csv").open(encoding="utf-8") as handle:
        manifest = list(csv.DictReader(handle))
    with (listing / "defects.csv").open(encoding="utf-8") as handle:
        defects = list(csv.DictReader(handle))
    assert len(manifest) >= 48 and len(defects) >= 10
    assert any(d["kind"] == "cross_year" for d in defects)

    summary = ingest([corpus], db_url, workers=2)
    assert summary.failed == []

    errors = _errors_by_file(db_url, corpus)
    assert set(errors) == {row["file"] for row in manifest}
    for defect in defects:
        expected = set(defect["rules"].split(";"))
        assert errors[defect["file"]] & expected, (
            f"{defect['file']}: injected {defect['kind']} ({defect['description']}) "
            f"not reported; errors: {sorted(errors[defect['file']])}"
        )
    defective = {d["file"] for d in defects}
    clean_with_errors = {f: e for f, e in errors.items() if f not in defective and e}
    assert clean_with_errors == {}


def test_shanghai_budgets_and_their_finals_in_the_store(db_url: str, tmp_path: Path) -> None:
    """``--template shanghai``: each 预算 is followed by its 决算 of the year; a 决算 whose 年初预算
    was moved off its 预算's is found by XFINAL-BUDGET once both are stored, a share changed in
    its 情况说明 by FINAL-NARR-SHARES; every other document is clean."""
    corpus = tmp_path / "corpus"
    synthesize(Options(count=10, out_dir=corpus, seed=5, formats=("txt", "docx"),
                       defect_rate=0.6, template="shanghai"))  # fmt: skip
    listing = tmp_path / "listing"
    listing.mkdir()
    for name in ("manifest.csv", "defects.csv"):
        (corpus / name).rename(listing / name)
    with (listing / "manifest.csv").open(encoding="utf-8") as handle:
        manifest = list(csv.DictReader(handle))
    with (listing / "defects.csv").open(encoding="utf-8") as handle:
        defects = list(csv.DictReader(handle))
    kinds = [row["kind"] for row in manifest]
    assert kinds.count("预算") == kinds.count("决算") == 10
    finals = {row["file"] for row in manifest if row["kind"] == "决算"}
    assert {d["kind"] for d in defects if d["file"] in finals} == {"final_budget", "final_share"}
    assert any(d["file"] not in finals for d in defects)  # budget kinds in Shanghai documents

    summary = ingest([corpus], db_url, workers=2)
    assert summary.failed == []
    errors = _errors_by_file(db_url, corpus)
    for defect in defects:
        assert errors[defect["file"]] & set(defect["rules"].split(";")), defect
    defective = {d["file"] for d in defects}
    assert {f: e for f, e in errors.items() if f not in defective and e} == {}
