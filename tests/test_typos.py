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


def _typos_after(old: str, new: str, seed: str = SEED) -> list[Finding]:
    """TEXT-TYPO's findings on a seed (000) with the first ``old`` of its text written ``new``,
    but for those on the seed as it is."""
    path = seed_path(seed)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    at = text.index(old)
    edited = text[:at] + new + text[at + len(old) :]
    before = {f.message for f in report_of(path).findings if f.rule == "TEXT-TYPO"}
    report = yusuan.check(yusuan.read(path, edited.encode("utf-8")))
    return [f for f in report.findings if f.rule == "TEXT-TYPO" and f.message not in before]


def test_the_seed_has_only_its_one_typo() -> None:
    report = yusuan.check(yusuan.read(seed_path(SEED)))
    assert [f.actual for f in report.findings if f.rule == "TEXT-TYPO"] == ["照晚金"]


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


def test_a_noun_written_once_where_the_same_words_take_a_verb_before_bing() -> None:
    # Seed 001's 职责 write "参与组织制定并实施" (line 51) and "组织制定并贯彻实施" (line 54),
    # and once "组织制度并实施" (line 52): a noun where 并 joins two verbs.
    found = [f for f in report_of(seed_path("001")).findings if f.actual == "制度"]
    assert [(f.rule, f.expected) for f in found] == [("TEXT-TYPO", "制定")]
    assert found[0].locations[0].source is not None
    assert found[0].locations[0].source.line == 52
    # Written right, the line is silent.
    path = seed_path("001")
    edited = path.read_text(encoding="utf-8").replace("组织制度并实施", "组织制定并实施")
    report = yusuan.check(yusuan.read(path, edited.encode("utf-8")))
    assert [f for f in report.findings if f.rule == "TEXT-TYPO"] == []


def test_three_characters_that_make_no_word_one_apart_from_a_term_written_elsewhere() -> None:
    # Seed 000 writes 阳泉市 74 times; one of them (line 48) is edited to 阳召市.
    found = _typos_after("更名为阳泉市医疗保险中心", "更名为阳召市医疗保险中心")
    assert [(f.actual, f.expected) for f in found] == [("阳召市", "阳泉市")]
    assert found[0].locations[0].source is not None
    assert found[0].locations[0].source.line == 48


def test_a_term_in_a_performance_indicator_is_read_too() -> None:
    # Seed 000's indicator "照晚金发放时间" (line 596) beside "…老工人医疗照顾金" (line 594).
    report = report_of(seed_path(SEED))
    found = [f for f in report.findings if f.rule == "TEXT-TYPO" and f.actual == "照晚金"]
    assert [f.expected for f in found] == ["照顾金"]
    assert found[0].locations[0].source is not None
    assert found[0].locations[0].source.line == 596


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
        "000_0182f2b7f6a79aca.txt": ("s000-09",),
        "001_ef53abe7e74d0ed0.txt": ("s001-16",),
        "002_6342be4fa91aa1f1.txt": ("s002-07", "s002-13"),
    }
    for truth in truths():
        ids = wanted.get(truth.path.name, ())
        reported = [f for f in report_of(truth.path).findings if f.rule == "TEXT-TYPO"]
        for defect in (d for d in truth.defects if d.id in ids):
            assert any(covers(f, defect) for f in reported), (truth.path.name, defect.id)
