"""Roles: admins manage users, reviewers see and review every document, a unit user sees only
their own units' documents, by page and by API, and may upload only for their own units."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.conftest import seed_path
from tests.webutil import Browser, add_user, context, ingest_seed, make_app, unit_id


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    application = make_app(db_url, tmp_path)
    yield application
    context(application).store.close()


def test_unit_user_sees_only_their_units(app: FastAPI) -> None:
    own = ingest_seed(app, "001")  # 汾阳市医疗保障局
    other = ingest_seed(app, "000")  # 阳泉市医疗保险管理服务中心
    assert own.disclosure_id and other.disclosure_id
    fenyang = unit_id(app, "汾阳市医疗保障局")
    add_user(app, "fenyang", "unit", [fenyang])
    add_user(app, "rev", "reviewer")
    unit = Browser(app)
    unit.login("fenyang")

    listing = unit.get("/documents").text
    assert "汾阳市医疗保障局" in listing and "阳泉市医疗保险管理服务中心" not in listing
    assert unit.get(f"/documents/{own.disclosure_id}").status_code == 200
    assert [d["id"] for d in unit.get("/api/documents").json()] == [own.disclosure_id]
    assert [d["id"] for d in unit.get("/api/queue").json()] == [own.disclosure_id]
    assert [u["name"] for u in unit.get("/api/units").json()] == ["汾阳市医疗保障局"]

    hidden = other.disclosure_id
    for url in (
        f"/documents/{hidden}",
        f"/documents/{hidden}/report.html",
        f"/documents/{hidden}/checklist.xlsx",
        f"/documents/{hidden}/report.json",
        f"/documents/{hidden}/source",
        f"/api/documents/{hidden}",
        f"/api/documents/{hidden}/tables",
        f"/api/documents/{hidden}/findings",
        f"/api/documents/{hidden}/source",
        f"/api/documents/{hidden}/report?format=xlsx",
    ):
        response = unit.get(url)
        assert response.status_code in (403, 404), url
        assert "阳泉市" not in response.text, url
    # not the document's existence either: the same answer as for an id that does not exist
    assert unit.get(f"/api/documents/{hidden}").json() == unit.get("/api/documents/99999").json()
    assert unit.api("DELETE", f"/api/documents/{hidden}").status_code in (403, 404)

    # unit users read their review status but cannot review
    assert (
        unit.post_form(f"/documents/{own.disclosure_id}/review", {"status": "reviewed"}).status_code
        == 403
    )
    answer = unit.api(
        "PUT", f"/api/documents/{own.disclosure_id}/review", json={"status": "reviewed"}
    )
    assert answer.status_code == 403 and answer.json()["detail"] == "只有审核人员可以执行此操作"
    assert (
        'action="/documents/' + str(own.disclosure_id) + '/review"'
        not in unit.get(f"/documents/{own.disclosure_id}").text
    )

    # a reviewer sees both
    reviewer = Browser(app)
    reviewer.login("rev")
    seen = {d["id"] for d in reviewer.get("/api/documents").json()}
    assert seen == {own.disclosure_id, other.disclosure_id}
    assert reviewer.get(f"/documents/{hidden}").status_code == 200


def test_only_admins_manage_users(app: FastAPI) -> None:
    add_user(app, "admin", "admin")
    add_user(app, "rev", "reviewer")
    reviewer = Browser(app)
    reviewer.login("rev")
    assert reviewer.get("/admin/users").status_code == 403
    assert reviewer.get("/admin/audit").status_code == 403
    assert reviewer.get("/api/users").status_code == 403
    assert reviewer.get("/api/audit").status_code == 403
    created = reviewer.api("POST", "/api/users", json={"username": "x1", "role": "admin"})
    assert created.status_code == 403
    assert "用户管理" not in reviewer.get("/documents").text  # no menu entry either

    admin = Browser(app)
    admin.login("admin")
    assert "用户管理" in admin.get("/documents").text
    fenyang = unit_id(app, "汾阳市医疗保障局")
    made = admin.api(
        "POST", "/api/users", json={"username": "fy", "role": "unit", "unit_ids": [fenyang]}
    )
    assert made.status_code == 201
    body = made.json()
    assert body["password"] and body["user"]["units"] == [
        {"id": fenyang, "name": "汾阳市医疗保障局"}
    ]
    assert Browser(app).login("fy", body["password"]).status_code == 303
    again = admin.api("POST", "/api/users", json={"username": "fy", "role": "unit"})
    assert again.status_code == 409
    # through the page: create, then change the role
    page = admin.post_form(
        "/admin/users", {"username": "rev2", "role": "reviewer", "password": "long-enough-1"}
    )
    assert page.status_code == 200 and "已创建用户" in page.text
    rev2 = next(u["id"] for u in admin.get("/api/users").json() if u["username"] == "rev2")
    saved = admin.post_form(
        f"/admin/users/{rev2}", {"role": "unit", "active": "on", "unit_ids": [fenyang]}
    )
    assert saved.status_code == 303
    assert admin.get(f"/api/users/{rev2}").json()["role"] == "unit"
    # an admin cannot lock themselves out
    me = admin.get("/api/me").json()["id"]
    assert admin.api("PATCH", f"/api/users/{me}", json={"active": False}).status_code == 403


def test_unit_user_uploads_only_for_their_units(app: FastAPI) -> None:
    fenyang = unit_id(app, "汾阳市医疗保障局")
    add_user(app, "fenyang", "unit", [fenyang])
    unit = Browser(app)
    unit.login("fenyang")

    def upload(seed: str) -> dict[str, object]:
        path = seed_path(seed)
        return unit.upload([("files", (path.name, path.read_bytes(), "text/plain"))])[0]

    foreign = upload("000")
    assert foreign["status"] == "rejected" and foreign["disclosure_id"] is None
    assert "不属于您的单位" in str(foreign["message"])
    mine = upload("001")
    assert mine["status"] == "stored" and mine["unit_name"] == "汾阳市医疗保障局"
    assert [d["id"] for d in unit.get("/api/documents").json()] == [mine["disclosure_id"]]
    # the rejected file was not kept on disk
    stored = list((context(app).settings.uploads_dir).rglob("*.txt"))
    assert len(stored) == 1
    # a document a reviewer stored for another unit stays hidden even when re-uploaded
    ingest_seed(app, "000")
    again = upload("000")
    assert again["status"] == "rejected" and again["disclosure_id"] is None
