"""TEXT-TYPO: typos told by the document's own words or its template's. Each kind fires on a
one-line edit of a real seed and names what the document writes elsewhere; on the real
documents, every typo it reports is one the ground truth lists (read by hand)."""

from __future__ import annotations

import pytest

import yusuan
from tests.conftest import seed_path
from tests.groundtruth import covers, report_of, truths
from yusuan.checks.findings import Finding, Severity

SEED = "000"


def _typos_after(old: str, new: str) -> list[Finding]:
    """TEXT-TYPO's findings on seed 000 with the first ``old`` of its text written ``new``."""
    path = seed_path(SEED)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    at = text.index(old)
    edited = text[:at] + new + text[at + len(old) :]
    report = yusuan.check(yusuan.read(path, edited.encode("utf-8")))
    return [f for f in report.findings if f.rule == "TEXT-TYPO"]


def test_the_clean_seed_has_no_typo() -> None:
    report = yusuan.check(yusuan.read(seed_path(SEED)))
    assert [f.message for f in report.findings if f.rule == "TEXT-TYPO"] == []


def test_a_homophone_of_a_word_written_elsewhere_between_the_same_words() -> None:
    # 职责 and a performance form write "生育保险和城乡居民"; 职责's is edited to a homophone.
    found = _typos_after("生育保险和城乡居民", "生育保显和城乡居民")
    assert [(f.actual, f.expected) for f in found] == [("保显", "保险")]
    assert found[0].severity == Severity.WARNING
    assert "保显" in found[0].locations[0].text
    assert found[0].locations[0].source is not None
    assert found[0].locations[0].source.line == 48


def test_a_homophone_of_a_template_word() -> None:
    found = _typos_after("涉及资金1908.14万元", "设计资金1908.14万元")
    assert [(f.actual, f.expected) for f in found] == [("设计资金", "涉及资金")]
    assert found[0].locations[0].source is not None
    assert found[0].locations[0].source.line == 449


def test_a_stray_character_between_words_written_side_by_side_elsewhere() -> None:
    found = _typos_after("补充医疗保险", "补充跟医疗保险")
    assert len(found) == 1
    assert "补充跟医疗保险" in found[0].message and "“补充医疗保险”" in found[0].message


def test_a_word_cut_short_before_a_punctuation_mark() -> None:
    found = _typos_after("大病保险的经办业务。", "大病保险的经办业。")
    assert len(found) == 1
    assert "“经办业”后即是标点" in found[0].message and "业务" in found[0].message


@pytest.mark.parametrize("truth", truths(), ids=lambda t: t.path.name)
def test_every_typo_reported_on_a_real_document_is_a_real_defect(truth) -> None:  # type: ignore[no-untyped-def]
    reported = [f for f in report_of(truth.path).findings if f.rule == "TEXT-TYPO"]
    unlisted = [f.message for f in reported if not any(covers(f, d) for d in truth.defects)]
    assert unlisted == []


def test_the_typos_of_the_real_documents_are_found() -> None:
    """The typos read by hand that the document itself contradicts, each found."""
    wanted = {
        "shpt_wljd_2023_dept_budget.pdf": ("wljd23-14", "wljd23-15", "wljd23-16", "wljd23-18"),
        "shpt_wljd_2024_budget.pdf": ("wljd24-16", "wljd24-17", "wljd24-18", "wljd24-20"),
        "002_6342be4fa91aa1f1.txt": ("s002-07",),
    }
    for truth in truths():
        ids = wanted.get(truth.path.name, ())
        reported = [f for f in report_of(truth.path).findings if f.rule == "TEXT-TYPO"]
        for defect in (d for d in truth.defects if d.id in ids):
            assert any(covers(f, defect) for f in reported), (truth.path.name, defect.id)
