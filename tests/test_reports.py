"""The check report renderers (terminal, JSON, HTML, XLSX 检查表) on the real seed documents, and
the ``yusuan check`` command that writes them."""

from __future__ import annotations

import dataclasses
import html
import io
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from rich.cells import cell_len
from rich.console import Console

import yusuan
from tests.conftest import ROOT, parsed, seed_path
from yusuan.checks.findings import Finding, Location, Severity
from yusuan.checks.render import common
from yusuan.checks.render.html import to_html
from yusuan.checks.render.json import to_json
from yusuan.checks.render.text import print_report
from yusuan.checks.render.xlsx import sheet_titles, write_xlsx
from yusuan.checks.report import Report
from yusuan.model import Source
from yusuan.numerals import cn_numeral
from yusuan.readers.encoding import decode_text
from yusuan.templates.shanxi import PART3_SECTIONS, TABLE_NAMES

NARR_LINE = 421  # seed 000: 第三部分 五 names “一般公共预算支出0.58万元” as a class of expenditure


@cache
def report(seed_id: str) -> Report:
    return yusuan.check(parsed(seed_id))


def seed_line(seed_id: str, number: int) -> str:
    path = seed_path(seed_id)
    text, _ = decode_text(path.read_bytes(), str(path))
    return text.replace("\r\n", "\n").split("\n")[number - 1]


def class_name_error(r: Report) -> Finding:
    found = [f for f in r.findings if f.rule == "NARR-CLASSES"]
    assert found, "seed 000 states 一般公共预算支出0.58万元 as a class: NARR-CLASSES expected"
    return found[0]


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# --- terminal ---------------------------------------------------------------------------------


def rendered_text(reports: list[Report], width: int = 120) -> str:
    console = Console(record=True, width=width, file=io.StringIO())
    print_report(reports, console)
    return console.export_text()


def test_text_report_groups_findings_by_severity_with_rounding_apart() -> None:
    r = report("000")
    out = rendered_text([r], width=200)
    assert r.unit_name in out and "2025年" in out and r.file in out
    c = r.counts()
    assert f"错误 {c['error']}" in out
    assert f"其中尾差 {len(r.rounding)}" in out
    error = class_name_error(r)
    assert error.severity == Severity.ERROR
    errors_at, rounding_at = out.index("错误（"), out.index("尾差（")
    assert errors_at < out.index("NARR-CLASSES") < rounding_at
    assert "000_0182f2b7f6a79aca.txt:421" in out
    assert "第三部分 五、一般公共预算支出情况说明" in out
    # 尾差 only in their own short group after the real findings, one line per comparison.
    assert r.rounding
    for finding in r.rounding:
        stem = finding.message.removesuffix("（尾差，舍入可以解释）")
        assert stem in out[rounding_at:] and stem not in out[:rounding_at]
    assert "（尾差，舍入可以解释）" not in out[rounding_at:]  # said once, by the group


def test_text_report_wraps_chinese_within_the_width_and_treats_text_as_text() -> None:
    r = dataclasses.replace(report("000"), unit_name="[bold red]测试[/bold red]单位")
    out = rendered_text([r], width=80)
    assert "[bold red]测试[/bold red]单位" in out
    assert max(cell_len(line) for line in out.splitlines()) <= 80


def test_text_report_of_several_documents_ends_with_an_overview() -> None:
    out = rendered_text([report("000"), report("001")])
    overview = out[out.rindex("汇总") :]
    assert "阳泉市医疗保险管理服务中心" in overview and "汾阳市医疗保障局" in overview


# --- JSON -------------------------------------------------------------------------------------

DOCUMENT_KEYS = {
    "file",
    "unit_name",
    "year",
    "scope",
    "checked_at",
    "counts",
    "rules_run",
    "reading_issues",
    "findings",
}
FINDING_KEYS = {
    "rule",
    "family",
    "severity",
    "title",
    "message",
    "expected",
    "actual",
    "difference",
    "rounding",
    "locations",
}
LOCATION_KEYS = {"label", "text", "file", "line", "page", "table", "row", "column"}
ISSUE_KEYS = {"level", "message", "file", "line", "page"}


