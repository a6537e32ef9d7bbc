"""Reviewing: the queue by status, a document's status and note, findings accepted or
dismissed with a reason, deletion; and the audit log of all of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from tests.conftest import seed_path
from tests.webutil import Browser, add_user, context, ingest_seed, make_app, unit_id
from yusuan.store import schema as s
from yusuan.store.accounts import AuditEntry, FindingReview, Review


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
    sent = admin.api("POST", "/api/documents", files=[("files", ("汾阳.txt", data, "text/plain"))])
    doc = sent.json()[0]["disclosure_id"]
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
    again = admin.api(
        "POST", "/api/documents", files=[("files", ("again.txt", data, "text/plain"))]
    )
    assert again.json()[0]["status"] == "stored"

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
