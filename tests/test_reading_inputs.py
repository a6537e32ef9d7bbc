"""Encodings, bad input and documents that are only partly there."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

import yusuan
from tests.conftest import parsed, seed_path
from yusuan.errors import NotADisclosureError, UnreadableFileError
from yusuan.export.cells import to_cells_csv


def _same_tables(a: yusuan.Disclosure, b: yusuan.Disclosure) -> bool:
    def cells(d: yusuan.Disclosure) -> list[tuple[str, ...]]:
        return [row[:5] for row in (r.split(",") for r in to_cells_csv(d).splitlines())]

    return cells(a) == cells(b)


_ENCODINGS = {
    "utf8-bom": ("utf-8", codecs.BOM_UTF8),
    "gb18030": ("gb18030", b""),
    "gbk": ("gbk", b""),
    "utf16le-bom": ("utf-16-le", codecs.BOM_UTF16_LE),
    "utf16be-bom": ("utf-16-be", codecs.BOM_UTF16_BE),
    "utf16le-nobom": ("utf-16-le", b""),
}
# GBK has no U+00A0, the blank-cell marker of layout text, so it is tried on the tab seed only.
_ENCODING_CASES = [
    (seed, name) for seed in ("001", "003") for name in _ENCODINGS if (seed, name) != ("003", "gbk")
]


@pytest.mark.parametrize(("seed", "name"), _ENCODING_CASES)
def test_encodings_are_detected(tmp_path: Path, seed: str, name: str) -> None:
    encoding, bom = _ENCODINGS[name]
    text = seed_path(seed).read_text(encoding="utf-8")
    target = tmp_path / f"seed_{seed}.txt"
    target.write_bytes(bom + text.encode(encoding))
    disclosure = yusuan.read(target)
    assert len(disclosure.tables) == 13
    assert _same_tables(disclosure, parsed(seed))
    assert disclosure.meta.unit_name == parsed(seed).meta.unit_name


def test_crlf_line_endings(tmp_path: Path) -> None:
    text = seed_path("000").read_text(encoding="utf-8")
    target = tmp_path / "crlf.txt"
    target.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert _same_tables(yusuan.read(target), parsed("000"))


def test_empty_file(tmp_path: Path) -> None:
    target = tmp_path / "empty.txt"
    target.write_bytes(b"  \n\n")
    with pytest.raises(UnreadableFileError) as info:
        yusuan.read(target)
    assert "文件为空" in info.value.describe() and str(target) in info.value.describe()


def test_binary_file(tmp_path: Path) -> None:
    target = tmp_path / "image.txt"
    target.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnreadableFileError) as info:
        yusuan.read(target)
    assert "二进制" in info.value.describe()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError) as info:
        yusuan.read(tmp_path / "nope.txt")
    assert "不存在" in info.value.describe()


def test_text_that_is_not_a_disclosure(tmp_path: Path) -> None:
    target = tmp_path / "novel.txt"
    target.write_text("第一章\n天色渐晚，他走进了城里最老的茶馆。\n" * 20, encoding="utf-8")
    with pytest.raises(NotADisclosureError) as info:
        yusuan.read(target)
    assert "未找到" in info.value.describe()


def test_truncated_document_keeps_what_is_there(tmp_path: Path) -> None:
    lines = seed_path("001").read_text(encoding="utf-8").split("\n")
    cut = next(i for i, line in enumerate(lines) if line.startswith("2024年国有资本经营预算"))
    target = tmp_path / "truncated.txt"
    target.write_text("\n".join(lines[:cut]), encoding="utf-8")
    disclosure = yusuan.read(target)
    assert sorted(disclosure.tables) == list(range(1, 9))
    assert disclosure.tables[3].value("21013", "project") == parsed("001").tables[3].value(
        "21013", "project"
    )
    messages = " ".join(issue.message for issue in disclosure.issues)
    assert "缺少表格" in messages and "表9" in messages and "表13" in messages
    assert "缺少第三部分" in messages


def test_other_layout_degrades_gracefully(tmp_path: Path) -> None:
    """A template variant whose table 6 title and part headings differ: the rest still reads."""
    text = seed_path("000").read_text(encoding="utf-8")
    text = text.replace(
        "2025年一般公共预算安排基本支出分经济科目表（不含上年结转）",
        "2025年一般公共预算基本支出表（按经济分类）",
    )
    target = tmp_path / "variant.txt"
    target.write_text(text, encoding="utf-8")
    disclosure = yusuan.read(target)
    assert 6 not in disclosure.tables
    assert len(disclosure.tables) == 12
    assert disclosure.tables[5].value("合计", "basic") == parsed("000").tables[5].value(
        "合计", "basic"
    )
    assert any("表6" in issue.message for issue in disclosure.issues)


def test_ocr_noise_is_low_confidence_and_invents_nothing() -> None:
    disclosure = parsed("003")
    noisy = [t for t in disclosure.performance_tables if t.confidence < 0.5]
    assert [t.project for t in noisy] == ["办公经费", "脱贫人口参加城乡居民医保政府补助"]
    for table in noisy:
        assert table.period_funds.total is None and table.annual_funds.total is None
        assert not table.period_indicators and not table.annual_indicators
    warnings = [i for i in disclosure.issues if "扫描识别" in i.message]
    assert len(warnings) == 2
    assert all(w.source is not None and w.source.line for w in warnings)


def test_extra_columns_are_reported_not_dropped_silently(tmp_path: Path) -> None:
    text = seed_path("001").read_text(encoding="utf-8")
    text = text.replace(
        "2101301\t城乡医疗救助\t1406.96\t\t1406.96",
        "2101301\t城乡医疗救助\t1406.96\t\t1406.96\t99.99",
    )
    target = tmp_path / "wide.txt"
    target.write_text(text, encoding="utf-8")
    disclosure = yusuan.read(target)
    warnings = [i.message for i in disclosure.issues if "多出单元格" in i.message]
    assert warnings and "99.99" in warnings[0] and "表3" in warnings[0]


def test_department_units_and_whole_unit_table() -> None:
    # 002 机构设置: "本部门下属单位包括：长治市屯留区医疗保险管理服务中心。"
    assert "长治市屯留区医疗保险管理服务中心" in parsed("002").meta.units
    whole = [t for t in parsed("000").performance_tables if t.whole_unit]
    assert len(whole) == 1
    table = whole[0]
    assert table.project == "066004001-阳泉市医疗保险中心"
    assert table.texts["年度绩效目标"].startswith("提升城镇职工、城乡居民、离休干部的医疗保障水平")
    indicators = {(i.level2, i.level3): i.value for i in table.period_indicators}
    assert indicators[("质量指标", "保障群体覆盖率")] == "≥95%"
    assert indicators[("成本指标", "临时人员劳务费成本")] == "34.21万元"
    assert indicators[("服务对象满意度指标", "被保障人员对保障工作满意度")] == "≥95%"