def test_json_matches_the_documented_structure_and_counts() -> None:
    reports = [report(s) for s in ("000", "001", "002", "003")]
    text = to_json(reports)
    assert "阳泉市医疗保险管理服务中心" in text  # ensure_ascii=False
    data = json.loads(text)
    assert set(data) == {"schema_version", "generator", "documents"}
    assert data["schema_version"] == "1.0"
    assert data["generator"] == f"yusuan {yusuan.__version__}"
    assert len(data["documents"]) == 4
    for doc, r in zip(data["documents"], reports, strict=True):
        assert set(doc) == DOCUMENT_KEYS
        assert (doc["file"], doc["unit_name"], doc["year"], doc["scope"]) == (
            r.file,
            r.unit_name,
            r.year,
            r.scope,
        )
        severities = [f["severity"] for f in doc["findings"]]
        assert doc["counts"] == {
            "error": severities.count("error"),
            "warning": severities.count("warning"),
            "info": severities.count("info"),
            "rounding": sum(f["rounding"] for f in doc["findings"]),
            "total": len(doc["findings"]),
        }
        assert len(doc["findings"]) == len(r.findings)
        assert doc["rules_run"] == r.rules_run
        for issue in doc["reading_issues"]:
            assert set(issue) == ISSUE_KEYS
        for finding in doc["findings"]:
            assert set(finding) == FINDING_KEYS
            assert finding["severity"] in {"error", "warning", "info"}
            assert isinstance(finding["rounding"], bool)
            for key in ("expected", "actual", "difference"):
                assert finding[key] is None or isinstance(finding[key], str)
            for location in finding["locations"]:
                assert set(location) == LOCATION_KEYS
                assert location["line"] is None or isinstance(location["line"], int)
    seed_003 = data["documents"][3]
    assert [i["line"] for i in seed_003["reading_issues"]] == [807, 907]


def test_json_amounts_are_exact_strings() -> None:
    doc = json.loads(to_json([report("000")]))["documents"][0]
    narr = next(f for f in doc["findings"] if f["rule"] == "NARR-CLASSES")
    assert narr["expected"] == "一般公共服务支出" and narr["actual"] == "一般公共预算支出"
    assert narr["locations"][0]["line"] == NARR_LINE
    assert narr["locations"][0]["label"] == "第三部分 五、一般公共预算支出情况说明"
    econ = next(f for f in doc["findings"] if f["rule"] == "ARITH-ECON" and f["rounding"])
    assert (econ["expected"], econ["actual"], econ["difference"]) == ("300.80", "300.79", "-0.01")
    first = econ["locations"][0]
    assert (first["table"], first["row"], first["text"], first["line"]) == (
        6,
        "工资福利支出",
        "300.79",
        263,
    )


def test_every_json_field_is_documented() -> None:
    doc = (ROOT / "docs" / "report-schema.md").read_text(encoding="utf-8")
    fields = {"schema_version", "generator", "documents"} | DOCUMENT_KEYS | FINDING_KEYS
    fields |= LOCATION_KEYS | ISSUE_KEYS | {"error", "warning", "info", "rounding", "total"}
    for name in fields:
        assert f"| `{name}` |" in doc, name


# --- HTML -------------------------------------------------------------------------------------


def articles(page: str, rule: str) -> list[str]:
    return [a for a in page.split("<article")[1:] if f">{rule}<" in a.split("</article>")[0]]


def test_html_is_one_standalone_page() -> None:
    page = to_html([report("000"), report("002")])
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page and '<html lang="zh-CN">' in page
    assert "Microsoft YaHei" in page and "Noto Sans CJK SC" in page
    lowered = page.lower()
    for external in ("<script", "<link", "src=", "http://", "https://", "@import", "url("):
        assert external not in lowered
    assert page.count('class="card document"') == 2


def test_html_shows_the_cited_source_line_beside_the_finding() -> None:
    page = to_html([report("000")])
    (card,) = articles(page, "NARR-CLASSES")
    card = card.split("</article>")[0]
    text = plain(card)
    cited = seed_line("000", NARR_LINE).strip()
    assert cited and cited in text
    assert "<mark>一般公共预算支出</mark>" in card
    # Highlighted, numbered, with two lines of context either side.
    assert f'<tr class="hit"><td class="n">{NARR_LINE}</td>' in card
    for number in range(NARR_LINE - 2, NARR_LINE + 3):
        assert f'<td class="n">{number}</td>' in card
    assert f'<td class="n">{NARR_LINE + 3}</td>' not in card
    assert seed_line("000", NARR_LINE - 2).strip() in text


