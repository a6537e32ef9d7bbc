"""Reviewing: the queue by status, a document's status and note, findings accepted or
dismissed with a reason, deletion; and the audit log of all of it."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import SHARED, seed_path
from tests.webutil import Browser, add_user, context, ingest_seed, make_app, unit_id
from yusuan.store import schema as s
from yusuan.store.accounts import (
    AuditEntry,
    DocumentSource,
    FindingComment,
    FindingReview,
    Review,
)
from yusuan.web.exports import FINDING_HEADERS
from yusuan.web.principal import SYSTEM
from yusuan.web.uploads import receive


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    application = make_app(db_url, tmp_path)
    yield application
    context(application).store.close()


def _audit(app: FastAPI) -> list[tuple[str, str, dict[str, object]]]:
    with context(app).store.reader() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.username, json.loads(e.detail)) for e in rows]


def test_review_queue_and_decisions(app: FastAPI) -> None:
    first = ingest_seed(app, "001").disclosure_id  # 汾阳市医疗保障局
    second = ingest_seed(app, "003").disclosure_id  # 汾阳市医疗保险服务中心
    add_user(app, "rev", "reviewer")
    add_user(app, "fy", "unit", [unit_id(app, "汾阳市医疗保障局")])
    reviewer = Browser(app)
    reviewer.login("rev")

    queue = reviewer.get("/queue").text
    assert (
        "待审（2）" in queue and "汾阳市医疗保障局" in queue and "汾阳市医疗保险服务中心" in queue
    )
    # returning needs a note saying what to change
    refused = reviewer.post_form(f"/documents/{first}/review", {"status": "returned"})
    assert refused.status_code == 400 and "请填写审核意见" in refused.text
    saved = reviewer.post_form(
        f"/documents/{first}/review", {"status": "returned", "note": "表5与表2不一致，请修改后重报"}
    )
    assert saved.status_code == 303 and "msg=review_saved" in saved.headers["location"]
    reviewer.api("PUT", f"/api/documents/{second}/review", json={"status": "reviewed"})
    assert "待审（0）" in reviewer.get("/queue").text
    returned = reviewer.get("/queue", params={"status": "returned"}).text
    assert "表5与表2不一致，请修改后重报" in returned and "汾阳市医疗保险服务中心" not in returned
    assert [d["id"] for d in reviewer.get("/api/queue?status=reviewed").json()] == [second]
    assert reviewer.get("/api/queue?status=bogus").status_code == 422

    # findings: accept, dismiss (a reason is required), clear
    findings = reviewer.get(f"/api/documents/{first}/findings").json()
    one, two = findings[0]["id"], findings[1]["id"]
    no_reason = reviewer.post_form(
        f"/documents/{first}/findings/{one}/decision", {"decision": "dismissed"}
    )
    assert no_reason.status_code == 400 and "请填写理由" in no_reason.text
    ok = reviewer.post_form(
        f"/documents/{first}/findings/{one}/decision",
        {"decision": "dismissed", "reason": "主管部门代码以财政为准"},
    )
    assert ok.status_code == 303
    reviewer.api(
        "PUT", f"/api/documents/{first}/findings/{two}/review", json={"decision": "accepted"}
    )
    state = {
        f["id"]: (f["decision"], f["reason"])
        for f in reviewer.get(f"/api/documents/{first}/findings").json()
    }
    assert state[one] == ("dismissed", "主管部门代码以财政为准") and state[two] == ("accepted", "")
    page = reviewer.get(f"/documents/{first}").text
    assert "驳回" in page and "主管部门代码以财政为准" in page
    assert (
        reviewer.api("DELETE", f"/api/documents/{first}/findings/{two}/review").status_code == 204
    )
    with context(app).store.reader() as session:
        assert session.scalar(select(func.count()).select_from(FindingReview)) == 1
    # a finding of another document is not found through this one
    other = reviewer.get(f"/api/documents/{second}/findings").json()[0]["id"]
    wrong = reviewer.api(
        "PUT", f"/api/documents/{first}/findings/{other}/review", json={"decision": "accepted"}
    )
    assert wrong.status_code == 404

    # the unit sees the verdict and the note, read-only
    unit = Browser(app)
    unit.login("fy")
    mine = unit.get(f"/documents/{first}").text
    assert "退回" in mine and "表5与表2不一致，请修改后重报" in mine and "保存审核结果" not in mine
    assert unit.get("/api/documents").json()[0]["status"] == "returned"

    actions = [(action, user) for action, user, _ in _audit(app)]
    assert ("review", "rev") in actions and ("finding_review", "rev") in actions
    reviews = [d for a, _, d in _audit(app) if a == "review"]
    assert reviews[0] == {
        "status": "returned",
        "previous": "pending",
        "note": "表5与表2不一致，请修改后重报",
    }


def test_deletion_and_audit_log(app: FastAPI) -> None:
    add_user(app, "admin", "admin")
    add_user(app, "fy", "unit", [unit_id(app, "汾阳市医疗保障局")])
    admin = Browser(app, client_ip="192.0.2.10")
    assert admin.login("admin", "wrong-password").status_code == 401
    admin.login("admin")
    data = seed_path("001").read_bytes()
    sent = admin.upload([("files", ("汾阳.txt", data, "text/plain"))])
    doc = sent[0]["disclosure_id"]
    stored = list(context(app).settings.uploads_dir.rglob("*.txt"))
    assert len(stored) == 1

    # a unit user cannot delete, not even their own unit's document
    unit = Browser(app)
    unit.login("fy")
    assert unit.post_form(f"/documents/{doc}/delete").status_code == 403
    admin.post_form(f"/documents/{doc}/review", {"status": "reviewed"})
    deleted = admin.post_form(f"/documents/{doc}/delete")
    assert deleted.status_code == 303 and deleted.headers["location"] == "/documents?msg=deleted"
    assert admin.get(f"/documents/{doc}").status_code == 404
    with context(app).store.reader() as session:
        for table in (s.Disclosure, s.Finding, s.TableCell, s.SourceFile, Review):
            assert session.scalar(select(func.count()).select_from(table)) == 0, table
    assert not stored[0].exists()
    # the same file can be uploaded again afterwards
    again = admin.upload([("files", ("again.txt", data, "text/plain"))])
    assert again[0]["status"] == "stored"

    log = _audit(app)
    actions = [a for a, _, _ in log]
    for expected in ("user_create", "login_failed", "login", "upload", "review", "delete"):
        assert expected in actions, expected
    delete = next(d for a, _, d in log if a == "delete")
    assert delete["unit"] == "汾阳市医疗保障局" and delete["year"] == 2024
    upload = next(d for a, _, d in log if a == "upload")
    assert upload["file"] == "汾阳.txt" and upload["status"] == "stored"
    with context(app).store.reader() as session:
        failed = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "login_failed")
        ).one()
        assert (failed.username, failed.ip, failed.user_id) == ("admin", "192.0.2.10", None)
    # the audit log is shown to admins, by page and by API
    page = admin.get("/admin/audit").text
    assert "删除" in page and "登录失败" in page and "192.0.2.10" in page
    only_deletes = admin.get("/api/audit", params={"action": "delete"}).json()
    assert [e["action"] for e in only_deletes] == ["delete"]
    assert only_deletes[0]["target_id"] == str(doc)


# --- a reviewer's decisions on a real document -------------------------------------------------

FINAL = SHARED / "real-docs" / "shanghai-final" / "shpt_czj_2024_dept_final_good.pdf"


def _upload_final(app: FastAPI) -> int:
    result = receive(context(app), SYSTEM, FINAL.name, FINAL.read_bytes())
    assert result.ok and result.disclosure_id is not None, result.message
    return result.disclosure_id


def _list_row(page: str, disclosure_id: int) -> str:
    start = page.index(f'<a href="/documents/{disclosure_id}">')
    return page[start : page.index("</tr>", start)]


def test_dismissing_an_error_lowers_every_count_and_fills_the_checklist(app: FastAPI) -> None:
    doc = _upload_final(app)
    add_user(app, "rev", "reviewer")
    reviewer = Browser(app)
    reviewer.login("rev")
    assert reviewer.get("/api/documents").json()[0]["errors"] == 2
    errors = [f for f in reviewer.get(f"/api/documents/{doc}/findings").json()
              if f["severity"] == "error"]  # fmt: skip
    assert len(errors) == 2
    dismissed, accepted = errors[0]["id"], errors[1]["id"]
    note = "该数系四舍五入后的合计，不作为问题"
    reviewer.post_form(f"/documents/{doc}/findings/{dismissed}/decision",
                       {"decision": "dismissed", "reason": note})  # fmt: skip
    reviewer.post_form(f"/documents/{doc}/findings/{accepted}/decision",
                       {"decision": "accepted", "reason": "请单位更正"})  # fmt: skip

    assert reviewer.get("/api/documents").json()[0]["errors"] == 1
    assert reviewer.get(f"/api/documents/{doc}").json()["counts"]["error"] == 1
    row = _list_row(reviewer.get("/documents").text, doc)
    assert '<td class="num sev-error">1</td>' in row
    assert "错误 1</span>" in reviewer.get(f"/documents/{doc}").text
    ranking = reviewer.get("/units/export", params={"metric": "findings", "year": "2024"})
    assert ranking.status_code == 200 and ",1," in ranking.text

    book = load_workbook(io.BytesIO(reviewer.get(f"/documents/{doc}/checklist.xlsx").content))
    summary, sheet = book.worksheets[0], book.worksheets[1]
    assert summary.cell(row=3, column=6).value == 1  # 错误
    assert (summary.cell(row=2, column=13).value, summary.cell(row=2, column=14).value) == (
        "审核意见", "审核人")  # fmt: skip
    assert (sheet.cell(row=2, column=8).value, sheet.cell(row=2, column=9).value) == (
        "审核意见", "审核人")  # fmt: skip
    opinions = [str(sheet.cell(row=r, column=8).value or "") for r in range(3, sheet.max_row + 1)]
    assert any(o.startswith("驳回：") and f"（{note}）" in o for o in opinions), opinions
    assert any("确认：" in o and "（请单位更正）" in o for o in opinions), opinions
    reviewers = {sheet.cell(row=r, column=9).value for r in range(3, sheet.max_row + 1)}
    assert "rev" in reviewers

    # clearing the decision counts the finding again
    reviewer.post_form(f"/documents/{doc}/findings/{dismissed}/decision", {"decision": "clear"})
    assert reviewer.get("/api/documents").json()[0]["errors"] == 2


def test_a_comment_on_a_finding_is_shown_and_in_the_audit_log_in_chinese(app: FastAPI) -> None:
    doc = _upload_final(app)
    add_user(app, "rev", "reviewer")
    add_user(app, "admin", "admin")
    reviewer = Browser(app)
    reviewer.login("rev")
    finding = reviewer.get(f"/api/documents/{doc}/findings").json()[0]["id"]
    url = f"/documents/{doc}/findings/{finding}/comments"
    empty = reviewer.post_form(url, {"text": "  "})
    assert empty.status_code == 400 and "请填写评论内容" in empty.text
    said = reviewer.post_form(url, {"text": "请核对情况说明第四部分的<合计>"})
    assert said.status_code == 303 and "msg=comment_saved" in said.headers["location"]
    reviewer.post_form(f"/documents/{doc}/findings/{finding}/decision",
                       {"decision": "dismissed", "reason": "尾数差异"})  # fmt: skip
    page = reviewer.get(f"/documents/{doc}").text
    item = page[page.index(f'id="finding-{finding}"') :]
    item = item[: item.index('class="decide"')]
    assert "请核对情况说明第四部分的&lt;合计&gt;" in item and "<b>rev</b>" in item
    with context(app).store.reader() as session:
        stored = session.scalars(select(FindingComment)).one()
        assert (stored.finding_id, stored.author, stored.text) == (
            finding, "rev", "请核对情况说明第四部分的<合计>")  # fmt: skip

    # a finding that is not in the document is not found
    assert reviewer.post_form(f"/documents/{doc}/findings/999999/comments",
                              {"text": "x"}).status_code == 404  # fmt: skip
    assert ("finding_comment", "rev") in [(a, u) for a, u, _ in _audit(app)]
    # the API: the same comments, and one more
    api = f"/api/documents/{doc}/findings/{finding}/comments"
    more = reviewer.api("POST", api, json={"text": "已电话通知单位"})
    assert more.status_code == 201 and more.json()["author"] == "rev"
    assert [c["text"] for c in reviewer.get(api).json()] == [
        "请核对情况说明第四部分的<合计>", "已电话通知单位"]  # fmt: skip

    admin = Browser(app)
    admin.login("admin")
    log = admin.get("/admin/audit").text
    assert "评论问题" in log and "评论：请核对情况说明第四部分的&lt;合计&gt;" in log
    assert "审核问题" in log and "处理结果：驳回" in log and "理由：尾数差异" in log
    assert f"问题 {finding}" in log and "上传" in log and "状态：已入库" in log
    for raw in ("finding_comment", "finding_review", "decision：", "comment：", "dismissed"):
        assert raw not in log.split("<table", 1)[1], raw


def test_the_findings_export_has_chinese_headers_and_the_decisions(app: FastAPI) -> None:
    doc = _upload_final(app)
    add_user(app, "rev", "reviewer")
    reviewer = Browser(app)
    reviewer.login("rev")
    errors = [f for f in reviewer.get(f"/api/documents/{doc}/findings").json()
              if f["severity"] == "error"]  # fmt: skip
    reviewer.post_form(f"/documents/{doc}/findings/{errors[0]['id']}/decision",
                       {"decision": "dismissed", "reason": "尾数差异"})  # fmt: skip
    sent = reviewer.get("/units/store-export", params={"what": "findings", "format": "csv"})
    assert sent.status_code == 200 and "attachment" in sent.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(sent.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == FINDING_HEADERS and rows[0][:3] == ["文件编号", "单位名称", "年度"]
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert len(body) == len(reviewer.get(f"/api/documents/{doc}/findings").json())
    dismissed = [r for r in body if r["审核结果"] == "驳回"]
    assert len(dismissed) == 1 and dismissed[0]["审核理由"] == "尾数差异"
    assert dismissed[0]["严重程度"] == "错误" and dismissed[0]["审核人"] == "rev"
    assert {r["严重程度"] for r in body} <= {"错误", "警告", "提示"}
    assert all(r["尾差"] in ("是", "否") for r in body)
    assert any("第" in r["位置"] and "页" in r["位置"] for r in body)

    book = reviewer.get("/units/store-export",
                        params={"what": "findings", "format": "xlsx", "year": "2024"})  # fmt: skip
    sheet = load_workbook(io.BytesIO(book.content)).worksheets[0]
    assert sheet.title == "检查问题"
    assert tuple(c.value for c in sheet[1]) == FINDING_HEADERS and sheet.max_row == len(body) + 1


# --- the document list: search, sorting, pages ------------------------------------------------


def _many(app: FastAPI, count: int) -> None:
    """``count`` stored documents (rows only): 局 i of year 2020 + i % 5, i % 7 errors."""
    with context(app).store.session() as session:
        for i in range(count):
            unit = s.Unit(name=f"测试局{i:03d}", normalized_name=f"测试局{i:03d}", profile="shanxi")
            source = s.SourceFile(sha256=f"{i:064d}", path=f"/x/{i}.pdf", size=1, status="ok")
            session.add_all([unit, source])
            session.flush()
            d = s.Disclosure(
                unit_id=unit.id, year=2020 + i % 5, scope="部门", profile="shanxi",
                unit_name=unit.name, amount_unit="万元", extraction="pdf",
                source_file_id=source.id, errors=i % 7, warnings=0, infos=0,
                ingested_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=i),
            )  # fmt: skip
            session.add(d)
            session.flush()
            name = f"{'预算' if i % 2 else '决算'}_{i:03d}.pdf"
            session.add(DocumentSource(disclosure_id=d.id, original_name=name, lines_json_gz=b""))


def _names(page: str) -> list[str]:
    return re.findall(r'<a href="/documents/\d+">(测试局\d{3})</a>', page)


def test_the_list_searches_sorts_and_pages_in_the_database(app: FastAPI) -> None:
    _many(app, 120)
    add_user(app, "rev", "reviewer")
    reviewer = Browser(app)
    reviewer.login("rev")

    first = reviewer.get("/documents").text
    assert "共 120 个文件，第 1/3 页（每页 50 个）" in first
    assert _names(first) == [f"测试局{i:03d}" for i in range(50)]
    assert 'href="/documents?page=2" rel="next"' in first and 'rel="prev"' not in first
    last = reviewer.get("/documents", params={"page": 3}).text
    assert _names(last) == [f"测试局{i:03d}" for i in range(100, 120)] and 'rel="next"' not in last
    assert _names(reviewer.get("/documents", params={"page": 99}).text) == _names(last)

    # sorting by errors: the most first when first clicked, the link keeps the filters
    by_errors = reviewer.get("/documents", params={"sort": "errors", "year": 2024}).text
    names = _names(by_errors)  # year 2024: i = 4, 9, 14 … (24 documents)
    errors = [int(n[3:]) % 7 for n in names]
    assert len(names) == 24 and errors == sorted(errors, reverse=True)
    assert 'aria-sort="descending"' in by_errors
    assert 'href="/documents?year=2024&amp;sort=errors&amp;dir=asc"' in by_errors
    up = _names(reviewer.get("/documents", params={"sort": "errors", "dir": "asc"}).text)
    assert [int(n[3:]) % 7 for n in up] == [0] * 18 + [1] * 17 + [2] * 15
    newest = _names(reviewer.get("/documents", params={"sort": "uploaded"}).text)
    assert newest[:3] == ["测试局119", "测试局118", "测试局117"]
    by_year = _names(reviewer.get("/documents", params={"sort": "year", "dir": "asc"}).text)
    assert by_year[:3] == ["测试局000", "测试局005", "测试局010"]  # 2020, then by unit
    by_unit = reviewer.get("/documents", params={"sort": "unit", "dir": "desc", "page": 2}).text
    assert _names(by_unit)[0] == "测试局069" and "sort=unit&amp;dir=desc&amp;page=3" in by_unit

    # search by a part of the unit's name or of the file's name, with paging kept
    found = reviewer.get("/documents", params={"q": "局11"}).text
    assert _names(found) == [f"测试局{i}" for i in range(110, 120)] and "共 10 个文件" in found
    assert 'value="局11"' in found
    files = reviewer.get("/documents", params={"q": "决算_", "sort": "unit"}).text
    assert "共 60 个文件，第 1/2 页" in files and _names(files)[:2] == ["测试局000", "测试局002"]
    assert "q=%E5%86%B3%E7%AE%97_&amp;sort=unit&amp;dir=asc&amp;page=2" in files
    literal = reviewer.get("/documents", params={"q": "%"}).text  # a wildcard is a character
    assert _names(literal) == [] and "没有符合条件的文件" in literal
    assert reviewer.get("/documents", params={"sort": "bogus"}).status_code == 400
    # the API lists the same way
    query = {"q": "局11", "sort": "errors", "descending": "true", "limit": 3}
    listed = reviewer.get("/api/documents", params=query).json()
    errors = [int(d["unit_name"][3:]) % 7 for d in listed]
    assert len(listed) == 3 and errors == sorted(errors, reverse=True) and errors[0] == 6
