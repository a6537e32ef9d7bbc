"""Return to the unit and the next version: a reviewer returns a document with a note, the
unit's users see it 退回 with the findings to fix (and download them); the unit's re-upload is
stored as version 2, and its changes page lists the previous version's findings 已解决 or 仍存在
(with the reviewer's decision) and the new ones."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import seed_path
from tests.webutil import PASSWORD, Browser, add_user, context, ingest_seed, make_app, unit_id
from yusuan.store.accounts import AuditEntry
from yusuan.web.exports import FINDING_HEADERS
from yusuan.web.principal import SYSTEM
from yusuan.web.uploads import receive

# seed 001 (汾阳市医疗保障局): its performance table of 2024年中央财政医疗救助补助资金 prints
# "编织织建" (a TEXT-REPEATED warning); version 2 fixes it and adds "交办的的" to 职责 item 9
FIXED = ("编织织建", "编织建")
BROKEN = ("市政府交办的其他任务", "市政府交办的的其他任务")
RESOLVED = "绩效目标表“2024年中央财政医疗救助补助资金”项目设立必要性“织织”重复"
KEYS = {"error": "errors", "warning": "warnings", "info": "infos"}
NEW = "第一部分 职责“的的”重复：“…9、完成市委、市政府交办的的其他任务…”"


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    application = make_app(db_url, tmp_path)
    yield application
    context(application).store.close()


def second_version() -> bytes:
    text = seed_path("001").read_text("utf-8")
    for old, new in (FIXED, BROKEN):
        assert text.count(old) == 1
        text = text.replace(old, new)
    return text.encode("utf-8")


def test_return_then_next_version_with_its_changes(app: FastAPI) -> None:
    first = ingest_seed(app, "001").disclosure_id
    add_user(app, "rev", "reviewer")
    add_user(app, "fy", "unit", [unit_id(app, "汾阳市医疗保障局")])
    reviewer, unit = Browser(app), Browser(app)
    reviewer.login("rev")
    unit.login("fy")
    found = reviewer.get(f"/api/documents/{first}/findings").json()
    repeated = next(f for f in found if RESOLVED in f["message"])
    scope = next(f for f in found if f["rule"] == "TEXT-SCOPE")  # 我部门 in a 单位预算
    rounding = next(f for f in found if f["rule"] == "ARITH-ROW")
    reviewer.post_form(f"/documents/{first}/findings/{repeated['id']}/decision",
                       {"decision": "accepted", "reason": "请删去重复的字"})  # fmt: skip
    reviewer.post_form(f"/documents/{first}/findings/{scope['id']}/decision",
                       {"decision": "accepted", "reason": "应称我单位"})  # fmt: skip
    reviewer.post_form(f"/documents/{first}/findings/{rounding['id']}/decision",
                       {"decision": "dismissed", "reason": "尾差"})  # fmt: skip
    saved = reviewer.post_form(f"/documents/{first}/review",
                               {"status": "returned", "note": "请修改后重新上传"})  # fmt: skip
    assert saved.status_code == 303

    # the unit sees it returned, with the accepted findings, and downloads the list
    assert unit.get("/api/documents").json()[0]["status"] == "returned"
    page = unit.get(f"/documents/{first}").text
    assert "退回意见" in page and "请修改后重新上传" in page
    section = page[
        page.index('id="returned"') : page.index("</section>", page.index('id="returned"'))
    ]
    assert "需要修改的问题（2）" in section
    assert repeated["message"] in section and scope["message"] in section
    assert "请删去重复的字" in section and rounding["message"] not in section
    sent = unit.get(f"/documents/{first}/returned.xlsx")
    assert sent.status_code == 200 and "attachment" in sent.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(sent.content)).worksheets[0]
    assert tuple(c.value for c in sheet[1]) == FINDING_HEADERS
    listed = [dict(zip(FINDING_HEADERS, (c.value for c in row), strict=True))
              for row in sheet.iter_rows(min_row=2)]  # fmt: skip
    assert len(listed) == len(found) - 1 and all(r["审核结果"] != "驳回" for r in listed)
    assert {r["问题"] for r in listed if r["审核结果"] == "确认"} == {repeated["title"],
                                                                   scope["title"]}  # fmt: skip
    # a first version has nothing to compare with
    assert "与上一版本比较" not in page
    assert unit.get(f"/documents/{first}/changes").status_code == 404

    # the unit's corrected file is the next version
    second = receive(context(app), SYSTEM, "001_修改稿.txt", second_version()).disclosure_id
    assert second is not None and second != first
    doc = unit.get(f"/api/documents/{second}").json()["document"]
    assert doc["version"] == 2
    page = unit.get(f"/documents/{second}").text
    assert "第2版" in page and f'href="/documents/{second}/changes"' in page

    diff = unit.get(f"/api/documents/{second}/changes").json()
    assert (diff["version"], diff["previous_version"], diff["previous_id"]) == (2, 1, first)
    by = {k: [i for i in diff["items"] if i["status"] == k] for k in ("resolved", "open", "new")}
    assert [i["message"] for i in by["resolved"]] == [repeated["message"]]
    assert by["resolved"][0]["previous_decision"] == "accepted"
    assert [i["rule"] for i in by["new"]] == ["TEXT-REPEATED"]
    assert by["new"][0]["message"] == NEW
    assert diff["counts"] == {"resolved": 1, "open": len(found) - 1, "new": 1}
    still = {i["previous_id"]: i for i in by["open"]}
    assert set(still) == {f["id"] for f in found} - {repeated["id"]}
    assert still[scope["id"]]["previous_decision_label"] == "确认"
    assert still[rounding["id"]]["previous_decision"] == "dismissed"
    now = {f["id"] for f in unit.get(f"/api/documents/{second}/findings").json()}
    assert {i["finding_id"] for i in by["open"] + by["new"]} == now

    # the queue lists version 2 only: version 1, returned, was replaced by it
    assert [d["id"] for d in reviewer.get("/api/queue?status=returned").json()] == []
    assert [d["id"] for d in reviewer.get("/api/queue").json()] == [second]
    assert {d["id"] for d in reviewer.get("/api/documents").json()} == {first, second}
    queue = reviewer.get("/queue?status=all").text
    assert f'href="/documents/{second}/changes">第2版</a>' in queue
    assert f'href="/documents/{first}"' not in queue and "退回（0）" in queue

    html = unit.get(f"/documents/{second}/changes").text
    assert "已解决 1" in html and f"仍存在 {len(found) - 1}" in html and "新增 1" in html
    assert "应称我单位" in html and "交办的的" in html


def test_decisions_on_findings_still_open_carry_into_the_next_version(app: FastAPI) -> None:
    first = ingest_seed(app, "001").disclosure_id
    add_user(app, "rev", "reviewer")
    reviewer = Browser(app)
    reviewer.login("rev")
    found = reviewer.get(f"/api/documents/{first}/findings").json()
    rounding = next(f for f in found if f["rule"] == "ARITH-ROW")
    scope = next(f for f in found if f["rule"] == "TEXT-SCOPE")
    repeated = next(f for f in found if RESOLVED in f["message"])  # fixed in version 2
    for finding, decision, reason in ((rounding, "dismissed", "尾差"),
                                      (scope, "accepted", "应称我单位"),
                                      (repeated, "accepted", "请删去重复的字")):  # fmt: skip
        sent = reviewer.api("PUT", f"/api/documents/{first}/findings/{finding['id']}/review",
                            json={"decision": decision, "reason": reason})  # fmt: skip
        assert sent.status_code == 204, sent.text
    commented = reviewer.api("POST", f"/api/documents/{first}/findings/{rounding['id']}/comments",
                             json={"text": "合计与明细相差0.01万元，属四舍五入"})  # fmt: skip
    assert commented.status_code == 201
    # a comment on a finding nobody decided is carried too
    undecided = next(f for f in found if f["id"] not in {rounding["id"], scope["id"],
                                                          repeated["id"]})  # fmt: skip
    asked = reviewer.api("POST", f"/api/documents/{first}/findings/{undecided['id']}/comments",
                         json={"text": "请单位说明"})  # fmt: skip
    assert asked.status_code == 201

    second = receive(context(app), SYSTEM, "001_修改稿.txt", second_version())
    assert second.status == "stored" and second.disclosure_id is not None
    v2 = second.disclosure_id
    diff = reviewer.get(f"/api/documents/{v2}/changes").json()
    still = {i["previous_id"]: i["finding_id"] for i in diff["items"] if i["status"] == "open"}
    [new] = [i["finding_id"] for i in diff["items"] if i["status"] == "new"]
    now = {f["id"]: f for f in reviewer.get(f"/api/documents/{v2}/findings").json()}
    # the decisions on findings still open are version 2's own; the new finding is undecided
    assert (now[still[rounding["id"]]]["decision"], now[still[rounding["id"]]]["reason"]) == (
        "dismissed", "尾差",
    )  # fmt: skip
    assert (now[still[scope["id"]]]["decision"], now[still[scope["id"]]]["reason"]) == (
        "accepted", "应称我单位",
    )  # fmt: skip
    assert now[new]["decision"] is None
    decided = {fid for fid, f in now.items() if f["decision"] is not None}
    assert decided == {still[rounding["id"]], still[scope["id"]]}

    # the counts of version 2 leave the dismissed finding out, everywhere at once
    def counted(document: int) -> dict[str, int]:
        doc = reviewer.get(f"/api/documents/{document}").json()
        return {k: doc["document"][k] for k in KEYS.values()}

    severity = KEYS[now[still[rounding["id"]]]["severity"]]
    every = {key: sum(f["severity"] == sev for f in now.values()) for sev, key in KEYS.items()}
    expected_counts = {**every, severity: every[severity] - 1}
    assert counted(v2) == expected_counts
    assert (second.errors, second.warnings) == (expected_counts["errors"],
                                                expected_counts["warnings"])  # fmt: skip
    listed = next(d for d in reviewer.get("/api/documents").json() if d["id"] == v2)
    assert {k: listed[k] for k in KEYS.values()} == expected_counts
    book = load_workbook(io.BytesIO(reviewer.get(f"/documents/{v2}/checklist.xlsx").content))
    summary = book.worksheets[0]
    heads = [c.value for c in summary[2]]
    row = [c.value for c in summary[3]]
    labels = {"errors": "错误", "warnings": "警告", "infos": "提示"}
    assert {k: row[heads.index(label)] for k, label in labels.items()} == expected_counts
    sheet = book.worksheets[1]
    cells = "\n".join(str(c.value) for r in sheet.iter_rows(min_row=3) for c in r if c.value)
    assert f"驳回：{rounding['message']}（尾差）" in cells
    assert f"确认：{scope['message']}（应称我单位）" in cells

    # the audit log says so, in Chinese, pointing at the previous version's finding
    from yusuan.web.audit import describe

    with context(app).store.reader() as session:
        entries = list(session.scalars(
            select(AuditEntry).where(AuditEntry.action == "finding_review_carried")
            .order_by(AuditEntry.id)
        ))  # fmt: skip
    assert sorted(int(e.target_id) for e in entries) == sorted(decided)
    shown = {int(e.target_id): describe(e) for e in entries}
    carried = shown[still[rounding["id"]]]
    assert carried.action_label == "沿用上一版审核决定"
    details = dict(carried.details)
    assert details["处理结果"] == "驳回" and details["理由"] == "尾差"
    assert details["说明"] == "沿用第1版的审核决定"
    assert details["上一版问题"] == str(rounding["id"]) and details["上一版文件"] == str(first)
    assert details["上一版评论数"] == "1"
    # the comments go on under the finding of version 2, marked with the version they were on
    said = reviewer.get(f"/api/documents/{v2}/findings/{still[rounding['id']]}/comments").json()
    assert [(c["author"], c["text"]) for c in said] == [
        ("rev", "（第1版）合计与明细相差0.01万元，属四舍五入")
    ]
    asked_again = reviewer.get(
        f"/api/documents/{v2}/findings/{still[undecided['id']]}/comments"
    ).json()
    assert [c["text"] for c in asked_again] == ["（第1版）请单位说明"]
    assert now[still[undecided["id"]]]["decision"] is None
    with context(app).store.reader() as session:
        [copied] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "finding_comments_carried")
        ).all()
    assert int(copied.target_id) == still[undecided["id"]]
    assert describe(copied).action_label == "沿用上一版评论"
    add_user(app, "admin", "admin")
    admin = Browser(app)
    admin.login("admin")
    assert "沿用上一版审核决定" in admin.get("/admin/audit").text

    # a reviewer may still change a carried decision; version 1 keeps its own
    changed = reviewer.api("PUT", f"/api/documents/{v2}/findings/{still[rounding['id']]}/review",
                           json={"decision": "accepted", "reason": "请核对合计"})  # fmt: skip
    assert changed.status_code == 204
    assert counted(v2) == every
    before = {f["id"]: f for f in reviewer.get(f"/api/documents/{first}/findings").json()}
    assert before[rounding["id"]]["decision"] == "dismissed"


CHROMIUM = Path(os.environ.get("YUSUAN_CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path("/tmp/shots")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_in_a_browser_return_reupload_diff_and_a_rule_off(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"chromium not found at {CHROMIUM}")
    from tests.liveserver import served

    app = make_app(f"sqlite:///{tmp_path / 'yusuan.db'}", tmp_path)
    first = ingest_seed(app, "001").disclosure_id
    add_user(app, "rev", "reviewer")
    add_user(app, "admin", "admin")
    add_user(app, "fy", "unit", [unit_id(app, "汾阳市医疗保障局")])
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        with served(app) as url, sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--headless", "--no-sandbox", "--disable-gpu"],
            )
            try:

                def page_of(who: str, target: str) -> Any:
                    page = chromium.new_page(viewport={"width": 1440, "height": 900},
                                             locale="zh-CN")  # fmt: skip
                    page.on("pageerror", lambda exc: errors.append(str(exc)))
                    page.goto(f"{url}/login?next={target}")
                    page.fill("input[name=username]", who)
                    page.fill("input[name=password]", PASSWORD)
                    page.click("button:has-text('登录')")
                    page.wait_for_url(f"**{target}")
                    return page

                errors: list[str] = []
                reviewer = page_of("rev", f"/documents/{first}")
                reviewer.check("input[name=status][value=returned]")
                reviewer.fill("textarea[name=note]", "请删去重复的字后重新上传")
                reviewer.click("button:has-text('保存审核结果')")
                reviewer.wait_for_url("**msg=review_saved**")

                unit = page_of("fy", f"/documents/{first}")
                returned = unit.locator("#returned")
                sync_api.expect(returned).to_contain_text("请删去重复的字后重新上传")
                sync_api.expect(returned.locator("li").first).to_be_visible()
                unit.screenshot(path=str(SHOTS / "document-returned.png"))

                # the unit's corrected file comes in as version 2
                second = receive(context(app), SYSTEM, "001_修改稿.txt",
                                 second_version()).disclosure_id  # fmt: skip
                unit.goto(f"{url}/documents/{second}")
                sync_api.expect(unit.locator(".meta")).to_contain_text("第2版")
                unit.click("a:has-text('与上一版本比较')")
                unit.wait_for_url(f"**/documents/{second}/changes")
                sync_api.expect(unit.locator("#diff-resolved tbody tr")).to_have_count(1)
                sync_api.expect(unit.locator("#diff-new tbody tr")).to_have_count(1)
                sync_api.expect(unit.locator("#diff-resolved")).to_contain_text("编织织建")
                sync_api.expect(unit.locator("#diff-new")).to_contain_text("交办的的")
                unit.screenshot(path=str(SHOTS / "version-changes.png"))

                admin = page_of("admin", "/admin/rules")
                row = admin.locator("#rule-PERF-DEPARTMENT")
                row.locator("input[name=enabled]").uncheck()
                row.locator("button:has-text('保存')").click()
                admin.wait_for_url("**msg=rule_saved**")
                sync_api.expect(admin.locator("#rule-PERF-DEPARTMENT")).to_contain_text("已停用")
                admin.screenshot(path=str(SHOTS / "admin-rules-saved.png"))
                admin.goto(f"{url}/admin/rules")
                admin.screenshot(path=str(SHOTS / "admin-rules.png"))

                reviewer.goto(f"{url}/documents/{second}")
                sync_api.expect(reviewer.locator(".rule-notes")).to_contain_text(
                    "PERF-DEPARTMENT（"
                )
                assert reviewer.locator(".finding", has_text="PERF-DEPARTMENT").count() == 0
                assert "主管部门及代码为“483-汾阳市医疗保障局”" not in reviewer.content()
                assert not errors, errors
            finally:
                chromium.close()
    finally:
        context(app).store.close()