def test_html_groups_by_severity_and_folds_rounding() -> None:
    r = report("000")
    page = to_html([r])
    details = page.index('<details class="rounding">')
    assert page.index(">NARR-CLASSES<") < details
    for finding in r.rounding:
        assert page.index(f">{finding.rule}<", details) > details
    assert f"尾差 {len(r.rounding)} 处" in page
    summary = page[page.index('id="summary"') : page.index("</section>")]
    assert r.unit_name in summary


def test_html_escapes_document_text() -> None:
    r = dataclasses.replace(report("000"), unit_name="<script>alert(1)</script>")
    page = to_html([r])
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_html_reads_sources_in_any_encoding_and_survives_a_missing_file(tmp_path: Path) -> None:
    original = seed_path("000")
    text, _ = decode_text(original.read_bytes(), str(original))
    copy = tmp_path / "gbk.txt"
    copy.write_bytes(text.encode("gb18030"))
    r = yusuan.check(yusuan.read(copy))
    card = articles(to_html([r]), "NARR-CLASSES")[0].split("</article>")[0]
    assert seed_line("000", NARR_LINE).strip() in plain(card)
    copy.unlink()
    card = articles(to_html([r]), "NARR-CLASSES")[0].split("</article>")[0]
    assert "原文件无法读取" in card


# --- XLSX 检查表 -----------------------------------------------------------------------------

CHECKLIST_HEADER = [
    "序号",
    "部分",
    "检查项目",
    "是否公开（是/否）",
    "是否符合要求（是/否）",
    "问题描述",
    "问题数",
]


def checklist_rows(sheet: Worksheet) -> list[dict[str, object]]:
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if list(row[:7]) == CHECKLIST_HEADER)
    items = []
    for row in rows[start + 1 :]:
        if not isinstance(row[0], int):
            break
        items.append(dict(zip(CHECKLIST_HEADER, row[:7], strict=True)))
    return items


def test_xlsx_checklist_lists_every_template_item(tmp_path: Path) -> None:
    reports = [report("000"), report("001")]
    path = tmp_path / "out" / "检查表.xlsx"
    write_xlsx(reports, path)
    assert [p.name for p in path.parent.iterdir()] == ["检查表.xlsx"]  # no temp file left
    book = load_workbook(path)
    assert book.sheetnames == ["汇总", "阳泉市医疗保险管理服务中心", "汾阳市医疗保障局"]

    summary = list(book["汇总"].iter_rows(values_only=True))
    header = next(row for row in summary if row[0] == "序号")
    for r in reports:
        row = dict(zip(header, next(x for x in summary if x[1] == r.unit_name), strict=True))
        assert (row["年度"], row["错误"], row["警告"]) == (r.year, len(r.errors), len(r.warnings))
        assert row["其中尾差"] == len(r.rounding)

    items = checklist_rows(book["阳泉市医疗保险管理服务中心"])
    assert len(items) >= 2 + 13 + 12 + 1 + 1
    names = [str(item["检查项目"]) for item in items]
    assert names[:2] == ["一、职责", "二、机构设置"]
    for number, name in TABLE_NAMES.items():
        assert f"表{number} {name}" in names
    for number, title in PART3_SECTIONS.items():
        assert f"{cn_numeral(number)}、{title}" in names
    assert "项目支出绩效目标表" in names and "名词解释" in names
    assert book["阳泉市医疗保险管理服务中心"].freeze_panes == "A3"

    section_5 = next(i for i in items if i["检查项目"] == "五、一般公共预算支出情况说明")
    assert section_5["是否公开（是/否）"] == "是"
    assert section_5["是否符合要求（是/否）"] == "否"
    assert "一般公共预算支出0.58万元" in str(section_5["问题描述"])
    assert "一般公共服务支出" in str(section_5["问题描述"])
    assert isinstance(section_5["问题数"], int) and section_5["问题数"] >= 1

    for item in items:
        if not item["问题描述"]:
            assert (item["是否符合要求（是/否）"], item["问题数"]) == ("是", 0), item
    assert any(not item["问题描述"] for item in items)


def test_xlsx_rounding_is_listed_but_not_a_defect(tmp_path: Path) -> None:
    path = tmp_path / "检查表.xlsx"
    write_xlsx([report("001")], path)
    items = checklist_rows(load_workbook(path)["汾阳市医疗保障局"])
    rounding_only = [
        i
        for i in items
        if i["问题描述"] and all(line.startswith("尾差") for line in str(i["问题描述"]).split("\n"))
    ]
    assert rounding_only, "seed 001 has tables whose only findings are 尾差"
    for item in rounding_only:
        assert (item["是否符合要求（是/否）"], item["问题数"]) == ("是", 0)


