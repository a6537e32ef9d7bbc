"""The document view: tables from the stored model, findings by severity, each finding naming
the cells and source lines it cites; downloads; all document text escaped."""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook

from tests.conftest import seed_path
from tests.webutil import Browser, add_user, context, ingest_seed, make_app

EVIL = '<script>alert("x")</script>局'


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    application = make_app(db_url, tmp_path)
    add_user(application, "rev", "reviewer")
    yield application
    context(application).store.close()


@pytest.fixture
def browser(app: FastAPI) -> Browser:
    client = Browser(app)
    client.login("rev")
    return client


def _elements(page: str) -> dict[str, str]:
    """Text of every element with an id in the page (cells and source lines)."""
    cells = dict(re.findall(r'<td id="([^"]+)"[^>]*>([^<]*)</td>', page))
    lines = re.findall(
        r'<li id="(L\d+)"><span class="ln">\d+</span><span class="tx">([^<]*)</span>', page
    )
    return {**cells, **dict(lines)}


def test_findings_point_at_cells_and_source_lines(app: FastAPI, browser: Browser) -> None:
    doc = ingest_seed(app, "000").disclosure_id  # 阳泉市医疗保险管理服务中心: 4 errors
    page = browser.get(f"/documents/{doc}").text
    elements = _elements(page)
    source = seed_path("000").read_text(encoding="utf-8-sig").splitlines()
    # the source text is shown line by line, numbered as in the file
    assert html.unescape(elements["L1"]).strip() == source[0].strip()
    # groups in order of severity
    order = [page.index(f"group-{key}") for key in ("error", "warning", "info")]
    assert order == sorted(order)
    findings = browser.get(f"/api/documents/{doc}/findings").json()
    assert [f["severity"] for f in findings if not f["rounding"]][:4] == ["error"] * 4
    cited = [f for f in findings if f["cells"]]
    assert cited, "some findings cite table cells"
    for finding in findings:
        block = re.search(
            rf'id="finding-{finding["id"]}"\s+data-targets="([^"]*)" '
            rf'data-lines="([^"]*)"',
            page,
        )
        assert block is not None
        targets, lines = block.group(1).split(), block.group(2).split()
        assert targets == finding["cells"] and lines == [str(n) for n in finding["lines"]]
        for line in lines:  # every cited line is on the page
            assert f"L{line}" in elements
        for target in targets:  # every cited cell or row is on the page
            assert f'id="{target}"' in page
    # a cited cell shows the figure the finding quotes, and the cited line holds it
    checked = 0
    for finding in cited:
        for location in finding["locations"]:
            match = re.search(r":(\d+)", location["where"])
            if not location["text"] or match is None:
                continue
            texts = [elements.get(t, "") for t in finding["cells"]]
            if location["text"] in texts:
                assert location["text"] in html.unescape(elements[f"L{match.group(1)}"])
                checked += 1
    assert checked >= 3
    # the page's script does the highlighting; it is served, not inlined
    assert '<script src="/static/app.js"></script>' in page
    assert 'classList.add("hl")' in browser.get("/static/app.js").text


def test_tables_are_rendered_from_the_model(app: FastAPI, browser: Browser) -> None:
    doc = ingest_seed(app, "001").disclosure_id
    tables = browser.get(f"/api/documents/{doc}/tables").json()
    assert [t["number"] for t in tables] == list(range(1, 14))
    table3 = tables[2]
    total = table3["blocks"][0]["rows"][0]
    # table 3 合计 of seed 001: 1867.77 (total), 74.55 (basic), 1793.21 (project), in 万元
    assert [c["text"] for c in total["cells"]] == ["1867.77", "74.55", "1793.21"]
    assert table3["amount_unit"] == "万元"
    header = [h["text"] for row in table3["blocks"][0]["header"] for h in row]
    assert header[:2] == ["科目编码", "科目名称"] and "基本支出" in header
    page = browser.get(f"/documents/{doc}").text
    assert f'<td id="{total["cells"][0]["id"]}" class="num">1867.77</td>' in page
    # table 1 has an income and an expenditure side
    assert [b["label"] for b in tables[0]["blocks"]] == ["收入", "支出"]


def test_downloads(app: FastAPI, browser: Browser) -> None:
    doc = ingest_seed(app, "000").disclosure_id
    findings = browser.get(f"/api/documents/{doc}/findings").json()
    errors = [f for f in findings if f["severity"] == "error"]
    dismissed = errors[0]
    browser.api(
        "PUT",
        f"/api/documents/{doc}/findings/{dismissed['id']}/review",
        json={"decision": "dismissed", "reason": "单位已说明"},
    )

    report = browser.get(f"/documents/{doc}/report.html")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "attachment" in report.headers["content-disposition"]
    assert "阳泉市医疗保险管理服务中心" in report.text
    assert html.escape(dismissed["message"], quote=False) not in report.text
    with_all = browser.get(f"/documents/{doc}/report.html", params={"dismissed": "true"}).text
    assert html.escape(dismissed["message"], quote=False) in with_all

    workbook = load_workbook(io.BytesIO(browser.get(f"/documents/{doc}/checklist.xlsx").content))
    assert workbook.sheetnames[0] == "汇总"
    summary = workbook["汇总"]
    assert summary.cell(row=3, column=2).value == "阳泉市医疗保险管理服务中心"
    sheet = workbook.worksheets[1]
    described = [str(sheet.cell(row=r, column=6).value or "") for r in range(3, sheet.max_row + 1)]
    assert not any(dismissed["message"] in text for text in described)
    assert any(errors[1]["message"] in text for text in described)
    # the dismissal is in the 审核意见 column, with its reason
    opinions = [str(sheet.cell(row=r, column=8).value or "") for r in range(3, sheet.max_row + 1)]
    assert f"驳回：{dismissed['message']}（单位已说明）" in opinions

    data = json.loads(browser.get(f"/documents/{doc}/report.json").content)
    document = data["documents"][0]
    assert document["unit_name"] == "阳泉市医疗保险管理服务中心"
    assert len(document["findings"]) == len(findings)
    decided = {f["id"]: f["review"] for f in document["findings"]}
    assert decided[dismissed["id"]] == {"decision": "dismissed", "reason": "单位已说明"}
    api = browser.get(f"/api/documents/{doc}/report", params={"format": "json"}).json()
    assert api["documents"][0]["findings"] == document["findings"]


def test_document_text_is_escaped_everywhere(
    app: FastAPI, browser: Browser, tmp_path: Path
) -> None:
    text = seed_path("001").read_text(encoding="utf-8-sig").replace("汾阳市医疗保障局", EVIL)
    result = browser.upload(
        [("files", ("<img src=x onerror=alert(1)>.txt", text.encode(), "text/plain"))]
    )[0]
    assert result["status"] == "stored" and result["unit_name"] == EVIL  # JSON keeps the name
    doc = result["disclosure_id"]
    for url in ("/documents", "/queue", f"/documents/{doc}", f"/documents/{doc}/report.html"):
        page = browser.get(url).text
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
        assert "&lt;script&gt;alert(" in page, url
    uploads = browser.get("/upload").text
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in uploads and "<img src=x" not in uploads
    # the policy forbids inline script, should anything ever slip through
    csp = browser.get(f"/documents/{doc}").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