def test_xlsx_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    def fail(self: Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", fail)
    with pytest.raises(OSError):
        write_xlsx([report("000")], tmp_path / "检查表.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_sheet_titles_are_short_unique_and_valid() -> None:
    r = report("000")
    long_name = dataclasses.replace(
        r, unit_name="山西省某某市某某县医疗保障局[测试]/下属单位：医疗保险管理服务中心（本级）"
    )
    titles = sheet_titles([r, r, dataclasses.replace(r, year=2024), long_name, long_name])
    assert len(set(titles)) == len(titles)
    for title in titles:
        assert 0 < len(title) <= 31 and title != "汇总"
        assert not set(title) & set("[]:*?/\\")


# --- mapping findings to 检查表 items -------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "label", "table", "key"),
    [
        ("arithmetic", "表6 工资福利支出 / 合计", 6, "table:basic_by_economic"),
        ("completeness", "表5“一般公共预算支出预算表”", None, "table:general_expenditure"),
        ("narrative", "第三部分 十一、国有资产占有使用情况", None, "section:11"),
        ("narrative", "第三部分 一、收支数据变动情况及原因", None, "section:1"),
        ("performance", "附件 绩效目标表“办公经费”", None, "performance"),
        ("completeness", "附件 项目支出绩效目标表", None, "performance"),
        ("completeness", "第四部分 名词解释", None, "glossary"),
        ("narrative", "附件“2025-2027三年规划收支情况”", None, "other"),
    ],
)
def test_findings_map_to_checklist_items(
    family: str, label: str, table: int | None, key: str
) -> None:
    finding = Finding(
        "R", family, Severity.ERROR, "t", "m", locations=[Location(None, label, "", table)]
    )
    assert common.item_key(finding) == key


def test_missing_part_is_not_disclosed_and_not_compliant() -> None:
    d = dataclasses.replace(parsed("000"), glossary=[], tables={})
    r = dataclasses.replace(report("000"), findings=[], disclosure=d)
    items = {item.key: item for item in common.checklist(r)}
    assert items["glossary"].disclosed is False and not items["glossary"].compliant
    assert items["glossary"].problem_count == 1
    assert items["duties"].disclosed is True and items["duties"].compliant
    finding = Finding(
        "COMP-PARTS",
        "completeness",
        Severity.ERROR,
        "缺少",
        "缺少第四部分“名词解释”",
        locations=[Location(Source("x.txt"), "第四部分 名词解释")],
    )
    r = dataclasses.replace(r, findings=[finding])
    glossary = next(i for i in common.checklist(r) if i.key == "glossary")
    assert glossary.problem_count == 1
    assert glossary.description_lines() == ["错误：缺少第四部分“名词解释”"]


# --- the command ------------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "yusuan.cli", "check", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def test_cli_html_report_and_exit_codes(tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    result = run(str(seed_path("000")), "--format", "html", "-o", str(out))
    assert result.returncode == 3, result.stderr
    assert "报告已写入" in result.stderr
    page = out.read_text(encoding="utf-8")
    assert "阳泉市医疗保险管理服务中心" in page and ">NARR-CLASSES<" in page
    result = run(str(seed_path("000")), "--format", "html", "-o", str(out), "--fail-on", "never")
    assert result.returncode == 0, result.stderr


def test_cli_xlsx_needs_an_output_file(tmp_path: Path) -> None:
    result = run(str(seed_path("000")), "--format", "xlsx")
    assert result.returncode == 1
    assert "xlsx 格式需要用 -o 指定输出文件" in result.stderr
    out = tmp_path / "检查表.xlsx"
    result = run(str(seed_path("000")), str(seed_path("001")), "--format", "xlsx", "-o", str(out))
    assert result.returncode == 3, result.stderr
    assert load_workbook(out).sheetnames[0] == "汇总"


def test_cli_json_and_text_to_stdout() -> None:
    result = run(str(seed_path("001")), "--format", "json", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["documents"][0]["unit_name"] == "汾阳市医疗保障局"
    result = run(str(seed_path("000")))
    assert result.returncode == 3
    assert "错误" in result.stdout and "NARR-CLASSES" in result.stdout
